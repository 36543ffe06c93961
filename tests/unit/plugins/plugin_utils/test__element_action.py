# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the driver layer (plugin_utils/_element_action.py): where a task runs (in-process or as the
module on the target), what reaches the module, async, check mode, no_log scrubbing, progress lines and the
orphan check. The task's own work is a probe that records what it was given; nothing talks to a cluster."""

from __future__ import annotations

import json

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.solidfire.element.plugins.action import get_async_result as get_async_result_action
from ansible_collections.solidfire.element.plugins.action import group_clone as group_clone_action
from ansible_collections.solidfire.element.plugins.action import volume_clone as volume_clone_action
from ansible_collections.solidfire.element.plugins.action import volume_copy as volume_copy_action
from ansible_collections.solidfire.element.plugins.plugin_utils import _element_action


PASSWORD = 'Secr3t-pa55word'
# The answer async_wrapper gives for a started background run (what ansible.builtin.command returns too).
ASYNC_STARTED = {'started': True, 'finished': False, 'ansible_job_id': 'j123456.789', 'changed': True,
                 'results_file': '/home/u/.ansible_async/j123456.789'}
CONNECTION = dict(hostname='10.0.0.5', username='admin', password=PASSWORD)
# every waiting plugin with the options of a valid task of its own
PLUGINS = [
    (get_async_result_action.ActionModule, dict(async_handle=5)),
    (volume_clone_action.ActionModule, dict(name='clone', src_volume_id=3, wait=True)),
    (group_clone_action.ActionModule, dict(volumes=[dict(src_volume_id=3, name='clone')], wait=True)),
    (volume_copy_action.ActionModule, dict(src_volume_id=3, dst_volume_id=4, wait=True)),
]


class Probe(get_async_result_action.ActionModule):
    """get_async_result's controller side with its work replaced: records what run_task was handed."""

    answer = {'changed': False, 'msg': 'done in-process'}
    work = None  # optional callable(params, check_mode, on_event, abandoned) run before answering

    def run_task(self, params, check_mode, on_event, abandoned):
        self.handed = dict(params=params, check_mode=check_mode, on_event=on_event, abandoned=abandoned)
        if self.work:
            self.work(params, check_mode, on_event, abandoned)
        return dict(self.answer)


def task_args(**extra):
    args = dict(hostname='10.0.0.5', username='admin', password=PASSWORD, async_handle=5)
    args.update(extra)
    return args


def run(plugin, host='esx01'):
    return plugin.run(task_vars={'inventory_hostname': host})


def ran_in_process(plugin):
    return hasattr(plugin, 'handed') and not plugin.executed.calls


def only_call_kwargs(plugin):
    assert len(plugin.executed.calls) == 1
    return plugin.executed.calls[0][1]


def module_args_of(plugin):
    return only_call_kwargs(plugin)['module_args']


@pytest.fixture
def display(monkeypatch):
    """The module-level Display of the driver layer, replaced: lines holds every displayed line."""

    class FakeDisplay:
        def __init__(self):
            self.lines = []

        def display(self, msg, *args, **kwargs):
            self.lines.append(msg)

        def v(self, msg, *args, **kwargs):
            self.lines.append(('-v', msg))

    fake = FakeDisplay()
    monkeypatch.setattr(_element_action, 'display', fake)
    return fake


# ------------------------------------------------------------------------------------------ where it runs
def test_local_connection_runs_in_process(make_action):
    plugin = make_action(Probe, task_args(), transport='local')
    result = run(plugin)
    assert ran_in_process(plugin)
    assert result['msg'] == 'done in-process'


@pytest.mark.parametrize('transport', ['ssh', 'paramiko_ssh', 'solidfire_test_local'])
def test_any_other_connection_runs_the_module_on_the_target(make_action, transport):
    plugin = make_action(Probe, task_args(), transport=transport, module_answer={'changed': True, 'msg': 'target'})
    result = run(plugin)
    assert not hasattr(plugin, 'handed')
    kwargs = only_call_kwargs(plugin)
    assert kwargs['module_name'] == 'solidfire.element.get_async_result'
    assert kwargs['wrap_async'] is False
    assert result == {'changed': True, 'msg': 'target'}


def test_without_requests_on_the_controller_the_module_runs_instead(make_action, monkeypatch):
    monkeypatch.setattr(_element_action, 'HAS_REQUESTS', False)
    plugin = make_action(Probe, task_args(), transport='local')
    run(plugin)
    assert not hasattr(plugin, 'handed')
    assert len(plugin.executed.calls) == 1


