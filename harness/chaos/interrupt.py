"""SIGINT and SIGTERM as an exception a chaos run can stop on.

`with stop_on_signals():` turns the first SIGINT or SIGTERM into `Interrupted`,
raised in the main thread wherever it is (a blocking call included), so the
code on the way out stops the apps and writes the reports. Later signals are
noted and ignored: the cleanup they would cut short is what stops the apps.

`held()` puts the exception off while a child process is being started, so no
app starts without being recorded for stopping; it is raised on leaving.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """The run was told to stop. A BaseException, like KeyboardInterrupt, so that no
    `except Exception` on the way swallows it. `runs` holds the scenario runs it cut short
    (`harness.chaos.runner.ScenarioRun`), added by the runner on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.runs: list[Any] = []

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        """128 + the signal, as a shell reports a process the signal ended: 130, 143."""
        return 128 + self.signum

    def __str__(self) -> str:
        return f"interrupted by {self.name}"


class _State:
    def __init__(self) -> None:
        self.installed = 0
        self.received: int | None = None
        self.raised = False
        self.held = 0


_state = _State()


def _handler(signum: int, frame: FrameType | None) -> None:
    if _state.received is not None:
        return  # already stopping
    _state.received = signum
    if not _state.held:
        _state.raised = True
        raise Interrupted(signum)


def stopped_by(signum: int) -> Interrupted:
    """`Interrupted` for a signal heard elsewhere (a worker's): the run stops as if it had
    been sent here, and signals that follow are ignored the same way."""
    if _state.received is None:
        _state.received, _state.raised = signum, True
    return Interrupted(signum)


def received() -> int | None:
    """The signal that asked the run to stop, if one did."""
    return _state.received


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Raise `Interrupted` on the first SIGINT or SIGTERM while inside; the old handlers
    come back on the way out. Outside the main thread it does nothing (Python delivers
    signals there only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _handler) for s in SIGNALS}
    if not _state.installed:
        _state.received, _state.raised = None, False
    _state.installed += 1
    try:
        yield
    finally:
        _state.installed -= 1
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextmanager
def held() -> Iterator[None]:
    """No `Interrupted` inside; one that arrived meanwhile is raised on leaving."""
    _state.held += 1
    try:
        yield
    finally:
        _state.held -= 1
    if not _state.held and _state.received is not None and not _state.raised and _state.installed:
        _state.raised = True
        raise Interrupted(_state.received)
