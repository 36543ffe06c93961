# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one retry policy: a monotonic deadline, capped backoff with jitter, transient faults retried,
fatal ones raised, and a grace period for a cluster that has never answered.

Private to the collection. Pure Python with an injectable clock, sleep and random source; it never imports Ansible
and never speaks HTTP (it calls what it is given). Runs on targets, so it stays compatible with every Python a
supported ansible-core allows there. The waiter, volume_clone and async_results_info all retry through it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import random
import time

from ansible_collections.solidfire.element.plugins.module_utils._client import ElementError, ElementTransientError

try:
    MONOTONIC = time.monotonic
except AttributeError:  # pragma: no cover - Python 2.7 targets
    MONOTONIC = time.time

BACKOFF_FACTOR = 1.5
JITTER = 0.1
# Before the cluster has answered once, an unreachable endpoint is more likely a wrong hostname than a failover.
FIRST_CONTACT_GRACE_SECONDS = 60.0
# The time a request gets when the deadline has (nearly) passed: a last poll, never more.
MIN_REQUEST_TIMEOUT = 0.5
# Every request of a task ends by the deadline plus this (a last poll, the releases): the task ends by then too.
FINAL_GRACE_SECONDS = 1.0
# A request is not sent with less time than this left.
MIN_USEFUL_TIMEOUT = 0.1


class ElementGaveUp(ElementError):
    """Transient faults lasted until the deadline."""


class ElementNeverReached(ElementError):
    """The cluster never answered within FIRST_CONTACT_GRACE_SECONDS: most likely a wrong hostname or port."""


class OutOfTime(ElementTransientError):
    """No time is left for another request: the deadline and its grace have passed."""

    def __init__(self):
        super(OutOfTime, self).__init__('wait_timeout ended before the next request could be sent', reached=True)


class Abandoned(Exception):
    """Nobody will receive the outcome (the controller that started the task is gone): stop, change nothing."""


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


class Deadline:
    """A point on the monotonic clock that every request and sleep of a task must respect."""

    def __init__(self, seconds, clock=MONOTONIC, name='wait_timeout'):
        self._clock = clock
        self.name = name  # what the user knows the limit as, for messages
        self.seconds = float(seconds)
        self.start = clock()
        self.end = self.start + self.seconds

    def now(self):
        return self._clock()

    def elapsed(self):
        return self._clock() - self.start

    def remaining(self):
        return self.end - self._clock()

    def request_timeout(self, http_timeout):
        """A request's time: http_timeout, but never past the deadline; a last request gets MIN_REQUEST_TIMEOUT,
        and none ends later than FINAL_GRACE_SECONDS after the deadline."""
        remaining = self.remaining()
        return min(http_timeout, max(MIN_REQUEST_TIMEOUT, remaining), remaining + FINAL_GRACE_SECONDS)

    def final_timeout(self, http_timeout):
        """The time a closing request (a release) may take: it must end by the deadline + FINAL_GRACE_SECONDS."""
        return min(http_timeout, self.remaining() + FINAL_GRACE_SECONDS)


class Retrier:
    """Runs calls under one deadline: transient faults are retried with backoff, everything else is raised.

    deadline: the Deadline of the task; backoff: the Backoff between attempts.
    on_retry: callback(text) for a progress line per transient fault.
    abandoned: callback() that is True once nobody can receive the outcome; checked before every attempt.
    contacted, since: whether the cluster has answered before, and since when (on the deadline's clock) it has been
    tried, for a caller that outlives one deadline (the event source's rounds); by default this deadline's own.
    """

    def __init__(self, deadline, backoff, sleep=time.sleep, on_retry=None, abandoned=None, contacted=False,
                 since=None):
        self.deadline = deadline
        self._since = deadline.start if since is None else since
        self.backoff = backoff
        self._sleep = sleep
        self._on_retry = on_retry or (lambda text: None)
        self._abandoned = abandoned or (lambda: False)
        self.contacted = contacted
        self.transient_errors = 0
        self.last_transient = None

    def call(self, function, http_timeout, context, *args, **kwargs):
        """function(*args, timeout=..., **kwargs) until it answers; ElementGaveUp once the deadline has passed.

        context says what was being done, for the message when it gives up ("reading the volumes").
        """
        while True:
            self.check_abandoned()
            try:
                return self.attempt(function, http_timeout, *args, **kwargs)
            except OutOfTime:
                pass  # pause() gives up, naming the last real fault
            except ElementTransientError as exc:
                self.note_transient(exc)
            self.pause(context)

    def attempt(self, function, http_timeout, *args, **kwargs):
        """One call with a request timeout inside the deadline; marks the cluster as reached when it answers.

        OutOfTime, without sending anything, once no time is left for a request.
        """
        kwargs['timeout'] = self.deadline.request_timeout(http_timeout)
        if kwargs['timeout'] < MIN_USEFUL_TIMEOUT:
            raise OutOfTime()
        try:
            answer = function(*args, **kwargs)
        except ElementTransientError as exc:
            if exc.reached:
                self.contacted = True
            raise
        except ElementError:
            self.contacted = True
            raise
        self.contacted = True
        return answer

    def note_transient(self, exc):
        """Count a transient fault; ElementNeverReached when the cluster has not answered once in the grace time."""
        self.transient_errors += 1
        self.last_transient = exc
        self._on_retry('transient error, will retry: %s' % (exc,))
        if not self.contacted and self.deadline.now() - self._since >= FIRST_CONTACT_GRACE_SECONDS:
            raise ElementNeverReached(
                'The cluster never answered within %d s: %s. Check hostname, port and the network path.'
                % (FIRST_CONTACT_GRACE_SECONDS, exc))

    def pause(self, context):
        """Sleep the next backoff delay, cut to the deadline; ElementGaveUp when no time is left."""
        remaining = self.deadline.remaining()
        if remaining <= 0:
            raise ElementGaveUp('Gave up %s after %d s (%s) and %d transient errors; last error: %s'
                                % (context, self.deadline.seconds, self.deadline.name, self.transient_errors,
                                   self.last_transient))
        self._sleep(min(self.backoff.next_delay(), remaining))

    def check_abandoned(self):
        if self._abandoned():
            raise Abandoned()
