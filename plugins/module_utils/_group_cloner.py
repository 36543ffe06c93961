# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The group cloner group_clone runs: resolve every source (and the group snapshot), decide idempotently by the
target names, start CloneMultipleVolumes safely, wait. Private to the collection.

A group clone is consistent only when its members are cloned together: when every target name exists, nothing
is sent; when only some do, the task fails (a partial set cannot be completed consistently). A lost
CloneMultipleVolumes answer is resolved before any resend by looking every target name up again: a blind resend
would make a second set of volumes.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._client import ElementAPIError
from ansible_collections.solidfire.element.plugins.module_utils._lookups import (
    INIT,
    LookupFailed,
    VolumeRef,
    entry_data,
    newest_handle,
)
from ansible_collections.solidfire.element.plugins.module_utils._progress import CloneIdentity
from ansible_collections.solidfire.element.plugins.module_utils._starter import Starter, StartFailed


class Member:
    """One entry of `volumes`: its source volume, the account its clone goes to, and the clone once known."""

    def __init__(self, index, spec, source, account_id):
        self.index = index
        self.spec = spec
        self.source = source
        self.account_id = account_id
        self.target = None  # the live volume of that name in that account, once found

    @property
    def name(self):
        return self.spec['name']

    def fields(self, volume_id=None):
        return dict(src_volume_id=self.source['volumeID'], name=self.name,
                    volume_id=volume_id if volume_id is not None else (self.target or {}).get('volumeID'))


