"""One client connection through a proxy: the client's and the upstream's sockets, and the two links."""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable
from random import Random

from harness.chaos.toxiproxy.address import Address
from harness.chaos.toxiproxy.ledger import Ledger
from harness.chaos.toxiproxy.link import Link
from harness.chaos.toxiproxy.side import Side
from harness.chaos.toxiproxy.stream import Direction
from harness.chaos.toxiproxy.toxic import ToxicSpec


class Connection:
    def __init__(self, client: Side, upstream: Side, rng: Random, on_closed: Callable[[Connection], None]) -> None:
        self._sides = (client, upstream)
        self._on_closed = on_closed
        self._finished = False
        # The upstream sees the proxy's side of this socket as the client: that address is
        # how an exchange the upstream recorded is found again in the ledger.
        local = upstream.transport.get_extra_info("sockname") or ("", 0)
        self.ledger = Ledger(client=str(Address(local[0], local[1])))
        self.links = {
            Direction.UPSTREAM: Link(self, Direction.UPSTREAM, client, upstream, Random(rng.getrandbits(64))),
            Direction.DOWNSTREAM: Link(self, Direction.DOWNSTREAM, upstream, client, Random(rng.getrandbits(64))),
        }

    def start(self, chains: dict[Direction, list[ToxicSpec]]) -> None:
        for direction, link in self.links.items():
            for spec in chains[direction]:
                link.attach(spec)
        for side in self._sides:
            side.start()

    def link_ended(self, link: Link) -> None:
        if all(each.ended for each in self.links.values()):
            self._finish()

    def close(self) -> None:
        """Drop the connection now (the proxy went down or away)."""
        self.ledger.ended("down")
        for link in self.links.values():
            link.stop()
        for side in self._sides:
            side.transport.abort()
        self._finish()

    def reset(self, by: ToxicSpec | None = None) -> None:
        """Close both sockets with SO_LINGER 0, so each peer gets a TCP RST (`by` a toxic)."""
        self.ledger.ended("reset", by)
        for link in self.links.values():
            link.stop()
        for side in self._sides:
            sock = side.transport.get_extra_info("socket")
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except (OSError, AttributeError):
                pass  # already closed
            side.transport.abort()
        self._finish()

    def _finish(self) -> None:
        self.ledger.ended("closed")
        if not self._finished:
            self._finished = True
            self._on_closed(self)
