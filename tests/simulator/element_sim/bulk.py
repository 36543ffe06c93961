"""Bulk volume jobs: StartBulkVolumeRead (backup), StartBulkVolumeWrite (restore, or a session another cluster feeds),
ListBulkVolumeJobs, and where their data goes: an S3 store held in memory (SimS3), or another simulator, the
destination cluster, reached over HTTPS the way bv_internal.py reaches one (its MVIP, user and password, and the
key of a write session started there).

A job's async result completes with {message, bvID, volumeID}, or fails with xBulkVolumeScriptFailure (destination
unreachable or refusing the key, S3 credentials refused, no such S3 object). GetAsyncResult details while it runs,
its error object when it fails, and ListBulkVolumeJobs entries echo its scriptParameters, secrets included, as a
cluster may: clients must redact.
Jobs leave ListBulkVolumeJobs once done. Limits (GetLimits): two bulk volume jobs per volume, eight per node.
"""
from __future__ import annotations

import base64
import json
import random
import secrets
import ssl
import threading
import urllib.error
import urllib.request

from . import clock
from .errors import ApiError, invalid
from .params import Params

SCRIPT = "bv_internal.py"
PER_VOLUME_MAX = 2
PER_NODE_MAX = 8
FORMATS = ("native", "uncompressed")
PREPARING_SECONDS = 0.5  # a job's first half second: status preparing, no figures yet
FAIL_AFTER_SECONDS = 1.0  # a script that cannot reach its endpoint fails this long after the start
S3_FIELDS = ("hostname", "bucket", "prefix", "awsAccessKeyID", "awsSecretAccessKey")
SOLIDFIRE_FIELDS = ("mvip", "username", "password", "key")
FEED_TIMEOUT = 10.0
FAILURE = "xBulkVolumeScriptFailure"


class BulkJob:  # pylint: disable=too-many-instance-attributes,too-few-public-methods
    """One bulk volume job and the async result it reports through."""

    def __init__(self, bv_id: int, kind: str, volume: dict, p: Params, job):
        self.bv_id = bv_id
        self.kind = kind  # read | write
        self.volume_id = volume["volumeID"]
        self.size = volume["totalSize"]
        self.format = p.req("format", "str")
        self.snapshot_id = p.opt("snapshotID", "int") or None
        self.script = p.opt("script", "str")
        self.parameters = p.opt("scriptParameters", "dict")
        self.attributes = p.opt("attributes", "dict") or {}
        self.key = secrets.token_hex(16)
        self.job = job
        self.rng = random.Random(f"bulk/{bv_id}")
        self.held = None
        self.hold_reads = 0

    def figures(self, now: float, noise: float) -> dict:
        """status, percentComplete, remainingTime (noisy), elapsedTime of one ListBulkVolumeJobs read."""
        elapsed = now - self.job.created_mono
        seconds = self.job.seconds
        if seconds is None or elapsed < PREPARING_SECONDS:
            return {"status": "preparing", "percentComplete": 0, "elapsedTime": int(elapsed)}
        done = min(0.99, elapsed / seconds) if seconds > 0 else 0.99
        out = {"status": "running", "percentComplete": int(100 * done), "elapsedTime": int(elapsed)}
        left = max(0.0, seconds - elapsed)
        if noise <= 0:
            out["remainingTime"] = int(round(left))
        elif self.hold_reads > 0 and self.held is not None:
            self.hold_reads -= 1
            out["remainingTime"] = self.held
        else:
            self.held = int(round(max(0.0, left * (1 + noise * self.rng.uniform(-1.0, 1.0)))))
            self.hold_reads = self.rng.randint(1, 3) if self.rng.random() < noise else 0
            out["remainingTime"] = self.held
        return out

    def entry(self, now: float, noise: float) -> dict:
        """The ListBulkVolumeJobs entry."""
        blocks = self.size // 4096
        out = {
            "bulkVolumeID": self.bv_id, "srcVolumeID": self.volume_id, "snapshotID": self.snapshot_id or 0,
            "key": self.key, "type": self.kind, "format": self.format, "script": self.script or "",
            "createTime": clock.iso(self.job.created_wall), "scriptParameters": self.parameters,
            "attributes": dict(self.attributes, nLbas=blocks, startLba=0, nextLba=0, blocksPerTransfer=1024,
                               firstPendingLba=0, percentComplete=0),
        }
        out.update(self.figures(now, noise))
        out["attributes"]["nextLba"] = blocks * out["percentComplete"] // 100
        out["attributes"]["percentComplete"] = out["percentComplete"]
        return out


