# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The work of one drives task: add, remove or securely erase drives, by their state, and wait until their data is
in place. Private to the collection.

- Idempotent by drive state (ListDrives): present adds the available drives among those named (active ones are
  left as they are), absent removes the active or failed ones (available ones are out already), erased erases the
  available ones. A drive in a state the action cannot take (removing, erasing, or active for an erase) is refused,
  naming it, and so is a removal that would leave the cluster over 90 % full (GetClusterCapacity usedSpace against
  the block capacity that would be left). A job already running on the named drives (a removal, an erase) is
  adopted. One AddDrives (or RemoveDrives, SecureEraseDrives) for all of them: the cluster rebalances once.
- A start request whose answer was lost is resolved from the drives' states before any resend.
- Waiting: on the job's handle (a removal's progress from its drives' bin syncs), then, for present and absent,
  until no data moves onto or off those drives (ListSyncJobs): an addition's job completes before its data is in
  place. The same deadline holds for both.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._client import STRING_TYPES, ElementError
from ansible_collections.solidfire.element.plugins.module_utils._drive_progress import DriveIdentity
from ansible_collections.solidfire.element.plugins.module_utils._figures import index_entries
from ansible_collections.solidfire.element.plugins.module_utils._progress import describe
from ansible_collections.solidfire.element.plugins.module_utils._retry import ElementGaveUp
from ansible_collections.solidfire.element.plugins.module_utils._results import sentences
from ansible_collections.solidfire.element.plugins.module_utils._schedule import Schedule
from ansible_collections.solidfire.element.plugins.module_utils._starter import Starter, StartFailed
from ansible_collections.solidfire.element.plugins.module_utils._tracking import JobTrack

PRESENT, ABSENT, ERASED = 'present', 'absent', 'erased'
ACTIONS = {PRESENT: ('AddDrives', 'DriveAdd', 'add'), ABSENT: ('RemoveDrives', 'DriveRemoval', 'remove'),
           ERASED: ('SecureEraseDrives', 'DriveSecureErase', 'erase')}
# The state a drive is in once each action has started on it, and the states the action takes it from.
STARTED = {PRESENT: ('active',), ABSENT: ('removing',), ERASED: ('erasing',)}
TAKES = {PRESENT: ('available',), ABSENT: ('active', 'failed'), ERASED: ('available',)}
# Already where the action takes it: nothing to do.
DONE = {PRESENT: ('active',), ABSENT: ('available', 'erasing'), ERASED: ()}
FULLNESS_LIMIT = 0.9


