# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one get_async_result task does, whichever driver runs it (module on a target, action plugin in-process).

Private to the collection. Takes argspec-validated params, applies the check-mode policy, runs the waiter and
returns the task result dict. Expected failures come back as failed results, never as exceptions.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._args import (
    check_get_async_result_params,
    client_from_params,
    requested_handles,
)
from ansible_collections.solidfire.element.plugins.module_utils._client import ElementError
from ansible_collections.solidfire.element.plugins.module_utils._results import skipped_result, task_result
from ansible_collections.solidfire.element.plugins.module_utils._waiter import Waiter

INSECURE_WARNING = ('validate_certs is false: the cluster certificate is not verified, so the password is sent to '
                    'whoever answers. Prefer ca_path with the cluster CA.')


def run_get_async_result(params, check_mode, on_event=None, abandoned=None):
    """Check mode reads each handle once and never releases; otherwise wait (if asked) and release (unless kept)."""
    errors = check_get_async_result_params(params)
    if errors:
        return dict(failed=True, changed=False, msg=' '.join(errors))
    handles, many = requested_handles(params)
    if not handles:
        return skipped_result()
    try:
        client = client_from_params(params)
    except ElementError as exc:
        return dict(failed=True, changed=False, msg=str(exc))
    waiter = Waiter(
        client,
        timeout=params['wait_timeout'],
        poll_interval=params['poll_interval'],
        max_poll_interval=params['max_poll_interval'],
        wait=params['wait'] and not check_mode,
        release=not (params['keep_result'] or check_mode),
        on_event=on_event,
        abandoned=abandoned,
    )
    try:
        report = waiter.run(handles)
    finally:
        client.close()
    result = task_result(report, many, params, check_mode)
    if not params['validate_certs']:
        result['warnings'] = [INSECURE_WARNING] + result.get('warnings', [])
    return result
