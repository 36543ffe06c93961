#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: drives
short_description: Add, remove or securely erase Element (SolidFire) drives and wait until their data is in place
version_added: 1.2.0
description:
  - Adds drives to the cluster (C(AddDrives)), removes them (C(RemoveDrives)) or securely erases them
    (C(SecureEraseDrives)), by the state asked for, with one job for all the drives named, and returns its
    RV(async_handle), so the next task can wait with M(solidfire.element.get_async_result), or waits itself when
    O(wait=true).
  - Idempotent by drive state (C(ListDrives)). O(state=present) adds the C(available) drives among those named;
    C(active) ones are left as they are (RV(changed=false)). O(state=absent) removes the C(active) or C(failed)
    ones; C(available) ones are out of the cluster already. O(state=erased) erases the C(available) ones (an
    erase is an action; an available drive is erased again on every run).
  - Refused, naming the drive, before anything is sent, is what the cluster would refuse or what would harm it, that
    is a drive that is being removed or erased, an C(active) drive to erase (remove it first), and a removal that
    would leave the data in use more than 90 % of the block capacity left (C(GetClusterCapacity) C(usedSpace)
    against the capacity of the active block drives that would remain). A removal or erase already running on the
    drives named is adopted, its RV(async_handle) returned with RV(changed=false).
  - A removal moves the drives' data off first, minutes to hours. An addition's job completes before the cluster
    has moved data onto the new drives. With O(wait=true) the task waits for the job and then, for O(state=present)
    and O(state=absent), until no data moves onto or off the drives (their bin and slice syncs in
    C(ListSyncJobs)), with progress lines and the time left; RV(data_moving) says how it ended.
  - A start request whose answer was lost is never resent blind; the drives' states are read again first, and a
    job found that way is adopted.
author:
  - solidfire.element contributors (!UNKNOWN)
options:
  drives:
    description:
      - The drives, by driveID (a number or a string of digits) or by serial (C(ListDrives) C(serial)). At least one.
      - The module never acts on every drive of a node or a cluster unasked.
    type: list
    elements: raw
    required: true
  state:
    description:
      - C(present) - the drives are in the cluster (add the available ones).
      - C(absent) - the drives are out of the cluster (remove the active or failed ones, their data moved off first).
      - C(erased) - securely erase the drives, which must be out of the cluster (available).
      - netapp.elementsw's C(na_elementsw_drive) calls the last one C(clean).
    type: str
    default: present
    choices: [present, absent, erased]
  node:
    description:
      - Only drives of this node (its C(nodeID) or name, from C(ListActiveNodes)); a named drive of another node
        fails the task, naming both.
    type: str
  type:
    description:
      - With O(state=present), what the cluster uses the added drives for; by default the cluster chooses.
    type: str
    choices: [block, slice, volume]
extends_documentation_fragment:
  - solidfire.element.connection
  - solidfire.element.wait
  - solidfire.element.start_job
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.actiongroups
notes:
  - O(wait_timeout) bounds the whole task, that is the lookups, retries of the start request and, with
    O(wait=true), the wait for the job and for the data; the task ends within O(wait_timeout) plus about a second.
    When it passes while data still moves, the task fails saying so; run it again to wait for the rest (the drives
    are already in the state asked for, so nothing is started again).
  - "A drive that fails while its data is moved off ends the removal with an error (C(xDriveFailed) on the
    simulator): the task fails, naming it. A failed drive removed stays C(failed); it does not return to
    C(available)."
attributes:
  check_mode:
    support: full
    details:
      - No drive is added, removed or erased. C(ListDrives) (and C(GetClusterCapacity) for a removal) are read, so
        a refused drive or removal fails in check mode too.
      - RV(changed) is V(true) when a job would be started. RV(async_handle) is null, so a chained
        M(solidfire.element.get_async_result) task is skipped.
seealso:
  - module: solidfire.element.get_async_result
    description: Wait for the job started by this module.
  - name: Element API reference for AddDrives
    description: One of the API methods this module wraps.
    link: https://docs.netapp.com/us-en/element-software/api/reference_element_api_adddrives.html
  - name: Element API reference for RemoveDrives
    description: One of the API methods this module wraps.
    link: https://docs.netapp.com/us-en/element-software/api/reference_element_api_removedrives.html
