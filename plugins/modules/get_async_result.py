#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: get_async_result
short_description: Wait for Element (SolidFire) async jobs and return their results
version_added: 1.0.0
description:
  - Reads one or many Element async handles (returned by C(CloneVolume), C(CopyVolume), C(StartBulkVolumeRead),
    C(AddDrives) and others) with C(GetAsyncResult), waiting in one task until each job completes or
    O(wait_timeout) passes.
  - Every poll reads with C(keepResult=true), so a retry, a re-run or a second reader never loses the result.
    Only after the result is held, and unless O(keep_result=true), the handle is released with one read
    without C(keepResult), which deletes it on the cluster.
  - A job that completes with an C(error) object fails the task (see O(fail_on_error)), also when a C(result)
    came with it. Element has no C(failed) status; failure is C(complete) with C(error).
  - An answer the module cannot read (a status other than C(running) or C(complete), C(complete) with neither
    C(result) nor C(error), a result that is not an object, an answer about another handle) fails the task at
    once, and the handle is left untouched (neither waited on nor released).
  - The task ends within O(wait_timeout) plus about a second, whatever the network or the cluster does; each
    request, body included, ends within O(http_timeout) and never runs past what is left of O(wait_timeout).
  - Several handles are watched with one C(ListAsyncResults) call per poll round. The results a round finds
    finished are read at once, over up to four keep-alive connections; the releases come after every result of the
    wait is held, so a task killed mid-wait has released nothing and a re-run finds every result.
  - For clones (C(CloneVolume), C(CloneMultipleVolumes), C(CopyVolume)) the wait reads the cluster's own progress
    figures with one C(ListSyncJobs) call per round, which then stands in for the job's own read until the clone's
    sync is over or its predicted end has passed. Progress lines name the handle, the clone and its target
    volume, the percentage, the GiB copied of the total and the time left; RV(progress) returns the last
    figures and RV(duration) the job's own time. The next read is planned from the predicted end, so the end is
    noticed within about a second, with fewer calls than polling at a fixed interval.
  - "Runs on the controller when the task uses a local connection (C(hosts: localhost), C(connection: local),
    C(delegate_to: localhost)), printing a progress line when a job's status or details change and a heartbeat
    at least every 20 seconds. A wait on more than five handles prints one summary line per round that changed
    something, like C(37 of 200 complete, 163 running; next predicted end in 4 s), and its lines about single
    handles only at C(-v). On other connections the module runs on the target, so a jump host that can
    reach the storage network does the polling."
author:
  - solidfire.element contributors (!UNKNOWN)
options:
  async_handle:
    description:
      - The async handle to wait for, a positive integer.
      - Null, an empty string or an omitted value mean that there is nothing to wait for, and the task is skipped.
        So a chain after a clone task that made no change, or ran in check mode, just works.
      - Mutually exclusive with O(async_handles).
    type: raw
  async_handles:
    description:
      - Several async handles to wait for in one task, positive integers. Duplicates are waited for once.
      - The task returns RV(results), one entry per handle in input order.
      - Null or an empty list mean that there is nothing to wait for, and the task is skipped.
      - Mutually exclusive with O(async_handle).
    type: list
    elements: raw
  wait:
    description:
      - Wait until every handle has completed or O(wait_timeout) has passed.
      - When V(false), each handle is read once and its current state returned; a running job is not a failure.
    type: bool
    default: true
  keep_result:
    description:
      - Keep each result on the cluster after reading it.
      - When V(false), each completed handle is released (read once without C(keepResult)) after its result is
        held by the task, and the handle then no longer exists; RV(released) and RV(changed) say so.
      - Set V(true) when another task or tool must read the same handle later.
    type: bool
    default: false
  fail_on_error:
    description:
      - Fail the task when a job completed with an C(error) object.
      - With V(false) the task succeeds and the job's error is returned in RV(error).
    type: bool
    default: true
  fact_name:
    description:
      - Also publish the returned fields as the fact C(ansible_facts[fact_name]), for later plays or hosts.
    type: str
extends_documentation_fragment:
  - solidfire.element.connection
  - solidfire.element.wait
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
  async:
    support: full
    details:
      - Under C(async) the module runs in the background on the host (on a local connection, the controller),
        with no live progress lines. The built-in wait still does the polling of the cluster; C(async) adds no
        second poller of it, and with C(poll=0) the play goes on until M(ansible.builtin.async_status) asks.
      - C(async_status) sets RV(finished) to whether the background run ended, so read RV(status) to learn the
        job's state.
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - Reads each handle once, without waiting, and returns what it saw. Never releases a handle, so check mode
        never deletes a result; RV(changed) says whether a real run would release it.
      - With no handle the task is skipped.
  diff_mode:
    support: none
  platform:
    platforms: posix
  action_group:
    description: Use C(group/solidfire.element.element) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - solidfire.element.element
