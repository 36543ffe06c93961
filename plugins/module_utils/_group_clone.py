# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""group_clone's options and what runs them: the task spec GROUP_CLONE. Private to the collection.

The argspec and the checks beyond it are here; the work against the cluster (resolve the sources and the group
snapshot, clone idempotently by the target names, wait) is the GroupCloner in _group_cloner.py. The module on a
target and the action plugin in-process both run GROUP_CLONE.
Runs on targets, so it stays compatible with every Python a supported ansible-core allows there.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._common import (
    Prepared,
    TaskSpec,
    positive_id_errors,
)
from ansible_collections.solidfire.element.plugins.module_utils._group_cloner import GroupCloner
from ansible_collections.solidfire.element.plugins.module_utils._starter import START_TASK_SPEC, prepare_start, start_task
from ansible_collections.solidfire.element.plugins.module_utils._volume_clone import ACCESS_CHOICES, MAX_NAME_LENGTH

MEMBER_SPEC = dict(
    src_volume_id=dict(type='int'),
    src_volume_name=dict(type='str'),
    name=dict(type='str', required=True),
    access=dict(type='str', choices=ACCESS_CHOICES),
    attributes=dict(type='dict'),
)

ARGUMENT_SPEC = dict(
    volumes=dict(type='list', elements='dict', required=True, options=MEMBER_SPEC,
                 mutually_exclusive=[('src_volume_id', 'src_volume_name')],
                 required_one_of=[('src_volume_id', 'src_volume_name')]),
    src_account_id=dict(type='int'),
    group_snapshot_id=dict(type='int'),
    account_id=dict(type='int'),
    access=dict(type='str', choices=ACCESS_CHOICES),
)
ARGUMENT_SPEC.update(START_TASK_SPEC)


def member_errors(volumes):
    """Messages about the entries of `volumes` that the argspec lets through: names, IDs, duplicate names."""
    errors = []
    if not volumes:
        errors.append('volumes must name at least one volume to clone.')
    seen = {}
    for index, member in enumerate(volumes):
        where = 'volumes[%d].' % index
        name = member['name']
        if not 1 <= len(name) <= MAX_NAME_LENGTH:
            errors.append('%sname must be 1 to %d characters long, got %d.' % (where, MAX_NAME_LENGTH, len(name)))
        elif name in seen:
            errors.append('%sname %r is also the name of volumes[%d]: every clone needs a name of its own.'
                          % (where, name, seen[name]))
        seen.setdefault(name, index)
        errors += [where + text for text in positive_id_errors(member, ('src_volume_id',))]
        if member.get('src_volume_name') is not None and not member['src_volume_name']:
            errors.append('%ssrc_volume_name must not be empty.' % where)
    return errors


def prepare(params):
    """Every check beyond the argspec: Prepared(connection) or errors."""
    errors, connection = prepare_start(params)
    errors += positive_id_errors(params, ('src_account_id', 'group_snapshot_id', 'account_id'))
    errors += member_errors(params['volumes'])
    if errors:
        return Prepared(errors)
    return Prepared(connection=connection)


GROUP_CLONE = TaskSpec(ARGUMENT_SPEC, prepare, start_task(GroupCloner))
