# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of get_async_result's task spec: argspec, the checks beyond it, parse-once, the check-mode policy."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.solidfire.element.plugins.module_utils._answers import COMPLETE, RUNNING
from ansible_collections.solidfire.element.plugins.module_utils._get_async_result import (
    GET_ASYNC_RESULT,
    prepare,
    requested_handles,
)

BASE = dict(hostname='10.0.0.5', username='admin', password='pw')


def validated(**args):
    params = dict(BASE)
    params.update(args)
    return ArgumentSpecValidator(**GET_ASYNC_RESULT.validation()).validate(params)


def test_requested_handles_dedupes_in_input_order():
    assert requested_handles({'async_handles': [3, '1', 3, None, 2]}) == ([3, 1, 2], True)
    assert requested_handles({'async_handle': 7}) == ([7], False)
    assert requested_handles({'async_handle': None}) == ([], False)
    assert requested_handles({'async_handles': []}) == ([], True)


def test_both_handle_options_together_are_rejected_by_the_argspec():
    result = validated(async_handle=1, async_handles=[2])
    assert any('mutually exclusive' in message for message in result.error_messages)


def test_defaults_follow_the_contract():
    params = validated(async_handle=1).validated_parameters
    assert params['wait'] is True and params['keep_result'] is False and params['fail_on_error'] is True
    assert (params['wait_timeout'], params['poll_interval'], params['max_poll_interval']) == (1800, 2.0, 15.0)
    assert (params['port'], params['api_version'], params['validate_certs'], params['http_timeout']) == \
        (443, '12.3', True, 30.0)


def test_environment_fallbacks(monkeypatch):
    for name, value in [('HOSTNAME', '10.9.9.9'), ('USERNAME', 'envuser'), ('PASSWORD', 'envpw'),
                        ('PORT', '8443'), ('API_VERSION', '11.0'), ('VALIDATE_CERTS', 'no')]:
        monkeypatch.setenv('SOLIDFIRE_' + name, value)
    result = ArgumentSpecValidator(**GET_ASYNC_RESULT.validation()).validate({'async_handle': 1})
    assert not result.error_messages
    params = result.validated_parameters
    assert (params['hostname'], params['username'], params['password']) == ('10.9.9.9', 'envuser', 'envpw')
    assert (params['port'], params['api_version'], params['validate_certs']) == (8443, '11.0', False)


@pytest.mark.parametrize('args, fragment', [
    (dict(wait_timeout=0), 'wait_timeout must be a positive'),
    (dict(wait_timeout=-10), 'wait_timeout must be a positive'),
    (dict(poll_interval=0), 'poll_interval must be more than 0'),
    (dict(poll_interval=20, max_poll_interval=10), 'must not be above max_poll_interval'),
    (dict(hostname='https://10.0.0.5'), 'a scheme'),
    (dict(hostname='10.0.0.5/x?y'), 'a path'),
    (dict(api_version='12'), 'MAJOR.MINOR'),
    (dict(port=0), 'TCP port'),
    (dict(port=70000), 'TCP port'),
    (dict(http_timeout=0), 'http_timeout must be more than 0'),
    (dict(ca_path='/nonexistent/ca.pem'), 'ca_path /nonexistent/ca.pem does not exist'),
    (dict(async_handle=-3), 'from 1 to 2^63-1'),
    (dict(async_handles=[1, 'x']), 'async_handles[1]'),
    (dict(fact_name='bad-name'), 'not a valid variable name'),
])
def test_bad_input_is_explained(args, fragment):
    if 'async_handles' not in args:
        args.setdefault('async_handle', 1)
    result = validated(**args)
    assert not result.error_messages
    errors = prepare(result.validated_parameters).errors
    assert any(fragment in error for error in errors), errors


def test_good_input_passes():
    assert prepare(validated(async_handles=[1, 2], fact_name='clone_job').validated_parameters).errors == []


def test_prepare_parses_handles_and_connection_once():
    prepared = prepare(validated(async_handles=['7', 3, 7, None], hostname='cluster.example.com:8443').validated_parameters)
    assert prepared.errors == [] and prepared.values == dict(handles=[7, 3], many=True)
    endpoint = prepared.connection.endpoint
    assert (endpoint.host, endpoint.port, endpoint.api_version) == ('cluster.example.com', 8443, '12.3')
    assert prepare(validated(async_handle='12').validated_parameters).values == dict(handles=[12], many=False)


def test_prepare_says_every_problem_and_parses_nothing():
    args = dict(async_handle=-3, hostname='https://x', wait_timeout=0, fact_name='bad-name')
    prepared = prepare(validated(**args).validated_parameters)
    assert prepared.connection is None and prepared.values == {}
    assert len(prepared.errors) == 4, prepared.errors


# ------------------------------------------------------------------------------------------------ the task
class OneJobCluster:
    """A cluster with one job per handle, complete (or running) from the first read; records every read."""

    http_timeout = 30.0

    def __init__(self, running=()):
        self.running = set(running)
        self.reads = []
        self.closed = False

    def get_async_result(self, handle, keep_result=True, timeout=None):
        self.reads.append((handle, keep_result))
        status = 'running' if handle in self.running else 'complete'
        return {'status': status, 'resultType': 'Clone', 'result': {'volumeID': 1} if status == 'complete' else None}

    def close(self):
        self.closed = True


def run_task(cluster, check_mode, **args):
    return GET_ASYNC_RESULT.run(validated(**args).validated_parameters, check_mode=check_mode,
                                client_factory=lambda connection: cluster, sleep=lambda seconds: None)


@pytest.mark.parametrize('keep_result, changed', [(False, True), (True, False)])
def test_check_mode_reads_once_never_releases_and_says_what_a_real_run_would_change(keep_result, changed):
    cluster = OneJobCluster()
    result = run_task(cluster, check_mode=True, async_handle=5, keep_result=keep_result)
    assert cluster.reads == [(5, True)] and result['status'] == COMPLETE and result['released'] is False
    assert result['changed'] is changed


def test_check_mode_does_not_wait_on_a_running_job():
    cluster = OneJobCluster(running=[5])
    result = run_task(cluster, check_mode=True, async_handle=5)
    assert cluster.reads == [(5, True)] and result['status'] == RUNNING and result['changed'] is False


def test_a_real_run_releases_and_is_changed():
    cluster = OneJobCluster()
    result = run_task(cluster, check_mode=False, async_handle=5)
    assert cluster.reads == [(5, True), (5, False)] and result['released'] is True and result['changed'] is True
    assert cluster.closed


def test_no_handle_is_skipped_without_a_client():
    result = GET_ASYNC_RESULT.run(validated(async_handles=[]).validated_parameters, check_mode=False,
                                  client_factory=lambda connection: pytest.fail('no client for nothing to wait for'))
    assert result['skipped'] is True and result['changed'] is False


def test_bad_input_fails_before_any_client():
    result = GET_ASYNC_RESULT.run(validated(async_handle='x').validated_parameters, check_mode=False,
                                  client_factory=lambda connection: pytest.fail('bad input must not connect'))
    assert result['failed'] and "the string 'x'" in result['msg'] and result['changed'] is False
