# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The watch behind the event source solidfire.element.async_jobs: which jobs of a cluster finished since the last
look, and the event that announces each of them. Private to the collection.

Synchronous and free of asyncio: the event source runs each round in a worker thread, off ansible-rulebook's event
loop. A listing round is one ListAsyncResults, plus one GetAsyncResult with keepResult true for each job newly seen
finished; between listings, while clones run, a sync round is one ListSyncJobs for all of them at the nearest end
their figures predict, plus a read of each clone whose copy is over, so a clone is announced within about a second
of its end. Nothing here can purge a result, so waiting tasks and other watchers still find theirs.

Delivery is at least once: a job that finishes after the watch began is announced whatever happened to the first
listings; "existing" (announced only with include_existing) means complete before the watch began by the job's own
timestamp, read on the cluster's clock (its answers' Date header), with a margin that errs towards announcing; a
job without a usable timestamp is announced. The release of a handle (a read without keepResult, by whatever acted
on the event) is the acknowledgement: a job still held after a restart is announced again.
Transient faults are retried through the collection's one retry policy (_retry.py); a round that cannot reach the
cluster is logged and tried again at the next interval; what retrying cannot fix (credentials, api_version, TLS,
a method the user may not call) is raised, and ends the source.
"""

from __future__ import annotations

import collections
import logging
import random
import threading
import time

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.solidfire.element.plugins.module_utils import _burst
from ansible_collections.solidfire.element.plugins.module_utils._answers import (
    COMPLETE,
    RUNNING,
    ElementUnexpectedAnswer,
    interpret,
)
from ansible_collections.solidfire.element.plugins.module_utils._burst import BURST_CONNECTIONS
from ansible_collections.solidfire.element.plugins.module_utils._client import (
    HAS_REQUESTS,
    ElementAPIError,
    ElementEndpointError,
    ElementError,
    ElementHandleGone,
    redact,
    redact_fields,
    redact_secrets,
    redact_values,
    secret_values,
)
from ansible_collections.solidfire.element.plugins.module_utils._common import (
    CONNECTION_SPEC,
    connect,
    parse_handle_list,
    prepare_connection,
)
from ansible_collections.solidfire.element.plugins.module_utils._progress import PROGRESS_LISTINGS, identity_of
from ansible_collections.solidfire.element.plugins.module_utils._results import api_time
from ansible_collections.solidfire.element.plugins.module_utils._retry import (
    FIRST_CONTACT_GRACE_SECONDS,
    MONOTONIC,
    Backoff,
    Deadline,
    ElementGaveUp,
    Retrier,
)
from ansible_collections.solidfire.element.plugins.module_utils._tracking import (
    ESTIMATE_MISSES,
    TIGHT_INTERVAL,
    JobTrack,
    figures_of,
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
# A job counts as existing only when it completed this long before the watch began, on the cluster's clock: the
# Date header has whole seconds and the first answer took time to come. Inside the margin it is announced.
START_MARGIN_SECONDS = 2.0
# Progress rounds (ListSyncJobs, ListBulkVolumeJobs while such jobs run) never closer than TIGHT_INTERVAL, and at most
# this many a minute.
SYNC_ROUNDS_PER_MINUTE = 60
# A job whose figures give no time left yet is looked at again this soon.
UNESTIMATED_LOOK = 2.0

# The source's own options; the connection options are the modules' own (names, aliases, SOLIDFIRE_* fallbacks).
SOURCE_SPEC = dict(
    interval=dict(type='float', default=10.0),
    result_types=dict(type='list', elements='str'),
    async_handles=dict(type='list', elements='raw'),
    include_existing=dict(type='bool', default=True),
    progress=dict(type='bool', default=False),
)
SOURCE_SPEC.update(CONNECTION_SPEC)

# What the read of a job seen finished tells (_read_one).
ANNOUNCE, LATER, LISTED_RUNNING = 'announce', 'later', 'listed running'

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
    """One cluster watched round by round; poll() returns the events of one round, next_round_in() says when the
    next one is due.

    client: an ElementClient (or a stand-in with list_async_results, get_async_result, list_sync_jobs, clock_offset,
    http_timeout, abort, close, and sibling when connections > 1).
    connections: how many keep-alive connections a burst of reads may use (tests on a fake clock give 1: a burst's
    threads would make them depend on thread timing).
    clock, sleep, rand, wall: injectable for tests (wall: epoch seconds, for the start on the cluster's clock); by
    default a retry pause waits on an internal event, so stop() ends it at once.
    """

    def __init__(self, settings, client, clock=MONOTONIC, sleep=None, rand=random.random, logger=None,
                 wall=time.time, connections=BURST_CONNECTIONS):
        self.settings = settings
        self._client = client
        self._clock = clock
        self._rand = rand
        self._logger = logger or logging.getLogger(LOGGER_NAME)
        self._stopping = threading.Event()
        self._sleep = sleep or self._stopping.wait
        self._started = clock()
        self._started_wall = wall()
        # the watch's start on the cluster's clock, fixed by the first listing that answers
        self.start_line = None
        self._contacted = False
        # whether a request of this round ran out of retry time
        self._gave_up = False
        self.rounds = 0
        self._listing_tried = None  # clock time the last listing round began
        # handle -> the last ListAsyncResults entry of a job seen running
        self._running = {}
        # handle -> JobTrack of a running clone whose ListSyncJobs figures are followed between listings
        self._tracks = {}
        self._unusable = set()  # progress listings refused (an older API or a limited user)
        self._sync_times = collections.deque()
        self.connections = max(1, int(connections))
        self._siblings = []
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
        for client in [self._client] + list(self._siblings):
            client.abort()

    def close(self):
        for client in [self._client] + self._siblings:
            client.close()

    # ------------------------------------------------------------------------------------------ schedule
    def next_round(self):
        """(seconds to wait, the round to run then): the next listing, poll(), one interval after the last began;
        or sooner poll_progress(), at the nearest clone end the sync figures predict."""
        now = self._clock()
        listing_in = 0.0 if self._listing_tried is None else max(
            0.0, self._listing_tried + self.settings.interval - now)
        wanted = [value for value in (self._wanted_in(track, now) for track in self._followed().values())
                  if value is not None]
        if wanted:
            clones_in = max(min(wanted), self._sync_allowed_in(now))
            if clones_in < listing_in:
                return clones_in, self.poll_progress
        return listing_in, self.poll

    @staticmethod
    def _wanted_in(track, now):
        if track.progress is None and track.sync_misses == 0:
            return 0.0  # a job just seen running: its figures say when it ends
        wanted = track.wanted_in(now)
        if wanted is None and track.predicted_end is None and track.estimate_misses < ESTIMATE_MISSES:
            return UNESTIMATED_LOOK  # figures without a time left yet (a bulk volume job preparing): soon again
        return wanted

    def _followed(self):
        return dict((handle, track) for handle, track in self._tracks.items()
                    if track.followed and track.identity.source not in self._unusable)

    def _sync_allowed_in(self, now):
        """The soonest a sync round may start: TIGHT_INTERVAL after the last, SYNC_ROUNDS_PER_MINUTE a minute."""
        times = self._sync_times
        while times and times[0] <= now - 60.0:
            times.popleft()
        soonest = times[-1] + TIGHT_INTERVAL if times else now
        if len(times) >= SYNC_ROUNDS_PER_MINUTE:
            soonest = max(soonest, times[0] + 60.0)
        return max(0.0, soonest - now)

    # ------------------------------------------------------------------------------------------ one round
    def poll(self):
        """The events of one listing round, in handle order; [] when the cluster could not be read this time."""
        self._gave_up = False
        self._listing_tried = self._clock()
        entries = self._retrying(self._client.list_async_results, 'listing the async results',
                                 self.settings.result_types, shape=self._shape)
        if entries is None:
            return []
        if self.start_line is None:
            offset = self._client.clock_offset()
            self.start_line = self._started_wall + (offset or 0.0)
        self.rounds += 1
        found = []  # (handle, event)
        to_read = []
        listed = set()
        for entry in sorted(self._watched(entries, listed), key=lambda item: item['asyncResultID']):
            handle = entry['asyncResultID']
            if handle in self._done:
                continue
            if entry['completed']:
                if self._complete_before_start(entry):
                    self._done.add(handle)
                    self._forget(handle)
                    # existing: what the listing holds is its outcome; no read for each of a long backlog
                    if self.settings.include_existing:
                        found.append((handle, self._listed_outcome(entry)))
                else:
                    to_read.append(entry)
            else:
                previous = self._running.get(handle)
                self._running[handle] = entry
                self._follow(handle, entry)
                if self.settings.progress and previous is not None and previous.get('data') != entry.get('data'):
                    found.append((handle, self._event(entry, 'running', finished=False, success=None,
                                                      details=entry.get('data'))))
        found += self._announce_read(to_read, listed_complete=True)
        events = [event for _handle, event in sorted(found, key=lambda pair: pair[0])]
        for handle in sorted(set(self._running) - listed):
            self._tracks.pop(handle, None)
            events.append(self._gone_event(self._running.pop(handle)))
        # Handles are never reused: one that left the list never comes back, so forgetting it keeps memory bounded.
        self._done &= listed
        self._report_missing(listed)
        return events

    def _shape(self, entry):
        """What the listing holds of each entry while it is parsed: of a job already announced only its handle,
        so a cluster that keeps 100,000 results costs the parse, not the memory; nothing of an unwatched one."""
        handle = entry.get('asyncResultID')
        if self.settings.handles is not None and handle not in self.settings.handles:
            return None
        if handle in self._done and isinstance(entry.get('completed'), bool):
            return {'asyncResultID': handle, 'completed': entry['completed']}
        return entry

    def _complete_before_start(self, entry):
        """Whether the job ended before the watch began, by its own timestamp on the cluster's clock (minus the
        margin). Without a usable timestamp it did not: a duplicate is better than a loss."""
        ended = api_time(entry.get('lastUpdateTime'))
        return ended is not None and ended < self.start_line - START_MARGIN_SECONDS

    def _follow(self, handle, entry):
        """Follow a running clone through ListSyncJobs between listings, when its listing names it."""
        if handle in self._tracks:
            return
        identity = identity_of({'resultType': entry.get('resultType'), 'details': entry.get('data')})
        if identity is not None:
            self._tracks[handle] = JobTrack(identity)

    def _forget(self, handle):
        self._running.pop(handle, None)
        self._tracks.pop(handle, None)

    def poll_progress(self):
        """The events of one progress round: one call per listing that holds the followed jobs' figures
        (ListSyncJobs for clones and drive removals, ListBulkVolumeJobs for bulk volume jobs); each job whose
        figures are gone is read and, when complete, announced. [] when none is followed or none could be read."""
        followed = self._followed()
        if not followed:
            return []
        self._gave_up = False
        self._sync_times.append(self._clock())
        to_read = []
        for source in sorted(set(track.identity.source for track in followed.values())):
            mine = dict((handle, track) for handle, track in followed.items() if track.identity.source == source)
            to_read += self._progress_of(source, mine)
        return [event for _handle, event in self._announce_read(to_read, listed_complete=False)]

    def _progress_of(self, source, followed):
        """Note the figures of these jobs from their listing; return the entries of those whose figures are gone."""
        method, name = PROGRESS_LISTINGS[source]
        try:
            entries = self._retrying(getattr(self._client, method), 'reading the jobs\' progress (%s)' % name)
        except (ElementAPIError, ElementEndpointError) as exc:
            # a user who may not call it, an API without it: the listings alone announce these jobs
            self._unusable.add(source)
            self._log(logging.WARNING, 'no progress figures from %s (%s): its jobs are announced at the next listing, '
                      'every %s s' % (name, exc, self.settings.interval))
            return []
        if entries is None:
            return []
        now = self._clock()
        figures = figures_of(entries, list(followed.values()))
        to_read = []
        for handle in sorted(followed):
            track = followed[handle]
            progress = figures[id(track)]
            if progress is not None:
                track.note(progress, now)
                continue
            track.missing()
            if handle in self._running:
                to_read.append(self._running[handle])
        return to_read

    def _announce_read(self, entries, listed_complete):
        """[(handle, event)] of the finished jobs among entries, each read with keepResult true, over a few
        keep-alive connections when there are many (100 clones that end together are announced in about a
        quarter of the time one connection takes); those read are done. A fatal error is raised once every read
        has been recorded."""
        if not entries or self._gave_up:
            return []
        clients = self._clients(len(entries))
        answers = _burst.each(lambda client, entry: self._read_one(client, entry, listed_complete), entries,
                              clients, stop=self._stopping.is_set)
        found, first_error = [], None
        for entry, outcome, exc in answers:
            if exc is not None:
                first_error = first_error or exc
                continue
            handle, (kind, event) = entry['asyncResultID'], outcome
            if kind == LISTED_RUNNING:
                # still watched as running (its listed data is a result, not progress): it cannot vanish unannounced
                self._running.setdefault(handle, dict(entry, data=None))
            elif event is not None:
                found.append((handle, event))
                self._done.add(handle)
                self._forget(handle)
        if first_error is not None:
            raise first_error
        return found

    def _clients(self, reads):
        """The watch's client and up to connections - 1 siblings (made once, closed with the watch)."""
        wanted = min(self.connections, reads) - 1
        while len(self._siblings) < wanted:
            self._siblings.append(self._client.sibling())
        return [self._client] + self._siblings[:wanted]

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

    def _read_one(self, client, entry, listed_complete):
        """(kind, event) of one job seen finished, read with keepResult true (in a burst thread: it changes no
        state of the watch). kind is ANNOUNCE with the event, or LATER (None: read again later), or
        LISTED_RUNNING (listed complete, reads running: the read decides).

        listed_complete: the listing showed it complete (else: its clone's sync figures are gone, and the read
        tells whether it ended).
        """
        handle = entry['asyncResultID']
        if self._gave_up:
            return LATER, None  # the cluster stopped answering in this round: the rest are read in the next one
        try:
            answer = self._retrying(client.get_async_result, 'reading async handle %d' % handle, handle,
                                    keep_result=True)
        except ElementHandleGone:
            if not listed_complete:
                return LATER, None  # the next listing tells gone from consumed
            self._log(logging.WARNING, 'async handle %d was consumed by another client between the listing and the '
                      'read; its event carries what ListAsyncResults showed.' % handle)
            return ANNOUNCE, self._listed_outcome(entry)
        if answer is None:
            return LATER, None
        try:
            state, answer = interpret(handle, answer)
        except ElementUnexpectedAnswer as exc:
            if not listed_complete:
                self._log(logging.WARNING, '%s It is announced from the next listing.' % exc)
                return LATER, None
            self._log(logging.WARNING, '%s Its event carries what ListAsyncResults showed.' % exc)
            return ANNOUNCE, self._listed_outcome(entry)
        if state == RUNNING:
            if not listed_complete:
                return LATER, None  # its copy is over, its job not yet: the figures or the next listing tell
            # The list ran ahead of the job's own record (or the other way round): the read decides.
            self._log(logging.INFO, 'async handle %d is listed as completed but reads as running; it is announced '
                      'when it reads complete.' % handle)
            return LISTED_RUNNING, None
        success = state == COMPLETE
        ended = dict(entry, lastUpdateTime=answer.get('lastUpdateTime', entry.get('lastUpdateTime')))
        return ANNOUNCE, self._event(ended, 'complete', finished=True, success=success,
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
        # A job's result comes from the cluster as it is: one that echoes the password, or a secret of the job's
        # own (a bulk volume job's script parameters, wherever the cluster repeats it), must not show it.
        echoed = secret_values(job) | secret_values(self._running.get(entry['asyncResultID']))
        job = redact_secrets(redact_fields(job), echoed)
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
