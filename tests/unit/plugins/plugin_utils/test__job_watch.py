# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the event source's watch (plugin_utils/_job_watch.py): the source's arguments, which jobs are
announced and when, what is read (never a purge), transient and fatal faults, redaction. A scripted cluster
stands in for the client and a fake clock for time: nothing sleeps and nothing opens a socket."""

from __future__ import annotations

import logging
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.solidfire.element.plugins.module_utils._client import (
    ElementAPIError,
    ElementAuthError,
    ElementHandleGone,
    ElementTransientError,
)
from ansible_collections.solidfire.element.plugins.module_utils._retry import ElementNeverReached
from ansible_collections.solidfire.element.plugins.plugin_utils import _job_watch
from ansible_collections.solidfire.element.tests.unit.plugins.fake_clock import FakeClock

PASSWORD = 'Secr3t-pa55word'
ARGS = dict(hostname='10.0.0.5', username='admin', password=PASSWORD)


# Fake clock 1000.0 is this wall time (epoch seconds, 2026-12-07T10:00:00Z); the cluster's stamps follow it.
BASE_WALL = 1796637600.0
GIB = 1024 ** 3


def iso(epoch):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch))


class Cluster:
    """Scripted ListAsyncResults / GetAsyncResult / ListSyncJobs answers, stamped on the fake clock (plus `skew`,
    how far the cluster's clock is ahead of ours, which its answers' Date header tells); records every call."""

    def __init__(self, clock):
        self.clock = clock
        self.jobs = {}
        self.calls = []
        self.list_faults = []   # exceptions raised by the next ListAsyncResults calls, in order
        self.read_faults = []
        self.sync_faults = []
        self.http_timeout = 30.0
        self.skew = 0.0
        self.dated = True  # whether its answers carry a Date header
        self.aborted = self.closed = False

    def wall(self):
        """The cluster's own clock."""
        return BASE_WALL + self.clock.now - 1000.0 + self.skew

    def add(self, handle, result_type='Clone', completed=False, error=None, result=None, details=None,
            finished_ago=0.0, ends_in=None):
        """A job; completed: it finished finished_ago seconds ago. ends_in: a clone with ListSyncJobs figures
        (byte counters) that ends that many seconds from now."""
        self.jobs[handle] = dict(completed=completed, error=error, result=result or {'volumeID': handle},
                                 details=details or {'percentComplete': 0}, result_type=result_type,
                                 created=self.wall() - finished_ago - 10, finished=self.wall() - finished_ago,
                                 started=self.clock.now, ends=None if ends_in is None else self.clock.now + ends_in)

    def finish(self, handle, error=None, result=None):
        self.jobs[handle].update(completed=True, error=error, finished=self.wall())
        if result is not None:
            self.jobs[handle]['result'] = result

    def tick(self):
        """Finish every clone whose end has come."""
        for handle, job in self.jobs.items():
            if not job['completed'] and job['ends'] is not None and self.clock.now >= job['ends']:
                self.finish(handle)
                job['finished'] = BASE_WALL + job['ends'] - 1000.0 + self.skew

    def entry(self, handle):
        job = self.jobs[handle]
        if job['completed']:
            data = job['error'] if job['error'] else job['result']
        else:
            data = job['details']
        # a running job's record is updated as it goes; a finished one's when it finished
        return dict(asyncResultID=handle, completed=job['completed'], success=job['completed'] and not job['error'],
                    resultType=job['result_type'], createTime=iso(job['created']),
                    lastUpdateTime=iso(job['finished'] if job['completed'] else self.wall()), data=data)

    def list_async_results(self, result_types=None, timeout=None, shape=None):
        self.tick()
        self.calls.append(('ListAsyncResults', result_types))
        if self.list_faults:
            raise self.list_faults.pop(0)
        entries = [self.entry(handle) for handle in sorted(self.jobs)
                   if not result_types or self.jobs[handle]['result_type'] in result_types]
        return [kept for kept in (shape(entry) for entry in entries) if kept is not None] if shape else entries

    def get_async_result(self, handle, keep_result=True, timeout=None):
        self.tick()
        self.calls.append(('GetAsyncResult', handle, keep_result))
        if self.read_faults:
            raise self.read_faults.pop(0)
        if handle not in self.jobs:
            raise ElementHandleGone(handle, 'xAsyncHandleDoesNotExist', 'Async handle %d does not exist.' % handle)
        job = self.jobs[handle]
        answer = dict(status='complete' if job['completed'] else 'running', resultType=job['result_type'],
                      createTime=iso(job['created']), lastUpdateTime=iso(job['finished'] if job['completed']
                                                                         else job['created']))
        if not job['completed']:
            answer['details'] = job['details']
        elif job['error']:
            answer['error'] = job['error']
        else:
            answer['result'] = job['result']
        if not keep_result and job['completed']:
            del self.jobs[handle]
        return answer

    def list_sync_jobs(self, timeout=None):
        self.tick()
        self.calls.append(('ListSyncJobs',))
        if self.sync_faults:
            raise self.sync_faults.pop(0)
        entries = []
        for handle, job in sorted(self.jobs.items()):
            if job['completed'] or job['ends'] is None:
                continue
            length = job['ends'] - job['started']
            done = (self.clock.now - job['started']) / length
            entries.append({'type': 'clone', 'cloneID': handle, 'dstVolumeID': job['details'].get('volumeID'),
                            'totalBytes': GIB, 'currentBytes': int(done * GIB), 'bytesPerSecond': GIB / length,
                            'remainingTime': job['ends'] - self.clock.now})
        return entries

    def clock_offset(self):
        return self.skew if self.dated else None

    def abort(self):
        self.aborted = True

    def close(self):
        self.closed = True

    def reads(self):
        return [call for call in self.calls if call[0] == 'GetAsyncResult']


