# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: solidfire.element.get_async_result against ansible.builtin.uri + until, on the simulator.

Run it with the tool virtualenv's Python (``make bench`` does):

    .venv/core-2.19/bin/python tests/perf/bench.py [--interval 1] [--job-seconds 10] [--repeat 3]

It starts its own simulator (``--port 0``), stages the work tree as a collection (hack/stage.sh) into a temporary
directory, and runs real ansible-playbook processes against it. What it measures:

- controller CPU: user+sys of each ansible-playbook process tree, from RUSAGE_CHILDREN deltas around the run,
  minus the same play without the wait task (the baseline), divided by the polls counted in the simulator's call log;
- task overhead: wall of the play minus wall of the baseline play, minus the job's duration (the job starts in
  the task just before the wait, so a perfect wait task would take exactly the job's duration);
- detection latency: from the job's end (the CloneVolume call's time in the call log + the job's seconds, on the
  simulator's monotonic clock, which is this process's clock too: checked at start) to the first poll after it;
- API calls: every non-Sim request in the call log during the wait.

Exit status: 0 when every measurement was made (targets met or not: it is a measurement), 1 when one broke.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'simulator'))

# pylint: disable=wrong-import-position
from launch import LaunchError, launch  # noqa: E402

PLAYBOOKS = os.path.join(HERE, 'playbooks')
SCALE_SIZES = (1, 10, 50, 200)
LOOP_HANDLES = 200
TARGET_CPU_RATIO = 50.0
TARGET_OVERHEAD = 1.5
TARGET_DETECTION_SLACK = 0.2


class BenchError(Exception):
    """The measurement itself failed (not a missed target)."""


class Simulator:
    """The Element API simulator in a child process (tests/simulator/launch.py), and a session to call it."""

    def __init__(self, workdir):
        self.tls_dir = os.path.join(workdir, 'tls')
        self.log_path = os.path.join(workdir, 'simulator.log')
        self.launched = None
        self.session = requests.Session()

    def start(self, timeout=20.0):
        try:
            self.launched = launch(tls_dir=self.tls_dir, log_path=self.log_path, timeout=timeout)
        except LaunchError as exc:
            raise BenchError('%s; see %s' % (exc, self.log_path)) from None
        self.session.auth = (self.launched.username, self.launched.password)

    def stop(self):
        if self.launched is not None:
            self.launched.stop(timeout=10)

    @property
    def url(self):
        return self.launched.url

    @property
    def ca(self):
        return self.launched.ca

    @property
    def username(self):
        return self.launched.username

    @property
    def password(self):
        return self.launched.password

    @property
    def hostport(self):
        return self.launched.hostport

    def call(self, method, params=None):
        body = {'method': method, 'params': params or {}, 'id': 1}
        response = self.session.post(self.url + '/json-rpc/12.3', json=body, verify=self.ca, timeout=60)
        envelope = response.json()
        if 'error' in envelope:
            raise BenchError('%s failed: %s' % (method, envelope['error']))
        return envelope['result']

    def calls(self):
        """The call log since the last read, which it clears."""
        return self.call('SimCallLog', {'clear': True})['calls']