class BulkTable:
    """Every bulk volume job of the cluster, the S3 store, and the volumes' data (what a backup carries)."""

    def __init__(self):
        self.jobs: dict[int, BulkJob] = {}
        self.next_bv_id = 1
        self.s3_keys: dict | None = None  # accepted {access key ID: secret}; None accepts any
        self.objects: dict[tuple, dict] = {}  # (hostname, bucket, prefix) -> {data, size, format}
        self.data: dict[int, str] = {}  # volumeID -> what it holds (a token a restore copies)

    def volume_data(self, volume: dict) -> str:
        return self.data.setdefault(volume["volumeID"], f"volume-{volume['volumeID']}-{volume['volumeUUID'][:8]}")

    def running(self) -> list:
        return [job for job in self.jobs.values() if not job.job.complete]

    def check_limits(self, volume_id: int) -> None:
        running = self.running()
        if sum(1 for job in running if job.volume_id == volume_id) >= PER_VOLUME_MAX:
            raise ApiError("xMaxBulkVolumeJobsPerVolumeExceeded",
                           f"Volume {volume_id} already has {PER_VOLUME_MAX} bulk volume jobs running.")
        if len(running) >= PER_NODE_MAX:
            raise ApiError("xMaxBulkVolumeJobsPerNodeExceeded",
                           f"The node already runs {PER_NODE_MAX} bulk volume jobs (bulkVolumeJobsPerNodeMax).")


def _volume_id(p: Params) -> int:
    """volumeID, also as a string of digits: netapp.elementsw's backup module sends it so (its options are strings,
    handed to the SDK as they are), and NetApp's own module must have worked against clusters (an inference)."""
    value = p.raw.get("volumeID")
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return p.req("volumeID", "int")


def _start(cluster, p: Params, ctx, kind: str) -> tuple:
    volume = cluster.volume(_volume_id(p))
    fmt = p.req("format", "str")
    if fmt not in FORMATS:
        raise invalid(f"Invalid value for 'format': {fmt}; expected native or uncompressed.")
    snapshot_id = p.opt("snapshotID", "int") if kind == "read" else None
    if snapshot_id:
        cluster.snapshot(snapshot_id, volume["volumeID"])
    script = p.opt("script", "str")
    parameters = p.opt("scriptParameters", "dict")
    if script is not None and script != SCRIPT:
        raise invalid(f"Unknown bulk volume script '{script}'; the cluster has {SCRIPT}.")
    p.opt("attributes", "dict")
    table = cluster.bulk
    table.check_limits(volume["volumeID"])
    bv_id = table.next_bv_id
    table.next_bv_id += 1
    job = cluster.jobs.create(
        "BulkVolume", None, details={"bvID": bv_id, "volumeID": volume["volumeID"], "scriptParameters": parameters},
        result={"bvID": bv_id, "message": "Bulk volume job succeeded", "volumeID": volume["volumeID"]},
        progress=False, meta={"bulk": bv_id})
    bulk = BulkJob(bv_id, kind, volume, p, job)
    table.jobs[bv_id] = bulk
    job.on_complete = lambda done: _finished(cluster, bulk)
    return bulk, volume, {"asyncHandle": job.handle, "key": bulk.key, "url": f"{ctx.base_url}/bulk/{bv_id}"}


def _fail(bulk: BulkJob, after: float, message: str) -> None:
    """The job's script fails `after` seconds from its start; its error echoes the script parameters (secrets
    included), as the details of a running job do."""
    bulk.job.details = None
    bulk.job.meta["pendingError"] = {"name": FAILURE, "message": f"Bulk volume job failed: {message}",
                                     "bvID": bulk.bv_id, "volumeID": bulk.volume_id,
                                     "scriptParameters": bulk.parameters}
    bulk.job.on_complete = _apply_error(bulk.job.on_complete)
    bulk.job.seconds = after


def _apply_error(then):
    def hook(job):
        if job.error is None:
            job.error = job.meta.get("pendingError")
        then(job)
    return hook


def _finished(cluster, bulk: BulkJob) -> None:
    """What a successful job leaves behind: the object in S3, or the restored volume's data."""
    if bulk.job.error is not None:
        return
    table = cluster.bulk
    payload = bulk.job.meta.get("payload")
    if payload is None:
        return
    if bulk.kind == "read" and payload["to"] == "s3":
        volume = cluster.volumes.get(bulk.volume_id)
        table.objects[payload["where"]] = {"data": table.volume_data(volume) if volume else None,
                                           "size": bulk.size, "format": bulk.format}
    elif bulk.kind == "write":
        table.data[bulk.volume_id] = payload["data"]


