"""Drives: the node's inventory (ListDrives), AddDrives, RemoveDrives, SecureEraseDrives and the data they move.

The node has one volume-metadata drive and nine block drives in the cluster (active) and two new ones that are not
(available). AddDrives takes [{driveID, type?}] or plain IDs (what netapp.elementsw sends); the drives are active at
once, its DriveAdd job completes after a third of jobSeconds, and the cluster's rebalancing onto them shows in
ListSyncJobs (type bin, dstServiceID the drive's service) for jobSeconds, after the job: "data in place" is later
than the job. RemoveDrives (plain IDs) moves the data off first: the drives are removing for jobSeconds, bin syncs
with srcServiceID theirs, then available again (a failed drive stays failed). It is refused when what is left
could not hold the data in use (GetClusterCapacity usedSpace above 90 % of the block capacity left). SimFailDrive
fails a drive: a removal it is part of completes with xDriveFailed. SecureEraseDrives erases available drives
(erasing for jobSeconds). Error names the reference does not give are the simulator's own (docs/simulator.md).
"""
from __future__ import annotations

from . import clock
from .errors import ApiError, invalid
from .node import NODE_ID
from .params import Params

METADATA_DRIVES = 1
BLOCK_DRIVES = 9
SPARE_DRIVES = 2
DRIVE_BYTES = 960197124096
FIRST_SERVICE_ID = 20
USED_FRACTION = 0.3  # of the block capacity at the start: what the cluster holds
FULLNESS_LIMIT = 0.9  # a removal may leave the data in use at most this share of the block capacity left
ADD_JOB_SHARE = 1.0 / 3.0
SYNC_SLICES = 4


def new_inventory() -> list:
    drives = []
    for index in range(METADATA_DRIVES + BLOCK_DRIVES + SPARE_DRIVES):
        active = index < METADATA_DRIVES + BLOCK_DRIVES
        drives.append({
            "driveID": index + 1, "nodeID": NODE_ID, "slot": index, "chassisSlot": str(index),
            "status": "active" if active else "available",
            "type": "volume" if index < METADATA_DRIVES else ("block" if active else "unknown"),
            "capacity": DRIVE_BYTES, "usableCapacity": DRIVE_BYTES, "segmentFileSize": 0,
            "serial": f"sim-drive-{index + 1:04d}", "attributes": {}, "driveSecurityFaultReason": "None",
            "keyProviderID": None, "keyID": None, "assignedService": FIRST_SERVICE_ID + index if active else None,
            "asyncResultIDs": [],
        })
    return drives


class DriveSync:  # pylint: disable=too-few-public-methods
    """The bin syncs of one drive job: to (add) or from (remove) each drive's service, for `seconds`."""

    def __init__(self, services: list, direction: str, seconds: float, start: float, total: int):
        self.services = services
        self.direction = direction
        self.seconds = seconds
        self.start = start
        self.total = total

    def entries(self, now: float) -> list:
        elapsed = now - self.start
        if elapsed >= self.seconds:
            return []
        done = elapsed / self.seconds if self.seconds > 0 else 1.0
        out = []
        share = self.total // (len(self.services) * SYNC_SLICES)
        for service in self.services:
            for part in range(SYNC_SLICES):
                other = FIRST_SERVICE_ID + 1 + part
                src, dst = (other, service) if self.direction == "in" else (service, other)
                current = int(share * done)
                out.append({
                    "type": "bin", "bytesPerSecond": round(share / self.seconds, 1), "currentBytes": current,
                    "totalBytes": share, "percentComplete": round(100.0 * done, 2),
                    "remainingTime": round(self.seconds - elapsed, 1), "elapsedTime": round(elapsed, 2),
                    "srcServiceID": src, "dstServiceID": dst, "nodeID": NODE_ID, "stage": "syncing",
                    "sliceID": None, "binID": 1000 + part,
                })
        return out


