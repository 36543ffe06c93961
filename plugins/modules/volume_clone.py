#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: volume_clone
short_description: Clone an Element (SolidFire) volume and return the clone job's async handle
version_added: 1.0.0
description:
  - Starts C(CloneVolume) and returns its RV(async_handle), so the next task can wait for the clone with
    M(solidfire.element.get_async_result), or waits itself when O(wait=true).
  - Idempotent by volume name within the target account. If a volume that is not deleted already has the name
    O(name) in that account, nothing is sent and RV(changed) is V(false). If that volume is still being cloned
    (status C(init)) and C(ListAsyncResults) still knows its running C(Clone) job, that job's RV(async_handle) is
    returned, so a re-run of the same playbook waits on the same clone. The existing volume is not modified.
  - C(CloneVolume) is not idempotent on the wire, so it is never sent twice without first looking the name up
    again. Transient faults (clone limits such as C(xMaxClonesPerVolumeExceeded) and C(xMaxClonesPerNodeExceeded),
    dropped connections, HTTP 5xx without an API error, C(xDBVersionMismatch)) are retried with capped
    exponential backoff while O(wait_timeout) allows; before each retry the target name is looked up, and a volume
    found then (a request whose answer was lost did start the clone) is adopted with RV(changed=true).
  - Fatal errors (a missing source volume, snapshot or account, C(xPermissionDenied), wrong credentials, a wrong
    O(api_version)) fail the task at once with a message naming the ID.
author:
  - solidfire.element contributors (!UNKNOWN)
options:
  name:
    description:
      - Name of the new volume, 1 to 64 characters. Also the key that makes the task idempotent.
    type: str
    required: true
  src_volume_id:
    description:
      - ID of the volume to clone.
      - Exactly one of O(src_volume_id) and O(src_volume_name) is required.
    type: int
  src_volume_name:
    description:
      - Name of the volume to clone. Deleted volumes are ignored.
      - A name that matches no volume fails. A name that matches several volumes fails too, naming their IDs;
        set O(src_volume_id), or O(src_account_id) when the matches are in different accounts.
      - Exactly one of O(src_volume_id) and O(src_volume_name) is required.
    type: str
  src_account_id:
    description:
      - Account that owns the source volume. Narrows the name lookup of O(src_volume_name).
      - With O(src_volume_id), the task fails if the volume belongs to another account.
    type: int
  src_snapshot_id:
    description:
      - Clone this snapshot of the source volume instead of its current contents.
      - A snapshot that does not exist fails the task, naming the snapshot ID. Check mode does not verify it.
    type: int
  account_id:
    description:
      - Account that will own the new volume. Default is the source volume's account.
      - The name lookup that makes the task idempotent is done in this account.
    type: int
  size:
    description:
      - Size of the new volume, in O(size_unit). Default is the size of the source volume.
      - The cluster rounds it up to a whole MiB.
    type: float
  size_unit:
    description:
      - Unit of O(size). C(kb), C(mb), C(gb), C(tb) are powers of 1000; C(kib), C(mib), C(gib), C(tib) are
        powers of 1024.
    type: str
    default: gb
    choices: [bytes, gb, gib, kb, kib, mb, mib, tb, tib]
  access:
    description:
      - Access mode of the new volume. Default is the source volume's access.
    type: str
    choices: [readOnly, readWrite, locked, replicationTarget]
  attributes:
    description:
      - Attributes (a JSON object of your own keys) of the new volume. Default is the source volume's attributes.
    type: dict
  enable512e:
    description:
      - Whether the new volume emulates 512-byte sectors. Default is the source volume's setting.
    type: bool
extends_documentation_fragment:
  - solidfire.element.connection
  - solidfire.element.wait
  - solidfire.element.start_job
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.actiongroups
notes:
  - O(wait_timeout) bounds the whole task, that is the lookups of the source and target volumes, retries of
    C(CloneVolume) (for example while the source volume has its maximum of two running clone jobs) and, with
    O(wait=true), the wait for the clone job; the task ends within O(wait_timeout) plus about a second.
  - Clones do not inherit the source's volume access group membership (an Element rule).
attributes:
  check_mode:
    support: full
    details:
      - No C(CloneVolume) is sent. The source (and O(account_id)) are still looked up, so a bad source fails in
        check mode too. RV(changed) says whether a clone would be made, and RV(async_handle) is null, so a
        chained M(solidfire.element.get_async_result) task is skipped.
seealso:
  - module: solidfire.element.get_async_result
    description: Wait for the clone started by this module.
  - module: solidfire.element.async_results_info
    description: Find running clone jobs when a handle was lost.
  - name: Element API reference for CloneVolume
    description: The API method this module wraps.
    link: https://docs.netapp.com/us-en/element-software/api/reference_element_api_clonevolume.html
'''

EXAMPLES = r'''
# Connection options come from SOLIDFIRE_* environment variables or from module_defaults for the group
# group/solidfire.element.element (hostname, username, password, ca_path, ...).
- name: Start the clone (a re-run finds the volume by name and changes nothing)
  solidfire.element.volume_clone:
    name: db01-test-clone
    src_volume_name: db01
    src_account_id: 12
  register: clone

- name: Wait for it (skipped when no clone job is running, for example in check mode)
  solidfire.element.get_async_result:
    async_handle: "{{ clone.async_handle }}"
    wait_timeout: 3600
  register: clone_job

- name: Clone by ID into another account, bigger, read-only, and wait in the same task
  solidfire.element.volume_clone:
    name: reporting-copy
    src_volume_id: 42
    account_id: 7
    size: 2
    size_unit: tib
    access: readOnly
    attributes:
      owner: reporting
    wait: true
    wait_timeout: 7200
  register: clone

