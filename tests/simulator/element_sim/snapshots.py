"""Snapshot and group snapshot methods: CreateSnapshot, ListSnapshots, ModifySnapshot, DeleteSnapshot, and the group ones.

Snapshots are instant (status "done" at once, as a cluster reports them) and hold no data; what matters is that they
exist, belong to one volume, carry the fields the SDK requires, and can be the source of CloneVolume, CopyVolume and
CloneMultipleVolumes. A snapshot of a deleted volume stays until the volume is purged.
"""
from __future__ import annotations

import datetime
import re
import uuid
from typing import TYPE_CHECKING

from . import clock
from .errors import invalid
from .params import Params
from .state import Cluster

if TYPE_CHECKING:
    from .methods import Context

NO_GROUP_UUID = "00000000-0000-0000-0000-000000000000"
MAX_NAME = 255
RETENTION_RE = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")
ISO_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?$")
COPYING = "cloning"  # the status of a snapshot a CopyVolume reads from (Element's "Cloning")


def _snapshot_name(p: Params, default: str) -> str:
    name = p.opt("name", "str")
    if name is None or name == "":
        return default
    if len(name) > MAX_NAME:
        raise invalid(f"The parameter 'name' must be at most {MAX_NAME} characters long.")
    return name


def _expiration(p: Params, now: datetime.datetime) -> tuple:
    """(expirationTime, expirationReason) from expirationTime or retention; both given is an error."""
    expiration = p.opt("expirationTime", "str")
    retention = p.opt("retention", "str")
    if expiration is not None and retention is not None:
        raise invalid("The parameters 'expirationTime' and 'retention' cannot be used together.")
    if retention is not None:
        match = RETENTION_RE.match(retention)
        if not match:
            raise invalid(f"Invalid value for 'retention': {retention} (expected HH:mm:ss).")
        hours, minutes, seconds = (int(part) for part in match.groups())
        return clock.iso(now + datetime.timedelta(hours=hours, minutes=minutes, seconds=seconds)), "Api"
    return _expiration_time(expiration)


def _expiration_time(expiration: str | None) -> tuple:
    if expiration is None:
        return None, "None"
    if expiration == "fifo":
        return None, "fifo"
    if not ISO_RE.match(expiration):
        raise invalid(f"Invalid value for 'expirationTime': {expiration} (expected an ISO 8601 date, null or fifo).")
    return expiration, "Api"


def new_snapshot(volume: dict, p: Params, now: datetime.datetime, group_uuid: str = NO_GROUP_UUID) -> dict:
    """A snapshot object of `volume` (its snapshotID is set when the cluster stores it)."""
    created = clock.iso(now)
    expiration, reason = _expiration(p, now)
    snapshot_uuid = str(uuid.uuid4())
    return {
        "snapshotID": 0, "volumeID": volume["volumeID"], "name": _snapshot_name(p, created), "checksum": "0x0",
        "enableRemoteReplication": p.opt("enableRemoteReplication", "bool", False),
        "expirationReason": reason, "expirationTime": expiration, "remoteStatuses": [], "status": "done",
        "snapshotUUID": snapshot_uuid, "totalSize": volume["totalSize"], "groupID": 0,
        "groupSnapshotUUID": group_uuid, "createTime": created, "instanceCreateTime": created,
        "volumeName": volume["name"], "instanceSnapshotUUID": snapshot_uuid, "virtualVolumeID": None,
        "attributes": p.opt("attributes", "dict", {}), "snapMirrorLabel": p.opt("snapMirrorLabel", "str"),
    }


