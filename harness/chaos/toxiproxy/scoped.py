"""ScopedToxiproxy: a toxiproxy-python client for one test.

    with ScopedToxiproxy(url) as toxiproxy:
        proxy = toxiproxy.hop(openai_double)          # a proxy in front of the double
        proxy.add_toxic(type="latency", attributes={"latency": 500})
        client = openai.OpenAI(base_url=proxy.url + "/v1", api_key="x")
    # every proxy made through it is gone

Proxy names are made per pytest-xdist worker (`openai` -> `openai_gw1`), so
workers sharing one Toxiproxy server never meet; a test looks its proxies up
by the name it gave. A stale proxy of the same name (a crashed run) is
replaced, and every proxy the client created is destroyed on `close()`.

A hop in front of a double joins the double's `hops`: what the proxy
forwarded tells the test's journal which answers reached the app
(`delivery.py`). `close()` keeps those records before destroying the proxy.
"""

from __future__ import annotations

import functools
from typing import Any, Protocol
from urllib.parse import urlsplit

from toxiproxy.api import APIConsumer
from toxiproxy.proxy import Proxy as ToxiproxyProxy

from harness.chaos.toxiproxy.client import ToxiproxyClient, _worker_suffix, proxy_name
from harness.chaos.toxiproxy.delivery import ProxyLedger


class Upstream(Protocol):
    """What a proxy can be put in front of besides a URL: a double, or anything with a `.url`
    (and, to name the proxy after it, a `.name`)."""

    @property
    def url(self) -> str: ...


class ScopedToxiproxy(ToxiproxyClient):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.created: list[str] = []
        self.ledgers: list[ProxyLedger] = []  # one per hop in front of a double
        parts = urlsplit(url)
        self._previous = (APIConsumer.host, APIConsumer.port)
        # toxiproxy-python's Proxy and Toxic objects talk to the server named here.
        APIConsumer.host, APIConsumer.port = parts.hostname, parts.port

    def _scoped(self, name: str) -> str:
        suffix = _worker_suffix()
        return name if suffix and name.endswith(suffix) else proxy_name(name)

    def create(
        self, upstream: str, name: str, listen: str | None = None, enabled: bool | None = None
    ) -> ToxiproxyProxy:
        """Create proxy `name` (made per worker) to `upstream`; listens on 127.0.0.1, any free port,
        unless `listen` says otherwise. The returned proxy's `.listen` is its real address."""
        scoped = self._scoped(name)
        stale = super().get_proxy(scoped)
        if stale is not None:
            stale.destroy()
        super().create(upstream=upstream, name=scoped, listen=listen or "127.0.0.1:0", enabled=enabled)
        self.created.append(scoped)
        proxy = super().get_proxy(scoped)  # as the server has it: with the port it picked
        proxy.url = f"http://{proxy.listen}"
        return proxy

    def hop(self, target: str | Upstream, name: str | None = None) -> ToxiproxyProxy:
        """A proxy in front of a double (anything with `.url` and `.name`) or a URL;
        its `.url` is the address to give the client instead. Named after the
        double (`openai`, then `openai_2`, ...) unless `name` is given."""
        url = target if isinstance(target, str) else target.url
        parts = urlsplit(url)
        if not parts.hostname or not parts.port:
            raise ValueError(f"cannot put a proxy in front of {url!r}: it needs a host and a port")
        base = name or (getattr(target, "name", None) if not isinstance(target, str) else None) or "upstream"
        if name is None:  # a second hop to the same double gets a name of its own: openai, openai_2, ...
            taken = set(self.created)
            base = next(
                f"{base}_{n}" if n > 1 else base
                for n in range(1, len(taken) + 2)
                if self._scoped(f"{base}_{n}" if n > 1 else base) not in taken
            )
        proxy = self.create(upstream=f"{parts.hostname}:{parts.port}", name=base)
        hops = None if isinstance(target, str) else getattr(target, "hops", None)
        if isinstance(hops, list):  # a double: its journal learns what reached the app
            ledger = ProxyLedger(str(getattr(target, "name", base)), functools.partial(self.connections, proxy.name))
            hops.append(ledger)
            self.ledgers.append(ledger)
        return proxy

    def get_proxy(self, proxy_name: str) -> ToxiproxyProxy | None:
        return super().get_proxy(self._scoped(proxy_name))

    def close(self) -> None:
        for ledger in self.ledgers:
            ledger.keep()  # before the proxies (and what they know) are gone
        try:
            existing = self.proxies()
            for name in self.created:
                if name in existing:
                    existing[name].destroy()
        finally:
            self.created.clear()
            APIConsumer.host, APIConsumer.port = self._previous
            super().close()

    def __enter__(self) -> ScopedToxiproxy:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