class DriveTable:
    """The node's drives, the capacity in use, and the data movement of drive jobs."""

    def __init__(self):
        self.drives = new_inventory()
        block = sum(d["capacity"] for d in self.drives if d["status"] == "active" and d["type"] == "block")
        self.used = int(block * USED_FRACTION)
        self.syncs: list[DriveSync] = []

    def find(self, drive_id) -> dict:
        if isinstance(drive_id, bool) or not isinstance(drive_id, int):
            raise ApiError("xInvalidParameterType", f"A drive is its integer driveID; got {drive_id!r}.")
        for drive in self.drives:
            if drive["driveID"] == drive_id:
                return drive
        raise ApiError("xDriveIDDoesNotExist", f"Drive ID {drive_id} does not exist.")

    def block_capacity(self, without=()) -> int:
        return sum(d["capacity"] for d in self.drives if d["status"] == "active" and d["type"] == "block"
                   and d["driveID"] not in without)

    def sync_entries(self, now: float) -> list:
        self.syncs = [sync for sync in self.syncs if now - sync.start < sync.seconds]
        return [entry for sync in self.syncs for entry in sync.entries(now)]


def _drive_ids(p: Params, allow_objects: bool) -> list:
    given = p.req("drives", "list")
    if not given:
        raise invalid("The parameter 'drives' must name at least one drive.")
    out = []
    for item in given:
        if allow_objects and isinstance(item, dict):
            out.append((Params(item).req("driveID", "int"), Params(item).opt("type", "str")))
        else:
            out.append((item, None))
    return out


