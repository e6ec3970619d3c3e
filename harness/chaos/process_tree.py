"""Every process an app started, and stopping them all: SIGTERM, a grace period, SIGKILL.

An app runs in a session of its own, but what it starts may leave it: a
`setsid` child has a group and a session of its own, and a daemon that forks
twice is handed to init when its parent exits. Two things find them anyway,
read from /proc: the tree of children under the app, and a mark in the
environment (`HARNESS_APP_MARK`, unique per app) that every descendant
inherits unless it clears its environment. A run has a mark too
(`HARNESS_RUN_MARK`), carried by its worker processes and their apps, to sweep
up after a worker that could not stop its own.

Without /proc (not Linux) only the app's process group is reached.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable
from pathlib import Path

from harness.errors import InputError

APP_MARK = "HARNESS_APP_MARK"
RUN_MARK = "HARNESS_RUN_MARK"
GRACE_VARIABLE = "HARNESS_STOP_GRACE"
PROC = Path("/proc")
GRACE_SECONDS = 5.0  # between SIGTERM and SIGKILL, as much as a well-behaved app needs to shut down
KILL_WAIT_SECONDS = 5.0  # for SIGKILLed processes to be gone


def grace_seconds() -> float:
    """Seconds between SIGTERM and SIGKILL: $HARNESS_STOP_GRACE, else 5."""
    text = os.environ.get(GRACE_VARIABLE)
    if text is None:
        return GRACE_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:  # NaN fails this too
        raise InputError(f"${GRACE_VARIABLE} must be a number of seconds from 0 to 3600, not {text!r}")
    return value


def _read(path: str) -> bytes | None:
    """A /proc file's bytes (os.read: a fraction of what open().read() costs, for hundreds of files)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state letter, parent pid, start time) of a process, or None when it is gone."""
    data = _read(f"/proc/{pid}/stat")
    if not data:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    fields = data[data.rfind(b")") + 2 :].split()
    return fields[0].decode(), int(fields[1]), int(fields[19])


def _pids() -> list[int]:
    try:
        return [int(name) for name in os.listdir(PROC) if name.isdigit()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    """Running (a zombie has finished: only its parent's wait is missing)."""
    if PROC.is_dir():
        stat = _stat(pid)
        return stat is not None and stat[0] not in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def marked(name: str, value: str) -> set[int]:
    """Processes whose environment holds `name=value` (only our own user's are readable)."""
    needle = f"{name}={value}".encode()
    return {pid for pid in _pids() if needle in (_read(f"/proc/{pid}/environ") or b"").split(b"\0")}


Member = tuple[int, int]  # (pid, start time): a pid used again later is another process


def members(root: int | None, mark: tuple[str, str] | None) -> set[Member]:
    """The live processes of an app, in one pass over /proc: `root` and its descendants, and
    whatever carries `mark` in its environment."""
    if not PROC.is_dir():
        return {(root, 0)} if root is not None and alive(root) else set()
    needle = f"{mark[0]}={mark[1]}".encode() if mark is not None else None
    stats: dict[int, tuple[str, int, int]] = {}
    children: dict[int, list[int]] = {}
    found: set[int] = set()
    for pid in _pids():
        stat = _stat(pid)
        if stat is None:
            continue
        stats[pid] = stat
        children.setdefault(stat[1], []).append(pid)
        if needle is not None and needle in (_read(f"/proc/{pid}/environ") or b"").split(b"\0"):
            found.add(pid)
    if root is not None and root in stats:
        todo = [root]
        found.add(root)
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    found.discard(os.getpid())
    return {(pid, stats[pid][2]) for pid in found if pid in stats and stats[pid][0] not in ("Z", "X")}


def _still(member: Member) -> bool:
    if not PROC.is_dir():
        return alive(member[0])
    stat = _stat(member[0])
    return stat is not None and stat[0] not in ("Z", "X") and stat[2] == member[1]


def _signal(found: Iterable[Member], signum: int) -> None:
    for pid, _ in found:
        try:
            os.kill(pid, signum)
        except (ProcessLookupError, PermissionError):
            pass


def _killpg(root: int | None, signum: int) -> None:
    """The app's group: it reaches members /proc cannot list."""
    if root is not None:
        try:
            os.killpg(root, signum)
        except (ProcessLookupError, PermissionError):
            pass


def _wait_gone(found: set[Member], deadline: float) -> set[Member]:
    """Poll `found` (cheap: their stat files only) until all are gone or the deadline passes."""
    left = {m for m in found if _still(m)}
    while left and time.monotonic() < deadline:
        time.sleep(0.02)
        left = {m for m in left if _still(m)}
    return left


def stop(root: int | None, mark: tuple[str, str] | None, grace: float | None = None) -> set[Member]:
    """SIGTERM the app's group and every member, SIGKILL what is left after `grace`
    seconds (members are looked for again: some start children while shutting down).
    Returns the (pid, start time) of those still there after the SIGKILL (normally none)."""
    deadline = time.monotonic() + (grace_seconds() if grace is None else grace)
    seen = members(root, mark)
    _killpg(root, signal.SIGTERM)
    _signal(seen, signal.SIGTERM)
    remaining = _wait_gone(seen, deadline)
    while not remaining:  # all that was seen is gone: anything new?
        new = members(root, mark) - seen
        if not new:
            return set()
        seen |= new
        _signal(new, signal.SIGTERM)
        if time.monotonic() >= deadline:  # it keeps starting processes: no more grace
            remaining = new
            break
        remaining = _wait_gone(new, deadline)
    _killpg(root, signal.SIGKILL)
    for _ in range(3):  # a member may fork between the scan and the kill
        remaining |= members(root, mark)
        _signal(remaining, signal.SIGKILL)
        remaining = _wait_gone(remaining, time.monotonic() + KILL_WAIT_SECONDS / 3)
        if not remaining and not members(root, mark):
            return set()
    return remaining
