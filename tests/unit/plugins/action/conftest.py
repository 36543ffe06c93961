# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fakes for the action plugin tests: the plugin built as ansible-core's own unit tests build one, on a local
connection, with the module-level Display replaced; and a client factory whose client is scripted."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from ansible.playbook.play_context import PlayContext

from ansible_collections.solidfire.element.plugins.plugin_utils import _element_action


class FakeTask:
    def __init__(self, args, check_mode=False):
        self.args = args
        self.async_val = 0
        self.poll = 0
        self.check_mode = check_mode
        self.action = 'solidfire.element.test'
        self.environment = []


class FakeClient:
    """A client whose answers are scripted per method; records every call and whether it was closed."""

    http_timeout = 30.0

    def __init__(self, answers, otherwise=None):
        self.answers = answers  # method -> list of answers (an exception instance is raised)
        self.otherwise = otherwise  # the answer to any method not scripted
        self.calls = []
        self.closed = 0

    def _answer(self, method, params):
        self.calls.append((method, params))
        answer = self.answers[method].pop(0) if method in self.answers else self.otherwise
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get_async_result(self, handle, keep_result=True, timeout=None):
        return self._answer('GetAsyncResult', {'asyncHandle': handle, 'keepResult': keep_result})

    def list_async_results(self, result_types=None, timeout=None, shape=None):
        entries = self._answer('ListAsyncResults', {})
        return [kept for kept in (shape(entry) for entry in entries) if kept is not None] if shape else entries

    def call(self, method, params=None, timeout=None):
        return self._answer(method, params or {})

    def close(self):
        self.closed += 1


class FakeFactory:
    """client_factory(connection) -> the FakeClient; records each parsed Connection; raises `error` when given one."""

    def __init__(self, client, error=None):
        self.client = client
        self.error = error
        self.connections = []

    def __call__(self, connection):
        self.connections.append(connection)
        if self.error:
            raise self.error
        return self.client


class ScriptedSpec:
    """The plugin's own TaskSpec, run with the fake client factory."""

    def __init__(self, spec, factory):
        self.spec = spec
        self.factory = factory

    def validation(self):
        return self.spec.validation()

    def run(self, params, **hooks):
        return self.spec.run(params, client_factory=self.factory, **hooks)


@pytest.fixture
def scripted_client(monkeypatch):
    """scripted_client(plugin_module, answers, otherwise=None, error=None) -> (client, factory).

    Replaces the plugin's TASK by the same spec run with the fake client factory, so its task frame gets it."""

    def script(plugin_module, answers, otherwise=None, error=None):
        client = FakeClient(answers, otherwise=otherwise)
        factory = FakeFactory(client, error=error)
        monkeypatch.setattr(plugin_module.ActionModule, 'TASK', ScriptedSpec(plugin_module.ActionModule.TASK, factory))
        return client, factory

    return script


@pytest.fixture
def lines(monkeypatch):
    """Every line the plugin displayed."""
    shown = []
    fake = MagicMock()
    fake.display.side_effect = lambda msg, *args, **kwargs: shown.append(msg)
    monkeypatch.setattr(_element_action, 'display', fake)
    return shown


@pytest.fixture
def make_local_action():
    def make(cls, args, check_mode=False):
        connection = MagicMock()
        connection.transport = 'local'
        connection.has_native_async = False
        connection._shell.tmpdir = None
        plugin = cls(FakeTask(args, check_mode=check_mode), connection, PlayContext(), loader=None, templar=None,
                     shared_loader_obj=None)
        plugin._execute_module = MagicMock(side_effect=AssertionError('the module must not run'))
        return plugin

    return make