class Runner:
    """Runs ansible-playbook against the staged collection, measuring wall and child CPU time."""

    def __init__(self, workdir, collections_root, sim):
        self.workdir = workdir
        self.inventory = os.path.join(workdir, 'inventory')
        with open(self.inventory, 'w', encoding='utf-8') as handle:
            handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
        self.playbook_bin = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
        self.env = dict(os.environ)
        for name in list(self.env):
            if name.startswith(('ANSIBLE_', 'SOLIDFIRE_')) or name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
                del self.env[name]
        self.env.update(
            ANSIBLE_COLLECTIONS_PATH=collections_root,
            ANSIBLE_LOCALHOST_WARNING='false',
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_RETRY_FILES_ENABLED='false',
            SOLIDFIRE_HOSTNAME=sim.hostport,
            SOLIDFIRE_USERNAME=sim.username,
            SOLIDFIRE_PASSWORD=sim.password,
            SOLIDFIRE_CA_PATH=sim.ca,
        )

    def version(self):
        out = subprocess.run([self.playbook_bin, '--version'], env=self.env, capture_output=True, text=True,
                             check=True).stdout
        return out.splitlines()[0].strip()

    def run(self, playbook, extra_vars):
        """One ansible-playbook run; returns dict(wall, cpu, start, end) on this process's monotonic clock."""
        vars_path = os.path.join(self.workdir, 'vars.json')
        with open(vars_path, 'w', encoding='utf-8') as handle:
            json.dump(extra_vars, handle)
        command = [self.playbook_bin, '-i', self.inventory, os.path.join(PLAYBOOKS, playbook), '-e', '@' + vars_path]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        done = subprocess.run(command, env=self.env, cwd=self.workdir, capture_output=True, text=True, check=False)
        end = time.monotonic()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise BenchError('%s failed (rc %d):\n%s' % (playbook, done.returncode, done.stdout[-3000:] + done.stderr[-2000:]))
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return dict(wall=end - start, cpu=cpu, start=start, end=end)


def stage_collection(workdir):
    """Copy the work tree to WORKDIR/stage/ansible_collections/solidfire/element; return WORKDIR/stage."""
    root = os.path.join(workdir, 'stage')
    subprocess.run([os.path.join(ROOT, 'hack', 'stage.sh'), root], check=True, capture_output=True)
    return root


def check_clock(sim):
    """The call log's `time` must be this process's monotonic clock, or detection latency means nothing."""
    sim.calls()
    before = time.monotonic()
    sim.call('GetAPI')
    after = time.monotonic()
    logged = [call['time'] for call in sim.calls() if call['method'] == 'GetAPI']
    if len(logged) != 1 or not before - 0.001 <= logged[0] <= after + 0.001:
        raise BenchError('the simulator clock is not comparable with this process (%s not in [%s, %s])'
                         % (logged, before, after))


# --------------------------------------------------------------------------------------------- single handle
def measure_single(runner, sim, playbook, args, source, name):
    """One run of a clone + wait play; returns the raw numbers of the wait."""
    sim.calls()
    run = runner.run(playbook, dict(source_volume=source, clone_name=name, interval=args.interval,
                                    retries=int(args.job_seconds / args.interval) * 4 + 20))
    calls = sim.calls()
    clones = [call for call in calls if call['method'] == 'CloneVolume']
    if len(clones) != 1:
        raise BenchError('%s: expected one CloneVolume in the log, saw %d' % (playbook, len(clones)))
    job_end = clones[0]['time'] + args.job_seconds
    waits = [call for call in calls if call['method'] != 'CloneVolume']
    polls = [call for call in waits if call['method'] == 'GetAsyncResult' and call['params'].get('keepResult') is True]
    after_end = [call['time'] for call in polls if call['time'] >= job_end]
    if not after_end:
        raise BenchError('%s: no poll after the job ended' % playbook)
    return dict(run=run, calls=len(waits), polls=len(polls), detection=min(after_end) - job_end)


def single_row(label, runs, bases, idle_rate, job_seconds):
    """Medians over the repetitions: CPU and wall of the wait task are each run minus its baseline run.

    idle_rate: CPU seconds per wall second that Ansible spends on any task that only waits (from the pause play);
    `net` figures subtract it, to show what the polling itself costs.
    """
    cpu = [run['run']['cpu'] - base['cpu'] for run, base in zip(runs, bases)]
    wall = [run['run']['wall'] - base['wall'] for run, base in zip(runs, bases)]
    net = [c - idle_rate * w for c, w in zip(cpu, wall)]
    polls = statistics.median(run['polls'] for run in runs)
    return dict(
        label=label,
        polls=polls,
        calls=statistics.median(run['calls'] for run in runs),
        cpu=statistics.median(cpu),
        cpu_per_poll=statistics.median(c / run['polls'] for c, run in zip(cpu, runs)),
        net_per_poll=statistics.median(c / run['polls'] for c, run in zip(net, runs)),
        overhead=statistics.median(w - job_seconds for w in wall),
        detection=statistics.median(run['detection'] for run in runs),
        detection_max=max(run['detection'] for run in runs),
    )


