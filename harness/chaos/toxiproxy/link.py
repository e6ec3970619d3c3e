"""One direction of one connection: read the source, run each chunk through the
toxic chain, write the destination (Toxiproxy's ToxicLink).

Two ways through, chosen chunk by chunk:

- **straight**: while no toxic acts on this direction (none attached, or each
  one's toxicity draw left it off for this connection) and nothing is still
  in the chain, a chunk is written to the destination's transport from the
  source's `data_received`, with the ledger told, and nothing else: no task,
  no queue. Flow control is the transports' own: when the destination's
  buffer fills, the source stops reading until it drains.
- **through the chain**: otherwise the chunk is stamped with its arrival time
  and put in line; a pump task takes chunks in order and walks each through
  the chain. The source reads ahead at most QUEUED_CHUNKS, then TCP pushes back.

A toxic added while the connection is open takes the next chunk, as in
Toxiproxy: an app's pooled keep-alive connection feels a fault as soon as it
is switched on. Everything read before it was already written, so nothing is
lost, doubled or reordered. When the last active toxic leaves, chunks go on
through the chain until the line is empty (the toxic lets go of what it held
at once), then straight again: a chunk never overtakes one still in line.
"""

from __future__ import annotations

import asyncio
from collections import deque
from random import Random
from typing import TYPE_CHECKING

from harness.chaos.toxiproxy.stream import Chunk, Direction
from harness.chaos.toxiproxy.toxic import Toxic, ToxicSpec, ToxicStub

if TYPE_CHECKING:
    from harness.chaos.toxiproxy.connection import Connection
    from harness.chaos.toxiproxy.side import Side

QUEUED_CHUNKS = 8  # read ahead at most this many chunks, then let TCP push back


class Link:
    def __init__(self, connection: Connection, direction: Direction, source: Side, dest: Side, rng: Random) -> None:
        self.connection = connection
        self.direction = direction
        self.rng = rng
        self.stubs: list[ToxicStub] = []
        self.chained = 0  # chunks that went through the toxic chain (the others went straight)
        self._upstream = direction is Direction.UPSTREAM
        self._source = source
        self._dest = dest
        source.reading = self
        dest.writing = self
        self._loop = asyncio.get_running_loop()
        self._acting = False  # an active toxic is on this link
        self._busy = False  # chunks are in line or in the chain
        self._line: deque[Chunk | None] = deque()  # None: the source ended
        self._wake: asyncio.Future[None] | None = None  # the pump waits here for the line
        self._pump: asyncio.Task[None] | None = None
        self.held_back = False  # this link paused its source's reading (flow control)
        self._source_ended = False
        self._closing = False
        self._ended = False

    # -- the chain --------------------------------------------------------------

    def attach(self, spec: ToxicSpec) -> None:
        # Toxicity is drawn once per toxic and connection, from the connection's seeded RNG.
        stub = ToxicStub(spec, self, active=self.rng.random() < spec.toxicity)
        self.stubs.append(stub)
        if stub.active:
            spec.toxic.attached(stub)
        self._chain_changed()

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
                break
        self._chain_changed()

    def detach(self, name: str) -> None:
        for stub in self.stubs:
            if stub.spec.name == name:
                self.stubs.remove(stub)
                stub.retire()
                if stub.active and not self._ended:
                    stub.toxic.detached(stub)
                break
        self._chain_changed()

    def _chain_changed(self) -> None:
        self._acting = any(stub.active and not stub.retired for stub in self.stubs)

    # -- what the source sends ---------------------------------------------------

    @property
    def straight(self) -> bool:
        """The next chunk would be written straight on, not through the chain."""
        return not (self._acting or self._busy or self._closing)

    def received(self, data: bytes) -> None:
        if self._ended:
            return
        ledger = self.connection.ledger
        if self._upstream:
            ledger.request_read()
        else:
            ledger.answer_read(len(data))
        if self._closing:
            return  # a toxic is closing this direction: read, not passed on
        if self._acting or self._busy:
            self._queue(Chunk(data, self._loop.time()))
            return
        dest = self._dest.transport
        if dest.is_closing():
            self._end()  # the destination is going: nothing more can reach it
            return
        dest.write(data)  # may pause the source at once (dest_blocked), before the next chunk is read
        if self._upstream:
            ledger.request_forwarded()
        else:
            ledger.answer_forwarded(len(data))

    def source_ended(self) -> None:
        """EOF, or the source socket is gone (as in Toxiproxy, both end the direction alike)."""
        if self._source_ended or self._ended:
            return
        self._source_ended = True
        if self._acting or self._busy:
            self._queue(None)  # after what is in line, and through the toxics' `at_end`
        else:
            self._end()

    def dest_blocked(self) -> None:
        self._update_reading()

    def dest_unblocked(self) -> None:
        self._update_reading()

    def dest_lost(self) -> None:
        self._end()  # nothing more can be delivered

    def _queue(self, chunk: Chunk | None) -> None:
        self._line.append(chunk)
        self._busy = True
        if chunk is not None:
            self.chained += 1
        if self._pump is None:
            self._pump = asyncio.create_task(self._run())
        elif self._wake is not None and not self._wake.done():
            self._wake.set_result(None)
        if len(self._line) >= QUEUED_CHUNKS:
            self._update_reading()

    def _update_reading(self) -> None:
        # Straight, a full destination holds the source back; through the chain, a full line does
        # (the pump waits for the destination to drain, and chunks keep their arrival times).
        pause = len(self._line) >= QUEUED_CHUNKS or (self._dest.blocked and not self._busy)
        if pause != self.held_back and not self._ended:
            self.held_back = pause
            if pause:
                self._source.pause()
            else:
                self._source.resume()

    # -- through the chain ----------------------------------------------------------

    async def _run(self) -> None:
        try:
            while not self._closing:
                if not self._line:
                    self._busy = False
                    self._update_reading()
                    self._wake = self._loop.create_future()
                    await self._wake
                    continue
                chunk = self._line.popleft()
                if len(self._line) == QUEUED_CHUNKS - 1:
                    self._update_reading()
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
        dest = self._dest.transport
        if dest.is_closing():
            raise ConnectionResetError("the destination closed")
        dest.write(chunk.data)
        if self._upstream:
            self.connection.ledger.request_forwarded()
        else:
            self.connection.ledger.answer_forwarded(len(chunk.data))
        if self._dest.blocked:
            await self._dest.drained()

    # -- ending -------------------------------------------------------------------

    def close(self) -> None:
        """End this direction on purpose (limit_data, timeout): deliver what was written, then close."""
        if self._closing:
            return
        self._closing = True
        if self._pump is None:
            self._end()
        elif self._pump is not asyncio.current_task():
            self._pump.cancel()  # its `finally` ends the link
        # else: the pump sees `_closing` once the toxic returns

    def stop(self) -> None:
        """The connection is being torn down (reset, proxy down): just stop."""
        self._closing = True
        if self._pump is not None and self._pump is not asyncio.current_task():
            self._pump.cancel()

    def _end(self) -> None:
        if self._ended:
            return
        self._ended = True
        self._closing = True
        for stub in self.stubs:
            stub.retire()
        self._line.clear()
        self._source.pause()  # read no more of it; the other direction closes it
        if self._pump is not None and self._pump is not asyncio.current_task():
            self._pump.cancel()
        # As in Toxiproxy, the end of one direction closes its destination
        # outright (no half-close), once what was written to it has gone;
        # the other direction then ends with it.
        self._dest.transport.close()
        self.connection.link_ended(self)

    @property
    def ended(self) -> bool:
        return self._ended
