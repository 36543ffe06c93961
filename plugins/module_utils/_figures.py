# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Progress figures added up from a listing's entries (ListSyncJobs slices and bin syncs, a bulk volume job), the
way every kind of job needs them. Private to the collection.

The time left comes from an entry's byte counters and rate where it has them (measured), else from Element's
remainingTime, an estimate that may be noisy, stale or missing; a set of entries ends with its last one.
Pure Python; runs on targets (Python 2.7 and 3.6+).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# What an index of a listing is keyed by: every key an identity looks its entries up with.
INDEX_KEYS = ('cloneID', 'groupCloneID', 'dstVolumeID', 'bulkVolumeID', 'key', 'srcVolumeID', 'type')


def index_entries(entries):
    """{(key, value): [entries]} of one listing, for every INDEX_KEYS key an entry has: one pass over an answer,
    then one lookup per job, however many jobs a wait follows."""
    index = {}
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for key in INDEX_KEYS:
            value = entry.get(key)
            if value is not None and not isinstance(value, (dict, list)):
                index.setdefault((key, value), []).append(entry)
    return index


def add_up(entries):
    """The figures of a set of entries that end together: bytes, rate, percentage, the longest time left (and
    whether every entry's was measured); None for no entries."""
    if not entries:
        return None
    total = sum(number(entry.get('totalBytes')) or 0 for entry in entries)
    current = sum(number(entry.get('currentBytes')) or 0 for entry in entries)
    rate = sum(number(entry.get('bytesPerSecond')) or 0 for entry in entries)
    estimates = [remaining_of(entry) for entry in entries]
    known = [value for value, _measured in estimates if value is not None]
    remaining = max(known) if len(known) == len(entries) else None
    measured = remaining is not None and all(flag for _value, flag in estimates)
    if total > 0:
        percent = 100.0 * current / total
    else:
        percents = [number(entry.get('percentComplete')) for entry in entries]
        percents = [value for value in percents if value is not None]
        percent = sum(percents) / len(percents) if percents else None
    return dict(
        percent_complete=round(percent, 1) if percent is not None else None,
        current_bytes=int(current),
        total_bytes=int(total),
        bytes_per_second=round(rate, 1),
        remaining_time=round(remaining, 1) if remaining is not None else None,
        remaining_measured=measured,
        sync_jobs=len(entries),
    )


def remaining_of(entry):
    """(seconds one entry has left, whether measured): from its byte counters and rate when it has them, else its
    remainingTime (the cluster's own estimate, which may be stale or missing); None when neither is there."""
    total, current, rate = (number(entry.get(key)) for key in ('totalBytes', 'currentBytes', 'bytesPerSecond'))
    if total is not None and current is not None and rate and rate > 0 and total >= current:
        return (total - current) / rate, True
    estimate = number(entry.get('remainingTime'))
    return (estimate if estimate is not None and estimate >= 0 else None), False


def number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float, type(2 ** 64))):
        return None
    return float(value)


def integer(value):
    return value if isinstance(value, (int, type(2 ** 64))) and not isinstance(value, bool) else None
