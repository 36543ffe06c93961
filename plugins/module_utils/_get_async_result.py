# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""get_async_result's options and what runs them: the task spec GET_ASYNC_RESULT. Private to the collection.

The module on a target and the action plugin in-process both run GET_ASYNC_RESULT: the argspec, the checks
beyond it (prepare), and the task, which applies the check-mode policy, runs the waiter and returns the result.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random
import re
import time

from ansible_collections.solidfire.element.plugins.module_utils._burst import BURST_CONNECTIONS
from ansible_collections.solidfire.element.plugins.module_utils._common import (
    CONNECTION_SPEC,
    WAIT_SPEC,
    Prepared,
    TaskSpec,
    check_wait_params,
    connect,
    parse_handle,
    parse_handle_list,
    prepare_connection,
    run_with_client,
)
from ansible_collections.solidfire.element.plugins.module_utils._results import skipped_result, task_result
from ansible_collections.solidfire.element.plugins.module_utils._retry import MONOTONIC
from ansible_collections.solidfire.element.plugins.module_utils._waiter import Waiter

FACT_NAME_PATTERN = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*\Z')

ARGUMENT_SPEC = dict(
    async_handle=dict(type='raw'),
    async_handles=dict(type='list', elements='raw'),
    wait=dict(type='bool', default=True),
    keep_result=dict(type='bool', default=False),
    fail_on_error=dict(type='bool', default=True),
    fact_name=dict(type='str'),
)
ARGUMENT_SPEC.update(CONNECTION_SPEC)
ARGUMENT_SPEC.update(WAIT_SPEC)

MUTUALLY_EXCLUSIVE = [('async_handle', 'async_handles')]


def requested_handles(params):
    """Return (handles, many): the unique handles in input order, and whether the list form was used."""
    if params.get('async_handles') is not None:
        return parse_handle_list(params['async_handles'], 'async_handles'), True
    handle = parse_handle(params.get('async_handle'), 'async_handle')
    return ([handle] if handle is not None else []), False


def prepare(params):
    """Every check beyond the argspec, each option parsed once: Prepared(handles=[int], many=bool) or errors."""
    errors, connection = prepare_connection(params)
    errors += check_wait_params(params)
    handles, many = [], False
    try:
        handles, many = requested_handles(params)
    except ValueError as exc:
        errors.append(str(exc))
    fact_name = params.get('fact_name')
    if fact_name is not None and not FACT_NAME_PATTERN.match(fact_name):
        errors.append('fact_name %r is not a valid variable name (letters, digits and _, not starting with a '
                      'digit).' % (fact_name,))
    if errors:
        return Prepared(errors)
    return Prepared(connection=connection, handles=handles, many=many)


def run(params, prepared, check_mode=False, on_event=None, abandoned=None, client_factory=connect,
        clock=MONOTONIC, sleep=time.sleep, rand=random.random, connections=BURST_CONNECTIONS):
    """Wait on the prepared handles (skipped when there are none) and return the task result.

    connections: how many keep-alive connections a burst of reads or releases may use (tests on a fake clock
    give 1: a burst's threads would make them depend on thread timing)."""
    handles, many = prepared.values['handles'], prepared.values['many']
    if not handles:
        return skipped_result()
    # The check-mode policy, decided here only: one read, no release, and changed says what a real run would
    # release.
    wait = params['wait'] and not check_mode
    release = not (params['keep_result'] or check_mode)
    would_release = check_mode and not params['keep_result']

    def wait_on(client):
        waiter = Waiter(
            client,
            timeout=params['wait_timeout'],
            poll_interval=params['poll_interval'],
            max_poll_interval=params['max_poll_interval'],
            wait=wait,
            release=release,
            clock=clock,
            sleep=sleep,
            rand=rand,
            on_event=on_event,
            abandoned=abandoned,
            connections=connections,
        )
        return task_result(waiter.run(handles), many=many, params=params, would_release=would_release)

    return run_with_client(prepared.connection, wait_on, client_factory=client_factory)


GET_ASYNC_RESULT = TaskSpec(ARGUMENT_SPEC, prepare, run, mutually_exclusive=MUTUALLY_EXCLUSIVE)
