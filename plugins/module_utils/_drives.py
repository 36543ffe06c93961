# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""drives' options and what runs them: the task spec DRIVES. Private to the collection.

The argspec and the checks beyond it are here; the work (find the drives, decide by their state, refuse what the
cluster would, start one job for all of them safely, wait until their data is in place) is DriveWork in
_drive_work.py. The module on a target and the action plugin in-process both run DRIVES.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.solidfire.element.plugins.module_utils._client import INTEGER_TYPES, STRING_TYPES
from ansible_collections.solidfire.element.plugins.module_utils._common import Prepared, TaskSpec
from ansible_collections.solidfire.element.plugins.module_utils._drive_work import ABSENT, ERASED, PRESENT, DriveWork
from ansible_collections.solidfire.element.plugins.module_utils._starter import START_TASK_SPEC, prepare_start, start_task

ARGUMENT_SPEC = dict(
    drives=dict(type='list', elements='raw', required=True),
    state=dict(type='str', default=PRESENT, choices=[PRESENT, ABSENT, ERASED]),
    node=dict(type='str'),
    type=dict(type='str', choices=['block', 'slice', 'volume']),
)
ARGUMENT_SPEC.update(START_TASK_SPEC)


def drive_names(values):
    """The drives as named: driveIDs as ints (digit strings too), serials as strings; ValueError for anything else."""
    names = []
    for index, value in enumerate(values):
        if isinstance(value, STRING_TYPES) and re.match(r'^[0-9]+\Z', value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, INTEGER_TYPES + STRING_TYPES):
            raise ValueError('drives[%d] must be a driveID or a drive serial, got %r.' % (index, value))
        if isinstance(value, INTEGER_TYPES) and value < 1:
            raise ValueError('drives[%d] must be a positive driveID, got %d.' % (index, value))
        if isinstance(value, STRING_TYPES) and not value.strip():
            raise ValueError('drives[%d] must not be empty.' % index)
        if value not in names:
            names.append(value)
    return names


def prepare(params):
    """Every check beyond the argspec: Prepared(connection, drive_names) or errors."""
    errors, connection = prepare_start(params)
    names = []
    try:
        names = drive_names(params['drives'])
    except ValueError as exc:
        errors.append(str(exc))
    if not params['drives']:
        errors.append('drives must name at least one drive (by driveID or serial): the module never acts on every '
                      'drive of a node or a cluster unasked.')
    if params.get('type') is not None and params['state'] != PRESENT:
        errors.append('type applies to state present (the drives added) only.')
    if errors:
        return Prepared(errors)
    return Prepared(connection=connection, drive_names=names)


DRIVES = TaskSpec(ARGUMENT_SPEC, prepare, start_task(DriveWork))
