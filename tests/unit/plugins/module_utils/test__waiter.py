# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the wait loop: a fake clock and a scripted cluster, so nothing sleeps."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.solidfire.element.plugins.module_utils._client import (
    ElementAuthError,
    ElementHandleGone,
    ElementTransientError,
)
from ansible_collections.solidfire.element.plugins.module_utils import _retry, _wait_lines, _waiter
from ansible_collections.solidfire.element.plugins.module_utils._answers import COMPLETE, ERROR, FATAL, GONE, RUNNING
from ansible_collections.solidfire.element.plugins.module_utils._retry import Backoff
from ansible_collections.solidfire.element.plugins.module_utils._waiter import Waiter

LATENCY = 0.05


class FakeJob:
    def __init__(self, finish_at=None, error=None, details=None, sync=None):
        self.finish_at = finish_at  # absolute fake time; None = never
        self.error = error
        self.details = details or {}
        self.purged = False
        # sync: (clone ID, target volume ID, noise) for a clone whose ListSyncJobs entries estimate the time left
        # off by noise(read number) (a fraction), or None for a job without sync figures
        self.sync = sync
        self.started = None
        self.counters = False  # whether its sync entries carry bytesPerSecond


class FakeCluster:
    """Answers like an Element cluster; records every call; faults are queued per method."""

    http_timeout = 30.0

    def __init__(self, clock):
        self.clock = clock
        self.jobs = {}
        self.calls = []
        self.faults = {'GetAsyncResult': [], 'ListAsyncResults': [], 'release': [], 'ListSyncJobs': []}
        self.sync_reads = 0
        self.scripted = {}  # handle -> answers given verbatim to kept reads, first to last

    def _fault(self, kind):
        if self.faults[kind]:
            fault = self.faults[kind].pop(0)
            if fault is not None:
                raise fault

    def get_async_result(self, handle, keep_result=True, timeout=None):
        self.calls.append(('GetAsyncResult', handle, keep_result, timeout))
        self.clock.now += LATENCY
        self._fault('GetAsyncResult' if keep_result else 'release')
        if keep_result and self.scripted.get(handle):
            return self.scripted[handle].pop(0)
        job = self.jobs.get(handle)
        if job is None or job.purged:
            raise ElementHandleGone(handle, 'xAsyncHandleDoesNotExist', 'Async handle %s does not exist.' % handle)
        response = {'resultType': 'Clone', 'createTime': '2026-11-29T06:00:00Z', 'lastUpdateTime': 'x'}
        if job.finish_at is None or self.clock.now < job.finish_at:
            response.update(status='running', details=dict(job.details))
            return response
        response['status'] = 'complete'
        if job.error:
            response['error'] = job.error
        else:
            response['result'] = {'cloneID': 1, 'volumeID': handle + 1000, 'message': 'Clone complete.'}
        if not keep_result:
            job.purged = True
        return response

    def list_sync_jobs(self, timeout=None):
        self.calls.append(('ListSyncJobs', None, None, timeout))
        self.clock.now += LATENCY
        self._fault('ListSyncJobs')
        self.sync_reads += 1
        entries = []
        for job in self.jobs.values():
            if job.sync is None or job.purged or (job.finish_at is not None and self.clock.now >= job.finish_at):
                continue
            clone_id, volume_id, noise = job.sync
            left = (job.finish_at - self.clock.now) if job.finish_at is not None else 1000.0
            length = (job.finish_at - job.started) if job.finish_at is not None else 2000.0
            done = max(0.0, min(1.0, 1 - left / length)) if length > 0 else 1.0
            for slice_id in (1, 2):
                entry = {'type': 'clone', 'cloneID': clone_id, 'dstVolumeID': volume_id, 'sliceID': slice_id,
                         'totalBytes': 1024 ** 3, 'currentBytes': int(done * 1024 ** 3), 'stage': 'whole',
                         'remainingTime': max(0.0, left * (1 + noise(self.sync_reads)))}
                if job.counters:
                    # measured figures: the slice's rate, a few percent off
                    entry['bytesPerSecond'] = 1024 ** 3 / length * (1 + 0.05 * noise(self.sync_reads))
                entries.append(entry)
        return entries

    def list_async_results(self, result_types=None, timeout=None, shape=None):
        self.calls.append(('ListAsyncResults', None, None, timeout))
        self.clock.now += LATENCY
        self._fault('ListAsyncResults')
        entries = []
        for handle, job in sorted(self.jobs.items()):
            if job.purged:
                continue
            done = job.finish_at is not None and self.clock.now >= job.finish_at
            entries.append({'asyncResultID': handle, 'completed': done, 'success': done and not job.error,
                            'resultType': 'Clone', 'createTime': 'c', 'lastUpdateTime': 'u', 'data': {}})
        # as the client does: what the caller's shape keeps, while parsing
        return [kept for kept in (shape(entry) for entry in entries) if kept is not None] if shape else entries

    def reads(self, keep=True):
        return [call for call in self.calls if call[0] == 'GetAsyncResult' and call[2] is keep]


