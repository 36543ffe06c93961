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

from ansible_collections.solidfire.element.plugins.module_utils._client import (
    ElementError,
    ElementHandleGone,
    ElementTransientError,
)

try:
    MONOTONIC = time.monotonic
except AttributeError:  # pragma: no cover - Python 2.7 targets
    MONOTONIC = time.time

# Outcome states of one handle.
COMPLETE = 'complete'   # finished with a result
ERROR = 'error'         # finished with an error object (the job failed)
RUNNING = 'running'     # still running when the deadline passed (or when not waiting)
GONE = 'gone'           # the handle does not exist (consumed or expired)
FATAL = 'fatal'         # the wait itself failed (credentials, endpoint, TLS, API error)
FINISHED_STATES = (COMPLETE, ERROR)

HEARTBEAT_SECONDS = 20.0
BACKOFF_FACTOR = 1.5
JITTER = 0.1
# Before the cluster has answered once, an unreachable endpoint is more likely a wrong hostname than a failover.
FIRST_CONTACT_GRACE_SECONDS = 60.0
RELEASE_ATTEMPTS = 3
# Seconds left for the final request when the deadline has (nearly) passed.
MIN_REQUEST_TIMEOUT = 1.0


class Backoff:
    """Capped exponential delays with downward jitter: never above the cap, never below (1 - JITTER) x base."""

    def __init__(self, initial, maximum, rand=random.random):
        self.initial = float(initial)
        self.maximum = float(max(maximum, initial))
        self._rand = rand
        self._base = self.initial

    def next_delay(self):
        delay = self._base * (1.0 - JITTER * self._rand())
        self._base = min(self._base * BACKOFF_FACTOR, self.maximum)
        return delay


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
        """Record a GetAsyncResult answer; return True when it differs in status or details from the last one."""
        previous = self.response or {}
        self.response = response
        if response.get('status') == 'complete':
            self.state = ERROR if response.get('error') is not None else COMPLETE
        else:
            self.state = RUNNING
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


class _Fatal(Exception):
    """Ends the wait for every handle not yet settled."""


class _Abandoned(Exception):
    """Nobody will receive the outcome: stop, and leave every handle as it is."""


