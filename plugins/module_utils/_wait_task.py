# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one get_async_result task does, whichever driver runs it (module on a target, action plugin in-process).

Private to the collection. Takes argspec-validated params, applies the check-mode policy, runs the waiter and
returns the task result dict. Expected failures come back as failed results, never as exceptions.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random
import time

from ansible_collections.solidfire.element.plugins.module_utils._args import (
    check_get_async_result_params,
    client_from_params,
    requested_handles,
)
from ansible_collections.solidfire.element.plugins.module_utils._results import skipped_result, task_result
from ansible_collections.solidfire.element.plugins.module_utils._retry import MONOTONIC
from ansible_collections.solidfire.element.plugins.module_utils._task import run_with_client
from ansible_collections.solidfire.element.plugins.module_utils._waiter import Waiter


def run_get_async_result(params, check_mode, on_event=None, abandoned=None, client_factory=client_from_params,
                         clock=MONOTONIC, sleep=time.sleep, rand=random.random):
    """Check mode reads each handle once and never releases; otherwise wait (if asked) and release (unless kept)."""
    errors = check_get_async_result_params(params)
    if not errors:
        handles, many = requested_handles(params)
        if not handles:
            return skipped_result()

    def wait(client):
        waiter = Waiter(
            client,
            timeout=params['wait_timeout'],
            poll_interval=params['poll_interval'],
            max_poll_interval=params['max_poll_interval'],
            wait=params['wait'] and not check_mode,
            release=not (params['keep_result'] or check_mode),
            clock=clock,
            sleep=sleep,
            rand=rand,
            on_event=on_event,
            abandoned=abandoned,
        )
        return task_result(waiter.run(handles), many, params, check_mode)

    return run_with_client(params, errors, wait, client_factory)
