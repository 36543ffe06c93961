"""ListSyncJobs: per-slice progress of running clone-type jobs, with a remainingTime estimate that lies.

Each clone is split into 2 or 3 slices with their own share of the bytes and their own duration (the last one
lasts as long as the job, the others end a little earlier and leave the list then). Progress is linear on the
simulated clock. remainingTime is the true remainder times (1 + noise * u), u uniform in [-1, 1]; with probability
`noise` a fresh estimate is then repeated for 2-4 more reads (stale), and with probability `noise / 2` an entry has
no remainingTime at all. All random draws are deterministic for a given seed and sequence of reads.
"""
from __future__ import annotations

import random

NOMINAL_SECONDS = 600.0  # the pace of slices of a job that never finishes on its own (they stop at 99.99 %)
NODE_ID = 1
FIRST_SERVICE_ID = 16


class Slice:  # pylint: disable=too-few-public-methods
    """One slice of one clone: its bytes, its share of the job's duration and its estimator's state."""

    def __init__(self, slice_id: int, total_bytes: int, fraction: float, rng: random.Random):
        self.slice_id = slice_id
        self.total_bytes = total_bytes
        self.fraction = fraction
        self.rng = rng
        self.held: float | None = None
        self.hold_reads = 0
        self.src_service = FIRST_SERVICE_ID + rng.randrange(4)
        self.dst_service = FIRST_SERVICE_ID + rng.randrange(4)

    def estimate(self, remaining: float, noise: float) -> float | None:
        """The noisy, sometimes stale, sometimes missing remainingTime of one read."""
        if noise <= 0:
            return round(remaining, 1)
        absent = self.rng.random() < noise / 2
        if self.hold_reads > 0 and self.held is not None:
            self.hold_reads -= 1
            value = self.held
        else:
            value = round(max(0.0, remaining * (1 + noise * self.rng.uniform(-1.0, 1.0))), 1)
            self.held = value
            self.hold_reads = self.rng.randint(2, 4) if self.rng.random() < noise else 0
        return None if absent else value


class Clone:  # pylint: disable=too-few-public-methods
    """One clone (a CloneVolume, one CloneMultipleVolumes member, a CopyVolume) and its slices."""

    def __init__(self, ids: dict, slices: list):
        self.ids = ids
        self.slices = slices


class SyncPlan:
    """The clones of one job. ids of a clone: cloneID, srcVolumeID, dstVolumeID and optionally groupCloneID."""

    def __init__(self, seed: int, handle: int, next_slice_id):
        self.seed = seed
        self.handle = handle
        self.next_slice_id = next_slice_id
        self.clones: list[Clone] = []

    def add(self, total_bytes: int, **ids) -> None:
        """Add one clone of total_bytes, split over 2 or 3 slices."""
        rng = random.Random(f"{self.seed}/{self.handle}/{len(self.clones)}")
        count = rng.choice((2, 3))
        weights = [rng.uniform(0.5, 1.5) for _index in range(count)]
        shares = [int(total_bytes * w / sum(weights)) for w in weights]
        shares[-1] = total_bytes - sum(shares[:-1])
        fractions = sorted(rng.uniform(0.8, 0.97) for _index in range(count - 1)) + [1.0]
        slices = []
        for share, fraction in zip(shares, fractions):
            slice_id = self.next_slice_id()
            slices.append(Slice(slice_id, share, fraction, random.Random(f"{self.seed}/{self.handle}/{slice_id}")))
        self.clones.append(Clone(dict(ids), slices))

    def entries(self, elapsed: float, seconds: float | None, noise: float) -> list:
        """Entries of the slices not yet done, elapsed simulated seconds after the job started."""
        out = []
        for clone in self.clones:
            for part in clone.slices:
                entry = _entry(clone, part, elapsed, seconds, noise)
                if entry is not None:
                    out.append(entry)
        return out


def _entry(clone: Clone, part: Slice, elapsed: float, seconds: float | None, noise: float) -> dict | None:
    endless = seconds is None
    duration = (NOMINAL_SECONDS if endless else seconds) * part.fraction
    if not endless and elapsed >= duration:
        return None
    done = elapsed / duration if duration > 0 else 1.0
    if endless:
        done = min(done, 0.9999)
    current = min(part.total_bytes, int(part.total_bytes * done))
    rate = part.total_bytes / duration if duration > 0 else float(part.total_bytes)
    entry = {
        "bytesPerSecond": round(rate, 1), "cloneID": clone.ids["cloneID"], "currentBytes": current,
        "dstServiceID": part.dst_service, "dstVolumeID": clone.ids["dstVolumeID"], "elapsedTime": round(elapsed, 2),
        "nodeID": NODE_ID, "percentComplete": round(100.0 * current / part.total_bytes, 2) if part.total_bytes else 0.0,
        "sliceID": part.slice_id, "srcServiceID": part.src_service, "srcVolumeID": clone.ids["srcVolumeID"],
        "stage": "whole", "totalBytes": part.total_bytes, "type": "clone",
    }
    if "groupCloneID" in clone.ids:
        entry["groupCloneID"] = clone.ids["groupCloneID"]
    remaining = part.estimate(max(0.0, duration - elapsed), noise)
    if remaining is not None:
        entry["remainingTime"] = remaining
    return entry
