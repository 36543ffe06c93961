# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a wait knows about one clone it follows through ListSyncJobs, and when that clone wants its next read.

Private to the collection. A clone's ListSyncJobs figures stand in for reading its handle while it copies; its
predicted end (from those figures) says when to look again. The waiter keeps one CloneTrack per clone handle and
plans each round from the nearest read any of them wants (see _schedule.py). Pure Python; runs on targets
(Python 2.7 and 3.6+).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._progress import aggregate

# A read this long after a predicted end: the end is noticed within a second even when the estimate was a
# little early.
END_MARGIN = 0.25
# From remainingTime alone (no byte counters), an end further away than this is approached by halves: each read
# brings a fresh estimate, so one that is 20 % off is off by less and less.
HALVING_ABOVE = 4.0
# The shortest gap around a predicted end.
TIGHT_INTERVAL = 0.5
# Quick reads a clone gets once its predicted end has passed and it still copies; then it waits like a job without
# figures until a fresh estimate puts its end ahead again.
TIGHT_READS = 4
# A clone whose sync entries were looked for this many rounds in a row without a hit is checked like any job.
SYNC_MISSES = 2
# After this many checks at or after a predicted end that found the clone still copying, its estimates are not used.
ESTIMATE_MISSES = 6


class CloneTrack:
    """One clone's figures, predicted end and the record of how good its estimates have been."""

    __slots__ = ('identity', 'progress', 'predicted_end', 'measured', 'sync_misses', 'best_percent',
                 'estimate_misses', 'late_reads', 'recheck')

    def __init__(self, identity):
        self.identity = identity  # the clone it fills (CloneIdentity)
        self.progress = None  # the last aggregated ListSyncJobs figures
        self.predicted_end = None  # clock time the clone should end, from its figures
        self.measured = False  # whether that end comes from byte counters and rate (not remainingTime alone)
        self.sync_misses = 0
        self.best_percent = None
        self.estimate_misses = 0
        self.late_reads = 0  # checks since its predicted end passed
        self.recheck = False  # a read of its handle found it running at its predicted end: read the figures next

    @property
    def followed(self):
        """Whether its sync entries still stand in for reading its handle."""
        return self.sync_misses < SYNC_MISSES

    def due(self, now):
        """Its predicted end has passed: reading the handle tells at once whether it ended."""
        return self.predicted_end is not None and now >= self.predicted_end and not self.recheck

    def note(self, progress, now):
        """Keep fresh figures; predict the end unless they went backwards or the estimates proved wrong too often.

        Returns True when the whole percentage moved (worth a progress line).
        """
        previous = self.progress
        self.progress = progress
        self.sync_misses = 0
        if self.identity.clone_id is None and progress.get('clone_id') is not None:
            self.identity.clone_id = progress['clone_id']  # matched by volume: now known by its cloneID too
        if self.predicted_end is not None and now >= self.predicted_end + END_MARGIN and not self.recheck:
            self._missed()  # still copying after its predicted end
        self.recheck = False
        percent = progress.get('percent_complete')
        backwards = percent is not None and self.best_percent is not None and percent < self.best_percent
        if percent is not None and not backwards:
            self.best_percent = percent
        remaining = progress.get('remaining_time')
        trusted = remaining is not None and not backwards and self.estimate_misses < ESTIMATE_MISSES
        self.predicted_end = now + remaining if trusted else None
        self.measured = bool(progress.get('remaining_measured'))
        if self.predicted_end is not None and self.predicted_end > now + END_MARGIN:
            self.late_reads = 0
        return previous is None or int(previous.get('percent_complete') or 0) != int(percent or 0)

    def missing(self):
        """Its sync entries were not there: its copy is over (or not begun); its handle is checked instead."""
        self.sync_misses += 1
        self.predicted_end = None
        self.recheck = False

    def missed_end(self, now):
        """A read of its handle at its predicted end found it running: read its figures again soon."""
        self._missed()
        self.predicted_end = now - 2 * END_MARGIN if self.estimate_misses < ESTIMATE_MISSES else None
        self.recheck = self.predicted_end is not None

    def _missed(self):
        self.estimate_misses += 1
        self.late_reads += 1

    def wanted_in(self, now):
        """Seconds until this clone wants its next look, or None when it has no estimate to go by."""
        if self.predicted_end is None:
            return None
        left = self.predicted_end - now
        if left + END_MARGIN > 0:
            if left > HALVING_ABOVE and not self.measured:
                return left / 2.0
            return max(TIGHT_INTERVAL, left + END_MARGIN)
        if self.late_reads <= TIGHT_READS:
            return TIGHT_INTERVAL
        return None


def sync_figures(sync_jobs, tracks):
    """{id(track): figures or None} for each track, from one ListSyncJobs answer.

    The entries are grouped by what can name a clone first, so a round costs one pass over the answer plus one
    lookup per clone, however many clones the wait follows.
    """
    index = {}
    for entry in sync_jobs:
        if not isinstance(entry, dict) or entry.get('type', 'clone') != 'clone':
            continue
        for key in ('cloneID', 'groupCloneID', 'dstVolumeID'):
            value = entry.get(key)
            if value is not None:
                index.setdefault((key, value), []).append(entry)
    figures = {}
    for track in tracks:
        identity = track.identity
        if identity.clone_id is not None:
            candidates = index.get(('cloneID', identity.clone_id), [])
        elif identity.group_clone_id is not None:
            candidates = index.get(('groupCloneID', identity.group_clone_id), [])
        else:
            candidates = index.get(('dstVolumeID', identity.volume_id), [])
        figures[id(track)] = aggregate(candidates, identity)
    return figures
