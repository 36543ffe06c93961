"""The call log: every non-Sim request that reached the simulator (SimCallLog)."""
from __future__ import annotations

import threading

from . import clock


class CallLog:
    """Thread-safe, append-only until cleared."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls: list[dict] = []
        self.seq = 0

    def record(self, **entry) -> None:
        """Append one entry (seq, time and wallTime are added here)."""
        with self.lock:
            self.seq += 1
            row = {"seq": self.seq, "time": clock.mono(), "wallTime": clock.iso_now()}
            row.update(entry)
            self.calls.append(row)

    def read(self, *, clear: bool = False) -> list:
        """All entries so far; clear empties the log after reading."""
        with self.lock:
            calls = list(self.calls)
            if clear:
                self.calls = []
            return calls

    def reset(self) -> None:
        """Empty the log and restart numbering."""
        with self.lock:
            self.calls = []
            self.seq = 0
