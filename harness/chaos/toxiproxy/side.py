"""One socket of a proxied connection, as an asyncio protocol.

What the socket reads goes to the link that reads it; when its write buffer
fills or drains, the link that writes to it is told, so that link can hold
back its own source (flow control without a task per chunk). A side starts
with reading paused: nothing is read until both sockets of the connection
are there and its links are attached (`start`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.chaos.toxiproxy.link import Link


class Side(asyncio.Protocol):
    def __init__(self, on_made: Callable[[Side], None] | None = None) -> None:
        self.transport: asyncio.Transport = None  # type: ignore[assignment]  # set in connection_made
        self.reading: Link | None = None  # the link this socket's bytes go into
        self.writing: Link | None = None  # the link that writes to this socket
        self.blocked = False  # the write buffer is over its high-water mark
        self.lost = False
        self._on_made = on_made
        self._drained: asyncio.Future[None] | None = None
        self._early: list[bytes] = []  # read before the links were attached
        self._early_eof = False

    # -- asyncio's calls --------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a stream transport (uvloop's is not a subclass)
        self.transport.pause_reading()
        if self._on_made is not None:
            self._on_made(self)

    def data_received(self, data: bytes) -> None:
        if self.reading is not None:
            self.reading.received(data)
        else:
            # uvloop may read once before connection_made's pause takes: keep it for the link.
            self._early.append(data)
            self.transport.pause_reading()

    def eof_received(self) -> bool:
        if self.reading is not None:
            self.reading.source_ended()
        else:
            self._early_eof = True
        # Keep the socket: the link that writes to it closes it when its own direction ends.
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self._unblock()
        if self.reading is not None:
            self.reading.source_ended()
        if self.writing is not None:
            self.writing.dest_lost()

    def pause_writing(self) -> None:
        self.blocked = True
        if self.writing is not None:
            self.writing.dest_blocked()

    def resume_writing(self) -> None:
        self._unblock()
        if self.writing is not None:
            self.writing.dest_unblocked()

    # -- the links' calls -------------------------------------------------------------

    def start(self) -> None:
        """The links are attached: read from now on (or tell them the socket is already gone)."""
        if not self._early_eof:
            self.resume()  # what it reads comes on a later turn of the loop, after what was kept
        early, self._early = self._early, []
        for data in early:
            self.data_received(data)
        if self._early_eof:
            self.eof_received()
        if self.lost:
            self.connection_lost(None)

    async def drained(self) -> None:
        """Until the write buffer is below its low-water mark; ConnectionResetError if the socket went."""
        while self.blocked and not self.lost:
            if self._drained is None:
                self._drained = asyncio.get_running_loop().create_future()
            await self._drained
        if self.lost:
            raise ConnectionResetError("connection lost")

    def pause(self) -> None:
        if not self.transport.is_closing():
            self.transport.pause_reading()

    def resume(self) -> None:
        if not self.transport.is_closing():
            self.transport.resume_reading()

    def _unblock(self) -> None:
        self.blocked = False
        if self._drained is not None:
            if not self._drained.done():
                self._drained.set_result(None)
            self._drained = None
