# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module that starts a clone-type job shares (volume_clone, group_clone, volume_copy): one deadline
for the whole task, the start request that is never resent blind, the wait in the same task, the task frame.
Private to the collection.

A start method (CloneVolume, CloneMultipleVolumes, CopyVolume) is not idempotent on the wire: a request whose
answer was lost may have started the job all the same. So after a transient fault the task backs off, asks the
cluster whether the job exists now (the subclass's `started_meanwhile`), and only resends when it does not.
Waiting reuses the Waiter and the result builder of get_async_result.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there. Clock, sleep
and random source are injectable, so the retry logic is tested without sleeping.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random
import time

from ansible_collections.solidfire.element.plugins.module_utils._answers import COMPLETE
from ansible_collections.solidfire.element.plugins.module_utils._client import (
    ElementAPIError,
    ElementError,
    ElementTransientError,
)
from ansible_collections.solidfire.element.plugins.module_utils._common import (
    CONNECTION_SPEC,
    WAIT_SPEC,
    check_wait_params,
    connect,
    prepare_connection,
    run_with_client,
)
from ansible_collections.solidfire.element.plugins.module_utils._lookups import Lookups
from ansible_collections.solidfire.element.plugins.module_utils._results import sentences, task_result
from ansible_collections.solidfire.element.plugins.module_utils._retry import (
    MONOTONIC,
    Abandoned,
    Backoff,
    Deadline,
    Retrier,
)
from ansible_collections.solidfire.element.plugins.module_utils._waiter import Waiter

# The options every start module adds to the connection and wait options; `wait` defaults to false there, so a
# chained get_async_result task does the waiting unless asked otherwise.
START_WAIT_SPEC = dict(
    wait=dict(type='bool', default=False),
    keep_result=dict(type='bool', default=False),
    fail_on_error=dict(type='bool', default=True),
)

# Everything a start module takes besides its own options: the connection, the deadline and the wait.
START_TASK_SPEC = dict(CONNECTION_SPEC)
START_TASK_SPEC.update(WAIT_SPEC)
START_TASK_SPEC.update(START_WAIT_SPEC)

ABANDONED_MESSAGE = 'The controller that started this task is gone; stopped before sending anything more.'


def prepare_start(params):
    """(errors, Connection or None): the checks of START_TASK_SPEC's options, each option parsed once."""
    errors, connection = prepare_connection(params)
    return errors + check_wait_params(params), connection


class StartFailed(ElementError):
    """The job cannot be started (or found); str() is the message for the user."""


class Starter:
    """One start task against one cluster; subclasses implement run() and the hooks of start().

    client: an ElementClient (call, list_async_results, list_sync_jobs, get_async_result, http_timeout).
    params: argspec-validated options (the wait options among them); check_mode: never send the start method.
    on_event, abandoned: as for Waiter (progress lines; stop without releasing once nobody gets the result).
    """

    def __init__(self, client, params, check_mode=False, clock=MONOTONIC, sleep=time.sleep, rand=random.random,
                 on_event=None, abandoned=None, client_factory=connect):
        self.client = client
        self.client_factory = client_factory  # for a task that talks to a second cluster too (volume_backup)
        self.params = params
        self.check_mode = check_mode
        self._clock = clock
        self._sleep = sleep
        self._rand = rand
        self._on_event = on_event or (lambda kind, text: None)
        self._abandoned = abandoned
        self._deadline = Deadline(params['wait_timeout'], clock)
        # Lookups and the start request share the task's deadline with the wait that may follow.
        self._retrier = Retrier(self._deadline, Backoff(params['poll_interval'], params['max_poll_interval'], rand),
                                sleep, on_retry=lambda text: self._on_event('retry', text), abandoned=abandoned)
        self.lookups = Lookups(client, self._retrier)
        self.start_requests = 0
        self.warnings = []

    @property
    def transient_errors(self):
        return self._retrier.transient_errors

    @property
    def last_transient(self):
        return self._retrier.last_transient

    # ----------------------------------------------------------------------------------------------- start
    def start(self, method, request, context, client=None, meanwhile=None):
        """Send `method`; return (answer, None), or (None, found) when a retry found the job started meanwhile.

        On a transient error: back off, ask started_meanwhile() (or `meanwhile`), and resend only when it found
        nothing. context() says what is being started, for the message when the deadline ends the retries. client:
        another cluster's (a bulk volume job between clusters starts one side there); by default the task's.
        """
        client = client or self.client
        meanwhile = meanwhile or self.started_meanwhile
        while True:
            # Before every send: a job started for a controller that is gone would reach nobody.
            self._retrier.check_abandoned()
            try:
                self.start_requests += 1
                return self._retrier.attempt(client.call, client.http_timeout, method, request), None
            except ElementTransientError as exc:
                self._retrier.note_transient(exc)
            except ElementAPIError as exc:
                raise StartFailed(self.start_error_message(exc))
            self._retrier.pause('%s (%s sent %d times)' % (context(), method, self.start_requests))
            # The failed request may have started the job all the same (an answer lost on the way back).
            found = meanwhile()
            if found is not None:
                return None, found

    def started_meanwhile(self):
        """After a failed start request: what shows the job was started all the same, or None."""
        raise NotImplementedError

    def close(self):
        """What the task opened besides its client (a second cluster's), once it is done."""

    def waits_on(self, fields):
        """Whether, with wait: true, there is something to wait for: by default a job's handle."""
        return fields['async_handle'] is not None

    def start_error_message(self, exc):
        """The message for an API error the start method answered."""
        raise NotImplementedError

    # ----------------------------------------------------------------------------------------------- wait
    def wait(self, fields, release, identity=None):
        """Wait on fields['async_handle'] with the same Waiter and result builder as get_async_result.

        identity: the CloneIdentity of the job from its start answer, so its progress is read from ListSyncJobs
        from the first round on. Returns (merged fields, whether the job completed successfully).
        """
        self._on_event('status', fields['msg'])
        waiter = Waiter(
            self.client,
            timeout=max(0.0, self._deadline.remaining()),
            poll_interval=self.params['poll_interval'],
            max_poll_interval=self.params['max_poll_interval'],
            wait=True,
            release=release,
            clock=self._clock,
            sleep=self._sleep,
            rand=self._rand,
            on_event=self._on_event,
            abandoned=self._abandoned,
        )
        handle = fields['async_handle']
        report = waiter.run([handle], identities={handle: identity} if identity is not None else None)
        waited = task_result(report, many=False, params=self.params)
        result = dict(fields)
        result.update(waited)
        result['changed'] = fields['changed'] or waited['changed']
        result['msg'] = sentences(fields['msg'], waited['msg'])
        return result, report.outcomes[0].state == COMPLETE


def start_task(starter_class):
    """The run function of a start module's TaskSpec: start (or find) the job, then wait when asked.

    starter_class(client, params, check_mode=..., hooks..., **prepared.values) is a Starter whose run() returns
    the start fields and finish(fields, release) the fields after the wait. The check-mode policy of the wait is
    decided here only: nothing is waited on (and the starter sends no start request).
    """

    def run(params, prepared, check_mode=False, client_factory=connect, clock=MONOTONIC, sleep=time.sleep,
            rand=random.random, on_event=None, abandoned=None):
        wait = params['wait'] and not check_mode
        release = not params['keep_result']

        def work(client):
            starter = starter_class(client, params, check_mode=check_mode, clock=clock, sleep=sleep, rand=rand,
                                    on_event=on_event, abandoned=abandoned, client_factory=client_factory,
                                    **prepared.values)
            try:
                result = starter.run()
                if wait and starter.waits_on(result):
                    result = starter.finish(result, release=release)
            except ElementError as exc:
                result = dict(failed=True, changed=False, msg=str(exc))
            except Abandoned:
                result = dict(failed=True, changed=False, msg=ABANDONED_MESSAGE)
            finally:
                starter.close()
            if starter.warnings:
                result['warnings'] = list(starter.warnings) + result.get('warnings', [])
            return result

        return run_with_client(prepared.connection, work, client_factory=client_factory)

    return run
