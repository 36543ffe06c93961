#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: group_clone
short_description: Clone a set of Element (SolidFire) volumes consistently and return the group clone job's handle
version_added: 1.1.0
description:
  - Starts C(CloneMultipleVolumes), which clones several volumes at one point in time (for example every volume of
    a database), optionally from a group snapshot, and returns its RV(async_handle), so the next task can wait for
    the whole group with M(solidfire.element.get_async_result), or waits itself when O(wait=true).
  - Idempotent by the target names, each looked up in the account its clone goes to. When every name already
    exists (as a volume that is not deleted), nothing is sent and RV(changed) is V(false); if those volumes are
    still being cloned (status C(init)) and C(ListAsyncResults) still knows the running group clone job, that job's
    RV(async_handle) is returned, so a re-run waits on the same group clone. When only some names exist, the task
    fails naming them, because a partial set cannot be completed consistently.
  - C(CloneMultipleVolumes) is not idempotent on the wire, so it is never sent twice without first looking every
    target name up again. Transient faults (clone limits such as C(xMaxClonesPerVolumeExceeded), dropped
    connections, HTTP 5xx without an API error, C(xDBVersionMismatch)) are retried with capped exponential backoff
    while O(wait_timeout) allows; when the names exist by then (the lost request did start the group clone), it is
    adopted with RV(changed=true) instead of making a second set of volumes.
  - Fatal errors (a missing source volume, group snapshot or account, C(xPermissionDenied), wrong credentials, a
    wrong O(api_version)) fail the task at once with a message naming what is missing.
author:
  - solidfire.element contributors (!UNKNOWN)
options:
  volumes:
    description:
      - The volumes to clone together, one entry per new volume.
    type: list
    elements: dict
    required: true
    suboptions:
      src_volume_id:
        description:
          - ID of the volume to clone.
          - Exactly one of O(volumes[].src_volume_id) and O(volumes[].src_volume_name) is required.
        type: int
      src_volume_name:
        description:
          - Name of the volume to clone. Deleted volumes are ignored; a name that matches several volumes fails,
            naming their IDs (set O(volumes[].src_volume_id), or O(src_account_id)).
          - Exactly one of O(volumes[].src_volume_id) and O(volumes[].src_volume_name) is required.
        type: str
      name:
        description:
          - Name of the new volume, 1 to 64 characters, different from the other entries' names. The key that
            makes the task idempotent.
        type: str
        required: true
      access:
        description:
          - Access mode of this new volume. Default is O(access), else the source volume's.
        type: str
        choices: [readOnly, readWrite, locked, replicationTarget]
      attributes:
        description:
          - Attributes (a JSON object of your own keys) of this new volume. Default is the source volume's.
        type: dict
  src_account_id:
    description:
      - Account that owns the source volumes. Narrows the name lookups of O(volumes[].src_volume_name); with
        O(volumes[].src_volume_id), the task fails if the volume belongs to another account.
    type: int
  group_snapshot_id:
    description:
      - Clone the volumes as they were in this group snapshot (made with C(CreateGroupSnapshot)) instead of their
        current content.
      - The group snapshot is looked up first, in check mode too; a missing one fails the task, and so does a source
        volume that is not one of its members.
    type: int
  account_id:
    description:
      - Account that will own every new volume. Default is each source volume's account.
      - The name lookups that make the task idempotent are done in the account each clone goes to.
    type: int
  access:
    description:
      - Access mode of the new volumes whose entry sets none. Default is each source volume's access.
    type: str
    choices: [readOnly, readWrite, locked, replicationTarget]
extends_documentation_fragment:
  - solidfire.element.connection
  - solidfire.element.wait
  - solidfire.element.start_job
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.actiongroups
notes:
  - O(wait_timeout) bounds the whole task, that is the lookups of the group snapshot, the sources and the targets,
    retries of C(CloneMultipleVolumes) and, with O(wait=true), the wait for the group clone job; the task ends
    within O(wait_timeout) plus about a second.
  - One async handle covers the whole group. Its result is C({groupCloneID, message, members}), with C(members)
    pairs of C(srcVolumeID) and C(volumeID) (the new volume).
  - Clones do not inherit the sources' volume access group membership (an Element rule).
attributes:
  check_mode:
    support: full
    details:
      - No C(CloneMultipleVolumes) is sent. The group snapshot, the sources, O(account_id) and the target names are
        still looked up, so bad input and a partial set fail in check mode too. RV(changed) says whether a group
        clone would be made, and RV(async_handle) is null, so a chained M(solidfire.element.get_async_result) task
        is skipped.
seealso:
  - module: solidfire.element.get_async_result
    description: Wait for the group clone started by this module.
  - module: solidfire.element.volume_clone
    description: Clone a single volume.
  - name: Element API reference for CloneMultipleVolumes
    description: The API method this module wraps.
    link: https://docs.netapp.com/us-en/element-software/api/reference_element_api_clonemultiplevolumes.html
'''

EXAMPLES = r'''
# Connection options come from SOLIDFIRE_* environment variables or from module_defaults for the group
# group/solidfire.element.element (hostname, username, password, ca_path, ...).
- name: Clone every volume of the database at one point in time (a re-run finds the names and changes nothing)
  solidfire.element.group_clone:
    volumes:
      - src_volume_name: db01-data
        name: db01-data-test
      - src_volume_name: db01-log
        name: db01-log-test
    src_account_id: 12
  register: group

