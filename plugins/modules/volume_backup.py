#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: volume_backup
short_description: Back up an Element (SolidFire) volume to S3 or to another Element cluster and return the job's handle
version_added: 1.2.0
description:
  - Starts a bulk volume read (C(StartBulkVolumeRead)) of a volume, or of one of its snapshots, with the cluster's
    own script C(bv_internal.py), writing to an S3 bucket (O(s3)) or to a volume of another Element cluster
    (O(destination)), and returns its RV(async_handle), so the next task can wait with
    M(solidfire.element.get_async_result), or waits itself when O(wait=true).
  - To another cluster, a bulk volume write session is started there first (C(StartBulkVolumeWrite)); its key
    admits the data the read sends. When the read cannot be started, that session is closed again
    (C(UpdateBulkVolumeStatus)). With O(wait=true) both sides are waited on and released.
  - Without O(snapshot_id), Element takes a temporary snapshot of the volume and deletes it at the end.
  - The destination volume of another cluster must not be in use (in a volume access group, or the volume of a
    running bulk volume job) and must be at least as large as the volume backed up; either is refused before
    anything starts, naming the volume. Its content is overwritten.
  - A backup of the same volume to the same place already running (C(ListBulkVolumeJobs)), a re-run after a
    killed run or a second playbook, is not started again. Its RV(async_handle) is returned with
    RV(changed=false), so a chained wait resumes it.
  - A start request whose answer was lost (a dropped connection, HTTP 5xx without an API error,
    C(xDBVersionMismatch), no free bulk volume job slot such as C(xMaxBulkVolumeJobsPerVolumeExceeded)) is never
    resent blind; C(ListBulkVolumeJobs) is read again first, and a job found there is adopted. Everything is
    retried while O(wait_timeout) allows. Element runs at most two bulk volume jobs per volume and
    C(bulkVolumeJobsPerNodeMax) (C(GetLimits)) per node.
  - The S3 secret key and the destination's password are handed to the cluster in the job's script parameters,
    which the cluster may echo back (C(ListBulkVolumeJobs), C(GetAsyncResult)). They are never shown in the
    result, a progress line or an error message, by this module or by M(solidfire.element.get_async_result).
author:
  - solidfire.element contributors (!UNKNOWN)
options:
  src_volume_id:
    description:
      - ID of the volume to back up.
      - Exactly one of O(src_volume_id) and O(src_volume_name) is required.
    type: int
  src_volume_name:
    description:
      - Name of the volume to back up. Deleted volumes are ignored.
      - Exactly one of O(src_volume_id) and O(src_volume_name) is required.
    type: str
  src_account_id:
    description:
      - Account that owns the volume. Narrows the name lookup of O(src_volume_name); with O(src_volume_id), the task
        fails if the volume belongs to another account.
    type: int
  snapshot_id:
    description:
      - Back up this snapshot of the volume instead of its current content (no temporary snapshot is taken).
      - A snapshot that is not one of the volume's fails the task, naming it.
    type: int
  format:
    description:
      - C(native) is Element's own compact format, read back by a restore; C(uncompressed) is every byte of the
        volume, for use outside Element.
    type: str
    default: native
    choices: [native, uncompressed]
  s3:
    description:
      - Back up to this S3 bucket. Exactly one of O(s3) and O(destination) is required.
    type: dict
    suboptions:
      hostname:
        description: The S3 endpoint (host name, optionally with C(:port)), as the cluster's nodes reach it.
        type: str
        required: true
      bucket:
        description: The bucket.
        type: str
        required: true
      prefix:
        description:
          - The key prefix of the backup. By default where Element's UI puts it,
            C(<cluster name>-<cluster unique ID>/<volume name>-<volume ID>).
        type: str
      access_key_id:
        description: The S3 access key ID.
        type: str
        required: true
      secret_access_key:
        description: The S3 secret access key. Never shown.
        type: str
        required: true
  destination:
    description:
      - Back up to a volume of another Element cluster. Exactly one of O(s3) and O(destination) is required.
      - Its connection options have the names of the module's own, without their environment fallbacks (those name
        the cluster that reads).
    type: dict
    suboptions:
      hostname:
        description: The other cluster's MVIP or DNS name, optionally with C(:port), as this cluster's nodes reach it.
        type: str
        required: true
      username:
        description: A cluster admin of the other cluster.
        type: str
        required: true
        aliases: [user]
      password:
        description: Its password. Never shown.
        type: str
        required: true
        aliases: [pass]
      port:
        description: HTTPS port of the other cluster's API.
        type: int
        default: 443
      api_version:
        description: Element API version of the other cluster's endpoint.
        type: str
        default: '12.3'
      validate_certs:
        description: Verify the other cluster's certificate.
        type: bool
        default: true
      ca_path:
        description: CA bundle to verify the other cluster's certificate with.
        type: path
      http_timeout:
        description: Seconds one request to the other cluster may take, all of it.
        type: float
        default: 30.0
      volume_id:
        description:
          - ID of the volume to write the backup to. Exactly one of O(destination.volume_id) and
            O(destination.volume_name) is required.
        type: int
      volume_name:
        description:
          - Name of the volume to write the backup to. Exactly one of O(destination.volume_id) and
            O(destination.volume_name) is required.
        type: str
      account_id:
        description: Account that owns the destination volume; narrows the name lookup.
        type: int
