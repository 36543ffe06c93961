# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The frame every task of the collection shares, whoever drives it.

Private to the collection. Bad input is refused before any request; one client (one HTTPS session) serves the
whole task and is always closed; failures come back as failed results, never as exceptions; the validate_certs
warning is given once; no form of the password is left in the result. run_as_module turns such a result into a module exit.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.solidfire.element.plugins.module_utils._args import client_from_params
from ansible_collections.solidfire.element.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    ElementError,
    redact,
    redact_values,
)

INSECURE_WARNING = ('validate_certs is false: the cluster certificate is not verified, so the password is sent to '
                    'whoever answers. Prefer ca_path with the cluster CA.')


def failed(message):
    return dict(failed=True, changed=False, msg=message)


def run_with_client(params, errors, work, client_factory=client_from_params):
    """Return work(client)'s result dict, or a failed one: errors are input problems found before any request."""
    if errors:
        return failed(' '.join(errors))
    try:
        client = client_factory(params)
    except ElementError as exc:
        return failed(str(exc))
    try:
        result = work(client)
    except ElementError as exc:
        result = failed(str(exc))
    # A bug must still end as a task failure, redacted, never as a traceback.
    except Exception as exc:  # pylint: disable=broad-except
        result = failed(redact('Unexpected %s while talking to the cluster: %s. The task stopped there; please '
                               'report this.' % (type(exc).__name__, exc), params.get('password')))
    finally:
        client.close()
    if not params['validate_certs']:
        result['warnings'] = [INSECURE_WARNING] + result.get('warnings', [])
    # Job results and errors come from the cluster as they are: one that echoes the password must not show it.
    return redact_values(result, params.get('password'))


def run_as_module(module, run):
    """Exit the module with run(params, check_mode)'s result: warnings as warnings, failures as fail_json."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
    result = run(module.params, module.check_mode)
    for warning in result.pop('warnings', []):
        module.warn(warning)
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)
