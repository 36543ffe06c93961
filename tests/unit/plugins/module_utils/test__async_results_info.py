# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of async_results_info's task spec: normalising, filters, parse-once, retries."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.solidfire.element.plugins.module_utils._async_results_info import (
    ARGUMENT_SPEC,
    ASYNC_RESULTS_INFO,
    INFO_RETRY_SECONDS,
    prepare,
    select,
)
from ansible_collections.solidfire.element.plugins.module_utils._client import (
    ElementAuthError,
    ElementTransientError,
)


def entry(handle, completed=False, success=None, result_type='Clone', data=None):
    return dict(asyncResultID=handle, completed=completed, success=completed if success is None else success,
                resultType=result_type, createTime='c%d' % handle, lastUpdateTime='u%d' % handle,
                data=data if data is not None else {'volumeID': handle + 1000, 'percentComplete': 10})


ENTRIES = [
    entry(105, completed=True, data={'cloneID': 5, 'volumeID': 2000, 'message': 'Clone complete.'}),
    entry(101),
    entry(103, result_type='BulkVolume', data={'bvID': 1, 'volumeID': 7}),
    entry(104, completed=True, success=False, data={'name': 'xCloneFailed', 'message': 'disk'}),
    entry(102, data={'volumeID': 2000, 'percentComplete': 60}),
]


class FakeClient:
    http_timeout = 30.0

    def __init__(self, faults=None):
        self.faults = list(faults or [])
        self.calls = []
        self.closed = False

    def list_async_results(self, result_types=None, timeout=None, shape=None):
        self.calls.append(('ListAsyncResults', result_types))
        if self.faults:
            raise self.faults.pop(0)
        entries = [dict(e) for e in ENTRIES if not result_types or e['resultType'] in result_types]
        # as the client does: what the caller's shape keeps, while parsing
        return [kept for kept in (shape(entry) for entry in entries) if kept is not None] if shape else entries

    def get_async_result(self, *args, **kwargs):  # pragma: no cover - must never be called
        raise AssertionError('async_results_info must never send GetAsyncResult')

    def close(self):
        self.closed = True


def params(**overrides):
    values = dict((name, spec.get('default')) for name, spec in ARGUMENT_SPEC.items())
    values.update(hostname='127.0.0.1', username='admin', password='secret')
    values.update(overrides)
    return values


def test_select_normalises_and_sorts_by_handle():
    items = select(ENTRIES)
    assert [item['async_handle'] for item in items] == [101, 102, 103, 104, 105]
    assert items[0] == dict(async_handle=101, completed=False, success=False, result_type='Clone', create_time='c101',
                            last_update_time='u101', data={'volumeID': 1101, 'percentComplete': 10})


@pytest.mark.parametrize('filters, expected', [
    (dict(result_types=['Clone']), [101, 102, 104, 105]),
    (dict(result_types=['BulkVolume', 'DriveAdd']), [103]),
    (dict(handles={102, 105, 999}), [102, 105]),
    (dict(completed=True), [104, 105]),
    (dict(completed=False), [101, 102, 103]),
    (dict(result_types=['Clone'], completed=False, handles={101, 103}), [101]),
    (dict(handles=set()), []),
])
def test_select_filters(filters, expected):
    assert [item['async_handle'] for item in select(ENTRIES, **filters)] == expected


def test_prepare_parses_the_handle_filter_once():
    assert prepare(params(async_handles=['101', 104, None, 104])).values == dict(handles={101, 104})
    assert prepare(params()).values == dict(handles=None)
    assert prepare(params(async_handles=[])).values == dict(handles=set())
    assert prepare(params(async_handles=[-3])).errors == [
        'async_handles[0] must be a positive integer async handle from 1 to 2^63-1, got -3.']


def test_run_returns_filtered_results_and_never_reads_a_handle():
    client = FakeClient()
    result = ASYNC_RESULTS_INFO.run(params(result_types=['Clone'], async_handles=['101', 104, None], completed=False),
                                    client_factory=lambda p: client, sleep=lambda s: None)
    assert result['changed'] is False and [r['async_handle'] for r in result['async_results']] == [101]
    assert client.calls == [('ListAsyncResults', ['Clone'])] and client.closed
    assert result['msg'] == '1 of 4 async results match the filters.'


def test_bad_handle_filter_fails_before_any_call():
    client = FakeClient()
    result = ASYNC_RESULTS_INFO.run(params(async_handles=[-3]), client_factory=lambda p: client)
    assert result['failed'] and 'async_handles[0]' in result['msg'] and client.calls == []


def test_transient_faults_are_retried(clock):
    client = FakeClient([ElementTransientError('HTTP 503'), ElementTransientError('xDBVersionMismatch')])
    result = ASYNC_RESULTS_INFO.run(params(), client_factory=lambda p: client, clock=clock, sleep=clock.sleep)
    assert len(result['async_results']) == 5 and len(clock.sleeps) == 2 and 'failed' not in result


def test_persistent_transient_fault_fails_when_the_retry_time_is_up(clock):
    client = FakeClient([ElementTransientError('HTTP 503')] * 1000)
    start = clock.now
    result = ASYNC_RESULTS_INFO.run(params(), client_factory=lambda p: client, clock=clock, sleep=clock.sleep)
    assert result['failed'] and 'HTTP 503' in result['msg'] and 'Gave up listing the async results' in result['msg']
    assert clock.now - start == pytest.approx(INFO_RETRY_SECONDS)
    assert 5 < len(client.calls) < 20


def test_fatal_fault_fails_at_once():
    client = FakeClient([ElementAuthError('rejected (HTTP 401)')])
    result = ASYNC_RESULTS_INFO.run(params(), client_factory=lambda p: client, sleep=lambda s: None)
    assert result['failed'] and 'HTTP 401' in result['msg'] and len(client.calls) == 1