def create_snapshot(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """CreateSnapshot: of the volume's active branch, or (snapshotID) a new snapshot of one of its snapshots."""
    volume = cluster.volume(p.req("volumeID", "int"))
    parent_id = p.opt("snapshotID", "int")
    if parent_id is not None:
        cluster.snapshot(parent_id, volume["volumeID"])
    p.opt("ensureSerialCreation", "bool")
    snapshot = cluster.add_snapshot(new_snapshot(volume, p, clock.utcnow()))
    return {"snapshotID": snapshot["snapshotID"], "checksum": snapshot["checksum"], "snapshot": snapshot}


def list_snapshots(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """ListSnapshots: every snapshot, or those of volumeID, or the one snapshotID (unknown ids list nothing)."""
    volume_id = p.opt("volumeID", "int")
    snapshot_id = p.opt("snapshotID", "int")
    if volume_id is not None:
        cluster.volume(volume_id, allow_deleted=True)
    return {"snapshots": [s for sid, s in sorted(cluster.snapshots.items())
                          if (volume_id is None or s["volumeID"] == volume_id)
                          and (snapshot_id is None or sid == snapshot_id)]}


def modify_snapshot(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """ModifySnapshot: name, expirationTime (null: never expires), enableRemoteReplication, snapMirrorLabel."""
    snapshot = cluster.snapshot(p.req("snapshotID", "int"))
    changes = {}
    if p.opt("name", "str") is not None:
        changes["name"] = _snapshot_name(p, snapshot["name"])
    if "expirationTime" in p.raw:
        changes["expirationTime"], changes["expirationReason"] = _expiration_time(p.opt("expirationTime", "str"))
    if p.opt("enableRemoteReplication", "bool") is not None:
        changes["enableRemoteReplication"] = p.opt("enableRemoteReplication", "bool")
    if "snapMirrorLabel" in p.raw:
        changes["snapMirrorLabel"] = p.opt("snapMirrorLabel", "str")
    snapshot.update(changes)
    return {"snapshot": snapshot}


def delete_snapshot(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """DeleteSnapshot: refused while a CopyVolume reads from it (a simulator choice of rule and name)."""
    snapshot = cluster.snapshot(p.req("snapshotID", "int"))
    p.opt("overrideSnapMirrorHold", "bool")
    if snapshot["status"] == COPYING:
        raise invalid(f"Snapshot ID {snapshot['snapshotID']} is the source of a copy in progress.")
    cluster.remove_snapshot(snapshot)
    return {}


def create_group_snapshot(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """CreateGroupSnapshot: one snapshot per volume, all in one group."""
    volume_ids = p.int_list("volumes")
    if volume_ids is None:
        p.req("volumes", "list")
    if not volume_ids:
        raise invalid("The parameter 'volumes' must be a non-empty array of volume IDs.")
    if len(set(volume_ids)) != len(volume_ids):
        raise invalid("The parameter 'volumes' names a volume more than once.")
    p.opt("ensureSerialCreation", "bool")
    volumes = [cluster.volume(vid) for vid in volume_ids]
    now = clock.utcnow()
    group_uuid = str(uuid.uuid4())
    members = [cluster.add_snapshot(new_snapshot(volume, p, now, group_uuid)) for volume in volumes]
    group = cluster.add_group_snapshot({
        "groupSnapshotID": 0, "groupSnapshotUUID": group_uuid, "members": members,
        "name": members[0]["name"], "createTime": clock.iso(now), "status": "done",
        "enableRemoteReplication": members[0]["enableRemoteReplication"], "remoteStatuses": [],
        "attributes": p.opt("attributes", "dict", {}),
    })
    return {"groupSnapshotID": group["groupSnapshotID"], "groupSnapshot": group,
            "members": [{"volumeID": m["volumeID"], "snapshotID": m["snapshotID"], "checksum": m["checksum"],
                         "snapshotUUID": m["snapshotUUID"]} for m in members]}


def list_group_snapshots(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """ListGroupSnapshots: all, the one groupSnapshotID, or those with a member on one of `volumes`."""
    group_id = p.opt("groupSnapshotID", "int")
    volume_ids = p.int_list("volumes")
    return {"groupSnapshots": [g for gid, g in sorted(cluster.group_snapshots.items())
                               if (group_id is None or gid == group_id)
                               and (volume_ids is None or any(m["volumeID"] in volume_ids for m in g["members"]))]}


def delete_group_snapshot(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """DeleteGroupSnapshot: the group and its snapshots, or (saveMembers) only the group."""
    group = cluster.group_snapshot(p.req("groupSnapshotID", "int"))
    save = p.opt("saveMembers", "bool", False)
    if not save and any(m["status"] == COPYING for m in group["members"]):
        raise invalid(f"Group snapshot ID {group['groupSnapshotID']} has a member that is the source of a copy in progress.")
    del cluster.group_snapshots[group["groupSnapshotID"]]
    for member in group["members"]:
        if save:
            member["groupID"] = 0
            member["groupSnapshotUUID"] = NO_GROUP_UUID
        else:
            del cluster.snapshots[member["snapshotID"]]
    return {}


METHODS = {
    "CreateSnapshot": create_snapshot,
    "ListSnapshots": list_snapshots,
    "ModifySnapshot": modify_snapshot,
    "DeleteSnapshot": delete_snapshot,
    "CreateGroupSnapshot": create_group_snapshot,
    "ListGroupSnapshots": list_group_snapshots,
    "DeleteGroupSnapshot": delete_group_snapshot,
}