'''

EXAMPLES = r'''
# Connection options come from SOLIDFIRE_* environment variables or from module_defaults for the group
# group/solidfire.element.element (hostname, username, password, ca_path, ...).
- name: Add the two new drives and wait until the cluster has moved data onto them
  solidfire.element.drives:
    drives: [11, 12]
    state: present
    wait: true
    wait_timeout: 7200

- name: Remove a drive by its serial (its data is moved off first)
  solidfire.element.drives:
    drives: [scsi-SATA_SAMSUNG_MZ7LM48S2UJNX0J3221807]
    state: absent
  register: removal

- name: Wait for the removal and the resync
  solidfire.element.get_async_result:
    async_handle: "{{ removal.async_handle }}"
    wait_timeout: 14400

- name: Then erase it securely before it leaves the data center
  solidfire.element.drives:
    drives: [scsi-SATA_SAMSUNG_MZ7LM48S2UJNX0J3221807]
    state: erased
    wait: true
'''

RETURN = r'''
changed:
  description: Whether a job was started (in check mode, would be), or a completed handle released.
  returned: always
  type: bool
async_handle:
  description:
    - Handle of the job started (C(DriveAdd), C(DriveRemoval) or C(DriveSecureErase)); null when nothing was
      started (check mode, or the drives were in the state asked for already).
    - With RV(changed=false), the handle of the removal or erase that was already running.
  returned: always
  type: int
  sample: 402
state:
  description: The state asked for.
  returned: always
  type: str
  sample: absent
drives:
  description: The drives named, as C(ListDrives) returns them (after the wait, as they are then).
  returned: always
  type: list
  elements: dict
  sample: [{"driveID": 11, "serial": "sim-drive-0011", "status": "available", "nodeID": 1, "capacity": 960197124096}]
data_moving:
  description:
    - With O(wait=true) and O(state=present) or O(state=absent), whether data still moved onto or off the drives
      when the task ended (V(true) only when O(wait_timeout) passed first); null without that wait.
  returned: always
  type: bool
status:
  description: The job's C(running) or C(complete), as M(solidfire.element.get_async_result) returns it.
  returned: when O(wait=true) and there was a job to wait for
  type: str
  sample: complete
finished:
  description: Whether the job completed, with a result or with an error.
  returned: when O(wait=true) and there was a job to wait for
  type: bool
result_type:
  description: The job's type, C(DriveAdd), C(DriveRemoval) or C(DriveSecureErase).
  returned: when O(wait=true) and there was a job to wait for
  type: str
result:
  description: The job's result once it completed without error.
  returned: when O(wait=true) and there was a job to wait for
  type: dict
error:
  description: The job's error object when it failed (the task fails unless O(fail_on_error=false)).
  returned: when O(wait=true) and there was a job to wait for
  type: dict
details:
  description: What the cluster said about the job while it ran.
  returned: when O(wait=true) and there was a job to wait for
  type: dict
create_time:
  description: Creation time of the job (ISO 8601 UTC, from the API).
  returned: when O(wait=true) and there was a job to wait for
  type: str
last_update_time:
  description: Time of the job's last change (ISO 8601 UTC, from the API).
  returned: when O(wait=true) and there was a job to wait for
  type: str
released:
  description: Whether the job's handle was deleted on the cluster once its result was held.
  returned: when O(wait=true) and there was a job to wait for
  type: bool
progress:
  description:
    - For a removal, the figures of its data movement at the last read of C(ListSyncJobs) (C(percent_complete),
      C(current_bytes), C(total_bytes), C(bytes_per_second), C(remaining_time), C(sync_jobs)); null without them.
  returned: when O(wait=true) and there was a job to wait for
  type: dict
duration:
  description: Seconds the job ran on the cluster (C(createTime) to C(lastUpdateTime)) once finished, else null.
  returned: when O(wait=true) and there was a job to wait for
  type: float
elapsed:
  description: Seconds this task waited for the job.
  returned: when O(wait=true) and there was a job to wait for
  type: float
polls:
  description: Read rounds made while waiting for the job.
  returned: when O(wait=true) and there was a job to wait for
  type: int
msg:
  description: What was done, or why nothing was.
  returned: always
  type: str
'''

from ansible_collections.solidfire.element.plugins.module_utils._common import run_as_module
from ansible_collections.solidfire.element.plugins.module_utils._drives import DRIVES


def main():
    run_as_module(DRIVES)


if __name__ == '__main__':
    main()