def test_the_module_path_removes_its_remote_tmp_like_the_normal_action(make_action):
    plugin = make_action(Probe, task_args(), transport='ssh')
    plugin._connection._shell.tmpdir = '/home/u/.ansible/tmp/ansible-tmp-1-2'
    run(plugin)
    assert plugin.removed.calls == [(('/home/u/.ansible/tmp/ansible-tmp-1-2',), {})]


# ------------------------------------------------------------------------------------------ async
@pytest.mark.parametrize('cls, own', PLUGINS)
def test_every_waiting_action_supports_async(cls, own):
    assert cls._supports_async is True


@pytest.mark.parametrize('transport', ['local', 'ssh'])
def test_async_runs_the_module_through_async_wrapper(make_action, transport):
    plugin = make_action(Probe, task_args(), transport=transport, async_val=30, module_answer=dict(ASYNC_STARTED))
    result = run(plugin)
    assert not hasattr(plugin, 'handed')
    kwargs = only_call_kwargs(plugin)
    assert kwargs['wrap_async'] is True
    # poll: 0 registers the job id as async_wrapper gave it; with poll: N the executor polls async_status with it
    assert result == ASYNC_STARTED
    # async_wrapper owns the remote tmp of the background run
    assert plugin.removed.calls == []


def test_async_on_a_connection_with_native_async_does_not_wrap(make_action):
    plugin = make_action(Probe, task_args(), transport='winrm', async_val=30, has_native_async=True)
    run(plugin)
    kwargs = only_call_kwargs(plugin)
    assert kwargs['wrap_async'] is False


@pytest.mark.parametrize('cls, own', PLUGINS)
def test_the_real_plugins_accept_async(make_action, cls, own):
    plugin = make_action(cls, dict(CONNECTION, **own), async_val=60, module_answer=dict(ASYNC_STARTED))
    try:
        result = run(plugin)
    except AnsibleActionFail as exc:  # what ActionBase.run raises when _supports_async is false
        pytest.fail(str(exc))
    assert result['ansible_job_id'] == ASYNC_STARTED['ansible_job_id']
    assert plugin.executed.calls[0][1]['module_name'] == cls.MODULE_NAME


# ------------------------------------------------------------------------------------------ what reaches the module
def test_the_module_gets_the_validated_options_and_nothing_else(make_action, monkeypatch):
    monkeypatch.setenv('SOLIDFIRE_HOSTNAME', 'cluster.example.com:8443')
    monkeypatch.setenv('SOLIDFIRE_VALIDATE_CERTS', 'no')
    args = dict(user='admin', **{'pass': PASSWORD}, async_handle='17', poll_interval='1')
    plugin = make_action(Probe, args, transport='ssh')
    run(plugin)
    module_args = module_args_of(plugin)
    assert module_args == dict(
        hostname='cluster.example.com:8443',  # env fallback, read on the controller
        username='admin', password=PASSWORD,  # aliases resolved to the option names
        port=443, api_version='12.3', validate_certs=False, http_timeout=30.0,
        async_handle='17', wait=True, keep_result=False, fail_on_error=True,
        wait_timeout=1800, poll_interval=1.0, max_poll_interval=15.0,
    )
    assert None not in module_args.values()
    assert not [name for name in module_args if name.startswith('_')]


def test_suboptions_left_out_are_not_passed_on_as_null(make_action):
    """The module validates again: a suboption the controller filled with None would count as given there."""
    volumes = [dict(src_volume_name='db-data', name='a'), dict(src_volume_id=4, name='b', attributes={'k': None})]
    plugin = make_action(group_clone_action.ActionModule, dict(CONNECTION, volumes=volumes), transport='ssh')
    run(plugin)
    assert module_args_of(plugin)['volumes'] == volumes  # a user's own null attribute value is kept


def test_a_hidden_underscore_argument_is_refused_not_passed_on(make_action):
    plugin = make_action(Probe, task_args(_ansible_internal_flag=True), transport='ssh')
    result = run(plugin)
    assert result['failed'] is True
    assert '_ansible_internal_flag' in result['msg']
    assert plugin.executed.calls == []


def test_in_process_gets_the_same_validated_params(make_action, monkeypatch):
    monkeypatch.setenv('SOLIDFIRE_PORT', '8443')
    plugin = make_action(Probe, task_args(), transport='local')
    run(plugin)
    params = plugin.handed['params']
    assert params['port'] == 8443
    assert params['password'] == PASSWORD
    assert params['wait'] is True


@pytest.mark.parametrize('check_mode', [True, False])
def test_check_mode_is_passed_through(make_action, check_mode):
    plugin = make_action(Probe, task_args(), transport='local', check_mode=check_mode)
    run(plugin)
    assert plugin.handed['check_mode'] is check_mode


