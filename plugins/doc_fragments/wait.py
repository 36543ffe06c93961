# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documents exactly WAIT_SPEC in plugins/module_utils/_common.py: change both together.

O(wait) itself is documented by each module, because its default differs between them.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment:

    DOCUMENTATION = r'''
options:
  wait_timeout:
    description:
      - Total seconds to wait, measured on a monotonic clock and counting the time spent inside requests.
      - When it passes, the task fails with the last status seen and leaves the handle untouched,
        so running the task again resumes the wait.
    type: int
    default: 1800
  poll_interval:
    description:
      - Seconds to sleep after the first poll. Later sleeps grow by half each time, up to O(max_poll_interval),
        with up to 10% jitter (never above the cap), but never longer than a tenth of the time waited so far,
        so a job is noticed within about a tenth of its length after it ends.
      - For a clone (C(CloneVolume), C(CloneMultipleVolumes), C(CopyVolume)) the next read is planned from the
        clone's own progress (C(ListSyncJobs)), halfway to its predicted end, then just after it, with a few
        reads down to every 0.5 seconds around that end, so the end is noticed within about a second. With many
        clones in one wait, the next round comes at the nearest read any of them wants, so each is noticed as a
        lone one would be.
      - Whatever the schedule, the wait makes at most one polling round per O(poll_interval) on average (a round
        reads at most one C(ListSyncJobs), one C(ListAsyncResults) and a few handles that are due). The rule
        limits polling, not work; reading the results a round found finished, and releasing them, never delays
        the next round. Polling an Element cluster faster than every 1 to 2 seconds invites
        C(xDBVersionMismatch) faults and does not make a job end sooner.
    type: float
    default: 2.0
  max_poll_interval:
    description:
      - Longest sleep between polls. Set it equal to O(poll_interval) for fixed-interval polling.
    type: float
    default: 15.0
'''