def compare_single(runner, sim, args):
    account = sim.call('AddAccount', {'username': 'bench'})['accountID']
    source = sim.call('CreateVolume', {'name': 'bench-src', 'accountID': account, 'totalSize': 1 << 30})['volumeID']
    sim.call('SimConfigure', {'jobSeconds': args.job_seconds, 'maxClonesPerVolume': 100})
    uri, ours, bases, rates = [], [], [], []
    for rep in range(args.repeat):
        bases.append(runner.run('clone_noop.yml', dict(source_volume=source, clone_name='bench-noop-%d' % rep)))
        pause = runner.run('clone_pause.yml', dict(source_volume=source, clone_name='bench-pause-%d' % rep,
                                                   pause_seconds=int(args.job_seconds)))
        rates.append((pause['cpu'] - bases[-1]['cpu']) / (pause['wall'] - bases[-1]['wall']))
        uri.append(measure_single(runner, sim, 'clone_uri_until.yml', args, source, 'bench-uri-%d' % rep))
        ours.append(measure_single(runner, sim, 'clone_wait.yml', args, source, 'bench-ours-%d' % rep))
        progress('single handle, repetition %d/%d done' % (rep + 1, args.repeat))
    idle_rate = statistics.median(rates)
    return (single_row('uri + until', uri, bases, idle_rate, args.job_seconds),
            single_row('get_async_result', ours, bases, idle_rate, args.job_seconds), idle_rate)


# --------------------------------------------------------------------------------------------- many handles
def create_jobs(sim, count, seconds):
    return [sim.call('SimCreateJob', {'seconds': seconds, 'result': {'cloneID': i, 'volumeID': 10000 + i,
                                                                     'message': 'Clone complete.'}})['asyncHandle']
            for i in range(count)]


def rounds_of(calls, gap):
    """Group calls into poll rounds: a new round starts after a pause longer than `gap` seconds."""
    groups, last = [], None
    for call in sorted(calls, key=lambda c: c['time']):
        if last is None or call['time'] - last > gap:
            groups.append([])
        groups[-1].append(call)
        last = call['time']
    return groups


def released_once(calls, handles):
    released = [call['params']['asyncHandle'] for call in calls
                if call['method'] == 'GetAsyncResult' and call['params'].get('keepResult') is False]
    return sum(1 for handle in handles if released.count(handle) == 1)


def measure_many(runner, sim, args, playbook, handles, base):
    sim.calls()
    run = runner.run(playbook, dict(handles=handles, interval=args.interval))
    calls = sim.calls()
    groups = rounds_of(calls, args.interval / 2.0)
    lists = [sum(1 for call in group if call['method'] == 'ListAsyncResults') for group in groups]
    return dict(
        handles=len(handles), rounds=len(groups), calls=len(calls),
        lists_max=max(lists) if lists else 0,
        lists_total=sum(lists),
        gets=sum(1 for call in calls if call['method'] == 'GetAsyncResult'),
        wall=run['wall'] - base['wall'], cpu=run['cpu'] - base['cpu'],
        released=released_once(calls, handles),
    )


def compare_many(runner, sim, args):
    rows = []
    for size in SCALE_SIZES:
        base = runner.run('noop.yml', dict(handles=list(range(1, size + 1))))
        # jobs outlive the play's start-up by a few poll rounds
        handles = create_jobs(sim, size, args.scale_job_seconds)
        row = measure_many(runner, sim, args, 'wait_one.yml', handles, base)
        row['label'] = '%d handle%s, one task' % (size, 's' if size > 1 else '')
        rows.append(row)
        progress('%s done' % row['label'])
    base = runner.run('noop.yml', dict(handles=list(range(1, LOOP_HANDLES + 1))))
    for playbook, label in (('wait_loop.yml', '%d handles, loop of single waits'),
                            ('wait_one.yml', '%d handles, one task')):
        handles = create_jobs(sim, LOOP_HANDLES, 0)
        row = measure_many(runner, sim, args, playbook, handles, base)
        row['label'] = (label % LOOP_HANDLES) + ' (jobs already complete)'
        rows.append(row)
        progress('%s done' % row['label'])
    return rows


