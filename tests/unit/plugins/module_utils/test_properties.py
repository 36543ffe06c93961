# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based tests of a whole get_async_result task: the real client, retry primitive, waiter and result
builder, over a transport that answers from a drawn script on a fake clock.

The script mixes the cluster's true answers with every fault we know: HTTP 5xx pages, HTML instead of JSON,
xDBVersionMismatch with HTTP 200 or 500, refused connections, read timeouts, answers lost after the cluster
acted on them, 401, another client consuming the handle, answers we cannot read (unknown status, complete
without result or error, a non-object result), and bodies too large to hold. Whatever comes, the invariants of
the collection hold: the task returns by its deadline; keepResult false is never sent before a complete answer
for that handle is held, never in check mode and never with keep_result; every failure names its handle; the
password is in no message and no return value; no exception escapes; a handle reported released is gone.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

hypothesis = pytest.importorskip('hypothesis')
requests = pytest.importorskip('requests')

from hypothesis import HealthCheck, example, given, settings, strategies as st  # noqa: E402

from ansible_collections.solidfire.element.plugins.module_utils import _retry  # noqa: E402
from ansible_collections.solidfire.element.plugins.module_utils._client import (  # noqa: E402
    ElementClient,
    secret_forms,
)
from ansible_collections.solidfire.element.plugins.module_utils._get_async_result import GET_ASYNC_RESULT  # noqa: E402
from ansible_collections.solidfire.element.tests.unit.plugins.fake_clock import FakeClock  # noqa: E402

PASSWORD = u'Pr0p-S3cret-\u20ac-7f'
FIRST_HANDLE = 4242
# What the transport does with one request; 'true' is the cluster's own answer.
KINDS = ['true', 'true', 'true', 'true', 'http500', 'html200', 'mismatch200', 'mismatch500', 'refused', 'timeout',
         'lost', 'unauthorized', 'consumed', 'odd_status', 'odd_neither', 'odd_result', 'huge']
ODD_KINDS = ('odd_status', 'odd_neither', 'odd_result')


class Answer:
    """A streamed response as the client reads it."""

    def __init__(self, status, body, headers=None):
        self.status_code = status
        self.content = body if isinstance(body, bytes) else body.encode('utf-8')
        self.headers = headers or {}

    def iter_content(self, chunk_size):
        for start in range(0, len(self.content), chunk_size):
            yield self.content[start:start + chunk_size]

    def close(self):
        pass


class Cluster:
    """The truth: jobs that finish at a drawn time, with a result or an error, and that a read may purge."""

    def __init__(self, clock, jobs):
        self.clock = clock
        self.jobs = dict((handle, dict(job, purged=False)) for handle, job in jobs.items())
        self.held_complete = set()  # handles whose complete answer reached the task

    def complete(self, handle):
        return self.clock.now >= self.jobs[handle]['finish_at']

    def get(self, handle, keep):
        job = self.jobs.get(handle)
        if job is None or job['purged']:
            return 'error', {'code': 500, 'name': 'xAsyncHandleDoesNotExist',
                             'message': 'Async handle %s does not exist.' % handle}
        answer = {'resultType': 'Clone', 'createTime': '2026-12-02T05:00:00Z', 'lastUpdateTime': 'u'}
        if not self.complete(handle):
            answer.update(status='running', details={'percentComplete': 50, 'volumeID': handle + 1})
            return 'result', answer
        answer['status'] = 'complete'
        if job['error']:
            answer['error'] = {'name': 'xCloneFailed', 'message': 'disk failure for %s' % PASSWORD}
        else:
            answer['result'] = {'cloneID': 1, 'volumeID': handle + 1, 'message': 'Clone complete.'}
        if not keep:
            job['purged'] = True
        return 'result', answer

    def sync_jobs(self, noise):
        """A slice per running clone whose remainingTime is off by `noise` (a fraction, may be negative)."""
        entries = []
        for handle, job in sorted(self.jobs.items()):
            left = job['finish_at'] - self.clock.now
            if not job['purged'] and left > 0:
                entries.append({'type': 'clone', 'cloneID': handle - 4000, 'dstVolumeID': handle + 1, 'totalBytes': 100,
                                'currentBytes': 50, 'bytesPerSecond': 1.0, 'remainingTime': max(0.0, left * (1 + noise))})
        return 'result', {'syncJobs': entries}

    def listing(self):
        entries = []
        for handle, job in sorted(self.jobs.items()):
            if not job['purged']:
                done = self.complete(handle)
                entries.append({'asyncResultID': handle, 'completed': done, 'success': done and not job['error'],
                                'resultType': 'Clone', 'createTime': 'c', 'lastUpdateTime': 'u', 'data': {}})
        return 'result', {'asyncHandles': entries}


