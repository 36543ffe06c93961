# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cloner volume_clone runs: resolve the source, decide idempotently, start CloneVolume safely, wait.

Private to the collection: no compatibility promise for code outside it. Its options and checks are in
_volume_clone.py; this file is the work one task does against one cluster, on the Starter of _starter.py.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.

CloneVolume is not idempotent on the wire: a request whose answer was lost may still have started a clone.
So CloneVolume is never sent twice without first looking the target name up again; a volume found then is
adopted instead of cloned a second time.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._lookups import (
    INIT,
    VolumeRef,
    entry_data,
    newest_handle,
)
from ansible_collections.solidfire.element.plugins.module_utils._progress import CloneIdentity
from ansible_collections.solidfire.element.plugins.module_utils._starter import Starter


class VolumeCloner(Starter):
    """One volume_clone task against one cluster.

    new_size: the clone's size in bytes, or None to keep the source's; the other arguments are the Starter's.
    """

    def __init__(self, client, params, new_size=None, **kwargs):
        super(VolumeCloner, self).__init__(client, params, **kwargs)
        self.new_size = new_size
        self._source = None
        self._account_id = None

    # ----------------------------------------------------------------------------------------------- public
    def run(self):
        """Clone (or find the clone) and return the task's clone fields; raises ElementError subclasses."""
        params = self.params
        source = self._source = self.lookups.volume(VolumeRef(
            'source volume', volume_id=params.get('src_volume_id'), name=params.get('src_volume_name'),
            account_id=params.get('src_account_id'), id_option='src_volume_id', account_option='src_account_id'))
        account_id = self._account_id = params.get('account_id') or source['accountID']
        if account_id != source['accountID']:
            self.lookups.check_account(account_id)
        existing = self.find_target(account_id)
        if existing is not None:
            return self._existing(existing, source)
        if self.check_mode:
            return self._fields(source, changed=True, msg='Would clone source volume %d into %r in account %d '
                                '(check mode: nothing was sent).' % (source['volumeID'], params['name'], account_id))
        answer, found = self.start('CloneVolume', self._clone_request(source, account_id), self._start_context)
        if found is not None:
            return self._adopt(found, source)
        return self._started(answer, source)

    def finish(self, fields, release):
        """Wait for the clone; once it completed, the volume as it is now (active)."""
        identity = None
        if fields.get('clone_id') is not None or fields.get('volume_id') is not None:
            identity = CloneIdentity(clone_id=fields.get('clone_id'), volume_id=fields.get('volume_id'))
        result, completed = self.wait(fields, release, identity=identity)
        if completed and fields['volume'] is not None:
            result['volume'] = self.lookups.refreshed(fields['volume'])
        return result

    # ----------------------------------------------------------------------------------------------- lookups
    def find_target(self, account_id):
        """The volume named like the clone in the target account (not deleted), or None."""
        name = self.params['name']
        found = self.lookups.named(name, account_id)
        if not found:
            return None
        if len(found) > 1:
            self.warnings.append('Account %d has %d volumes named %r (volume IDs %s); using the oldest, %s.' % (
                account_id, len(found), name, ', '.join(str(v.get('volumeID')) for v in found), found[0]['volumeID']))
        return found[0]

    def find_clone_handle(self, volume_id, include_completed):
        entries = self.lookups.clone_jobs()
        return clone_job_handle(entries, volume_id, include_completed=include_completed), entries

    # ----------------------------------------------------------------------------------------------- start
    def started_meanwhile(self):
        return self.find_target(self._account_id)

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
                                    self.last_transient, volume['volumeID'], self.params['name'], handle))

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

    def start_error_message(self, exc):
        source_id = self._source['volumeID']
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

    def _start_context(self):
        return 'starting the clone of source volume %d into %r' % (self._source['volumeID'], self.params['name'])


def clone_job_handle(entries, volume_id, include_completed=False):
    """The handle of the Clone job that fills volume_id, or None.

    A running Clone job names the new volume in data.volumeID. A completed one names it in its result, but so
    does CopyVolume with the *source* volume, so completed jobs count only when asked (a clone just adopted).
    Running copies name their target as dstVolumeID and never count. Running jobs win over completed ones; among
    equals the newest handle wins.
    """
    running, done = [], []
    for entry in entries:
        data = entry_data(entry)
        if data is None or data.get('volumeID') != volume_id:
            continue
        if not entry.get('completed'):
            if 'dstVolumeID' not in data:
                running.append(entry.get('asyncResultID'))
        elif include_completed and entry.get('success') and 'cloneID' in data:
            done.append(entry.get('asyncResultID'))
    return newest_handle(running, done)