- name: Wait for the whole group in one task (skipped when nothing was started, for example in check mode)
  solidfire.element.get_async_result:
    async_handle: "{{ group.async_handle }}"
    wait_timeout: 3600
  register: group_job

- name: Show the new volumes
  ansible.builtin.debug:
    msg: "{{ group.members | map(attribute='volume_id') | list }}"

- name: Clone a group snapshot into another account, read-only, and wait in the same task
  solidfire.element.group_clone:
    group_snapshot_id: 7
    account_id: 30
    access: readOnly
    volumes:
      - src_volume_id: 41
        name: reporting-data
        attributes:
          owner: reporting
      - src_volume_id: 42
        name: reporting-log
    wait: true
    wait_timeout: 7200
  register: group
'''

RETURN = r'''
changed:
  description:
    - True when a group clone was started (or, after a transient fault, the group the lost request started was
      adopted); in check mode, when one would be started. False when every target name existed already.
    - With O(wait=true), also true when the group clone job's handle was released.
  returned: always
  type: bool
async_handle:
  description:
    - Handle of the group clone job, for M(solidfire.element.get_async_result).
    - When every target existed already, the handle of their still running group clone job, else null. Null in
      check mode.
  returned: success
  type: int
  sample: 391
group_clone_id:
  description: ID of the group clone (for C(CancelGroupClone)); null when this task started none and found none.
  returned: success
  type: int
  sample: 4
members:
  description:
    - One entry per O(volumes) entry, in that order.
    - C(volume_id) is null in check mode when the new volume does not exist yet.
  returned: success
  type: list
  elements: dict
  contains:
    src_volume_id:
      description: ID of the source volume, also when it was given by name.
      type: int
    volume_id:
      description: ID of the new (or existing) volume.
      type: int
    name:
      description: Name of the new volume.
      type: str
  sample: [{"src_volume_id": 41, "volume_id": 80, "name": "db01-data-test"},
           {"src_volume_id": 42, "volume_id": 81, "name": "db01-log-test"}]
status:
  description: The group clone job's C(running) or C(complete), as M(solidfire.element.get_async_result) returns it.
  returned: when O(wait=true) and there was a group clone job to wait for
  type: str
  sample: complete
finished:
  description: Whether the group clone job completed, with a result or with an error.
  returned: when O(wait=true) and there was a group clone job to wait for
  type: bool
result_type:
  description: The job type Element gives group clones, C(Clone).
  returned: when O(wait=true) and there was a group clone job to wait for
  type: str
result:
  description: The group clone job's result once it completed without error.
  returned: when O(wait=true) and there was a group clone job to wait for
  type: dict
  sample: {"groupCloneID": 4, "message": "Clone complete.",
           "members": [{"srcVolumeID": 41, "volumeID": 80}, {"srcVolumeID": 42, "volumeID": 81}]}
error:
  description: The group clone job's error object when it completed with one (the task fails unless O(fail_on_error=false)).
  returned: when O(wait=true) and there was a group clone job to wait for
  type: dict
details:
  description: What the cluster said about the group clone job while it ran (its C(groupCloneID)).
  returned: when O(wait=true) and there was a group clone job to wait for
  type: dict
create_time:
  description: Creation time of the group clone job (ISO 8601 UTC, from the API).
  returned: when O(wait=true) and there was a group clone job to wait for
  type: str
last_update_time:
  description: Time of the group clone job's last change (ISO 8601 UTC, from the API).
  returned: when O(wait=true) and there was a group clone job to wait for
  type: str
released:
  description: Whether the group clone job's handle was deleted on the cluster once its result was held.
  returned: when O(wait=true) and there was a group clone job to wait for
  type: bool
progress:
  description:
    - The figures of all the group's clones together at the last read of C(ListSyncJobs) (C(percent_complete),
      C(current_bytes), C(total_bytes), C(bytes_per_second), C(remaining_time), C(sync_jobs), C(stage)); null
      without them.
  returned: when O(wait=true) and there was a group clone job to wait for
  type: dict
duration:
  description: Seconds the group clone job ran on the cluster (C(createTime) to C(lastUpdateTime)) once finished.
  returned: when O(wait=true) and there was a group clone job to wait for
  type: float
elapsed:
  description: Seconds this task waited.
  returned: when O(wait=true) and there was a group clone job to wait for
  type: float
polls:
  description: Read rounds made while waiting.
  returned: when O(wait=true) and there was a group clone job to wait for
  type: int
msg:
  description: What the task did, in one sentence or two.
  returned: always
  type: str
  sample: "Started cloning 2 volumes (41 -> 'db01-data-test' in account 12, 42 -> 'db01-log-test' in account 12) as
    group clone 4 (async handle 391)."
'''

from ansible_collections.solidfire.element.plugins.module_utils._common import run_as_module
from ansible_collections.solidfire.element.plugins.module_utils._group_clone import GROUP_CLONE


def main():
    run_as_module(GROUP_CLONE)


if __name__ == '__main__':
    main()