class ScriptedSession:
    """A requests.Session stand-in: each POST takes a drawn latency (never more than its timeout, which the
    client guarantees) and gets the next drawn kind of answer."""

    def __init__(self, cluster, clock, kinds, latencies, noise=0.0):
        self.noise = noise
        self.cluster = cluster
        self.clock = clock
        self.kinds = iter(kinds)
        self.latencies = iter(latencies)
        self.headers = {}
        self.auth = None
        self.calls = []
        # Checked after the task: an assertion raised in here would only become a failed task result.
        self.violations = []
        self.events = []  # the task's progress lines

    def close(self):
        pass

    def post(self, url, json=None, timeout=None, verify=None, stream=False):  # pylint: disable=redefined-outer-name
        budget = timeout[0]
        kind = next(self.kinds, 'true')
        self.clock.now += budget if kind == 'timeout' else min(next(self.latencies, 0.05), budget)
        method, params = json['method'], json['params']
        handle, keep = params.get('asyncHandle'), params.get('keepResult', True)
        self.calls.append((method, handle, keep, kind))
        if method == 'GetAsyncResult' and not keep and handle not in self.cluster.held_complete:
            self.violations.append('keepResult false for handle %s before a complete answer was held' % handle)
        if kind == 'timeout':
            raise requests.exceptions.ReadTimeout('read timed out')
        if kind == 'refused':
            raise requests.exceptions.ConnectionError('Connection refused by a proxy for admin:%s' % PASSWORD)
        if kind == 'http500':
            return Answer(500, '<html>Internal error for admin:%s</html>' % PASSWORD)
        if kind == 'html200':
            return Answer(200, '<html>Maintenance</html>')
        if kind in ('mismatch200', 'mismatch500'):
            return self._envelope(json['id'], 'error', {'name': 'xDBVersionMismatch', 'message': 'try again'},
                                  status=500 if kind == 'mismatch500' else 200)
        if kind == 'unauthorized':
            return Answer(401, '<html>401 Unauthorized.</html>')
        if kind == 'huge':
            return Answer(200, b'', headers={'Content-Length': str(1 << 33)})
        if method == 'ListAsyncResults':
            return self._envelope(json['id'], *self.cluster.listing())
        if method == 'ListSyncJobs':
            return self._envelope(json['id'], *self.cluster.sync_jobs(self.noise))
        if kind == 'consumed' and handle in self.cluster.jobs:
            self.cluster.jobs[handle]['purged'] = True  # another client read it without keepResult
        part, value = self.cluster.get(handle, keep)
        if kind == 'lost':
            raise requests.exceptions.ConnectionError('Connection reset by peer')
        if part == 'result' and kind in ODD_KINDS:
            value = dict(value, status='failed') if kind == 'odd_status' else dict(value, status='complete')
            value.pop('error', None)
            value.pop('result', None)
            if kind == 'odd_result':
                value['result'] = ['not', 'an', 'object']
        elif part == 'result' and value.get('status') == 'complete' and keep:
            self.cluster.held_complete.add(handle)
        return self._envelope(json['id'], part, value)

    @staticmethod
    def _envelope(request_id, part, value, status=200):
        return Answer(status, json.dumps({'id': request_id, part: value}))


def task_params(handles, options):
    params = dict(hostname='10.0.0.5', username='admin', password=PASSWORD, port=443, api_version='12.3',
                  validate_certs=True, ca_path=None, fact_name=None)
    params.update(options)
    if len(handles) == 1:
        params.update(async_handle=handles[0], async_handles=None)
    else:
        params.update(async_handle=None, async_handles=list(handles))
    return params


options_strategy = st.fixed_dictionaries(dict(
    wait=st.booleans(),
    keep_result=st.booleans(),
    fail_on_error=st.booleans(),
    wait_timeout=st.integers(min_value=1, max_value=60),
    poll_interval=st.floats(min_value=0.5, max_value=5),
    max_poll_interval=st.floats(min_value=5, max_value=20),
    http_timeout=st.floats(min_value=0.5, max_value=30),
))
jobs_strategy = st.lists(
    st.fixed_dictionaries(dict(finish_in=st.floats(min_value=0, max_value=90), error=st.booleans())),
    min_size=1, max_size=3)
script_strategy = st.lists(st.sampled_from(KINDS), max_size=60)
noise_strategy = st.floats(min_value=-0.5, max_value=0.5)
latency_strategy = st.lists(st.floats(min_value=0, max_value=40), max_size=60)