@pytest.fixture
def cluster(clock):
    return Cluster(clock)


def make_watch(cluster, clock, caplog=None, **args):
    settings_ = _job_watch.parse_args(dict(ARGS, **args))
    return _job_watch.JobWatch(settings_, cluster, clock=clock, sleep=clock.sleep, rand=lambda: 0.0,
                               wall=lambda: BASE_WALL + clock.now - 1000.0, connections=1)


def watching(cluster, clock, *running, **args):
    """A watch past its first round, with these jobs running on the cluster."""
    for handle in running:
        cluster.add(handle)
    watch = make_watch(cluster, clock, **args)
    assert watch.poll() == []
    return watch


def handles(events, status=None):
    return [event['solidfire']['async_handle'] for event in events
            if status is None or event['solidfire']['status'] == status]


# ------------------------------------------------------------------------------------------------ arguments
def test_arguments_take_the_modules_connection_options_and_their_fallbacks(monkeypatch):
    monkeypatch.setenv('SOLIDFIRE_HOSTNAME', 'cluster.example.com:8443')
    monkeypatch.setenv('SOLIDFIRE_USERNAME', 'admin')
    monkeypatch.setenv('SOLIDFIRE_PASSWORD', PASSWORD)
    parsed = _job_watch.parse_args({'interval': '5', 'async_handles': ['7', 8], 'eda_feedback_queue': object()})
    assert parsed.connection.endpoint.port == 8443
    assert parsed.connection.password == PASSWORD
    assert parsed.interval == 5.0
    assert parsed.handles == {7, 8}
    assert parsed.cluster == 'cluster.example.com:8443'
    assert (parsed.include_existing, parsed.progress, parsed.result_types) == (True, False, None)


def test_arguments_accept_the_aliases_user_and_pass():
    parsed = _job_watch.parse_args(dict(hostname='10.0.0.5', user='admin', **{'pass': PASSWORD}))
    assert (parsed.connection.username, parsed.connection.password) == ('admin', PASSWORD)