def add_drives(cluster, p: Params, _ctx) -> dict:
    """AddDrives: available drives join the cluster; the job completes before their data is in place."""
    table = cluster.drives
    wanted = _drive_ids(p, allow_objects=True)
    drives = []
    for drive_id, kind in wanted:
        drive = table.find(drive_id)
        if drive["status"] != "available":
            raise ApiError("xDriveNotAvailable", f"Drive ID {drive_id} is {drive['status']}, not available: only "
                           "available drives can be added.")
        if kind not in (None, "block", "slice", "volume"):
            raise invalid(f"Invalid drive type {kind!r}: block, slice or volume.")
        drives.append((drive, kind or "block"))
    seconds = cluster.config.job_seconds
    job = cluster.jobs.create("DriveAdd", seconds * ADD_JOB_SHARE, result={}, details={
        "drives": [drive["driveID"] for drive, _kind in drives]}, progress=False)
    services = []
    for drive, kind in drives:
        drive.update(status="active", type=kind, assignedService=FIRST_SERVICE_ID + 100 + drive["driveID"],
                     asyncResultIDs=[job.handle])
        services.append(drive["assignedService"])
    table.syncs.append(DriveSync(services, "in", seconds, cluster.jobs.clock.now(), table.used // 10))
    return {"asyncHandle": job.handle}


def remove_drives(cluster, p: Params, _ctx) -> dict:
    """RemoveDrives: the data moves off, then the drives are available (a failed one stays failed)."""
    table = cluster.drives
    drives = [table.find(drive_id) for drive_id, _kind in _drive_ids(p, allow_objects=False)]
    for drive in drives:
        if drive["status"] not in ("active", "failed"):
            raise ApiError("xDriveNotActive", f"Drive ID {drive['driveID']} is {drive['status']}: only active or "
                           "failed drives can be removed.")
    left = table.block_capacity(without={drive["driveID"] for drive in drives})
    if table.used > FULLNESS_LIMIT * left:
        raise ApiError("xNotEnoughCapacity", f"Removing drives {[d['driveID'] for d in drives]} would leave "
                       f"{left} bytes of block capacity for {table.used} bytes in use (more than "
                       f"{int(FULLNESS_LIMIT * 100)} %).")
    seconds = cluster.config.job_seconds
    job = cluster.jobs.create("DriveRemoval", seconds, result={}, details={
        "drives": [drive["driveID"] for drive in drives]}, progress=False,
        meta={"drives": [drive["driveID"] for drive in drives]})
    services = [drive["assignedService"] for drive in drives if drive["assignedService"] is not None]
    for drive in drives:
        drive["wasFailed"] = drive["status"] == "failed"
        drive.update(status="removing", asyncResultIDs=[job.handle])
    job.on_complete = lambda done: _removed(table, drives)
    table.syncs.append(DriveSync(services, "out", seconds, cluster.jobs.clock.now(), table.used // 10))
    return {"asyncHandle": job.handle}


def _removed(table: DriveTable, drives: list) -> None:
    for drive in drives:
        failed = drive.pop("wasFailed", False) or drive["status"] == "failed"
        drive.update(status="failed" if failed else "available", assignedService=None,
                     type="unknown" if not failed else drive["type"])


def secure_erase_drives(cluster, p: Params, _ctx) -> dict:
    """SecureEraseDrives: available drives only; erasing until the job ends."""
    table = cluster.drives
    drives = [table.find(drive_id) for drive_id, _kind in _drive_ids(p, allow_objects=False)]
    for drive in drives:
        if drive["status"] != "available":
            raise ApiError("xDriveNotAvailable", f"Drive ID {drive['driveID']} is {drive['status']}: only available "
                           "drives can be securely erased.")
    job = cluster.jobs.create("DriveSecureErase", cluster.config.job_seconds, result={}, details={
        "drives": [drive["driveID"] for drive in drives]}, progress=False)
    for drive in drives:
        drive.update(status="erasing", asyncResultIDs=[job.handle])
    job.on_complete = lambda done: [drive.update(status="available") for drive in drives]
    return {"asyncHandle": job.handle}


def list_drives(cluster, _p: Params, _ctx) -> dict:
    """ListDrives: every drive of the node and its status."""
    return {"drives": [dict((k, v) for k, v in drive.items() if k != "wasFailed") for drive in cluster.drives.drives]}


def get_cluster_capacity(cluster, _p: Params, _ctx) -> dict:
    """GetClusterCapacity: the block capacity of the active drives and what is in use."""
    table = cluster.drives
    block = table.block_capacity()
    return {"clusterCapacity": {
        "activeBlockSpace": block, "maxUsedSpace": block, "usedSpace": table.used, "uniqueBlocksUsedSpace": table.used,
        "provisionedSpace": table.used * 2, "maxProvisionedSpace": block * 5, "activeSessions": 0,
        "timestamp": clock.iso_now(), "clusterRecentIOSize": 0, "currentIOPS": 0, "maxIOPS": 0,
        "maxOverProvisionableSpace": block * 5, "nonZeroBlocks": 0, "peakActiveSessions": 0, "peakIOPS": 0,
        "snapshotNonZeroBlocks": 0, "totalOps": 0, "uniqueBlocks": 0, "usedMetadataSpace": 0,
        "usedMetadataSpaceInSnapshots": 0, "zeroBlocks": 0, "averageIOPS": 0}}


def sim_fail_drive(sim, p: Params) -> dict:
    """A drive fails: a removal it is part of completes with xDriveFailed; it stays failed."""
    cluster = sim.cluster
    table = cluster.drives
    drive = table.find(p.req("driveID", "int"))
    was = drive["status"]
    drive["status"] = "failed"
    # its data stops moving
    table.syncs = [sync for sync in table.syncs if drive.get("assignedService") not in sync.services]
    for handle in drive.get("asyncResultIDs", []):
        job = cluster.jobs.jobs.get(handle)
        if job is not None and not job.complete and job.result_type == "DriveRemoval":
            drive["wasFailed"] = True
            job.finish(error={"name": "xDriveFailed", "message": f"Drive {drive['driveID']} failed while its data "
                              f"was being moved off ({was}); the removal did not finish."})
    return {"driveID": drive["driveID"], "status": "failed"}


METHODS = {
    "ListDrives": list_drives,
    "AddDrives": add_drives,
    "RemoveDrives": remove_drives,
    "SecureEraseDrives": secure_erase_drives,
    "GetClusterCapacity": get_cluster_capacity,
}

CONTROL = {
    "SimFailDrive": sim_fail_drive,
}
