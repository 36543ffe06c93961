# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The work of one volume_backup or volume_restore task: a bulk volume job between a volume of this cluster and S3
or a volume of another Element cluster (the peer). Private to the collection.

- To S3: one StartBulkVolumeRead (backup) or StartBulkVolumeWrite (restore) with the cluster's own script,
  bv_internal.py, and its S3 parameters.
- Between clusters, the data goes from the reading side to the writing side: StartBulkVolumeWrite on the writing
  cluster first (its answer's key admits the data), then StartBulkVolumeRead on the reading cluster, whose script
  writes to the writing cluster with that key. A backup reads here and writes on the peer; a restore writes here
  and reads on the peer. When the read cannot be started, the write session is closed (UpdateBulkVolumeStatus).
- Idempotent: a job of the same direction, volume and place already running (ListBulkVolumeJobs) is adopted, and
  its async handle returned (changed false). A start request whose answer was lost is resolved the same way
  before any resend. Check mode sends nothing that starts work.
- A volume written to must not be in use (in a volume access group, or the volume of a running job) and must be as
  large as what is written; both are refused naming it, before anything starts.
- Secrets (the S3 secret key, the peer's password) go into scriptParameters only; every answer that may echo them
  is redacted by the task frame, the action plugin and _results (redact_fields).
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._answers import COMPLETE
from ansible_collections.solidfire.element.plugins.module_utils._bulk_progress import BULK_RESULT_TYPE, BulkIdentity
from ansible_collections.solidfire.element.plugins.module_utils._client import ElementError
from ansible_collections.solidfire.element.plugins.module_utils._common import (
    CONNECTION_SPEC,
    positive_id_errors,
    prepare_connection,
)
from ansible_collections.solidfire.element.plugins.module_utils._lookups import LookupFailed, Lookups, VolumeRef
from ansible_collections.solidfire.element.plugins.module_utils._results import sentences, task_result
from ansible_collections.solidfire.element.plugins.module_utils._retry import Retrier
from ansible_collections.solidfire.element.plugins.module_utils._starter import Starter, StartFailed, prepare_start
from ansible_collections.solidfire.element.plugins.module_utils._waiter import Waiter

SCRIPT = 'bv_internal.py'
READ, WRITE = 'read', 'write'
BACKUP, RESTORE = 'backup', 'restore'
FORMATS = ['native', 'uncompressed']

# An S3 place: what bv_internal.py needs (the prefix of a backup defaults to where Element's UI puts it).
S3_SPEC = dict(
    hostname=dict(type='str', required=True),
    bucket=dict(type='str', required=True),
    prefix=dict(type='str'),
    access_key_id=dict(type='str', required=True),
    secret_access_key=dict(type='str', required=True, no_log=True),
)

# The other Element cluster: its connection (the modules' connection options, without the SOLIDFIRE_*
# fallbacks, which name this cluster) and its volume.
PEER_SPEC = dict((name, dict((key, value) for key, value in spec.items() if key != 'fallback'))
                 for name, spec in CONNECTION_SPEC.items())
PEER_SPEC.update(
    volume_id=dict(type='int'),
    volume_name=dict(type='str'),
    account_id=dict(type='int'),
)


PEER_OPTION = dict(type='dict', options=PEER_SPEC, mutually_exclusive=[('volume_id', 'volume_name')],
                   required_one_of=[('volume_id', 'volume_name')])


def prepare_transfer(params, volume_options, place_option):
    """(errors, Connection of this cluster, Connection of the peer or None): every check beyond the argspec of a
    volume_backup or volume_restore task, each option parsed once."""
    errors, connection = prepare_start(params)
    errors += positive_id_errors(params, volume_options + ('snapshot_id',))
    peer_connection = None
    peer = params.get(place_option)
    if peer is not None:
        peer_errors, peer_connection = prepare_connection(peer)
        errors += ['%s: %s' % (place_option, error) for error in peer_errors]
        errors += ['%s.%s' % (place_option, error) for error in positive_id_errors(peer, ('volume_id', 'account_id'))]
        if peer.get('volume_name') is not None and not peer['volume_name']:
            errors.append('%s.volume_name must not be empty.' % place_option)
    s3 = params.get('s3')
    if s3 is not None:
        for option in ('hostname', 'bucket', 'access_key_id', 'secret_access_key'):
            if not s3.get(option):
                errors.append('s3.%s must not be empty.' % option)
        if s3.get('prefix') is not None and (not s3['prefix'] or s3['prefix'].startswith('/')):
            errors.append('s3.prefix must be a key prefix without a leading /, got %r.' % (s3['prefix'],))
    return errors, connection, peer_connection


class Place:
    """Where the data goes to or comes from: S3 (its parameters) or the peer cluster (a client and its volume)."""

    def __init__(self, s3=None, peer=None, peer_volume=None, peer_connection=None):
        self.s3 = s3
        self.peer = peer  # an ElementClient of the other cluster
        self.peer_volume = peer_volume
        self.peer_connection = peer_connection

    def describe(self):
        if self.s3 is not None:
            return 's3://%s/%s on %s' % (self.s3['bucket'], self.s3['prefix'], self.s3['hostname'])
        volume = self.peer_volume
        return 'volume %s (%s) on cluster %s' % (volume['volumeID'], volume.get('name'), self.peer_connection.endpoint.host)

    def fields(self):
        if self.s3 is not None:
            return dict(s3=dict(hostname=self.s3['hostname'], bucket=self.s3['bucket'], prefix=self.s3['prefix']))
        return dict(cluster=dict(hostname=self.peer_connection.endpoint.host, port=self.peer_connection.endpoint.port,
                                 volume_id=self.peer_volume['volumeID'], volume_name=self.peer_volume.get('name')))


def s3_parameters(s3, fmt):
    """bv_internal.py's parameters of an S3 place (as Element's UI sends them)."""
    return dict(endpoint='s3', hostname=s3['hostname'], bucket=s3['bucket'], prefix=s3['prefix'],
                awsAccessKeyID=s3['access_key_id'], awsSecretAccessKey=s3['secret_access_key'], format=fmt)


class BulkTransfer(Starter):
    """One volume_backup (direction BACKUP) or volume_restore (RESTORE) task against this cluster."""

    direction = BACKUP

    def __init__(self, client, params, peer_connection=None, **kwargs):
        super(BulkTransfer, self).__init__(client, params, **kwargs)
        self._peer_connection = peer_connection
        self._volume = None
        self._place = None
        self._peer_lookups = None

    # ------------------------------------------------------------------------------------------- public
    def close(self):
        """The peer's client, once the task is done with it (after the wait)."""
        if self._place is not None and self._place.peer is not None:
            self._place.peer.close()

    @property
    def kind(self):
        """This cluster's side of the job: a backup reads here, a restore writes here."""
        return READ if self.direction == BACKUP else WRITE

    def run(self):
        """Start (or adopt) the job and return the task's fields; raises ElementError subclasses."""
        self._volume = self._this_volume()
        self._place = self._resolve_place()
        # the same job already running is adopted first: it is what makes the volume written to busy
        running = self._running_here()
        if running is not None:
            return self._adopt(running)
        if self.kind == WRITE:
            self._check_writable(self.lookups, self._volume, 'the volume to restore into', self._incoming_size())
        elif self._place.peer is not None:
            self._check_writable(self._peer_lookups, self._place.peer_volume, 'the destination volume',
                                 self._volume['totalSize'])
        if self.check_mode:
            return self._fields(changed=True, msg='Would %s (check mode: nothing was sent).' % self._what())
        return self._start()

    def finish(self, fields, release):
        """Wait for this cluster's job and, between clusters, for the peer's; both released once held."""
        identity = BulkIdentity(bv_id=fields.get('bulk_volume_id'), key=fields.get('key'),
                                volume_id=self._volume['volumeID'], kind=self.kind)
        result, completed = self.wait(fields, release, identity=identity)
        peer_handle = fields.get('peer_async_handle')
        if completed and peer_handle is not None:
            result['peer'] = self._wait_peer(peer_handle, release)
            if result['peer'].get('failed'):
                result['failed'] = True
                result['msg'] = sentences(result['msg'], 'The other cluster: %s' % result['peer']['msg'])
        return result

    # ------------------------------------------------------------------------------------------- lookups
    def _this_volume(self):
        prefix = 'src' if self.direction == BACKUP else 'dst'
        role = 'volume to back up' if self.direction == BACKUP else 'volume to restore into'
        volume = self.lookups.volume(VolumeRef(
            role, volume_id=self.params.get('%s_volume_id' % prefix), name=self.params.get('%s_volume_name' % prefix),
            account_id=self.params.get('%s_account_id' % prefix), id_option='%s_volume_id' % prefix,
            account_option='%s_account_id' % prefix))
        snapshot_id = self.params.get('snapshot_id')
        if snapshot_id:
            snapshots = self.lookups.read(self.client.call, 'ListSnapshots', {'volumeID': volume['volumeID']})
            if not any(s.get('snapshotID') == snapshot_id for s in snapshots.get('snapshots') or []):
                raise LookupFailed('snapshot %d is not a snapshot of volume %d (%s).'
                                   % (snapshot_id, volume['volumeID'], volume.get('name')))
        return volume

    def _resolve_place(self):
        s3 = self.params.get('s3')
        if s3 is not None:
            s3 = dict(s3)
            if not s3.get('prefix'):
                s3['prefix'] = self._default_prefix()
            return Place(s3=s3)
        option = 'destination' if self.direction == BACKUP else 'source'
        spec = self.params[option]
        peer = self.client_factory(self._peer_connection)
        self._peer_lookups = Lookups(peer, Retrier(self._deadline, self._retrier.backoff, self._sleep,
                                                   on_retry=lambda text: self._on_event('retry', 'other cluster: '
                                                                                        + text),
                                                   abandoned=self._abandoned))
        try:
            volume = self._peer_lookups.volume(VolumeRef(
                '%s volume on %s' % (option, self._peer_connection.endpoint.host), volume_id=spec.get('volume_id'),
                name=spec.get('volume_name'), account_id=spec.get('account_id'), id_option='%s.volume_id' % option,
                account_option='%s.account_id' % option))
        except ElementError:
            peer.close()
            raise
        return Place(peer=peer, peer_volume=volume, peer_connection=self._peer_connection)

    def _default_prefix(self):
        """<cluster name>-<cluster unique ID>/<volume name>-<volume ID>, where Element's UI puts a backup."""
        if self.direction == RESTORE:
            raise StartFailed('s3.prefix is required to restore: it names the backup to read.')
        info = self.lookups.read(self.client.call, 'GetClusterInfo', {}).get('clusterInfo') or {}
        return '%s-%s/%s-%s' % (info.get('name'), info.get('uniqueID'), self._volume.get('name'),
                                self._volume['volumeID'])

    def _incoming_size(self):
        """The size of what a restore writes: the peer volume's; unknown for S3 (the cluster checks it)."""
        return self._place.peer_volume['totalSize'] if self._place.peer is not None else None

    def _check_writable(self, lookups, volume, role, incoming):
        """Refuse a volume that hosts may use or a job writes to, or that is smaller than what comes."""
        label = 'volume %s (%s)' % (volume['volumeID'], volume.get('name'))
        groups = volume.get('volumeAccessGroups') or []
        if groups:
            raise StartFailed('%s, %s, is in use: it is in volume access group%s %s, so hosts may have it mounted. '
                              'Remove it from %s first; nothing was started.' % (
                                  role, label, 's' if len(groups) > 1 else '', ', '.join(str(g) for g in groups),
                                  'them' if len(groups) > 1 else 'it'))
        busy = [job for job in lookups.read(lookups.client.list_bulk_volume_jobs)
                if job.get('srcVolumeID') == volume['volumeID']]
        if busy:
            raise StartFailed('%s, %s, is in use: bulk volume job %s (%s) runs on it; nothing was started.'
                              % (role, label, busy[0].get('bulkVolumeID'), busy[0].get('type')))
        if incoming is not None and volume.get('totalSize', 0) < incoming:
            raise StartFailed('%s, %s, is too small: %d bytes for %d bytes of data; nothing was started.'
                              % (role, label, volume.get('totalSize', 0), incoming))

    # ------------------------------------------------------------------------------------------- adopt
    def _running_here(self):
        """The ListBulkVolumeJobs entry of a job of this direction, volume and place already running, or None."""
        for job in self.lookups.read(self.client.list_bulk_volume_jobs):
            if job.get('srcVolumeID') == self._volume['volumeID'] and job.get('type') == self.kind \
                    and self._same_place(job):
                return job
        return None

    def _same_place(self, job):
        """Whether a running job moves data to or from our place (by its echoed script parameters; a job with
        none, a session another cluster feeds, by the peer's side)."""
        parameters = job.get('scriptParameters')
        side = (parameters or {}).get('write' if self.kind == READ else 'read') if isinstance(parameters, dict) else None
        if self._place.s3 is not None:
            return isinstance(side, dict) and side.get('endpoint') == 's3' and all(
                side.get(key) == self._place.s3[name] for key, name in
                (('hostname', 'hostname'), ('bucket', 'bucket'), ('prefix', 'prefix')))
        if self.kind == READ:
            return isinstance(side, dict) and side.get('endpoint') == 'solidfire' and \
                side.get('mvip') == self._peer_mvip()
        return not job.get('script')

    def _adopt(self, job):
        handle = self._handle_of(job)
        return self._fields(changed=False, async_handle=handle, bulk_volume_id=job.get('bulkVolumeID'),
                            key=job.get('key'), msg='A %s of %s is already running (bulk volume job %s, async handle '
                            '%s): not started again.' % (self.direction, self._what_volume(), job.get('bulkVolumeID'),
                                                         handle))

    def _handle_of(self, job):
        return self._handle_on(self.lookups, job)

    @staticmethod
    def _handle_on(lookups, job):
        """The async handle of a running bulk volume job, from ListAsyncResults (its data names its bvID)."""
        for entry in lookups.read(lookups.client.list_async_results, [BULK_RESULT_TYPE]):
            data = entry.get('data') if isinstance(entry.get('data'), dict) else {}
            if data.get('bvID') == job.get('bulkVolumeID') and not entry.get('completed'):
                return entry.get('asyncResultID')
        return None

    def started_meanwhile(self):
        """After a lost start answer: the job of this direction, volume and place, now running."""
        return self._running_here()

    def start_error_message(self, exc):
        return 'Could not start the %s of %s: %s' % (self.direction, self._what_volume(), exc)

    # ------------------------------------------------------------------------------------------- start
    def _start(self):
        fmt = self.params['format']
        if self._place.s3 is not None:
            side = 'write' if self.kind == READ else 'read'
            request = self._request(fmt, script=SCRIPT, parameters={side: s3_parameters(self._place.s3, fmt)})
            answer, found = self.start(self._method(), request, self._what)
            if found is not None:
                return self._adopt(found)
            return self._started(answer)
        return self._start_between_clusters(fmt)

    def _method(self):
        return 'StartBulkVolumeRead' if self.kind == READ else 'StartBulkVolumeWrite'

    def _request(self, fmt, script=None, parameters=None):
        request = {'volumeID': self._volume['volumeID'], 'format': fmt}
        if self.kind == READ and self.params.get('snapshot_id'):
            request['snapshotID'] = self.params['snapshot_id']
        if script is not None:
            request.update(script=script, scriptParameters=parameters)
        return request

    def _start_between_clusters(self, fmt):
        """The write session first (its key admits the data), then the read that feeds it."""
        peer = self._place.peer
        peer_volume = self._place.peer_volume['volumeID']
        if self.kind == READ:
            # backup: this cluster reads, the peer writes
            known = set(job.get('bulkVolumeID') for job in self._peer_lookups.read(peer.list_bulk_volume_jobs))
            session = self._peer_start('StartBulkVolumeWrite', {'volumeID': peer_volume, 'format': fmt},
                                       lambda job: job.get('type') == WRITE and job.get('srcVolumeID') == peer_volume
                                       and job.get('bulkVolumeID') not in known and not job.get('script'))
            write = dict(endpoint='solidfire', mvip=self._peer_mvip(), username=self._peer_connection.username,
                         password=self._peer_connection.password, key=session.get('key'), format=fmt)
            try:
                answer, found = self.start('StartBulkVolumeRead', self._request(fmt, SCRIPT, {'write': write}),
                                           self._what)
            except ElementError:
                self._close_session(peer, session.get('key'))
                raise
            if found is not None:
                return self._adopt(found)
            return self._started(answer, peer_handle=session.get('asyncHandle'))
        # restore: this cluster writes, the peer reads
        answer, found = self.start('StartBulkVolumeWrite', self._request(fmt), self._what)
        if found is not None:
            return self._adopt(found)
        write = dict(endpoint='solidfire', mvip=self._this_mvip(), username=self.params['username'],
                     password=self.params['password'], key=answer.get('key'), format=fmt)
        read = {'volumeID': peer_volume, 'format': fmt, 'script': SCRIPT, 'scriptParameters': {'write': write}}
        key = answer.get('key')
        try:
            peer_answer = self._peer_start('StartBulkVolumeRead', read, lambda job: job.get('type') == READ and (
                (job.get('scriptParameters') or {}).get('write') or {}).get('key') == key)
        except ElementError:
            self._close_session(self.client, key)
            raise
        return self._started(answer, peer_handle=peer_answer.get('asyncHandle'))

    def _peer_start(self, method, request, matches):
        """A start request on the peer, never resent blind: after a lost answer, the peer's ListBulkVolumeJobs is
        read, and a job that `matches` is adopted (its key and, from ListAsyncResults, its handle)."""
        peer = self._place.peer

        def meanwhile():
            for job in self._peer_lookups.read(peer.list_bulk_volume_jobs):
                if matches(job):
                    return dict(key=job.get('key'), asyncHandle=self._handle_on(self._peer_lookups, job))
            return None

        try:
            answer, found = self.start(method, request, self._what, client=peer, meanwhile=meanwhile)
        except StartFailed as exc:
            raise StartFailed('The other cluster (%s): %s' % (self._peer_connection.endpoint.host, exc))
        return answer if found is None else found

    def _close_session(self, client, key):
        """A write session whose data will never come is closed, so it holds no bulk volume slot."""
        try:
            client.call('UpdateBulkVolumeStatus', {'key': key, 'status': 'failed'})
        except ElementError as exc:
            self.warnings.append('The write session (key %s) could not be closed: %s' % (key, exc))

    def _peer_mvip(self):
        endpoint = self._peer_connection.endpoint
        host = '[%s]' % endpoint.host if ':' in endpoint.host else endpoint.host
        return host if endpoint.port == 443 else '%s:%d' % (host, endpoint.port)

    def _this_mvip(self):
        host = '[%s]' % self.client.host if ':' in self.client.host else self.client.host
        return host if self.client.port == 443 else '%s:%d' % (host, self.client.port)

    def _started(self, answer, peer_handle=None):
        handle = answer.get('asyncHandle')
        bulk_volume_id = self._bulk_volume_id(answer.get('key'))
        fields = self._fields(changed=True, async_handle=handle, key=answer.get('key'), bulk_volume_id=bulk_volume_id,
                              msg='Started the %s of %s (bulk volume job %s, async handle %s).' % (
                                  self.direction, self._what_volume(), bulk_volume_id, handle))
        fields['peer_async_handle'] = peer_handle
        return fields

    def _bulk_volume_id(self, key):
        """The bulkVolumeID of the job a start answered with `key` (the start answer does not carry it), or None
        when one read cannot tell (the wait learns it from its figures)."""
        try:
            jobs = self._retrier.attempt(self.client.list_bulk_volume_jobs, self.client.http_timeout)
        except ElementError:
            return None
        found = [job.get('bulkVolumeID') for job in jobs if job.get('key') == key]
        return found[0] if len(found) == 1 else None

    # ------------------------------------------------------------------------------------------- the wait
    def _wait_peer(self, handle, release):
        """The peer's side of the job, waited on with what is left of the deadline."""
        waiter = Waiter(self._place.peer, timeout=max(0.0, self._deadline.remaining()),
                        poll_interval=self.params['poll_interval'], max_poll_interval=self.params['max_poll_interval'],
                        wait=True, release=release, clock=self._clock, sleep=self._sleep, rand=self._rand,
                        on_event=lambda kind, text: self._on_event(kind, 'other cluster: ' + text),
                        abandoned=self._abandoned)
        report = waiter.run([handle])
        result = task_result(report, many=False, params=self.params)
        result['completed'] = report.outcomes[0].state == COMPLETE
        return result

    # ------------------------------------------------------------------------------------------- fields
    def _what_volume(self):
        return 'volume %s (%s)' % (self._volume['volumeID'], self._volume.get('name'))

    def _what(self):
        if self.direction == BACKUP:
            return 'back up %s to %s' % (self._what_volume(), self._place.describe())
        return 'restore %s from %s' % (self._what_volume(), self._place.describe())

    def _fields(self, changed, msg, async_handle=None, bulk_volume_id=None, key=None):
        fields = dict(changed=changed, async_handle=async_handle, bulk_volume_id=bulk_volume_id, key=key,
                      volume=self._volume, msg=msg, peer_async_handle=None)
        fields.update(self._place.fields())
        return fields
