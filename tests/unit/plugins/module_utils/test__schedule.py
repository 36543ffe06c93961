# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the poll schedule: the nearest wanted read, elapsed-bounded backoff, the rate rule on rounds."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._retry import Backoff
from ansible_collections.solidfire.element.plugins.module_utils._schedule import Schedule


def schedule(poll_interval=2.0, max_poll_interval=15.0):
    return Schedule(poll_interval, max_poll_interval, Backoff(poll_interval, max_poll_interval, rand=lambda: 0.0))


def test_the_nearest_wanted_read_decides_never_later_than_the_cap():
    plan = schedule()
    assert plan.next_delay(elapsed=10, rounds=2, wanted_in=3.25, unestimated=False) == 3.25
    assert plan.next_delay(elapsed=10, rounds=3, wanted_in=100.0, unestimated=False) == 15.0


def test_without_an_estimate_the_gap_is_at_most_a_tenth_of_the_time_waited():
    plan = schedule()
    delays = [plan.next_delay(elapsed=elapsed, rounds=1) for elapsed in (0, 5, 30, 80, 500)]
    # the backoff grows 2, 3, 4.5, 6.75, 10.1; a tenth of the time waited caps it at 30 s
    assert delays == [2.0, 2.0, 3.0, 6.75, 10.125]


def test_a_job_without_an_estimate_beside_clones_keeps_its_own_bound():
    plan = schedule()
    assert plan.next_delay(elapsed=5, rounds=1, wanted_in=12.0, unestimated=True) == 2.0


def test_never_more_than_one_round_per_poll_interval_on_average():
    plan = schedule()
    # 20 rounds in 10 s: the next one waits until the average is back at one per 2 s
    assert plan.next_delay(elapsed=10, rounds=20, wanted_in=0.5, unestimated=False) == 19 * 2.0 - 10


def test_the_rounds_left_until_the_last_predicted_end_are_spread_evenly():
    plan = schedule()
    # 10 s waited, 6 rounds made, the last clone ends in 20 s: 1 + 30 / 2 - 6 = 10 rounds fit, one per 2 s
    assert plan.next_delay(elapsed=10, rounds=6, wanted_in=0.5, unestimated=False, horizon=20.0) == 2.0
    # with rounds to spare, the wanted read decides
    assert plan.next_delay(elapsed=30, rounds=3, wanted_in=0.5, unestimated=False, horizon=5.0) == 0.5
