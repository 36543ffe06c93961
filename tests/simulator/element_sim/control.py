"""Simulator-only control methods (Sim*): reset, configure, credentials, jobs, faults and the call log."""
from __future__ import annotations

from . import clock
from .bulk import CONTROL as BULK_CONTROL
from .drives import CONTROL as DRIVE_CONTROL
from .errors import ApiError, invalid
from .jobs import GONE_ERRORS
from .params import Params

MAX_TIME_SCALE = 1_000_000
MAX_CLOCK_SKEW = 10 * 365 * 86400


def _gone_name(p: Params, key: str = "goneError") -> str | None:
    name = p.opt(key, "str")
    if name is not None and name not in GONE_ERRORS:
        raise invalid(f"'{key}' must be one of {', '.join(GONE_ERRORS)}.")
    return name


def _error_object(p: Params) -> dict | None:
    error = p.opt("error", "dict")
    if error is None:
        return None
    if not isinstance(error.get("name"), str):
        raise ApiError("xMissingParameter", "An 'error' object needs a 'name'.")
    out = dict(error)
    out.setdefault("message", f"Simulated job failure ({error['name']}).")
    return out


def sim_reset(sim, _p: Params) -> dict:
    """Forget everything: state, jobs, faults, call log, configuration and credentials."""
    with sim.cluster.lock:
        sim.cluster.reset()
    sim.faults.set([])
    sim.calls.reset()
    sim.credentials = sim.default_credentials
    return {}


def _configure_estimates(sim, p: Params) -> None:
    """timeScale (> 0), estimateNoise (0..1), estimateSeed, clockSkew (s): checked all before any is applied."""
    config = sim.cluster.config
    scale = p.opt("timeScale", "number")
    noise = p.opt("estimateNoise", "number")
    seed = p.opt("estimateSeed", "int")
    skew = p.opt("clockSkew", "number")
    if skew is not None and not abs(skew) <= MAX_CLOCK_SKEW:
        raise invalid(f"'clockSkew' must be between -{MAX_CLOCK_SKEW} and {MAX_CLOCK_SKEW} seconds.")
    if scale is not None and not 0 < scale <= MAX_TIME_SCALE:
        raise invalid(f"'timeScale' must be greater than 0 and at most {MAX_TIME_SCALE}.")
    if noise is not None and not 0 <= noise <= 1:
        raise invalid("'estimateNoise' must be between 0 and 1.")
    if scale is not None:
        config.time_scale = float(scale)
        sim.cluster.clock.set_scale(scale)
    if noise is not None:
        config.estimate_noise = float(noise)
    if seed is not None:
        config.estimate_seed = seed
    if skew is not None:
        config.clock_skew = float(skew)
        clock.set_skew(skew)


def sim_configure(sim, p: Params) -> dict:
    """Change jobSeconds, goneError, maxClonesPerVolume, timeScale, estimateNoise, estimateSeed, clockSkew; answer the
    configuration."""
    config = sim.cluster.config
    seconds = p.opt("jobSeconds", "number")
    gone = _gone_name(p)
    max_clones = p.opt("maxClonesPerVolume", "int")
    if seconds is not None and seconds < 0:
        raise invalid("'jobSeconds' must not be negative.")
    _configure_estimates(sim, p)
    if seconds is not None:
        config.job_seconds = float(seconds)
    if gone is not None:
        config.gone_error = gone
    if max_clones is not None:
        config.max_clones_per_volume = max_clones
    return config.to_dict()


def sim_set_credentials(sim, p: Params) -> dict:
    """Every later request (Sim* included) must use these credentials."""
    sim.credentials = (p.req("username", "str"), p.req("password", "str"))
    return {"username": sim.credentials[0]}


def sim_create_job(sim, p: Params) -> dict:
    """A job of any type with a given duration, result, error, details and gone name."""
    cluster = sim.cluster
    result_type = p.opt("resultType", "str", "Clone")
    seconds = p.opt("seconds", "number") if "seconds" in p.raw else cluster.config.job_seconds
    if seconds is not None and seconds < 0:
        seconds = None  # null or negative: the job never finishes on its own
    details = p.opt("details", "dict")
    result = p.opt("result", "dict")
    sync = _sync_params(p, result_type, result)
    if result is None:
        result = {"cloneID": cluster.take_clone_id(), "message": "Clone complete.", "volumeID": 0}
    job = cluster.jobs.create(result_type, None if seconds is None else float(seconds), result=result,
                              error=None, details=details, progress=details is None,
                              gone_name=_gone_name(p), meta={"pendingError": _error_object(p)})
    job.on_complete = _apply_pending_error
    if sync is not None:
        volume_id = result.get("volumeID") if isinstance(result.get("volumeID"), int) else 0
        cluster.sync_plan(job).add(sync["totalBytes"], cloneID=result["cloneID"], srcVolumeID=sync["srcVolumeID"],
                                   dstVolumeID=volume_id if sync["dstVolumeID"] is None else sync["dstVolumeID"])
    # createdAt: on the call log's clock, so a benchmark knows when the job ends (createdAt + seconds / timeScale)
    return {"asyncHandle": job.handle, "createdAt": clock.mono()}