@pytest.mark.parametrize('args, words', [
    (dict(username='admin', password=PASSWORD), 'hostname'),
    (dict(ARGS, interval=0.2), 'interval must be at least 1'),
    (dict(ARGS, interval='soon'), 'interval'),
    (dict(ARGS, interval=float('nan')), 'interval must be at least 1'),
    (dict(ARGS, interval=1e12), 'interval must be at most 3600'),
    (dict(ARGS, http_timeout=0), 'http_timeout must be more than 0'),
    (dict(ARGS, api_version='twelve'), 'MAJOR.MINOR'),
    (dict(ARGS, hostname='https://10.0.0.5/json-rpc'), 'a scheme'),
    (dict(ARGS, async_handles=[-1]), 'async_handles[0] must be a positive integer'),
    (dict(ARGS, port=70000), 'port must be a TCP port'),
    (dict(ARGS, ca_path='/nonexistent/ca.pem'), 'ca_path'),
    (dict(ARGS, colour='blue'), 'colour'),
])
def test_bad_arguments_end_the_source_with_what_was_wrong(args, words):
    with pytest.raises(ValueError) as caught:
        _job_watch.parse_args(args)
    message = str(caught.value)
    assert message.startswith('solidfire.element.async_jobs: ')
    assert words in message
    assert PASSWORD not in message


def test_a_password_from_the_environment_in_a_bad_value_is_not_repeated(monkeypatch):
    monkeypatch.setenv('SOLIDFIRE_PASSWORD', PASSWORD)
    with pytest.raises(ValueError) as caught:
        _job_watch.parse_args(dict(hostname='10.0.0.5 %s' % PASSWORD, username='admin'))
    assert PASSWORD not in str(caught.value)
    assert 'white space' in str(caught.value)


def test_a_password_in_a_bad_value_is_not_repeated():
    with pytest.raises(ValueError) as caught:
        _job_watch.parse_args(dict(ARGS, hostname='admin:%s@10.0.0.5' % PASSWORD))
    assert PASSWORD not in str(caught.value)
    assert 'credentials' in str(caught.value)


# ------------------------------------------------------------------------------------------------ rounds
def test_without_include_existing_jobs_complete_before_the_start_are_passed_over_later_ones_announced_once(
        cluster, clock):
    cluster.add(1, completed=True, finished_ago=60)
    cluster.add(2)
    watch = make_watch(cluster, clock, include_existing=False)
    assert watch.poll() == []
    clock.now += 5
    cluster.finish(2)
    events = watch.poll()
    assert handles(events) == [2]
    job = events[0]['solidfire']
    assert job == dict(async_handle=2, status='complete', finished=True, success=True, result_type='Clone',
                       result={'volumeID': 2}, error=None, details={'percentComplete': 0},
                       create_time='2026-12-07T09:59:50Z', last_update_time='2026-12-07T10:00:05Z',
                       cluster='10.0.0.5')
    assert watch.poll() == []
    assert cluster.reads() == [('GetAsyncResult', 2, True)]


def test_by_default_what_was_complete_before_the_start_is_announced_once_from_the_listing(cluster, clock):
    cluster.add(1, completed=True, finished_ago=600)
    cluster.add(2, completed=True, finished_ago=60, error={'name': 'xBulkVolumeScriptFailure', 'message': 'failed'})
    watch = make_watch(cluster, clock)
    events = watch.poll()
    assert [(e['solidfire']['async_handle'], e['solidfire']['success']) for e in events] == [(1, True), (2, False)]
    assert events[1]['solidfire']['error'] == {'name': 'xBulkVolumeScriptFailure', 'message': 'failed'}
    assert events[1]['solidfire']['result'] is None
    assert watch.poll() == []
    assert cluster.reads() == []  # a backlog is announced from the listing, not read job by job


@pytest.mark.parametrize('skew', [0.0, 3600.0, -3600.0], ids=['same clock', 'cluster an hour ahead',
                                                              'cluster an hour behind'])
def test_existing_is_decided_by_each_job_own_time_on_the_cluster_clock(cluster, clock, skew):
    """The first listings fail: jobs that finish meanwhile are new, however far the cluster's clock is off."""
    cluster.skew = skew
    cluster.add(1, completed=True, finished_ago=30)  # before the start
    cluster.add(2)
    cluster.add(3)
    watch = make_watch(cluster, clock, include_existing=False)
    cluster.list_faults = [ElementTransientError('HTTP 503', reached=True)] * 3
    original = cluster.list_async_results

    def listing(*args, **kwargs):
        if len(cluster.list_faults) == 1:  # while the source retries its first listing, both jobs end
            cluster.finish(2)
            cluster.finish(3, error={'name': 'xCloneFailed', 'message': 'no'})
        return original(*args, **kwargs)

    cluster.list_async_results = listing
    events = watch.poll()
    assert [(e['solidfire']['async_handle'], e['solidfire']['success']) for e in events] == [(2, True), (3, False)]
    assert watch.start_line == pytest.approx(BASE_WALL + skew)


