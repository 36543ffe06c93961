# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cloner volume_clone runs: resolve the source, decide idempotently, start CloneVolume safely, wait.

Private to the collection: no compatibility promise for code outside it. Its options and checks are in
_volume_clone.py; this file is the work one task does against one cluster.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there. Clock, sleep
and random source are injectable, so the retry logic is tested without sleeping.

CloneVolume is not idempotent on the wire: a request whose answer was lost may still have started a clone.
So CloneVolume is never sent twice without first looking the target name up again; a volume found then is
adopted instead of cloned a second time. Waiting reuses the Waiter and the result builder of get_async_result.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random
import time

from ansible_collections.solidfire.element.plugins.module_utils._answers import COMPLETE
from ansible_collections.solidfire.element.plugins.module_utils._client import (
    ElementAPIError,
    ElementError,
    ElementTransientError,
)
from ansible_collections.solidfire.element.plugins.module_utils._progress import CloneIdentity
from ansible_collections.solidfire.element.plugins.module_utils._results import task_result
from ansible_collections.solidfire.element.plugins.module_utils._retry import MONOTONIC, Backoff, Deadline, Retrier
from ansible_collections.solidfire.element.plugins.module_utils._waiter import Waiter

CLONE_RESULT_TYPE = 'Clone'
DELETED = 'deleted'
INIT = 'init'


def live(volumes):
    """Volumes that are not deleted (ListVolumes lists deleted volumes until they are purged)."""
    return [volume for volume in volumes if volume.get('status') != DELETED]


class CloneError(ElementError):
    """The clone cannot be made (or found); str() is the message for the user."""


