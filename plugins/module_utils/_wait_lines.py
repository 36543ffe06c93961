# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The progress lines of a wait, as AWX shows them: one line per change for a few handles, one summary line per
round that changed something for many. Private to the collection.

Kinds of line (the driver decides how to show each): 'status', 'progress', 'release' (one handle), 'detail' (one
handle of a wait on more than SUMMARY_ABOVE: shown at -v), 'summary' (the whole wait), 'heartbeat' (at least
every HEARTBEAT_SECONDS, so a job that prints nothing is never taken for hung), 'retry' (a transient fault).
Pure Python; runs on targets (Python 2.7 and 3.6+).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._answers import COMPLETE, ERROR, FATAL, GONE, RUNNING
from ansible_collections.solidfire.element.plugins.module_utils._client import redact_fields, redact_secrets

HEARTBEAT_SECONDS = 20.0
# A wait on more handles than this prints summary lines, and its per-handle lines only at -v.
SUMMARY_ABOVE = 5
# Handles named in a summary line for each kind of trouble; the task result names them all.
NAMED_HANDLES = 5


class Lines:
    """Formats and emits the lines of one wait on `count` handles; on_event(kind, text) receives them."""

    def __init__(self, count, deadline, on_event=None):
        self.count = count
        self.summarised = count > SUMMARY_ABOVE
        self._deadline = deadline
        self._on_event = on_event or (lambda kind, text: None)
        self._last_line = deadline.start
        self._last_counts = None

    def emit(self, kind, text):
        self._last_line = self._deadline.now()
        self._on_event(kind, '%s [%.0fs]' % (text, self._deadline.elapsed()))

    def _handle_line(self, kind, text):
        self.emit('detail' if self.summarised else kind, text)

    def announce(self, outcome, gone_name=None):
        """One handle's new status (or its new details while it runs)."""
        if outcome.state == GONE:
            self._handle_line('status', 'handle %s: gone (%s)' % (outcome.handle, gone_name))
            return
        response = outcome.response
        text = 'handle %s: %s' % (outcome.handle, response.get('status'))
        if outcome.state == ERROR:
            error = response.get('error') or {}
            text += ' with error %s' % (error.get('name') or redact_fields(error))
        elif outcome.state == RUNNING and response.get('details') and outcome.progress is None:
            text += ' %s' % (redact_fields(response.get('details')),)
        self._handle_line('status', redact_secrets(text, outcome.secrets))

    def emit_progress(self, text):
        self._handle_line('progress', text)

    def released(self, outcome):
        self._handle_line('release', 'handle %s: released' % outcome.handle)

    def release_summary(self, finished):
        if self.summarised and finished:
            released = sum(1 for outcome in finished if outcome.released)
            text = 'released %d of %d finished handles' % (released, len(finished))
            if released < len(finished):
                text += ' (the others stay on the cluster: see the warnings)'
            self.emit('summary', text)

    # ------------------------------------------------------------------------------------------- many handles
    def summary(self, outcomes, predicted_in):
        """A summary line when the counts moved since the last one (many handles only)."""
        if not self.summarised:
            return
        counts = _counts(outcomes)
        if counts == self._last_counts:
            return
        self._last_counts = counts
        text = describe_counts(outcomes)
        if predicted_in is not None:
            text += '; next predicted end in %d s' % int(round(predicted_in))
        self.emit('summary', text)

    def heartbeat_due(self, now):
        """Seconds until a heartbeat is due."""
        return self._last_line + HEARTBEAT_SECONDS - now

    def heartbeat(self, outcomes, polls):
        elapsed = self._deadline.elapsed()
        if self.summarised:
            self.emit('heartbeat', 'still waiting: %s; after %d s (%d polls)' % (describe_counts(outcomes), elapsed,
                                                                                 polls))
            return
        running = [str(outcome.handle) for outcome in outcomes if outcome.pending]
        self.emit('heartbeat', 'still waiting on handle%s %s after %d s (%d polls)'
                  % ('s' if len(running) > 1 else '', ', '.join(running), elapsed, polls))


def _counts(outcomes):
    states = [outcome.state for outcome in outcomes]
    return tuple(states.count(state) for state in (COMPLETE, ERROR, GONE, FATAL))


def describe_counts(outcomes):
    """'37 of 200 complete, 161 running, 2 failed (handles 105, 131)'."""
    total = len(outcomes)
    by_state = {}
    for outcome in outcomes:
        key = RUNNING if outcome.pending else outcome.state
        by_state.setdefault(key, []).append(outcome.handle)
    parts = ['%d of %d complete' % (len(by_state.get(COMPLETE, [])), total)]
    if by_state.get(RUNNING):
        parts.append('%d running' % len(by_state[RUNNING]))
    for state, word in ((ERROR, 'failed'), (GONE, 'gone'), (FATAL, 'unreadable')):
        handles = by_state.get(state)
        if handles:
            named = ', '.join(str(handle) for handle in handles[:NAMED_HANDLES])
            if len(handles) > NAMED_HANDLES:
                named += ', ...'
            parts.append('%d %s (handle%s %s)' % (len(handles), word, 's' if len(handles) > 1 else '', named))
    return ', '.join(parts)