def start_bulk_volume_read(cluster, p: Params, ctx) -> dict:
    """StartBulkVolumeRead: a backup of a volume (or of one of its snapshots) to S3 or to another cluster."""
    bulk, volume, answer = _start(cluster, p, ctx, "read")
    seconds = cluster.config.job_seconds
    write = (bulk.parameters or {}).get("write") if bulk.script else None
    if bulk.script is None:
        bulk.job.seconds = seconds  # read by whoever holds the key
    elif not isinstance(write, dict):
        _fail(bulk, FAIL_AFTER_SECONDS, "scriptParameters has no 'write' object naming where the data goes.")
    elif write.get("endpoint") == "s3":
        _to_s3(cluster, bulk, write, seconds)
    elif write.get("endpoint") == "solidfire":
        _to_cluster(cluster, bulk, write, seconds, volume)
    else:
        _fail(bulk, FAIL_AFTER_SECONDS, f"unknown endpoint {write.get('endpoint')!r} (s3 or solidfire).")
    return answer


def _s3_refuses(table: BulkTable, place: dict) -> str | None:
    missing = [name for name in S3_FIELDS if not isinstance(place.get(name), str) or not place.get(name)]
    if missing:
        return f"S3 parameters missing: {', '.join(missing)}."
    keys = table.s3_keys
    if keys is not None and keys.get(place["awsAccessKeyID"]) != place["awsSecretAccessKey"]:
        return (f"S3 at {place['hostname']} refused access key {place['awsAccessKeyID']} "
                f"(InvalidAccessKeyId or SignatureDoesNotMatch).")
    return None


def _to_s3(cluster, bulk: BulkJob, write: dict, seconds: float) -> None:
    refused = _s3_refuses(cluster.bulk, write)
    if refused:
        _fail(bulk, FAIL_AFTER_SECONDS, refused)
        return
    bulk.job.meta["payload"] = {"to": "s3", "where": (write["hostname"], write["bucket"], write["prefix"])}
    bulk.job.seconds = seconds


def _to_cluster(cluster, bulk: BulkJob, write: dict, seconds: float, volume: dict) -> None:
    """Feed the destination's write session (in a thread: never under the cluster lock)."""
    missing = [name for name in SOLIDFIRE_FIELDS if not isinstance(write.get(name), str) or not write.get(name)]
    if missing:
        _fail(bulk, FAIL_AFTER_SECONDS, f"parameters for the destination cluster missing: {', '.join(missing)}.")
        return
    data = cluster.bulk.volume_data(volume)

    def feed():
        error = _feed_destination(write, {"key": write["key"], "seconds": seconds, "size": bulk.size, "data": data,
                                          "format": write.get("format", bulk.format)}, cluster.tls_ca)
        with cluster.lock:
            if bulk.job.complete:
                return
            if error is None:
                bulk.job.seconds = seconds
            else:
                _fail(bulk, max(FAIL_AFTER_SECONDS, cluster.jobs.clock.now() - bulk.job.created_mono), error)

    threading.Thread(target=feed, name="sim-bulk-feed", daemon=True).start()


def _feed_destination(write: dict, params: dict, ca: str | None) -> str | None:
    """Call SimBulkVolumeFeed on the destination cluster; None when it took the data, else why not."""
    mvip = write["mvip"]
    url = f"https://{mvip}/json-rpc/12.3"
    token = base64.b64encode(f"{write['username']}:{write['password']}".encode()).decode()
    body = json.dumps({"method": "SimBulkVolumeFeed", "params": params, "id": 1}).encode()
    context = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
    context.check_hostname = False  # the destination presents the simulators' shared certificate, for its own name
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Basic {token}"})
    try:
        with urllib.request.urlopen(request, context=context, timeout=FEED_TIMEOUT) as response:
            answer = json.loads(response.read().decode())
    except urllib.error.HTTPError as exc:
        return f"the destination cluster {mvip} refused user {write['username']} (HTTP {exc.code})."
    except (OSError, ValueError) as exc:
        return f"the destination cluster {mvip} is unreachable ({exc})."
    if "error" in answer:
        return f"the destination cluster {mvip} refused the bulk volume key: {answer['error'].get('message')}"
    return None


def start_bulk_volume_write(cluster, p: Params, ctx) -> dict:
    """StartBulkVolumeWrite: a restore from S3 (bv_internal.py reads), or a session another cluster feeds."""
    bulk, volume, answer = _start(cluster, p, ctx, "write")
    read = (bulk.parameters or {}).get("read") if bulk.script else None
    if bulk.script is None:
        return answer  # runs until SimBulkVolumeFeed brings its data (the source cluster's read)
    if not isinstance(read, dict):
        _fail(bulk, FAIL_AFTER_SECONDS, "scriptParameters has no 'read' object naming where the data comes from.")
    elif read.get("endpoint") != "s3":
        _fail(bulk, FAIL_AFTER_SECONDS, f"unknown endpoint {read.get('endpoint')!r} to read from (s3).")
    else:
        refused = _s3_refuses(cluster.bulk, read)
        found = cluster.bulk.objects.get((read.get("hostname"), read.get("bucket"), read.get("prefix")))
        if refused:
            _fail(bulk, FAIL_AFTER_SECONDS, refused)
        elif found is None:
            _fail(bulk, FAIL_AFTER_SECONDS, f"no backup at s3://{read['bucket']}/{read['prefix']} on {read['hostname']}.")
        elif found["size"] > volume["totalSize"]:
            _fail(bulk, FAIL_AFTER_SECONDS, f"the backup ({found['size']} bytes) is larger than volume "
                  f"{volume['volumeID']} ({volume['totalSize']} bytes).")
        else:
            bulk.job.meta["payload"] = {"data": found["data"]}
            bulk.job.seconds = cluster.config.job_seconds
    return answer


