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
from collections.abc import Callable, Iterable
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


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state letter, parent pid, start time) of a process, or None when it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    fields = text[text.rfind(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


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


def descendants(root: int) -> set[int]:
    """The children of `root`, their children, and so on."""
    children: dict[int, list[int]] = {}
    for pid in _pids():
        stat = _stat(pid)
        if stat is not None:
            children.setdefault(stat[1], []).append(pid)
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def marked(name: str, value: str) -> set[int]:
    """Processes whose environment holds `name=value` (only our own user's are readable)."""
    needle = f"{name}={value}".encode()
    found = set()
    for pid in _pids():
        try:
            environ = (PROC / str(pid) / "environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            found.add(pid)
    return found


Member = tuple[int, int]  # (pid, start time): a pid used again later is another process


def _identity(pid: int) -> Member | None:
    if not PROC.is_dir():
        return (pid, 0) if alive(pid) else None
    stat = _stat(pid)
    return (pid, stat[2]) if stat is not None and stat[0] not in ("Z", "X") else None


def _still(member: Member) -> bool:
    return _identity(member[0]) == member


def members(root: int | None, mark: tuple[str, str] | None) -> set[Member]:
    """The live processes of an app: `root` and its descendants, and whatever carries `mark`."""
    found: set[int] = set()
    if root is not None and alive(root):
        found |= {root} | descendants(root)
    if mark is not None:
        found |= marked(*mark)
    found.discard(os.getpid())
    return {m for m in map(_identity, found) if m is not None}


def _signal(found: Iterable[Member], signum: int) -> None:
    for pid, _ in found:
        try:
            os.kill(pid, signum)
        except (ProcessLookupError, PermissionError):
            pass


def _wait_gone(find: Callable[[], set[Member]], seconds: float) -> set[Member]:
    """Poll until `find()` is empty or `seconds` pass; what is left."""
    deadline = time.monotonic() + seconds
    left = find()
    while left and time.monotonic() < deadline:
        time.sleep(0.02)
        left = find()
    return left


def stop(root: int | None, mark: tuple[str, str] | None, grace: float | None = None) -> set[Member]:
    """SIGTERM the app's group and every member, SIGKILL what is left after `grace`
    seconds (members found anew: some start children while shutting down).
    Returns the (pid, start time) of those still there after the SIGKILL (normally none)."""
    grace = grace_seconds() if grace is None else grace
    seen = members(root, mark)

    def left() -> set[Member]:
        return {m for m in seen if _still(m)} | members(root, mark)

    if root is not None:
        try:
            os.killpg(root, signal.SIGTERM)  # the app's group: reaches members /proc cannot list
        except (ProcessLookupError, PermissionError):
            pass
    _signal(seen, signal.SIGTERM)
    remaining = _wait_gone(left, grace)
    if not remaining:
        return set()
    if root is not None:
        try:
            os.killpg(root, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for _ in range(3):  # a member may fork between the scan and the kill
        seen |= remaining
        _signal(remaining, signal.SIGKILL)
        remaining = _wait_gone(left, KILL_WAIT_SECONDS / 3)
        if not remaining:
            break
    return remaining
