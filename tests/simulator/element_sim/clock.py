"""Clocks: monotonic seconds for durations, ISO 8601 UTC strings for the API's dates."""
from __future__ import annotations

import datetime
import time


def mono() -> float:
    """Monotonic seconds (durations and deadlines)."""
    return time.monotonic()


# How far the cluster's clock is ahead of the real one (SimConfigure clockSkew): its dates and Date headers show it.
_SKEW = [0.0]


def set_skew(seconds: float) -> None:
    """Put the cluster's clock this many seconds ahead of the real one (behind when negative)."""
    _SKEW[0] = float(seconds)


def wall() -> float:
    """The cluster's clock, as epoch seconds."""
    return time.time() + _SKEW[0]


def utcnow() -> datetime.datetime:
    """The current wall time in UTC, on the cluster's clock."""
    return datetime.datetime.fromtimestamp(wall(), datetime.timezone.utc)


def iso(when: datetime.datetime) -> str:
    """Format as the API does: 2016-01-01T22:29:18Z."""
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_now() -> str:
    """The current wall time as an API date string."""
    return iso(utcnow())


class SimClock:
    """Simulated seconds for job durations: monotonic time running `scale` times faster (rebased on a change)."""

    def __init__(self, scale: float = 1.0):
        self.scale = float(scale)
        self._real0 = mono()
        self._sim0 = 0.0

    def now(self) -> float:
        """Simulated seconds since this clock started."""
        return self._sim0 + (mono() - self._real0) * self.scale

    def set_scale(self, scale: float) -> None:
        """Run at a new speed from now on; simulated time stays continuous."""
        self._sim0 = self.now()
        self._real0 = mono()
        self.scale = float(scale)

    def real_seconds(self, sim_seconds: float) -> float:
        """How many real seconds that many simulated seconds take at the current speed."""
        return sim_seconds / self.scale
