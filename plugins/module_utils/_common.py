# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection shares: connection and wait options, their checks, handle parsing,
the client factory, the task spec and the task frame. Private to the collection.

One source for each option: the doc fragments `connection` and `wait` document exactly CONNECTION_SPEC and
WAIT_SPEC. A module's own options, checks and run function are its TaskSpec, in a file named after the module
(_get_async_result.py, _volume_clone.py, _async_results_info.py); its module does run_as_module(SPEC) and its
action plugin takes the same object.

The frame: the requests library is checked first; bad input is refused before any request, each option parsed
and checked once (prepare); one client (one HTTPS session) serves the whole task and is always closed; failures
come back as failed results, never as exceptions; the validate_certs warning is given once; no form of the
password is left in the result.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import os
import re

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.solidfire.element.plugins.module_utils._client import (
    HAS_REQUESTS,
    INTEGER_TYPES,
    REQUESTS_IMPORT_ERROR,
    STRING_TYPES,
    ElementClient,
    ElementError,
    ElementInputError,
    parse_endpoint,
    redact,
    redact_values,
)

DEFAULT_PORT = 443
MAX_HANDLE = 2 ** 63 - 1

CONNECTION_SPEC = dict(
    hostname=dict(type='str', required=True, fallback=(env_fallback, ['SOLIDFIRE_HOSTNAME'])),
    username=dict(type='str', required=True, aliases=['user'], fallback=(env_fallback, ['SOLIDFIRE_USERNAME'])),
    password=dict(type='str', required=True, aliases=['pass'], no_log=True,
                  fallback=(env_fallback, ['SOLIDFIRE_PASSWORD'])),
    port=dict(type='int', default=DEFAULT_PORT, fallback=(env_fallback, ['SOLIDFIRE_PORT'])),
    api_version=dict(type='str', default='12.3', fallback=(env_fallback, ['SOLIDFIRE_API_VERSION'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['SOLIDFIRE_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['SOLIDFIRE_CA_PATH'])),
    http_timeout=dict(type='float', default=30.0),
)

# `wait` itself is not here: its default differs per module (true to wait on a handle, false after a clone).
WAIT_SPEC = dict(
    wait_timeout=dict(type='int', default=1800),
    poll_interval=dict(type='float', default=2.0),
    max_poll_interval=dict(type='float', default=15.0),
)

INSECURE_WARNING = ('validate_certs is false: the cluster certificate is not verified, so the password is sent to '
                    'whoever answers. Prefer ca_path with the cluster CA.')


# ------------------------------------------------------------------------------------------------ the spec
class TaskSpec:
    """One module's options and what runs it; its module and its action plugin both take this object.

    prepare(params) -> Prepared: every check the argspec types cannot express, and the parsed values.
    task(params, prepared, check_mode, **hooks) -> result dict: the task itself, given only prepared input.
    """

    def __init__(self, argument_spec, prepare, task, mutually_exclusive=None, required_one_of=None):
        self.argument_spec = argument_spec
        self.mutually_exclusive = mutually_exclusive or []
        self.required_one_of = required_one_of or []
        self.prepare = prepare
        self._task = task

    def validation(self):
        """Every argument rule, as keywords for AnsibleModule and ArgumentSpecValidator alike (fresh copies)."""
        rules = dict(argument_spec=copy.deepcopy(self.argument_spec))
        if self.mutually_exclusive:
            rules['mutually_exclusive'] = copy.deepcopy(self.mutually_exclusive)
        if self.required_one_of:
            rules['required_one_of'] = copy.deepcopy(self.required_one_of)
        return rules

    def run(self, params, check_mode=False, **hooks):
        """The task's result dict for argspec-validated params; hooks: on_event, abandoned, client_factory, clock,
        sleep, rand (what the task function takes)."""
        missing = requests_missing()
        if missing:
            return missing
        prepared = self.prepare(params)
        if prepared.errors:
            return self.redacted(failed(' '.join(prepared.errors)), params)
        return self.redacted(self._task(params, prepared, check_mode=check_mode, **hooks), params)

    def redacted(self, result, params):
        """result with every form of every no_log value replaced: the module's own secrets (an S3 key, another
        cluster's password) too, whichever driver runs it, however the cluster echoes them."""
        for secret in no_log_values(self.argument_spec, params):
            result = redact_values(result, secret)
        return result


def no_log_values(argument_spec, params):
    """The values of every no_log option of argument_spec given in params, suboptions included, longest first."""
    found = set()
    for name, spec in argument_spec.items():
        value = params.get(name) if isinstance(params, dict) else None
        if value is None:
            continue
        if spec.get('no_log') and isinstance(value, STRING_TYPES) and value:
            found.add(value)
        if spec.get('options'):
            for item in (value if isinstance(value, list) else [value]):
                found.update(no_log_values(spec['options'], item))
    return sorted(found, key=len, reverse=True)


class Prepared:
    """What a spec's prepare() made of the params: messages that refuse the task, or the parsed input.

    connection: a Connection; values: the module's own parsed options (handles as ints, sizes in bytes, ...).
    """

    def __init__(self, errors=None, connection=None, **values):
        self.errors = list(errors or [])
        self.connection = connection
        self.values = values


class Connection:
    """The connection options, parsed and checked once: what the client factory needs."""

    def __init__(self, endpoint, params):
        self.endpoint = endpoint
        self.username = params['username']
        self.password = params['password']
        self.validate_certs = params['validate_certs']
        self.ca_path = params.get('ca_path')
        self.http_timeout = params['http_timeout']


# ------------------------------------------------------------------------------------------------ input
def prepare_connection(params):
    """(errors, Connection or None): the connection options parsed once, with a message for each problem."""
    errors = []
    port_ok = 0 < params['port'] < 65536
    endpoint = None
    try:
        # An out-of-range port is told below in the words of its option; hostname and version are checked anyway.
        endpoint = parse_endpoint(params['hostname'], params['port'] if port_ok else DEFAULT_PORT,
                                  params['api_version'])
    except ElementInputError as exc:
        errors.append(str(exc))
    if not port_ok:
        errors.append('port must be a TCP port from 1 to 65535, got %d.' % params['port'])
    if not params['http_timeout'] > 0:
        errors.append('http_timeout must be more than 0 seconds, got %s.' % params['http_timeout'])
    if params.get('ca_path') and not os.path.exists(params['ca_path']):
        errors.append('ca_path %s does not exist on the host that runs this task.' % params['ca_path'])
    return errors, (None if errors else Connection(endpoint, params))


def check_wait_params(params):
    """A list of messages about wait options that the argspec types let through."""
    errors = []
    if params['wait_timeout'] <= 0:
        errors.append('wait_timeout must be a positive number of seconds, got %d.' % params['wait_timeout'])
    if not params['poll_interval'] > 0:
        errors.append('poll_interval must be more than 0 seconds, got %s.' % params['poll_interval'])
    elif params['poll_interval'] > params['max_poll_interval']:
        errors.append('poll_interval (%s) must not be above max_poll_interval (%s); set them equal for fixed '
                      'polling.' % (params['poll_interval'], params['max_poll_interval']))
    return errors


def positive_id_errors(params, options):
    """A message for each of these integer ID options that is given but below 1."""
    return ['%s must be a positive integer, got %d.' % (option, params[option])
            for option in options if params.get(option) is not None and params[option] < 1]


def parse_handle(value, option):
    """Return a handle as int, or None for 'no handle'; raise ValueError with a message for anything else.

    Digit strings are accepted (extra vars from the command line, and before ansible-core 2.19 every templated
    value, are strings); booleans, floats, negative numbers, zero and numbers beyond the API's 64-bit range are
    not, whether given as numbers or as strings.
    """
    if value is None or (isinstance(value, STRING_TYPES) and value.strip() in ('', 'None', 'null')):
        return None
    if isinstance(value, bool) or not isinstance(value, INTEGER_TYPES + STRING_TYPES):
        raise ValueError('%s must be a positive integer async handle, got %s %r.' % (option, _kind(value), value))
    if isinstance(value, STRING_TYPES):
        # Before ansible-core 2.19 every templated value arrives as a string: a number in one gets the same
        # message as the number itself would.
        if re.match(r'^[+-]?[0-9]+\Z', value):
            value = int(value)
        elif re.match(r'^[+-]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z', value):
            raise ValueError('%s must be a positive integer async handle, got float %s (templated as the string %r).'
                             % (option, value, value))
        else:
            raise ValueError('%s must be a positive integer async handle, got the string %r.' % (option, value))
    if not 0 < value <= MAX_HANDLE:
        raise ValueError('%s must be a positive integer async handle from 1 to 2^63-1, got %d.' % (option, value))
    return value


def parse_handle_list(values, option):
    """The handles of a list option as ints, unique, in input order, 'no handle' entries left out."""
    handles = []
    for index, value in enumerate(values):
        handle = parse_handle(value, '%s[%d]' % (option, index))
        if handle is not None and handle not in handles:
            handles.append(handle)
    return handles


def _kind(value):
    """A plain type name for messages (templated values arrive as internal subclasses of the builtin types)."""
    for types, name in ((bool, 'bool'), (float, 'float'), (dict, 'dict'), (list, 'list')):
        if isinstance(value, types):
            return name
    return type(value).__name__


# ------------------------------------------------------------------------------------------------ the frame
def connect(connection):
    """The client factory: one ElementClient for a parsed Connection."""
    return ElementClient(
        connection.endpoint,
        connection.username,
        connection.password,
        validate_certs=connection.validate_certs,
        ca_path=connection.ca_path,
        http_timeout=connection.http_timeout,
    )


def failed(message):
    return dict(failed=True, changed=False, msg=message)


def requests_missing():
    """The failed result of a task on a host without the requests library, or None: the one place of that rule."""
    if HAS_REQUESTS:
        return None
    return dict(failed=True, msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))


def run_with_client(connection, work, client_factory=connect):
    """Return work(client)'s result dict, or a failed one; the client is closed whatever happens."""
    try:
        client = client_factory(connection)
    except ElementError as exc:
        return failed(str(exc))
    try:
        result = work(client)
    except ElementError as exc:
        result = failed(str(exc))
    # A bug must still end as a task failure, redacted, never as a traceback.
    except Exception as exc:  # pylint: disable=broad-except
        result = failed(redact('Unexpected %s while talking to the cluster: %s. The task stopped there; please '
                               'report this.' % (type(exc).__name__, exc), connection.password))
    finally:
        client.close()
    if not connection.validate_certs:
        result['warnings'] = [INSECURE_WARNING] + result.get('warnings', [])
    # Job results and errors come from the cluster as they are: one that echoes the password must not show it.
    return redact_values(result, connection.password)


def run_as_module(spec):
    """The whole module: validate with the spec, run it, exit with warnings as warnings, failures as fail_json."""
    module = AnsibleModule(supports_check_mode=True, **spec.validation())
    result = spec.run(module.params, check_mode=module.check_mode)
    for warning in result.pop('warnings', []):
        module.warn(warning)
    if result.pop('failed', None):
        module.fail_json(**result)
    module.exit_json(**result)
