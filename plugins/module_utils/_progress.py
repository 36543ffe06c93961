# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How far a clone is: the ListSyncJobs entries of one clone-type job, added up. Private to the collection.

A clone runs as several sync jobs (one per slice), so a clone's figures are the sum of its entries; the time
left is the longest of theirs: from a slice's byte counters and rate where it has them, else from Element's
remainingTime, an estimate that may be noisy, stale or missing. Either only schedules the next read; the job's
own GetAsyncResult answer decides that it has ended (see _schedule.py). Pure Python; runs on targets (Python 2.7 and 3.6+).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

CLONE_RESULT_TYPE = 'Clone'
GIB = 1024.0 ** 3


class CloneIdentity:
    """What names the clone a job fills: its cloneID, its group clone, or the volume it copies into."""

    __slots__ = ('clone_id', 'group_clone_id', 'volume_id')

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

    def label(self):
        if self.clone_id is not None and self.volume_id is not None:
            return 'clone %s -> volume %s' % (self.clone_id, self.volume_id)
        if self.clone_id is not None:
            return 'clone %s' % self.clone_id
        if self.group_clone_id is not None:
            return 'group clone %s' % self.group_clone_id
        return 'clone -> volume %s' % self.volume_id


def clone_identity(response, known=None):
    """The CloneIdentity of a Clone job from its answer's details (or `known`, from the start answer), or None."""
    if known is not None:
        return known
    if response.get('resultType') != CLONE_RESULT_TYPE:
        return None
    details = response.get('details')
    if not isinstance(details, dict):
        return None
    identity = CloneIdentity(clone_id=_integer(details.get('cloneID')),
                             group_clone_id=_integer(details.get('groupCloneID')),
                             # CopyVolume's details name the source as volumeID and the target as dstVolumeID
                             volume_id=_integer(details.get('dstVolumeID', details.get('volumeID'))))
    if identity.clone_id is None and identity.group_clone_id is None and identity.volume_id is None:
        return None
    return identity


def aggregate(sync_jobs, identity):
    """The figures of one clone from all its ListSyncJobs entries, or None when it has none (its sync is done)."""
    mine = [entry for entry in sync_jobs if isinstance(entry, dict) and entry.get('type', 'clone') == 'clone'
            and identity.matches(entry)]
    if not mine:
        return None
    total = sum(_number(entry.get('totalBytes')) or 0 for entry in mine)
    current = sum(_number(entry.get('currentBytes')) or 0 for entry in mine)
    rate = sum(_number(entry.get('bytesPerSecond')) or 0 for entry in mine)
    estimates = [_slice_remaining(entry) for entry in mine]
    known = [value for value, _measured in estimates if value is not None]
    # the clone ends with its last slice
    remaining = max(known) if len(known) == len(mine) else None
    measured = remaining is not None and all(flag for _value, flag in estimates)
    if total > 0:
        percent = 100.0 * current / total
    else:
        percents = [_number(entry.get('percentComplete')) for entry in mine]
        percents = [value for value in percents if value is not None]
        percent = sum(percents) / len(percents) if percents else None
    return dict(
        percent_complete=round(percent, 1) if percent is not None else None,
        current_bytes=int(current),
        total_bytes=int(total),
        bytes_per_second=round(rate, 1),
        remaining_time=round(remaining, 1) if remaining is not None else None,
        remaining_measured=measured,
        sync_jobs=len(mine),
        clone_id=_single_clone_id(identity, mine),
        stage=mine[0].get('stage'),
    )


def _single_clone_id(identity, mine):
    """The cloneID of a single clone or copy; None for a group clone, whose members each have their own."""
    if identity.clone_id is not None:
        return identity.clone_id
    if identity.group_clone_id is not None:
        return None
    return _integer(mine[0].get('cloneID'))


def _slice_remaining(entry):
    """(seconds one slice has left, whether measured): from its byte counters and rate when it has them, else its
    remainingTime (the cluster's own estimate, which may be stale or missing); None when neither is there."""
    total, current, rate = (_number(entry.get(key)) for key in ('totalBytes', 'currentBytes', 'bytesPerSecond'))
    if total is not None and current is not None and rate and rate > 0 and total >= current:
        return (total - current) / rate, True
    estimate = _number(entry.get('remainingTime'))
    return (estimate if estimate is not None and estimate >= 0 else None), False


def describe(handle, identity, progress):
    """A progress line: handle 100 (clone 7 -> volume 47): 32%, 1.2 of 3.8 GiB, about 40 s left."""
    parts = []
    if progress.get('percent_complete') is not None:
        parts.append('%d%%' % int(progress['percent_complete']))
    if progress.get('total_bytes'):
        parts.append('%.1f of %.1f GiB' % (progress['current_bytes'] / GIB, progress['total_bytes'] / GIB))
    if progress.get('remaining_time') is not None:
        parts.append('about %d s left' % int(round(progress['remaining_time'])))
    return 'handle %s (%s): %s' % (handle, identity.label(), ', '.join(parts) or 'in progress')


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float, type(2 ** 64))):
        return None
    return float(value)


def _integer(value):
    return value if isinstance(value, (int, type(2 ** 64))) and not isinstance(value, bool) else None
