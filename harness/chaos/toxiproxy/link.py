"""One direction of one connection: read the source, run each chunk through the
toxic chain, write the destination (Toxiproxy's ToxicLink).

The reader runs on its own so every chunk is stamped when it arrives; the pump
takes chunks in order and walks them through the chain. Toxics added, changed
or removed while the connection is open apply to the next chunk, as in
Toxiproxy: an app's pooled keep-alive connection feels a fault as soon as it
is switched on.
"""

from __future__ import annotations

import asyncio
from random import Random
from typing import TYPE_CHECKING

from harness.chaos.toxiproxy.stream import Chunk, Direction
from harness.chaos.toxiproxy.toxic import Toxic, ToxicSpec, ToxicStub

if TYPE_CHECKING:
    from harness.chaos.toxiproxy.connection import Connection

READ_SIZE = 32 * 1024
QUEUED_CHUNKS = 8  # read ahead at most this many chunks, then let TCP push back


class Link:
    def __init__(
        self,
        connection: Connection,
        direction: Direction,
        source: asyncio.StreamReader,
        dest: asyncio.StreamWriter,
        rng: Random,
    ) -> None:
        self.connection = connection
        self.direction = direction
        self.rng = rng
        self.stubs: list[ToxicStub] = []
        self._source = source
        self._dest = dest
        self._queue: asyncio.Queue[Chunk | None] = asyncio.Queue(QUEUED_CHUNKS)
        self._loop = asyncio.get_running_loop()
        self._closing = False
        self._ended = False
        self._pump_idle = False
        self._reader: asyncio.Task[None] | None = None
        self._pump: asyncio.Task[None] | None = None

    # -- the chain --------------------------------------------------------------

    def attach(self, spec: ToxicSpec) -> None:
        # Toxicity is drawn once per toxic and connection, from the connection's seeded RNG.
        stub = ToxicStub(spec, self, active=self.rng.random() < spec.toxicity)
        self.stubs.append(stub)
        if stub.active:
            spec.toxic.attached(stub)

    def replace(self, spec: ToxicSpec) -> None:
        """New attributes or toxicity for a toxic already here; its per-connection state carries over."""
        for index, old in enumerate(self.stubs):
            if old.spec.name == spec.name:
                old.retire()
                same_kind = type(old.toxic) is type(spec.toxic)
                stub = ToxicStub(
                    spec, self, active=self.rng.random() < spec.toxicity, state=old.state if same_kind else None
                )
                self.stubs[index] = stub
                if stub.active:
                    spec.toxic.attached(stub)
                return

    def detach(self, name: str) -> None:
        for stub in self.stubs:
            if stub.spec.name == name:
                self.stubs.remove(stub)
                stub.retire()
                if stub.active and not self._ended:
                    stub.toxic.detached(stub)
                return

    # -- running ------------------------------------------------------------------

    def start(self) -> None:
        self._reader = asyncio.create_task(self._read())
        self._pump = asyncio.create_task(self._run())

    async def _read(self) -> None:
        ledger = self.connection.ledger
        upstream = self.direction is Direction.UPSTREAM
        try:
            while data := await self._source.read(READ_SIZE):
                if upstream:
                    ledger.request_read()
                else:
                    ledger.answer_read(len(data))
                if not self.stubs and self._pump_idle and self._queue.empty() and not self._closing:
                    # No toxics and nothing in line: write straight away and skip the hand-over
                    # to the pump (~15% of the hop's CPU per request when it does nothing).
                    # Order holds: the next chunk is queued only after this write drained.
                    self._dest.write(data)
                    self._wrote(len(data))
                    await self._dest.drain()
                else:
                    await self._queue.put(Chunk(data, self._loop.time()))
        except (ConnectionError, OSError):
            pass  # a source that fails, or a destination gone, ends like a close (as in Toxiproxy)
        await self._queue.put(None)

    async def _run(self) -> None:
        try:
            while not self._closing:
                self._pump_idle = True
                chunk = await self._queue.get()
                self._pump_idle = False
                if chunk is None:
                    for stub in tuple(self.stubs):
                        if stub.active and not stub.retired:
                            if type(stub.toxic).at_end is not Toxic.at_end:
                                self.connection.ledger.acted(stub.spec)
                            await stub.toxic.at_end(stub)
                    break
                await self._through(tuple(self.stubs), 0, chunk)
        except (ConnectionError, OSError):
            pass  # the destination went away
        finally:
            self._end()

    async def _through(self, stubs: tuple[ToxicStub, ...], index: int, chunk: Chunk) -> None:
        while index < len(stubs) and not (stubs[index].active and not stubs[index].retired):
            index += 1
        if index == len(stubs):
            await self._write(chunk)
            return
        stub = stubs[index]
        if stub.toxic.changes_data:
            self.connection.ledger.acted(stub.spec)
        await stub.toxic.pipe(chunk, stub, lambda out: self._through(stubs, index + 1, out))

    async def _write(self, chunk: Chunk) -> None:
        if self._closing or not chunk.data:
            return
        self._dest.write(chunk.data)
        self._wrote(len(chunk.data))
        await self._dest.drain()

    def _wrote(self, count: int) -> None:
        if self.direction is Direction.UPSTREAM:
            self.connection.ledger.request_forwarded()
        else:
            self.connection.ledger.answer_forwarded(count)

    # -- ending -------------------------------------------------------------------

    def close(self) -> None:
        """End this direction on purpose (limit_data, timeout): deliver what was written, then close."""
        if self._closing:
            return
        self._closing = True
        if self._pump is not None and self._pump is not asyncio.current_task():
            self._pump.cancel()  # its `finally` closes the destination
        # else: the pump sees `_closing` once the toxic returns

    def stop(self) -> None:
        """The connection is being torn down (reset, proxy down): just stop."""
        self._closing = True
        for task in (self._reader, self._pump):
            if task is not None and task is not asyncio.current_task():
                task.cancel()

    def _end(self) -> None:
        if self._ended:
            return
        self._ended = True
        self._closing = True
        for stub in self.stubs:
            stub.retire()
        if self._reader is not None:
            self._reader.cancel()
        # As in Toxiproxy, the end of one direction closes its destination
        # outright (no half-close); the other direction then ends with it.
        self._dest.close()
        self.connection.link_ended(self)

    @property
    def ended(self) -> bool:
        return self._ended
