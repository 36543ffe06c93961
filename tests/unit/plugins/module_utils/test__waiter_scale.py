# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The waiter at scale, on a fake clock: N handles ending at arbitrary times, many in one round.

The promise per job holds however many share the wait: a clone with figures is noticed within a second of its end
(or, when the rate rule holds rounds back, within poll_interval), a job without figures within a tenth of the time
waited (at least poll_interval, at most max_poll_interval); reads of finished results and releases never delay a
round; polling rounds stay at one per poll_interval on average.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading
import time

import pytest

hypothesis = pytest.importorskip('hypothesis')

from hypothesis import HealthCheck, example, given, settings, strategies as st  # noqa: E402

from ansible_collections.solidfire.element.plugins.module_utils._answers import COMPLETE  # noqa: E402
from ansible_collections.solidfire.element.plugins.module_utils._client import ElementHandleGone  # noqa: E402
from ansible_collections.solidfire.element.plugins.module_utils._waiter import Waiter  # noqa: E402
from ansible_collections.solidfire.element.tests.unit.plugins.fake_clock import FakeClock  # noqa: E402

LATENCY = 0.005  # fake seconds per request
FIRST = 1000
GIB = 1024 ** 3


class Job:
    def __init__(self, start, end, clone):
        self.start, self.end, self.clone = start, end, clone
        self.purged = False
        self.noticed = None  # first fake time an answer showed it complete


class ScaleCluster:
    """Many jobs; clones have ListSyncJobs entries with exact byte counters until they end."""

    http_timeout = 30.0

    def __init__(self, clock, jobs):
        self.clock = clock
        self.jobs = dict((FIRST + index, job) for index, job in enumerate(jobs))
        self.calls = []  # (time, method, handle, keepResult)

    def _call(self, method, handle=None, keep=None):
        self.clock.now += LATENCY
        self.calls.append((self.clock.now, method, handle, keep))

    def _done(self, job):
        return self.clock.now >= job.end

    def _noticed(self, job):
        if job.noticed is None:
            job.noticed = self.clock.now

    def get_async_result(self, handle, keep_result=True, timeout=None):
        self._call('GetAsyncResult', handle, keep_result)
        job = self.jobs.get(handle)
        if job is None or job.purged:
            raise ElementHandleGone(handle, 'xAsyncHandleDoesNotExist', 'Async handle %s does not exist.' % handle)
        answer = {'resultType': 'Clone', 'createTime': '2026-12-07T10:00:00Z', 'lastUpdateTime': '2026-12-07T10:00:00Z'}
        if not self._done(job):
            answer.update(status='running', details={'volumeID': handle} if job.clone else {})
            return answer
        self._noticed(job)
        if not keep_result:
            job.purged = True
        answer.update(status='complete', result={'volumeID': handle, 'cloneID': handle})
        return answer

    def list_async_results(self, result_types=None, timeout=None, shape=None):
        self._call('ListAsyncResults')
        entries = []
        for handle, job in sorted(self.jobs.items()):
            if job.purged:
                continue
            done = self._done(job)
            if done:
                self._noticed(job)
            entries.append({'asyncResultID': handle, 'completed': done, 'success': done, 'resultType': 'Clone',
                            'createTime': 'c', 'lastUpdateTime': 'u',
                            'data': {'volumeID': handle} if job.clone and not done else {}})
        # as the client does: what the caller's shape keeps, while parsing
        return [kept for kept in (shape(entry) for entry in entries) if kept is not None] if shape else entries

    def list_sync_jobs(self, timeout=None):
        self._call('ListSyncJobs')
        entries = []
        for handle, job in self.jobs.items():
            if not job.clone or job.purged or self._done(job):
                continue
            length = job.end - job.start
            done = min(1.0, max(0.0, (self.clock.now - job.start) / length))
            entries.append({'type': 'clone', 'cloneID': handle, 'dstVolumeID': handle, 'totalBytes': GIB,
                            'currentBytes': int(done * GIB), 'bytesPerSecond': GIB / length,
                            'remainingTime': job.end - self.clock.now})
        return entries


