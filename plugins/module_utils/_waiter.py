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
from ansible_collections.solidfire.element.plugins.module_utils._progress import aggregate, clone_identity, describe
from ansible_collections.solidfire.element.plugins.module_utils._retry import (
    MIN_USEFUL_TIMEOUT,
    MONOTONIC,
    Abandoned,
    Backoff,
    Deadline,
    OutOfTime,
    Retrier,
)
from ansible_collections.solidfire.element.plugins.module_utils._schedule import END_MARGIN, Schedule

HEARTBEAT_SECONDS = 20.0
RELEASE_ATTEMPTS = 3
# A clone job whose sync entries were looked for this many rounds in a row without a hit is read directly.
SYNC_MISSES = 2
# After this many reads at a predicted end that found the clone still running, its estimates are not used.
ESTIMATE_MISSES = 6
# Sleeps shorter than this are skipped: time that small may not even move a clock's float value.
SLEEP_RESOLUTION = 1e-3


class Outcome:
    """What is known about one handle: its state, the last API answer for it, and what happened to it."""

    __slots__ = ('handle', 'state', 'response', 'message', 'released', 'release_warning',
                 'identity', 'progress', 'predicted_end', 'sync_misses', 'best_percent', 'estimate_misses',
                 'recheck')

    def __init__(self, handle, identity=None):
        self.handle = handle
        self.state = None
        self.response = None
        self.message = None
        self.released = False
        self.release_warning = None
        self.identity = identity  # the clone it fills (CloneIdentity), once known
        self.progress = None  # the last aggregated ListSyncJobs figures
        self.predicted_end = None  # clock time the clone should end, from its remainingTime
        self.sync_misses = 0
        self.best_percent = None
        self.estimate_misses = 0  # reads at a predicted end that found the clone still running
        self.recheck = False  # after such a read: the next round reads the sync figures, not the handle

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
        if self.state == RUNNING:
            self.identity = clone_identity(self.response, known=self.identity)
        else:
            self.predicted_end = None
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

    client: an ElementClient (get_async_result, list_async_results, list_sync_jobs and http_timeout).
    timeout: total seconds for the wait, measured on the monotonic clock, requests and the release included.
    wait: False means a single read of each handle, no sleeping.
    release: read each finished handle once more with keepResult false, after its outcome is held.
    on_event: callback(kind, text) for progress lines: 'status', 'progress', 'heartbeat', 'retry', 'release'.
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
        self._schedule = Schedule(poll_interval, max_poll_interval, self._backoff)
        self._on_event = on_event or (lambda kind, text: None)
        self._abandoned = abandoned or (lambda: False)
        self.abandoned = False
        self._deadline = None
        self._retrier = None
        self._last_line = None
        self._sync_usable = True  # until ListSyncJobs is refused (an older API or a limited user)
        self.polls = 0
        self.requests = 0

    # ----------------------------------------------------------------------------------------------- public
    def run(self, handles, identities=None):
        """Wait on handles; identities: {handle: CloneIdentity} known from a start answer (volume_clone)."""
        self._deadline = Deadline(self.timeout, self._clock)
        self._retrier = Retrier(self._deadline, self._backoff, self._sleep,
                                on_retry=lambda text: self._event('retry', text), abandoned=self._abandoned)
        self._last_line = self._deadline.start
        outcomes = [Outcome(handle, identity=(identities or {}).get(handle)) for handle in handles]
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
        while True:
            self._retrier.check_abandoned()
            try:
                self._poll_round(outcomes)
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
            predicted_in, measured = self._prediction(outcomes)
            delay = self._schedule.next_delay(self._deadline.elapsed(), self.requests, predicted_in, measured=measured)
            self._sleep_with_heartbeat(min(delay, remaining), outcomes)

    @staticmethod
    def _pending(outcome):
        return outcome.state in (None, RUNNING)

    def _poll_round(self, outcomes):
        """One round: GetAsyncResult for clones whose predicted end has passed, one ListSyncJobs for the other
        clones with sync figures (it is their liveness check), then the reads the other handles need."""
        self.polls += 1
        pending = [outcome for outcome in outcomes if self._pending(outcome)]
        tracked = [outcome for outcome in pending if self.wait and self._tracks(outcome)]
        now = self._clock()
        due = [outcome for outcome in tracked if outcome.predicted_end is not None and now >= outcome.predicted_end
               and not outcome.recheck]
        to_read = due + self._check_sync_progress([outcome for outcome in tracked if outcome not in due])
        untracked = [outcome for outcome in pending if outcome not in tracked]
        if len(outcomes) > 1 and untracked:
            self._poll_many(untracked)
        else:
            to_read += untracked
        for outcome in to_read:
            self._read(outcome)
        for outcome in due:
            if outcome.state == RUNNING:
                self._missed_end(outcome)

    def _tracks(self, outcome):
        """Whether ListSyncJobs stands in for this handle's read: a clone seen running at least once (a direct
        read confirms the handle exists and gives its times), whose sync entries keep being found."""
        return (self._sync_usable and outcome.state == RUNNING and outcome.identity is not None
                and outcome.sync_misses < SYNC_MISSES)

    def _check_sync_progress(self, tracked):
        """Note the figures of every tracked clone; return those to read: their sync is over."""
        if not tracked:
            return []
        try:
            sync_jobs = self._request(self.client.list_sync_jobs)
        except ElementTransientError:
            raise
        except ElementError as exc:
            self._sync_usable = False
            self._event('status', 'no clone progress from ListSyncJobs (%s): polling GetAsyncResult' % (exc,))
            return list(tracked)
        now = self._clock()
        to_read = []
        for outcome in tracked:
            progress = aggregate(sync_jobs, outcome.identity)
            if progress is None:
                outcome.sync_misses += 1
                outcome.predicted_end = None
                to_read.append(outcome)
            else:
                outcome.sync_misses = 0
                self._note_progress(outcome, progress, now)
            outcome.recheck = False
        return to_read

    def _note_progress(self, outcome, progress, now):
        """Keep the figures, predict the end (unless the figures went backwards or the estimates have proved
        wrong too often), print a line when they moved."""
        previous = outcome.progress
        outcome.progress = progress
        if outcome.identity.clone_id is None and progress.get('clone_id') is not None:
            outcome.identity.clone_id = progress['clone_id']  # matched by volume: now known by its cloneID too
        percent = progress.get('percent_complete')
        backwards = percent is not None and outcome.best_percent is not None and percent < outcome.best_percent
        if percent is not None and not backwards:
            outcome.best_percent = percent
        remaining = progress.get('remaining_time')
        trusted = remaining is not None and not backwards and outcome.estimate_misses < ESTIMATE_MISSES
        outcome.predicted_end = now + remaining if trusted else None
        if previous is None or int(previous.get('percent_complete') or 0) != int(percent or 0):
            self._event('progress', describe(outcome.handle, outcome.identity, progress))

    def _missed_end(self, outcome):
        """Read at its predicted end, the clone still runs: its end is near, so its sync figures are read again
        soon (a few quick reads), until its estimates have proved wrong too often."""
        outcome.estimate_misses += 1
        passed = self._clock() - 2 * END_MARGIN
        outcome.predicted_end = passed if outcome.estimate_misses < ESTIMATE_MISSES else None
        outcome.recheck = outcome.predicted_end is not None

    def _prediction(self, outcomes):
        """(seconds to the earliest predicted end, whether it was measured), or (None, False)."""
        ends = [(outcome.predicted_end, bool((outcome.progress or {}).get('remaining_measured')))
                for outcome in outcomes if self._pending(outcome) and outcome.predicted_end is not None
                and self._tracks(outcome)]
        if not ends:
            return None, False
        end, measured = min(ends)
        return end - self._clock(), measured

    def _poll_many(self, outcomes):
        """One ListAsyncResults for these handles, then a full read only of those that finished or are missing."""
        entries = self._request(self.client.list_async_results)
        listed = dict((entry.get('asyncResultID'), entry) for entry in entries if isinstance(entry, dict))
        for outcome in outcomes:
            entry = listed.get(outcome.handle)
            if entry is None or entry.get('completed'):
                # Missing from the list: confirm with a direct read, which tells "gone" from a lagging list.
                self._read(outcome)
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

    def _read(self, outcome):
        try:
            response = self._request(self.client.get_async_result, outcome.handle, keep_result=True)
        except ElementHandleGone as exc:
            outcome.state = GONE
            outcome.message = str(exc)
            outcome.response = None  # an earlier 'running' answer no longer describes anything
            self._event('status', 'handle %s: gone (%s)' % (outcome.handle, exc.name))
            return
        if outcome.observe(response):
            self._announce(outcome)

    def _request(self, function, *args, **kwargs):
        self.requests += 1
        return self._retrier.attempt(function, self.client.http_timeout, *args, **kwargs)

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
        elif outcome.state == RUNNING and response.get('details') and outcome.progress is None:
            text += ' %s' % (response.get('details'),)
        self._event('status', text)

    def _event(self, kind, text):
        self._last_line = self._clock()
        self._on_event(kind, '%s [%.0fs]' % (text, self._deadline.elapsed()))
