# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the event source's watch (plugin_utils/_job_watch.py): the source's arguments, which jobs are
announced and when, what is read (never a purge), transient and fatal faults, redaction. A scripted cluster
stands in for the client and a fake clock for time: nothing sleeps and nothing opens a socket."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.solidfire.element.plugins.module_utils._client import (
    ElementAuthError,
    ElementHandleGone,
    ElementTransientError,
)
from ansible_collections.solidfire.element.plugins.module_utils._retry import ElementNeverReached
from ansible_collections.solidfire.element.plugins.plugin_utils import _job_watch
from ansible_collections.solidfire.element.tests.unit.plugins.fake_clock import FakeClock

PASSWORD = 'Secr3t-pa55word'
ARGS = dict(hostname='10.0.0.5', username='admin', password=PASSWORD)


class Cluster:
    """Scripted ListAsyncResults / GetAsyncResult answers; records every call."""

    def __init__(self, clock):
        self.clock = clock
        self.jobs = {}
        self.calls = []
        self.list_faults = []   # exceptions raised by the next ListAsyncResults calls, in order
        self.read_faults = []
        self.http_timeout = 30.0
        self.aborted = self.closed = False

    def add(self, handle, result_type='Clone', completed=False, error=None, result=None, details=None):
        self.jobs[handle] = dict(completed=completed, error=error, result=result or {'volumeID': handle},
                                 details=details or {'percentComplete': 0}, result_type=result_type)

    def finish(self, handle, error=None, result=None):
        self.jobs[handle].update(completed=True, error=error)
        if result is not None:
            self.jobs[handle]['result'] = result

    def entry(self, handle):
        job = self.jobs[handle]
        if job['completed']:
            data = job['error'] if job['error'] else job['result']
        else:
            data = job['details']
        return dict(asyncResultID=handle, completed=job['completed'], success=job['completed'] and not job['error'],
                    resultType=job['result_type'], createTime='2026-01-01T00:00:00Z',
                    lastUpdateTime='2026-01-01T00:00:%02dZ' % (handle % 60), data=data)

    def list_async_results(self, result_types=None, timeout=None):
        self.calls.append(('ListAsyncResults', result_types))
        if self.list_faults:
            raise self.list_faults.pop(0)
        return [self.entry(handle) for handle in sorted(self.jobs)
                if not result_types or self.jobs[handle]['result_type'] in result_types]

    def get_async_result(self, handle, keep_result=True, timeout=None):
        self.calls.append(('GetAsyncResult', handle, keep_result))
        if self.read_faults:
            raise self.read_faults.pop(0)
        if handle not in self.jobs:
            raise ElementHandleGone(handle, 'xAsyncHandleDoesNotExist', 'Async handle %d does not exist.' % handle)
        job = self.jobs[handle]
        answer = dict(status='complete' if job['completed'] else 'running', resultType=job['result_type'],
                      createTime='2026-01-01T00:00:00Z', lastUpdateTime='2026-01-01T00:01:00Z')
        if not job['completed']:
            answer['details'] = job['details']
        elif job['error']:
            answer['error'] = job['error']
        else:
            answer['result'] = job['result']
        if not keep_result and job['completed']:
            del self.jobs[handle]
        return answer

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
    return _job_watch.JobWatch(settings_, cluster, clock=clock, sleep=clock.sleep, rand=lambda: 0.0)


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
    assert (parsed.include_existing, parsed.progress, parsed.result_types) == (False, False, None)


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
def test_jobs_complete_at_start_are_passed_over_and_later_ones_announced_once(cluster, clock):
    cluster.add(1, completed=True)
    cluster.add(2)
    watch = make_watch(cluster, clock)
    assert watch.poll() == []
    cluster.finish(2)
    events = watch.poll()
    assert handles(events) == [2]
    job = events[0]['solidfire']
    assert job == dict(async_handle=2, status='complete', finished=True, success=True, result_type='Clone',
                       result={'volumeID': 2}, error=None, details={'percentComplete': 0},
                       create_time='2026-01-01T00:00:00Z', last_update_time='2026-01-01T00:01:00Z',
                       cluster='10.0.0.5')
    assert watch.poll() == []
    assert cluster.reads() == [('GetAsyncResult', 2, True)]


def test_include_existing_announces_what_was_complete_at_start_once(cluster, clock):
    cluster.add(1, completed=True)
    cluster.add(2, completed=True, error={'name': 'xBulkVolumeScriptFailure', 'message': 'failed'})
    watch = make_watch(cluster, clock, include_existing=True)
    events = watch.poll()
    assert [(e['solidfire']['async_handle'], e['solidfire']['success']) for e in events] == [(1, True), (2, False)]
    assert events[1]['solidfire']['error'] == {'name': 'xBulkVolumeScriptFailure', 'message': 'failed'}
    assert events[1]['solidfire']['result'] is None
    assert watch.poll() == []


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
# A job's life as the watch may see it: each round it is absent, running, complete, or gone for good.
LIVES = st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8), st.booleans()), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(lives=LIVES, include_existing=st.booleans())
def test_every_finished_job_is_announced_at_most_once_and_nothing_is_purged(lives, include_existing):
    """Jobs start at round `start`, finish `length` rounds later and maybe vanish a round after that."""
    clock = FakeClock()
    cluster = Cluster(clock)
    watch = make_watch(cluster, clock, include_existing=include_existing)
    announced = []
    for round_ in range(20):
        for handle, (start, length, vanishes) in enumerate(lives, 1):
            if round_ == start:
                cluster.add(handle)
            if round_ == start + length and handle in cluster.jobs:
                cluster.finish(handle)
            if vanishes and round_ == start + length + 1:
                cluster.jobs.pop(handle, None)
        announced.extend(handles(watch.poll()))
    assert len(announced) == len(set(announced))
    assert all(call[2] is True for call in cluster.reads())
    for handle, (start, length, vanishes) in enumerate(lives, 1):
        complete_at_start = start + length == 0
        if not vanishes and (include_existing or not complete_at_start):
            assert handle in announced
        if complete_at_start and not include_existing:
            assert handle not in announced


# ------------------------------------------------------------------------------------------------ odd answers
def test_entries_that_cannot_be_read_are_left_out_with_one_warning_and_never_taken_for_gone(cluster, clock, caplog):
    watch = watching(cluster, clock, 1)
    honest = cluster.list_async_results
    odd = [dict(cluster.entry(1), completed='false'), 'junk', {'asyncResultID': '2'}, None]
    cluster.list_async_results = lambda result_types=None, timeout=None: odd
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
    cluster.list_async_results = lambda result_types=None, timeout=None: [dict(cluster.entry(3), completed=True)]
    assert watch.poll() == []
    cluster.list_async_results = honest
    cluster.finish(3)
    events = watch.poll()
    assert [(e['solidfire']['async_handle'], e['solidfire']['success'], e['solidfire']['details']) for e in events] == [
        (3, True, {'percentComplete': 0})]