@pytest.fixture
def cluster(clock):
    return FakeCluster(clock)


def make_waiter(cluster, clock, events=None, **overrides):
    options = dict(timeout=1800, poll_interval=2.0, max_poll_interval=15.0, wait=True, release=True)
    options.update(overrides)
    return Waiter(cluster, clock=clock, sleep=clock.sleep, rand=lambda: 0.5,
                  on_event=(lambda kind, text: events.append((clock.now, kind, text))) if events is not None else None,
                  **options)


def test_single_handle_completes_polls_with_keep_result_then_releases(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now + 10)
    report = make_waiter(cluster, clock).run([5])
    outcome = report.outcomes[0]
    assert outcome.state == COMPLETE and outcome.finished and outcome.released
    assert outcome.response['result']['volumeID'] == 1005
    assert all(call[2] is True for call in cluster.calls[:-1])
    assert cluster.calls[-1][:3] == ('GetAsyncResult', 5, False)
    assert len(cluster.reads(keep=False)) == 1
    assert report.polls == len(cluster.reads(keep=True))
    assert not report.timed_out and report.finished


def test_keep_result_never_sends_keep_result_false(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now + 3)
    report = make_waiter(cluster, clock, release=False).run([5])
    assert report.outcomes[0].state == COMPLETE
    assert not report.outcomes[0].released
    assert cluster.reads(keep=False) == []
    assert not cluster.jobs[5].purged


def test_job_error_is_an_error_outcome_and_still_released(cluster, clock):
    cluster.jobs[7] = FakeJob(finish_at=clock.now + 1, error={'name': 'xCloneFailed', 'message': 'boom'})
    outcome = make_waiter(cluster, clock).run([7]).outcomes[0]
    assert outcome.state == ERROR and outcome.finished
    assert outcome.response['error']['name'] == 'xCloneFailed'
    assert outcome.released


def test_gone_handle_is_reported_and_never_released(cluster, clock):
    report = make_waiter(cluster, clock).run([404])
    outcome = report.outcomes[0]
    assert outcome.state == GONE and 'xAsyncHandleDoesNotExist' in outcome.message
    assert cluster.reads(keep=False) == []
    assert len(cluster.calls) == 1


def test_timeout_keeps_last_state_and_leaves_handle_untouched(cluster, clock):
    cluster.jobs[9] = FakeJob(finish_at=None, details={'percentComplete': 40})
    start = clock.now
    report = make_waiter(cluster, clock, timeout=60).run([9])
    outcome = report.outcomes[0]
    assert report.timed_out and outcome.state == RUNNING and not outcome.finished
    assert outcome.response['details'] == {'percentComplete': 40}
    assert cluster.reads(keep=False) == [] and not outcome.released
    # The deadline counts time inside requests: at most one request's latency beyond it.
    assert 60 <= clock.now - start <= 60 + LATENCY + 1e-9
    assert report.elapsed == pytest.approx(clock.now - start)


def test_request_timeout_never_outlives_the_deadline(cluster, clock):
    cluster.jobs[9] = FakeJob(finish_at=None)
    make_waiter(cluster, clock, timeout=20).run([9])
    timeouts = [call[3] for call in cluster.calls]
    assert timeouts[0] == 20
    assert all(_retry.MIN_REQUEST_TIMEOUT <= t <= 20 for t in timeouts)
    assert timeouts[-1] <= 2


def test_transient_errors_are_retried_and_counted(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now + 5)
    cluster.faults['GetAsyncResult'] = [ElementTransientError('HTTP 503'), ElementTransientError('xDBVersionMismatch'),
                                        ElementTransientError('reset', reached=False)]
    events = []
    report = make_waiter(cluster, clock, events=events).run([5])
    assert report.outcomes[0].state == COMPLETE
    assert report.transient_errors == 3
    assert [event[1] for event in events].count('retry') == 3