class VolumeCloner:
    """One volume_clone task against one cluster.

    client: an ElementClient (call, list_async_results, get_async_result, http_timeout).
    params: argspec-validated options; new_size: the clone's size in bytes, or None to keep the source's;
    check_mode: never send CloneVolume.
    on_event, abandoned: as for Waiter (progress lines; stop without releasing once nobody gets the result).
    """

    def __init__(self, client, params, new_size=None, check_mode=False, clock=MONOTONIC, sleep=time.sleep,
                 rand=random.random, on_event=None, abandoned=None):
        self.client = client
        self.params = params
        self.new_size = new_size
        self.check_mode = check_mode
        self._clock = clock
        self._sleep = sleep
        self._rand = rand
        self._on_event = on_event or (lambda kind, text: None)
        self._abandoned = abandoned
        self._deadline = Deadline(params['wait_timeout'], clock)
        # Lookups and CloneVolume share the task's deadline with the wait that may follow.
        self._retrier = Retrier(self._deadline, Backoff(params['poll_interval'], params['max_poll_interval'], rand),
                                sleep, on_retry=lambda text: self._on_event('retry', text), abandoned=abandoned)
        self.clone_requests = 0
        self.warnings = []

    @property
    def transient_errors(self):
        return self._retrier.transient_errors

    # ----------------------------------------------------------------------------------------------- public
    def run(self):
        """Clone (or find the clone) and return the task's clone fields; raises ElementError subclasses."""
        source = self.resolve_source()
        account_id = self.params.get('account_id') or source['accountID']
        if account_id != source['accountID']:
            self.check_account(account_id)
        existing = self.find_target(account_id)
        if existing is not None:
            return self._existing(existing, source)
        if self.check_mode:
            return self._fields(source, changed=True, msg='Would clone source volume %d into %r in account %d '
                                '(check mode: nothing was sent).' % (source['volumeID'], self.params['name'], account_id))
        return self.start(source, account_id)

    def wait(self, fields, release):
        """Wait on fields['async_handle'] with the same Waiter and result builder as get_async_result."""
        self._on_event('status', fields['msg'])
        waiter = Waiter(
            self.client,
            timeout=max(0.0, self._deadline.remaining()),
            poll_interval=self.params['poll_interval'],
            max_poll_interval=self.params['max_poll_interval'],
            wait=True,
            release=release,
            clock=self._clock,
            sleep=self._sleep,
            rand=self._rand,
            on_event=self._on_event,
            abandoned=self._abandoned,
        )
        # The start answer names the clone: its progress is read from ListSyncJobs from the first round on.
        identity = CloneIdentity(clone_id=fields.get('clone_id'), volume_id=fields.get('volume_id'))
        known = fields.get('clone_id') is not None or fields.get('volume_id') is not None
        report = waiter.run([fields['async_handle']], identities={fields['async_handle']: identity} if known else None)
        waited = task_result(report, many=False, params=self.params)
        result = dict(fields)
        result.update(waited)
        result['changed'] = fields['changed'] or waited['changed']
        result['msg'] = '%s %s' % (fields['msg'], waited['msg'])
        if report.outcomes[0].state == COMPLETE:
            result['volume'] = self._refreshed(fields['volume_id'], fields['volume'])
        return result

    # ----------------------------------------------------------------------------------------------- lookups
    def resolve_source(self):
        """The source volume, by ID or by name (within src_account_id when given); CloneError if none or many."""
        params = self.params
        wanted_account = params.get('src_account_id')
        if params.get('src_volume_id') is not None:
            volume_id = params['src_volume_id']
            found = [v for v in self._list_volumes({'volumeIDs': [volume_id]}) if v.get('volumeID') == volume_id]
            if not found:
                raise CloneError('source volume %d does not exist (or is deleted).' % volume_id)
            if wanted_account is not None and found[0].get('accountID') != wanted_account:
                raise CloneError('source volume %d belongs to account %s, not to src_account_id %d.'
                                 % (volume_id, found[0].get('accountID'), wanted_account))
            return found[0]
        name = params['src_volume_name']
        query = {'volumeName': name}
        if wanted_account is not None:
            query['accounts'] = [wanted_account]
        found = [v for v in self._list_volumes(query) if v.get('name') == name
                 and (wanted_account is None or v.get('accountID') == wanted_account)]
        if not found:
            where = ' in account %d' % wanted_account if wanted_account is not None else ''
            raise CloneError('source volume %r does not exist%s (no volume of that name that is not deleted).'
                             % (name, where))
        if len(found) > 1:
            raise CloneError(_ambiguous_source_message(name, found))
        return found[0]

    def check_account(self, account_id):
        try:
            self._read(self.client.call, 'GetAccountByID', {'accountID': account_id})
        except ElementAPIError as exc:
            if exc.name == 'xAccountIDDoesNotExist':
                raise CloneError('account %d (account_id) does not exist (%s).' % (account_id, exc))
            raise

    def find_target(self, account_id):
        """The volume named like the clone in the target account (not deleted), or None."""
        name = self.params['name']
        found = [v for v in self._list_volumes({'volumeName': name, 'accounts': [account_id]})
                 if v.get('name') == name and v.get('accountID') == account_id]
        if not found:
            return None
        found.sort(key=lambda volume: volume.get('volumeID'))
        if len(found) > 1:
            self.warnings.append('Account %d has %d volumes named %r (volume IDs %s); using the oldest, %s.' % (
                account_id, len(found), name, ', '.join(str(v.get('volumeID')) for v in found), found[0]['volumeID']))
        return found[0]

    def find_clone_handle(self, volume_id, include_completed):
        entries = self._read(self.client.list_async_results, [CLONE_RESULT_TYPE])
        return clone_job_handle(entries, volume_id, include_completed=include_completed), entries

    # ----------------------------------------------------------------------------------------------- start
    def start(self, source, account_id):
        """Send CloneVolume; on a transient error back off, look the name up again, and only then resend."""
        request = self._clone_request(source, account_id)
        while True:
            # Before every send: a clone started for a controller that is gone would reach nobody.
            self._retrier.check_abandoned()
            try:
                self.clone_requests += 1
                answer = self._retrier.attempt(self.client.call, self.client.http_timeout, 'CloneVolume', request)
                return self._started(answer, source)
            except ElementTransientError as exc:
                self._retrier.note_transient(exc)
            except ElementAPIError as exc:
                raise CloneError(self._clone_error_message(exc, source))
            self._retrier.pause(self._start_context(source))
            # The failed request may have started the clone all the same (an answer lost on the way back).
            found = self.find_target(account_id)
            if found is not None:
                return self._adopt(found, source)

    def _clone_request(self, source, account_id):
        params = self.params
        request = {'volumeID': source['volumeID'], 'name': params['name']}
        if account_id != source['accountID']:
            request['newAccountID'] = account_id
        optional = (
            ('newSize', self.new_size),
            ('snapshotID', params.get('src_snapshot_id')),
            ('access', params.get('access')),
            ('attributes', params.get('attributes')),
            ('enable512e', params.get('enable512e')),
        )
        request.update((key, value) for key, value in optional if value is not None)
        return request

    def _started(self, answer, source):
        return self._fields(source, changed=True, async_handle=answer.get('asyncHandle'),
                            clone_id=answer.get('cloneID'), volume_id=answer.get('volumeID'),
                            volume=answer.get('volume'),
                            msg='Started cloning source volume %d into %r (volume %s, async handle %s).' % (
                                source['volumeID'], self.params['name'], answer.get('volumeID'),
                                answer.get('asyncHandle')))

    def _adopt(self, volume, source):
        """A retry found the target already there: the lost request did start it, or another run did."""
        handle, entries = self.find_clone_handle(volume['volumeID'], include_completed=True)
        clone_id = None
        for entry in entries:
            if entry.get('asyncResultID') == handle and isinstance(entry.get('data'), dict):
                clone_id = entry['data'].get('cloneID')
        return self._fields(source, changed=True, async_handle=handle, clone_id=clone_id,
                            volume_id=volume['volumeID'], volume=volume,
                            msg='CloneVolume failed transiently (%s), but volume %s named %r exists now: adopted it '
                                'instead of cloning again (async handle %s).' % (
                                    self._retrier.last_transient, volume['volumeID'], self.params['name'], handle))

    def _existing(self, volume, source):
        handle = None
        if volume.get('status') == INIT and not self.check_mode:
            handle = self.find_clone_handle(volume['volumeID'], include_completed=False)[0]
        state = 'its clone job is still running (async handle %s)' % handle if handle is not None else (
            'status %s' % volume.get('status'))
        return self._fields(source, changed=False, async_handle=handle, volume_id=volume['volumeID'],
                            volume=volume, msg='Volume %s named %r already exists in account %s, %s: nothing to do.'
                            % (volume['volumeID'], self.params['name'], volume.get('accountID'), state))

    @staticmethod
    def _fields(source, changed, msg, async_handle=None, clone_id=None, volume_id=None, volume=None):
        """Every path returns the same keys."""
        return dict(changed=changed, async_handle=async_handle, clone_id=clone_id, volume_id=volume_id,
                    volume=volume, src_volume_id=source['volumeID'], msg=msg)

    def _clone_error_message(self, exc, source):
        source_id = source['volumeID']
        if exc.name == 'xVolumeIDDoesNotExist':
            return 'source volume %d does not exist (%s).' % (source_id, exc)
        if exc.name == 'xSnapshotIDDoesNotExist':
            return 'snapshot %s of source volume %d does not exist (%s).' % (
                self.params.get('src_snapshot_id'), source_id, exc)
        if exc.name == 'xAccountIDDoesNotExist':
            return 'account %s does not exist (%s).' % (self.params.get('account_id'), exc)
        if exc.name == 'xPermissionDenied':
            return 'user %r may not clone volumes on this cluster (%s).' % (self.params['username'], exc)
        return 'CloneVolume of source volume %d into %r failed: %s' % (source_id, self.params['name'], exc)

    def _start_context(self, source):
        return 'starting the clone of source volume %d into %r (CloneVolume sent %d times)' % (
            source['volumeID'], self.params['name'], self.clone_requests)

    # ----------------------------------------------------------------------------------------------- plumbing
    def _list_volumes(self, query):
        return live(self._read(self.client.call, 'ListVolumes', query).get('volumes') or [])

    def _read(self, function, *args):
        """A read-only call, retried on transient faults while the deadline allows."""
        return self._retrier.call(function, self.client.http_timeout, 'reading from the cluster', *args)

    def _refreshed(self, volume_id, volume):
        """The volume as it is now (active after the clone), or what we had if the read fails."""
        try:
            found = self._retrier.attempt(self.client.call, self.client.http_timeout, 'ListVolumes',
                                          {'volumeIDs': [volume_id]})
        except ElementError:
            return volume
        for candidate in found.get('volumes') or []:
            if candidate.get('volumeID') == volume_id:
                return candidate
        return volume


