# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The copier volume_copy runs: resolve both volumes, adopt a copy already running onto the target, start
CopyVolume safely, wait. Private to the collection.

A copy overwrites the target's content, so it is an action, not a state: every run that finds no copy running
onto the target starts one. Two copies onto one target at once are never started by this module: a running
copy from the same source is adopted (its handle returned), one from another source fails the task.
A lost CopyVolume answer is resolved before any resend: ListAsyncResults is read again, and a Clone job that
was not there before the request and copies onto the target (or, completed, from the source) is adopted.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._lookups import VolumeRef, entry_data
from ansible_collections.solidfire.element.plugins.module_utils._progress import CloneIdentity
from ansible_collections.solidfire.element.plugins.module_utils._starter import Starter, StartFailed


class VolumeCopier(Starter):
    """One volume_copy task against one cluster (the arguments are the Starter's)."""

    def __init__(self, client, params, **kwargs):
        super(VolumeCopier, self).__init__(client, params, **kwargs)
        self._source = None
        self._target = None
        self._known_handles = set()

    # ----------------------------------------------------------------------------------------------- public
    def run(self):
        """Copy (or find the running copy) and return the task's copy fields; raises ElementError subclasses."""
        params = self.params
        source = self._source = self.lookups.volume(VolumeRef(
            'source volume', volume_id=params.get('src_volume_id'), name=params.get('src_volume_name'),
            account_id=params.get('src_account_id'), id_option='src_volume_id', account_option='src_account_id'))
        target = self._target = self.lookups.volume(VolumeRef(
            'destination volume', volume_id=params.get('dst_volume_id'), name=params.get('dst_volume_name'),
            account_id=params.get('dst_account_id'), id_option='dst_volume_id', account_option='dst_account_id'))
        if source['volumeID'] == target['volumeID']:
            raise StartFailed('source and destination are the same volume, %d: a volume cannot be copied onto '
                              'itself.' % source['volumeID'])
        self._warn_on_size(source, target)
        entries = self.lookups.clone_jobs()
        self._known_handles = set(entry.get('asyncResultID') for entry in entries)
        running = self._running_copy(entries)
        if running is not None:
            return self._adopt_running(running)
        if self.check_mode:
            return self._fields(changed=True, msg='Would copy %s onto %s, overwriting its content (check mode: '
                                'nothing was sent).' % (self._what(), _label(target)))
        answer, found = self.start('CopyVolume', self._copy_request(), self._start_context)
        if found is not None:
            return self._adopt_lost(found)
        return self._fields(changed=True, async_handle=answer.get('asyncHandle'), clone_id=answer.get('cloneID'),
                            msg='Started copying %s onto %s (clone %s, async handle %s).' % (
                                self._what(), _label(target), answer.get('cloneID'), answer.get('asyncHandle')))

    def finish(self, fields, release):
        """Wait for the copy; once it completed, the target volume as it is now."""
        identity = CloneIdentity(clone_id=fields.get('clone_id'), volume_id=fields['volume_id'])
        result, completed = self.wait(fields, release, identity=identity)
        if completed:
            result['volume'] = self.lookups.refreshed(fields['volume'])
        return result

    # ----------------------------------------------------------------------------------------------- lookups
    def _running_copy(self, entries):
        """The ListAsyncResults entry of a copy running onto the target, or None."""
        target_id = self._target['volumeID']
        found = running_copy_entry(entries, target_id)
        if found is None and _unnamed_running_jobs(entries):
            # Only ListSyncJobs may name the target of a running job whose details do not.
            found = running_copy_entry(entries, target_id, sync_jobs=self.lookups.sync_jobs())
        return found

    def started_meanwhile(self):
        """A Clone job that was not listed before the request: running onto the target, or done from the source."""
        entries = [entry for entry in self.lookups.clone_jobs()
                   if entry.get('asyncResultID') not in self._known_handles]
        found = self._running_copy(entries)
        if found is not None:
            return found
        for entry in sorted(entries, key=lambda item: item.get('asyncResultID') or 0, reverse=True):
            data = entry_data(entry)
            if (data is not None and entry.get('completed') and entry.get('success') and 'cloneID' in data
                    and 'members' not in data and data.get('volumeID') == self._source['volumeID']):
                return entry
        return None

    # ----------------------------------------------------------------------------------------------- fields
    def _adopt_running(self, entry):
        data = entry_data(entry) or {}
        handle = entry.get('asyncResultID')
        copying_from = data.get('volumeID')
        if copying_from is not None and copying_from != self._source['volumeID']:
            raise StartFailed(
                '%s is already being overwritten by a copy from volume %s (async handle %s): wait for it '
                '(solidfire.element.get_async_result with async_handle %s) or cancel it (CancelClone) before copying '
                'from volume %d.' % (_label(self._target), copying_from, handle, handle, self._source['volumeID']))
        clone_id = data.get('cloneID')
        if clone_id is None:
            clone_id = _sync_clone_id(self.lookups.sync_jobs(), self._target['volumeID'])
        if self.check_mode:
            return self._fields(changed=False, clone_id=clone_id, msg=(
                'A copy onto %s is already running (async handle %s): a real run would adopt it and start no other '
                '(check mode: nothing was sent).' % (_label(self._target), handle)))
        return self._fields(changed=False, async_handle=handle, clone_id=clone_id, msg=(
            'A copy onto %s is already running (async handle %s): adopted it instead of starting a second copy.'
            % (_label(self._target), handle)))

    def _adopt_lost(self, entry):
        """A retry found the job the lost request started."""
        handle = entry.get('asyncResultID')
        state = 'completed' if entry.get('completed') else 'is running'
        return self._fields(changed=True, async_handle=handle, clone_id=(entry_data(entry) or {}).get('cloneID'),
                            msg='CopyVolume failed transiently (%s), but a new copy job %s (async handle %s): adopted '
                                'it instead of copying again.' % (self.last_transient, state, handle))

    def _fields(self, changed, msg, async_handle=None, clone_id=None):
        """Every path returns the same keys."""
        return dict(changed=changed, async_handle=async_handle, clone_id=clone_id,
                    volume_id=self._target['volumeID'], volume=self._target, src_volume_id=self._source['volumeID'],
                    src_snapshot_id=self.params.get('src_snapshot_id'), msg=msg)

    def _warn_on_size(self, source, target):
        if source.get('totalSize') != target.get('totalSize'):
            self.warnings.append(
                'Source volume %d has %s bytes and destination volume %d has %s: Element copies only onto a volume of '
                'the same size, so the cluster may refuse this copy.' % (
                    source['volumeID'], source.get('totalSize'), target['volumeID'], target.get('totalSize')))

    # ----------------------------------------------------------------------------------------------- start
    def _copy_request(self):
        request = {'volumeID': self._source['volumeID'], 'dstVolumeID': self._target['volumeID']}
        if self.params.get('src_snapshot_id') is not None:
            request['snapshotID'] = self.params['src_snapshot_id']
        return request

    def _what(self):
        if self.params.get('src_snapshot_id') is not None:
            return 'snapshot %d of %s' % (self.params['src_snapshot_id'], _label(self._source))
        return _label(self._source)

    def _start_context(self):
        return 'starting the copy of %s onto %s' % (self._what(), _label(self._target))

    def start_error_message(self, exc):
        if exc.name == 'xVolumeIDDoesNotExist':
            return 'source volume %d or destination volume %d does not exist any more (%s).' % (
                self._source['volumeID'], self._target['volumeID'], exc)
        if exc.name == 'xSnapshotIDDoesNotExist':
            return 'snapshot %s of source volume %d does not exist (%s).' % (
                self.params.get('src_snapshot_id'), self._source['volumeID'], exc)
        if exc.name == 'xPermissionDenied':
            return 'user %r may not copy volumes on this cluster (%s).' % (self.params['username'], exc)
        text = 'CopyVolume of %s onto %s failed: %s' % (self._what(), _label(self._target), exc)
        if self._source.get('totalSize') != self._target.get('totalSize'):
            text += ' (the source has %s bytes and the destination %s: Element copies only onto a volume of the same ' \
                    'size)' % (self._source.get('totalSize'), self._target.get('totalSize'))
        return text