def test_fatal_error_ends_the_wait_at_once(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=None)
    cluster.faults['GetAsyncResult'] = [None, ElementAuthError('rejected (HTTP 401)')]
    report = make_waiter(cluster, clock).run([5])
    outcome = report.outcomes[0]
    assert outcome.state == FATAL and 'HTTP 401' in outcome.message
    assert outcome.response['status'] == 'running'  # the last state seen is kept
    assert len(cluster.calls) == 2


def test_unreachable_cluster_gives_up_after_first_contact_grace(cluster, clock):
    cluster.faults['GetAsyncResult'] = [ElementTransientError('refused', reached=False)] * 1000
    start = clock.now
    outcome = make_waiter(cluster, clock).run([5]).outcomes[0]
    assert outcome.state == FATAL and 'never answered' in outcome.message
    assert _retry.FIRST_CONTACT_GRACE_SECONDS <= clock.now - start < _retry.FIRST_CONTACT_GRACE_SECONDS + 20


def test_outage_after_first_contact_is_retried_until_it_passes(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now + 200)
    cluster.faults['GetAsyncResult'] = [None] + [ElementTransientError('refused', reached=False)] * 12
    report = make_waiter(cluster, clock).run([5])
    assert report.outcomes[0].state == COMPLETE
    assert report.transient_errors == 12


def test_wait_false_reads_once_without_sleeping(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=None)
    report = make_waiter(cluster, clock, wait=False).run([5])
    assert report.outcomes[0].state == RUNNING and not report.timed_out
    assert clock.sleeps == [] and len(cluster.calls) == 1


def test_wait_false_still_retries_a_transient_first_read(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now)
    cluster.faults['GetAsyncResult'] = [ElementTransientError('HTTP 500')]
    report = make_waiter(cluster, clock, wait=False, release=False).run([5])
    assert report.outcomes[0].state == COMPLETE and len(cluster.calls) == 2


def test_many_handles_use_one_list_call_per_round(cluster, clock):
    for offset, handle in enumerate(range(100, 110)):
        cluster.jobs[handle] = FakeJob(finish_at=clock.now + 5 + offset * 3)
    report = make_waiter(cluster, clock).run(list(range(100, 110)))
    assert [o.state for o in report.outcomes] == [COMPLETE] * 10
    assert [o.handle for o in report.outcomes] == list(range(100, 110))
    lists = [call for call in cluster.calls if call[0] == 'ListAsyncResults']
    assert report.polls == len(lists)
    # exactly one full read (keepResult true) per handle: when the list showed it completed
    assert sorted(call[1] for call in cluster.reads(keep=True)) == list(range(100, 110))
    assert sorted(call[1] for call in cluster.reads(keep=False)) == list(range(100, 110))


def test_many_handles_confirm_a_missing_one_as_gone(cluster, clock):
    cluster.jobs[1] = FakeJob(finish_at=clock.now + 4)
    report = make_waiter(cluster, clock).run([1, 2])
    assert [o.state for o in report.outcomes] == [COMPLETE, GONE]
    assert report.outcomes[0].released and not report.outcomes[1].released


def test_many_handles_timeout_reports_each_state(cluster, clock):
    cluster.jobs[1] = FakeJob(finish_at=clock.now + 4)
    cluster.jobs[2] = FakeJob(finish_at=None)
    report = make_waiter(cluster, clock, timeout=30).run([1, 2])
    assert report.timed_out
    assert [o.state for o in report.outcomes] == [COMPLETE, RUNNING]
    assert [call[1] for call in cluster.reads(keep=False)] == [1]


def test_release_that_finds_the_handle_gone_counts_as_released(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now)
    cluster.faults['release'] = [ElementHandleGone(5, 'xDBNoSuchPath', 'gone')]
    outcome = make_waiter(cluster, clock).run([5]).outcomes[0]
    assert outcome.released and outcome.release_warning is None


def test_release_transport_failure_is_a_warning_not_a_lost_result(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now)
    cluster.faults['release'] = [ElementTransientError('HTTP 503')] * _waiter.RELEASE_ATTEMPTS
    outcome = make_waiter(cluster, clock).run([5]).outcomes[0]
    assert outcome.state == COMPLETE and outcome.response['result']['volumeID'] == 1005
    assert not outcome.released
    assert 'HTTP 503' in outcome.release_warning and 'handle 5' in outcome.release_warning
    assert len(cluster.reads(keep=False)) == _waiter.RELEASE_ATTEMPTS