def wait(jobs, poll_interval, max_poll_interval, timeout=3600):
    clock = FakeClock()
    start = clock.now
    for job in jobs:
        job.start += start
        job.end += start
    cluster = ScaleCluster(clock, jobs)
    waiter = Waiter(cluster, timeout=timeout, poll_interval=poll_interval, max_poll_interval=max_poll_interval,
                    wait=True, release=True, clock=clock, sleep=clock.sleep, rand=lambda: 0.5)
    report = waiter.run(sorted(cluster.jobs))
    return cluster, report, start


def check_promises(cluster, report, start, poll_interval, max_poll_interval):
    assert [outcome.state for outcome in report.outcomes] == [COMPLETE] * len(report.outcomes)
    assert all(outcome.released for outcome in report.outcomes)
    # reads of finished results take requests; they never hold a round back, so a few per round are allowed
    work = LATENCY * (len(cluster.jobs) * 2 + 10)
    for handle, job in cluster.jobs.items():
        lag = job.noticed - job.end
        if job.clone:
            allowed = max(1.0, poll_interval)
        else:
            allowed = min(max_poll_interval, max(poll_interval, 0.1 * (job.end - start)))
        assert lag <= allowed + work, (handle, job.clone, job.end - start, lag, allowed)
    # one polling round per poll_interval on average, counted from the first (and the one in progress)
    assert report.polls <= 1 + (last_round(cluster) - start) / poll_interval + 1


def last_round(cluster):
    """When the last polling request was sent (a release or a read of a finished result is not one)."""
    return max(time for time, method, _handle, keep in cluster.calls if method != 'GetAsyncResult' or keep)


job_strategy = st.tuples(
    st.floats(min_value=0.0, max_value=20.0),  # started before the wait began (seconds)
    st.floats(min_value=0.5, max_value=150.0),  # ends this long after the wait began
    st.booleans())  # a clone with sync figures


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(job_strategy, min_size=1, max_size=300),
       poll_interval=st.sampled_from([1.0, 2.0]), fixed=st.booleans())
@example(specs=[(0.0, 6.0 + index % 5, False) for index in range(200)], poll_interval=1.0, fixed=True)
@example(specs=[(0.0, 20.0 + (index * 0.2), True) for index in range(100)], poll_interval=2.0, fixed=False)
def test_no_handle_is_noticed_later_than_its_own_rule_allows(specs, poll_interval, fixed):
    max_poll_interval = poll_interval if fixed else 15.0
    jobs = [Job(-before, end, clone) for before, end, clone in specs]
    cluster, report, start = wait(jobs, poll_interval, max_poll_interval)
    check_promises(cluster, report, start, poll_interval, max_poll_interval)


def test_two_hundred_jobs_at_a_one_second_interval_end_within_three_seconds_of_the_last():
    jobs = [Job(0.0, 6.0 + (index % 41) / 10.0, False) for index in range(200)]
    cluster, report, start = wait(jobs, 1.0, 1.0)
    last_end = max(job.end for job in jobs)
    assert cluster.calls[-1][0] - last_end <= 3.0
    assert [outcome.state for outcome in report.outcomes] == [COMPLETE] * 200


