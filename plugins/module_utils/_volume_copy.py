# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""volume_copy's options and what runs them: the task spec VOLUME_COPY. Private to the collection.

The argspec and the checks beyond it are here; the work against the cluster (resolve both volumes, adopt a
running copy, start CopyVolume safely, wait) is the VolumeCopier in _copier.py. The module on a target and the
action plugin in-process both run VOLUME_COPY.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._common import (
    Prepared,
    TaskSpec,
    positive_id_errors,
)
from ansible_collections.solidfire.element.plugins.module_utils._copier import VolumeCopier
from ansible_collections.solidfire.element.plugins.module_utils._starter import START_TASK_SPEC, prepare_start, start_task

ARGUMENT_SPEC = dict(
    src_volume_id=dict(type='int'),
    src_volume_name=dict(type='str'),
    src_account_id=dict(type='int'),
    src_snapshot_id=dict(type='int'),
    dst_volume_id=dict(type='int'),
    dst_volume_name=dict(type='str'),
    dst_account_id=dict(type='int'),
)
ARGUMENT_SPEC.update(START_TASK_SPEC)

MUTUALLY_EXCLUSIVE = [('src_volume_id', 'src_volume_name'), ('dst_volume_id', 'dst_volume_name')]
REQUIRED_ONE_OF = [('src_volume_id', 'src_volume_name'), ('dst_volume_id', 'dst_volume_name')]


def prepare(params):
    """Every check beyond the argspec: Prepared(connection) or errors."""
    errors, connection = prepare_start(params)
    errors += positive_id_errors(params, ('src_volume_id', 'src_account_id', 'src_snapshot_id', 'dst_volume_id',
                                          'dst_account_id'))
    for option in ('src_volume_name', 'dst_volume_name'):
        if params.get(option) is not None and not params[option]:
            errors.append('%s must not be empty.' % option)
    if params.get('src_volume_id') is not None and params.get('src_volume_id') == params.get('dst_volume_id'):
        errors.append('src_volume_id and dst_volume_id are both %d: a volume cannot be copied onto itself.'
                      % params['src_volume_id'])
    if errors:
        return Prepared(errors)
    return Prepared(connection=connection)


VOLUME_COPY = TaskSpec(ARGUMENT_SPEC, prepare, start_task(VolumeCopier), mutually_exclusive=MUTUALLY_EXCLUSIVE,
                       required_one_of=REQUIRED_ONE_OF)