def test_heartbeat_at_least_every_interval_even_with_long_sleeps(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now + 300)
    events = []
    make_waiter(cluster, clock, events=events, poll_interval=100, max_poll_interval=100).run([5])
    times = [clock.now - 300] + [event[0] for event in events]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert max(gaps) <= _wait_lines.HEARTBEAT_SECONDS + LATENCY + 1e-9
    assert any(event[1] == 'heartbeat' for event in events)


def test_status_lines_only_when_status_or_details_change(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now + 12, details={'percentComplete': 10})
    events = []
    make_waiter(cluster, clock, events=events, poll_interval=1, max_poll_interval=1).run([5])
    status = [event[2] for event in events if event[1] == 'status']
    assert len(status) == 2
    assert 'running' in status[0] and 'percentComplete' in status[0]
    assert 'complete' in status[1]


@pytest.mark.parametrize('rand', [0.0, 0.5, 1.0])
def test_backoff_grows_to_the_cap_with_bounded_jitter(rand):
    backoff = Backoff(2, 15, rand=lambda: rand)
    delays = [backoff.next_delay() for dummy in range(12)]
    assert all(delay <= 15 for delay in delays)
    assert delays[0] == pytest.approx(2 * (1 - _retry.JITTER * rand))
    assert delays[-1] == pytest.approx(15 * (1 - _retry.JITTER * rand))
    assert all(later >= earlier for earlier, later in zip(delays, delays[1:]))


def test_backoff_with_equal_bounds_is_fixed_polling():
    backoff = Backoff(2, 2, rand=lambda: 0.0)
    assert [backoff.next_delay() for dummy in range(4)] == [2, 2, 2, 2]


def test_sleeps_follow_the_backoff_and_never_pass_the_deadline(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=None)
    make_waiter(cluster, clock, timeout=100).run([5])
    assert max(clock.sleeps) <= 15
    assert clock.sleeps[0] == pytest.approx(2 * (1 - _retry.JITTER * 0.5))
    assert sum(clock.sleeps) <= 100


def test_many_handles_survive_transient_list_failures(cluster, clock):
    cluster.jobs[1] = FakeJob(finish_at=clock.now + 6)
    cluster.jobs[2] = FakeJob(finish_at=clock.now + 9)
    cluster.faults['ListAsyncResults'] = [ElementTransientError('HTTP 503'), None, ElementTransientError('reset')]
    report = make_waiter(cluster, clock).run([1, 2])
    assert [o.state for o in report.outcomes] == [COMPLETE, COMPLETE]
    assert report.transient_errors == 2
    assert sorted(call[1] for call in cluster.reads(keep=False)) == [1, 2]


def test_an_abandoned_wait_stops_and_never_releases(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now + 30)
    gone_at = clock.now + 10
    waiter = make_waiter(cluster, clock)
    waiter._abandoned = lambda: clock.now >= gone_at  # pylint: disable=protected-access
    report = waiter.run([5])
    assert waiter.abandoned
    assert cluster.reads(keep=False) == [] and not cluster.jobs[5].purged
    assert not report.outcomes[0].released
    assert clock.now < gone_at + 16


def test_abandoned_after_the_last_poll_still_never_releases(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now)
    polled = []
    cluster_read = cluster.get_async_result

    def read(handle, keep_result=True, timeout=None):
        polled.append(keep_result)
        return cluster_read(handle, keep_result, timeout)

    cluster.get_async_result = read
    waiter = make_waiter(cluster, clock, abandoned=lambda: bool(polled))
    report = waiter.run([5])
    assert report.outcomes[0].state == COMPLETE
    assert polled == [True]


def test_a_handle_purged_mid_wait_keeps_no_stale_status(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=None, details={'percentComplete': 10})
    events = []

    def purge_after_first_poll(kind, text):
        events.append(text)
        cluster.jobs[5].purged = True

    outcome = Waiter(cluster, timeout=60, poll_interval=1, max_poll_interval=1, clock=clock, sleep=clock.sleep,
                     on_event=purge_after_first_poll).run([5]).outcomes[0]
    assert outcome.state == GONE and outcome.response is None


# ------------------------------------------------------------------------------------------- odd answers
RUNNING_ANSWER = {'status': 'running', 'resultType': 'Clone', 'details': {'percentComplete': 5}}