def test_a_job_without_a_usable_time_is_announced_a_duplicate_is_better_than_a_loss(cluster, clock):
    cluster.add(1, completed=True, finished_ago=600)
    watch = make_watch(cluster, clock, include_existing=False)
    honest = cluster.entry
    cluster.entry = lambda handle: dict(honest(handle), lastUpdateTime='last Tuesday')
    assert handles(watch.poll()) == [1]


def test_without_a_date_header_the_start_is_on_our_clock(cluster, clock):
    cluster.dated = False
    cluster.add(1, completed=True, finished_ago=60)
    watch = make_watch(cluster, clock, include_existing=False)
    assert watch.poll() == []
    assert watch.start_line == BASE_WALL


def test_a_failed_job_is_complete_with_success_false_and_its_error(cluster, clock):
    watch = watching(cluster, clock, 5)
    cluster.finish(5, error={'name': 'xCloneFailed', 'message': 'slice gone'})
    job = watch.poll()[0]['solidfire']
    assert (job['status'], job['finished'], job['success']) == ('complete', True, False)
    assert job['error']['name'] == 'xCloneFailed'


def test_a_job_that_starts_and_ends_between_two_looks_is_announced(cluster, clock):
    watch = make_watch(cluster, clock)
    watch.poll()
    cluster.add(9, completed=True)
    assert handles(watch.poll()) == [9]


def test_the_watch_never_purges_and_lists_once_per_round(cluster, clock):
    for handle in range(1, 6):
        cluster.add(handle)
    watch = make_watch(cluster, clock)
    watch.poll()
    for handle in range(1, 6):
        cluster.finish(handle)
    watch.poll()
    watch.poll()
    assert all(call[2] is True for call in cluster.reads())
    assert len(cluster.reads()) == 5
    assert [call[0] for call in cluster.calls].count('ListAsyncResults') == 3
    assert sorted(cluster.jobs) == [1, 2, 3, 4, 5]


def test_result_types_go_to_the_cluster_and_async_handles_filter(cluster, clock):
    cluster.add(1)
    cluster.add(2)
    cluster.add(3, result_type='BulkVolume')
    watch = make_watch(cluster, clock, result_types=['Clone'], async_handles=[2])
    watch.poll()
    for handle in (1, 2, 3):
        cluster.finish(handle)
    assert handles(watch.poll()) == [2]
    assert cluster.calls[0] == ('ListAsyncResults', ['Clone'])


def test_progress_announces_changed_details_of_running_jobs(cluster, clock):
    cluster.add(4, details={'percentComplete': 10})
    watch = make_watch(cluster, clock, progress=True)
    assert watch.poll() == []
    assert watch.poll() == []
    cluster.jobs[4]['details'] = {'percentComplete': 60}
    events = watch.poll()
    assert [(e['solidfire']['status'], e['solidfire']['finished'], e['solidfire']['details']) for e in events] == [
        ('running', False, {'percentComplete': 60})]
    cluster.finish(4)
    assert handles(watch.poll(), 'complete') == [4]


def test_without_progress_running_jobs_make_no_events(cluster, clock):
    cluster.add(4, details={'percentComplete': 10})
    watch = make_watch(cluster, clock)
    watch.poll()
    cluster.jobs[4]['details'] = {'percentComplete': 60}
    assert watch.poll() == []


def test_a_job_consumed_by_another_client_between_list_and_read_is_announced_from_the_list(cluster, clock, caplog):
    watch = watching(cluster, clock, 6)
    cluster.finish(6)
    cluster.read_faults.append(ElementHandleGone(6, 'xAsyncHandleDoesNotExist', 'Async handle 6 does not exist.'))
    with caplog.at_level(logging.WARNING, logger=_job_watch.LOGGER_NAME):
        job = watch.poll()[0]['solidfire']
    assert (job['status'], job['success'], job['result']) == ('complete', True, {'volumeID': 6})
    assert 'consumed by another client' in caplog.text


