"""One client connection through a proxy: the client and upstream sockets and the two links."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Callable
from random import Random

from harness.chaos.toxiproxy.address import Address
from harness.chaos.toxiproxy.ledger import Ledger
from harness.chaos.toxiproxy.link import Link
from harness.chaos.toxiproxy.stream import Direction
from harness.chaos.toxiproxy.toxic import ToxicSpec

Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Connection:
    def __init__(
        self, client: Streams, upstream: Streams, rng: Random, on_closed: Callable[[Connection], None]
    ) -> None:
        self._writers = (client[1], upstream[1])
        self._on_closed = on_closed
        # The upstream sees the proxy's side of this socket as the client: that address is
        # how an exchange the upstream recorded is found again in the ledger.
        local = upstream[1].get_extra_info("sockname") or ("", 0)
        self.ledger = Ledger(client=str(Address(local[0], local[1])))
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.links = {
            Direction.UPSTREAM: Link(self, Direction.UPSTREAM, client[0], upstream[1], Random(rng.getrandbits(64))),
            Direction.DOWNSTREAM: Link(self, Direction.DOWNSTREAM, upstream[0], client[1], Random(rng.getrandbits(64))),
        }

    def start(self, chains: dict[Direction, list[ToxicSpec]]) -> None:
        for direction, link in self.links.items():
            for spec in chains[direction]:
                link.attach(spec)
            link.start()

    def link_ended(self, link: Link) -> None:
        if all(each.ended for each in self.links.values()):
            self._finish()

    def close(self) -> None:
        """Drop the connection now (the proxy went down or away)."""
        self.ledger.ended("down")
        for link in self.links.values():
            link.stop()
        for writer in self._writers:
            writer.transport.abort()
        self._finish()

    def reset(self, by: ToxicSpec | None = None) -> None:
        """Close both sockets with SO_LINGER 0, so each peer gets a TCP RST (`by` a toxic)."""
        self.ledger.ended("reset", by)
        for link in self.links.values():
            link.stop()
        for writer in self._writers:
            sock = writer.get_extra_info("socket")
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except (OSError, AttributeError):
                pass  # already closed
            writer.transport.abort()
        self._finish()

    def _finish(self) -> None:
        self.ledger.ended("closed")
        if not self.closed.done():
            self.closed.set_result(None)
            self._on_closed(self)