def _ambiguous_source_message(name, volumes):
    ids = ', '.join('%s (account %s)' % (v.get('volumeID'), v.get('accountID')) for v in volumes)
    accounts = set(v.get('accountID') for v in volumes)
    hint = 'set src_volume_id to one of them'
    if len(accounts) > 1:
        hint += ', or src_account_id to the account to clone from'
    return 'source volume name %r is ambiguous: it matches %d volumes, IDs %s; %s.' % (name, len(volumes), ids, hint)


def clone_job_handle(entries, volume_id, include_completed=False):
    """The handle of the Clone job that fills volume_id, or None.

    A running Clone job names the new volume in data.volumeID. A completed one names it in its result, but so
    does CopyVolume with the *source* volume, so completed jobs count only when asked (a clone just adopted).
    Running jobs win over completed ones; among equals the newest handle wins.
    """
    running, done = [], []
    for entry in entries:
        data = entry.get('data')
        if entry.get('resultType') != CLONE_RESULT_TYPE or not isinstance(data, dict):
            continue
        if data.get('volumeID') != volume_id:
            continue
        if not entry.get('completed'):
            running.append(entry.get('asyncResultID'))
        elif include_completed and entry.get('success') and 'cloneID' in data:
            done.append(entry.get('asyncResultID'))
    for found in (running, done):
        if found:
            return max(found)
    return None
