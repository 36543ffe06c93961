# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""async_results_info's options and what runs them: the task spec ASYNC_RESULTS_INFO. Private to the collection.

ListAsyncResults with filters, normalised entries, transient faults retried for a short time of its own.
Nothing here sends GetAsyncResult: listing never purges a result, reading might.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.solidfire.element.plugins.module_utils._client import ElementError
from ansible_collections.solidfire.element.plugins.module_utils._common import (
    CONNECTION_SPEC,
    Prepared,
    TaskSpec,
    connect,
    parse_handle_list,
    prepare_connection,
    run_with_client,
)
from ansible_collections.solidfire.element.plugins.module_utils._retry import MONOTONIC, Backoff, Deadline, Retrier

# An info task has no wait options: transient faults are retried for this long, which rides out a failover blip
# or an xDBVersionMismatch storm; the last request may take up to http_timeout more.
INFO_RETRY_SECONDS = 30.0
INFO_FIRST_DELAY = 1.0
INFO_MAX_DELAY = 4.0

ARGUMENT_SPEC = dict(
    result_types=dict(type='list', elements='str'),
    async_handles=dict(type='list', elements='raw'),
    completed=dict(type='bool'),
)
ARGUMENT_SPEC.update(CONNECTION_SPEC)


def prepare(params):
    """Every check beyond the argspec, each option parsed once: Prepared(handles=set of ints or None) or errors."""
    errors, connection = prepare_connection(params)
    handles = None
    if params.get('async_handles') is not None:
        try:
            handles = set(parse_handle_list(params['async_handles'], 'async_handles'))
        except ValueError as exc:
            errors.append(str(exc))
    if errors:
        return Prepared(errors)
    return Prepared(connection=connection, handles=handles)


def normalise(entry):
    """One ListAsyncResults entry in the collection's snake_case vocabulary."""
    return dict(
        async_handle=entry.get('asyncResultID'),
        completed=bool(entry.get('completed')),
        success=bool(entry.get('success')),
        result_type=entry.get('resultType'),
        create_time=entry.get('createTime'),
        last_update_time=entry.get('lastUpdateTime'),
        data=entry.get('data'),
    )


def select(entries, result_types=None, handles=None, completed=None):
    """Normalised entries that pass every given filter, sorted by handle."""
    chosen = []
    for entry in entries:
        item = normalise(entry)
        if result_types and item['result_type'] not in result_types:
            continue
        if handles is not None and item['async_handle'] not in handles:
            continue
        if completed is not None and item['completed'] != completed:
            continue
        chosen.append(item)
    return sorted(chosen, key=lambda item: item['async_handle'] or 0)


def list_with_retries(client, result_types=None, clock=MONOTONIC, sleep=time.sleep, rand=None, shape=None):
    """ListAsyncResults, retrying transient faults for INFO_RETRY_SECONDS; fatal ones raise at once."""
    backoff = Backoff(INFO_FIRST_DELAY, INFO_MAX_DELAY, rand) if rand else Backoff(INFO_FIRST_DELAY, INFO_MAX_DELAY)
    retrier = Retrier(Deadline(INFO_RETRY_SECONDS, clock, name='the retry time of async_results_info'), backoff, sleep)
    return retrier.call(client.list_async_results, client.http_timeout, 'listing the async results', result_types,
                        shape=shape)


class Tally:
    """A shape for ListAsyncResults that counts every entry and holds only those the handle and completion
    filters pass: a cluster with 100,000 kept results costs the parse, not the memory."""

    def __init__(self, handles=None, completed=None):
        self.handles = handles
        self.completed = completed
        self._seen = set()  # handles, not a count: an answer parsed again after a retry counts once

    @property
    def seen(self):
        return len(self._seen)

    def __call__(self, entry):
        self._seen.add(repr(entry.get('asyncResultID')))
        if self.handles is not None and entry.get('asyncResultID') not in self.handles:
            return None
        if self.completed is not None and bool(entry.get('completed')) != self.completed:
            return None
        return entry


def run(params, prepared, check_mode=False, client_factory=connect, clock=MONOTONIC, sleep=time.sleep):
    """List and filter; check mode changes nothing here (the task only reads), so it runs as always."""
    del check_mode

    def list_and_select(client):
        tally = Tally(prepared.values['handles'], params.get('completed'))
        try:
            entries = list_with_retries(client, params.get('result_types'), clock=clock, sleep=sleep, shape=tally)
        except ElementError as exc:
            return dict(failed=True, changed=False, msg='ListAsyncResults failed: %s' % exc)
        results = select(entries, params.get('result_types'), prepared.values['handles'], params.get('completed'))
        return dict(changed=False, async_results=results,
                    msg='%d of %d async results match the filters.' % (len(results), tally.seen))

    return run_with_client(prepared.connection, list_and_select, client_factory=client_factory)


ASYNC_RESULTS_INFO = TaskSpec(ARGUMENT_SPEC, prepare, run)