def test_a_hundred_clones_are_each_noticed_within_a_second_at_the_defaults():
    jobs = [Job(0.0, 20.0 + (index * 7 % 100) / 5.0, True) for index in range(100)]
    cluster, report, start = wait(jobs, 2.0, 15.0)
    lags = sorted(job.noticed - job.end for job in jobs)
    assert lags[len(lags) // 2] <= 1.0 and lags[-1] <= 2.0, lags
    assert cluster.calls[-1][0] - max(job.end for job in jobs) <= 2.0
    assert report.polls <= 1 + (last_round(cluster) - start) / 2.0 + 1


def test_finished_results_are_read_in_the_round_that_sees_them_and_released_only_at_the_end():
    jobs = [Job(0.0, 5.0, False) for _index in range(40)] + [Job(0.0, 30.0, False) for _index in range(10)]
    cluster, _report, start = wait(jobs, 1.0, 1.0)
    kept = [call for call in cluster.calls if call[1] == 'GetAsyncResult' and call[3] is True]
    releases = [call for call in cluster.calls if call[3] is False]
    early = [call for call in kept if call[2] < FIRST + 40]
    # each read once, all in the round after they ended, while the other ten still run
    assert len(early) == 40 and max(call[0] for call in early) <= start + 5.0 + 1.0 + 50 * LATENCY
    assert min(call[0] for call in releases) > max(call[0] for call in kept)


def test_a_wait_on_many_handles_prints_one_summary_line_per_round_that_changed_something():
    clock = FakeClock()
    jobs = [Job(0.0, 3.0 + index % 4, False) for index in range(20)]
    for job in jobs:
        job.start += clock.now
        job.end += clock.now
    cluster = ScaleCluster(clock, jobs)
    events = []
    waiter = Waiter(cluster, timeout=600, poll_interval=1.0, max_poll_interval=1.0, release=True, clock=clock,
                    sleep=clock.sleep, rand=lambda: 0.5, on_event=lambda kind, text: events.append((kind, text)))
    waiter.run(sorted(cluster.jobs))
    kinds = set(kind for kind, _text in events)
    assert kinds <= {'detail', 'summary', 'heartbeat'}, kinds
    summaries = [text for kind, text in events if kind == 'summary']
    assert summaries[0].startswith('0 of 20 complete, 20 running')
    assert [line.split(' of ')[0] for line in summaries[:-1]] == ['0', '5', '10', '15', '20']
    assert summaries[-1].startswith('released 20 of 20 finished handles')
    assert len([text for kind, text in events if kind == 'detail' and text.startswith('handle ')]) >= 40


class ThreadSafeCluster(ScaleCluster):
    """The scale cluster behind a lock, with siblings that count which connection sent each request."""

    def __init__(self, clock, jobs):
        super(ThreadSafeCluster, self).__init__(clock, jobs)
        self.lock = threading.RLock()
        self.connections = {}

    def sibling(self):
        return Connection(self, len(self.connections) + 1)

    def get_async_result(self, handle, keep_result=True, timeout=None, connection=0):
        time.sleep(0.002)  # real time in the cluster, as a request spends it: the other connections go meanwhile
        with self.lock:
            self.connections.setdefault(connection, 0)
            self.connections[connection] += 1
            return super(ThreadSafeCluster, self).get_async_result(handle, keep_result, timeout)


class Connection:
    def __init__(self, cluster, number):
        self.cluster, self.number = cluster, number
        cluster.connections[number] = 0

    def get_async_result(self, handle, keep_result=True, timeout=None):
        return self.cluster.get_async_result(handle, keep_result, timeout, connection=self.number)

    def close(self):
        self.cluster.closed = self.cluster.__dict__.get('closed', 0) + 1


def test_a_burst_of_finished_results_goes_over_a_few_connections_each_handle_read_and_released_once():
    clock = FakeClock()
    jobs = [Job(0.0, 2.0, False) for _index in range(40)]
    for job in jobs:
        job.start += clock.now
        job.end += clock.now
    cluster = ThreadSafeCluster(clock, jobs)
    waiter = Waiter(cluster, timeout=600, poll_interval=1.0, max_poll_interval=1.0, release=True, clock=clock,
                    sleep=clock.sleep, rand=lambda: 0.5, connections=4)
    report = waiter.run(sorted(cluster.jobs))
    assert [outcome.state for outcome in report.outcomes] == [COMPLETE] * 40
    assert all(outcome.released for outcome in report.outcomes)
    kept = sorted(call[2] for call in cluster.calls if call[1] == 'GetAsyncResult' and call[3] is True)
    released = sorted(call[2] for call in cluster.calls if call[3] is False)
    assert kept == released == sorted(cluster.jobs)
    assert sorted(cluster.connections) == [0, 1, 2, 3] and all(cluster.connections.values())
    assert cluster.closed == 3