def list_bulk_volume_jobs(cluster, _p: Params, _ctx) -> dict:
    """ListBulkVolumeJobs: the jobs still running (a finished one has left the list)."""
    now = cluster.jobs.clock.now()
    noise = cluster.config.estimate_noise
    return {"bulkVolumeJobs": [job.entry(now, noise) for _bv, job in sorted(cluster.bulk.jobs.items())
                               if not job.job.complete]}


def update_bulk_volume_status(cluster, p: Params, ctx) -> dict:
    """UpdateBulkVolumeStatus: the script (or a client) says how a job is doing; failed and complete end it. A key of
    no running job answers xBulkVolumeIDDoesNotExist (as a cluster does shortly after a job ended)."""
    key = p.req("key", "str")
    status = p.req("status", "str")
    if status not in ("running", "complete", "failed"):
        raise invalid(f"Invalid value for 'status': {status}; expected running, complete or failed.")
    for bulk in cluster.bulk.running():
        if bulk.key == key:
            if status == "failed":
                bulk.job.finish(error={"name": FAILURE, "message": p.opt("message", "str") or
                                       "Bulk volume job failed (UpdateBulkVolumeStatus).", "bvID": bulk.bv_id,
                                       "volumeID": bulk.volume_id})
            elif status == "complete":
                bulk.job.finish()
            return {"status": status, "url": f"{ctx.base_url}/bulk/{bulk.bv_id}", "attributes": bulk.attributes}
    raise ApiError("xBulkVolumeIDDoesNotExist", f"No running bulk volume job has the key {key}.")


def sim_bulk_volume_feed(sim, p: Params) -> dict:
    """The source cluster's bv_internal.py brings data to a write session of this cluster, by its key."""
    key = p.req("key", "str")
    seconds = p.req("seconds", "number")
    with sim.cluster.lock:
        for bulk in sim.cluster.bulk.running():
            if bulk.kind == "write" and bulk.key == key:
                if p.req("size", "int") > bulk.size:
                    raise invalid(f"The data ({p.raw['size']} bytes) is larger than volume {bulk.volume_id}.")
                bulk.job.meta["payload"] = {"data": p.req("data", "str")}
                bulk.job.seconds = (sim.cluster.jobs.clock.now() - bulk.job.created_mono) + float(seconds)
                return {"bvID": bulk.bv_id, "volumeID": bulk.volume_id}
    raise ApiError("xBulkVolumeKeyDoesNotExist", f"No bulk volume write session has the key {key}.")


def sim_s3(sim, p: Params) -> dict:
    """Which S3 credentials the in-memory S3 accepts ({accessKeyID: secret}; null: any), and what it holds."""
    if "keys" in p.raw:
        keys = p.opt("keys", "dict")
        if keys is not None and not all(isinstance(v, str) for v in keys.values()):
            raise invalid("'keys' must map access key IDs to secrets (strings).")
        sim.cluster.bulk.s3_keys = keys
    objects = [{"hostname": h, "bucket": b, "prefix": x, "size": o["size"], "format": o["format"], "data": o["data"]}
               for (h, b, x), o in sorted(sim.cluster.bulk.objects.items())]
    return {"objects": objects}


def sim_volume_data(sim, p: Params) -> dict:
    """What a volume holds (a token: a backup carries it, a restore writes it)."""
    volume = sim.cluster.volume(p.req("volumeID", "int"))
    return {"volumeID": volume["volumeID"], "data": sim.cluster.bulk.volume_data(volume)}


METHODS = {
    "StartBulkVolumeRead": start_bulk_volume_read,
    "StartBulkVolumeWrite": start_bulk_volume_write,
    "ListBulkVolumeJobs": list_bulk_volume_jobs,
    "UpdateBulkVolumeStatus": update_bulk_volume_status,
}

CONTROL = {
    "SimBulkVolumeFeed": sim_bulk_volume_feed,
    "SimS3": sim_s3,
    "SimVolumeData": sim_volume_data,
}
