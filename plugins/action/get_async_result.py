# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of solidfire.element.get_async_result.

Validates the arguments with the module's own argspec, then either waits in-process (local connection: no
module transfer, live progress lines) or runs the module on the target (a jump host on the storage network).
"""

from __future__ import annotations

import os

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.solidfire.element.plugins.module_utils._args import (
    GET_ASYNC_RESULT_MUTUALLY_EXCLUSIVE,
    get_async_result_spec,
)
from ansible_collections.solidfire.element.plugins.module_utils._client import HAS_REQUESTS
from ansible_collections.solidfire.element.plugins.module_utils._wait_task import run_get_async_result

display = Display()


class ActionModule(ActionBase):
    """Runs the waiter where the task's connection says the work should happen."""

    TRANSFERS_FILES = False
    _host_label = ''
    MODULE_NAME = 'solidfire.element.get_async_result'
    LOCAL_TRANSPORT = 'local'

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        result = super().run(tmp, task_vars)
        spec = get_async_result_spec()
        validation = ArgumentSpecValidator(spec, mutually_exclusive=GET_ASYNC_RESULT_MUTUALLY_EXCLUSIVE).validate(
            self._task.args)
        no_log_values = validation._no_log_values  # pylint: disable=protected-access
        if validation.error_messages:
            result.update(failed=True, changed=False, msg='; '.join(validation.error_messages))
            return remove_values(result, no_log_values)
        params = validation.validated_parameters
        self._host_label = (task_vars or {}).get('inventory_hostname', '')
        if self._connection.transport == self.LOCAL_TRANSPORT and HAS_REQUESTS:
            result.update(run_get_async_result(params, self._task.check_mode, on_event=self._progress,
                                               abandoned=self._controller_gone_check()))
        else:
            result.update(self._run_on_target(spec, params, task_vars))
        return remove_values(result, no_log_values)

    def _run_on_target(self, spec, params, task_vars):
        """Pass the validated options, so SOLIDFIRE_* variables read on the controller reach the target too."""
        module_args = {name: params[name] for name in spec if params.get(name) is not None}
        return self._execute_module(module_name=self.MODULE_NAME, module_args=module_args, task_vars=task_vars)

    @staticmethod
    def _controller_gone_check():
        """True once ansible-playbook has died: this worker was re-parented and its result would go nowhere.

        Workers call setsid(), so a SIGKILL of the controller leaves them running; releasing a handle then
        would delete a result that nobody received, and the re-run could not resume.
        """
        parent = os.getppid()
        return lambda: os.getppid() != parent

    def _progress(self, kind, text):
        del kind  # every kind is one line; the text says what happened
        display.display(f'[{self._host_label}] {text}')