def run_task(clock, jobs, options, check_mode, kinds, latencies, noise=0.0):
    handles = [FIRST_HANDLE + index for index in range(len(jobs))]
    cluster = Cluster(clock, dict((handle, dict(finish_at=clock.now + job['finish_in'], error=job['error']))
                                  for handle, job in zip(handles, jobs)))
    session = ScriptedSession(cluster, clock, kinds, latencies, noise=noise)
    params = task_params(handles, options)

    def factory(connection):
        return ElementClient(connection.endpoint, connection.username, connection.password,
                             http_timeout=connection.http_timeout, session=session)

    start = clock.now
    result = GET_ASYNC_RESULT.run(params, check_mode=check_mode, client_factory=factory, clock=clock, sleep=clock.sleep,
                                  rand=lambda: 0.5, on_event=lambda kind, text: session.events.append(text),
                                  connections=1)
    return handles, cluster, session, result, clock.now - start


def check_invariants(handles, cluster, session, result, elapsed, options, check_mode):
    assert isinstance(result, dict)
    assert session.violations == []
    assert 'Unexpected' not in result.get('msg', ''), result['msg']  # no exception reached the task frame
    # the deadline: the last poll may take MIN_REQUEST_TIMEOUT, releases end within FINAL_GRACE_SECONDS
    assert elapsed <= options['wait_timeout'] + _retry.FINAL_GRACE_SECONDS + 1e-6, (elapsed, result.get('msg'))
    releases = [call for call in session.calls if call[0] == 'GetAsyncResult' and call[2] is False]
    # cluster-friendly: one request per poll_interval on average at the most, besides the first read and the
    # final pair (ListSyncJobs shows the clone's sync done, GetAsyncResult reads the result)
    if len(handles) == 1 and all(call[3] == 'true' for call in session.calls):
        assert len(session.calls) - len(releases) <= elapsed / options['poll_interval'] + 3, session.calls
    if check_mode or options["keep_result"]:
        assert releases == []
    text = json.dumps([result, session.events], default=str)
    for form in secret_forms(PASSWORD):
        assert form not in text
    entries = result.get('results') or [result]
    for entry in entries:
        if entry.get('released'):
            assert cluster.jobs[entry['async_handle']]['purged'], 'reported released but still on the cluster'
    assert result['changed'] == (any(entry.get('released') for entry in entries) if not check_mode
                                 else result['changed'])
    if result.get('failed'):
        for problem in result['msg'].split(' | '):
            assert any(str(handle) in problem for handle in handles), problem


# The example is a failure found earlier: a release whose answer is lost is retried and found gone (released).
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(jobs=jobs_strategy, options=options_strategy, check_mode=st.booleans(), kinds=script_strategy,
       latencies=latency_strategy, noise=noise_strategy)
@example(jobs=[dict(finish_in=0, error=False)], options=dict(wait=True, keep_result=False, fail_on_error=True,
         wait_timeout=5, poll_interval=1, max_poll_interval=5, http_timeout=30), check_mode=False,
         kinds=['true', 'lost', 'true'], latencies=[], noise=0.0)
def test_a_task_keeps_every_promise_whatever_the_cluster_answers(jobs, options, check_mode, kinds, latencies, noise):
    clock = FakeClock()
    handles, cluster, session, result, elapsed = run_task(clock, jobs, options, check_mode, kinds, latencies,
                                                          noise=noise)
    check_invariants(handles, cluster, session, result, elapsed, options, check_mode)


def test_regression_a_lost_release_answer_counts_as_released(clock):
    """The release deleted the result but its answer was lost; the retry answers gone: released, no warning."""
    options = dict(wait=True, keep_result=False, fail_on_error=True, wait_timeout=5, poll_interval=1,
                   max_poll_interval=5, http_timeout=30)
    handles, cluster, session, result, elapsed = run_task(
        clock, [dict(finish_in=0, error=False)], options, False, ['true', 'lost', 'true'], [])
    check_invariants(handles, cluster, session, result, elapsed, options, False)
    assert result['released'] is True and 'warnings' not in result and result['changed'] is True


@pytest.mark.parametrize('kind', ODD_KINDS)
def test_regression_an_unreadable_answer_fails_at_once_and_releases_nothing(clock, kind):
    options = dict(wait=True, keep_result=False, fail_on_error=True, wait_timeout=30, poll_interval=1,
                   max_poll_interval=5, http_timeout=30)
    handles, cluster, session, result, elapsed = run_task(
        clock, [dict(finish_in=0, error=False)], options, False, [kind], [])
    check_invariants(handles, cluster, session, result, elapsed, options, False)
    assert result['failed'] and 'left untouched' in result['msg'] and str(FIRST_HANDLE) in result['msg']
    assert len(session.calls) == 1 and not cluster.jobs[FIRST_HANDLE]['purged']
