# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event source solidfire.element.async_jobs as ansible-rulebook runs it (its file by path, main(queue, args) on an
asyncio loop), against the Element simulator over HTTPS on 127.0.0.1, with a queue that records what it is given.

What the rulebook scenario (tests/scenarios/eda) cannot see from outside is checked here: the loop stays free
while a request hangs, a stop ends a hanging round at once, and the DOCUMENTATION mirrors the argument spec.
"""

from __future__ import annotations

import asyncio
import json
import os
import time

import pytest
import yaml

from ansible_collections.solidfire.element.plugins.plugin_utils import _job_watch

from ansible_collections.solidfire.element.tests.unit.plugins.simulated import ROOT, Sim as Simulated, launch

SOURCE = os.path.join(ROOT, 'extensions', 'eda', 'plugins', 'event_source', 'async_jobs.py')

PASSWORD = 'eda-Secr3t-pa55word'


class RecordingQueue(asyncio.Queue):
    """What the source puts on the rulebook's queue, with the loop time of each put."""

    def __init__(self):
        super().__init__()
        self.events = []

    async def put(self, item):
        self.events.append(item['solidfire'])


@pytest.fixture
def simulator(tmp_path):
    # One per test, set up and torn down in the same process: ansible-test 2.16 runs each test in a fork of its own
    # (pytest-forked), where a module-scoped simulator would outlive the fork that started it.
    with launch(['--job-seconds', '1', '--password', PASSWORD], tls_dir=str(tmp_path),
                log_path=str(tmp_path / 'log')) as sim:
        yield sim


class Sim(Simulated):
    """The simulator, and the source's arguments that reach it (a listing every second)."""

    def args(self, **extra):
        return super().args(**dict(dict(interval=1), **extra))


@pytest.fixture
def sim(simulator):
    return Sim(simulator)


def run_source_file():
    """The source's globals, as ansible-rulebook's runpy.run_path(file) makes them: the file compiled and run as a
    module of its own, with __file__ set. (runpy itself cannot be used here: ansible-test's collection loader claims
    every path under ansible_collections/ as a package, and run_path then looks for a __main__ in it.)"""
    with open(SOURCE, encoding='utf-8') as source:
        code = compile(source.read(), SOURCE, 'exec')
    namespace = {'__name__': '<run_path>', '__file__': SOURCE}
    exec(code, namespace)  # pylint: disable=exec-used
    return namespace


def load_main():
    return run_source_file()['main']


async def watch_until(main, args, queue, done, timeout=20.0):
    """Run the source until done(queue.events) or timeout; then cancel it as ansible-rulebook does at shutdown."""
    task = asyncio.ensure_future(main(queue, args))
    started = time.monotonic()
    while not done(queue.events) and time.monotonic() - started < timeout:
        if task.done():
            return task.result()
        await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return None


def test_a_finished_clone_and_a_failed_job_are_announced_through_faults(sim):
    clone = sim.call('SimCreateJob', dict(seconds=2, result=dict(cloneID=1, message='Clone complete.', volumeID=47)))
    failing = sim.call('SimCreateJob', dict(seconds=6, resultType='BulkVolume',
                                            error=dict(name='xBulkVolumeScriptFailure', message='Bulk volume job failed')))
    # faults mid-watch (the rules apply in order, each after the one before is used up): the 2nd and 3rd
    # listings get HTTP 503, the 5th a dropped connection, the first read a database conflict
    sim.call('SimSetFaults', dict(faults=[
        dict(kind='http_status', status=503, methods=['ListAsyncResults'], skip=1, count=2),
        dict(kind='drop', methods=['ListAsyncResults'], skip=1, count=1),
        dict(kind='api_error', name='xDBVersionMismatch', methods=['GetAsyncResult'], count=1)]))
    queue = RecordingQueue()
    asyncio.run(watch_until(load_main(), sim.args(), queue, lambda events: len(events) >= 2))
    by_handle = {event['async_handle']: event for event in queue.events}
    assert sorted(by_handle) == sorted([clone['asyncHandle'], failing['asyncHandle']])
    done = by_handle[clone['asyncHandle']]
    assert (done['status'], done['finished'], done['success'], done['result_type']) == ('complete', True, True, 'Clone')
    assert done['result'] == dict(cloneID=1, message='Clone complete.', volumeID=47)
    failed = by_handle[failing['asyncHandle']]
    assert (failed['success'], failed['error']['name'], failed['result']) == (False, 'xBulkVolumeScriptFailure', None)
    calls = sim.call('SimCallLog')['calls']
    assert {call['fault'] for call in calls} >= {'http_status', 'drop', 'api_error'}
    reads = [call for call in calls if call['method'] == 'GetAsyncResult']
    assert reads and all(call['params']['keepResult'] is True for call in reads)
    # nothing was purged: both results are still on the cluster
    listed = {entry['asyncResultID'] for entry in sim.call('ListAsyncResults')['asyncHandles']}
    assert listed == set(by_handle)


