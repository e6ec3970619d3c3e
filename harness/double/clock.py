"""Clocks a double runs on: the real one, or a virtual one that tests move.

Handlers and jobs read time only through `State.clock.now()`, so a 90-day
sunset or a video job runs in no real time when the clock is virtual.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol, runtime_checkable

DAY = 86_400.0
# 2026-01-01T00:00:00Z: a fixed default start so answers repeat run to run.
DEFAULT_START = 1_767_225_600.0


@runtime_checkable
class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""
        ...


class RealClock:
    def now(self) -> float:
        return time.time()

    def __repr__(self) -> str:
        return "RealClock()"


class VirtualClock:
    """A clock that moves only when told to. Safe to read and move from any thread."""

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float = 0, days: float = 0) -> float:
        """Move forward; returns the new time. Time never goes backwards here."""
        step = float(seconds) + float(days) * DAY
        if step < 0:
            raise ValueError(f"a virtual clock only moves forward; got {step} seconds")
        with self._lock:
            self._now += step
            return self._now

    def set(self, epoch: float) -> float:
        """Jump to `epoch` (either way: tests may rewind to replay a timeline)."""
        with self._lock:
            self._now = float(epoch)
            return self._now

    def __repr__(self) -> str:
        return f"VirtualClock(now={self.now()!r})"


class FlowingClock(VirtualClock):
    """A virtual clock that also runs at real speed between jumps.

    Scenarios jump it to each step's virtual day; within a step, an app's own
    polling and retries take real seconds, and jobs and retry-after waits on
    the doubles must see those seconds pass.
    """

    def __init__(self, start: float = DEFAULT_START) -> None:
        super().__init__(start)
        self._mark = time.monotonic()

    def now(self) -> float:
        with self._lock:
            return self._now + (time.monotonic() - self._mark)

    def advance(self, seconds: float = 0, days: float = 0) -> float:
        return self.set(self.now() + float(seconds) + float(days) * DAY)

    def set(self, epoch: float) -> float:
        with self._lock:
            self._now, self._mark = float(epoch), time.monotonic()
            return self._now

    def __repr__(self) -> str:
        return f"FlowingClock(now={self.now()!r})"