def _sync_params(p: Params, result_type: str, result: dict | None) -> dict | None:
    """syncProgress: true (Clone jobs only) with totalBytes (default 1 GiB), srcVolumeID?, dstVolumeID?."""
    sync = {"totalBytes": p.opt("totalBytes", "int", 1 << 30), "srcVolumeID": p.opt("srcVolumeID", "int", 0),
            "dstVolumeID": p.opt("dstVolumeID", "int")}
    if not p.opt("syncProgress", "bool", False):
        return None
    if result_type != "Clone":
        raise invalid("'syncProgress' needs a job of resultType Clone.")
    if result is not None and not (isinstance(result.get("cloneID"), int) and not isinstance(result.get("cloneID"), bool)):
        raise invalid("'syncProgress' needs an integer cloneID in 'result'.")
    if sync["totalBytes"] < 1:
        raise invalid("'totalBytes' must be positive.")
    return sync


MAX_KEPT_RESULTS = 200_000


def sim_add_kept_results(sim, p: Params) -> dict:
    """count finished jobs whose results are kept (a busy cluster that keeps results: ListAsyncResults grows by
    about 230 bytes a result); resultType (default Clone), every tenth failed, like a real backlog."""
    count = p.req("count", "int")
    result_type = p.opt("resultType", "str", "Clone")
    if not 0 < count <= MAX_KEPT_RESULTS:
        raise invalid(f"'count' must be from 1 to {MAX_KEPT_RESULTS}.")
    cluster = sim.cluster
    first = cluster.jobs.next_handle
    for index in range(count):
        job = cluster.jobs.create(result_type, 0.0, result={
            "cloneID": cluster.take_clone_id(), "message": "Clone complete.", "volumeID": 100000 + index})
        error = {"name": "xCloneFailed", "message": "Simulated failure of a kept job."} if index % 10 == 9 else None
        job.finish(error=error, at=job.created_wall)
    return {"first": first, "last": cluster.jobs.next_handle - 1}


def _apply_pending_error(job) -> None:
    pending = job.meta.get("pendingError")
    if pending is not None and job.error is None:
        job.error = pending


def sim_finish_job(sim, p: Params) -> dict:
    """Complete a running job now (optionally with an error)."""
    job = sim.cluster.jobs.find(p.req("asyncHandle", "int"), sim.cluster.config.gone_error)
    job.finish(error=_error_object(p))
    return {"asyncHandle": job.handle, "status": "complete"}


def sim_purge_job(sim, p: Params) -> dict:
    """Delete a job (running or complete) as if another client had consumed it."""
    job = sim.cluster.jobs.find(p.req("asyncHandle", "int"), sim.cluster.config.gone_error)
    sim.cluster.jobs.remove(job)
    return {"asyncHandle": job.handle, "purged": True}


def sim_set_faults(sim, p: Params) -> dict:
    """Replace the fault rules."""
    return {"faults": sim.faults.set(p.req("faults", "list"))}


def sim_get_faults(sim, _p: Params) -> dict:
    """Show the fault rules with their remaining budgets."""
    with sim.faults.lock:
        return {"faults": sim.faults.snapshot()}


def sim_call_log(sim, p: Params) -> dict:
    """Every non-Sim request so far; clear empties the log after answering."""
    return {"calls": sim.calls.read(clear=p.opt("clear", "bool", False))}


CONTROL = {
    **BULK_CONTROL,
    **DRIVE_CONTROL,
    "SimReset": sim_reset,
    "SimConfigure": sim_configure,
    "SimSetCredentials": sim_set_credentials,
    "SimCreateJob": sim_create_job,
    "SimFinishJob": sim_finish_job,
    "SimAddKeptResults": sim_add_kept_results,
    "SimPurgeJob": sim_purge_job,
    "SimSetFaults": sim_set_faults,
    "SimGetFaults": sim_get_faults,
    "SimCallLog": sim_call_log,
}
