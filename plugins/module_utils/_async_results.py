# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ListAsyncResults for async_results_info and volume_clone: normalised entries, filters, clone-job lookup.

Private to the collection: no compatibility promise for code outside it.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
Nothing here sends GetAsyncResult: listing never purges a result, reading might.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.solidfire.element.plugins.module_utils._args import (
    CONNECTION_SPEC,
    check_connection_params,
    client_from_params,
    parse_handle,
)
from ansible_collections.solidfire.element.plugins.module_utils._client import ElementError
from ansible_collections.solidfire.element.plugins.module_utils._retry import MONOTONIC, Backoff, Deadline, Retrier
from ansible_collections.solidfire.element.plugins.module_utils._task import run_with_client

CLONE_RESULT_TYPE = 'Clone'
# An info task has no wait options: transient faults are retried for this long, which rides out a failover blip
# or an xDBVersionMismatch storm; the last request may take up to http_timeout more.
INFO_RETRY_SECONDS = 30.0
INFO_FIRST_DELAY = 1.0
INFO_MAX_DELAY = 4.0


def async_results_info_spec():
    spec = dict(
        result_types=dict(type='list', elements='str'),
        async_handles=dict(type='list', elements='raw'),
        completed=dict(type='bool'),
    )
    spec.update(CONNECTION_SPEC)
    return spec


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


def wanted_handles(params):
    """The async_handles filter as a set of ints, or None for no filter; ValueError names a bad entry."""
    if params.get('async_handles') is None:
        return None
    handles = set()
    for index, value in enumerate(params['async_handles']):
        handle = parse_handle(value, 'async_handles[%d]' % index)
        if handle is not None:
            handles.add(handle)
    return handles


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


def clone_job_handle(entries, volume_id, include_completed=False):
    """The handle of the Clone job that fills volume_id, or None.

    A running Clone job names the new volume in data.volumeID. A completed one names it in its result, but so
    does CopyVolume with the *source* volume, so completed jobs count only when asked (a clone just adopted).
    Running jobs win over completed ones; among equals the newest handle wins.
    """
    running, done = [], []
    for entry in entries:
        data = entry.get('data')
        if entry.get('resultType') != CLONE_RESULT_TYPE or not isinstance(data, dict):
            continue
        if data.get('volumeID') != volume_id:
            continue
        if not entry.get('completed'):
            running.append(entry.get('asyncResultID'))
        elif include_completed and entry.get('success') and 'cloneID' in data:
            done.append(entry.get('asyncResultID'))
    for found in (running, done):
        if found:
            return max(found)
    return None


def list_with_retries(client, result_types=None, clock=MONOTONIC, sleep=time.sleep, rand=None):
    """ListAsyncResults, retrying transient faults for INFO_RETRY_SECONDS; fatal ones raise at once."""
    backoff = Backoff(INFO_FIRST_DELAY, INFO_MAX_DELAY, rand) if rand else Backoff(INFO_FIRST_DELAY, INFO_MAX_DELAY)
    retrier = Retrier(Deadline(INFO_RETRY_SECONDS, clock, name='the retry time of async_results_info'), backoff, sleep)
    return retrier.call(client.list_async_results, client.http_timeout, 'listing the async results', result_types)


def run_async_results_info(params, client_factory=client_from_params, clock=MONOTONIC, sleep=time.sleep):
    """The whole async_results_info task: a result dict, failures included (never an exception)."""
    errors = check_connection_params(params)
    try:
        handles = wanted_handles(params)
    except ValueError as exc:
        errors.append(str(exc))

    def list_and_select(client):
        try:
            entries = list_with_retries(client, params.get('result_types'), clock=clock, sleep=sleep)
        except ElementError as exc:
            return dict(failed=True, changed=False, msg='ListAsyncResults failed: %s' % exc)
        results = select(entries, params.get('result_types'), handles, params.get('completed'))
        return dict(changed=False, async_results=results,
                    msg='%d of %d async results match the filters.' % (len(results), len(entries)))

    return run_with_client(params, errors, list_and_select, client_factory)
