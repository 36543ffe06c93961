# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wait loop for Element async handles: poll, classify, back off, release.

Private to the collection. Pure Python with an injectable clock, sleep and random source, so its tests run
without sleeping; it never imports Ansible and never speaks HTTP itself (it is given an ElementClient).
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.

Rules it keeps: every poll reads with keepResult true; a finished result is read as soon as a round sees it, and
that read never delays the next round (the rate rule counts polling rounds only); a handle is released (read
with keepResult false) only after every outcome of the wait is held in memory and only when asked to; transient
faults are retried inside one monotonic deadline that also counts the time spent inside requests; fatal faults
end the wait at once.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random
import time

from ansible_collections.solidfire.element.plugins.module_utils import _burst
from ansible_collections.solidfire.element.plugins.module_utils._answers import (
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
    secret_values,
)
from ansible_collections.solidfire.element.plugins.module_utils._progress import (
    PROGRESS_LISTINGS,
    describe,
    identity_of,
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
from ansible_collections.solidfire.element.plugins.module_utils._schedule import Schedule
from ansible_collections.solidfire.element.plugins.module_utils._tracking import JobTrack, figures_of
from ansible_collections.solidfire.element.plugins.module_utils._wait_lines import Lines

RELEASE_ATTEMPTS = 3
# Up to this many handles a round must look at are read one by one; more, or any job without figures in a wait on
# several handles, and one ListAsyncResults looks at them all.
DIRECT_READS = 4
# Sleeps shorter than this are skipped: time that small may not even move a clock's float value.
SLEEP_RESOLUTION = 1e-3


class Outcome:
    """What is known about one handle: its state, the last API answer for it, and what happened to it."""

    __slots__ = ('handle', 'state', 'response', 'message', 'released', 'release_warning', 'track', 'secrets')

    def __init__(self, handle, identity=None):
        self.handle = handle
        self.state = None
        self.response = None
        self.message = None
        self.released = False
        self.release_warning = None
        self.track = JobTrack(identity) if identity is not None else None  # what names its figures, once known
        self.secrets = set()  # what the cluster echoed of the job's secrets (a bulk volume job's script parameters)

    @property
    def finished(self):
        return self.state in FINISHED_STATES

    @property
    def pending(self):
        return self.state in (None, RUNNING)

    @property
    def progress(self):
        """The clone's last ListSyncJobs figures, or None."""
        return self.track.progress if self.track is not None else None

    def observe(self, response):
        """Record a GetAsyncResult answer; return True when it differs in status or details from the last one.

        An answer that cannot be read safely is kept (so the task shows what came) and raised.
        """
        previous = self.response or {}
        self.secrets |= secret_values(response)
        try:
            self.state, self.response = interpret(self.handle, response)
        except ElementError:
            self.response = response
            raise
        if self.state == RUNNING and self.track is None:
            identity = identity_of(self.response)
            if identity is not None:
                self.track = JobTrack(identity)
        elif self.state != RUNNING and self.track is not None:
            self.track.predicted_end = None
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

    client: an ElementClient (get_async_result, list_async_results, list_sync_jobs, list_bulk_volume_jobs (for a
      bulk volume job), http_timeout, and sibling()
      when connections > 1).
    timeout: total seconds for the wait, measured on the monotonic clock, requests and the release included.
    wait: False means a single read of each handle, no sleeping.
    release: read each finished handle once more with keepResult false, after every outcome is held.
    connections: how many keep-alive connections a burst of reads or releases may use (see _burst.py).
    on_event: callback(kind, text) for progress lines (kinds in _wait_lines.py).
    abandoned: callback() that is True once nobody can receive the outcome (the controller that started this
      wait was killed); the wait then stops and never releases, so a re-run still finds the result.
    """

    def __init__(self, client, timeout, poll_interval, max_poll_interval, wait=True, release=False,
                 clock=MONOTONIC, sleep=time.sleep, rand=random.random, on_event=None, abandoned=None,
                 connections=1):
        self.client = client
        self.timeout = float(timeout)
        self.wait = wait
        self.release = release
        self.connections = max(1, int(connections))
        self._clock = clock
        self._sleep = sleep
        self._backoff = Backoff(poll_interval, max_poll_interval, rand)
        self._schedule = Schedule(poll_interval, max_poll_interval, self._backoff)
        self._on_event = on_event
        self._abandoned = abandoned or (lambda: False)
        self.abandoned = False
        self._deadline = None
        self._retrier = None
        self._lines = None
        self._siblings = []
        self._unusable = set()  # listings refused (an older API or a limited user): their jobs are polled
        self.polls = 0

    # ----------------------------------------------------------------------------------------------- public
    def run(self, handles, identities=None):
        """Wait on handles; identities: {handle: identity} known from a start answer (CloneIdentity from
        volume_clone, BulkIdentity from volume_backup, ...)."""
        self._deadline = Deadline(self.timeout, self._clock)
        self._lines = Lines(len(handles), self._deadline, self._on_event)
        self._retrier = Retrier(self._deadline, self._backoff, self._sleep,
                                on_retry=lambda text: self._lines.emit('retry', text), abandoned=self._abandoned)
        outcomes = [Outcome(handle, identity=(identities or {}).get(handle)) for handle in handles]
        timed_out = False
        try:
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
        finally:
            for sibling in self._siblings:
                sibling.close()
            self._siblings = []
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
            if not any(outcome.pending for outcome in outcomes):
                self._lines.summary(outcomes, None)
                return False
            if not self.wait and all(outcome.state is not None for outcome in outcomes):
                return False  # without waiting, one successful read of each handle is enough
            remaining = self._deadline.remaining()
            if remaining <= 0:
                return True
            delay, predicted_in = self._next_delay(outcomes)
            self._lines.summary(outcomes, predicted_in)
            self._sleep_with_heartbeat(min(delay, remaining), outcomes)

    def _next_delay(self, outcomes):
        """(seconds until the next round, seconds until the nearest predicted end or None)."""
        now = self._clock()
        pending = [outcome for outcome in outcomes if outcome.pending]
        followed = [outcome.track for outcome in pending if self._follows(outcome)]
        wanted = [value for value in (track.wanted_in(now) for track in followed) if value is not None]
        ends = [track.predicted_end - now for track in followed if track.predicted_end is not None]
        delay = self._schedule.next_delay(
            self._deadline.elapsed(), self.polls,
            wanted_in=min(wanted) if wanted else None,
            unestimated=len(wanted) < len(pending),
            horizon=max(ends) if ends else None)
        ahead = [end for end in ends if end > 0]
        return delay, (min(ahead) if ahead else None)

    def _poll_round(self, outcomes):
        """One round. Clones followed through ListSyncJobs: one ListSyncJobs for all of them (or, when every one is
        due and there are few, a read of each handle); then the handles that need a look, one by one when few,
        else with one ListAsyncResults; then a read of every result found finished."""
        self.polls += 1
        now = self._clock()
        pending = [outcome for outcome in outcomes if outcome.pending]
        followed = [outcome for outcome in pending if self._follows(outcome)]
        due = [outcome for outcome in followed if outcome.track.due(now)]
        if followed and len(due) == len(followed) and len(due) <= DIRECT_READS:
            to_look = list(due)  # nothing else needs the figures this round: the handles say whether they ended
        else:
            due = []
            to_look = self._check_sync_progress(followed)
        others = [outcome for outcome in pending if outcome not in followed]
        if len(outcomes) > 1 and (others or len(to_look) > DIRECT_READS):
            self._look_by_listing(to_look + others)
        else:
            self._read_all(to_look + others)
        for outcome in due:
            if outcome.state == RUNNING:
                outcome.track.missed_end(self._clock())

    def _follows(self, outcome):
        """Whether the job's figures stand in for this handle's read: a job seen running at least once (a direct
        read or a listing confirms the handle exists and gives its times), whose figures keep being found, in a
        listing the user may read."""
        return (self.wait and outcome.state == RUNNING and outcome.track is not None and outcome.track.followed
                and outcome.track.identity.source not in self._unusable)

    def _check_sync_progress(self, followed):
        """Note the figures of every followed job (one call per listing they are in); return those whose handle to
        look at: their figures are gone (the clone's sync, the bulk volume job, the data movement is over)."""
        to_look = []
        for source in sorted(set(outcome.track.identity.source for outcome in followed)):
            mine = [outcome for outcome in followed if outcome.track.identity.source == source]
            to_look += self._check_listing(source, mine)
        return to_look

    def _check_listing(self, source, followed):
        method, name = PROGRESS_LISTINGS[source]
        try:
            entries = self._request(getattr(self.client, method))
        except ElementTransientError:
            raise
        except ElementError as exc:
            self._unusable.add(source)
            self._lines.emit('status', 'no progress figures from %s (%s): polling GetAsyncResult' % (name, exc))
            return list(followed)
        now = self._clock()
        figures = figures_of(entries, [outcome.track for outcome in followed])
        to_look = []
        for outcome in followed:
            progress = figures[id(outcome.track)]
            if progress is None:
                outcome.track.missing()
                to_look.append(outcome)
            elif outcome.track.note(progress, now):
                self._lines.emit_progress(describe(outcome.handle, outcome.track.identity, progress))
        return to_look

    def _look_by_listing(self, outcomes):
        """One ListAsyncResults for these handles, then a read of those that finished or are missing. Only their
        entries are held: a cluster that keeps 100,000 results costs the parse, not the memory."""
        wanted = set(outcome.handle for outcome in outcomes)
        entries = self._request(self.client.list_async_results,
                                shape=lambda entry: entry if entry.get('asyncResultID') in wanted else None)
        listed = dict((entry.get('asyncResultID'), entry) for entry in entries if isinstance(entry, dict))
        to_read = []
        for outcome in outcomes:
            entry = listed.get(outcome.handle)
            if entry is None or entry.get('completed'):
                # Missing from the list: confirm with a direct read, which tells "gone" from a lagging list.
                to_read.append(outcome)
            else:
                self._note_running_entry(outcome, entry)
        self._read_all(to_read)

    def _note_running_entry(self, outcome, entry):
        response = {
            'status': 'running',
            'resultType': entry.get('resultType'),
            'details': entry.get('data'),
            'createTime': entry.get('createTime'),
            'lastUpdateTime': entry.get('lastUpdateTime'),
        }
        if outcome.observe(response):
            self._lines.announce(outcome)

    def _read_all(self, outcomes):
        """A kept read of each, over a few connections when there are many; every answer is recorded before the
        first failure (if any) is raised."""
        if len(outcomes) <= 1 or self.connections <= 1:
            for outcome in outcomes:
                self._read(outcome)
            return
        answers = _burst.each(self._kept_read, outcomes, self._clients(len(outcomes)),
                              stop=self._abandoned)
        first_error = None
        for outcome, response, exc in answers:
            try:
                if exc is not None:
                    raise exc
                self._observe(outcome, response)
            except ElementHandleGone as gone:
                self._gone(outcome, gone)
            except ElementError as error:
                first_error = first_error or error
        if first_error is not None:
            raise first_error

    def _kept_read(self, client, outcome):
        return self._retrier.attempt(client.get_async_result, self.client.http_timeout, outcome.handle,
                                     keep_result=True)

    def _read(self, outcome):
        try:
            response = self._request(self.client.get_async_result, outcome.handle, keep_result=True)
        except ElementHandleGone as exc:
            self._gone(outcome, exc)
            return
        self._observe(outcome, response)

    def _observe(self, outcome, response):
        if outcome.observe(response):
            self._lines.announce(outcome)

    def _gone(self, outcome, exc):
        outcome.state = GONE
        outcome.message = str(exc)
        outcome.response = None  # an earlier 'running' answer no longer describes anything
        self._lines.announce(outcome, gone_name=exc.name)

    def _request(self, function, *args, **kwargs):
        return self._retrier.attempt(function, self.client.http_timeout, *args, **kwargs)

    def _clients(self, burst):
        """The main client and up to connections - 1 siblings (made once, closed when the wait ends)."""
        wanted = min(self.connections, burst) - 1
        while len(self._siblings) < wanted:
            self._siblings.append(self.client.sibling())
        return [self.client] + self._siblings[:wanted]

    # ----------------------------------------------------------------------------------------------- release
    def _release_finished(self, outcomes):
        finished = [outcome for outcome in outcomes if outcome.finished]
        clients = self._clients(len(finished)) if self.connections > 1 else [self.client]
        _burst.each(self._release_one, finished, clients, stop=self._abandoned)
        for outcome in finished:
            if outcome.released:
                self._lines.released(outcome)
        self._lines.release_summary(finished)

    def _release_one(self, client, outcome):
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
                client.get_async_result(outcome.handle, keep_result=False, timeout=timeout)
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
            until_heartbeat = self._lines.heartbeat_due(now)
            if until_heartbeat < SLEEP_RESOLUTION:
                self._lines.heartbeat(outcomes, self.polls)
                continue
            self._sleep(min(left, until_heartbeat))