def test_a_job_that_leaves_the_list_while_running_is_announced_gone(cluster, clock):
    watch = watching(cluster, clock, 7)
    del cluster.jobs[7]
    job = watch.poll()[0]['solidfire']
    assert (job['async_handle'], job['status'], job['finished'], job['success']) == (7, 'gone', True, None)
    assert watch.poll() == []


def test_an_answer_that_cannot_be_read_falls_back_to_the_listing(cluster, clock, caplog):
    watch = watching(cluster, clock, 8)
    cluster.finish(8)
    original = cluster.get_async_result
    cluster.get_async_result = lambda handle, keep_result=True, timeout=None: dict(
        original(handle, keep_result, timeout), status='finished')
    with caplog.at_level(logging.WARNING, logger=_job_watch.LOGGER_NAME):
        job = watch.poll()[0]['solidfire']
    assert (job['status'], job['success']) == ('complete', True)
    assert "the status 'finished'" in caplog.text


def test_forgotten_handles_keep_memory_bounded(cluster, clock):
    watch = make_watch(cluster, clock)
    watch.poll()
    for handle in range(1, 101):
        cluster.add(handle, completed=True)
        watch.poll()
        del cluster.jobs[handle]
    watch.poll()
    assert watch._done == set()  # pylint: disable=protected-access
    assert watch._running == {}  # pylint: disable=protected-access


# ------------------------------------------------------------------------------------------------ faults
def test_transient_faults_are_retried_inside_the_round(cluster, clock, caplog):
    watch = watching(cluster, clock, 1)
    cluster.finish(1)
    cluster.list_faults = [ElementTransientError('HTTP 503 from the cluster', reached=True)] * 2
    cluster.read_faults = [ElementTransientError('xDBVersionMismatch: busy', name='xDBVersionMismatch')]
    with caplog.at_level(logging.WARNING, logger=_job_watch.LOGGER_NAME):
        assert handles(watch.poll()) == [1]
    assert caplog.text.count('transient error, will retry') == 3


def test_an_outage_after_first_contact_is_ridden_out(cluster, clock, caplog):
    watch = watching(cluster, clock, 1)
    cluster.finish(1)
    cluster.list_faults = [ElementTransientError('Cannot connect', reached=False)] * 200
    with caplog.at_level(logging.WARNING, logger=_job_watch.LOGGER_NAME):
        assert watch.poll() == []
    assert 'keeps watching' in caplog.text
    cluster.list_faults = []
    assert handles(watch.poll()) == [1]


def test_a_cluster_that_never_answers_ends_the_source(cluster, clock):
    cluster.list_faults = [ElementTransientError('Cannot connect', reached=False)] * 500
    watch = make_watch(cluster, clock)
    with pytest.raises(ElementNeverReached) as caught:
        while True:
            watch.poll()
    assert 'never answered within 60 s' in str(caught.value)


def test_a_read_that_keeps_failing_is_tried_again_next_round(cluster, clock):
    watch = watching(cluster, clock, 1)
    cluster.finish(1)
    cluster.read_faults = [ElementTransientError('HTTP 503', reached=True)] * 100
    assert watch.poll() == []
    cluster.read_faults = []
    assert handles(watch.poll()) == [1]


def test_an_outage_during_the_reads_ends_the_round_after_one_retry_time(cluster, clock):
    watch = watching(cluster, clock, 1, 2, 3)
    for handle in (1, 2, 3):
        cluster.finish(handle)
    cluster.read_faults = [ElementTransientError('Cannot connect', reached=False)] * 1000
    started = clock.now
    assert watch.poll() == []
    assert clock.now - started <= _job_watch.ROUND_RETRY_SECONDS + 1
    assert {call[1] for call in cluster.reads()} == {1}
    cluster.read_faults = []
    assert handles(watch.poll()) == [1, 2, 3]


def test_wrong_credentials_end_the_source(cluster, clock):
    cluster.list_faults = [ElementAuthError('The cluster rejected the credentials of user admin (HTTP 401).')]
    watch = make_watch(cluster, clock)
    with pytest.raises(ElementAuthError):
        watch.poll()
    assert [call[0] for call in cluster.calls] == ['ListAsyncResults']


