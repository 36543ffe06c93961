"""Cluster state: configuration, accounts, volumes, snapshots and the job table, behind one lock."""
from __future__ import annotations

import datetime
import secrets
import threading
import uuid

from . import clock
from .errors import ApiError
from .bulk import BulkTable
from .drives import DriveTable
from .jobs import Job, JobTable, GONE_ERRORS
from .syncjobs import SyncPlan

DEFAULT_CURVE = {"4096": 100, "8192": 160, "16384": 270, "32768": 500, "65536": 1000,
                 "131072": 1950, "262144": 3900, "524288": 7600, "1048576": 15000}
DEFAULT_QOS = {"minIOPS": 50, "maxIOPS": 15000, "burstIOPS": 15000, "burstTime": 60}
VOLUME_ACCESS = ("readOnly", "readWrite", "locked", "replicationTarget", "snapMirrorTarget")
MIB = 1024 * 1024
PURGE_DELAY = datetime.timedelta(hours=8)


class Config:
    """Run-time settings (CLI defaults, changed by SimConfigure, restored by SimReset)."""

    def __init__(self, job_seconds: float = 3.0, gone_error: str = GONE_ERRORS[0], max_clones_per_volume: int = 2,
                 **kw):
        self.job_seconds = job_seconds  # simulated seconds
        self.gone_error = gone_error
        self.max_clones_per_volume = max_clones_per_volume
        self.time_scale = float(kw.get("time_scale", 1.0))
        self.estimate_noise = float(kw.get("estimate_noise", 0.2))
        self.estimate_seed = int(kw.get("estimate_seed", 1))
        self.clock_skew = float(kw.get("clock_skew", 0.0))

    def copy(self) -> "Config":
        """An independent copy."""
        return Config(self.job_seconds, self.gone_error, self.max_clones_per_volume, time_scale=self.time_scale,
                      estimate_noise=self.estimate_noise, estimate_seed=self.estimate_seed, clock_skew=self.clock_skew)

    def to_dict(self) -> dict:
        """As SimConfigure reports it."""
        return {"jobSeconds": self.job_seconds, "goneError": self.gone_error,
                "maxClonesPerVolume": self.max_clones_per_volume, "timeScale": self.time_scale,
                "estimateNoise": self.estimate_noise, "estimateSeed": self.estimate_seed, "clockSkew": self.clock_skew}