def _label(volume):
    return 'volume %s (%r)' % (volume['volumeID'], volume.get('name'))


def _sync_clone_id(sync_jobs, target_id):
    """The cloneID ListSyncJobs gives the copy onto target_id (running copies' details may not name it), or None."""
    for job in sync_jobs:
        if isinstance(job, dict) and job.get('dstVolumeID') == target_id and job.get('cloneID') is not None:
            return job['cloneID']
    return None


def _unnamed_running_jobs(entries):
    """Whether a running Clone job's details leave its target unnamed."""
    for entry in entries:
        data = entry_data(entry)
        if data is not None and not entry.get('completed') and 'dstVolumeID' not in data:
            return True
    return False


def running_copy_entry(entries, target_id, sync_jobs=None):
    """The newest running Clone entry that copies onto target_id, or None.

    A running CopyVolume job names its target as dstVolumeID in its details. Where it does not, ListSyncJobs does
    (sync_jobs): its entries onto the target name the clone, which the job's details name as cloneID.
    """
    clone_ids = set(job.get('cloneID') for job in sync_jobs or [] if isinstance(job, dict)
                    and job.get('dstVolumeID') == target_id and job.get('cloneID') is not None)
    found = []
    for entry in entries:
        data = entry_data(entry)
        if data is None or entry.get('completed'):
            continue
        if data.get('dstVolumeID') == target_id or ('dstVolumeID' not in data and data.get('cloneID') in clone_ids):
            found.append(entry)
    return max(found, key=lambda item: item.get('asyncResultID') or 0) if found else None