seealso:
  - name: Element API reference for GetAsyncResult
    description: The API method this module wraps.
    link: https://docs.netapp.com/us-en/element-software/api/reference_element_api_getasyncresult.html
  - module: solidfire.element.volume_clone
    description: Starts a clone and returns the async handle to wait on.
  - module: solidfire.element.async_results_info
    description: Finds jobs whose handle was lost, without consuming their results.
  - module: ansible.builtin.uri
    description: How the same wait is usually hand-built, one task run per poll.
'''

EXAMPLES = r'''
# Credentials can come from the environment (SOLIDFIRE_HOSTNAME, SOLIDFIRE_USERNAME, SOLIDFIRE_PASSWORD,
# SOLIDFIRE_CA_PATH, ...) or, as here, from module_defaults for the whole action group.
- name: Clone a volume with the plain uri module and wait for the clone
  module_defaults:
    group/solidfire.element.element:
      hostname: "{{ element_mvip }}"
      username: "{{ element_user }}"
      password: "{{ element_password }}"
      ca_path: /etc/pki/element-ca.pem
  block:
    - name: Start CloneVolume with the plain uri module
      ansible.builtin.uri:
        url: "https://{{ element_mvip }}/json-rpc/12.3"
        method: POST
        url_username: "{{ element_user }}"
        url_password: "{{ element_password }}"
        force_basic_auth: true
        ca_path: /etc/pki/element-ca.pem
        body_format: json
        body:
          method: CloneVolume
          params: {volumeID: 42, name: db01-test-clone}
          id: 1
      register: clone

    - name: Wait for the clone to finish
      solidfire.element.get_async_result:
        async_handle: "{{ clone.json.result.asyncHandle }}"
        wait_timeout: 3600
      register: clone_job

    - name: Show the new volume
      ansible.builtin.debug:
        msg: "Volume {{ clone_job.result.volumeID }} ready at {{ clone_job.last_update_time }}"

- name: Chain after solidfire.element.volume_clone (skipped when the clone already existed)
  solidfire.element.get_async_result:
    async_handle: "{{ clone.async_handle }}"

- name: Wait for several clones in one task (one ListAsyncResults per poll round)
  solidfire.element.get_async_result:
    async_handles: "{{ clones.results | map(attribute='json.result.asyncHandle') | list }}"
  register: jobs

- name: Report each clone
  ansible.builtin.debug:
    msg: "{{ item.async_handle }} -> {{ item.result.volumeID }}"
  loop: "{{ jobs.results }}"

- name: Look at a job without waiting and without deleting anything (also what check mode does)
  solidfire.element.get_async_result:
    async_handle: 389
    wait: false
    keep_result: true
  register: peek

- name: In check mode the task reads once, never releases, and a null handle is skipped
  solidfire.element.get_async_result:
    async_handle: "{{ clone.json.result.asyncHandle | default(omit) }}"
  check_mode: true

- name: Publish the outcome as a fact for later plays
  solidfire.element.get_async_result:
    async_handle: "{{ handle }}"
    fact_name: nightly_clone
- name: Use the fact
  ansible.builtin.debug:
    var: ansible_facts.nightly_clone.result

- name: Record a failed job instead of failing the task
  solidfire.element.get_async_result:
    async_handle: "{{ handle }}"
    fail_on_error: false
  register: job
- name: React to the job's own error (status is never "failed"; an error object is)
  ansible.builtin.debug:
    msg: "Job failed: {{ job.error.name }} {{ job.error.message }}"
  when: job.error is not none

- name: Existing until-loops keep working, without losing the result between polls
  solidfire.element.get_async_result:
    async_handle: "{{ handle }}"
    wait: false
  register: job
  until: job is finished
  retries: 60
  delay: 10
'''

RETURN = r'''
async_handle:
  description: The handle that was read (single-handle form).
  returned: when a handle was given with O(async_handle)
  type: int
  sample: 389
status:
  description:
    - C(running) or C(complete), as the API reported it; null when the handle was gone or never read.
    - When the wait ended on an answer that could not be read, what the cluster sent (for example C(failed)).
  returned: when a handle was given with O(async_handle)
  type: str
  sample: complete
finished:
  description:
    - "Whether every handle has completed (with a result or an error), so C(until: result is finished) works."
  returned: when a handle was given
  type: bool
  sample: true
