# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the poll schedule: predicted ends, the few quick reads around them, elapsed-bounded backoff."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._retry import Backoff
from ansible_collections.solidfire.element.plugins.module_utils._schedule import (
    END_MARGIN,
    HALVING_ABOVE,
    TIGHT_INTERVAL,
    TIGHT_READS,
    Schedule,
)


def schedule(poll_interval=2.0, max_poll_interval=15.0):
    return Schedule(poll_interval, max_poll_interval, Backoff(poll_interval, max_poll_interval, rand=lambda: 0.0))


def test_a_predicted_end_is_approached_by_halves_then_read_just_after_it_never_later_than_the_cap():
    plan = schedule()
    assert plan.next_delay(elapsed=10, requests=2, predicted_in=3.0) == 3.0 + END_MARGIN
    assert plan.next_delay(elapsed=10, requests=3, predicted_in=HALVING_ABOVE + 2) == (HALVING_ABOVE + 2) / 2
    assert plan.next_delay(elapsed=10, requests=4, predicted_in=100.0) == 15.0


def test_around_a_passed_end_a_few_quick_reads_then_the_normal_schedule():
    plan = schedule()
    delays = [plan.next_delay(elapsed=100, requests=10, predicted_in=-1.0) for _dummy in range(TIGHT_READS + 2)]
    assert delays[:TIGHT_READS] == [TIGHT_INTERVAL] * TIGHT_READS
    assert all(delay >= 2.0 for delay in delays[TIGHT_READS:])


def test_quick_reads_never_below_half_a_second_even_for_an_end_just_ahead():
    plan = schedule()
    assert plan.next_delay(elapsed=50, requests=5, predicted_in=0.01) == TIGHT_INTERVAL


def test_without_an_estimate_the_gap_is_at_most_a_tenth_of_the_time_waited():
    plan = schedule()
    delays = [plan.next_delay(elapsed=elapsed, requests=1, predicted_in=None) for elapsed in (0, 5, 30, 80, 500)]
    # the backoff grows 2, 3, 4.5, 6.75, 10.1; a tenth of the time waited caps it at 30 s
    assert delays == [2.0, 2.0, 3.0, 6.75, 10.125]


def test_never_more_than_one_request_per_poll_interval_on_average():
    plan = schedule()
    # 20 requests in 10 s: the next one waits until the average is back at one per 2 s
    assert plan.next_delay(elapsed=10, requests=20, predicted_in=0.5) == 19 * 2.0 - 10