# --------------------------------------------------------------------------------------------- report
def progress(text):
    sys.stderr.write('bench: %s\n' % text)
    sys.stderr.flush()


def ratio_of(uri, ours, key):
    return uri[key] / ours[key] if ours[key] > 0 else float('inf')


def targets(uri, ours, many, args):
    ratio = ratio_of(uri, ours, 'cpu_per_poll')
    big = [row for row in many if row['handles'] == max(SCALE_SIZES) and 'loop' not in row['label']][0]
    return [
        ('CPU per poll at least %dx lower than uri + until' % TARGET_CPU_RATIO,
         '%.1fx lower (%.1f ms vs %.1f ms)' % (ratio, ours['cpu_per_poll'] * 1000, uri['cpu_per_poll'] * 1000),
         ratio >= TARGET_CPU_RATIO),
        ('task overhead under %.1f s' % TARGET_OVERHEAD, '%.2f s' % ours['overhead'], ours['overhead'] < TARGET_OVERHEAD),
        ('detection within poll interval + %.1f s (%.1f s)' % (TARGET_DETECTION_SLACK, args.interval + TARGET_DETECTION_SLACK),
         'median %.2f s, worst %.2f s' % (ours['detection'], ours['detection_max']),
         ours['detection_max'] <= args.interval + TARGET_DETECTION_SLACK),
        ('%d handles at one ListAsyncResults per round' % big['handles'],
         'at most %d per round, %d rounds' % (big['lists_max'], big['rounds']), big['lists_max'] == 1),
    ]


def render(single, many, goals, machine, args):
    uri, ours, idle_rate = single
    lines = ['### One handle: a %.0f s clone job, poll interval %.1f s (median of %d runs)' % (
        args.job_seconds, args.interval, args.repeat), '',
        '| wait | polls | API calls | task CPU (s) | CPU per poll (ms) | net CPU per poll (ms) | task overhead (s) |'
        ' detection latency (s) |',
        '|---|---:|---:|---:|---:|---:|---:|---:|']
    for row in (uri, ours):
        lines.append('| %s | %g | %g | %.3f | %.1f | %.1f | %.2f | %.2f (worst %.2f) |' % (
            row['label'], row['polls'], row['calls'], row['cpu'], row['cpu_per_poll'] * 1000,
            row['net_per_poll'] * 1000, row['overhead'], row['detection'], row['detection_max']))
    note = ('Ansible itself spent %.0f ms of CPU per second of a task that only sleeps (a pause task of the '
            "job's length); net CPU per poll subtracts that. Ratio uri + until / get_async_result: %.1fx per poll, "
            '%.1fx net per poll.')
    lines += ['', note % (idle_rate * 1000, ratio_of(uri, ours, 'cpu_per_poll'), ratio_of(uri, ours, 'net_per_poll'))]
    lines += ['', '### Many handles (poll interval %.1f s; jobs of %.0f s unless already complete)' % (
        args.interval, args.scale_job_seconds), '',
        '| case | poll rounds | ListAsyncResults per round (max) | GetAsyncResult calls | API calls | released once |'
        ' task wall (s) | task CPU (s) |',
        '|---|---:|---:|---:|---:|---:|---:|---:|']
    for row in many:
        lines.append('| %s | %d | %d | %d | %d | %d/%d | %.2f | %.2f |' % (
            row['label'], row['rounds'], row['lists_max'], row['gets'], row['calls'], row['released'],
            row['handles'], row['wall'], row['cpu']))
    lines += ['', '### Targets', '', '| target | measured | met |', '|---|---|---|']
    for name, measured, met in goals:
        lines.append('| %s | %s | %s |' % (name, measured, 'yes' if met else '**no**'))
    lines += ['', '### Machine', '']
    lines += ['- %s: %s' % (key, value) for key, value in machine]
    return '\n'.join(lines) + '\n'


