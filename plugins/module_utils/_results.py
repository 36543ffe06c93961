# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turns a WaitReport into the dict a task returns: the public return contract lives here, once.

Private to the collection. Used by the module and the action plugin, so the two drivers cannot drift apart.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import re
import time

from ansible_collections.solidfire.element.plugins.module_utils._answers import (
    COMPLETE,
    ERROR,
    FATAL,
    GONE,
    RUNNING,
)
from ansible_collections.solidfire.element.plugins.module_utils._client import (
    STRING_TYPES,
    redact_fields,
    redact_secrets,
)

# Keys that describe the wait, not a handle: never published as facts twice.
_TASK_ONLY_KEYS = ('changed', 'failed', 'msg', 'warnings', 'ansible_facts', 'skipped')


def handle_fields(outcome):
    """The per-handle return keys, exactly as documented (timestamps as the API returned them). What the cluster
    echoes of a secret (a bulk volume job's script parameters) is redacted, whoever started the job."""
    response = outcome.response or {}
    return dict(
        async_handle=outcome.handle,
        status=response.get('status'),
        finished=outcome.finished,
        result_type=response.get('resultType'),
        result=redact_fields(response.get('result')),
        error=redact_fields(response.get('error')),
        details=redact_fields(response.get('details')),
        create_time=response.get('createTime'),
        last_update_time=response.get('lastUpdateTime'),
        released=outcome.released,
        progress=outcome.progress,
        duration=job_duration(response) if outcome.finished else None,
    )


ISO_UTC = re.compile(r'^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z\Z')


def job_duration(response):
    """Seconds from the job's createTime to its lastUpdateTime (ISO 8601 UTC, as Element sends them), or None."""
    start, end = api_time(response.get('createTime')), api_time(response.get('lastUpdateTime'))
    if start is None or end is None or end < start:
        return None
    return round(end - start, 3)


def api_time(text):
    """Epoch seconds of an API date (ISO 8601 UTC, as Element sends them), or None when it is not one."""
    match = ISO_UTC.match(text) if isinstance(text, STRING_TYPES) else None
    if not match:
        return None
    seconds = calendar.timegm(time.strptime(match.group(1), '%Y-%m-%dT%H:%M:%S'))
    return seconds + (float(match.group(2)) if match.group(2) else 0.0)


def _problem(outcome, report, params):
    """A message when this handle makes the task fail, else None."""
    handle = outcome.handle
    if outcome.state == FATAL:
        return 'Waiting on async handle %s failed: %s' % (handle, outcome.message)
    if outcome.state == GONE:
        return ('Async handle %s does not exist on the cluster (%s). Its result was already consumed by a read '
                'without keepResult, or it expired; it cannot be recovered. Tasks that must read a result more '
                'than once need keep_result: true.' % (handle, outcome.message))
    if outcome.state == ERROR and params['fail_on_error']:
        error = outcome.response.get('error') or {}
        return ('Async handle %s (%s) completed with error %s: %s' % (
            handle, outcome.response.get('resultType'), error.get('name', '?'), error.get('message', error)))
    if outcome.state in (None, RUNNING) and report.timed_out:
        last = outcome.response.get('status') if outcome.response else 'never read'
        text = ('Timed out after %d s (wait_timeout) waiting for async handle %s; last status: %s'
                % (params['wait_timeout'], handle, last))
        if outcome.response and outcome.response.get('details'):
            text += ', details: %s' % (outcome.response['details'],)
        if report.transient_errors:
            text += '; %d transient errors, last: %s' % (report.transient_errors, report.last_transient.rstrip('.'))
        return text + '. The handle was left untouched: run the task again to resume waiting.'
    if outcome.state is None:
        return 'Async handle %s could not be read: %s' % (handle, report.last_transient)
    return None


def sentences(*parts):
    """Messages joined into one: each part ends as a sentence, so a start's message and its wait's read apart."""
    return ' '.join(part if part.endswith(('.', '!', '?')) else part + '.' for part in (p.strip() for p in parts) if part)


def _summary(outcome):
    if outcome.state == COMPLETE:
        return 'async handle %s completed' % outcome.handle
    if outcome.state == ERROR:
        return 'async handle %s completed with an error' % outcome.handle
    return 'async handle %s is still running' % outcome.handle


def task_result(report, many, params, would_release=False):
    """The whole task result: per-handle fields (or `results`), counters, changed, failed/msg, warnings, facts.

    many: the list form was used (`results`); would_release: a dry run that a real run would follow by releasing
    each finished handle, so changed says whether it would change something. The caller decides both.
    """
    per_handle = [handle_fields(outcome) for outcome in report.outcomes]
    if would_release:
        changed = any(outcome.finished for outcome in report.outcomes)
    else:
        changed = any(outcome.released for outcome in report.outcomes)
    result = dict(results=per_handle) if many else dict(per_handle[0])
    result.update(finished=report.finished, elapsed=round(report.elapsed, 3), polls=report.polls, changed=changed)
    problems = [text for text in (_problem(o, report, params) for o in report.outcomes) if text]
    if problems:
        result['failed'] = True
        result['msg'] = ' | '.join(problems)
    else:
        result['msg'] = '; '.join(_summary(outcome) for outcome in report.outcomes)
    warnings = [outcome.release_warning for outcome in report.outcomes if outcome.release_warning]
    if warnings:
        result['warnings'] = warnings
    # what the cluster echoed of a job's secrets in its structured fields, wherever it repeats them (a message)
    echoed = set()
    for outcome in report.outcomes:
        echoed |= getattr(outcome, 'secrets', set())
    result = redact_secrets(result, echoed)
    if params.get('fact_name'):
        facts = dict((key, value) for key, value in result.items() if key not in _TASK_ONLY_KEYS)
        result['ansible_facts'] = {params['fact_name']: facts}
    return result


def skipped_result():
    return dict(skipped=True, changed=False, elapsed=0.0, polls=0,
                msg='No async handle given (null or empty): nothing to wait for.')
