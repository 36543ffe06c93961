# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When the next poll round starts: at the nearest read any clone's predicted end asks for, else backoff bounded by
the time waited, and never more than one polling round per poll_interval on average. Private to the collection.

- Clones with figures (ListSyncJobs) each say when they want their next look (see _tracking.py: just after a
  measured predicted end, halfway to one from remainingTime alone, a few quick reads once it has passed). The
  round starts at the nearest of those, however many clones share the wait: each is noticed as a lone one is.
- Jobs without figures (bulk volume, drives, unknown job types, a clone without figures): the capped backoff, but
  never a gap longer than a tenth of the time waited so far (within poll_interval .. max_poll_interval), so the
  lag after a job ends stays a small part of its length. Never later than max_poll_interval from now.
- The rate rule limits polling, not work: it counts polling rounds (a round reads at most one ListSyncJobs, one
  ListAsyncResults and a few handles that are due), never the reads of results a round found finished or the
  releases. At most one round per poll_interval on average over the wait; and while clones are still to end, the
  rounds the wait can still afford until the last predicted end are spread evenly over the time until then (never
  further apart than poll_interval), so a burst of quick reads early cannot leave the last clones waiting a whole
  poll_interval each.
Polling an Element cluster faster does not make a job end sooner; it only adds xDBVersionMismatch contention.
Pure Python; runs on targets (Python 2.7 and 3.6+).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

ELAPSED_FRACTION = 0.1


class Schedule:
    """next_delay() gives the sleep before the next poll round; backoff is the task's Backoff."""

    def __init__(self, poll_interval, max_poll_interval, backoff):
        self.poll_interval = float(poll_interval)
        self.max_poll_interval = float(max(max_poll_interval, poll_interval))
        self._backoff = backoff

    def next_delay(self, elapsed, rounds, wanted_in=None, unestimated=True, horizon=None):
        """Seconds to sleep.

        elapsed: time waited so far; rounds: polling rounds so far; wanted_in: seconds until the nearest look a
        clone's estimate asks for, or None; unestimated: whether some pending job has no estimate to go by;
        horizon: seconds until the last predicted end among the clones, or None.
        """
        candidates = [] if wanted_in is None else [wanted_in]
        if unestimated or not candidates:
            candidates.append(min(self._backoff.next_delay(), max(self.poll_interval, ELAPSED_FRACTION * elapsed)))
        delay = min(candidates + [self.max_poll_interval])
        return max(delay, self.earliest(elapsed, rounds, horizon), 0.0)

    def earliest(self, elapsed, rounds, horizon=None):
        """The soonest (in seconds from now) the next round may start under the rate rule."""
        # one round per poll_interval on average, counted from the first
        floor = (rounds - 1) * self.poll_interval - elapsed
        if horizon is not None and horizon > 0:
            affordable = 1 + (elapsed + horizon) / self.poll_interval - rounds
            if affordable >= 1:
                floor = max(floor, min(horizon / affordable, self.poll_interval))
        return floor
