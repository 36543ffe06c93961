# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""volume_clone's action plugin in-process, down through its task frame, with a scripted client: what the
frame guarantees whatever the clone logic does (input refused first, the client closed, no password)."""

from __future__ import annotations

import json

from ansible_collections.solidfire.element.plugins.action import volume_clone as plugin_module

PASSWORD = 'Secr3t-pa55word'


def task_args(**extra):
    args = dict(hostname='10.0.0.5', username='admin', password=PASSWORD, name='clone-1', src_volume_id=3)
    args.update(extra)
    return args


def test_a_bug_ends_as_a_failed_task_without_the_password(make_local_action, scripted_client, lines):
    client = scripted_client(plugin_module, {}, otherwise=RuntimeError('failed for %s' % PASSWORD))[0]
    result = make_local_action(plugin_module.ActionModule, task_args(wait=True)).run(task_vars={})
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith('Unexpected RuntimeError while talking to the cluster: ')
    assert PASSWORD not in json.dumps(result)
    assert client.calls and client.closed == 1


def test_input_errors_are_refused_before_any_client(make_local_action, scripted_client, lines):
    client, factory = scripted_client(plugin_module, {}, otherwise=RuntimeError('unexpected'))
    result = make_local_action(plugin_module.ActionModule, task_args(size=-1)).run(task_vars={})
    assert result['failed'] is True and 'size must be more than 0' in result['msg']
    assert factory.connections == [] and client.calls == []