class DriveWork(Starter):
    """One drives task against one cluster (the arguments are the Starter's, and the prepared drive names)."""

    def __init__(self, client, params, drive_names=None, **kwargs):
        super(DriveWork, self).__init__(client, params, **kwargs)
        self._names = drive_names or []
        self._drives = []
        self._acted = []

    # ------------------------------------------------------------------------------------------- public
    def run(self):
        state = self.params['state']
        inventory = self._inventory()
        self._drives = [self._find(inventory, name) for name in self._names]
        node = self._node()
        if node is not None:
            self._check_node(node)
        to_act = [drive for drive in self._drives if drive.get('status') in TAKES[state]]
        running = [drive for drive in self._drives if drive.get('status') in STARTED[state] and state != PRESENT]
        refused = [drive for drive in self._drives
                   if drive not in to_act and drive not in running and drive.get('status') not in DONE[state]]
        if refused:
            raise StartFailed('; '.join(self._refusal(drive, state) for drive in refused))
        self._acted = to_act
        if not to_act:
            handle = self._running_handle(running, state) if running else None
            return self._fields(changed=False, async_handle=handle, msg=self._nothing_to_do(state, running, handle))
        if state == ABSENT:
            self._check_capacity(inventory, to_act)
        if self.check_mode:
            return self._fields(changed=True, msg='Would %s %s (check mode: nothing was sent).'
                                % (ACTIONS[state][2], _labels(to_act)))
        method = ACTIONS[state][0]
        what = '%s %s' % (ACTIONS[state][2], _labels(to_act))
        answer, found = self.start(method, self._request(state, to_act), lambda: what)
        handle = found if found is not None else answer.get('asyncHandle')
        return self._fields(changed=True, async_handle=handle, msg='Started to %s %s (async handle %s).'
                            % (ACTIONS[state][2], _labels(to_act), handle))

    def waits_on(self, fields):
        """A job's handle, or, for present and absent, the drives' data still moving after an earlier run."""
        return fields['async_handle'] is not None or (
            self.params['state'] in (PRESENT, ABSENT) and not fields.get('failed'))

    def finish(self, fields, release):
        """Wait on the job, then until the data is in place (present, absent)."""
        state = self.params['state']
        services = [drive.get('assignedService') for drive in self._drives if drive.get('assignedService')]
        result, completed = fields, True
        if fields.get('async_handle') is not None:
            identity = DriveIdentity(ACTIONS[state][1], drives=[d['driveID'] for d in self._drives],
                                     services=services) if state == ABSENT and services else None
            result, completed = self.wait(fields, release, identity=identity)
        if completed and state in (PRESENT, ABSENT) and not result.get('failed'):
            result = self._settle(result, state)
        # as they are now, whatever the job did (a drive that failed mid-removal stays failed)
        result['drives'] = self._listed([drive['driveID'] for drive in self._drives])
        return result

    # ------------------------------------------------------------------------------------------- lookups
    def _inventory(self):
        return self.lookups.read(self.client.call, 'ListDrives', {}).get('drives') or []

    def _listed(self, drive_ids):
        """The named drives as ListDrives has them now (or as last read, if that one read fails)."""
        try:
            inventory = self._inventory()
        except ElementError:
            return self._drives
        return [drive for drive in inventory if drive.get('driveID') in drive_ids]

    @staticmethod
    def _find(inventory, name):
        """The drive a name means: its driveID (a number, or digits) or its serial."""
        for drive in inventory:
            if (isinstance(name, int) and drive.get('driveID') == name) or \
                    (isinstance(name, STRING_TYPES) and drive.get('serial') == name):
                return drive
        raise StartFailed('drive %r is not on the cluster (no drive has that driveID or serial); ListDrives lists '
                          '%d drives.' % (name, len(inventory)))

    def _node(self):
        node = self.params.get('node')
        if node is None:
            return None
        nodes = self.lookups.read(self.client.call, 'ListActiveNodes', {}).get('nodes') or []
        for candidate in nodes:
            if str(candidate.get('nodeID')) == str(node) or candidate.get('name') == node:
                return candidate
        raise StartFailed('node %r is not an active node of the cluster (by nodeID or name).' % (node,))

    def _check_node(self, node):
        others = [drive for drive in self._drives if drive.get('nodeID') != node.get('nodeID')]
        if others:
            raise StartFailed('%s belong%s to node %s, not to node %s (%s).' % (
                _labels(others), 's' if len(others) == 1 else '', others[0].get('nodeID'), node.get('nodeID'),
                node.get('name')))

    def _check_capacity(self, inventory, removed):
        """Refuse a removal that would leave the data in use more than FULLNESS_LIMIT of the block capacity left."""
        capacity = self.lookups.read(self.client.call, 'GetClusterCapacity', {}).get('clusterCapacity') or {}
        used = capacity.get('usedSpace')
        gone = set(drive['driveID'] for drive in removed)
        left = sum(drive.get('capacity') or 0 for drive in inventory if drive.get('status') == 'active'
                   and drive.get('type') == 'block' and drive.get('driveID') not in gone)
        if isinstance(used, int) and used > FULLNESS_LIMIT * left:
            raise StartFailed('removing %s would leave %d bytes of block capacity for %d bytes in use (%d %%, more '
                              'than %d %%): the cluster could not hold its data. Add drives first, or remove fewer; '
                              'nothing was sent.' % (_labels(removed), left, used, 100 * used // max(left, 1),
                                                     int(FULLNESS_LIMIT * 100)))

    def _running_handle(self, running, state):
        """The async handle of the job running on these drives (ListDrives' asyncResultIDs, or ListAsyncResults)."""
        for drive in running:
            for handle in drive.get('asyncResultIDs') or []:
                return handle
        entries = self.lookups.read(self.client.list_async_results, [ACTIONS[state][1]])
        live = [entry.get('asyncResultID') for entry in entries if not entry.get('completed')]
        return max(live) if live else None

    def started_meanwhile(self):
        """After a lost start answer: the drives are in the state the action puts them in; its job's handle."""
        state = self.params['state']
        inventory = self._inventory()
        now = [self._find(inventory, drive['driveID']) for drive in self._acted]
        if now and all(drive.get('status') in STARTED[state] for drive in now):
            return self._running_handle(now, state)
        return None

    def start_error_message(self, exc):
        state = self.params['state']
        return 'The cluster refused to %s %s: %s' % (ACTIONS[state][2], _labels(self._acted), exc)

    def _request(self, state, drives):
        if state == PRESENT:
            kind = self.params.get('type')
            return {'drives': [dict({'driveID': drive['driveID']}, **({'type': kind} if kind else {}))
                               for drive in drives]}
        return {'drives': [drive['driveID'] for drive in drives]}

    # ------------------------------------------------------------------------------------------- data in place
    def _settle(self, result, state):
        """Wait until no bin or slice sync moves data onto (present) or off (absent) the drives, with progress lines;
        the task's deadline holds. A timeout fails the task, saying the data still moves (a re-run waits again)."""
        inventory = self._listed([drive['driveID'] for drive in self._drives])
        services = set(drive.get('assignedService') for drive in inventory + self._drives if drive.get('assignedService'))
        identity = DriveIdentity(ACTIONS[state][1], drives=[drive['driveID'] for drive in self._drives],
                                 services=services or None)
        track = JobTrack(identity)
        schedule = Schedule(self.params['poll_interval'], self.params['max_poll_interval'], self._retrier.backoff)
        rounds, started = 0, self._deadline.elapsed()
        while True:
            try:
                entries = self._retrier.call(self.client.list_sync_jobs, self.client.http_timeout,
                                             'reading the data movement')
            except ElementGaveUp:
                entries = None
            rounds += 1
            figures = identity.figures(index_entries(entries)) if entries is not None else None
            if entries is not None and figures is None:
                result['data_moving'] = False
                result['msg'] = sentences(result['msg'], 'The data is in place.')
                return result
            if figures is not None and track.note(figures, self._clock()):
                self._on_event('progress', describe(result.get('async_handle'), identity, figures))
            remaining = self._deadline.remaining()
            if remaining <= 0:
                timed_out = ('Timed out after %d s (wait_timeout) while data still moved %s (%s); the job itself '
                             'completed. Run the task again to wait for it.'
                             % (self.params['wait_timeout'], identity.label(), _figures_text(figures)))
                result.update(failed=True, data_moving=True, msg=sentences(result['msg'], timed_out))
                return result
            wanted = track.wanted_in(self._clock())
            delay = schedule.next_delay(self._deadline.elapsed() - started, rounds, wanted_in=wanted,
                                        unestimated=wanted is None)
            self._sleep(min(delay, remaining))

    # ------------------------------------------------------------------------------------------- fields
    def _nothing_to_do(self, state, running, handle):
        if running:
            return '%s: already being %s (async handle %s): not started again.' % (
                _labels(running), {ABSENT: 'removed', ERASED: 'erased'}[state], handle)
        return '%s: already %s, nothing to do.' % (_labels(self._drives), {
            PRESENT: 'active in the cluster', ABSENT: 'out of the cluster', ERASED: 'erased'}[state])

    @staticmethod
    def _refusal(drive, state):
        status = drive.get('status')
        hint = {
            'removing': 'wait for its removal to end',
            'erasing': 'wait for its erase to end',
            'active': 'remove it from the cluster first (state: absent)',
            'failed': 'remove it first (state: absent); a failed drive does not return to available',
        }.get(status, 'see its state in ListDrives')
        return 'cannot %s %s: it is %s; %s' % (ACTIONS[state][2], _label(drive), status, hint)

    def _fields(self, changed, msg, async_handle=None):
        return dict(changed=changed, async_handle=async_handle, msg=msg, state=self.params['state'],
                    drives=self._drives, data_moving=None)


def _label(drive):
    return 'drive %s (serial %s, %s)' % (drive.get('driveID'), drive.get('serial'), drive.get('status'))


def _labels(drives):
    if len(drives) == 1:
        return _label(drives[0])
    return 'drives %s' % ', '.join('%s (%s)' % (drive.get('driveID'), drive.get('status')) for drive in drives)


def _figures_text(figures):
    if not figures:
        return 'no figures'
    parts = []
    if figures.get('percent_complete') is not None:
        parts.append('%d%%' % int(figures['percent_complete']))
    if figures.get('remaining_time') is not None:
        parts.append('about %d s left' % int(figures['remaining_time']))
    return ', '.join(parts) or 'in progress'