@pytest.mark.parametrize('odd, what', [
    ({'status': 'failed', 'resultType': 'Clone'}, "status 'failed'"),
    ({'status': None, 'resultType': 'Clone'}, 'status None'),
    ({'resultType': 'Clone'}, 'status None'),
    ({'status': 'COMPLETE', 'result': {}}, "status 'COMPLETE'"),
    ({'status': 'complete', 'resultType': 'Clone'}, 'neither a result nor an error'),
    ({'status': 'complete', 'result': [1, 2]}, 'result that is not an object (list)'),
    ({'status': 'complete', 'result': 'done'}, 'result that is not an object (str)'),
    ({'status': 'running', 'asyncHandle': 999}, 'another handle (asyncHandle 999)'),
])
def test_an_answer_we_cannot_read_ends_the_wait_at_once_and_is_never_released(cluster, clock, odd, what):
    cluster.jobs[5] = FakeJob(finish_at=clock.now + 1000)
    cluster.scripted[5] = [dict(RUNNING_ANSWER), dict(odd)]
    report = make_waiter(cluster, clock).run([5])
    outcome = report.outcomes[0]
    assert outcome.state == FATAL and not outcome.finished and not outcome.released
    assert 'async handle 5' in outcome.message and what in outcome.message and 'left untouched' in outcome.message
    assert len(cluster.reads(keep=True)) == 2 and cluster.reads(keep=False) == []
    assert not report.timed_out


def test_complete_with_both_result_and_error_is_a_failed_job(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now)
    both = {'status': 'complete', 'result': {'volumeID': 1}, 'error': {'name': 'xCloneFailed', 'message': 'x'}}
    cluster.scripted[5] = [both]
    outcome = make_waiter(cluster, clock).run([5]).outcomes[0]
    assert outcome.state == ERROR and outcome.response['error']['name'] == 'xCloneFailed'


def test_an_error_that_is_not_an_object_is_kept_as_its_message(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now)
    cluster.scripted[5] = [{'status': 'complete', 'error': 'disk on fire'}]
    outcome = make_waiter(cluster, clock).run([5]).outcomes[0]
    assert outcome.state == ERROR and outcome.response['error'] == {'message': 'disk on fire'}


def test_details_that_are_not_an_object_are_kept_under_value(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now + 1000)
    cluster.scripted[5] = [{'status': 'running', 'details': 'copying'}]
    outcome = make_waiter(cluster, clock, wait=False).run([5]).outcomes[0]
    assert outcome.state == RUNNING and outcome.response['details'] == {'value': 'copying'}


def test_many_handles_end_at_once_on_an_unknown_status(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now)
    cluster.jobs[6] = FakeJob(finish_at=clock.now + 1000)
    cluster.scripted[5] = [{'status': 'queued'}]
    report = make_waiter(cluster, clock).run([5, 6])
    assert [o.state for o in report.outcomes] == [FATAL, FATAL]
    assert all("status 'queued'" in o.message for o in report.outcomes)
    assert cluster.reads(keep=False) == []


# ------------------------------------------------------------------------------------------- honest releases
def test_a_release_whose_answer_was_lost_and_whose_retry_finds_it_gone_is_released(cluster, clock):
    """The first release deleted the result but its answer was lost; the retry answers gone: released."""
    cluster.jobs[5] = FakeJob(finish_at=clock.now)
    cluster.faults['release'] = [ElementTransientError('Connection reset', reached=False)]
    real_get = cluster.get_async_result

    def lose_answer_after_delete(handle, keep_result=True, timeout=None):
        if not keep_result and not cluster.jobs[handle].purged and cluster.faults['release']:
            cluster.jobs[handle].purged = True  # the cluster deleted it, then the answer was lost
        return real_get(handle, keep_result=keep_result, timeout=timeout)

    cluster.get_async_result = lose_answer_after_delete
    outcome = make_waiter(cluster, clock).run([5]).outcomes[0]
    assert outcome.released is True and outcome.release_warning is None
    assert len(cluster.reads(keep=False)) == 2


def test_release_requests_stay_inside_the_deadline(cluster, clock):
    cluster.jobs[5] = FakeJob(finish_at=clock.now + 9.9)
    cluster.faults['release'] = [ElementTransientError('HTTP 503')] * 5
    start = clock.now
    make_waiter(cluster, clock, timeout=10, poll_interval=1, max_poll_interval=1).run([5])
    releases = cluster.reads(keep=False)
    assert releases and all(call[3] <= _retry.FINAL_GRACE_SECONDS + 1e-9 for call in releases)
    # the last poll, then the releases: all over by the deadline and its grace (plus the fake's own latency)
    assert clock.now - start <= 10 + _retry.FINAL_GRACE_SECONDS + (1 + len(releases)) * LATENCY + 1e-9


