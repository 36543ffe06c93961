# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wait loop for Element async handles: poll, classify, back off, release.

Private to the collection. Pure Python with an injectable clock, sleep and random source, so its tests run
without sleeping; it never imports Ansible and never speaks HTTP itself (it is given an ElementClient).
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.

Rules it keeps: every poll reads with keepResult true; a handle is released (read with keepResult false) only
after its outcome is held in memory and only when asked to; transient faults are retried inside one monotonic
deadline that also counts the time spent inside requests; fatal faults end the wait at once.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random
import time

from ansible_collections.solidfire.element.plugins.module_utils._answers import (
    ERROR,
    FATAL,
    FINISHED_STATES,
    GONE,
    RUNNING,
    interpret,
)
from ansible_collections.solidfire.element.plugins.module_utils._client import (
    ElementError,
    ElementHandleGone,
    ElementTransientError,
)
from ansible_collections.solidfire.element.plugins.module_utils._retry import (
    MIN_USEFUL_TIMEOUT,
    MONOTONIC,
    Abandoned,
    Backoff,
    Deadline,
    OutOfTime,
    Retrier,
)

HEARTBEAT_SECONDS = 20.0
RELEASE_ATTEMPTS = 3
# Sleeps shorter than this are skipped: time that small may not even move a clock's float value.
SLEEP_RESOLUTION = 1e-3


class Outcome:
    """What is known about one handle: its state, the last API answer for it, and what happened to it."""

    __slots__ = ('handle', 'state', 'response', 'message', 'released', 'release_warning')

    def __init__(self, handle):
        self.handle = handle
        self.state = None
        self.response = None
        self.message = None
        self.released = False
        self.release_warning = None

    @property
    def finished(self):
        return self.state in FINISHED_STATES

    def observe(self, response):
        """Record a GetAsyncResult answer; return True when it differs in status or details from the last one.

        An answer that cannot be read safely is kept (so the task shows what came) and raised.
        """
        previous = self.response or {}
        try:
            self.state, self.response = interpret(self.handle, response)
        except ElementError:
            self.response = response
            raise
        return (previous.get('status'), previous.get('details')) != (response.get('status'), response.get('details'))


class WaitReport:
    """The outcome of one wait: per-handle outcomes in input order, plus counters for the returned result."""

    def __init__(self, outcomes, elapsed, polls, transient_errors, last_transient, timed_out):
        self.outcomes = outcomes
        self.elapsed = elapsed
        self.polls = polls
        self.transient_errors = transient_errors
        self.last_transient = last_transient
        self.timed_out = timed_out

    @property
    def finished(self):
        return all(outcome.finished for outcome in self.outcomes)


