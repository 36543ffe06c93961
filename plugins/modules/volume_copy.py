#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: volume_copy
short_description: Overwrite an Element (SolidFire) volume with another volume or snapshot and return the job's handle
version_added: 1.1.0
description:
  - Starts C(CopyVolume), which overwrites the content of an existing destination volume with the content of a
    source volume (or of one of its snapshots), and returns its RV(async_handle), so the next task can wait with
    M(solidfire.element.get_async_result), or waits itself when O(wait=true). The usual "refresh test from
    production" step.
  - The destination keeps its name, IQN, QoS, size, account and volume access groups; only its data is replaced,
    and whatever is written to it during the copy is lost. Unmount it first. Element copies only onto a volume of
    the same size as the source; when the sizes differ the task warns, and the cluster may refuse the copy.
  - A copy is an action, not a state. Every run that finds no copy running onto the destination starts a new
    one (RV(changed=true)); guard the task with C(when) if it must run only once.
  - A run that finds a copy from the same source already running onto the destination (a re-run after a killed
    run, or a second playbook) starts no second copy. It returns that job's RV(async_handle) with RV(changed=false),
    so a chained wait resumes it. A running copy onto the destination from another source fails the task, naming
    its handle.
  - C(CopyVolume) is not idempotent on the wire, so after a transient fault (a dropped connection, HTTP 5xx without
    an API error, C(xDBVersionMismatch), clone limits such as C(xMaxClonesPerVolumeExceeded)) the task backs off and
    reads C(ListAsyncResults) again before any resend; a new copy job found then (the lost request did start it) is
    adopted. Everything is retried while O(wait_timeout) allows.
  - Volume names are looked up among volumes that are not deleted; a name that matches no volume, or several,
    fails the task before anything is sent, naming the matching volume IDs and the option that picks one.
author:
  - solidfire.element contributors (!UNKNOWN)
options:
  src_volume_id:
    description:
      - ID of the volume to copy from.
      - Exactly one of O(src_volume_id) and O(src_volume_name) is required.
    type: int
  src_volume_name:
    description:
      - Name of the volume to copy from. Deleted volumes are ignored.
      - Exactly one of O(src_volume_id) and O(src_volume_name) is required.
    type: str
  src_account_id:
    description:
      - Account that owns the source volume. Narrows the name lookup of O(src_volume_name); with
        O(src_volume_id), the task fails if the volume belongs to another account.
    type: int
  src_snapshot_id:
    description:
      - Copy this snapshot of the source volume instead of its current content.
      - A snapshot that does not exist fails the task, naming the snapshot ID. Check mode does not verify it.
    type: int
  dst_volume_id:
    description:
      - ID of the volume to overwrite. It must exist already.
      - Exactly one of O(dst_volume_id) and O(dst_volume_name) is required.
    type: int
  dst_volume_name:
    description:
      - Name of the volume to overwrite. Deleted volumes are ignored.
      - Exactly one of O(dst_volume_id) and O(dst_volume_name) is required.
    type: str
  dst_account_id:
    description:
      - Account that owns the destination volume. Narrows the name lookup of O(dst_volume_name); with
        O(dst_volume_id), the task fails if the volume belongs to another account.
    type: int
extends_documentation_fragment:
  - solidfire.element.connection
  - solidfire.element.wait
  - solidfire.element.start_job
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.actiongroups
notes:
  - O(wait_timeout) bounds the whole task, that is the volume lookups, retries of C(CopyVolume) and, with
    O(wait=true), the wait for the copy job; the task ends within O(wait_timeout) plus about a second.
  - "What the copy job returns: Element's C(CopyVolume) result names the B(source) volume in C(result.volumeID)
    (C({cloneID, message, volumeID})), not the destination. This module returns the destination as RV(volume_id)
    and RV(volume), and the source as RV(src_volume_id); a chained M(solidfire.element.get_async_result) returns
    the job's C(result) as the cluster sent it."
attributes:
  check_mode:
    support: full
    details:
      - No C(CopyVolume) is sent. Both volumes are looked up and C(ListAsyncResults) is read (it never deletes a
        result), so a missing volume fails in check mode too, and RV(msg) says what would be copied onto what.
      - RV(changed) is V(true) when a copy would be started and V(false) when one is already running onto the
        destination. RV(async_handle) is null, so a chained M(solidfire.element.get_async_result) task is skipped.
seealso:
  - module: solidfire.element.get_async_result
    description: Wait for the copy started by this module.
  - module: solidfire.element.volume_clone
    description: Clone into a new volume instead of overwriting one.
  - name: Element API reference for CopyVolume
    description: The API method this module wraps.
    link: https://docs.netapp.com/us-en/element-software/api/reference_element_api_copyvolume.html
'''

EXAMPLES = r'''
# Connection options come from SOLIDFIRE_* environment variables or from module_defaults for the group
# group/solidfire.element.element (hostname, username, password, ca_path, ...).
- name: Refresh the test volume from production (a re-run while it copies adopts the running copy)
  solidfire.element.volume_copy:
    src_volume_name: db01
    dst_volume_name: db01-test
  register: copy