class Waiter:
    """Waits on one or many async handles of one cluster.

    client: an ElementClient (anything with get_async_result and list_async_results).
    timeout: total seconds for the wait, measured on the monotonic clock, requests included.
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
        self._start = None
        self._deadline = None
        self._last_line = None
        self._contacted = False
        self.polls = 0
        self.transient_errors = 0
        self.last_transient = None

    # ----------------------------------------------------------------------------------------------- public
    def run(self, handles):
        self._start = self._clock()
        self._deadline = self._start + self.timeout
        self._last_line = self._start
        outcomes = [Outcome(handle) for handle in handles]
        timed_out = False
        try:
            timed_out = self._poll_until_settled(outcomes)
        except _Fatal as exc:
            for outcome in outcomes:
                if not outcome.finished and outcome.state != GONE:
                    outcome.state, outcome.message = FATAL, str(exc)
        except _Abandoned:
            self.abandoned = True
        if self.release and not (self.abandoned or self._abandoned()):
            self._release_finished(outcomes)
        return WaitReport(outcomes, self._elapsed(), self.polls, self.transient_errors, self.last_transient,
                          timed_out)

    # ----------------------------------------------------------------------------------------------- loop
    def _poll_until_settled(self, outcomes):
        """Poll rounds until nothing is running; return True when the deadline ended the wait."""
        poll_round = self._poll_one if len(outcomes) == 1 else self._poll_many
        while True:
            if self._abandoned():
                raise _Abandoned()
            try:
                poll_round(outcomes)
            except ElementTransientError as exc:
                self._note_transient(exc)
            if not any(self._pending(outcome) for outcome in outcomes):
                return False
            if not self.wait and all(outcome.state is not None for outcome in outcomes):
                return False  # without waiting, one successful read of each handle is enough
            if self._remaining() <= 0:
                return True
            self._sleep_with_heartbeat(min(self._backoff.next_delay(), self._remaining()), outcomes)

    @staticmethod
    def _pending(outcome):
        return outcome.state in (None, RUNNING)

    def _poll_one(self, outcomes):
        self._read(outcomes[0])

    def _poll_many(self, outcomes):
        """One ListAsyncResults for the round, then a full read only of handles that finished or are missing."""
        pending = [outcome for outcome in outcomes if self._pending(outcome)]
        self.polls += 1
        listed = dict((entry.get('asyncResultID'), entry) for entry in self._call(self.client.list_async_results))
        self._contacted = True
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
            'details': entry.get('data') if isinstance(entry.get('data'), dict) else None,
            'createTime': entry.get('createTime'),
            'lastUpdateTime': entry.get('lastUpdateTime'),
        }
        if outcome.observe(response):
            self._announce(outcome)

    def _read(self, outcome, count_poll=True):
        if count_poll:
            self.polls += 1
        try:
            response = self._call(self.client.get_async_result, outcome.handle, True)
        except ElementHandleGone as exc:
            self._contacted = True
            outcome.state = GONE
            outcome.message = str(exc)
            outcome.response = None  # an earlier 'running' answer no longer describes anything
            self._event('status', 'handle %s: gone (%s)' % (outcome.handle, exc.name))
            return
        self._contacted = True
        if outcome.observe(response):
            self._announce(outcome)

    def _call(self, function, *args):
        """Call the client with a request timeout that never outlives the deadline; classify what fails."""
        try:
            return function(*args, timeout=self._request_timeout())
        except ElementTransientError:
            raise
        except ElementHandleGone:
            raise
        except ElementError as exc:
            raise _Fatal(str(exc))

    def _note_transient(self, exc):
        self.transient_errors += 1
        self.last_transient = str(exc)
        self._event('retry', 'transient error, will retry: %s' % exc)
        if not exc.reached and not self._contacted and self._elapsed() >= FIRST_CONTACT_GRACE_SECONDS:
            raise _Fatal('The cluster never answered within %d s: %s. Check hostname, port and the network path.'
                         % (FIRST_CONTACT_GRACE_SECONDS, exc))

    # ----------------------------------------------------------------------------------------------- release
    def _release_finished(self, outcomes):
        for outcome in outcomes:
            if outcome.finished:
                self._release_one(outcome)

    def _release_one(self, outcome):
        """Read once more without keepResult: the cluster then deletes the result we already hold."""
        last_error = None
        for attempt in range(RELEASE_ATTEMPTS):
            try:
                self.client.get_async_result(outcome.handle, False, timeout=self.client.http_timeout)
            except ElementHandleGone:
                break  # someone (or our previous attempt) already deleted it: released all the same
            except ElementTransientError as exc:
                last_error = exc
                if attempt + 1 < RELEASE_ATTEMPTS:
                    self._sleep(self._backoff.initial)
                continue
            except ElementError as exc:
                last_error = exc
                break
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
    def _elapsed(self):
        return self._clock() - self._start

    def _remaining(self):
        return self._deadline - self._clock()

    def _request_timeout(self):
        return max(MIN_REQUEST_TIMEOUT, min(self.client.http_timeout, self._remaining()))

    def _sleep_with_heartbeat(self, seconds, outcomes):
        """Sleep, waking to print a heartbeat when no line was printed for HEARTBEAT_SECONDS."""
        wake = self._clock() + seconds
        while True:
            now = self._clock()
            if now >= wake:
                return
            if now - self._last_line >= HEARTBEAT_SECONDS:
                self._heartbeat(outcomes)
                continue
            self._sleep(min(wake - now, self._last_line + HEARTBEAT_SECONDS - now))

    def _heartbeat(self, outcomes):
        running = [str(outcome.handle) for outcome in outcomes if self._pending(outcome)]
        self._event('heartbeat', 'still waiting on handle%s %s after %d s (%d polls)'
                    % ('s' if len(running) > 1 else '', ', '.join(running), self._elapsed(), self.polls))

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
        self._on_event(kind, '%s [%.0fs]' % (text, self._elapsed()))
