# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a wait knows about one job it follows through the cluster's progress figures, and when that job wants its
next read.

Private to the collection. A job's figures (a clone's ListSyncJobs slices, a bulk volume job's ListBulkVolumeJobs
entry, a drive job's bin syncs; see _progress.py) stand in for reading its handle while it runs; its predicted end
(from those figures) says when to look again. The waiter keeps one JobTrack per such handle and plans each round
from the nearest read any of them wants (see _schedule.py). Pure Python; runs on targets (Python 2.7 and 3.6+).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._figures import index_entries

# A read this long after a predicted end: the end is noticed within a second even when the estimate was a
# little early.
END_MARGIN = 0.25
# From remainingTime alone (no byte counters), an end further away than this is approached by halves: each read
# brings a fresh estimate, so one that is 20 % off is off by less and less.
HALVING_ABOVE = 4.0
# The shortest gap around a predicted end.
TIGHT_INTERVAL = 0.5
# Quick reads a job gets once its predicted end has passed and it still runs; then it waits like a job without
# figures until a fresh estimate puts its end ahead again.
TIGHT_READS = 4
# A job whose figures were looked for this many rounds in a row without a hit is checked like any job.
SYNC_MISSES = 2
# After this many checks at or after a predicted end that found the job still running, its estimates are not used.
ESTIMATE_MISSES = 6


class JobTrack:
    """One job's figures, predicted end and the record of how good its estimates have been."""

    __slots__ = ('identity', 'progress', 'predicted_end', 'measured', 'sync_misses', 'best_percent',
                 'estimate_misses', 'late_reads', 'recheck')

    def __init__(self, identity):
        self.identity = identity  # what names its figures (CloneIdentity, BulkIdentity, DriveIdentity)
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
        """Whether its figures still stand in for reading its handle."""
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
        self.identity.learn(progress)
        if self.predicted_end is not None and now >= self.predicted_end + END_MARGIN and not self.recheck:
            self._missed()  # still running after its predicted end
        self.recheck = False
        percent = progress.get('percent_complete')
        backwards = percent is not None and self.best_percent is not None and percent < self.best_percent
        if percent is not None and not backwards:
            self.best_percent = percent
        remaining = progress.get('remaining_time')
        trusted = remaining is not None and not backwards and self.estimate_misses < ESTIMATE_MISSES
        measured = bool(progress.get('remaining_measured'))
        ended_at = now + remaining if trusted else None
        if (ended_at is not None and not measured and previous is not None and self.predicted_end is not None
                and previous.get('remaining_time') == remaining):
            # the same estimate again: the cluster has not refreshed it, so it is as old as the first one
            ended_at = min(ended_at, self.predicted_end)
        self.predicted_end = ended_at
        self.measured = measured
        if self.predicted_end is not None and self.predicted_end > now + END_MARGIN:
            self.late_reads = 0
        return previous is None or int(previous.get('percent_complete') or 0) != int(percent or 0)

    def missing(self):
        """Its figures were not there: it is over (or not begun); its handle is checked instead."""
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
        """Seconds until this job wants its next look, or None when it has no estimate to go by."""
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


def figures_of(entries, tracks):
    """{id(track): figures or None} for each track, from one listing (ListSyncJobs or ListBulkVolumeJobs): one pass
    over the answer, then one lookup per job, however many jobs the wait follows."""
    index = index_entries(entries)
    return dict((id(track), track.identity.figures(index)) for track in tracks)
