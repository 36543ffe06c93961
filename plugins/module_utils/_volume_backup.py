# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""volume_backup's options and what runs them: the task spec VOLUME_BACKUP. Private to the collection.

The argspec and the checks beyond it are here; the work (resolve the volume and where its data goes, adopt a
backup already running, start the bulk volume job or jobs safely, wait) is BulkTransfer in _bulk_transfer.py, in
the direction BACKUP. The module on a target and the action plugin in-process both run VOLUME_BACKUP.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._bulk_transfer import (
    BACKUP,
    FORMATS,
    PEER_OPTION,
    S3_SPEC,
    BulkTransfer,
    prepare_transfer,
)
from ansible_collections.solidfire.element.plugins.module_utils._common import Prepared, TaskSpec
from ansible_collections.solidfire.element.plugins.module_utils._starter import START_TASK_SPEC, start_task

ARGUMENT_SPEC = dict(
    src_volume_id=dict(type='int'),
    src_volume_name=dict(type='str'),
    src_account_id=dict(type='int'),
    snapshot_id=dict(type='int'),
    format=dict(type='str', default='native', choices=FORMATS),
    s3=dict(type='dict', options=S3_SPEC),
    destination=PEER_OPTION,
)
ARGUMENT_SPEC.update(START_TASK_SPEC)

MUTUALLY_EXCLUSIVE = [('src_volume_id', 'src_volume_name'), ('s3', 'destination')]
REQUIRED_ONE_OF = [('src_volume_id', 'src_volume_name'), ('s3', 'destination')]


class VolumeBackup(BulkTransfer):
    """A backup: this cluster reads its volume, S3 or the destination cluster writes."""

    direction = BACKUP


def prepare(params):
    """Every check beyond the argspec: Prepared(connection, peer_connection) or errors."""
    errors, connection, peer_connection = prepare_transfer(params, ('src_volume_id', 'src_account_id'), 'destination')
    if params.get('src_volume_name') is not None and not params['src_volume_name']:
        errors.append('src_volume_name must not be empty.')
    if errors:
        return Prepared(errors)
    return Prepared(connection=connection, peer_connection=peer_connection)


VOLUME_BACKUP = TaskSpec(ARGUMENT_SPEC, prepare, start_task(VolumeBackup), mutually_exclusive=MUTUALLY_EXCLUSIVE,
                         required_one_of=REQUIRED_ONE_OF)