def test_jobs_complete_before_the_start_are_announced_unless_include_existing_is_false(sim):
    old = sim.call('SimCreateJob', dict(seconds=0))['asyncHandle']
    time.sleep(3.0)  # it ended well before the start (more than the 2 s margin, on the cluster's clock)
    queue = RecordingQueue()
    asyncio.run(watch_until(load_main(), sim.args(include_existing=False), queue, lambda events: False, timeout=2.5))
    assert queue.events == []
    queue = RecordingQueue()
    asyncio.run(watch_until(load_main(), sim.args(), queue, lambda events: False, timeout=2.5))
    assert [event['async_handle'] for event in queue.events] == [old]


@pytest.mark.parametrize('change, words', [
    (dict(password='wrong-' + PASSWORD), 'rejected the credentials'),
    (dict(api_version='99.0'), 'does not serve API version 99.0'),
    (dict(ca_path=None), 'TLS verification'),
    (dict(interval=0), 'interval must be at least 1'),
])
def test_what_retrying_cannot_fix_ends_the_source_with_a_clear_error(sim, change, words):
    args = dict((key, value) for key, value in sim.args(**change).items() if value is not None)
    started = time.monotonic()
    with pytest.raises((RuntimeError, ValueError)) as caught:
        asyncio.run(watch_until(load_main(), args, RecordingQueue(), lambda events: False, timeout=10))
    assert time.monotonic() - started < 10  # at once: no retrying (the retry time of one round is 60 s)
    assert words in str(caught.value)
    assert PASSWORD not in str(caught.value)


def test_a_hanging_request_never_blocks_the_loop_and_a_stop_ends_it_at_once(sim):
    sim.call('SimSetFaults', dict(faults=[dict(kind='stall', phase='before_headers', seconds=25,
                                               methods=['ListAsyncResults'], count=1)]))

    async def scenario():
        task = asyncio.ensure_future(load_main()(RecordingQueue(), sim.args(http_timeout=20)))
        turning = time.monotonic()
        await asyncio.sleep(1.0)  # the loop keeps turning while the source's request hangs
        turned = time.monotonic() - turning
        assert not task.done()
        stopped = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return turned, time.monotonic() - stopped

    turned, stop_seconds = asyncio.run(scenario())
    # a 1 s sleep ends after about a second unless something blocks the loop (the stall lasts 25 s)
    assert turned < 5
    assert stop_seconds < 4  # the stop cut the request off (a round left running is waited on for 5 s)
    calls = sim.call('SimCallLog')['calls']
    assert [call['fault'] for call in calls if call['method'] == 'ListAsyncResults'][:1] == ['stall']


def test_odd_listings_are_retried_and_never_make_a_job_look_gone(sim, caplog):
    # a listing without its list, then one with an entry that cannot be read: the job is still announced once,
    # as complete, and never as gone
    handle = sim.call('SimCreateJob', dict(seconds=3))['asyncHandle']
    sim.call('SimSetFaults', dict(faults=[
        dict(kind='shape', set=dict(asyncHandles=None), methods=['ListAsyncResults'], skip=1, count=2),
        dict(kind='shape', set=dict(asyncHandles=[dict(asyncResultID=handle, completed='yes')]),
             methods=['ListAsyncResults'], count=2)]))
    queue = RecordingQueue()
    with caplog.at_level('WARNING', logger=_job_watch.LOGGER_NAME):
        asyncio.run(watch_until(load_main(), sim.args(), queue, lambda events: len(events) >= 1, timeout=20))
    assert [(event['async_handle'], event['status'], event['success']) for event in queue.events] == [
        (handle, 'complete', True)]
    assert 'without an asyncHandles list (missing)' in caplog.text
    assert 'cannot be read' in caplog.text
    assert all(not rule['count'] for rule in sim.call('SimGetFaults')['faults'])


def test_an_endless_answer_ends_the_source_without_exhausting_memory(sim):
    sim.call('SimSetFaults', dict(faults=[dict(kind='endless', methods=['ListAsyncResults'], count=1)]))
    started = time.monotonic()
    with pytest.raises(RuntimeError) as caught:
        asyncio.run(watch_until(load_main(), sim.args(), RecordingQueue(), lambda events: False, timeout=30))
    assert time.monotonic() - started < 20
    assert 'stopped watching' in str(caught.value) and 'larger than' in str(caught.value)


def test_a_dripping_answer_is_cut_off_by_http_timeout_and_retried(sim, caplog):
    handle = sim.call('SimCreateJob', dict(seconds=2))['asyncHandle']
    sim.call('SimSetFaults', dict(faults=[dict(kind='drip', chunk=1, interval=0.5, methods=['ListAsyncResults'],
                                               skip=1, count=1)]))
    queue = RecordingQueue()
    with caplog.at_level('WARNING', logger=_job_watch.LOGGER_NAME):
        asyncio.run(watch_until(load_main(), sim.args(http_timeout=2), queue, lambda events: len(events) >= 1))
    assert [event['async_handle'] for event in queue.events] == [handle]
    assert 'within 2.0 s' in caplog.text


