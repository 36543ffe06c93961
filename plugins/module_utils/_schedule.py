# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When to read next: just after a clone's predicted end, else backoff bounded by the time waited. Private to the
collection.

- With a predicted end (from a clone's ListSyncJobs figures), read END_MARGIN after it when it comes from the
  measured byte counters and rate; from Element's remainingTime alone, read again halfway to it while it is more
  than HALVING_ABOVE seconds away first (each read brings a fresh estimate, and one that is 20 % off is then off
  by less and less). Never later than max_poll_interval from now. Around that end the gap may
  shrink below poll_interval, to TIGHT_INTERVAL at the least and for TIGHT_READS reads in a row at the most: the
  estimate is noisy, and that is how the end is noticed within a second anyway.
- Without one (bulk volume, drives, unknown job types, or a clone without figures), the capped backoff, but never
  a gap longer than a tenth of the time waited so far (within poll_interval .. max_poll_interval), so the lag
  after a job ends stays a small part of its length.
- Whatever the estimates say, never more than one request per poll_interval on average over the wait: polling
  an Element cluster faster does not make a job end sooner, it only adds xDBVersionMismatch contention.
Pure Python; runs on targets (Python 2.7 and 3.6+).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

END_MARGIN = 0.25
HALVING_ABOVE = 4.0
TIGHT_INTERVAL = 0.5
TIGHT_READS = 4
ELAPSED_FRACTION = 0.1


class Schedule:
    """next_delay() gives the sleep before the next poll round; backoff is the task's Backoff."""

    def __init__(self, poll_interval, max_poll_interval, backoff):
        self.poll_interval = float(poll_interval)
        self.max_poll_interval = float(max(max_poll_interval, poll_interval))
        self._backoff = backoff
        self._tight_streak = 0  # gaps under poll_interval in a row
        self._late_reads = 0  # quick reads since the predicted end passed

    def next_delay(self, elapsed, requests, predicted_in=None, measured=False):
        """Seconds to sleep. elapsed: time waited so far; requests: requests sent so far; predicted_in: seconds
        until the earliest predicted end (negative once passed), or None without an estimate; measured: whether
        that end comes from byte counters and rate rather than from the cluster's remainingTime estimate."""
        delay = self._from_prediction(predicted_in, measured)
        if delay is None:
            delay = min(self._backoff.next_delay(), max(self.poll_interval, ELAPSED_FRACTION * elapsed))
        delay = min(delay, self.max_poll_interval)
        if delay < self.poll_interval:
            if self._tight_streak >= TIGHT_READS:
                delay = self.poll_interval
            else:
                self._tight_streak += 1
        if delay >= self.poll_interval:
            self._tight_streak = 0
        # the average rate: after the first request, one per poll_interval at the most
        return max(delay, (requests - 1) * self.poll_interval - elapsed, 0.0)

    def _from_prediction(self, predicted_in, measured):
        if predicted_in is None:
            return None
        if predicted_in + END_MARGIN > 0:
            self._late_reads = 0
            if predicted_in > HALVING_ABOVE and not measured:
                return predicted_in / 2.0
            return max(TIGHT_INTERVAL, predicted_in + END_MARGIN)
        # the end has passed and the job still runs: a few quick reads, then the normal schedule until a new
        # estimate puts the end ahead again
        if self._late_reads < TIGHT_READS:
            self._late_reads += 1
            return TIGHT_INTERVAL
        return None