class GroupCloner(Starter):
    """One group_clone task against one cluster (the arguments are the Starter's)."""

    def __init__(self, client, params, **kwargs):
        super(GroupCloner, self).__init__(client, params, **kwargs)
        self.members = []

    # ----------------------------------------------------------------------------------------------- public
    def run(self):
        """Clone the group (or find it) and return the task's fields; raises ElementError subclasses."""
        params = self.params
        snapshot_volumes = self._group_snapshot_volumes()
        if params.get('account_id') is not None:
            self.lookups.check_account(params['account_id'])
        self.members = [self._member(index, spec, snapshot_volumes) for index, spec in enumerate(params['volumes'])]
        present, absent = self._look_up_targets()
        if not absent:
            return self._existing()
        if present:
            raise StartFailed(_partial_message(present, absent))
        if self.check_mode:
            return self._fields(changed=True, msg='Would clone %s as one group (check mode: nothing was sent).'
                                % self._describe())
        answer, found = self.start('CloneMultipleVolumes', self._request(), self._start_context)
        if found is not None:
            return self._adopt()
        return self._started(answer)

    def finish(self, fields, release):
        identity = None
        if fields.get('group_clone_id') is not None:
            identity = CloneIdentity(group_clone_id=fields['group_clone_id'])
        return self.wait(fields, release, identity=identity)[0]

    # ----------------------------------------------------------------------------------------------- lookups
    def _group_snapshot_volumes(self):
        """The volume IDs of group_snapshot_id's members, or None when no group snapshot was given."""
        snapshot_id = self.params.get('group_snapshot_id')
        if snapshot_id is None:
            return None
        try:
            answer = self.lookups.read(self.client.call, 'ListGroupSnapshots', {'groupSnapshotID': snapshot_id})
        except ElementAPIError as exc:
            if 'DoesNotExist' not in (exc.name or ''):
                raise
            answer = {}
        for group in answer.get('groupSnapshots') or []:
            if group.get('groupSnapshotID') == snapshot_id:
                return set(member.get('volumeID') for member in group.get('members') or [])
        raise LookupFailed('group snapshot %d (group_snapshot_id) does not exist.' % snapshot_id)

    def _member(self, index, spec, snapshot_volumes):
        where = 'volumes[%d]: ' % index
        source = self.lookups.volume(VolumeRef(
            'source volume', volume_id=spec.get('src_volume_id'), name=spec.get('src_volume_name'),
            account_id=self.params.get('src_account_id'), id_option='volumes[%d].src_volume_id' % index,
            account_option='src_account_id', where=where))
        if snapshot_volumes is not None and source['volumeID'] not in snapshot_volumes:
            raise LookupFailed('%ssource volume %d (%r) is not in group snapshot %d, whose volumes are %s.' % (
                where, source['volumeID'], source.get('name'), self.params['group_snapshot_id'],
                ', '.join(str(v) for v in sorted(snapshot_volumes)) or 'none'))
        return Member(index, spec, source, self.params.get('account_id') or source['accountID'])

    def _look_up_targets(self):
        """(members whose target name exists in their account, members whose does not)."""
        present, absent = [], []
        for member in self.members:
            found = self.lookups.named(member.name, member.account_id)
            if len(found) > 1:
                self.warnings.append('Account %d has %d volumes named %r (volume IDs %s); using the oldest, %s.' % (
                    member.account_id, len(found), member.name, ', '.join(str(v['volumeID']) for v in found),
                    found[0]['volumeID']))
            member.target = found[0] if found else None
            (present if found else absent).append(member)
        return present, absent

    def _group_job(self, include_completed):
        """(handle, group clone ID) of the CloneMultipleVolumes job that fills the members' targets."""
        volume_ids = set(member.target['volumeID'] for member in self.members)
        return group_job(self.lookups.clone_jobs(), volume_ids, self.lookups.sync_jobs(),
                         include_completed=include_completed)

    # ----------------------------------------------------------------------------------------------- start
    def started_meanwhile(self):
        present, absent = self._look_up_targets()
        if present and absent:
            raise StartFailed('CloneMultipleVolumes failed transiently (%s), and now only some of the target '
                              'names exist: %s' % (self.last_transient, _partial_message(present, absent)))
        return present or None

    def _request(self):
        params = self.params
        volumes = []
        for member in self.members:
            item = {'volumeID': member.source['volumeID'], 'name': member.name}
            item.update((key, member.spec[key]) for key in ('access', 'attributes') if member.spec.get(key) is not None)
            volumes.append(item)
        request = {'volumes': volumes}
        optional = (('access', params.get('access')), ('groupSnapshotID', params.get('group_snapshot_id')),
                    ('newAccountID', params.get('account_id')))
        request.update((key, value) for key, value in optional if value is not None)
        return request

    def _started(self, answer):
        volume_ids = _target_ids(self.members, answer.get('members'))
        return self._fields(changed=True, async_handle=answer.get('asyncHandle'),
                            group_clone_id=answer.get('groupCloneID'), volume_ids=volume_ids,
                            msg='Started cloning %s as group clone %s (async handle %s).' % (
                                self._describe(), answer.get('groupCloneID'), answer.get('asyncHandle')))

    def _adopt(self):
        """A retry found every target name: the lost request did start the group clone, or another run did."""
        handle, group_clone_id = self._group_job(include_completed=True)
        return self._fields(changed=True, async_handle=handle, group_clone_id=group_clone_id,
                            msg='CloneMultipleVolumes failed transiently (%s), but every target name exists now: '
                                'adopted the group clone instead of cloning again (async handle %s).' % (
                                    self.last_transient, handle))

    def _existing(self):
        handle = group_clone_id = None
        cloning = any(member.target.get('status') == INIT for member in self.members)
        if cloning and not self.check_mode:
            handle, group_clone_id = self._group_job(include_completed=False)
        state = ('its group clone job is still running (async handle %s)' % handle if handle is not None
                 else 'still being cloned' if cloning else 'all of them active')
        return self._fields(changed=False, async_handle=handle, group_clone_id=group_clone_id,
                            msg='All %d target volumes exist already (%s), %s: nothing to do.' % (
                                len(self.members), ', '.join('%r: volume %d' % (m.name, m.target['volumeID'])
                                                             for m in self.members), state))

    def _fields(self, changed, msg, async_handle=None, group_clone_id=None, volume_ids=None):
        """Every path returns the same keys."""
        members = [member.fields(volume_ids[index] if volume_ids else None)
                   for index, member in enumerate(self.members)]
        return dict(changed=changed, async_handle=async_handle, group_clone_id=group_clone_id, members=members,
                    msg=msg)

    def _describe(self):
        return '%d volumes (%s)' % (len(self.members), ', '.join(
            '%d -> %r in account %d' % (m.source['volumeID'], m.name, m.account_id) for m in self.members)) + (
            ' from group snapshot %d' % self.params['group_snapshot_id']
            if self.params.get('group_snapshot_id') is not None else '')

    def _start_context(self):
        return 'starting the group clone of %s' % self._describe()

    def start_error_message(self, exc):
        if exc.name == 'xVolumeIDDoesNotExist':
            return 'a source volume does not exist any more (%s).' % exc
        if self.params.get('group_snapshot_id') is not None and 'Snapshot' in (exc.name or ''):
            return 'group snapshot %s cannot be cloned (%s).' % (self.params.get('group_snapshot_id'), exc)
        if exc.name == 'xAccountIDDoesNotExist':
            return 'account %s does not exist (%s).' % (self.params.get('account_id'), exc)
        if exc.name == 'xPermissionDenied':
            return 'user %r may not clone volumes on this cluster (%s).' % (self.params['username'], exc)
        return 'CloneMultipleVolumes of %s failed: %s' % (self._describe(), exc)