class Waiter:
    """Waits on one or many async handles of one cluster.

    client: an ElementClient (anything with get_async_result, list_async_results and http_timeout).
    timeout: total seconds for the wait, measured on the monotonic clock, requests and the release included.
    wait: False means a single read of each handle, no sleeping.
    release: read each finished handle once more with keepResult false, after its outcome is held.
    on_event: callback(kind, text) for progress lines: 'status', 'heartbeat', 'retry', 'release'.
    abandoned: callback() that is True once nobody can receive the outcome (the controller that started this
      wait was killed); the wait then stops and never releases, so a re-run still finds the result.
    """

    def __init__(self, client, timeout, poll_interval, max_poll_interval, wait=True, release=False,
                 clock=MONOTONIC, sleep=time.sleep, rand=random.random, on_event=None, abandoned=None):
        self.client = client
        self.timeout = float(timeout)
        self.wait = wait
        self.release = release
        self._clock = clock
        self._sleep = sleep
        self._backoff = Backoff(poll_interval, max_poll_interval, rand)
        self._on_event = on_event or (lambda kind, text: None)
        self._abandoned = abandoned or (lambda: False)
        self.abandoned = False
        self._deadline = None
        self._retrier = None
        self._last_line = None
        self.polls = 0

    # ----------------------------------------------------------------------------------------------- public
    def run(self, handles):
        self._deadline = Deadline(self.timeout, self._clock)
        self._retrier = Retrier(self._deadline, self._backoff, self._sleep,
                                on_retry=lambda text: self._event('retry', text), abandoned=self._abandoned)
        self._last_line = self._deadline.start
        outcomes = [Outcome(handle) for handle in handles]
        timed_out = False
        try:
            timed_out = self._poll_until_settled(outcomes)
        except ElementError as exc:
            for outcome in outcomes:
                if not outcome.finished and outcome.state != GONE:
                    outcome.state, outcome.message = FATAL, str(exc)
        except Abandoned:
            self.abandoned = True
        if self.release and not (self.abandoned or self._abandoned()):
            self._release_finished(outcomes)
        last = self._retrier.last_transient
        return WaitReport(outcomes, self._deadline.elapsed(), self.polls, self._retrier.transient_errors,
                          str(last) if last is not None else None, timed_out=timed_out)

    # ----------------------------------------------------------------------------------------------- loop
    def _poll_until_settled(self, outcomes):
        """Poll rounds until nothing is running; return True when the deadline ended the wait.

        Transient faults are counted and retried; any other ElementError ends the wait.
        """
        poll_round = self._poll_one if len(outcomes) == 1 else self._poll_many
        while True:
            self._retrier.check_abandoned()
            try:
                poll_round(outcomes)
            except OutOfTime:
                return True
            except ElementTransientError as exc:
                self._retrier.note_transient(exc)
            if not any(self._pending(outcome) for outcome in outcomes):
                return False
            if not self.wait and all(outcome.state is not None for outcome in outcomes):
                return False  # without waiting, one successful read of each handle is enough
            remaining = self._deadline.remaining()
            if remaining <= 0:
                return True
            self._sleep_with_heartbeat(min(self._backoff.next_delay(), remaining), outcomes)

    @staticmethod
    def _pending(outcome):
        return outcome.state in (None, RUNNING)

    def _poll_one(self, outcomes):
        self._read(outcomes[0])

    def _poll_many(self, outcomes):
        """One ListAsyncResults for the round, then a full read only of handles that finished or are missing."""
        pending = [outcome for outcome in outcomes if self._pending(outcome)]
        self.polls += 1
        entries = self._retrier.attempt(self.client.list_async_results, self.client.http_timeout)
        listed = dict((entry.get('asyncResultID'), entry) for entry in entries if isinstance(entry, dict))
        for outcome in pending:
            entry = listed.get(outcome.handle)
            if entry is None or entry.get('completed'):
                # Missing from the list: confirm with a direct read, which tells "gone" from a lagging list.
                self._read(outcome, count_poll=False)
            else:
                self._note_running_entry(outcome, entry)

    def _note_running_entry(self, outcome, entry):
        response = {
            'status': 'running',
            'resultType': entry.get('resultType'),
            'details': entry.get('data'),
            'createTime': entry.get('createTime'),
            'lastUpdateTime': entry.get('lastUpdateTime'),
        }
        if outcome.observe(response):
            self._announce(outcome)

    def _read(self, outcome, count_poll=True):
        if count_poll:
            self.polls += 1
        try:
            response = self._retrier.attempt(self.client.get_async_result, self.client.http_timeout,
                                             outcome.handle, keep_result=True)
        except ElementHandleGone as exc:
            outcome.state = GONE
            outcome.message = str(exc)
            outcome.response = None  # an earlier 'running' answer no longer describes anything
            self._event('status', 'handle %s: gone (%s)' % (outcome.handle, exc.name))
            return
        if outcome.observe(response):
            self._announce(outcome)

    # ----------------------------------------------------------------------------------------------- release
    def _release_finished(self, outcomes):
        for outcome in outcomes:
            if outcome.finished:
                self._release_one(outcome)

    def _release_one(self, outcome):
        """Read once more without keepResult: the cluster then deletes the result we already hold.

        A "gone" answer means the cluster has deleted it: an earlier attempt whose answer was lost did, or someone
        else. Either way it is released. Releases end by the deadline plus FINAL_GRACE_SECONDS: one that cannot is
        not tried, and the result stays on the cluster (with a warning), never lost.
        """
        last_error = None
        for attempt in range(RELEASE_ATTEMPTS):
            timeout = self._deadline.final_timeout(self.client.http_timeout)
            if timeout < MIN_USEFUL_TIMEOUT:
                last_error = last_error or 'no time was left before wait_timeout ended'
                break
            try:
                self.client.get_async_result(outcome.handle, keep_result=False, timeout=timeout)
            except ElementHandleGone:
                last_error = None
            except ElementTransientError as exc:
                last_error = exc
                if attempt + 1 < RELEASE_ATTEMPTS and self._deadline.remaining() > self._backoff.initial:
                    self._sleep(self._backoff.initial)
                    continue
            except ElementError as exc:
                last_error = exc
            else:
                last_error = None
            break
        if last_error is None:
            outcome.released = True
            self._event('release', 'handle %s: released' % outcome.handle)
        else:
            outcome.release_warning = ('handle %s: its result was read and is returned, but releasing it on the '
                                       'cluster failed (%s); it stays until read without keepResult.'
                                       % (outcome.handle, last_error))

    # ----------------------------------------------------------------------------------------------- time
    def _sleep_with_heartbeat(self, seconds, outcomes):
        """Sleep, waking to print a heartbeat when no line was printed for HEARTBEAT_SECONDS."""
        wake = self._clock() + seconds
        while True:
            now = self._clock()
            left = wake - now
            if left < SLEEP_RESOLUTION:
                return
            until_heartbeat = self._last_line + HEARTBEAT_SECONDS - now
            if until_heartbeat < SLEEP_RESOLUTION:
                self._heartbeat(outcomes)
                continue
            self._sleep(min(left, until_heartbeat))

    def _heartbeat(self, outcomes):
        running = [str(outcome.handle) for outcome in outcomes if self._pending(outcome)]
        self._event('heartbeat', 'still waiting on handle%s %s after %d s (%d polls)'
                    % ('s' if len(running) > 1 else '', ', '.join(running), self._deadline.elapsed(), self.polls))

    # ----------------------------------------------------------------------------------------------- events
    def _announce(self, outcome):
        response = outcome.response
        text = 'handle %s: %s' % (outcome.handle, response.get('status'))
        if outcome.state == ERROR:
            error = response.get('error') or {}
            text += ' with error %s' % (error.get('name') or error)
        elif outcome.state == RUNNING and response.get('details'):
            text += ' %s' % (response.get('details'),)
        self._event('status', text)

    def _event(self, kind, text):
        self._last_line = self._clock()
        self._on_event(kind, '%s [%.0fs]' % (text, self._deadline.elapsed()))