def test_stop_cuts_off_the_request_and_ends_a_retry_pause(cluster, clock):
    cluster.list_faults = [ElementTransientError('HTTP 503', reached=True)] * 10
    watch = make_watch(cluster, clock)
    cluster.list_faults.insert(0, _StopWhileListing(watch))
    with pytest.raises(Exception) as caught:
        watch.poll()
    assert type(caught.value).__name__ == 'Abandoned'
    assert cluster.aborted


class _StopWhileListing(ElementTransientError):
    def __init__(self, watch):
        super().__init__('reset', reached=False)
        watch.stop()


# ------------------------------------------------------------------------------------------------ secrets
def test_a_password_echoed_in_a_result_or_an_error_is_redacted(cluster, clock, caplog):
    cluster.add(1)
    watch = watching(cluster, clock, 2)
    cluster.finish(1, result={'message': 'cloned with %s' % PASSWORD})
    cluster.finish(2, error={'name': 'xFailed', 'message': 'bad password %s' % PASSWORD})
    cluster.read_faults = [ElementTransientError('echo %s' % PASSWORD, reached=True)]
    with caplog.at_level(logging.DEBUG, logger=_job_watch.LOGGER_NAME):
        events = watch.poll()
    assert PASSWORD not in repr(events)
    assert PASSWORD not in caplog.text
    assert '********' in repr(events) and '********' in caplog.text


def test_describe_names_the_source_and_redacts(cluster, clock):
    watch = make_watch(cluster, clock)
    text = _job_watch.describe(ElementAuthError('rejected %s' % PASSWORD), watch.settings)
    assert text.startswith('solidfire.element.async_jobs stopped watching: ')
    assert PASSWORD not in text


# ------------------------------------------------------------------------------------------------ properties
class Timeline(Cluster):
    """A cluster whose jobs appear, end and are released at given fake times, as the watch's calls see them."""

    def __init__(self, clock, jobs, faults):
        super().__init__(clock)
        self.timeline = jobs  # handle -> dict(appears, ends, clone)
        self.released = {}  # handle -> when the rule that acted on it released it
        self.faults = faults  # fake times from which one call fails with HTTP 503, each once

    def tick(self):
        for handle, job in self.timeline.items():
            if handle in self.released and self.clock.now >= self.released[handle]:
                self.jobs.pop(handle, None)
                continue
            if handle not in self.jobs and self.clock.now >= job['appears'] and handle not in self.released:
                self.jobs[handle] = dict(completed=False, error=None, result={'volumeID': handle},
                                         details={'volumeID': handle} if job['clone'] else {'percentComplete': 0},
                                         result_type='Clone', created=self.wall(), finished=None,
                                         started=job['appears'], ends=job['ends'] if job['clone'] else None)
            current = self.jobs.get(handle)
            if current is not None and not current['completed'] and job['ends'] is not None \
                    and self.clock.now >= job['ends']:
                current.update(completed=True, finished=BASE_WALL + job['ends'] - 1000.0 + self.skew)

    def _maybe_fault(self):
        due = [when for when in self.faults if when <= self.clock.now]
        if due:
            self.faults.remove(due[0])
            raise ElementTransientError('HTTP 503 Service Unavailable', reached=True)

    def list_async_results(self, result_types=None, timeout=None, shape=None):
        self.tick()
        self._maybe_fault()
        return super().list_async_results(result_types, timeout, shape)

    def get_async_result(self, handle, keep_result=True, timeout=None):
        self.tick()
        self._maybe_fault()
        return super().get_async_result(handle, keep_result, timeout)

    def list_sync_jobs(self, timeout=None):
        self.tick()
        self._maybe_fault()
        return super().list_sync_jobs(timeout)


JOBS = st.lists(st.tuples(st.floats(0, 200), st.one_of(st.none(), st.floats(0, 120)), st.booleans(),
                          st.one_of(st.none(), st.floats(0, 30))), min_size=1, max_size=12)
LIVES = st.lists(st.tuples(st.floats(0, 60), st.floats(40, 200), st.integers(0, 4)), min_size=1, max_size=3)
# After this long an incarnation must have seen a job end: two intervals, and a round's retry time for the faults.
SETTLE = 2 * 10.0 + _job_watch.ROUND_RETRY_SECONDS + 5


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jobs=JOBS, lives=LIVES, include_existing=st.booleans(), skew=st.sampled_from([0.0, 90.0, -90.0]),
       faults=st.lists(st.floats(0, 400), max_size=8))
