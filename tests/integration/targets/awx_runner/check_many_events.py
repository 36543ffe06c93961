#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the job events of one ansible-runner run of many.yml: a wait on COUNT handles, as AWX shows it.

    check_many_events.py ARTIFACT_DIR COUNT

Asserts, between the wait task's start and its runner_on_ok: the output is summary lines, not a line per handle
per change (no '[localhost] handle N:' line, and at most a line per second of the wait plus a few); the first
says '0 of COUNT complete' or more, one says 'COUNT of COUNT complete', the last 'released COUNT of COUNT
finished handles'; the lines were streamed during the wait. The runner_on_ok result holds COUNT results.
"""

from __future__ import annotations

import re
import sys

from check_events import load_events

WAIT_TASK = 'Wait for the jobs'


def check(artifact_dir, count):
    events = load_events(artifact_dir)
    starts = [e for e in events if e['event'] == 'playbook_on_task_start' and e['event_data'].get('task') == WAIT_TASK]
    if len(starts) != 1:
        return ['expected one playbook_on_task_start for %r, found %d' % (WAIT_TASK, len(starts))]
    start = starts[0]
    oks = [e for e in events if e['event'] == 'runner_on_ok'
           and e['event_data'].get('task_uuid') == start['event_data'].get('task_uuid')]
    if len(oks) != 1:
        return ['expected one runner_on_ok for %r, found %d' % (WAIT_TASK, len(oks))]
    ok = oks[0]
    during = [e for e in events if start['counter'] < e['counter'] < ok['counter'] and e['event'] == 'verbose']
    lines = [e.get('stdout', '').strip() for e in during]
    print('%d verbose events during the wait on %d handles:' % (len(lines), count))
    for line in lines:
        print('  ' + line)
    problems = []
    per_handle = [line for line in lines if line.startswith('[localhost] handle ')]
    if per_handle:
        problems.append('%d lines about single handles at the default verbosity: %s' % (len(per_handle), per_handle[:3]))
    elapsed = ok['event_data'].get('res', {}).get('elapsed') or 0
    if not 2 <= len(lines) <= elapsed + 5:
        problems.append('%d lines for a wait of %.1f s: expected a summary per round that changed something'
                        % (len(lines), elapsed))
    if lines and not re.match(r'^\[localhost\] \d+ of %d complete' % count, lines[0]):
        problems.append('the first line is not a summary: %r' % lines[0])
    if not any(line.startswith('[localhost] %d of %d complete' % (count, count)) for line in lines):
        problems.append('no line says %d of %d complete' % (count, count))
    if not lines or not lines[-1].startswith('[localhost] released %d of %d finished handles' % (count, count)):
        problems.append('the last line does not say every handle was released: %r' % (lines[-1:],))
    if len(during) >= 2 and during[0].get('created') == during[-1].get('created'):
        problems.append('all lines carry one creation time: they were not streamed during the wait')
    results = ok['event_data'].get('res', {}).get('results') or []
    if len(results) != count or any(r.get('status') != 'complete' or r.get('released') is not True for r in results):
        problems.append('runner_on_ok does not hold %d complete, released results' % count)
    return problems


def main():
    problems = check(sys.argv[1], int(sys.argv[2]))
    for problem in problems:
        print('ASSERTION FAILED: ' + problem, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
