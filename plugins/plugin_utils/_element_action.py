# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller side every waiting task of the collection shares (get_async_result, volume_clone, group_clone, volume_copy).

Private to the collection. A subclass names its module (MODULE_NAME) and its task spec (TASK, from the module's
file in module_utils); this base validates the arguments with the spec's rules, then runs the task where the
connection says:
in-process on a local connection (no module transfer, and live progress lines, which AWX shows as job events
during a long wait), otherwise as the module on the target (a jump host on the storage network), with the
options the controller validated.
"""

from __future__ import annotations

import os

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.solidfire.element.plugins.module_utils._client import HAS_REQUESTS, redact

display = Display()


class ElementActionBase(ActionBase):
    """Subclasses set MODULE_NAME and TASK (a module_utils TaskSpec)."""

    TRANSFERS_FILES = False
    LOCAL_TRANSPORT = 'local'
    MODULE_NAME = ''
    TASK = None
    # Every waiting task takes `async`: run() then executes the module through async_wrapper, as the normal
    # action does, so `poll: N` returns the module's result and `poll: 0` the job id for async_status.
    _supports_async = True

    _host_label = ''

    def validation(self) -> dict:
        """ArgumentSpecValidator keywords: argument_spec, and mutually_exclusive / required_one_of as needed."""
        return self.TASK.validation()

    def run_task(self, params: dict, check_mode: bool, on_event, abandoned) -> dict:
        """Do the task in this process and return its result dict."""
        return self.TASK.run(params, check_mode=check_mode, on_event=on_event, abandoned=abandoned)

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        result = super().run(tmp, task_vars)
        rules = self.validation()
        checked = ArgumentSpecValidator(**rules).validate(self._task.args)
        no_log_values = checked._no_log_values  # pylint: disable=protected-access
        if checked.error_messages:
            result.update(failed=True, changed=False, msg='; '.join(checked.error_messages))
            return remove_values(result, no_log_values)
        params = checked.validated_parameters
        self._host_label = (task_vars or {}).get('inventory_hostname', '')
        # Under `async` the module runs in the background through async_wrapper, which needs a module.
        in_process = self._connection.transport == self.LOCAL_TRANSPORT and HAS_REQUESTS and not self._task.async_val
        if in_process:
            # every no_log value: the password, and a module's own secrets (an S3 key, another cluster's password)
            secrets = [value for value in [params.get('password')] + sorted(no_log_values, key=len, reverse=True)
                       if value]
            result.update(self.run_task(params, check_mode=self._task.check_mode,
                                        on_event=lambda kind, text: self._progress(kind, redact_all(text, secrets)),
                                        abandoned=self._controller_gone_check()))
        else:
            result.update(self._run_on_target(rules['argument_spec'], params, task_vars))
        return remove_values(result, no_log_values)

    def _run_on_target(self, argument_spec, params, task_vars):
        """Pass the validated options, so SOLIDFIRE_* variables read on the controller reach the target too."""
        module_args = given_options(argument_spec, params)
        wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
        result = self._execute_module(module_name=self.MODULE_NAME, module_args=module_args, task_vars=task_vars,
                                      wrap_async=wrap_async)
        if not wrap_async:
            # As the normal action: cleanup() keeps the remote tmp of any async task, which async_wrapper owns
            # only when it wrapped the module.
            self._remove_tmp_path(self._connection._shell.tmpdir)  # pylint: disable=protected-access
        return result

    @staticmethod
    def _controller_gone_check():
        """True once ansible-playbook has died: this worker was re-parented and its result would go nowhere.

        Workers call setsid(), so a SIGKILL of the controller leaves them running; releasing a handle then
        would delete a result that nobody received, and the re-run could not resume.
        """
        parent = os.getppid()
        return lambda: os.getppid() != parent

    def _progress(self, kind, text):
        line = f'[{self._host_label}] {text}'
        if kind == 'detail':
            # one handle of a wait on many: its summary lines say what changed, this says which handle (-v)
            display.v(line)
        else:
            display.display(line)


def redact_all(text: str, secrets: list) -> str:
    """text with every form of each secret replaced (see _client.redact)."""
    for secret in secrets:
        text = redact(text, secret)
    return text


def given_options(argument_spec: dict, params: dict) -> dict:
    """The validated options that have a value, suboptions too: validation fills every suboption a user left out
    with None, and the module's own validation would count those as given (two mutually exclusive ones, say)."""
    given = {}
    for name, spec in argument_spec.items():
        value = params.get(name)
        if value is None:
            continue
        if spec.get('options') and isinstance(value, dict):
            value = given_options(spec['options'], value)
        elif spec.get('options') and isinstance(value, list):
            value = [given_options(spec['options'], item) if isinstance(item, dict) else item for item in value]
        given[name] = value
    return given