- name: Wait for the copy (skipped in check mode, where the handle is null)
  solidfire.element.get_async_result:
    async_handle: "{{ copy.async_handle }}"
    wait_timeout: 3600
  register: copy_job

- name: Copy last night's snapshot by ID and wait in the same task
  solidfire.element.volume_copy:
    src_volume_id: 42
    src_snapshot_id: 311
    dst_volume_id: 57
    wait: true
    wait_timeout: 7200
  register: copy

- name: Show what was copied (result.volumeID is the source, as Element reports it)
  ansible.builtin.debug:
    msg: "volume {{ copy.volume_id }} now holds volume {{ copy.src_volume_id }}; job {{ copy.status }}, clone {{ copy.clone_id }}"

- name: Names that exist in several accounts are narrowed by account
  solidfire.element.volume_copy:
    src_volume_name: app-data
    src_account_id: 3
    dst_volume_name: app-data
    dst_account_id: 9
'''

RETURN = r'''
changed:
  description:
    - True when a copy was started (or, after a transient fault, the copy the lost request started was adopted); in
      check mode, when a copy would be started. False when a copy onto the destination was already running.
    - With O(wait=true), also true when the copy job's handle was released.
  returned: always
  type: bool
async_handle:
  description:
    - Handle of the copy job, for M(solidfire.element.get_async_result); the running job's handle when one was
      adopted. Null in check mode.
  returned: success
  type: int
  sample: 390
clone_id:
  description: ID of the copy operation (for C(CancelClone)); null in check mode or when the cluster did not say.
  returned: success
  type: int
  sample: 26
volume_id:
  description: ID of the destination volume, also when it was given by name.
  returned: success
  type: int
  sample: 57
volume:
  description:
    - The destination volume as the API reported it before the copy; with O(wait=true), read again once the copy
      completed.
  returned: success
  type: dict
  sample: {"volumeID": 57, "name": "db01-test", "accountID": 12, "status": "active", "totalSize": 10737418240}
src_volume_id:
  description: ID of the source volume, also when it was given by name.
  returned: success
  type: int
  sample: 42
src_snapshot_id:
  description: The snapshot copied from (O(src_snapshot_id)), or null for the volume's current content.
  returned: success
  type: int
  sample: 311
status:
  description: The copy job's C(running) or C(complete), as M(solidfire.element.get_async_result) returns it.
  returned: when O(wait=true) and there was a copy job to wait for
  type: str
  sample: complete
finished:
  description: Whether the copy job completed, with a result or with an error.
  returned: when O(wait=true) and there was a copy job to wait for
  type: bool
result_type:
  description: The job type Element gives copies, C(Clone).
  returned: when O(wait=true) and there was a copy job to wait for
  type: str
result:
  description:
    - The copy job's result once it completed without error. Its C(volumeID) is the B(source) volume (Element's
      copy result), not the destination; see RV(volume_id).
  returned: when O(wait=true) and there was a copy job to wait for
  type: dict
  sample: {"cloneID": 26, "message": "Clone complete.", "volumeID": 42}
error:
  description: The copy job's error object when it completed with one (the task fails unless O(fail_on_error=false)).
  returned: when O(wait=true) and there was a copy job to wait for
  type: dict
details:
  description: What the cluster said about the job while it ran (for copies the source and C(dstVolumeID)).
  returned: when O(wait=true) and there was a copy job to wait for
  type: dict
create_time:
  description: Creation time of the copy job (ISO 8601 UTC, from the API).
  returned: when O(wait=true) and there was a copy job to wait for
  type: str
last_update_time:
  description: Time of the copy job's last change (ISO 8601 UTC, from the API).
  returned: when O(wait=true) and there was a copy job to wait for
  type: str
released:
  description: Whether the copy job's handle was deleted on the cluster once its result was held.
  returned: when O(wait=true) and there was a copy job to wait for
  type: bool
progress:
  description:
    - The copy's figures at the last read of C(ListSyncJobs) (C(percent_complete), C(current_bytes),
      C(total_bytes), C(bytes_per_second), C(remaining_time), C(sync_jobs), C(clone_id), C(stage)); null without them.
  returned: when O(wait=true) and there was a copy job to wait for
  type: dict
duration:
  description: Seconds the copy job ran on the cluster (C(createTime) to C(lastUpdateTime)) once finished, else null.
  returned: when O(wait=true) and there was a copy job to wait for
  type: float
elapsed:
  description: Seconds this task waited.
  returned: when O(wait=true) and there was a copy job to wait for
  type: float
polls:
  description: Read rounds made while waiting.
  returned: when O(wait=true) and there was a copy job to wait for
  type: int
msg:
  description: What the task did, in one sentence or two.
  returned: always
  type: str
  sample: "Started copying volume 42 ('db01') onto volume 57 ('db01-test') (clone 26, async handle 390)."
'''

from ansible_collections.solidfire.element.plugins.module_utils._common import run_as_module
from ansible_collections.solidfire.element.plugins.module_utils._volume_copy import VOLUME_COPY


def main():
    run_as_module(VOLUME_COPY)


if __name__ == '__main__':
    main()
