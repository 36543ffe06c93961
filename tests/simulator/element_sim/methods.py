"""The Element API methods the simulator implements (called with the cluster lock held)."""
from __future__ import annotations

from typing import NamedTuple

from . import node
from .errors import invalid
from .accounts import METHODS as ACCOUNT_METHODS, check_secrets
from .bulk import METHODS as BULK_METHODS
from .drives import METHODS as DRIVE_METHODS
from .hardware import METHODS as HARDWARE_METHODS
from .params import Params
from .snapshots import COPYING, METHODS as SNAPSHOT_METHODS
from .state import Cluster, VOLUME_ACCESS
from .versions import CURRENT_VERSION, SUPPORTED_VERSIONS
from .volumes import METHODS as VOLUME_METHODS


class Context(NamedTuple):
    """Per-request facts a method may need."""

    version: str
    base_url: str
    host: str


def _name(p: Params, key: str = "name") -> str:
    name = p.req(key, "str")
    if not 1 <= len(name) <= 64:
        raise invalid(f"The parameter '{key}' must be 1 to 64 characters long.")
    return name


def _access(p: Params) -> str | None:
    access = p.opt("access", "str")
    if access is not None and access not in VOLUME_ACCESS:
        raise invalid(f"Invalid value for 'access': {access}.")
    return access


def _source_snapshot(cluster: Cluster, p: Params, source: dict) -> dict | None:
    """The snapshot of `source` named by snapshotID, or None to read the volume's active branch."""
    snapshot_id = p.opt("snapshotID", "int")
    return None if snapshot_id is None else cluster.snapshot(snapshot_id, source["volumeID"])


def _source_size(source: dict, snapshot: dict | None) -> int:
    return snapshot["totalSize"] if snapshot is not None else source["totalSize"]


def get_api(_cluster: Cluster, _p: Params, _ctx: Context) -> dict:
    """GetAPI."""
    return {"currentVersion": CURRENT_VERSION, "supportedVersions": list(SUPPORTED_VERSIONS)}


def get_cluster_info(cluster: Cluster, _p: Params, ctx: Context) -> dict:
    """GetClusterInfo."""
    return {"clusterInfo": {
        "attributes": {}, "defaultProtectionScheme": "doubleHelix", "enabledProtectionSchemes": ["doubleHelix"],
        "encryptionAtRestState": "disabled", "softwareEncryptionAtRestState": "disabled",
        "ensemble": ["127.0.0.1"], "mvip": ctx.host, "mvipInterface": "team1G", "mvipNodeID": 1, "mvipVlanTag": "0",
        "name": "element-sim", "repCount": 2, "supportedProtectionSchemes": ["doubleHelix"],
        "svip": ctx.host, "svipInterface": "team10G", "svipNodeID": 1, "svipVlanTag": "0",
        "uniqueID": "simc", "uuid": cluster.uuid,
    }}


