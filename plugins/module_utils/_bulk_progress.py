# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How far a bulk volume job (a backup or a restore) is: its ListBulkVolumeJobs entry. Private to the collection.

An entry names its job by bulkVolumeID (the bvID of its async result), by the key its start returned, and by its
volume and type (read or write); the list holds running jobs only, and a job leaves it when it ends. Its figures
are percentComplete and remainingTime, the cluster's estimate (noisy: never taken as measured).
Pure Python; runs on targets (Python 2.7 and 3.6+).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._figures import integer, number

BULK_RESULT_TYPE = 'BulkVolume'
# What a bulk volume job reads or writes, by its entry's type.
KIND_WORDS = {'read': 'read (backup)', 'write': 'write (restore)'}
# The text types of the running Python (Python 2.7 targets decode JSON strings as unicode).
TEXT_TYPES = (str, type(b''.decode('ascii')))
# Below this share done, the average rate of a job says little about its end (it may still be preparing).
MIN_RATE_PERCENT = 5


class BulkIdentity:
    """What names a bulk volume job: its bulkVolumeID, its key, or its volume (and type)."""

    __slots__ = ('bv_id', 'key', 'volume_id', 'kind')
    source = 'bulk'

    def __init__(self, bv_id=None, key=None, volume_id=None, kind=None):
        self.bv_id = bv_id
        self.key = key
        self.volume_id = volume_id
        self.kind = kind

    def figures(self, index):
        """This job's figures from an index of ListBulkVolumeJobs, or None when it is not listed (it ended)."""
        if self.bv_id is not None:
            candidates = index.get(('bulkVolumeID', self.bv_id), [])
        elif self.key is not None:
            candidates = index.get(('key', self.key), [])
        else:
            candidates = [entry for entry in index.get(('srcVolumeID', self.volume_id), [])
                          if self.kind is None or entry.get('type') == self.kind]
        if len(candidates) != 1:
            return None
        entry = candidates[0]
        remaining = number(entry.get('remainingTime'))
        remaining = remaining if remaining is not None and remaining >= 0 else None
        percent = number(entry.get('percentComplete'))
        by_rate = _left_at_rate(percent, _seconds(entry.get('elapsedTime')))
        if by_rate is not None and (remaining is None or by_rate < remaining):
            remaining = by_rate
        return dict(
            percent_complete=round(percent, 1) if percent is not None else None,
            remaining_time=remaining,
            remaining_measured=False,
            status=entry.get('status'),
            bulk_volume_id=integer(entry.get('bulkVolumeID')),
            type=entry.get('type'),
        )

    def learn(self, progress):
        """Known by its bulkVolumeID once its entry names it."""
        if self.bv_id is None and progress.get('bulk_volume_id') is not None:
            self.bv_id = progress['bulk_volume_id']
        if self.kind is None and progress.get('type') is not None:
            self.kind = progress['type']

    def label(self):
        what = 'bulk volume %s' % KIND_WORDS.get(self.kind, 'job')
        if self.bv_id is not None:
            what += ' %s' % self.bv_id
        if self.volume_id is not None:
            what += ' of volume %s' % self.volume_id
        return what


def _seconds(value):
    """elapsedTime: documented as a string, an integer in the reference's examples; either, or H:MM:SS."""
    if not isinstance(value, TEXT_TYPES):
        return number(value)
    try:
        parts = [float(part) for part in value.strip().split(':')]
    except ValueError:
        return None
    if not 1 <= len(parts) <= 3 or any(part < 0 for part in parts):
        return None
    total = 0.0
    for part in parts:
        total = total * 60 + part
    return total


def _left_at_rate(percent, elapsed):
    """The time left if the job goes on at its average rate so far (elapsedTime over percentComplete), or None.

    remainingTime is the cluster's estimate, and may be stale (the same value for several reads) or far off; the
    rate from the job's own counters is the cross-check, and the sooner of the two is read at, so a stale or high
    estimate never makes the wait notice the end late."""
    if percent is None or elapsed is None or not MIN_RATE_PERCENT <= percent < 100 or elapsed <= 0:
        return None
    return elapsed * (100.0 - percent) / percent


def bulk_identity(details):
    """The BulkIdentity of a BulkVolume job from its answer's details (bvID, volumeID), or None."""
    if not isinstance(details, dict):
        return None
    identity = BulkIdentity(bv_id=integer(details.get('bvID')), volume_id=integer(details.get('volumeID')))
    if identity.bv_id is None and identity.volume_id is None:
        return None
    return identity
