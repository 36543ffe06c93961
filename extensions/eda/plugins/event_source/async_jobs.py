# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""solidfire.element.async_jobs: an Event-Driven Ansible source that announces Element async jobs as they finish."""

from __future__ import annotations

DOCUMENTATION = r"""
---
short_description: Announce Element (SolidFire) async jobs as they finish.
description:
  - Watches one Element cluster with one C(ListAsyncResults) call per O(interval) and puts one event on the
    rulebook's queue for each job (clone, group clone, volume copy, bulk volume, drive add or removal, ...)
    that finishes, so a rule can start the next job template the moment a clone ends, with no job waiting for it.
  - Never purges a result. It reads each newly finished job once with C(GetAsyncResult) and C(keepResult=true),
    so a C(solidfire.element.get_async_result) task waiting on the same handle still gets it.
  - While clones run, it also reads their progress (one C(ListSyncJobs) for all of them) at the ends their figures
    predict, so a finished clone is announced within about a second; other jobs at the next O(interval).
  - Delivery is at least once. Every job that finishes after the source started is announced, whatever happened
    to its first looks at the cluster (HTTP 5xx, dropped connections, a cluster that answers late). Each job is
    announced once per run of the source; with O(include_existing) (the default) a restarted source announces
    again every finished job whose result is still held, so a rule acknowledges a job by releasing its result.
  - Transient faults (a moving cluster master, a reset, HTTP 5xx, C(xDBVersionMismatch), ...) are retried with
    backoff and logged while the source keeps running. Wrong credentials, a wrong O(api_version), a TLS failure, a
    permission error, or a cluster that never answered in the first 60 seconds end the source with an error that
    says what to fix.
  - Needs the Python libraries C(requests) and C(ansible-core) where ansible-rulebook runs; a decision environment
    built with ansible-builder from the collection gets both.
options:
  hostname:
    description: The cluster MVIP or DNS name, optionally with C(:port). Falls back to E(SOLIDFIRE_HOSTNAME).
    type: str
    required: true
  username:
    description: Cluster admin user. Falls back to E(SOLIDFIRE_USERNAME).
    type: str
    required: true
    aliases: [user]
  password:
    description:
      - Password of O(username). Falls back to E(SOLIDFIRE_PASSWORD). Never appears in a log line or an event.
    type: str
    required: true
    aliases: [pass]
  port:
    description: HTTPS port of the cluster API. Falls back to E(SOLIDFIRE_PORT).
    type: int
    default: 443
  api_version:
    description: Element API version of the endpoint. Falls back to E(SOLIDFIRE_API_VERSION).
    type: str
    default: '12.3'
  validate_certs:
    description: Verify the cluster certificate. Falls back to E(SOLIDFIRE_VALIDATE_CERTS).
    type: bool
    default: true
  ca_path:
    description: CA bundle to verify the cluster certificate with. Falls back to E(SOLIDFIRE_CA_PATH).
    type: path
  http_timeout:
    description: Seconds one request may take, all of it.
    type: float
    default: 30
  interval:
    description:
      - Seconds between two listings of the cluster's jobs; from 1 to 3600. Running clones are also looked at in
        between, at the ends their progress figures predict.
    type: float
    default: 10
  result_types:
    description: Watch only jobs of these result types (C(Clone), C(BulkVolume), C(DriveAdd), ...).
    type: list
    elements: str
  async_handles:
    description:
      - Watch only these async handles, positive integers (digit strings are accepted; null entries are ignored).
    type: list
    elements: raw
  include_existing:
    description:
      - Also announce the jobs that were already complete when the source started and whose results are still
        held on the cluster (each once per run of the source, from its listing).
      - A finished job whose result is still held is work not yet done, so this is on by default; a job is
        acknowledged by releasing its result (a read without keepResult, as C(solidfire.element.get_async_result)
        does by default), and is then never announced again. After a restart (EDA controller restarts a failed
        activation) every finished job not yet released is announced again, so nothing that finished while the
        source was down is lost.
      - Set it to V(false) to pass over what finished before the source started, by each job's own completion
        time on the cluster's clock. Jobs that finish while no source runs are then not announced.
    type: bool
    default: true
  progress:
    description:
      - Also put an event (C(status=running), C(finished=false)) on the queue each time a running job's details
        change.
    type: bool
    default: false
notes:
  - "Event: C({solidfire: {async_handle, status, finished, success, result_type, result, error, details,
    create_time, last_update_time, cluster}}). O(status) is C(complete) for a finished job (C(success) tells
    whether it succeeded, C(result) or C(error) holds what the job returned), C(running) for a progress event, and
    C(gone) for a job that left the cluster's list while it was running (another client read its result without
    keepResult, or it was cancelled): its outcome is unknown and C(success) is null. C(cluster) is O(hostname)."
"""

