# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the return contract: keys, changed, failed messages, facts."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._answers import FATAL, GONE
from ansible_collections.solidfire.element.plugins.module_utils._results import task_result
from ansible_collections.solidfire.element.plugins.module_utils._waiter import Outcome, WaitReport

PARAMS = dict(fail_on_error=True, keep_result=False, wait_timeout=60, fact_name=None)
HANDLE_KEYS = {'async_handle', 'status', 'finished', 'result_type', 'result', 'error', 'details', 'create_time',
               'last_update_time', 'released', 'progress', 'duration'}


def outcome(handle, response=None, released=False, state=None, message=None):
    item = Outcome(handle)
    if response is not None:
        item.observe(response)
    if state:
        item.state, item.message = state, message
    item.released = released
    return item


def report(outcomes, timed_out=False):
    return WaitReport(outcomes, 12.3456, 4, 0, None, timed_out=timed_out)


COMPLETE = {'status': 'complete', 'resultType': 'Clone', 'result': {'volumeID': 47}, 'createTime': 'c',
            'lastUpdateTime': 'u'}
FAILED_JOB = {'status': 'complete', 'resultType': 'Clone', 'error': {'name': 'xCloneFailed', 'message': 'disk'}}
RUNNING = {'status': 'running', 'resultType': 'Clone', 'details': {'percentComplete': 30}}


def params(**overrides):
    values = dict(PARAMS)
    values.update(overrides)
    return values


def test_single_complete_has_every_contract_key():
    result = task_result(report([outcome(5, COMPLETE, released=True)]), many=False, params=params())
    assert HANDLE_KEYS <= set(result)
    assert result['result'] == {'volumeID': 47} and result['finished'] is True and result['changed'] is True
    assert (result['elapsed'], result['polls']) == (12.346, 4)
    assert 'failed' not in result and result['create_time'] == 'c' and result['last_update_time'] == 'u'


def test_not_released_is_not_changed():
    result = task_result(report([outcome(5, COMPLETE)]), many=False, params=params(keep_result=True))
    assert result['changed'] is False and result['released'] is False


def test_would_release_changed_means_a_finished_handle():
    # The check-mode policy (keep_result, check mode) is the caller's; see test__get_async_result.
    assert task_result(report([outcome(5, COMPLETE)]), many=False, params=params(), would_release=True)['changed'] is True
    assert task_result(report([outcome(5, RUNNING)]), many=False, params=params(), would_release=True)['changed'] is False
    assert task_result(report([outcome(5, COMPLETE)]), many=False, params=params(), would_release=False)['changed'] is False


def test_job_error_fails_with_name_and_message_unless_told_not_to():
    failed = task_result(report([outcome(5, FAILED_JOB)]), many=False, params=params())
    assert failed['failed'] and 'xCloneFailed' in failed['msg'] and 'disk' in failed['msg']
    assert failed['error'] == {'name': 'xCloneFailed', 'message': 'disk'}
    tolerated = task_result(report([outcome(5, FAILED_JOB)]), many=False, params=params(fail_on_error=False))
    assert 'failed' not in tolerated and tolerated['error']['name'] == 'xCloneFailed'


def test_timeout_message_names_handle_seconds_and_last_status():
    result = task_result(report([outcome(5, RUNNING)], timed_out=True), many=False, params=params())
    assert result['failed'] and result['finished'] is False
    for fragment in ('60 s', 'handle 5', 'last status: running', 'percentComplete', 'left untouched'):
        assert fragment in result['msg']


def test_gone_message_hints_keep_result():
    result = task_result(report([outcome(5, state=GONE, message='xDBNoSuchPath: no path')]), many=False, params=params())
    assert result['failed'] and result['status'] is None
    assert 'handle 5' in result['msg'] and 'keep_result: true' in result['msg'] and 'xDBNoSuchPath' in result['msg']


def test_fatal_message_is_passed_on():
    result = task_result(report([outcome(5, state=FATAL, message='HTTP 401 ...')]), many=False, params=params())
    assert result['failed'] and 'HTTP 401' in result['msg']


def test_many_handles_return_results_in_order_and_fail_on_any_problem():
    items = [outcome(3, COMPLETE, released=True), outcome(1, state=GONE, message='gone'), outcome(2, RUNNING)]
    result = task_result(report(items), many=True, params=params())
    assert [entry['async_handle'] for entry in result['results']] == [3, 1, 2]
    assert all(HANDLE_KEYS == set(entry) for entry in result['results'])
    assert result['failed'] and 'handle 1' in result['msg'] and 'handle 3' not in result['msg']
    assert result['finished'] is False and 'async_handle' not in result


def test_fact_name_publishes_the_fields():
    result = task_result(report([outcome(5, COMPLETE)]), many=False, params=params(fact_name='clone_job'))
    fact = result['ansible_facts']['clone_job']
    assert fact['result'] == {'volumeID': 47} and fact['elapsed'] == 12.346
    assert 'changed' not in fact and 'msg' not in fact


def test_release_warnings_are_returned():
    item = outcome(5, COMPLETE)
    item.release_warning = 'handle 5: releasing failed'
    assert task_result(report([item]), many=False, params=params())['warnings'] == ['handle 5: releasing failed']


def test_duration_is_the_job_time_from_create_to_last_update_once_finished():
    done = outcome(5, {'status': 'complete', 'result': {}, 'createTime': '2026-11-29T06:15:58Z',
                       'lastUpdateTime': '2026-11-29T06:17:09.5Z'})
    running = outcome(6, {'status': 'running', 'createTime': '2026-11-29T06:15:58Z', 'lastUpdateTime': 'x'})
    odd = outcome(7, {'status': 'complete', 'result': {}, 'createTime': 'yesterday', 'lastUpdateTime': None})
    fields = task_result(WaitReport([done, running, odd], 1.0, 1, 0, None, timed_out=False), many=True,
                         params=PARAMS, would_release=False)['results']
    assert [item['duration'] for item in fields] == [71.5, None, None]
