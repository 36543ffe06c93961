# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The watch behind the event source solidfire.element.async_jobs: which jobs of a cluster finished since the last
look, and the event that announces each of them once. Private to the collection.

Synchronous and free of asyncio: the event source runs each round in a worker thread, off ansible-rulebook's event
loop. A round is one ListAsyncResults, plus one GetAsyncResult with keepResult true for each job newly seen
finished: nothing here can purge a result, so waiting tasks and other watchers still find theirs.
Transient faults are retried through the collection's one retry policy (_retry.py); a round that cannot reach the
cluster is logged and tried again at the next interval; what retrying cannot fix (credentials, api_version, TLS,
a method the user may not call) is raised, and ends the source.
"""

from __future__ import annotations

import logging
import random
import threading

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.solidfire.element.plugins.module_utils._answers import (
    COMPLETE,
    RUNNING,
    ElementUnexpectedAnswer,
    interpret,
)
from ansible_collections.solidfire.element.plugins.module_utils._client import (
    HAS_REQUESTS,
    ElementError,
    ElementHandleGone,
    redact,
    redact_values,
)
from ansible_collections.solidfire.element.plugins.module_utils._common import (
    CONNECTION_SPEC,
    connect,
    parse_handle_list,
    prepare_connection,
)
from ansible_collections.solidfire.element.plugins.module_utils._retry import (
    FIRST_CONTACT_GRACE_SECONDS,
    MONOTONIC,
    Backoff,
    Deadline,
    ElementGaveUp,
    Retrier,
)

LOGGER_NAME = 'solidfire.element.async_jobs'

# Below this the watch itself would be the heavy request rate that causes xDBVersionMismatch (element-api.md).
MIN_INTERVAL = 1.0
# Above this a finished job waits more than an hour for its event; it also keeps asyncio's timers in range.
MAX_INTERVAL = 3600.0
# How long one round retries transient faults before it logs that the cluster is out of reach and waits for the
# next round. Equal to the first-contact grace: a cluster that never answered in that time ends the source.
ROUND_RETRY_SECONDS = FIRST_CONTACT_GRACE_SECONDS
FIRST_RETRY_DELAY = 1.0

# The source's own options; the connection options are the modules' own (names, aliases, SOLIDFIRE_* fallbacks).
SOURCE_SPEC = dict(
    interval=dict(type='float', default=10.0),
    result_types=dict(type='list', elements='str'),
    async_handles=dict(type='list', elements='raw'),
    include_existing=dict(type='bool', default=False),
    progress=dict(type='bool', default=False),
)
SOURCE_SPEC.update(CONNECTION_SPEC)

# Keys ansible-rulebook adds to a source's arguments for its own use.
RULEBOOK_ARG_PREFIX = 'eda_'

# Event status of a job that left the cluster's list while it was running: another client read its result without
# keepResult, or it was cancelled. Its outcome is not known.
GONE = 'gone'


class WatchSettings:
    """The source's arguments, validated and parsed once."""

    def __init__(self, params, connection, handles):
        self.params = params
        self.connection = connection
        self.cluster = params['hostname']
        self.interval = params['interval']
        self.result_types = params.get('result_types') or None
        self.handles = set(handles) if handles is not None else None
        self.include_existing = params['include_existing']
        self.progress = params['progress']


def parse_args(args):
    """WatchSettings for the rulebook's arguments of the source, or ValueError naming every problem (redacted)."""
    given = dict((key, value) for key, value in (args or {}).items() if not key.startswith(RULEBOOK_ARG_PREFIX))
    checked = ArgumentSpecValidator(SOURCE_SPEC).validate(given)
    errors = list(checked.error_messages)
    params = checked.validated_parameters
    # the password as given, or from SOLIDFIRE_PASSWORD: no message may repeat it
    secret = params.get('password') or given.get('password') or given.get('pass')
    connection = handles = None
    if not errors:
        problems, connection = prepare_connection(params)
        errors.extend(problems)
        if not params['interval'] >= MIN_INTERVAL:
            errors.append('interval must be at least %s seconds (polling faster loads the cluster database), got %s.'
                          % (MIN_INTERVAL, params['interval']))
        elif not params['interval'] <= MAX_INTERVAL:
            errors.append('interval must be at most %d seconds, got %s.' % (MAX_INTERVAL, params['interval']))
        if params.get('async_handles') is not None:
            try:
                handles = parse_handle_list(params['async_handles'], 'async_handles')
            except ValueError as exc:
                errors.append(str(exc))
    if not HAS_REQUESTS:
        errors.append('the Python library requests is missing from the Python that runs ansible-rulebook: install it '
                      'there (pip install requests), or build the decision environment with ansible-builder, which '
                      'adds it from the collection\'s meta/ee-requirements.txt.')
    if errors:
        raise ValueError(redact('solidfire.element.async_jobs: %s' % '; '.join(errors), secret))
    return WatchSettings(params, connection, handles)


