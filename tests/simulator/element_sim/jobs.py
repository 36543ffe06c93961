"""Asynchronous results (jobs): progress on the simulated clock, completion, the purge-on-read rule and gone handles."""
from __future__ import annotations

import datetime
from typing import Callable

from . import clock
from .errors import ApiError

FIRST_ASYNC_HANDLE = 100
GONE_ERRORS = ("xAsyncHandleDoesNotExist", "xDBNoSuchPath")


def gone_error(handle: int, name: str) -> ApiError:
    """The API error a cluster gives for a handle that does not (or no longer) exist."""
    if name == "xDBNoSuchPath":
        return ApiError(name, f"DBClient operation requested on a non-existent path at [/asyncresults/{handle}]")
    return ApiError("xAsyncHandleDoesNotExist", f"Async handle {handle} does not exist.")


class Job:  # pylint: disable=too-many-instance-attributes
    """One async result. seconds (simulated) None means it never finishes on its own."""

    def __init__(self, handle: int, result_type: str, seconds: float | None, sim_clock: clock.SimClock, **kw):
        self.handle = handle
        self.result_type = result_type
        self.seconds = seconds
        self.result = kw.get("result") or {}
        self.error = kw.get("error")
        self.details = kw.get("details")
        self.progress = kw.get("progress", True)
        self.gone_name = kw.get("gone_name")
        self.on_complete: Callable | None = kw.get("on_complete")
        self.meta = kw.get("meta") or {}
        self.clock = sim_clock
        self.sync = kw.get("sync")  # a syncjobs.SyncPlan: the job shows entries in ListSyncJobs while it runs
        self.created_mono = sim_clock.now()  # simulated seconds
        self.created_wall = clock.utcnow()
        self.finished_wall: datetime.datetime | None = None

    @property
    def complete(self) -> bool:
        """True once the job has finished (with a result or an error)."""
        return self.finished_wall is not None

    def finish(self, error: dict | None = None, at: datetime.datetime | None = None) -> None:
        """Complete the job now (or at the given wall time) and run its completion hook once."""
        if self.complete:
            return
        if error is not None:
            self.error = error
        self.finished_wall = at or clock.utcnow()
        if self.on_complete is not None:
            self.on_complete(self)

    def refresh(self, now: float) -> None:
        """Complete the job if its duration has passed."""
        if not self.complete and self.seconds is not None and now - self.created_mono >= self.seconds:
            self.finish(at=self._wall_after(self.seconds))

    def _wall_after(self, sim_seconds: float) -> datetime.datetime:
        """The wall time that many simulated seconds after the job started (at the clock's current speed)."""
        return self.created_wall + datetime.timedelta(seconds=self.clock.real_seconds(sim_seconds))

    def _percent(self, now: float) -> int:
        if self.seconds is None or self.seconds <= 0:
            return 0
        return min(99, int(100 * (now - self.created_mono) / self.seconds))

    def running_details(self, now: float) -> dict:
        """Details while running; percentComplete moves with time for jobs that report progress."""
        details = dict(self.details or {})
        if self.progress:
            details["percentComplete"] = self._percent(now)
        return details

    def last_update(self, now: float) -> datetime.datetime:
        """When the job's visible state last changed."""
        if self.complete:
            return self.finished_wall
        if self.progress and self.seconds:
            return self._wall_after(self._percent(now) * self.seconds / 100.0)
        return self.created_wall

    def view(self, now: float) -> dict:
        """The GetAsyncResult answer."""
        out = {
            "status": "complete" if self.complete else "running",
            "resultType": self.result_type,
            "createTime": clock.iso(self.created_wall),
            "lastUpdateTime": clock.iso(self.last_update(now)),
        }
        if not self.complete:
            out["details"] = self.running_details(now)
        elif self.error is not None:
            out["error"] = self.error
        else:
            out["result"] = self.result
        return out

    def list_entry(self, now: float) -> dict:
        """The ListAsyncResults entry."""
        if not self.complete:
            data = self.running_details(now)
        else:
            data = self.error if self.error is not None else self.result
        return {
            "asyncResultID": self.handle,
            "completed": self.complete,
            "success": self.complete and self.error is None,
            "resultType": self.result_type,
            "createTime": clock.iso(self.created_wall),
            "lastUpdateTime": clock.iso(self.last_update(now)),
            "data": data,
        }


class JobTable:
    """All async results of the cluster, keyed by handle. Callers hold the cluster lock."""

    def __init__(self, sim_clock: clock.SimClock | None = None):
        self.clock = sim_clock or clock.SimClock()
        self.jobs: dict[int, Job] = {}
        self.gone_names: dict[int, str] = {}
        self.next_handle = FIRST_ASYNC_HANDLE

    def create(self, result_type: str, seconds: float | None, **kw) -> Job:
        """Register a new running job and return it."""
        job = Job(self.next_handle, result_type, seconds, self.clock, **kw)
        self.next_handle += 1
        self.jobs[job.handle] = job
        return job

    def tick(self) -> None:
        """Complete every job whose time has come."""
        now = self.clock.now()
        for job in list(self.jobs.values()):
            job.refresh(now)

    def find(self, handle: int, default_gone: str) -> Job:
        """The job with this handle, or the handle-gone API error."""
        job = self.jobs.get(handle)
        if job is None:
            raise gone_error(handle, self.gone_names.get(handle, default_gone))
        return job

    def remove(self, job: Job) -> None:
        """Delete a job; its handle answers gone afterwards (with the job's own gone name if it had one)."""
        self.jobs.pop(job.handle, None)
        if job.gone_name:
            self.gone_names[job.handle] = job.gone_name

    def read(self, handle: int, keep: bool, default_gone: str) -> dict:
        """GetAsyncResult: a completed job read without keep is deleted; a running one never is."""
        job = self.find(handle, default_gone)
        view = job.view(self.clock.now())
        if job.complete and not keep:
            self.remove(job)
        return view

    def listing(self, types: list | None) -> list:
        """ListAsyncResults entries in handle order (never purges)."""
        now = self.clock.now()
        return [job.list_entry(now) for handle, job in sorted(self.jobs.items())
                if types is None or job.result_type in types]

    def running_with(self, key: str, value) -> list:
        """Running jobs whose meta[key] contains or equals value."""
        out = []
        for job in self.jobs.values():
            meta_value = job.meta.get(key)
            hit = value in meta_value if isinstance(meta_value, (list, tuple, set)) else meta_value == value
            if hit and not job.complete:
                out.append(job)
        return out

    def sync_entries(self, noise: float) -> list:
        """ListSyncJobs entries of every running job that has a sync plan, in handle order."""
        now = self.clock.now()
        out = []
        for _handle, job in sorted(self.jobs.items()):
            if job.sync is not None and not job.complete:
                out.extend(job.sync.entries(now - job.created_mono, job.seconds, noise))
        return out
