# -*- coding: utf-8 -*-
# Copyright: contributors to the solidfire.element collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How far a drive addition or removal is: the bin and slice syncs (ListSyncJobs) that move data onto the added
drives or off the removed ones. Private to the collection.

A sync names a drive by its service (srcServiceID, dstServiceID: ListDrives' assignedService). When the services
are known (the drives module reads them), only their syncs count; otherwise (a handle waited on by
get_async_result) every bin or slice sync of the cluster does: that is the rebalancing the job caused, and another
drive job at the same time moves data the same way. The data may still move after the job's async result is
complete: a wait that promises the data is in place watches the syncs to their end.
Pure Python; runs on targets (Python 2.7 and 3.6+).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.solidfire.element.plugins.module_utils._figures import add_up, integer

DRIVE_RESULT_TYPES = ('DriveAdd', 'DriveRemoval')
# A removal ends when its data is off its drives, so its syncs can stand in for its handle; an addition's job ends
# before the data is in place, so a wait on its handle reads the handle (the drives module then waits for the data).
FOLLOWED_DRIVE_TYPES = ('DriveRemoval',)
SYNC_TYPES = ('bin', 'slice')


class DriveIdentity:
    """What names a drive job's data movement: the services of its drives (or none known: all bin/slice syncs)."""

    __slots__ = ('kind', 'drives', 'services')
    source = 'sync'

    def __init__(self, kind, drives=None, services=None):
        self.kind = kind
        self.drives = list(drives or [])
        self.services = set(services) if services else None

    def entries(self, index):
        moving = index.get(('type', 'bin'), []) + index.get(('type', 'slice'), [])
        if self.services is None:
            return moving
        return [entry for entry in moving
                if entry.get('srcServiceID') in self.services or entry.get('dstServiceID') in self.services]

    def figures(self, index):
        """The figures of its data movement from an index of ListSyncJobs, or None when no data moves."""
        return add_up(self.entries(index))

    def learn(self, progress):
        pass

    def label(self):
        toward = 'onto' if self.kind == 'DriveAdd' else 'off'
        if not self.drives:
            return 'data moving %s drives' % toward
        named = ', '.join(str(drive) for drive in self.drives)
        return 'data %s drive%s %s' % (toward, 's' if len(self.drives) > 1 else '', named)


def drive_identity(result_type, details):
    """The DriveIdentity of a DriveAdd or DriveRemoval job; its details may name its drives."""
    drives = details.get('drives') if isinstance(details, dict) else None
    drives = [integer(drive) for drive in drives] if isinstance(drives, list) else []
    return DriveIdentity(result_type, drives=[drive for drive in drives if drive is not None])
