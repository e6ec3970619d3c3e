"""Work on many files shared with forked copies of this process, results in the files' order.

The items are cut into contiguous batches of about equal weight (bytes, say); this process
does the first batch while each forked child does one of the others and sends its result
back pickled through a pipe. Only where it pays and is safe: a CPU that nothing else is
running on, enough work, fork available, and no other thread (a fork copies only the thread
that calls it, and any lock another thread held stays held in the child).

A child that fails in any way sends no result, and this process then does that batch itself:
an error is raised here, by the same code on the same data, exactly as it would be without
children (and the first batch's error comes first, as the items' order says).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R")

MAX_WORKERS = 4  # this process and three children: reading files stops scaling past that
# Less weight than this per process is not worth a fork (a fork of a process holding the
# harness costs about 5 ms, and a batch's pickle and unpickle about 10 ms a megabyte).
MIN_WEIGHT_PER_WORKER = 2_000_000


def cpus() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def workers(total_weight: int) -> int:
    """How many processes (this one included) should share work of this weight: 1 for no fork."""
    if not hasattr(os, "fork") or sys.platform != "linux" or threading.active_count() > 1:
        return 1
    wanted = min(cpus(), MAX_WORKERS, total_weight // MIN_WEIGHT_PER_WORKER)
    if wanted < 2:
        return 1
    # A child helps only on a CPU nothing else is using: where every CPU is busy it takes turns
    # with this process, and the fork and the pickling are paid for nothing (measured: slower).
    return max(1, min(wanted, cpus() - others_running()))


def others_running() -> int:
    """How many other threads are running or ready to run right now, by the kernel's count."""
    try:
        with open("/proc/loadavg") as file:
            running = int(file.read().split()[3].partition("/")[0])
    except (OSError, ValueError, IndexError):
        return 0
    return max(0, running - 1)  # this process is running: it is reading the file


def batches(items: Sequence[_T], weights: Sequence[int], count: int, first: float = 1.0) -> list[list[_T]]:
    """`items` cut into at most `count` contiguous, non-empty batches of about equal weight, the
    first `first` times the weight of each other one (this process's: less when it has other work)."""
    total = sum(weights)
    shares = first + count - 1
    out: list[list[_T]] = [[]]
    done = 0
    for item, weight in zip(items, weights, strict=True):
        # A new batch starts once the batches so far hold their shares of the total.
        if out[-1] and len(out) < count and done >= total * (first + len(out) - 1) / shares:
            out.append([])
        out[-1].append(item)
        done += weight
    return out


class Started(Generic[_T, _R]):
    """`[work(batch) for batch in ...]` over contiguous batches of `items`, begun: the later batches
    are done by forked children when `workers` says so, each result crossing as `pack(result)`
    (which must pickle) and made whole again by `unpack`. `results` does the first batch and
    gathers theirs; in between, this process may do other work (`first` < 1 leaves it less
    to read). `stop` ends the children when the results are no longer wanted."""

    def __init__(
        self,
        work: Callable[[list[_T]], _R],
        items: Sequence[_T],
        weights: Sequence[int],
        *,
        pack: Callable[[_R], Any],
        unpack: Callable[[Any], _R],
        first: float = 1.0,
    ) -> None:
        self.work, self.unpack = work, unpack
        count = workers(sum(weights))
        self.parts = batches(items, weights, count, first if count > 1 else 1.0)
        self.children: list[tuple[int, int] | None] = []
        try:
            for batch in self.parts[1:]:
                self.children.append(_fork(work, batch, pack))
        except BaseException:
            self.stop()
            raise

    def results(self) -> list[_R]:
        return list(self.each())

    def each(self, while_waiting: Callable[[], object] | None = None) -> Iterator[_R]:
        """Each batch's result as soon as it is there, in order: the caller can work on the first
        while the children finish theirs. `while_waiting` is called once, before this process
        first waits for a child: work it would do later anyway, in time otherwise spent idle (an
        error in it is ignored here; the caller meets it again when it does that work)."""
        try:
            yield self.work(self.parts[0])
            for batch in self.parts[1:]:
                child, self.children = self.children[0], self.children[1:]
                if child and while_waiting is not None:
                    with contextlib.suppress(Exception):  # the caller does it again later, and meets it then
                        while_waiting()
                    while_waiting = None
                sent = _collect(*child) if child else []
                yield self.unpack(sent[0]) if sent else self.work(batch)
        finally:
            self.stop()

    def stop(self) -> None:
        children, self.children = self.children, []
        for child in filter(None, children):
            _stop(*child)


def _fork(work: Callable[[list[_T]], _R], batch: list[_T], pack: Callable[[_R], Any]) -> tuple[int, int] | None:
    """A child doing `batch`: its pid and the pipe to read its result from; None when the system
    refuses another process (this process then does the batch)."""
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the child: never returns, never runs this process's exit handlers or flushes
        status = 1
        try:
            os.close(reader)
            data = pickle.dumps(pack(work(batch)), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(writer)
    return pid, reader


def _collect(pid: int, reader: int) -> list[Any]:
    """What the child sent, in a list of one; an empty list when it failed."""
    try:
        with os.fdopen(reader, "rb") as pipe:
            data = pipe.read()
    except BaseException:
        _stop(pid, None)
        raise
    _, status = os.waitpid(pid, 0)
    return [pickle.loads(data)] if status == 0 else []


def _stop(pid: int, reader: int | None) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if reader is not None:
        os.close(reader)
    os.waitpid(pid, 0)
