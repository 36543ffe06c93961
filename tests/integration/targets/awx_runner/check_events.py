#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the job events of one ansible-runner run of wait.yml, as AWX would store them.

    check_events.py ARTIFACT_DIR

ARTIFACT_DIR is <private data dir>/artifacts/<ident>. Asserts, ordering events by their counter:
- the wait task has one playbook_on_task_start and one runner_on_ok; HANDLE is the clone task's async_handle;
- verbose events carrying the waiter's progress lines for HANDLE (a running line, the complete line, the release
  line) come after that task start and before that runner_on_ok: AWX shows them live, during the wait;
- the runner_on_ok result carries status complete, the clone's result, create_time and last_update_time.
Exits non-zero with a message per failed assertion.
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys

WAIT_TASK = 'Wait for the clone job'
CLONE_TASK = 'Start the clone'
ISO_UTC = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$')


def load_events(artifact_dir):
    events = []
    for path in glob.glob(os.path.join(artifact_dir, 'job_events', '*.json')):
        with open(path) as stream:
            events.append(json.load(stream))
    return sorted(events, key=lambda event: event['counter'])


def check(artifact_dir):
    problems = []
    events = load_events(artifact_dir)
    if not events:
        return ['no job events under %s/job_events' % artifact_dir]
    clones = [e for e in events if e['event'] == 'runner_on_ok' and e['event_data'].get('task') == CLONE_TASK]
    if len(clones) != 1 or not isinstance(clones[0]['event_data']['res'].get('async_handle'), int):
        return ['expected one runner_on_ok for %r with an async_handle' % CLONE_TASK]
    handle = clones[0]['event_data']['res']['async_handle']
    starts = [e for e in events if e['event'] == 'playbook_on_task_start' and e['event_data'].get('task') == WAIT_TASK]
    if len(starts) != 1:
        return ['expected one playbook_on_task_start for %r, found %d' % (WAIT_TASK, len(starts))]
    start = starts[0]
    task_uuid = start['event_data'].get('task_uuid')
    oks = [e for e in events if e['event'] == 'runner_on_ok' and e['event_data'].get('task_uuid') == task_uuid]
    if len(oks) != 1:
        failed = [e['event'] for e in events if e['event_data'].get('task_uuid') == task_uuid]
        return ['expected one runner_on_ok for %r, found %d (task events: %s)' % (WAIT_TASK, len(oks), failed)]
    ok = oks[0]

    during = [e for e in events if start['counter'] < e['counter'] < ok['counter'] and e['event'] == 'verbose']
    lines = [e.get('stdout', '') for e in during]
    prefix = '[localhost] handle %s: ' % handle
    wanted = {'running': prefix + 'running', 'complete': prefix + 'complete', 'released': prefix + 'released'}
    for what, text in wanted.items():
        if not any(text in line for line in lines):
            problems.append('no verbose event with %r between the task start (counter %d) and its runner_on_ok '
                            '(counter %d); verbose lines there: %s' % (text, start['counter'], ok['counter'], lines))
    progress = [e for e in during if prefix in e.get('stdout', '')]
    if progress and progress[0]['counter'] >= ok['counter']:
        problems.append('progress arrived after the result')
    # Each progress line is its own event, emitted while the task ran: their creation times span the wait.
    if len(progress) >= 2 and progress[0].get('created') == progress[-1].get('created'):
        problems.append('all progress events carry one creation time: they were not streamed during the wait')

    res = ok['event_data'].get('res', {})
    checks = [
        (res.get('async_handle') == handle, 'async_handle %r != %r' % (res.get('async_handle'), handle)),
        (res.get('status') == 'complete', 'status %r' % res.get('status')),
        (res.get('finished') is True, 'finished %r' % res.get('finished')),
        (isinstance(res.get('result'), dict) and isinstance(res['result'].get('volumeID'), int),
         'result %r has no volumeID' % res.get('result')),
        (res.get('result_type') == 'Clone', 'result_type %r' % res.get('result_type')),
        (ISO_UTC.match(str(res.get('create_time'))) is not None, 'create_time %r' % res.get('create_time')),
        (ISO_UTC.match(str(res.get('last_update_time'))) is not None, 'last_update_time %r' % res.get('last_update_time')),
        (res.get('released') is True, 'released %r' % res.get('released')),
        (isinstance(res.get('polls'), int) and res['polls'] >= 2, 'polls %r' % res.get('polls')),
    ]
    problems.extend('runner_on_ok res: ' + text for good, text in checks if not good)
    print('job events: %d; task start counter %d, runner_on_ok counter %d; progress lines during the wait:'
          % (len(events), start['counter'], ok['counter']))
    for event in progress:
        print('  %4d %s %s' % (event['counter'], event.get('created'), event['stdout'].strip()))
    return problems


def main():
    problems = check(sys.argv[1])
    for problem in problems:
        print('ASSERTION FAILED: ' + problem, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