def test_every_job_that_ends_while_a_source_runs_is_announced_whatever_the_faults_restarts_and_clocks(
        jobs, lives, include_existing, skew, faults):
    """Jobs appear, end (or never), and are released by the rule that acted on them a while after their event
    (or never). Sources start and stop one after another (a restart loses all state); each meets HTTP 503s on its
    first listings, and more at random moments; the cluster's clock may be off by a minute and a half."""
    clock = FakeClock()
    start = clock.now
    timeline = dict((100 + index, dict(appears=start + appears, ends=None if length is None else start + appears + length,
                                       clone=clone, ack=ack))
                    for index, (appears, length, clone, ack) in enumerate(jobs))
    cluster = Timeline(clock, timeline, [start + when for when in faults])
    cluster.skew = skew
    announced = []  # (incarnation, handle)
    runs = []
    begin = start
    for index, (gap, length, outage) in enumerate(lives):
        begin += gap
        clock.now = max(clock.now, begin)
        life_start = clock.now
        cluster.faults += [clock.now] * outage  # the new source's first calls fail
        watch = make_watch(cluster, clock, include_existing=include_existing)
        round_ = watch.poll
        while clock.now < life_start + length:
            for event in round_():
                handle = event['solidfire']['async_handle']
                announced.append((index, handle))
                ack = timeline[handle]['ack']
                if ack is not None and event['solidfire']['status'] == 'complete':
                    cluster.released.setdefault(handle, clock.now + ack)
            delay, round_ = watch.next_round()
            clock.now += max(delay, 0.01)
        runs.append((life_start, clock.now))
        begin = clock.now
    assert all(call[2] is True for call in cluster.reads()), 'the watch purged a result'
    for index, (life_start, life_end) in enumerate(runs):
        mine = [handle for run, handle in announced if run == index]
        assert len(mine) == len(set(mine)), 'a job announced twice by one run: %s' % mine
        for handle, job in timeline.items():
            if job['ends'] is None or job['ends'] > life_end - SETTLE:
                continue  # never ended, or too late for this run to see
            held = cluster.released.get(handle, float('inf')) >= life_end
            if job['ends'] >= life_start and held:
                assert handle in mine, 'job %s ended during run %d and was never announced by it' % (handle, index)
            if job['ends'] < life_start and held and include_existing and job['appears'] <= life_start:
                assert handle in mine, 'job %s, complete and held when run %d began, was not announced' % (
                    handle, index)
            if job['ends'] < life_start - _job_watch.START_MARGIN_SECONDS - 1 and not include_existing:
                assert handle not in mine, 'job %s ended before run %d began and was announced' % (handle, index)


def test_a_clone_is_announced_within_a_second_of_its_end_between_listings(cluster, clock):
    cluster.add(1, details={'volumeID': 41}, ends_in=37.0)
    cluster.add(2, details={'volumeID': 42}, ends_in=23.5)
    cluster.add(3, details={'percentComplete': 5})  # not a clone: the next listing announces it
    ended = {1: clock.now + 37.0, 2: clock.now + 23.5}
    watch = make_watch(cluster, clock)
    round_ = watch.poll
    seen = {}
    while clock.now < 1100:
        for event in round_():
            seen[event['solidfire']['async_handle']] = clock.now
        if clock.now > 1030 and 3 in cluster.jobs and not cluster.jobs[3]['completed']:
            cluster.finish(3)
            ended[3] = clock.now
        delay, round_ = watch.next_round()
        clock.now += delay
    assert 0 <= seen[1] - ended[1] <= 1.0 and 0 <= seen[2] - ended[2] <= 1.0, (seen, ended)
    assert seen[3] - ended[3] <= watch.settings.interval
    listings = [call for call in cluster.calls if call[0] == 'ListAsyncResults']
    syncs = [call for call in cluster.calls if call[0] == 'ListSyncJobs']
    assert len(listings) <= 100 / watch.settings.interval + 2 and len(syncs) <= 25, (len(listings), len(syncs))