def add_account(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """AddAccount."""
    username = _name(p, "username")
    initiator, target = p.opt("initiatorSecret", "str"), p.opt("targetSecret", "str")
    check_secrets(initiator, target)
    account = cluster.add_account(username, initiator, target, p.opt("attributes", "dict", {}))
    return {"accountID": account["accountID"], "account": cluster.account_view(account)}


def list_accounts(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """ListAccounts."""
    start = p.opt("startAccountID", "int", 0)
    limit = p.opt("limit", "int")
    accounts = [cluster.account_view(a) for aid, a in sorted(cluster.accounts.items()) if aid >= start]
    return {"accounts": accounts[:limit] if limit is not None else accounts}


def get_account_by_id(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """GetAccountByID."""
    return {"account": cluster.account_view(cluster.account(p.req("accountID", "int")))}


def create_volume(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """CreateVolume."""
    name = _name(p)
    account_id = p.req("accountID", "int")
    total_size = p.req("totalSize", "int")
    qos = p.opt("qos", "dict", {})
    attributes = p.opt("attributes", "dict", {})
    enable512e = p.opt("enable512e", "bool", False)
    access = _access(p)
    snap_mirror = p.opt("enableSnapMirrorReplication", "bool", False)
    cluster.account(account_id)
    if total_size < 1:
        raise invalid("The parameter 'totalSize' must be positive.")
    volume = cluster.new_volume(name, account_id, total_size, qos=qos, attributes=attributes, enable512e=enable512e,
                                access=access, enable_snap_mirror=snap_mirror)
    return {"volumeID": volume["volumeID"], "volume": volume, "curve": volume["qos"]["curve"]}


def _filter_volumes(cluster: Cluster, p: Params) -> list:
    ids = p.int_list("volumeIDs")
    accounts = p.int_list("accounts")
    name = p.opt("volumeName", "str")
    status = p.opt("volumeStatus", "str")
    start = p.opt("startVolumeID", "int", 0)
    limit = p.opt("limit", "int")
    paired = p.opt("isPaired", "bool")
    out = []
    for vid, volume in sorted(cluster.volumes.items()):
        if vid < start or (ids is not None and vid not in ids) or (accounts is not None and volume["accountID"] not in accounts):
            continue
        if (name is not None and volume["name"] != name) or (status is not None and volume["status"] != status):
            continue
        if paired is not None and bool(volume["volumePairs"]) != paired:
            continue
        out.append(volume)
    return out[:limit] if limit is not None else out


def list_volumes(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """ListVolumes (deleted volumes included unless volumeStatus filters them)."""
    return {"volumes": _filter_volumes(cluster, p)}


def list_active_volumes(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """ListActiveVolumes: every volume not deleted."""
    start = p.opt("startVolumeID", "int", 0)
    limit = p.opt("limit", "int")
    volumes = [v for vid, v in sorted(cluster.volumes.items()) if vid >= start and v["status"] != "deleted"]
    return {"volumes": volumes[:limit] if limit is not None else volumes}


def list_volumes_for_account(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """ListVolumesForAccount (active and deleted-not-purged volumes)."""
    account_id = p.req("accountID", "int")
    cluster.account(account_id)
    return {"volumes": [v for vid, v in sorted(cluster.volumes.items()) if v["accountID"] == account_id]}


def delete_volume(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """DeleteVolume: the volume is marked deleted (see volumes.py for what follows)."""
    volume = cluster.volume(p.req("volumeID", "int"))
    cluster.delete_volume(volume)
    return {"volume": volume, "volumeID": volume["volumeID"], "curve": volume["qos"]["curve"]}


def _activate(job) -> None:
    """Completion hook of clone jobs: the new volumes become active."""
    if job.error is None:
        for volume in job.meta.get("volumes", []):
            if volume["status"] == "init":
                volume["status"] = "active"


def _clone_target(cluster: Cluster, source: dict, p: Params, name: str, snapshot: dict | None = None) -> dict:
    new_account = p.opt("newAccountID", "int")
    if new_account is not None:
        cluster.account(new_account)
    return cluster.new_volume(
        name, new_account or source["accountID"], p.opt("newSize", "int") or _source_size(source, snapshot),
        status="init", qos={k: source["qos"][k] for k in ("minIOPS", "maxIOPS", "burstIOPS", "burstTime")},
        access=_access(p) or source["access"], attributes=p.opt("attributes", "dict") or dict(source["attributes"]),
        enable512e=p.opt("enable512e", "bool", source["enable512e"]),
        enable_snap_mirror=p.opt("enableSnapMirrorReplication", "bool", False))


def clone_volume(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """CloneVolume: the new volume exists at once in status init; a Clone job makes it active."""
    source = cluster.volume(p.req("volumeID", "int"))
    name = _name(p)
    snapshot = _source_snapshot(cluster, p, source)
    cluster.check_clone_limit(source["volumeID"])
    target = _clone_target(cluster, source, p, name, snapshot)
    clone_id = cluster.take_clone_id()
    job = cluster.jobs.create(
        "Clone", cluster.config.job_seconds, details={"volumeID": target["volumeID"]},
        result={"cloneID": clone_id, "message": "Clone complete.", "volumeID": target["volumeID"]},
        on_complete=_activate, meta={"sources": [source["volumeID"]], "volumes": [target], "cloneID": clone_id})
    cluster.sync_plan(job).add(_source_size(source, snapshot), cloneID=clone_id, srcVolumeID=source["volumeID"],
                               dstVolumeID=target["volumeID"])
    return {"asyncHandle": job.handle, "cloneID": clone_id, "volumeID": target["volumeID"],
            "curve": target["qos"]["curve"], "volume": target}


def _group_member(group_snapshot: dict, source: dict) -> dict:
    for member in group_snapshot["members"]:
        if member["volumeID"] == source["volumeID"]:
            return member
    raise invalid(f"Volume ID {source['volumeID']} is not a member of group snapshot ID {group_snapshot['groupSnapshotID']}.")


def clone_multiple_volumes(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """CloneMultipleVolumes: one Clone job for every member."""
    specs = p.req("volumes", "list")
    group_snapshot_id = p.opt("groupSnapshotID", "int")
    group_snapshot = None if group_snapshot_id is None else cluster.group_snapshot(group_snapshot_id)
    if not specs or not all(isinstance(s, dict) for s in specs):
        raise invalid("The parameter 'volumes' must be a non-empty array of objects.")
    group = Params(p.raw)
    pairs = []
    for spec in specs:
        sp = Params(spec)
        source = cluster.volume(sp.req("volumeID", "int"))
        snapshot = _group_member(group_snapshot, source) if group_snapshot is not None else None
        cluster.check_clone_limit(source["volumeID"])
        name = sp.opt("name", "str") or f"{source['name']}-clone"
        merged = Params({**{k: v for k, v in group.raw.items() if k in ("access", "newAccountID")}, **spec})
        pairs.append((source, merged, name, snapshot))
    targets = [(source, _clone_target(cluster, source, merged, name, snapshot), snapshot)
               for source, merged, name, snapshot in pairs]
    group_id = cluster.take_group_clone_id()
    members = [{"srcVolumeID": s["volumeID"], "volumeID": t["volumeID"]} for s, t, _snap in targets]
    job = cluster.jobs.create(
        "Clone", cluster.config.job_seconds, details={"groupCloneID": group_id},
        result={"groupCloneID": group_id, "message": "Clone complete.", "members": members}, on_complete=_activate,
        meta={"sources": [s["volumeID"] for s, _t, _snap in targets], "volumes": [t for _s, t, _snap in targets],
              "groupCloneID": group_id})
    plan = cluster.sync_plan(job)
    for source, target, snapshot in targets:  # every member has a cloneID of its own (seen only in ListSyncJobs)
        plan.add(_source_size(source, snapshot), cloneID=cluster.take_clone_id(), srcVolumeID=source["volumeID"],
                 dstVolumeID=target["volumeID"], groupCloneID=group_id)
    return {"asyncHandle": job.handle, "groupCloneID": group_id, "members": members}


def copy_volume(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """CopyVolume: overwrite dstVolumeID with the source's data; its job result names the source volume."""
    source = cluster.volume(p.req("volumeID", "int"))
    target = cluster.volume(p.req("dstVolumeID", "int"))
    snapshot = _source_snapshot(cluster, p, source)
    _check_copy_target(source, target, _source_size(source, snapshot))
    cluster.check_clone_limit(source["volumeID"])
    clone_id = cluster.take_clone_id()
    job = cluster.jobs.create(
        "Clone", cluster.config.job_seconds, details={"volumeID": source["volumeID"], "dstVolumeID": target["volumeID"]},
        result={"cloneID": clone_id, "message": "Clone complete.", "volumeID": source["volumeID"]},
        on_complete=_release_snapshot, meta={"sources": [source["volumeID"]], "volumes": [], "cloneID": clone_id,
                                             "targets": [target["volumeID"]], "snapshot": snapshot})
    if snapshot is not None:
        snapshot["status"] = COPYING
    cluster.sync_plan(job).add(_source_size(source, snapshot), cloneID=clone_id, srcVolumeID=source["volumeID"],
                               dstVolumeID=target["volumeID"])
    return {"asyncHandle": job.handle, "cloneID": clone_id}


def _check_copy_target(source: dict, target: dict, size: int) -> None:
    """The reference's rules for the destination: another volume, of the same size (the checks are a simulator's)."""
    if target["volumeID"] == source["volumeID"]:
        raise invalid(f"Volume ID {source['volumeID']} cannot be copied onto itself.")
    if target["totalSize"] != size:
        raise invalid(f"The destination volume ID {target['volumeID']} ({target['totalSize']} bytes) must be the same "
                      f"size as the source ({size} bytes).")
    if target["status"] != "active":
        raise invalid(f"The destination volume ID {target['volumeID']} is {target['status']}, not active.")


def _release_snapshot(job) -> None:
    """A copy that ends (completes or is cancelled) no longer holds its source snapshot."""
    snapshot = job.meta.get("snapshot")
    if snapshot is not None and snapshot["status"] == COPYING:
        snapshot["status"] = "done"


def _cancel(cluster: Cluster, key: str, value: int) -> dict:
    jobs = cluster.jobs.running_with(key, value)
    if not jobs:
        raise invalid(f"No clone in progress with {key} {value}.")
    for job in jobs:
        cluster.jobs.remove(job)
        _release_snapshot(job)
        for volume in job.meta.get("volumes", []):
            cluster.delete_volume(volume)
    return {}


def cancel_clone(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """CancelClone: the job disappears (handle gone) and the new volume is deleted."""
    return _cancel(cluster, "cloneID", p.req("cloneID", "int"))


def cancel_group_clone(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """CancelGroupClone."""
    return _cancel(cluster, "groupCloneID", p.req("groupCloneID", "int"))


def get_async_result(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """GetAsyncResult: reading a completed result without keepResult deletes it."""
    handle = p.req("asyncHandle", "int")
    keep = p.opt("keepResult", "bool", False)
    return cluster.jobs.read(handle, keep, cluster.config.gone_error)


def list_async_results(cluster: Cluster, p: Params, _ctx: Context) -> dict:
    """ListAsyncResults: never purges."""
    return {"asyncHandles": cluster.jobs.listing(p.str_list("asyncResultTypes"))}


def list_sync_jobs(cluster: Cluster, _p: Params, _ctx: Context) -> dict:
    """ListSyncJobs: one entry per unfinished slice of every running clone-type job (see syncjobs.py), then the bin
    syncs of drives being added or removed (see drives.py)."""
    return {"syncJobs": cluster.jobs.sync_entries(cluster.config.estimate_noise)
            + cluster.drives.sync_entries(cluster.jobs.clock.now())}


METHODS = {
    "GetAPI": get_api,
    "GetClusterInfo": get_cluster_info,
    "AddAccount": add_account,
    "ListAccounts": list_accounts,
    "GetAccountByID": get_account_by_id,
    "CreateVolume": create_volume,
    "ListVolumes": list_volumes,
    "ListActiveVolumes": list_active_volumes,
    "ListVolumesForAccount": list_volumes_for_account,
    "DeleteVolume": delete_volume,
    "CloneVolume": clone_volume,
    "CloneMultipleVolumes": clone_multiple_volumes,
    "CopyVolume": copy_volume,
    "CancelClone": cancel_clone,
    "CancelGroupClone": cancel_group_clone,
    "GetAsyncResult": get_async_result,
    "ListAsyncResults": list_async_results,
    "ListSyncJobs": list_sync_jobs,
    **ACCOUNT_METHODS,
    **VOLUME_METHODS,
    **SNAPSHOT_METHODS,
    **HARDWARE_METHODS,
    **BULK_METHODS,
    **DRIVE_METHODS,
}

# What a node's own API (--node-port) answers; everything else is xUnknownAPIMethod there.
NODE_METHODS = {
    "GetAPI": get_api,
    "GetConfig": node.get_config,
    "GetClusterConfig": node.get_cluster_config,
    "GetNetworkConfig": node.get_network_config,
}
