"""A proxy: listens on 127.0.0.1, forwards each connection to its upstream, and
keeps the toxic chains that every connection runs through."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from random import Random
from typing import TypedDict

from harness.chaos.toxiproxy import errors
from harness.chaos.toxiproxy.address import Address, bind_host, listen_backlog, resolved
from harness.chaos.toxiproxy.connection import Connection
from harness.chaos.toxiproxy.ledger import ConnectionRecord, Ledger
from harness.chaos.toxiproxy.link import Link
from harness.chaos.toxiproxy.side import Side
from harness.chaos.toxiproxy.stream import Direction
from harness.chaos.toxiproxy.toxic import ToxicBody, ToxicSpec

# Ledgers kept per proxy, newest last: enough for any scenario or test, bounded for a long-lived server.
LEDGERS = 10_000
# Go's net.Listen takes the kernel's limit (net.core.somaxconn); asyncio's default is 100.
BACKLOG = listen_backlog()


class ProxyBody(TypedDict):
    """A proxy as the API's JSON shows it."""

    name: str
    listen: str
    upstream: str
    enabled: bool
    toxics: list[ToxicBody]


@dataclass(frozen=True)
class ProxyConfig:
    name: str
    listen: str
    upstream: str
    enabled: bool = True


class Proxy:
    def __init__(self, config: ProxyConfig, rng: Random) -> None:
        self.name = config.name
        self.listen = config.listen
        self.upstream = config.upstream
        self.enabled = False
        self.chains: dict[Direction, list[ToxicSpec]] = {d: [] for d in Direction}
        self._rng = rng
        self._server: asyncio.AbstractServer | None = None
        self._connections: set[Connection] = set()
        self._dialling: set[asyncio.Future[None]] = set()
        self.ledgers: deque[Ledger] = deque(maxlen=LEDGERS)  # what each connection carried, oldest first

    # -- up and down ----------------------------------------------------------------

    async def start(self) -> None:
        if self.enabled:
            return
        address = Address.parse(self.listen)
        try:
            self._server = await asyncio.get_running_loop().create_server(
                lambda: Side(self._accepted), bind_host(address.host), address.port, backlog=BACKLOG
            )
        except OSError as exc:
            raise errors.ListenFailed(f"{self.listen}: {exc.strerror or exc}") from None
        host, port = self._server.sockets[0].getsockname()[:2]
        # Report the real port when asked for port 0; re-enabling reuses it.
        self.listen = str(Address(host, port))
        self.enabled = True

    async def stop(self) -> None:
        """`down`: stop listening (new connections are refused) and drop the open ones."""
        if not self.enabled:
            return
        self.enabled = False
        if self._server is not None:
            self._server.close()
            self._server = None
        for connection in list(self._connections):
            connection.close()

    def differs(self, listen: str, upstream: str) -> bool:
        """Whether these addresses would make it another proxy (listen compared resolved, as Toxiproxy 2.12)."""
        return resolved(listen) != resolved(self.listen) or upstream != self.upstream

    async def update(self, listen: str, upstream: str, enabled: bool) -> None:
        if self.differs(listen, upstream):
            await self.stop()  # a new address restarts the proxy and drops its connections
            self.listen, self.upstream = listen, upstream
        if enabled:
            await self.start()
        else:
            await self.stop()

    def _accepted(self, client: Side) -> None:
        # The client waits (its side reads nothing yet) while the upstream is dialled.
        task = asyncio.ensure_future(self._connect(client))
        self._dialling.add(task)
        task.add_done_callback(self._dialling.discard)

    async def _connect(self, client: Side) -> None:
        upstream_address = Address.parse(self.upstream)
        try:
            _, upstream = await asyncio.get_running_loop().create_connection(
                Side, upstream_address.host, upstream_address.port
            )
        except OSError:
            client.transport.close()  # as Toxiproxy: accepted, then closed at once
            return
        if not self.enabled:
            client.transport.abort()
            upstream.transport.abort()
            return
        connection = Connection(client, upstream, Random(self._rng.getrandbits(64)), self._connections.discard)
        self._connections.add(connection)
        self.ledgers.append(connection.ledger)
        connection.start(self.chains)

    # -- toxics ---------------------------------------------------------------------

    def toxics(self) -> list[ToxicSpec]:
        return [*self.chains[Direction.UPSTREAM], *self.chains[Direction.DOWNSTREAM]]

    def toxic(self, name: str) -> ToxicSpec:
        for spec in self.toxics():
            if spec.name == name:
                return spec
        raise errors.ToxicNotFound()

    def add_toxic(self, spec: ToxicSpec) -> None:
        if any(existing.name == spec.name for existing in self.toxics()):
            raise errors.ToxicExists()
        self.chains[spec.stream].append(spec)
        for link in self.links(spec.stream):
            link.attach(spec)

    def update_toxic(self, spec: ToxicSpec) -> None:
        chain = self.chains[spec.stream]
        chain[chain.index(self.toxic(spec.name))] = spec
        for link in self.links(spec.stream):
            link.replace(spec)

    def remove_toxic(self, name: str) -> None:
        spec = self.toxic(name)
        self.chains[spec.stream].remove(spec)
        for link in self.links(spec.stream):
            link.detach(name)

    def remove_toxics(self) -> None:
        for spec in self.toxics():
            self.remove_toxic(spec.name)

    def links(self, direction: Direction) -> list[Link]:
        """That direction of every open connection."""
        return [c.links[direction] for c in list(self._connections)]

    def connections(self) -> list[ConnectionRecord]:
        """What every connection (open or ended) carried: see `ledger.py`."""
        return [ledger.to_json() for ledger in self.ledgers]

    def to_json(self) -> ProxyBody:
        return {
            "name": self.name,
            "listen": self.listen,
            "upstream": self.upstream,
            "enabled": self.enabled,
            "toxics": [spec.to_json() for spec in self.toxics()],
        }