extends_documentation_fragment:
  - solidfire.element.connection
  - solidfire.element.wait
  - solidfire.element.start_job
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.actiongroups
notes:
  - O(wait_timeout) bounds the whole task, that is the lookups on both clusters, retries of the start requests
    and, with O(wait=true), the wait for the job; the task ends within O(wait_timeout) plus about a second.
  - While it runs, the job's progress (C(percentComplete), the cluster's C(remainingTime) estimate) is read from
    C(ListBulkVolumeJobs), which stands in for reading its handle; the end is noticed within about a second when
    the cluster gives figures, and within a tenth of the job's length otherwise.
attributes:
  check_mode:
    support: full
    details:
      - No bulk volume job is started on either cluster. The volumes (and the destination cluster) are looked up
        and C(ListBulkVolumeJobs) is read, so a missing volume or a destination in use fails in check mode too.
      - RV(changed) is V(true) when a backup would be started and V(false) when one is already running.
        RV(async_handle) is null, so a chained M(solidfire.element.get_async_result) task is skipped.
seealso:
  - module: solidfire.element.volume_restore
    description: Restore a volume from S3 or from another cluster.
  - module: solidfire.element.get_async_result
    description: Wait for the backup started by this module.
  - name: Element API reference for StartBulkVolumeRead
    description: The API method this module wraps.
    link: https://docs.netapp.com/us-en/element-software/api/reference_element_api_startbulkvolumeread.html
'''

EXAMPLES = r'''
# Connection options come from SOLIDFIRE_* environment variables or from module_defaults for the group
# group/solidfire.element.element (hostname, username, password, ca_path, ...).
- name: Back up db01 to S3 (a re-run while it runs adopts the running backup)
  solidfire.element.volume_backup:
    src_volume_name: db01
    s3:
      hostname: s3.eu-west-1.amazonaws.com
      bucket: element-backups
      access_key_id: "{{ s3_access_key_id }}"
      secret_access_key: "{{ s3_secret_access_key }}"
  register: backup

- name: Wait for it (skipped in check mode, where the handle is null)
  solidfire.element.get_async_result:
    async_handle: "{{ backup.async_handle }}"
    wait_timeout: 14400
  register: backup_job

