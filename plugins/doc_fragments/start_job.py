# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the modules that start a job (volume_clone, group_clone, volume_copy) share in their documentation: the
options of START_WAIT_SPEC in plugins/module_utils/_starter.py, exactly (change both together), and the attributes
they have alike, and where the task runs. Each module documents its own check_mode attribute.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment:

    DOCUMENTATION = r'''
options:
  wait:
    description:
      - Wait in this task until the job it started (or found running) completes or O(wait_timeout) passes, and
        return the same fields as M(solidfire.element.get_async_result) besides the module's own.
      - When V(false), return as soon as the job has started; a later M(solidfire.element.get_async_result)
        task waits on the registered RV(async_handle) (see the examples).
    type: bool
    default: false
  keep_result:
    description:
      - With O(wait=true), keep the job's result on the cluster after reading it.
      - When V(false), the completed handle is released (read once without C(keepResult)), and RV(released) says so.
    type: bool
    default: false
  fail_on_error:
    description:
      - With O(wait=true), fail the task when the job completed with an C(error) object.
    type: bool
    default: true
notes:
  - "The module runs on the controller when the task uses a local connection (C(hosts: localhost), C(connection: local),
    C(delegate_to: localhost)), printing a progress line for each retry and, with O(wait=true), the same progress
    lines as M(solidfire.element.get_async_result). On other connections, or with C(async), the module runs on
    the target."
attributes:
  action:
    support: full
  async:
    support: full
    details: With O(wait=true) the wait is built in, so C(async) is rarely needed; with it the module runs on the
      target in the background, without progress lines.
  bypass_host_loop:
    support: none
  diff_mode:
    support: none
  platform:
    platforms: posix
  action_group:
    support: full
    membership:
      - solidfire.element.element
'''