def test_the_documentation_mirrors_the_argument_spec():
    source = run_source_file()
    documented = yaml.safe_load(source['DOCUMENTATION'])['options']
    spec = _job_watch.SOURCE_SPEC
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        doc = documented[name]
        assert doc.get('type') == option.get('type', 'str'), name
        assert doc.get('default') == option.get('default'), name
        assert bool(doc.get('required')) == bool(option.get('required')), name
        assert doc.get('aliases', []) == option.get('aliases', []), name
        assert doc.get('elements') == option.get('elements'), name
        fallback = option.get('fallback')
        if fallback:
            description = doc['description'] if isinstance(doc['description'], list) else [doc['description']]
            assert 'E(%s)' % fallback[1][0] in ' '.join(description), name


class StampingQueue(RecordingQueue):
    """Also records when (this process's monotonic clock, the simulator's too) each event was put."""

    def __init__(self):
        super().__init__()
        self.times = {}

    async def put(self, item):
        await super().put(item)
        self.times.setdefault(item['solidfire']['async_handle'], time.monotonic())


def test_clones_are_announced_within_a_second_of_their_end_between_listings(sim):
    """interval 10: the clones end between two listings, and their sync figures bring each event within 1 s."""
    ends = {}
    for index, seconds in enumerate((4.0, 5.5, 7.0)):
        answer = sim.call('SimCreateJob', dict(seconds=seconds, syncProgress=True, details=dict(volumeID=900 + index),
                                               result=dict(cloneID=80 + index, message='Clone complete.',
                                                           volumeID=900 + index)))
        ends[answer['asyncHandle']] = answer['createdAt'] + seconds
    queue = StampingQueue()
    asyncio.run(watch_until(load_main(), sim.args(interval=10), queue, lambda events: len(events) >= 3, timeout=15))
    lags = dict((handle, queue.times[handle] - end) for handle, end in ends.items())
    assert sorted(queue.times) == sorted(ends) and all(0 <= lag <= 1.0 for lag in lags.values()), lags
    methods = [call['method'] for call in sim.call('SimCallLog')['calls']]
    assert methods.count('ListAsyncResults') == 1 and methods.count('ListSyncJobs') <= 15, methods


@pytest.mark.parametrize('count', [40000, 100000])
def test_a_cluster_that_keeps_many_results_is_watched_as_any(sim, count):
    """ListAsyncResults of 9 or 23 MiB: the source passes over the backlog (include_existing false) and announces the
    new job; with the default it announces the whole backlog once, from the listing."""
    sim.call('SimAddKeptResults', dict(count=count))
    time.sleep(3.0)  # the backlog ended before the start (more than the 2 s margin)
    new = sim.call('SimCreateJob', dict(seconds=2))['asyncHandle']
    queue = RecordingQueue()
    asyncio.run(watch_until(load_main(), sim.args(include_existing=False, interval=1), queue,
                            lambda events: len(events) >= 1, timeout=30))
    assert [event['async_handle'] for event in queue.events] == [new]
    if count == 40000:
        queue = RecordingQueue()
        asyncio.run(watch_until(load_main(), sim.args(interval=1), queue, lambda events: len(events) >= count + 1,
                                timeout=60))
        announced = [event['async_handle'] for event in queue.events]
        assert len(announced) == len(set(announced)) == count + 1
        reads = [call for call in sim.call('SimCallLog')['calls'] if call['method'] == 'GetAsyncResult']
        assert len(reads) <= 2  # the new job only (again): the backlog comes from the listing


def test_a_backup_is_announced_within_a_second_of_its_end_from_its_bulk_volume_figures(sim):
    """interval 10: the backup ends between two listings; ListBulkVolumeJobs brings its event within about a
    second, and the S3 secret its details echo is in no event."""
    account = sim.call('AddAccount', dict(username='eda-bulk'))['accountID']
    volume = sim.call('CreateVolume', dict(name='eda-bulk', accountID=account, totalSize=1 << 30))['volumeID']
    sim.call('SimConfigure', dict(jobSeconds=5))
    secret = 'eda-S3-Secr3t-0a1b'
    started = time.monotonic()
    handle = sim.call('StartBulkVolumeRead', dict(volumeID=volume, format='native', script='bv_internal.py', scriptParameters=dict(
        write=dict(endpoint='s3', hostname='s3.example.com', bucket='b', prefix='p', awsAccessKeyID='AKIA',
                   awsSecretAccessKey=secret, format='native'))))['asyncHandle']
    queue = StampingQueue()
    asyncio.run(watch_until(load_main(), sim.args(interval=10), queue, lambda events: len(events) >= 1, timeout=12))
    assert [event['async_handle'] for event in queue.events] == [handle]
    assert queue.events[0]['result_type'] == 'BulkVolume' and queue.events[0]['success'] is True
    assert 0 <= queue.times[handle] - (started + 5) <= 1.5
    assert secret not in json.dumps(queue.events) and '********' in json.dumps(queue.events)
    assert [call['method'] for call in sim.call('SimCallLog')['calls']].count('ListBulkVolumeJobs') >= 1