EXAMPLES = r"""
- name: Start the post-clone job when a clone finishes
  hosts: localhost
  sources:
    - solidfire.element.async_jobs:
        hostname: "{{ element_mvip }}"
        username: "{{ element_username }}"
        password: "{{ element_password }}"
        ca_path: /etc/pki/element-ca.pem
        result_types: [Clone]
  rules:
    - name: Clone finished
      condition: event.solidfire.success == true
      action:
        run_job_template:
          name: Present cloned volume
          organization: Storage
          job_args:
            extra_vars:
              async_handle: "{{ event.solidfire.async_handle }}"
              clone_result: "{{ event.solidfire.result }}"
"""

import asyncio
import json
import os
import sys


def _import_watch():
    """The collection's watch, from the copy of the collection this file belongs to.

    ansible-rulebook runs a source file by its path, without putting its collection on sys.path: the directory
    that holds ansible_collections/ (six levels above this file) goes first, so the watch, the client and the retry
    policy are this copy's own, whatever else is installed.
    """
    here = os.path.dirname(os.path.abspath(__file__))
    collections_dir = os.path.abspath(os.path.join(here, *([os.pardir] * 6)))
    root = os.path.dirname(collections_dir)
    if os.path.basename(collections_dir) == 'ansible_collections' and root not in sys.path:
        sys.path.insert(0, root)
    try:
        from ansible_collections.solidfire.element.plugins.plugin_utils import _job_watch
    except ImportError as exc:
        raise RuntimeError(
            'solidfire.element.async_jobs needs ansible-core and requests in the Python that runs ansible-rulebook, '
            'and the collection installed under an ansible_collections directory (%s)' % (exc,))
    return _job_watch


async def main(queue: asyncio.Queue, args: dict) -> None:
    """Watch the cluster until the rulebook stops; put one event per finished job on queue."""
    job_watch = _import_watch()
    watch = job_watch.JobWatch.from_args(args)
    watch_round = None
    next_round = watch.poll
    try:
        while True:
            # The round runs in a worker thread: its requests and retry pauses never block the rulebook's loop.
            watch_round = asyncio.ensure_future(asyncio.to_thread(next_round))
            try:
                events = await asyncio.shield(watch_round)
            except job_watch.ElementError as exc:
                raise RuntimeError(job_watch.describe(exc, watch.settings)) from None
            for event in events:
                await queue.put(event)
            # the next listing (interval), or sooner a look at the clones whose figures predict their end
            delay, next_round = watch.next_round()
            await asyncio.sleep(delay)
    finally:
        # Stopping cuts off the round's request and wakes its retry pause: the thread ends at once, and only then
        # is the session closed.
        watch.stop()
        if watch_round is not None:
            try:
                await asyncio.wait_for(asyncio.shield(watch_round), timeout=5)
            except (Exception, asyncio.CancelledError):  # pylint: disable=broad-except
                pass  # the round's outcome no longer matters; why the source ends is already being raised
        watch.close()

if __name__ == '__main__':
    # python async_jobs.py ['{"interval": 5, "result_types": ["Clone"]}']: watches the cluster named by the
    # SOLIDFIRE_* environment variables and prints each event as a line of JSON, until Ctrl-C.
    class PrintingQueue(asyncio.Queue):
        async def put(self, item):
            print(json.dumps(item, sort_keys=True), flush=True)

    try:
        asyncio.run(main(PrintingQueue(), json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}))
    except KeyboardInterrupt:
        pass
    except (RuntimeError, ValueError) as exc:  # why the source ended, already in words for the user
        sys.exit(str(exc))
