"""Where a chaos run plays its scenarios: one after another in this process
(`InProcess`), or N at a time in worker processes (`Workers`, for --jobs N).

Both give each scenario's run in file order from `results()`, and both can be
stopped by a signal: `stop(interrupted)` gives the runs it cut short (and any
finished but not yet given), and nothing queued is started after it.

Workers are spawned, not forked (toxiproxy-python keeps its server address
class-wide, so hops cannot share a process). On a signal each worker is sent
the same one: it stops its app and everything the app started, sends back its
partial run and exits. A worker that does not, within the grace period, is
killed, and what carries the run's mark in its environment after that (its
app, the app's children) is stopped too. A worker also dies with its parent.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from harness.chaos import interrupt, process_tree
from harness.chaos.interrupt import Interrupted
from harness.errors import HarnessError, InputError

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from harness.chaos.runner import ScenarioRun
    from harness.chaos.scenario import Scenario

Progress = Callable[[str], None]


def _reply_seconds() -> float:
    """How long a stopped worker has to stop its app and send back its last run."""
    return process_tree.grace_seconds() + process_tree.KILL_WAIT_SECONDS + 5.0


class InProcess:
    """Scenarios one after another, here."""

    def __init__(self, scenarios: Sequence[Scenario], toxiproxy_url: str | None) -> None:
        self.scenarios, self.toxiproxy_url = scenarios, toxiproxy_url
        self.started = 0

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    def results(self, progress: Progress) -> Iterator[ScenarioRun]:
        from harness.chaos import runner

        for item in self.scenarios:
            self.started += 1
            progress(f"[bold]{item.name}[/] starting…")
            yield runner.run(item, toxiproxy_url=self.toxiproxy_url, progress=progress)

    def stop(self, stopped: Interrupted) -> list[ScenarioRun]:
        return list(stopped.runs)

    def not_run(self) -> list[Scenario]:
        return list(self.scenarios[self.started :])


class Workers:
    """Scenarios N at a time, each in a worker process; `with Workers(...) as workers:`."""

    def __init__(self, scenarios: Sequence[Scenario], toxiproxy_url: str | None, jobs: int) -> None:
        self.scenarios, self.toxiproxy_url = scenarios, toxiproxy_url
        self.jobs = max(1, min(jobs, len(scenarios)))
        self.mark = uuid.uuid4().hex  # in every worker's environment, and so in their apps'
        self.queue: deque[int] = deque(range(len(scenarios)))
        self.busy: dict[Connection, int] = {}  # worker connection -> index of the scenario it runs
        self.done: dict[int, ScenarioRun] = {}
        self.given = 0  # results given out, in file order
        self.processes: dict[Connection, BaseProcess] = {}
        self.skipped: list[int] = []  # queued when the run was stopped
        self.lost: list[int] = []  # cut short, with no run sent back

    def __enter__(self) -> Workers:
        context = multiprocessing.get_context("spawn")
        saved = os.environ.get(process_tree.RUN_MARK)
        os.environ[process_tree.RUN_MARK] = self.mark
        try:
            for _ in range(self.jobs):
                ours, theirs = context.Pipe()
                process = context.Process(
                    target=serve, args=(theirs, self.toxiproxy_url, os.getpid()), name="harness chaos worker"
                )
                with interrupt.held():
                    process.start()
                    self.processes[ours] = process
                theirs.close()
        except BaseException:
            self._end(signal.SIGTERM)
            raise
        finally:
            if saved is None:
                os.environ.pop(process_tree.RUN_MARK, None)
            else:
                os.environ[process_tree.RUN_MARK] = saved
        return self

    def __exit__(self, *exc: Any) -> None:
        self._end(signal.SIGTERM if exc[0] is not None else None)

    def results(self, progress: Progress) -> Iterator[ScenarioRun]:
        progress(f"running {len(self.scenarios)} scenarios, {self.jobs} at a time…")
        for conn in self.processes:
            self._give(conn)
        while self.given < len(self.scenarios):
            while self.given in self.done:
                yield self.done.pop(self.given)
                self.given += 1
            if self.given >= len(self.scenarios):
                break
            self._receive(wait([*self.busy, *(self.processes[c].sentinel for c in self.busy)]))

    def stop(self, stopped: Interrupted) -> list[ScenarioRun]:
        """Send each worker the signal, gather what the busy ones ran, and end them all."""
        from harness.chaos.runner import cut_short

        self.skipped = list(self.queue)
        self.queue.clear()
        for process in self.processes.values():
            _kill(process, stopped.signum)
        deadline = time.monotonic() + _reply_seconds()
        while self.busy and time.monotonic() < deadline:
            ready = wait([*self.busy, *(self.processes[c].sentinel for c in self.busy)], deadline - time.monotonic())
            self._receive(ready, stopping=True)
        for index in [*self.busy.values(), *self.lost]:  # no answer: the worker went, or was too slow
            self.done[index] = cut_short(self.scenarios[index], stopped, "its worker did not send back what it ran")
        self._end(signal.SIGKILL)
        runs = [self.done[i] for i in sorted(self.done) if i >= self.given]
        self.done.clear()
        return runs

    def not_run(self) -> list[Scenario]:
        return [self.scenarios[i] for i in self.skipped]

    def _give(self, conn: Connection) -> None:
        if not self.queue:
            return
        index = self.queue.popleft()
        with interrupt.held():  # a message cut in half would wedge the worker
            conn.send((index, self.scenarios[index]))
            self.busy[conn] = index

    def _receive(self, ready: list[Any], stopping: bool = False) -> None:
        from harness.chaos.runner import cut_short

        for conn in list(self.busy):
            process = self.processes[conn]
            if conn not in ready and process.sentinel not in ready:
                continue
            index = self.busy.pop(conn)
            kind: str = "died"
            value: Any = None
            try:
                with interrupt.held():
                    if conn.poll():
                        kind, value = conn.recv()
            except (EOFError, OSError):
                pass
            if kind == "interrupted":
                signum, run = value
                self.done[index] = run or cut_short(self.scenarios[index], Interrupted(signum), "before it began")
                if not stopping:  # a worker was signalled on its own: the run stops with it
                    raise interrupt.stopped_by(signum)
            elif kind == "done":
                self.done[index] = value
                if not stopping:
                    self._give(conn)
            elif stopping:
                self.lost.append(index)  # its app, if it was left running, is swept by the mark
            elif kind == "died":
                process.join(1)
                from harness.chaos.app import ending

                how = ending(process.exitcode) if process.exitcode is not None else "stopped answering"
                raise HarnessError(f"the worker running {self.scenarios[index].source} {how}")
            elif kind == "input":
                raise InputError(str(value))
            else:
                raise HarnessError(f"the worker running {self.scenarios[index].source} failed:\n{value}")

    def _end(self, signum: int | None) -> None:
        """Every worker gone: asked to finish, or sent `signum`, then killed after a while;
        then whatever carries the run's mark."""
        with interrupt.held():  # a signal now waits until the workers are gone
            self._end_all(signum)

    def _end_all(self, signum: int | None) -> None:
        for conn, process in self.processes.items():
            if signum is None:
                try:
                    conn.send(None)
                except OSError:
                    pass
            else:
                _kill(process, signum)
        for process in self.processes.values():
            process.join(_reply_seconds() if signum != signal.SIGKILL else process_tree.KILL_WAIT_SECONDS)
            if process.is_alive():
                _kill(process, signal.SIGKILL)
                process.join(process_tree.KILL_WAIT_SECONDS)
        for conn in self.processes:
            conn.close()
        self.processes.clear()
        self.busy.clear()
        process_tree.stop(None, (process_tree.RUN_MARK, self.mark))