result_type:
  description: The job type from the API, for example C(Clone), C(BulkVolume), C(DriveAdd).
  returned: when a handle was given with O(async_handle)
  type: str
  sample: Clone
result:
  description: The job's result (the original method's return value) when it completed successfully, else null.
  returned: when a handle was given with O(async_handle)
  type: dict
  sample: {"cloneID": 25, "message": "Clone complete.", "volumeID": 47}
error:
  description: The job's error object when it completed with an error, else null.
  returned: when a handle was given with O(async_handle)
  type: dict
  sample: {"name": "xBulkVolumeScriptFailure", "message": "Bulk volume job failed", "bvID": 1, "volumeID": 34}
details:
  description: Job details while running (contents vary by job type), else null.
  returned: when a handle was given with O(async_handle)
  type: dict
  sample: {"volumeID": 47}
create_time:
  description: When the job was created, ISO 8601 UTC, as the API returned it.
  returned: when a handle was given with O(async_handle)
  type: str
  sample: '2026-11-29T06:15:58Z'
last_update_time:
  description: When the job last changed, ISO 8601 UTC, as the API returned it.
  returned: when a handle was given with O(async_handle)
  type: str
  sample: '2026-11-29T06:16:09Z'
released:
  description: Whether the handle was released (deleted on the cluster) after its result was read.
  returned: when a handle was given with O(async_handle)
  type: bool
  sample: true
progress:
  description:
    - How far the clone was at the last read of its sync jobs (C(ListSyncJobs)), added up over all of them; null
      for jobs without sync figures (bulk volume, drives, other types) and when ListSyncJobs was not available.
    - C(percent_complete), C(current_bytes), C(total_bytes), C(bytes_per_second), C(remaining_time) (seconds, an
      estimate), C(sync_jobs) (how many entries), C(clone_id), C(stage).
  returned: when a handle was given with O(async_handle)
  type: dict
  sample: {"percent_complete": 32.0, "current_bytes": 1288490188, "total_bytes": 4026531840,
           "bytes_per_second": 80530636.8, "remaining_time": 34.0, "sync_jobs": 3, "clone_id": 7, "stage": "whole"}
duration:
  description: Seconds from the job's C(createTime) to its C(lastUpdateTime), once it has finished; else null.
  returned: when a handle was given with O(async_handle)
  type: float
  sample: 71.0
elapsed:
  description: Seconds the task spent, on success and failure alike.
  returned: always
  type: float
  sample: 11.042
polls:
  description: Poll rounds made (one C(GetAsyncResult), or one C(ListAsyncResults) for several handles).
  returned: always
  type: int
  sample: 5
changed:
  description: True only when a handle was released; in check mode, when a real run would release one.
  returned: always
  type: bool
results:
  description: One entry per handle, in input order, with the same keys as the single-handle form.
  returned: when handles were given with O(async_handles)
  type: list
  elements: dict
  contains:
    async_handle:
      description: The handle.
      type: int
    status:
      description:
        - C(running) or C(complete); null when the handle was gone or never read.
        - When the wait ended on an answer that could not be read, what the cluster sent.
      type: str
    finished:
      description: Whether this job completed.
      type: bool
    result_type:
      description: The job type from the API.
      type: str
    result:
      description: The job's result, or null.
      type: dict
    error:
      description: The job's error object, or null.
      type: dict
    details:
      description: Job details while running, or null.
      type: dict
    create_time:
      description: When the job was created, as the API returned it.
      type: str
    last_update_time:
      description: When the job last changed, as the API returned it.
      type: str
    released:
      description: Whether this handle was released after its result was read.
      type: bool
    progress:
      description: How far this clone was at the last read of its sync jobs, or null (see RV(progress)).
      type: dict
    duration:
      description: Seconds from the job's creation to its last update, once finished; else null.
      type: float
  sample:
    - {"async_handle": 389, "status": "complete", "finished": true, "result_type": "Clone",
       "result": {"cloneID": 25, "message": "Clone complete.", "volumeID": 47}, "error": null, "details": null,
       "create_time": "2026-11-29T06:15:58Z", "last_update_time": "2026-11-29T06:16:09Z", "released": true}
ansible_facts:
  description: The returned fields under the name given in O(fact_name).
  returned: when O(fact_name) is set
  type: dict
'''

from ansible_collections.solidfire.element.plugins.module_utils._common import run_as_module
from ansible_collections.solidfire.element.plugins.module_utils._get_async_result import GET_ASYNC_RESULT


def main():
    run_as_module(GET_ASYNC_RESULT)


if __name__ == '__main__':
    main()