# ------------------------------------------------------------------------------------------- clone progress
def clone_job(clock, seconds, noise=lambda read: 0.0, counters=False):
    job = FakeJob(finish_at=clock.now + seconds, details={'volumeID': 47}, sync=(7, 47, noise))
    job.started = clock.now
    job.counters = counters
    return job


def noticed_after(cluster, handle):
    """Seconds between the job's end and the read that saw it complete."""
    return cluster.noticed - cluster.jobs[handle].finish_at


@pytest.fixture
def watched(cluster):
    """Records when a kept read first answered complete."""
    real_get = cluster.get_async_result

    def get(handle, keep_result=True, timeout=None):
        answer = real_get(handle, keep_result=keep_result, timeout=timeout)
        if keep_result and answer.get('status') == 'complete' and not hasattr(cluster, 'noticed'):
            cluster.noticed = cluster.clock.now
        return answer

    cluster.get_async_result = get
    return cluster


@pytest.mark.parametrize('counters', [True, False], ids=['byte counters', 'remainingTime only'])
@pytest.mark.parametrize('seconds', [10, 60, 600])
@pytest.mark.parametrize('noise', [lambda read: 0.0, lambda read: 0.2 if read % 2 else -0.2, lambda read: -0.2],
                         ids=['exact', 'noisy', 'short'])
def test_a_clone_with_sync_figures_is_noticed_within_a_second_with_few_calls(watched, clock, seconds, noise, counters):
    watched.jobs[5] = clone_job(clock, seconds, noise, counters=counters)
    report = make_waiter(watched, clock).run([5])
    assert report.outcomes[0].state == COMPLETE
    assert 0 <= noticed_after(watched, 5) <= 1.0
    # uri + until at delay 2 makes seconds / 2 calls: a third of that at the most (plus the release); a 10 s
    # job cannot get there, its first read and its last already make two. From a lying remainingTime alone
    # (no byte counters) the end takes a couple of reads more to close in on.
    calls = len(watched.calls) - 1
    assert calls <= max(3, seconds / 2 / 3) if counters else calls <= max(6, seconds / 2 / 3 + 2)


@pytest.mark.parametrize('seconds', [60, 600])
def test_a_job_without_sync_figures_is_noticed_within_a_tenth_of_its_length(watched, clock, seconds):
    watched.jobs[5] = FakeJob(finish_at=clock.now + seconds)
    make_waiter(watched, clock).run([5])
    assert noticed_after(watched, 5) <= 0.1 * seconds + LATENCY * 4


def test_progress_lines_give_percent_bytes_and_time_left(watched, clock):
    watched.jobs[5] = clone_job(clock, 60)
    events = []
    report = make_waiter(watched, clock, events=events).run([5])
    lines = [text for _now, kind, text in events if kind == 'progress']
    assert lines and lines[0].startswith('handle 5 (clone 7 -> volume 47): 3%, 0.1 of 2.0 GiB, about 58 s left')
    assert report.outcomes[0].progress['total_bytes'] == 2 * 1024 ** 3
    assert report.outcomes[0].progress['sync_jobs'] == 2


def test_a_round_with_sync_figures_costs_one_call(watched, clock):
    watched.jobs[5] = clone_job(clock, 600, noise=lambda read: 0.5)  # an estimate far too long
    make_waiter(watched, clock, timeout=100).run([5])
    methods = [call[0] for call in watched.calls]
    assert methods[0] == 'GetAsyncResult' and set(methods[1:]) == {'ListSyncJobs'}


def test_an_estimate_that_proves_wrong_falls_back_to_the_normal_schedule(watched, clock):
    """The clone says 0 s left for ever (a stale estimate): a few quick reads, then no faster than poll_interval."""
    watched.jobs[5] = clone_job(clock, 300, noise=lambda read: -1.0)
    start = clock.now
    make_waiter(watched, clock, timeout=300, poll_interval=2, max_poll_interval=15).run([5])
    assert len(watched.calls) <= (clock.now - start) / 2 + 3


def test_list_sync_jobs_refused_falls_back_to_reading_the_handle(watched, clock):
    watched.jobs[5] = clone_job(clock, 30)
    watched.faults['ListSyncJobs'] = [ElementAuthError('xPermissionDenied: ListSyncJobs needs reporting access')]
    events = []
    report = make_waiter(watched, clock, events=events).run([5])
    assert report.outcomes[0].state == COMPLETE and report.outcomes[0].progress is None
    assert [call[0] for call in watched.calls].count('ListSyncJobs') == 1
    assert any('no progress figures from ListSyncJobs' in text for _now, _kind, text in events)