def test_list_sync_jobs_refused_leaves_the_clones_to_the_listings(cluster, clock, caplog):
    cluster.add(1, details={'volumeID': 41}, ends_in=15.0)
    cluster.sync_faults = [ElementAPIError('xPermissionDenied', 'Permission denied.')]
    watch = make_watch(cluster, clock)
    round_ = watch.poll
    seen = None
    with caplog.at_level(logging.WARNING, logger=_job_watch.LOGGER_NAME):
        while seen is None and clock.now < 1100:
            if handles(round_()):
                seen = clock.now
            delay, round_ = watch.next_round()
            clock.now += delay
    assert seen is not None and seen - 1015 <= watch.settings.interval
    assert [call[0] for call in cluster.calls].count('ListSyncJobs') == 1
    assert 'no progress figures from ListSyncJobs' in caplog.text


# ------------------------------------------------------------------------------------------------ odd answers
def test_entries_that_cannot_be_read_are_left_out_with_one_warning_and_never_taken_for_gone(cluster, clock, caplog):
    watch = watching(cluster, clock, 1)
    honest = cluster.list_async_results
    odd = [dict(cluster.entry(1), completed='false'), 'junk', {'asyncResultID': '2'}, None]
    cluster.list_async_results = lambda result_types=None, timeout=None, shape=None: odd
    with caplog.at_level(logging.WARNING, logger=_job_watch.LOGGER_NAME):
        assert watch.poll() == []
    assert caplog.text.count('cannot be read') == 1
    assert '4 entries' in caplog.text
    cluster.list_async_results = honest
    cluster.finish(1)
    assert [(e['solidfire']['async_handle'], e['solidfire']['status']) for e in watch.poll()] == [(1, 'complete')]


def test_a_job_listed_complete_that_reads_running_is_announced_when_it_reads_complete(cluster, clock):
    watch = watching(cluster, clock, 3)
    honest = cluster.list_async_results
    cluster.list_async_results = lambda result_types=None, timeout=None, shape=None: [
        dict(cluster.entry(3), completed=True)]
    assert watch.poll() == []
    cluster.list_async_results = honest
    cluster.finish(3)
    events = watch.poll()
    assert [(e['solidfire']['async_handle'], e['solidfire']['success'], e['solidfire']['details']) for e in events] == [
        (3, True, {'percentComplete': 0})]


class Connection:
    """A sibling of the cluster's client: its reads are counted as its own, each takes real time."""

    def __init__(self, cluster, number):
        self.cluster, self.number = cluster, number

    def get_async_result(self, handle, keep_result=True, timeout=None):
        time.sleep(0.002)  # the time a request spends in the cluster: the other connections go meanwhile
        with self.cluster.lock:
            self.cluster.used.append(self.number)
            return Cluster.get_async_result(self.cluster, handle, keep_result, timeout)

    def abort(self):
        pass

    def close(self):
        self.cluster.closed_siblings += 1


def test_many_jobs_that_end_together_are_read_over_a_few_connections_each_once(cluster, clock):
    import threading  # pylint: disable=import-outside-toplevel
    cluster.lock = threading.RLock()
    cluster.used, cluster.closed_siblings = [], 0
    numbers = iter(range(1, 100))
    cluster.sibling = lambda: Connection(cluster, next(numbers))
    for handle in range(1, 31):
        cluster.add(handle)
    watch = _job_watch.JobWatch(_job_watch.parse_args(ARGS), cluster, clock=clock, sleep=clock.sleep,
                                rand=lambda: 0.0, wall=lambda: BASE_WALL + clock.now - 1000.0, connections=4)
    assert watch.poll() == []
    for handle in range(1, 31):
        cluster.finish(handle)
    original = cluster.get_async_result
    cluster.get_async_result = lambda handle, keep_result=True, timeout=None: Connection(cluster, 0).get_async_result(
        handle, keep_result, timeout)
    assert handles(watch.poll()) == list(range(1, 31))
    assert sorted(call[1] for call in cluster.reads()) == list(range(1, 31))
    assert len(set(cluster.used)) == 4
    cluster.get_async_result = original
    watch.close()
    assert cluster.closed_siblings == 3
