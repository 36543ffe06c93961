# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs shared by every module and action plugin, and the checks argspec types cannot express.

Private to the collection. One source for each option: the doc fragments `connection` and `wait`
document exactly CONNECTION_SPEC and WAIT_SPEC, and every driver builds its spec from these dicts.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.solidfire.element.plugins.module_utils._client import (
    INTEGER_TYPES,
    STRING_TYPES,
    ElementClient,
    ElementInputError,
    split_hostname,
    validate_api_version,
)

MAX_HANDLE = 2 ** 63 - 1
FACT_NAME_PATTERN = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*\Z')

CONNECTION_SPEC = dict(
    hostname=dict(type='str', required=True, fallback=(env_fallback, ['SOLIDFIRE_HOSTNAME'])),
    username=dict(type='str', required=True, aliases=['user'], fallback=(env_fallback, ['SOLIDFIRE_USERNAME'])),
    password=dict(type='str', required=True, aliases=['pass'], no_log=True,
                  fallback=(env_fallback, ['SOLIDFIRE_PASSWORD'])),
    port=dict(type='int', default=443, fallback=(env_fallback, ['SOLIDFIRE_PORT'])),
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


def get_async_result_spec():
    """The full argument spec of get_async_result, for the module and the action plugin alike."""
    spec = dict(
        async_handle=dict(type='raw'),
        async_handles=dict(type='list', elements='raw'),
        wait=dict(type='bool', default=True),
        keep_result=dict(type='bool', default=False),
        fail_on_error=dict(type='bool', default=True),
        fact_name=dict(type='str'),
    )
    spec.update(CONNECTION_SPEC)
    spec.update(WAIT_SPEC)
    return spec


GET_ASYNC_RESULT_MUTUALLY_EXCLUSIVE = [('async_handle', 'async_handles')]


def get_async_result_validation():
    """Every argument rule of get_async_result, as keywords for AnsibleModule and ArgumentSpecValidator alike."""
    return dict(argument_spec=get_async_result_spec(), mutually_exclusive=GET_ASYNC_RESULT_MUTUALLY_EXCLUSIVE)


def parse_handle(value, option):
    """Return a handle as int, or None for 'no handle'; raise ValueError with a message for anything else.

    Digit strings are accepted (extra vars from the command line are strings); booleans, floats, negative
    numbers, zero and numbers beyond the API's 64-bit range are not.
    """
    if value is None or (isinstance(value, STRING_TYPES) and value.strip() in ('', 'None', 'null')):
        return None
    if isinstance(value, bool) or not isinstance(value, INTEGER_TYPES + STRING_TYPES):
        raise ValueError('%s must be a positive integer async handle, got %s %r.' % (option, _kind(value), value))
    if isinstance(value, STRING_TYPES):
        if not re.match(r'^[0-9]+\Z', value):
            raise ValueError('%s must be a positive integer async handle, got the string %r.' % (option, value))
        value = int(value)
    if not 0 < value <= MAX_HANDLE:
        raise ValueError('%s must be a positive integer async handle from 1 to 2^63-1, got %d.' % (option, value))
    return value


def _kind(value):
    """A plain type name for messages (templated values arrive as internal subclasses of the builtin types)."""
    for types, name in ((bool, 'bool'), (float, 'float'), (dict, 'dict'), (list, 'list')):
        if isinstance(value, types):
            return name
    return type(value).__name__


def requested_handles(params):
    """Return (handles, many): the unique handles in input order, and whether the list form was used."""
    if params.get('async_handles') is not None:
        handles = []
        for index, value in enumerate(params['async_handles']):
            handle = parse_handle(value, 'async_handles[%d]' % index)
            if handle is not None and handle not in handles:
                handles.append(handle)
        return handles, True
    handle = parse_handle(params.get('async_handle'), 'async_handle')
    return ([handle] if handle is not None else []), False


def check_connection_params(params):
    """Return a list of messages about connection options that the argspec types let through."""
    errors = []
    try:
        split_hostname(params['hostname'])
        validate_api_version(params['api_version'])
    except ElementInputError as exc:
        errors.append(str(exc))
    if not 0 < params['port'] < 65536:
        errors.append('port must be a TCP port from 1 to 65535, got %d.' % params['port'])
    if not params['http_timeout'] > 0:
        errors.append('http_timeout must be more than 0 seconds, got %s.' % params['http_timeout'])
    if params.get('ca_path') and not os.path.exists(params['ca_path']):
        errors.append('ca_path %s does not exist on the host that runs this task.' % params['ca_path'])
    return errors


def check_wait_params(params):
    """Return a list of messages about wait options that the argspec types let through."""
    errors = []
    if params['wait_timeout'] <= 0:
        errors.append('wait_timeout must be a positive number of seconds, got %d.' % params['wait_timeout'])
    if not params['poll_interval'] > 0:
        errors.append('poll_interval must be more than 0 seconds, got %s.' % params['poll_interval'])
    elif params['poll_interval'] > params['max_poll_interval']:
        errors.append('poll_interval (%s) must not be above max_poll_interval (%s); set them equal for fixed '
                      'polling.' % (params['poll_interval'], params['max_poll_interval']))
    return errors


def check_get_async_result_params(params):
    """Every check get_async_result needs beyond the argspec; an empty list means the task may run."""
    errors = check_connection_params(params) + check_wait_params(params)
    try:
        requested_handles(params)
    except ValueError as exc:
        errors.append(str(exc))
    fact_name = params.get('fact_name')
    if fact_name is not None and not FACT_NAME_PATTERN.match(fact_name):
        errors.append('fact_name %r is not a valid variable name (letters, digits and _, not starting with a '
                      'digit).' % (fact_name,))
    return errors


def client_from_params(params):
    return ElementClient(
        hostname=params['hostname'],
        username=params['username'],
        password=params['password'],
        port=params['port'],
        api_version=params['api_version'],
        validate_certs=params['validate_certs'],
        ca_path=params.get('ca_path'),
        http_timeout=params['http_timeout'],
    )
