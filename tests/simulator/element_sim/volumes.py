"""Volume methods beyond create, list and clone: ModifyVolume and the deleted-volume life cycle.

DeleteVolume (methods.py) marks a volume deleted; it stays, with its snapshots, until PurgeDeletedVolume (the
simulator never purges on its own at purgeTime) or RestoreDeletedVolume makes it active again.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ApiError, invalid
from .params import Params
from .state import MIB, Cluster, VOLUME_ACCESS

if TYPE_CHECKING:
    from .methods import Context

QOS_KEYS = ("minIOPS", "maxIOPS", "burstIOPS", "burstTime")


def _qos(p: Params, current: dict) -> dict | None:
    """The merged QoS of a ModifyVolume, or None when not asked; minIOPS <= maxIOPS <= burstIOPS."""
    qos = p.opt("qos", "dict")
    if qos is None:
        return None
    merged = {key: current[key] for key in QOS_KEYS}
    for key in QOS_KEYS:
        value = Params(qos).opt(key, "int")
        if value is not None:
            if value < 0:
                raise invalid(f"The QoS value '{key}' must not be negative.")
            merged[key] = value
    if not merged["minIOPS"] <= merged["maxIOPS"] <= merged["burstIOPS"]:
        raise invalid("QoS values must satisfy minIOPS <= maxIOPS <= burstIOPS.")
    return merged


def _size(p: Params, volume: dict) -> int | None:
    total_size = p.opt("totalSize", "int")
    if total_size is None:
        return None
    size = -(-total_size // MIB) * MIB
    if size < volume["totalSize"]:
        raise ApiError("xVolumeShrinkProhibited", "Lowering a volume size is not allowed.")
    return size


def modify_volume(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """ModifyVolume: access, accountID, attributes, qos, totalSize (grow only, rounded up to MiB), the others ignored."""
    volume = cluster.volume(p.req("volumeID", "int"))
    access = p.opt("access", "str")
    if access is not None and access not in VOLUME_ACCESS:
        raise invalid(f"Invalid value for 'access': {access}.")
    account_id = p.opt("accountID", "int")
    if account_id is not None:
        cluster.account(account_id)
    policy_id = p.opt("qosPolicyID", "int")
    if policy_id is not None:
        raise ApiError("xQoSPolicyDoesNotExist", f"QoS policy ID {policy_id} does not exist.")  # the simulator has none
    attributes = p.opt("attributes", "dict")
    qos = _qos(p, volume["qos"])
    size = _size(p, volume)
    snap_mirror = p.opt("enableSnapMirrorReplication", "bool")
    changes = {"access": access, "accountID": account_id, "attributes": attributes, "totalSize": size,
               "enableSnapMirrorReplication": snap_mirror}
    volume.update({key: value for key, value in changes.items() if value is not None})
    if qos is not None:
        volume["qos"].update(qos)
    return {"volume": volume}


def _deleted(cluster: Cluster, p: Params, action: str) -> dict:
    volume = cluster.volume(p.req("volumeID", "int"), allow_deleted=True)
    if volume["status"] != "deleted":
        raise invalid(f"Volume ID {volume['volumeID']} is not deleted: only a deleted volume can be {action}.")
    return volume


def list_deleted_volumes(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """ListDeletedVolumes: the volumes deleted and not yet purged."""
    p.opt("includeVirtualVolumes", "bool")
    return {"volumes": [v for vid, v in sorted(cluster.volumes.items()) if v["status"] == "deleted"]}


def purge_deleted_volume(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """PurgeDeletedVolume: the volume and its snapshots are gone for good (later calls: xVolumeIDDoesNotExist)."""
    cluster.purge_volume(_deleted(cluster, p, "purged"))
    return {}


def restore_deleted_volume(cluster: Cluster, p: Params, _ctx: "Context") -> dict:
    """RestoreDeletedVolume: active again, deleteTime and purgeTime cleared."""
    volume = _deleted(cluster, p, "restored")
    volume.update({"status": "active", "deleteTime": "", "purgeTime": ""})
    return {}


METHODS = {
    "ModifyVolume": modify_volume,
    "ListDeletedVolumes": list_deleted_volumes,
    "PurgeDeletedVolume": purge_deleted_volume,
    "RestoreDeletedVolume": restore_deleted_volume,
}
