# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fakes for the driver layer: a task and a connection as ansible-core hands them to an action plugin.

The action objects are built the way ansible-core's own unit tests build them (task, connection, play_context,
loader, templar, shared_loader_obj); nothing runs Ansible, transfers a module or opens a socket.
"""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from ansible.playbook.play_context import PlayContext


class FakeTask:
    """The Task attributes ActionBase.run() and ElementActionBase.run() read."""

    def __init__(self, args, async_val=0, check_mode=False, action='solidfire.element.get_async_result'):
        self.args = args
        self.async_val = async_val
        self.poll = 1 if async_val else 0
        self.check_mode = check_mode
        self.action = action
        self.environment = []


def fake_connection(transport='local', has_native_async=False):
    connection = MagicMock()
    connection.transport = transport
    connection.has_native_async = has_native_async
    connection._shell.tmpdir = None
    return connection


class Recorder:
    """Stands in for _execute_module / _remove_tmp_path / display: records each call, answers `answer`."""

    def __init__(self, answer=None):
        self.calls = []
        self.answer = answer

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self.answer


@pytest.fixture
def make_action():
    """make_action(cls, args, transport=..., async_val=..., check_mode=..., has_native_async=...) -> plugin,
    with _execute_module and _remove_tmp_path replaced by Recorders (plugin.executed, plugin.removed)."""

    def make(cls, args, transport='local', async_val=0, check_mode=False, has_native_async=False,
             module_answer=None):
        task = FakeTask(args, async_val=async_val, check_mode=check_mode)
        plugin = cls(task, fake_connection(transport, has_native_async), PlayContext(), loader=None, templar=None,
                     shared_loader_obj=None)
        plugin.executed = Recorder(module_answer if module_answer is not None else {'changed': False, 'msg': 'ran'})
        plugin.removed = Recorder()
        plugin._execute_module = plugin.executed
        plugin._remove_tmp_path = plugin.removed
        return plugin

    return make
