#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: volume_restore
short_description: Restore an Element (SolidFire) volume from S3 or from another Element cluster and return the job's handle
version_added: 1.2.0
description:
  - Starts a bulk volume write (C(StartBulkVolumeWrite)) into an existing volume, with the cluster's own script
    C(bv_internal.py) reading a backup from S3 (O(s3)), or as the session that a volume of another Element cluster
    (O(source)) is read into, and returns its RV(async_handle), so the next task can wait with
    M(solidfire.element.get_async_result), or waits itself when O(wait=true).
  - From another cluster, the write session is started here first; its key admits the data, which the other
    cluster's read (C(StartBulkVolumeRead), started by this task there) sends. When that read cannot be started,
    the session here is closed again (C(UpdateBulkVolumeStatus)). With O(wait=true) both sides are waited on and
    released.
  - The volume's content is overwritten. A volume in use (in a volume access group, so hosts may have it mounted,
    or the volume of a running bulk volume job) is refused before anything starts, naming it; so is a volume
    smaller than the source volume of another cluster. The size of an S3 backup is known to the cluster only;
    one too large for the volume fails the job (C(xBulkVolumeScriptFailure)).
  - A restore into the same volume from the same place already running (C(ListBulkVolumeJobs)) is not started
    again. Its RV(async_handle) is returned with RV(changed=false), so a chained wait resumes it.
  - A start request whose answer was lost is never resent blind; C(ListBulkVolumeJobs) is read again first, and a
    job found there is adopted. Everything is retried while O(wait_timeout) allows.
  - The S3 secret key and the other cluster's password (and, from another cluster, this cluster's own, which its
    read uses to write here) travel in the jobs' script parameters, which a cluster may echo back. They are never
    shown in the result, a progress line or an error message.
author:
  - solidfire.element contributors (!UNKNOWN)
options:
  dst_volume_id:
    description:
      - ID of the volume to restore into. It must exist already.
      - Exactly one of O(dst_volume_id) and O(dst_volume_name) is required.
    type: int
  dst_volume_name:
    description:
      - Name of the volume to restore into. Deleted volumes are ignored.
      - Exactly one of O(dst_volume_id) and O(dst_volume_name) is required.
    type: str
  dst_account_id:
    description:
      - Account that owns the volume. Narrows the name lookup of O(dst_volume_name); with O(dst_volume_id), the task
        fails if the volume belongs to another account.
    type: int
  format:
    description:
      - The format of the backup, as it was written (C(native) or C(uncompressed)).
    type: str
    default: native
    choices: [native, uncompressed]
  s3:
    description:
      - Restore the backup at this place in S3. Exactly one of O(s3) and O(source) is required.
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
          - The key prefix of the backup (required to restore; a backup by M(solidfire.element.volume_backup) without
            one is at C(<cluster name>-<cluster unique ID>/<volume name>-<volume ID>)).
        type: str
      access_key_id:
        description: The S3 access key ID.
        type: str
        required: true
      secret_access_key:
        description: The S3 secret access key. Never shown.
        type: str
        required: true
  source:
    description:
      - Restore from a volume of another Element cluster. Exactly one of O(s3) and O(source) is required.
      - Its connection options have the names of the module's own, without their environment fallbacks (those name
        the cluster that writes).
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
          - ID of the volume to read. Exactly one of O(source.volume_id) and O(source.volume_name) is
            required.
        type: int
      volume_name:
        description:
          - Name of the volume to read. Exactly one of O(source.volume_id) and O(source.volume_name)
            is required.
        type: str
      account_id:
        description: Account that owns the volume to read; narrows the name lookup.
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
      - No bulk volume job is started on either cluster. The volumes (and the source cluster) are looked up and
        C(ListBulkVolumeJobs) is read, so a missing volume or a volume in use fails in check mode too.
      - RV(changed) is V(true) when a restore would be started and V(false) when one is already running.
        RV(async_handle) is null, so a chained M(solidfire.element.get_async_result) task is skipped.
seealso:
  - module: solidfire.element.volume_backup
    description: Back a volume up to S3 or to another cluster.
  - module: solidfire.element.get_async_result
    description: Wait for the restore started by this module.
  - name: Element API reference for StartBulkVolumeWrite
    description: The API method this module wraps.
    link: https://docs.netapp.com/us-en/element-software/api/reference_element_api_startbulkvolumewrite.html
'''

EXAMPLES = r'''
# Connection options come from SOLIDFIRE_* environment variables or from module_defaults for the group
# group/solidfire.element.element (hostname, username, password, ca_path, ...).
- name: A fresh volume for the restore (the size of the backed-up volume)
  solidfire.element.volume_clone:
    name: db01-restored
    src_volume_name: db01-template
  register: fresh

- name: Restore last night's backup of db01 into it
  solidfire.element.volume_restore:
    dst_volume_name: db01-restored
    s3:
      hostname: s3.eu-west-1.amazonaws.com
      bucket: element-backups
      prefix: prod-1x2y/db01-42
      access_key_id: "{{ s3_access_key_id }}"
      secret_access_key: "{{ s3_secret_access_key }}"
  register: restore

- name: Wait for it (skipped in check mode, where the handle is null)
  solidfire.element.get_async_result:
    async_handle: "{{ restore.async_handle }}"
    wait_timeout: 14400

- name: Bring a volume back from the disaster recovery cluster and wait in the same task
  solidfire.element.volume_restore:
    dst_volume_id: 42
    source:
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
    - Handle of the bulk volume write on this cluster; null when nothing was started (check mode).
    - With RV(changed=false), the handle of the restore that was already running.
  returned: always
  type: int
  sample: 389
peer_async_handle:
  description: Handle of the read on the source cluster (O(source)); null otherwise.
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
  description: The volume restored into, as C(ListVolumes) returns it.
  returned: always
  type: dict
  sample: {"volumeID": 42, "name": "db01", "totalSize": 107374182400}
s3:
  description: Where the backup is read from in S3 (the secret is not returned).
  returned: with O(s3)
  type: dict
  sample: {"hostname": "s3.eu-west-1.amazonaws.com", "bucket": "element-backups", "prefix": "prod-1x2y/db01-42"}
cluster:
  description: The source cluster and volume.
  returned: with O(source)
  type: dict
  sample: {"hostname": "dr-mvip.example.com", "port": 443, "volume_id": 7, "volume_name": "db01-dr"}
peer:
  description:
    - With O(wait=true) and O(source), the source's side of the job, with the fields of
      M(solidfire.element.get_async_result).
  returned: with O(wait=true) and O(source), when the write completed
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
    - The job's error object when it failed, for example C(xBulkVolumeScriptFailure) (no backup at the
      prefix, the S3 credentials refused, a backup larger than the volume); the task fails unless O(fail_on_error=false). Secrets the cluster
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
from ansible_collections.solidfire.element.plugins.module_utils._volume_restore import VOLUME_RESTORE


def main():
    run_as_module(VOLUME_RESTORE)


if __name__ == '__main__':
    main()