class JobWatch:
    """One cluster watched round by round; poll() returns the events of one round.

    client: an ElementClient (or a stand-in with list_async_results, get_async_result, http_timeout, abort, close).
    clock, sleep, rand: injectable for tests; by default a retry pause waits on an internal event, so stop() ends it
    at once.
    """

    def __init__(self, settings, client, clock=MONOTONIC, sleep=None, rand=random.random, logger=None):
        self.settings = settings
        self._client = client
        self._clock = clock
        self._rand = rand
        self._logger = logger or logging.getLogger(LOGGER_NAME)
        self._stopping = threading.Event()
        self._sleep = sleep or self._stopping.wait
        self._started = clock()
        self._contacted = False
        # whether a request of this round ran out of retry time
        self._gave_up = False
        self.rounds = 0
        # handle -> the last ListAsyncResults entry of a job seen running
        self._running = {}
        # handles already announced, or passed over because they were complete when the watch began
        self._done = set()
        self._missing_reported = set()

    @classmethod
    def from_args(cls, args, **kwargs):
        settings = parse_args(args)
        return cls(settings, connect(settings.connection), **kwargs)

    # ------------------------------------------------------------------------------------------ life cycle
    def stop(self):
        """Called from another thread: a retry pause ends now, a request in flight is cut off."""
        self._stopping.set()
        self._client.abort()

    def close(self):
        self._client.close()

    # ------------------------------------------------------------------------------------------ one round
    def poll(self):
        """The events of one round, in handle order; [] when the cluster could not be read this time."""
        self._gave_up = False
        entries = self._retrying(self._client.list_async_results, 'listing the async results',
                                 self.settings.result_types)
        if entries is None:
            return []
        first_round = self.rounds == 0
        self.rounds += 1
        events = []
        listed = set()
        for entry in sorted(self._watched(entries, listed), key=lambda item: item['asyncResultID']):
            handle = entry['asyncResultID']
            if handle in self._done:
                continue
            if entry['completed']:
                if first_round and not self.settings.include_existing:
                    self._done.add(handle)
                    continue
                event = self._finished_event(entry)
                if event is not None:
                    events.append(event)
                    self._done.add(handle)
                    self._running.pop(handle, None)
            else:
                previous = self._running.get(handle)
                self._running[handle] = entry
                if self.settings.progress and previous is not None and previous.get('data') != entry.get('data'):
                    events.append(self._event(entry, 'running', finished=False, success=None,
                                              details=entry.get('data')))
        for handle in sorted(set(self._running) - listed):
            events.append(self._gone_event(self._running.pop(handle)))
        # Handles are never reused: one that left the list never comes back, so forgetting it keeps memory bounded.
        self._done &= listed
        self._report_missing(listed)
        return events

    def _watched(self, entries, listed):
        """The entries this source watches; every listed handle goes into `listed`, a readable entry or not.

        An entry that cannot be read (no integer handle, `completed` not a boolean) is left out of this round with one
        warning per round; its job is not taken for gone, and is announced once it reads right.
        """
        odd = []
        for entry in entries:
            handle = entry.get('asyncResultID') if isinstance(entry, dict) else None
            if isinstance(handle, bool) or not isinstance(handle, int):
                odd.append(entry)
                continue
            if self.settings.handles is not None and handle not in self.settings.handles:
                continue
            listed.add(handle)
            if not isinstance(entry.get('completed'), bool):
                odd.append(entry)
                continue
            yield entry
        if odd:
            self._log(logging.WARNING, 'ListAsyncResults listed %d entr%s that cannot be read (no integer '
                      'asyncResultID, or completed not true or false), left out of this round; the first: %s'
                      % (len(odd), 'y' if len(odd) == 1 else 'ies', _excerpt(odd[0])))

    def _finished_event(self, entry):
        """The event of a job newly seen finished, read with keepResult true; None to try again next round."""
        handle = entry['asyncResultID']
        if self._gave_up:
            return None  # the cluster stopped answering in this round: the rest are read in the next one
        try:
            answer = self._retrying(self._client.get_async_result, 'reading async handle %d' % handle, handle,
                                    keep_result=True)
        except ElementHandleGone:
            self._log(logging.WARNING, 'async handle %d was consumed by another client between the listing and the '
                      'read; its event carries what ListAsyncResults showed.' % handle)
            return self._listed_outcome(entry)
        if answer is None:
            return None
        try:
            state, answer = interpret(handle, answer)
        except ElementUnexpectedAnswer as exc:
            self._log(logging.WARNING, '%s Its event carries what ListAsyncResults showed.' % exc)
            return self._listed_outcome(entry)
        if state == RUNNING:
            # The list ran ahead of the job's own record (or the other way round): the read decides.
            self._log(logging.INFO, 'async handle %d is listed as completed but reads as running; it is announced '
                      'when it reads complete.' % handle)
            # still watched as running (its listed data is a result, not progress), so it cannot vanish unannounced
            self._running.setdefault(handle, dict(entry, data=None))
            return None
        success = state == COMPLETE
        return self._event(dict(entry, lastUpdateTime=answer.get('lastUpdateTime', entry.get('lastUpdateTime'))),
                           'complete', finished=True, success=success,
                           result=answer.get('result') if success else None,
                           error=None if success else answer.get('error'),
                           details=self._last_details(handle))

    def _listed_outcome(self, entry):
        """A finished job's event from its listing alone: data is the result on success, the error otherwise."""
        success = bool(entry.get('success'))
        data = entry.get('data')
        return self._event(entry, 'complete', finished=True, success=success,
                           result=data if success else None, error=None if success else data,
                           details=self._last_details(entry['asyncResultID']))

    def _gone_event(self, entry):
        handle = entry['asyncResultID']
        self._log(logging.WARNING, 'async handle %d left the cluster\'s list while it was running: another client '
                  'read its result without keepResult, or the job was cancelled. It is announced with status gone.'
                  % handle)
        return self._event(entry, GONE, finished=True, success=None, details=entry.get('data'))

    def _last_details(self, handle):
        seen = self._running.get(handle)
        return seen.get('data') if seen else None

    def _event(self, entry, status, finished, success, result=None, error=None, details=None):
        job = dict(
            async_handle=entry['asyncResultID'],
            status=status,
            finished=finished,
            success=success,
            result_type=entry.get('resultType'),
            result=result,
            error=error,
            details=details,
            create_time=entry.get('createTime'),
            last_update_time=entry.get('lastUpdateTime'),
            cluster=self.settings.cluster,
        )
        # A job's result comes from the cluster as it is: one that echoes the password must not show it.
        return dict(solidfire=redact_values(job, self.settings.connection.password))

    def _report_missing(self, listed):
        if self.settings.handles is None:
            return
        for handle in sorted(self.settings.handles - listed - self._missing_reported):
            self._missing_reported.add(handle)
            self._log(logging.INFO, 'async handle %d is not on the cluster (not yet started, or already consumed); '
                      'it is announced if it appears and finishes.' % handle)

    # ------------------------------------------------------------------------------------------ retries
    def _retrying(self, function, context, *args, **kwargs):
        """function's answer with transient faults retried for ROUND_RETRY_SECONDS; None when that time ran out.

        Raises ElementNeverReached when the cluster has not answered once since the watch began
        (FIRST_CONTACT_GRACE_SECONDS), Abandoned once stop() was called, and every fatal ElementError.
        """
        deadline = Deadline(ROUND_RETRY_SECONDS, self._clock, name='the retry time of one watch round')
        backoff = Backoff(FIRST_RETRY_DELAY, max(self.settings.interval, FIRST_RETRY_DELAY), self._rand)
        retrier = Retrier(deadline, backoff, sleep=self._sleep, abandoned=self._stopping.is_set,
                          on_retry=lambda text: self._log(logging.WARNING, '%s (%s)' % (text, context)),
                          contacted=self._contacted, since=self._started)
        try:
            return retrier.call(function, self._client.http_timeout, context, *args, **kwargs)
        except ElementGaveUp as exc:
            self._log(logging.WARNING, '%s. The source keeps watching and tries again in %s s.'
                      % (exc, self.settings.interval))
            self._gave_up = True
            return None
        finally:
            self._contacted = self._contacted or retrier.contacted

    def _log(self, level, text):
        self._logger.log(level, '%s: %s', self.settings.cluster, redact(text, self.settings.connection.password))


def _excerpt(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + '...'


def describe(exc, settings=None):
    """A fatal error as the one line that ends the source (redacted)."""
    secret = settings.connection.password if settings is not None else None
    return redact('solidfire.element.async_jobs stopped watching: %s' % (exc,), secret)


__all__ = ['JobWatch', 'WatchSettings', 'parse_args', 'describe', 'ElementError', 'SOURCE_SPEC', 'GONE']