DOC_HEAD = """# Performance

Measured by `tests/perf/bench.py` against the bundled simulator; this page is its latest output, rewritten by each
run of:

```console
$ %s
```

How to read it:
- **task CPU**: user+sys CPU of the whole ansible-playbook process tree (forks and module processes included),
  minus the same play without the wait task. **CPU per poll** divides it by the polls the simulator logged.
  `uri + until` pays a full module execution per poll; `get_async_result` runs in the controller's worker and
  pays its start-up once, so its per-poll figure falls as a job gets longer. Both also pay Ansible's own cost of
  a task that is merely running: the controller checks its workers every `internal_poll_interval` (0.001 s by
  default), measured here with a `pause` task of the job's length. **net CPU per poll** subtracts that cost; the
  target is judged on the plain figure.
- **task overhead**: wall time of the wait task beyond the job's own duration (the job is started by the task
  just before the wait). It includes the detection latency.
- **detection latency**: from the job's end to the first poll after it, on the simulator's monotonic clock.
- **poll rounds** are calls grouped by time (a pause of more than half the poll interval starts a new round).
  **released once**: handles read exactly once without keepResult (after their result was held).
- Both single-handle waits poll at a fixed interval (`poll_interval == max_poll_interval`, `delay` for `until`).
- Wall-clock figures (overhead, detection, task wall) depend on how busy the machine was: see the load average.
- A missed target is reported as missed. For the CPU target, compare the plain and the net figures: the gap is
  Ansible's own cost of a task that is running at all, paid by any wait of the same length, whichever module runs it.
  `get_async_result` also pays its start-up once per task, so the per-poll ratio grows with the job's length
  (try `make bench BENCH_ARGS='--job-seconds 60 --repeat 1'`).

"""


def machine_info(runner):
    model = platform.processor() or 'unknown'
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as cpuinfo:
            for line in cpuinfo:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return [('CPU', model), ('cores', os.cpu_count()), ('OS', platform.platform()),
            ('Python', platform.python_version()), ('ansible-core', runner.version()),
            ('date', datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'))]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--interval', type=float, default=1.0, help='poll interval for every wait (s)')
    parser.add_argument('--job-seconds', type=float, default=10.0, help='duration of the single-handle job (s)')
    parser.add_argument('--scale-job-seconds', type=float, default=6.0, help='duration of the many-handle jobs (s)')
    parser.add_argument('--repeat', type=int, default=3, help='repetitions of the single-handle comparison')
    parser.add_argument('--doc', default=os.path.join(ROOT, 'docs', 'performance.md'),
                        help='markdown file to write (empty: do not write)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    command = 'make bench' if os.environ.get('MAKELEVEL') else ' '.join(
        [os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(ROOT) else sys.executable,
         'tests/perf/bench.py'] + sys.argv[1:])
    workdir = tempfile.mkdtemp(prefix='element-bench-')
    sim = Simulator(workdir)
    try:
        collections_root = stage_collection(workdir)
        sim.start()
        check_clock(sim)
        runner = Runner(workdir, collections_root, sim)
        machine = machine_info(runner)
        load_start = os.getloadavg()[0]
        single = compare_single(runner, sim, args)
        many = compare_many(runner, sim, args)
        machine.append(('load average (1 min) at start / end', '%.2f / %.2f' % (load_start, os.getloadavg()[0])))
    except (BenchError, subprocess.CalledProcessError, requests.RequestException, OSError) as exc:
        progress('measurement failed: %s' % exc)
        return 1
    finally:
        sim.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    goals = targets(single[0], single[1], many, args)
    text = render(single, many, goals, machine, args)
    sys.stdout.write(text)
    missed = [goal[0] for goal in goals if not goal[2]]
    sys.stdout.write('\ntargets met: %d of %d%s\n' % (len(goals) - len(missed), len(goals),
                                                      ('; missed: ' + '; '.join(missed)) if missed else ''))
    if args.doc:
        with open(args.doc, 'w', encoding='utf-8') as doc:
            doc.write(DOC_HEAD % command + text)
        progress('wrote %s' % os.path.relpath(args.doc, ROOT))
    return 0


if __name__ == '__main__':
    sys.exit(main())
