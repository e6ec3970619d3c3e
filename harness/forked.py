"""Work on many files shared with forked copies of this process, results in the files' order.

The items are cut into contiguous batches of about equal weight (bytes, say); this process
does the first batch while each forked child does one of the others, in pieces, and sends
each piece's result back as bytes as soon as it is done. Only where it pays and is safe: a
CPU that nothing else is running on, enough work, fork available, and no other thread (a fork
copies only the thread that calls it, and any lock another thread held stays held in the child).

A child that fails in any way sends no more results, and this process then does the rest itself:
an error is raised here, by the same code on the same data, exactly as it would be without
children (and the first batch's error comes first, as the items' order says).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import struct
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R")

MAX_WORKERS = 4  # this process and three children: reading files stops scaling past that
# Less weight than this per process is not worth a fork (a fork of a process holding the
# harness costs about 5 ms, and packing and unpacking a batch about 10 ms a megabyte).
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
    # with this process, and the fork and the packing are paid for nothing (measured: slower).
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
    (bytes) and made whole again by `unpack`. `results` does the first batch and
    gathers theirs; in between, this process may do other work (`first` < 1 leaves it less
    to read; a function of the number of processes and the total weight gives it for them).
    `stop` ends the children when the results are no longer wanted.

    A child's batch is done in pieces of about `PIECE_WEIGHT`, each sent as soon as it is done:
    this process works on a child's first pieces while the child does the rest, instead of
    waiting for all of it and then working alone while the child sits idle."""

    def __init__(
        self,
        work: Callable[[list[_T]], _R],
        items: Sequence[_T],
        weights: Sequence[int],
        *,
        pack: Callable[[_R], bytes],
        unpack: Callable[[bytes], _R],
        first: float | Callable[[int, int], float] = 1.0,
    ) -> None:
        self.work, self.unpack = work, unpack
        total = sum(weights)
        count = workers(total)
        ratio = 1.0 if count == 1 else first(count, total) if callable(first) else first
        parts = batches(range(len(items)), weights, count, ratio)
        self.first = [items[i] for i in parts[0]]
        # Each child's batch, in the pieces it sends them in.
        self.later = [_pieces([items[i] for i in batch], [weights[i] for i in batch]) for batch in parts[1:]]
        self.children: list[_Child | None] = []
        try:
            for pieces in self.later:
                self.children.append(_fork(work, pieces, pack))
        except BaseException:
            self.stop()
            raise

    def results(self) -> list[_R]:
        return list(self.each())

    def each(self, while_waiting: Callable[[], object] | None = None) -> Iterator[_R]:
        """Each result as soon as it is there, in order (this process's batch, then each child's
        pieces): the caller can work on one while the children do the rest. `while_waiting` is
        called once, the first time this process would wait for a child: work it would do later
        anyway, in time otherwise spent idle (an error in it is ignored here; the caller meets it
        again when it does that work)."""
        try:
            yield self.work(self.first)
            for pieces in self.later:
                child, self.children = self.children[0], self.children[1:]
                for piece in pieces:
                    if child is not None and while_waiting is not None and not child.ready():
                        with contextlib.suppress(Exception):  # the caller does it again later, and meets it then
                            while_waiting()
                        while_waiting = None
                    sent = child.next() if child is not None else None
                    if sent is None and child is not None:  # it failed or died: the rest is done here
                        child.stop()
                        child = None
                    yield self.unpack(sent) if sent is not None else self.work(piece)
                if child is not None:
                    child.stop()
        finally:
            self.stop()

    def stop(self) -> None:
        children, self.children = self.children, []
        for child in filter(None, children):
            child.stop()


# A child sends each piece of its batch once it is done; a piece is at least this heavy
# (bytes, say), and a batch is cut in at most MAX_PIECES.
PIECE_WEIGHT = 1_000_000
MAX_PIECES = 8


def _pieces(batch: list[_T], weights: list[int]) -> list[list[_T]]:
    count = max(1, min(MAX_PIECES, sum(weights) // PIECE_WEIGHT))
    return batches(batch, weights, count)


# Where a child says a piece is in its store: (offset, length), 16 bytes, which a pipe
# takes in one piece (below PIPE_BUF), so a reader never sees half of one.
_WHERE = struct.Struct("<QQ")


class _Child:
    """A forked child doing pieces of work: each result is written to `store` (memory shared
    with this process) and its place sent through the pipe, so the child never waits for this
    process to read it, however long that takes."""

    def __init__(self, pid: int, reader: int, store: int) -> None:
        self.pid, self.reader, self.store = pid, reader, store
        self.ended = False

    def ready(self) -> bool:
        """Whether the next piece (or the child's end) can be read without waiting."""
        return bool(select.select([self.reader], [], [], 0)[0])

    def next(self) -> bytes | None:
        """The next piece's result; None once the child has ended without it."""
        try:
            where = _read_exactly(self.reader, _WHERE.size)
            if len(where) < _WHERE.size:
                return None  # the child ended: it failed, or was killed
            offset, length = _WHERE.unpack(where)
            data = _read_exactly(self.store, length, offset)
            return data if len(data) == length else None
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.ended:
            return
        self.ended = True
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(self.reader)
        os.close(self.store)
        os.waitpid(self.pid, 0)


def _read_exactly(fd: int, length: int, offset: int | None = None) -> bytes:
    """Up to `length` bytes: fewer only where the pipe or file ends first."""
    chunks, got = [], 0
    while got < length:
        chunk = os.read(fd, length - got) if offset is None else os.pread(fd, length - got, offset + got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _store() -> int:
    """A file in memory, shared with a child forked after it is made."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("harness-forked")
    import tempfile  # only where there is no memfd_create

    handle, path = tempfile.mkstemp(prefix="harness-forked-")
    os.unlink(path)
    return handle


def _fork(work: Callable[[list[_T]], _R], pieces: list[list[_T]], pack: Callable[[_R], bytes]) -> _Child | None:
    """A child doing `pieces` in order; None when the system refuses another process (this
    process then does them)."""
    try:
        store = _store()
    except OSError:
        return None
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (reader, writer, store):
            os.close(fd)
        return None
    if pid == 0:  # the child: never returns, never runs this process's exit handlers or flushes
        status = 1
        try:
            os.close(reader)
            offset = 0
            for piece in pieces:
                data = pack(work(piece))
                written = 0
                while written < len(data):
                    written += os.pwrite(store, memoryview(data)[written:], offset + written)
                os.write(writer, _WHERE.pack(offset, len(data)))
                offset += len(data)
            status = 0
        finally:
            os._exit(status)
    os.close(writer)
    return _Child(pid, reader, store)
