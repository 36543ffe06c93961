"""Clocks: monotonic seconds for durations, ISO 8601 UTC strings for the API's dates."""
from __future__ import annotations

import datetime
import time


def mono() -> float:
    """Monotonic seconds (durations and deadlines)."""
    return time.monotonic()


def utcnow() -> datetime.datetime:
    """The current wall time in UTC."""
    return datetime.datetime.now(datetime.timezone.utc)


def iso(when: datetime.datetime) -> str:
    """Format as the API does: 2016-01-01T22:29:18Z."""
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_now() -> str:
    """The current wall time as an API date string."""
    return iso(utcnow())