# ------------------------------------------------------------------------------------------ argspec errors
def test_argspec_errors_fail_the_task_before_any_work(make_action):
    plugin = make_action(Probe, dict(username='admin', password=PASSWORD, async_handle=5, bogus=1), transport='ssh')
    result = run(plugin)
    assert result['failed'] is True and result['changed'] is False
    assert 'hostname' in result['msg'] and 'bogus' in result['msg']
    assert not hasattr(plugin, 'handed') and plugin.executed.calls == []


def test_argspec_errors_never_show_the_password(make_action):
    # the password given where a number belongs: the validator's message quotes the value
    plugin = make_action(Probe, task_args(port=PASSWORD), transport='local')
    result = run(plugin)
    assert result['failed'] is True
    assert 'port' in result['msg']
    assert PASSWORD not in json.dumps(result)


# ------------------------------------------------------------------------------------------ no_log scrubbing
def test_the_in_process_result_never_holds_the_password(make_action):
    class Echo(Probe):
        answer = {'changed': False, 'failed': True, 'msg': 'the cluster said: bad password %s' % PASSWORD,
                  'result': {'nested': [PASSWORD, 'ok']}}

    plugin = make_action(Echo, task_args(), transport='local')
    result = run(plugin)
    text = json.dumps(result)
    assert PASSWORD not in text
    assert 'the cluster said: bad password' in result['msg']
    assert result['result']['nested'][1] == 'ok'


def test_the_module_result_never_holds_the_password(make_action):
    answer = {'changed': False, 'msg': 'echo %s' % PASSWORD, 'invocation': {'module_args': {'password': PASSWORD}}}
    plugin = make_action(Probe, task_args(), transport='ssh', module_answer=answer)
    result = run(plugin)
    assert PASSWORD not in json.dumps(result)
    assert result['msg'].startswith('echo ')


def test_the_password_from_the_environment_is_scrubbed_too(make_action, monkeypatch):
    monkeypatch.setenv('SOLIDFIRE_PASSWORD', PASSWORD)

    class Echo(Probe):
        answer = {'changed': False, 'msg': 'saw %s' % PASSWORD}

    args = task_args()
    del args['password']
    plugin = make_action(Echo, args, transport='local')
    result = run(plugin)
    assert plugin.handed['params']['password'] == PASSWORD
    assert PASSWORD not in json.dumps(result)


# ------------------------------------------------------------------------------------------ progress lines
def test_progress_lines_carry_the_host_label_and_never_the_password(make_action, display):
    def work(params, check_mode, on_event, abandoned):
        on_event('state', 'handle 5: running')
        on_event('transient', 'transient error, will retry: proxy echoed %s' % PASSWORD)

    class Talking(Probe):
        pass

    Talking.work = staticmethod(work)
    plugin = make_action(Talking, task_args(), transport='local')
    run(plugin, host='esx01')
    assert display.lines[0] == '[esx01] handle 5: running'
    assert display.lines[1].startswith('[esx01] transient error, will retry: proxy echoed ')
    assert PASSWORD not in display.lines[1]
    assert len(display.lines) == 2


def test_lines_about_one_handle_of_a_wait_on_many_are_shown_at_verbose_only(make_action, display):
    def work(params, check_mode, on_event, abandoned):
        on_event('detail', 'handle 7: complete')
        on_event('summary', '1 of 6 complete, 5 running')

    class Talking(Probe):
        pass

    Talking.work = staticmethod(work)
    run(make_action(Talking, task_args(), transport='local'), host='esx01')
    assert display.lines == [('-v', '[esx01] handle 7: complete'), '[esx01] 1 of 6 complete, 5 running']


def test_the_module_path_prints_no_progress_lines(make_action, display):
    plugin = make_action(Probe, task_args(), transport='ssh')
    run(plugin)
    assert display.lines == []


# ------------------------------------------------------------------------------------------ orphan check
def test_abandoned_turns_true_once_the_parent_changes(make_action, monkeypatch):
    parent = {'pid': 4242}
    monkeypatch.setattr(_element_action.os, 'getppid', lambda: parent['pid'])
    seen = []

    def work(params, check_mode, on_event, abandoned):
        seen.append(abandoned())
        parent['pid'] = 1  # ansible-playbook died: the worker was re-parented to init
        seen.append(abandoned())

    class Watching(Probe):
        pass

    Watching.work = staticmethod(work)
    run(make_action(Watching, task_args(), transport='local'))
    assert seen == [False, True]
