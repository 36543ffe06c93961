# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""get_async_result's action plugin in-process, down through its task frame (one client per task, always
closed, failures as results, the validate_certs warning, no password in the result) with a scripted client.

The run function is wrapped where the plugin looks it up, to hand it the fake client factory; nothing else
of the plugin or the frame is replaced."""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.solidfire.element.plugins.action import get_async_result as plugin_module
from ansible_collections.solidfire.element.plugins.module_utils._client import ElementAuthError, ElementTLSError

PASSWORD = 'Secr3t-pa55word'
COMPLETE = {'status': 'complete', 'resultType': 'Clone', 'createTime': '2026-11-29T06:00:00Z',
            'lastUpdateTime': '2026-11-29T06:00:09Z', 'result': {'cloneID': 1, 'volumeID': 1005}}


@pytest.fixture
def with_client(scripted_client):
    return functools.partial(scripted_client, plugin_module)


def run(plugin):
    return plugin.run(task_vars={'inventory_hostname': 'controller'})


def task_args(**extra):
    args = dict(hostname='10.0.0.5', username='admin', password=PASSWORD, async_handle=5)
    args.update(extra)
    return args


def test_a_complete_job_is_read_released_and_the_client_closed(make_local_action, with_client, lines):
    client, factory = with_client({'GetAsyncResult': [dict(COMPLETE), dict(COMPLETE)]})
    result = run(make_local_action(plugin_module.ActionModule, task_args()))
    assert result['status'] == 'complete' and result['released'] is True and result['changed'] is True
    assert result['result'] == {'cloneID': 1, 'volumeID': 1005}
    assert client.calls == [('GetAsyncResult', {'asyncHandle': 5, 'keepResult': True}),
                            ('GetAsyncResult', {'asyncHandle': 5, 'keepResult': False})]
    assert len(factory.connections) == 1 and client.closed == 1
    assert factory.connections[0].password == PASSWORD
    assert lines and all(line.startswith('[controller] ') for line in lines)
    assert 'warnings' not in result


def test_check_mode_reads_once_and_never_releases(make_local_action, with_client, lines):
    client = with_client({'GetAsyncResult': [dict(COMPLETE)]})[0]
    result = run(make_local_action(plugin_module.ActionModule, task_args(), check_mode=True))
    assert client.calls == [('GetAsyncResult', {'asyncHandle': 5, 'keepResult': True})]
    assert result['released'] is False and result['changed'] is True  # would release
    assert client.closed == 1


def test_validate_certs_false_warns(make_local_action, with_client, lines):
    with_client({'GetAsyncResult': [dict(COMPLETE), dict(COMPLETE)]})
    result = run(make_local_action(plugin_module.ActionModule, task_args(validate_certs=False)))
    assert len(result['warnings']) == 1 and result['warnings'][0].startswith('validate_certs is false')


def test_an_element_error_fails_the_task_and_closes_the_client(make_local_action, with_client, lines):
    client = with_client({'GetAsyncResult': [ElementAuthError('The cluster rejected the credentials.')]})[0]
    result = run(make_local_action(plugin_module.ActionModule, task_args()))
    assert result['failed'] is True and result['changed'] is False
    assert 'rejected the credentials' in result['msg']
    assert client.closed == 1


def test_a_bug_ends_as_a_failed_task_without_the_password(make_local_action, with_client, lines):
    client = with_client({'GetAsyncResult': [RuntimeError('boom near %s' % PASSWORD)]})[0]
    result = run(make_local_action(plugin_module.ActionModule, task_args()))
    assert result['failed'] is True
    assert result['msg'].startswith('Unexpected RuntimeError while talking to the cluster: boom near ')
    assert PASSWORD not in json.dumps(result)
    assert client.closed == 1


def test_a_client_that_cannot_be_made_fails_the_task(make_local_action, with_client, lines):
    client = with_client({}, error=ElementTLSError('ca_path does not exist.'))[0]
    result = run(make_local_action(plugin_module.ActionModule, task_args()))
    assert result == {'failed': True, 'changed': False, 'msg': 'ca_path does not exist.'}
    assert client.calls == [] and client.closed == 0


def test_input_errors_are_refused_before_any_client(make_local_action, with_client, lines):
    client, factory = with_client({})
    result = run(make_local_action(plugin_module.ActionModule, task_args(async_handle='abc')))
    assert result['failed'] is True and 'async_handle' in result['msg']
    assert factory.connections == [] and client.calls == []


def test_a_job_result_that_echoes_the_password_is_redacted(make_local_action, with_client, lines):
    password = 'p\u00e4ss-w\u00f6rd'
    # how a cluster or proxy may echo it: as is, and its UTF-8 bytes read as Latin-1 (a body without a charset)
    garbled = password.encode('utf-8').decode('latin-1')
    echo = dict(COMPLETE, result={'message': 'login %s ok' % password, 'raw': 'login %s' % garbled})
    with_client({'GetAsyncResult': [echo, dict(echo)]})
    result = run(make_local_action(plugin_module.ActionModule, task_args(password=password)))
    assert result['status'] == 'complete'
    text = json.dumps(result, ensure_ascii=False)
    assert password not in text and garbled not in text
    assert result['result']['message'].startswith('login ')


@pytest.mark.parametrize('handle', [None, ''])
def test_no_handle_is_skipped_without_a_client(make_local_action, with_client, lines, handle):
    client, factory = with_client({})
    result = run(make_local_action(plugin_module.ActionModule, task_args(async_handle=handle)))
    assert result['skipped'] is True
    assert factory.connections == []