class Cluster:  # pylint: disable=too-many-instance-attributes
    """Everything the API methods read and change. Hold `lock` while touching it."""

    def __init__(self, config: Config):
        self.lock = threading.RLock()
        self.defaults = config.copy()
        self.config = config.copy()
        self.uuid = str(uuid.uuid4())
        self.tls_ca = None  # the simulator's certificate: what a destination simulator presents too
        self.reset()

    def reset(self) -> None:
        """Forget every account, volume and job; restore the configuration defaults."""
        self.config = self.defaults.copy()
        clock.set_skew(self.config.clock_skew)
        self.accounts: dict[int, dict] = {}
        self.volumes: dict[int, dict] = {}
        self.snapshots: dict[int, dict] = {}
        self.group_snapshots: dict[int, dict] = {}
        self.clock = clock.SimClock(self.config.time_scale)
        self.jobs = JobTable(self.clock)
        self.bulk = BulkTable()
        self.drives = DriveTable()
        self.next_account_id = 1
        self.next_volume_id = 1
        self.next_clone_id = 1
        self.next_group_clone_id = 1
        self.next_bv_id = 1
        self.next_slice_id = 1
        self.next_snapshot_id = 1
        self.next_group_snapshot_id = 1

    # accounts -----------------------------------------------------------
    def add_account(self, username: str, initiator_secret: str | None, target_secret: str | None, attributes: dict) -> dict:
        """Create an account (CHAP secrets generated when not given)."""
        if any(a["username"] == username for a in self.accounts.values()):
            raise ApiError("xDuplicateUsername", f"Username '{username}' already exists.")
        account = {
            "accountID": self.next_account_id,
            "username": username,
            "status": "active",
            "initiatorSecret": initiator_secret or secrets.token_hex(6),
            "targetSecret": target_secret or secrets.token_hex(6),
            "storageContainerID": "00000000-0000-0000-0000-000000000000",
            "attributes": attributes,
            "enableChap": True,
        }
        self.next_account_id += 1
        self.accounts[account["accountID"]] = account
        return account

    def account(self, account_id: int) -> dict:
        """The account, or xAccountIDDoesNotExist."""
        if account_id not in self.accounts:
            raise ApiError("xAccountIDDoesNotExist", f"Account ID {account_id} does not exist.")
        return self.accounts[account_id]

    def account_view(self, account: dict) -> dict:
        """The Account object with its (not deleted) volume ids."""
        view = dict(account)
        view["volumes"] = sorted(v["volumeID"] for v in self.volumes.values()
                                 if v["accountID"] == account["accountID"] and v["status"] != "deleted")
        return view

    # volumes ------------------------------------------------------------
    def new_volume(self, name: str, account_id: int, total_size: int, **kw) -> dict:
        """Create a volume object with every field a cluster reports."""
        vid = self.next_volume_id
        self.next_volume_id += 1
        size = -(-total_size // MIB) * MIB
        qos = dict(DEFAULT_QOS)
        qos.update(kw.get("qos") or {})
        qos["curve"] = dict(DEFAULT_CURVE)
        hexid = f"{vid:08x}"
        volume = {
            "volumeID": vid, "name": name, "accountID": account_id, "createTime": clock.iso_now(),
            "volumeConsistencyGroupUUID": str(uuid.uuid4()), "volumeUUID": str(uuid.uuid4()),
            "enableSnapMirrorReplication": kw.get("enable_snap_mirror", False),
            "status": kw.get("status", "active"), "access": kw.get("access") or "readWrite",
            "enable512e": kw.get("enable512e", False),
            "iqn": f"iqn.2010-01.com.solidfire:simc.{name.lower()}.{vid}",
            "scsiEUIDeviceID": f"73696d63{hexid}f47acc0100000000", "scsiNAADeviceID": f"6f47acc100000000{hexid}73696d63",
            "qos": qos, "qosPolicyID": None, "volumeAccessGroups": [], "volumePairs": [],
            "deleteTime": "", "purgeTime": "", "lastAccessTime": None, "lastAccessTimeIO": None,
            "sliceCount": 1, "totalSize": size, "blockSize": 4096, "virtualVolumeID": None,
            "attributes": kw.get("attributes") or {}, "currentProtectionScheme": "doubleHelix",
            "previousProtectionScheme": None, "fifoSize": 24, "minFifoSize": 0,
        }
        self.volumes[vid] = volume
        return volume

    def volume(self, volume_id: int, allow_deleted: bool = False) -> dict:
        """The volume, or xVolumeIDDoesNotExist."""
        volume = self.volumes.get(volume_id)
        if volume is None or (volume["status"] == "deleted" and not allow_deleted):
            raise ApiError("xVolumeIDDoesNotExist", f"Volume ID {volume_id} does not exist.")
        return volume

    def delete_volume(self, volume: dict) -> None:
        """Mark a volume deleted (it stays listed until its purge time)."""
        now = clock.utcnow()
        volume["status"] = "deleted"
        volume["deleteTime"] = clock.iso(now)
        volume["purgeTime"] = clock.iso(now + PURGE_DELAY)

    def purge_volume(self, volume: dict) -> None:
        """Remove a deleted volume for good, and its snapshots with it."""
        del self.volumes[volume["volumeID"]]
        for snapshot in [s for s in self.snapshots.values() if s["volumeID"] == volume["volumeID"]]:
            self.remove_snapshot(snapshot)

    # snapshots ----------------------------------------------------------
    def snapshot(self, snapshot_id: int, volume_id: int | None = None) -> dict:
        """The snapshot (of volume_id when given), or xSnapshotIDDoesNotExist."""
        snapshot = self.snapshots.get(snapshot_id)
        if snapshot is None or (volume_id is not None and snapshot["volumeID"] != volume_id):
            where = "" if volume_id is None else f" on volume {volume_id}"
            raise ApiError("xSnapshotIDDoesNotExist", f"Snapshot ID {snapshot_id} does not exist{where}.")
        return snapshot

    def add_snapshot(self, snapshot: dict) -> dict:
        """Store a snapshot object under the next snapshotID (set in it)."""
        snapshot["snapshotID"] = self.next_snapshot_id
        self.next_snapshot_id += 1
        self.snapshots[snapshot["snapshotID"]] = snapshot
        return snapshot

    def remove_snapshot(self, snapshot: dict) -> None:
        """Delete a snapshot; a group snapshot left without members goes with it."""
        del self.snapshots[snapshot["snapshotID"]]
        group = self.group_snapshots.get(snapshot["groupID"])
        if group is not None:
            group["members"] = [m for m in group["members"] if m["snapshotID"] != snapshot["snapshotID"]]
            if not group["members"]:
                del self.group_snapshots[group["groupSnapshotID"]]

    def group_snapshot(self, group_snapshot_id: int) -> dict:
        """The group snapshot, or xGroupSnapshotIDDoesNotExist (a simulator choice of name)."""
        group = self.group_snapshots.get(group_snapshot_id)
        if group is None:
            raise ApiError("xGroupSnapshotIDDoesNotExist", f"Group snapshot ID {group_snapshot_id} does not exist.")
        return group

    def add_group_snapshot(self, group: dict) -> dict:
        """Store a group snapshot under the next groupSnapshotID (set in it and in its members' groupID)."""
        group["groupSnapshotID"] = self.next_group_snapshot_id
        self.next_group_snapshot_id += 1
        for member in group["members"]:
            member["groupID"] = group["groupSnapshotID"]
        self.group_snapshots[group["groupSnapshotID"]] = group
        return group

    def take_clone_id(self) -> int:
        """Next cloneID."""
        self.next_clone_id += 1
        return self.next_clone_id - 1

    def take_group_clone_id(self) -> int:
        """Next groupCloneID."""
        self.next_group_clone_id += 1
        return self.next_group_clone_id - 1

    def take_slice_id(self) -> int:
        """Next sliceID of a ListSyncJobs entry."""
        self.next_slice_id += 1
        return self.next_slice_id - 1

    def sync_plan(self, job: Job) -> SyncPlan:
        """Give a job a ListSyncJobs plan (seeded by estimateSeed); add its clones to the plan returned."""
        job.sync = SyncPlan(self.config.estimate_seed, job.handle, self.take_slice_id)
        return job.sync

    def take_bv_id(self) -> int:
        """Next bulk volume job id."""
        self.next_bv_id += 1
        return self.next_bv_id - 1

    def check_clone_limit(self, volume_id: int) -> None:
        """xMaxClonesPerVolumeExceeded when the source already has the maximum of running clones."""
        if len(self.jobs.running_with("sources", volume_id)) >= self.config.max_clones_per_volume:
            raise ApiError("xMaxClonesPerVolumeExceeded",
                           f"Volume {volume_id} already has {self.config.max_clones_per_volume} clones in progress.")