def _partial_message(present, absent):
    return ('%d of %d target names exist already (%s), but %s do%s not. A group clone is consistent only when its '
            'volumes are cloned together: delete or rename the existing ones, or choose other names.' % (
                len(present), len(present) + len(absent),
                ', '.join('%r: volume %d in account %d' % (m.name, m.target['volumeID'], m.account_id) for m in present),
                ', '.join(repr(m.name) for m in absent), 'es' if len(absent) == 1 else ''))


def _target_ids(members, answered):
    """The new volume ID of each member, from the start answer's members (srcVolumeID, volumeID), in order."""
    pairs = [item for item in answered or [] if isinstance(item, dict)]
    if [item.get('srcVolumeID') for item in pairs] == [m.source['volumeID'] for m in members]:
        return [item.get('volumeID') for item in pairs]
    unused = list(pairs)
    ids = []
    for member in members:
        match = next((item for item in unused if item.get('srcVolumeID') == member.source['volumeID']), None)
        if match is not None:
            unused.remove(match)
        ids.append(match.get('volumeID') if match is not None else None)
    return ids


def group_job(entries, volume_ids, sync_jobs, include_completed=False):
    """(handle, group clone ID) of the CloneMultipleVolumes job whose clones are volume_ids, or (None, None).

    A completed job lists its members in its result. A running one names its groupCloneID; ListSyncJobs names the
    group clone of each volume being filled (dstVolumeID). Running jobs win over completed ones, then the newest.
    """
    groups = set(job.get('groupCloneID') for job in sync_jobs if isinstance(job, dict)
                 and job.get('dstVolumeID') in volume_ids and job.get('groupCloneID') is not None)
    running, done, group_ids = [], [], {}
    for entry in entries:
        data = entry_data(entry)
        if data is None:
            continue
        members = data.get('members') if isinstance(data.get('members'), list) else []
        listed = set(item.get('volumeID') for item in members if isinstance(item, dict))
        if not (listed & volume_ids or data.get('groupCloneID') in groups):
            continue
        handle = entry.get('asyncResultID')
        group_ids[handle] = data.get('groupCloneID')
        if not entry.get('completed'):
            running.append(handle)
        elif include_completed and entry.get('success'):
            done.append(handle)
    handle = newest_handle(running, done)
    return handle, group_ids.get(handle)
