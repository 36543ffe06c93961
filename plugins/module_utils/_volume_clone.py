# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""volume_clone's options and what runs them: the task spec VOLUME_CLONE. Private to the collection.

The argspec, size units and the checks beyond the argspec are here; the work against the cluster (resolve the
source, clone idempotently, wait) is the VolumeCloner in _cloner.py. The module on a target and the action
plugin in-process both run VOLUME_CLONE.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._cloner import VolumeCloner
from ansible_collections.solidfire.element.plugins.module_utils._common import (
    Prepared,
    TaskSpec,
    positive_id_errors,
)
from ansible_collections.solidfire.element.plugins.module_utils._starter import START_TASK_SPEC, prepare_start, start_task

SIZE_UNITS = dict(
    bytes=1,
    kb=1000, mb=1000 ** 2, gb=1000 ** 3, tb=1000 ** 4,
    kib=1024, mib=1024 ** 2, gib=1024 ** 3, tib=1024 ** 4,
)
ACCESS_CHOICES = ['readOnly', 'readWrite', 'locked', 'replicationTarget']
MAX_NAME_LENGTH = 64

ARGUMENT_SPEC = dict(
    name=dict(type='str', required=True),
    src_volume_id=dict(type='int'),
    src_volume_name=dict(type='str'),
    src_account_id=dict(type='int'),
    src_snapshot_id=dict(type='int'),
    account_id=dict(type='int'),
    size=dict(type='float'),
    size_unit=dict(type='str', default='gb', choices=sorted(SIZE_UNITS)),
    access=dict(type='str', choices=ACCESS_CHOICES),
    attributes=dict(type='dict'),
    enable512e=dict(type='bool'),
)
ARGUMENT_SPEC.update(START_TASK_SPEC)

MUTUALLY_EXCLUSIVE = [('src_volume_id', 'src_volume_name')]
REQUIRED_ONE_OF = [('src_volume_id', 'src_volume_name')]


def size_in_bytes(size, unit):
    """size x unit as whole bytes, or None when no size was given; ValueError for sizes below one byte."""
    if size is None:
        return None
    if not size > 0:
        raise ValueError('size must be more than 0, got %s.' % (size,))
    value = int(round(size * SIZE_UNITS[unit]))
    if value < 1:
        raise ValueError('size %s %s is less than one byte.' % (size, unit))
    return value


def prepare(params):
    """Every check beyond the argspec, each option parsed once: Prepared(new_size=bytes or None) or errors."""
    errors, connection = prepare_start(params)
    if not 1 <= len(params['name']) <= MAX_NAME_LENGTH:
        errors.append('name must be 1 to %d characters long, got %d.' % (MAX_NAME_LENGTH, len(params['name'])))
    errors += positive_id_errors(params, ('src_volume_id', 'src_account_id', 'src_snapshot_id', 'account_id'))
    if params.get('src_volume_name') is not None and not params['src_volume_name']:
        errors.append('src_volume_name must not be empty.')
    new_size = None
    try:
        new_size = size_in_bytes(params.get('size'), params['size_unit'])
    except ValueError as exc:
        errors.append(str(exc))
    if errors:
        return Prepared(errors)
    return Prepared(connection=connection, new_size=new_size)


VOLUME_CLONE = TaskSpec(ARGUMENT_SPEC, prepare, start_task(VolumeCloner), mutually_exclusive=MUTUALLY_EXCLUSIVE,
                        required_one_of=REQUIRED_ONE_OF)
