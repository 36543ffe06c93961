# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fake Element cluster for the unit tests of the start modules (volume_clone, group_clone, volume_copy):
volumes, accounts, group snapshots and Clone-type jobs (CloneVolume, CloneMultipleVolumes, CopyVolume) on the
test's fake clock; faults queued per method; every call recorded."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._client import ElementAPIError

LATENCY = 0.05


class LostAnswer(object):
    """A fault that lets the cluster apply the request and then loses its answer."""

    def __init__(self, error):
        self.error = error


class FakeCluster:
    """Jobs are dicts: kind ('clone', 'copy', 'group'), volume (the target), source, members, clone_id, ..."""

    http_timeout = 30.0

    def __init__(self, clock, clone_seconds=10.0):
        self.clock = clock
        self.clone_seconds = clone_seconds
        self.accounts = {1, 2}
        self.volumes = {}
        self.jobs = {}
        self.group_snapshots = {}
        self.calls = []
        self.faults = {}
        self.next_volume = 10
        self.next_handle = 100
        self.next_group = 0
        self.closed = False
        self.copy_details_name_target = True  # False: like a cluster whose copy details omit dstVolumeID

    # setup ---------------------------------------------------------------------------------------------
    def add_volume(self, name, account, status='active', size=1073741824):
        self.next_volume += 1
        self.volumes[self.next_volume] = dict(volumeID=self.next_volume, name=name, accountID=account, status=status,
                                              totalSize=size)
        return self.next_volume

    def add_job(self, volume_id, done=False, kind='clone', source=None, members=None, error=None):
        self.next_handle += 1
        job = dict(kind=kind, volume=volume_id, source=source, members=members or [], error=error,
                   finish_at=self.clock.now + (-1 if done else 1000), clone_id=self.next_handle - 90, purged=False)
        if kind == 'group':
            self.next_group += 1
            job['group_clone_id'] = self.next_group
        self.jobs[self.next_handle] = job
        return self.next_handle

    def finish(self, handle, error=None):
        self.jobs[handle]['finish_at'] = self.clock.now
        self.jobs[handle]['error'] = error

    # client interface ----------------------------------------------------------------------------------
    def close(self):
        self.closed = True

    def call(self, method, params=None, timeout=None):
        self.calls.append((method, params, timeout))
        self.clock.now += LATENCY
        fault = self.faults.get(method, []) and self.faults[method].pop(0)
        if fault and not isinstance(fault, LostAnswer):
            raise fault
        answer = getattr(self, '_' + method)(params or {})
        if fault:
            raise fault.error
        return answer

    def _done(self, job):
        return self.clock.now >= job['finish_at']

    def _running_data(self, job):
        if job['kind'] == 'group':
            return dict(groupCloneID=job['group_clone_id'], percentComplete=50)
        if job['kind'] == 'copy':
            data = dict(volumeID=job['source'], percentComplete=50)
            if self.copy_details_name_target:
                data['dstVolumeID'] = job['volume']
            else:
                data['cloneID'] = job['clone_id']
            return data
        return dict(volumeID=job['volume'], percentComplete=50)

    def _result(self, job):
        if job['kind'] == 'group':
            return dict(groupCloneID=job['group_clone_id'], message='Clone complete.',
                        members=[dict(srcVolumeID=s, volumeID=v) for s, v in job['members']])
        if job['kind'] == 'copy':
            return dict(cloneID=job['clone_id'], message='Clone complete.', volumeID=job['source'])
        return dict(cloneID=job['clone_id'], message='Clone complete.', volumeID=job['volume'])

    def _targets(self, job):
        return [v for _s, v in job['members']] if job['kind'] == 'group' else [job['volume']]

    def list_async_results(self, result_types=None, timeout=None, shape=None):
        self.calls.append(('ListAsyncResults', result_types, timeout))
        self.clock.now += LATENCY
        entries = []
        for handle, job in sorted(self.jobs.items()):
            if job['purged']:
                continue
            done = self._done(job)
            data = (job['error'] or self._result(job)) if done else self._running_data(job)
            entries.append(dict(asyncResultID=handle, completed=done, success=done and not job['error'],
                                resultType='Clone', createTime='c', lastUpdateTime='u', data=data))
        # as the client does: what the caller's shape keeps, while parsing
        return [kept for kept in (shape(entry) for entry in entries) if kept is not None] if shape else entries

    def list_sync_jobs(self, timeout=None):
        """Two slices per running clone or copy, one per group member, with an exact remainingTime."""
        self.calls.append(('ListSyncJobs', None, timeout))
        self.clock.now += LATENCY
        entries = []
        for _handle, job in sorted(self.jobs.items()):
            left = job['finish_at'] - self.clock.now
            if job['purged'] or left <= 0:
                continue
            if job['kind'] == 'group':
                slices = [(job['clone_id'] + 1000 * index, target, 1) for index, target in enumerate(self._targets(job))]
            else:
                slices = [(job['clone_id'], job['volume'], 1), (job['clone_id'], job['volume'], 2)]
            for clone_id, target, slice_id in slices:
                entry = dict(type='clone', cloneID=clone_id, dstVolumeID=target, sliceID=slice_id, totalBytes=500,
                             currentBytes=250, bytesPerSecond=10.0, remainingTime=left, stage='whole')
                if job['kind'] == 'group':
                    entry['groupCloneID'] = job['group_clone_id']
                entries.append(entry)
        return entries

    def get_async_result(self, handle, keep_result=True, timeout=None):
        self.calls.append(('GetAsyncResult', dict(asyncHandle=handle, keepResult=keep_result), timeout))
        self.clock.now += LATENCY
        job = self.jobs[handle]
        response = dict(resultType='Clone', createTime='c', lastUpdateTime='u')
        if not self._done(job):
            response.update(status='running', details=self._running_data(job))
            return response
        if job['kind'] != 'copy':
            for volume_id in self._targets(job):
                self.volumes[volume_id]['status'] = 'active'
        if job['error']:
            response.update(status='complete', error=job['error'])
        else:
            response.update(status='complete', result=self._result(job))
        if not keep_result:
            job['purged'] = True
        return response

    # methods -------------------------------------------------------------------------------------------
    def _ListVolumes(self, params):
        out = []
        for volume_id, volume in sorted(self.volumes.items()):
            if 'volumeIDs' in params and volume_id not in params['volumeIDs']:
                continue
            if 'volumeName' in params and volume['name'] != params['volumeName']:
                continue
            if 'accounts' in params and volume['accountID'] not in params['accounts']:
                continue
            out.append(dict(volume))
        return dict(volumes=out)

    def _GetAccountByID(self, params):
        if params['accountID'] not in self.accounts:
            raise ElementAPIError('xAccountIDDoesNotExist', 'Account ID %d does not exist.' % params['accountID'])
        return dict(account=dict(accountID=params['accountID']))

    def _ListGroupSnapshots(self, params):
        wanted = params.get('groupSnapshotID')
        groups = []
        for gid, volume_ids in sorted(self.group_snapshots.items()):
            if wanted is None or gid == wanted:
                members = [dict(volumeID=v, snapshotID=gid * 100 + v) for v in volume_ids]
                groups.append(dict(groupSnapshotID=gid, members=members))
        return dict(groupSnapshots=groups)

    def _source(self, volume_id):
        source = self.volumes.get(volume_id)
        if source is None or source['status'] == 'deleted':
            raise ElementAPIError('xVolumeIDDoesNotExist', 'Volume ID %d does not exist.' % volume_id)
        return source

    def _CloneVolume(self, params):
        source = self._source(params['volumeID'])
        if 'snapshotID' in params:
            raise ElementAPIError('xSnapshotIDDoesNotExist', 'Snapshot ID %d does not exist.' % params['snapshotID'])
        new = self.add_volume(params['name'], params.get('newAccountID', source['accountID']), status='init',
                              size=params.get('newSize', source['totalSize']))
        handle = self.add_job(new)
        self.jobs[handle]['finish_at'] = self.clock.now + self.clone_seconds
        return dict(asyncHandle=handle, cloneID=self.jobs[handle]['clone_id'], volumeID=new,
                    volume=dict(self.volumes[new]))

    def _CloneMultipleVolumes(self, params):
        pairs = []
        for spec in params['volumes']:
            source = self._source(spec['volumeID'])
            account = spec.get('newAccountID', params.get('newAccountID', source['accountID']))
            pairs.append((source, account, spec['name']))
        members = [(source['volumeID'], self.add_volume(name, account, status='init', size=source['totalSize']))
                   for source, account, name in pairs]
        handle = self.add_job(None, kind='group', members=members)
        job = self.jobs[handle]
        job['finish_at'] = self.clock.now + self.clone_seconds
        return dict(asyncHandle=handle, groupCloneID=job['group_clone_id'],
                    members=[dict(srcVolumeID=s, volumeID=v) for s, v in members])

    def _CopyVolume(self, params):
        source = self._source(params['volumeID'])
        self._source(params['dstVolumeID'])
        if 'snapshotID' in params and params['snapshotID'] != 999:
            raise ElementAPIError('xSnapshotIDDoesNotExist', 'Snapshot ID %d does not exist.' % params['snapshotID'])
        handle = self.add_job(params['dstVolumeID'], kind='copy', source=source['volumeID'])
        self.jobs[handle]['finish_at'] = self.clock.now + self.clone_seconds
        return dict(asyncHandle=handle, cloneID=self.jobs[handle]['clone_id'])

    def sent(self, method):
        return [call for call in self.calls if call[0] == method]
