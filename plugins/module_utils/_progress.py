# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How far a job is, from the cluster's own progress figures. Private to the collection.

Three kinds of job show figures, each in a listing of its own: a clone (CloneVolume, CloneMultipleVolumes,
CopyVolume) in ListSyncJobs, as several sync jobs (one per slice) added up; a bulk volume job (backup, restore) in
ListBulkVolumeJobs (_bulk_progress.py); a drive addition or removal in ListSyncJobs, as the bin syncs that move
data onto or off its drives (_drive_progress.py). An identity names the job's entries in its listing (`source`:
'sync' or 'bulk') and adds them up (`figures`). The time left comes from byte counters and rate where an entry has
them (measured), else from Element's remainingTime, an estimate that may be noisy, stale or missing. Either only
schedules the next read; the job's own GetAsyncResult answer decides that it has ended (see _schedule.py).
Pure Python; runs on targets (Python 2.7 and 3.6+).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._bulk_progress import BULK_RESULT_TYPE, bulk_identity
from ansible_collections.solidfire.element.plugins.module_utils._drive_progress import (
    FOLLOWED_DRIVE_TYPES,
    drive_identity,
)
from ansible_collections.solidfire.element.plugins.module_utils._figures import add_up, integer

CLONE_RESULT_TYPE = 'Clone'
GIB = 1024.0 ** 3
# Where each kind of figures is listed (an identity's source): the client method, and its name for the user.
PROGRESS_LISTINGS = {'sync': ('list_sync_jobs', 'ListSyncJobs'), 'bulk': ('list_bulk_volume_jobs', 'ListBulkVolumeJobs')}


class CloneIdentity:
    """What names the clone a job fills: its cloneID, its group clone, or the volume it copies into."""

    __slots__ = ('clone_id', 'group_clone_id', 'volume_id')
    source = 'sync'

    def __init__(self, clone_id=None, group_clone_id=None, volume_id=None):
        self.clone_id = clone_id
        self.group_clone_id = group_clone_id
        self.volume_id = volume_id

    def matches(self, entry):
        if self.clone_id is not None:
            return entry.get('cloneID') == self.clone_id
        if self.group_clone_id is not None:
            return entry.get('groupCloneID') == self.group_clone_id
        return self.volume_id is not None and entry.get('dstVolumeID') == self.volume_id

    def figures(self, index):
        """This clone's figures from an index of ListSyncJobs (index_entries), or None when it has no entry."""
        if self.clone_id is not None:
            candidates = index.get(('cloneID', self.clone_id), [])
        elif self.group_clone_id is not None:
            candidates = index.get(('groupCloneID', self.group_clone_id), [])
        else:
            candidates = index.get(('dstVolumeID', self.volume_id), [])
        return aggregate(candidates, self)

    def learn(self, progress):
        """A clone matched by its volume is known by its cloneID once its figures name it."""
        if self.clone_id is None and progress.get('clone_id') is not None:
            self.clone_id = progress['clone_id']

    def label(self):
        if self.clone_id is not None and self.volume_id is not None:
            return 'clone %s -> volume %s' % (self.clone_id, self.volume_id)
        if self.clone_id is not None:
            return 'clone %s' % self.clone_id
        if self.group_clone_id is not None:
            return 'group clone %s' % self.group_clone_id
        return 'clone -> volume %s' % self.volume_id


def identity_of(response):
    """The identity of a job whose figures a listing shows, from its answer's result type and details, or None."""
    result_type = response.get('resultType')
    if result_type == CLONE_RESULT_TYPE:
        return clone_identity(response)
    if result_type == BULK_RESULT_TYPE:
        return bulk_identity(response.get('details'))
    if result_type in FOLLOWED_DRIVE_TYPES:
        return drive_identity(result_type, response.get('details'))
    return None


def clone_identity(response):
    """The CloneIdentity of a Clone job from its answer's details, or None."""
    if response.get('resultType') != CLONE_RESULT_TYPE:
        return None
    details = response.get('details')
    if not isinstance(details, dict):
        return None
    identity = CloneIdentity(clone_id=integer(details.get('cloneID')),
                             group_clone_id=integer(details.get('groupCloneID')),
                             # CopyVolume's details name the source as volumeID and the target as dstVolumeID
                             volume_id=integer(details.get('dstVolumeID', details.get('volumeID'))))
    if identity.clone_id is None and identity.group_clone_id is None and identity.volume_id is None:
        return None
    return identity


def aggregate(sync_jobs, identity):
    """The figures of one clone from all its ListSyncJobs entries, or None when it has none (its sync is done)."""
    mine = [entry for entry in sync_jobs if isinstance(entry, dict) and entry.get('type', 'clone') == 'clone'
            and identity.matches(entry)]
    figures = add_up(mine)
    if figures is None:
        return None
    figures.update(clone_id=_single_clone_id(identity, mine), stage=mine[0].get('stage'))
    return figures


def _single_clone_id(identity, mine):
    """The cloneID of a single clone or copy; None for a group clone, whose members each have their own."""
    if identity.clone_id is not None:
        return identity.clone_id
    if identity.group_clone_id is not None:
        return None
    return integer(mine[0].get('cloneID'))


def describe(handle, identity, progress):
    """A progress line: handle 100 (clone 7 -> volume 47): 32%, 1.2 of 3.8 GiB, about 40 s left; the same for a
    bulk volume job (bulk volume read 3 of volume 47) or a drive job (data onto drives 11, 12)."""
    parts = []
    if progress.get('percent_complete') is not None:
        parts.append('%d%%' % int(progress['percent_complete']))
    if progress.get('total_bytes'):
        parts.append('%.1f of %.1f GiB' % (progress['current_bytes'] / GIB, progress['total_bytes'] / GIB))
    if progress.get('remaining_time') is not None:
        parts.append('about %d s left' % int(round(progress['remaining_time'])))
    figures = ', '.join(parts) or 'in progress'
    if handle is None:  # the data of drives an earlier run added, still moving
        return '%s: %s' % (identity.label(), figures)
    return 'handle %s (%s): %s' % (handle, identity.label(), figures)
