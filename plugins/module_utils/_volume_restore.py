# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""volume_restore's options and what runs them: the task spec VOLUME_RESTORE. Private to the collection.

The argspec and the checks beyond it are here; the work (resolve the volume to write and where the data comes
from, refuse a volume in use or too small, adopt a restore already running, start the bulk volume job or jobs
safely, wait) is BulkTransfer in _bulk_transfer.py, in the direction RESTORE. The module on a target and the
action plugin in-process both run VOLUME_RESTORE.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._bulk_transfer import (
    FORMATS,
    PEER_OPTION,
    RESTORE,
    S3_SPEC,
    BulkTransfer,
    prepare_transfer,
)
from ansible_collections.solidfire.element.plugins.module_utils._common import Prepared, TaskSpec
from ansible_collections.solidfire.element.plugins.module_utils._starter import START_TASK_SPEC, start_task

ARGUMENT_SPEC = dict(
    dst_volume_id=dict(type='int'),
    dst_volume_name=dict(type='str'),
    dst_account_id=dict(type='int'),
    format=dict(type='str', default='native', choices=FORMATS),
    s3=dict(type='dict', options=S3_SPEC),
    source=PEER_OPTION,
)
ARGUMENT_SPEC.update(START_TASK_SPEC)

MUTUALLY_EXCLUSIVE = [('dst_volume_id', 'dst_volume_name'), ('s3', 'source')]
REQUIRED_ONE_OF = [('dst_volume_id', 'dst_volume_name'), ('s3', 'source')]


class VolumeRestore(BulkTransfer):
    """A restore: S3 or the source cluster reads, this cluster writes its volume."""

    direction = RESTORE


def prepare(params):
    """Every check beyond the argspec: Prepared(connection, peer_connection) or errors."""
    errors, connection, peer_connection = prepare_transfer(params, ('dst_volume_id', 'dst_account_id'), 'source')
    if params.get('dst_volume_name') is not None and not params['dst_volume_name']:
        errors.append('dst_volume_name must not be empty.')
    if params.get('s3') is not None and not params['s3'].get('prefix'):
        errors.append('s3.prefix is required to restore: it names the backup to read.')
    if errors:
        return Prepared(errors)
    return Prepared(connection=connection, peer_connection=peer_connection)


VOLUME_RESTORE = TaskSpec(ARGUMENT_SPEC, prepare, start_task(VolumeRestore), mutually_exclusive=MUTUALLY_EXCLUSIVE,
                          required_one_of=REQUIRED_ONE_OF)