- name: Show the new volume
  ansible.builtin.debug:
    msg: "Volume {{ clone.volume_id }} is {{ clone.volume.status }}, job {{ clone.status }} at {{ clone.last_update_time }}"

- name: Clone a snapshot
  solidfire.element.volume_clone:
    name: db01-at-midnight
    src_volume_id: 42
    src_snapshot_id: 311

- name: Start several clones, then wait for all of them in ONE task (one ListAsyncResults per poll round)
  solidfire.element.volume_clone:
    name: "ci-runner-{{ item }}"
    src_volume_name: golden-image
  loop: "{{ range(1, 11) | list }}"
  register: clones

- name: Wait for every clone that was started
  solidfire.element.get_async_result:
    async_handles: "{{ clones.results | map(attribute='async_handle') | list }}"
'''

RETURN = r'''
changed:
  description:
    - True when a clone was started (or, after a transient fault, a volume of that name was found and adopted);
      in check mode, when a clone would be started.
    - With O(wait=true), also true when the clone job's handle was released.
  returned: always
  type: bool
async_handle:
  description:
    - Handle of the clone job, for M(solidfire.element.get_async_result).
    - For an existing volume, the handle of its still running clone job, else null. Null in check mode.
  returned: success
  type: int
  sample: 389
clone_id:
  description: ID of the clone operation (for C(CancelClone)); null when no clone was started by this task.
  returned: success
  type: int
  sample: 25
volume_id:
  description: ID of the new (or existing) volume; null in check mode when the volume does not exist yet.
  returned: success
  type: int
  sample: 47
volume:
  description:
    - The new (or existing) volume as the API reports it (status C(init) while the clone runs).
    - With O(wait=true), read again after the clone completed (status C(active)).
    - Null in check mode when the volume does not exist yet.
  returned: success
  type: dict
  sample: {"volumeID": 47, "name": "db01-test-clone", "accountID": 12, "status": "init", "totalSize": 10737418240,
           "access": "readWrite", "enable512e": true, "attributes": {}}
src_volume_id:
  description: ID of the source volume, also when it was given by name.
  returned: success
  type: int
  sample: 42
status:
  description:
    - C(running) or C(complete) for the clone job, as the API reported it; null when the handle was gone.
    - When the wait ended on an answer that could not be read, what the cluster sent.
  returned: when O(wait=true) and there was a clone job to wait for
  type: str
  sample: complete
finished:
  description: Whether the clone job completed (with a result or an error).
  returned: when O(wait=true) and there was a clone job to wait for
  type: bool
  sample: true
result_type:
  description: The job type from the API, C(Clone).
  returned: when O(wait=true) and there was a clone job to wait for
  type: str
  sample: Clone
result:
  description: The clone job's result when it completed successfully, else null.
  returned: when O(wait=true) and there was a clone job to wait for
  type: dict
  sample: {"cloneID": 25, "message": "Clone complete.", "volumeID": 47}
error:
  description: The clone job's error object when it completed with an error, else null.
  returned: when O(wait=true) and there was a clone job to wait for
  type: dict
details:
  description: Job details while running (for clones C(volumeID) and C(percentComplete)), else null.
  returned: when O(wait=true) and there was a clone job to wait for
  type: dict
  sample: {"volumeID": 47, "percentComplete": 40}
create_time:
  description: When the clone job was created, ISO 8601 UTC, as the API returned it.
  returned: when O(wait=true) and there was a clone job to wait for
  type: str
  sample: '2026-11-29T06:15:58Z'
last_update_time:
  description: When the clone job last changed, ISO 8601 UTC, as the API returned it.
  returned: when O(wait=true) and there was a clone job to wait for
  type: str
  sample: '2026-11-29T06:16:09Z'
released:
  description: Whether the clone job's handle was released (deleted on the cluster) after its result was read.
  returned: when O(wait=true) and there was a clone job to wait for
  type: bool
  sample: true
progress:
  description:
    - How far the clone was at the last read of its sync jobs (C(ListSyncJobs)), added up over all of them; null
      for jobs without sync figures (bulk volume, drives, other types) and when ListSyncJobs was not available.
    - C(percent_complete), C(current_bytes), C(total_bytes), C(bytes_per_second), C(remaining_time) (seconds, an
      estimate), C(sync_jobs) (how many entries), C(clone_id), C(stage).
  returned: when O(wait=true) and there was a clone job to wait for
  type: dict
  sample: {"percent_complete": 32.0, "current_bytes": 1288490188, "total_bytes": 4026531840,
           "bytes_per_second": 80530636.8, "remaining_time": 34.0, "sync_jobs": 3, "clone_id": 7, "stage": "whole"}
duration:
  description: Seconds from the job's C(createTime) to its C(lastUpdateTime), once it has finished; else null.
  returned: when O(wait=true) and there was a clone job to wait for
  type: float
  sample: 71.0
elapsed:
  description: Seconds the wait took.
  returned: when O(wait=true) and there was a clone job to wait for
  type: float
  sample: 11.042
polls:
  description: C(GetAsyncResult) polls made while waiting.
  returned: when O(wait=true) and there was a clone job to wait for
  type: int
  sample: 5
msg:
  description: What the task did, in one sentence or two.
  returned: always
  type: str
  sample: "Started cloning source volume 42 into 'db01-test-clone' (volume 47, async handle 389)."
'''

from ansible_collections.solidfire.element.plugins.module_utils._common import run_as_module
from ansible_collections.solidfire.element.plugins.module_utils._volume_clone import VOLUME_CLONE


def main():
    run_as_module(VOLUME_CLONE)


if __name__ == '__main__':
    main()