- name: Back up a snapshot to the disaster recovery cluster and wait in the same task
  solidfire.element.volume_backup:
    src_volume_id: 42
    snapshot_id: 1207
    destination:
      hostname: dr-mvip.example.com
      username: admin
      password: "{{ dr_password }}"
      ca_path: /etc/pki/dr-cluster-ca.pem
      volume_name: db01-dr
    wait: true
    wait_timeout: 14400
'''

RETURN = r'''
async_handle:
  description:
    - Handle of the bulk volume read on this cluster; null when nothing was started (check mode).
    - With RV(changed=false), the handle of the backup that was already running.
  returned: always
  type: int
  sample: 389
peer_async_handle:
  description: Handle of the write session on the destination cluster (O(destination)); null otherwise.
  returned: always
  type: int
  sample: 77
bulk_volume_id:
  description: The bulk volume job's ID (C(bulkVolumeID) in C(ListBulkVolumeJobs), C(bvID) in its result), when read.
  returned: always
  type: int
  sample: 12
key:
  description: The bulk volume job's key (its start answer's), which names it in C(ListBulkVolumeJobs).
  returned: always
  type: str
  sample: 5d1f7e0b4c0d4c3ba3d6e6e0a1f0b2c9
volume:
  description: The volume backed up, as C(ListVolumes) returns it.
  returned: always
  type: dict
  sample: {"volumeID": 42, "name": "db01", "totalSize": 107374182400}
s3:
  description: Where the backup goes in S3 (the secret is not returned).
  returned: with O(s3)
  type: dict
  sample: {"hostname": "s3.eu-west-1.amazonaws.com", "bucket": "element-backups", "prefix": "prod-1x2y/db01-42"}
cluster:
  description: The destination cluster and volume.
  returned: with O(destination)
  type: dict
  sample: {"hostname": "dr-mvip.example.com", "port": 443, "volume_id": 7, "volume_name": "db01-dr"}
peer:
  description:
    - With O(wait=true) and O(destination), the destination's side of the job, with the fields of
      M(solidfire.element.get_async_result).
  returned: with O(wait=true) and O(destination), when the read completed
  type: dict
changed:
  description: Whether a job was started (in check mode, would be), or a completed handle released.
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
  description: The job type Element gives bulk volume jobs, C(BulkVolume).
  returned: when O(wait=true) and there was a job to wait for
  type: str
result:
  description: The job's result once it completed without error, C({bvID, message, volumeID}).
  returned: when O(wait=true) and there was a job to wait for
  type: dict
  sample: {"bvID": 12, "message": "Bulk volume job succeeded", "volumeID": 42}
error:
  description:
    - The job's error object when it failed, for example C(xBulkVolumeScriptFailure) (the destination
      unreachable, the S3 credentials refused); the task fails unless O(fail_on_error=false). Secrets the cluster
      echoes in it are redacted.
  returned: when O(wait=true) and there was a job to wait for
  type: dict
details:
  description: What the cluster said about the job while it ran (its C(bvID) and volume; echoed secrets redacted).
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
    - The job's figures at the last read of C(ListBulkVolumeJobs) (C(percent_complete), C(remaining_time),
      C(status), C(bulk_volume_id), C(type)); null without them.
  returned: when O(wait=true) and there was a job to wait for
  type: dict
duration:
  description: Seconds the job ran on the cluster (C(createTime) to C(lastUpdateTime)) once finished, else null.
  returned: when O(wait=true) and there was a job to wait for
  type: float
elapsed:
  description: Seconds this task waited.
  returned: when O(wait=true) and there was a job to wait for
  type: float
polls:
  description: Read rounds made while waiting.
  returned: when O(wait=true) and there was a job to wait for
  type: int
msg:
  description: What was done, or why nothing was.
  returned: always
  type: str
'''

from ansible_collections.solidfire.element.plugins.module_utils._common import run_as_module
from ansible_collections.solidfire.element.plugins.module_utils._volume_backup import VOLUME_BACKUP


def main():
    run_as_module(VOLUME_BACKUP)


if __name__ == '__main__':
    main()