def _kill(process: BaseProcess, signum: int) -> None:
    if process.pid is not None and process.is_alive():
        try:
            os.kill(process.pid, signum)
        except ProcessLookupError:
            pass


def _die_with(parent: int) -> None:
    """SIGTERM this worker when the process that started it dies, even by SIGKILL (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


def serve(conn: Connection, toxiproxy_url: str | None, parent: int) -> None:
    """A worker's life: run each scenario it is sent until told to finish (None) or stopped."""
    from harness.chaos import runner

    with interrupt.stop_on_signals():
        try:
            _die_with(parent)
            while True:
                item = conn.recv()
                if item is None:
                    return
                _, scenario = item
                try:
                    reply: tuple[str, Any] = ("done", runner.run(scenario, toxiproxy_url=toxiproxy_url))
                except Interrupted as stopped:
                    with interrupt.held():
                        conn.send(("interrupted", (stopped.signum, stopped.runs[0] if stopped.runs else None)))
                    return
                except InputError as exc:
                    reply = ("input", str(exc))
                except HarnessError as exc:
                    reply = ("error", str(exc))
                except Exception:
                    reply = ("error", traceback.format_exc())
                with interrupt.held():
                    conn.send(reply)
        except Interrupted:
            return  # stopped between scenarios
        except (EOFError, OSError):
            return  # the run went away
