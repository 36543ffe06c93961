# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugins of the modules that start a job (volume_clone, group_clone, volume_copy) in-process, down
through their task frame, with a scripted client: what the frame guarantees whatever the module's logic does
(input refused first, the client closed, no password, retries shown as progress lines)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.solidfire.element.plugins.action import group_clone, volume_clone, volume_copy
from ansible_collections.solidfire.element.plugins.module_utils._client import ElementTransientError

PASSWORD = 'Secr3t-pa55word'

# plugin module, its own options for a valid task, options that prepare() refuses, a fragment of that message
PLUGINS = [
    (volume_clone, dict(name='clone-1', src_volume_id=3), dict(size=-1), 'size must be more than 0'),
    (group_clone, dict(volumes=[dict(src_volume_id=3, name='clone-1')]),
     dict(volumes=[dict(src_volume_id=3, name='a'), dict(src_volume_id=4, name='a')]), 'is also the name of volumes[0]'),
    (volume_copy, dict(src_volume_id=3, dst_volume_id=4), dict(dst_volume_id=3), 'cannot be copied onto itself'),
]
IDS = [plugin.__name__.rsplit('.', 1)[-1] for plugin, _args, _bad, _text in PLUGINS]


def task_args(own, **extra):
    args = dict(hostname='10.0.0.5', username='admin', password=PASSWORD)
    args.update(own)
    args.update(extra)
    return args


@pytest.mark.parametrize('plugin_module, own, bad, text', PLUGINS, ids=IDS)
def test_a_bug_ends_as_a_failed_task_without_the_password(make_local_action, scripted_client, lines,
                                                          plugin_module, own, bad, text):
    client = scripted_client(plugin_module, {}, otherwise=RuntimeError('failed for %s' % PASSWORD))[0]
    result = make_local_action(plugin_module.ActionModule, task_args(own, wait=True)).run(task_vars={})
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith('Unexpected RuntimeError while talking to the cluster: ')
    assert PASSWORD not in json.dumps(result)
    assert client.calls and client.closed == 1


@pytest.mark.parametrize('plugin_module, own, bad, text', PLUGINS, ids=IDS)
def test_input_errors_are_refused_before_any_client(make_local_action, scripted_client, lines,
                                                    plugin_module, own, bad, text):
    client, factory = scripted_client(plugin_module, {}, otherwise=RuntimeError('unexpected'))
    result = make_local_action(plugin_module.ActionModule, task_args(own, **bad)).run(task_vars={})
    assert result['failed'] is True and text in result['msg']
    assert factory.connections == [] and client.calls == []


@pytest.mark.parametrize('plugin_module, own, bad, text', PLUGINS, ids=IDS)
def test_transient_faults_are_progress_lines_without_the_password(make_local_action, scripted_client, lines,
                                                                  plugin_module, own, bad, text):
    fault = ElementTransientError('HTTP 503 from %s' % PASSWORD)
    client = scripted_client(plugin_module, {'ListVolumes': [fault, {'volumes': []}]}, otherwise={'volumes': []})[0]
    result = make_local_action(plugin_module.ActionModule, task_args(own, wait_timeout=5)).run(task_vars={})
    assert result['failed'] is True and 'does not exist' in result['msg']
    assert any('transient error, will retry' in line for line in lines)
    assert PASSWORD not in json.dumps(result) and not any(PASSWORD in line for line in lines)
    assert client.closed == 1
