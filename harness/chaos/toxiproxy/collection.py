"""All proxies of one server, by name (Toxiproxy's ProxyCollection)."""

from __future__ import annotations

import asyncio
from random import Random

from harness.chaos.toxiproxy import errors
from harness.chaos.toxiproxy.proxy import Proxy, ProxyConfig


class ProxyCollection:
    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.proxies: dict[str, Proxy] = {}
        # API calls that start or stop listeners await; one at a time keeps
        # "check the name, then add" from racing with another request.
        self.lock = asyncio.Lock()

    def get(self, name: str) -> Proxy:
        try:
            return self.proxies[name]
        except KeyError:
            raise errors.ProxyNotFound() from None

    async def add(self, config: ProxyConfig) -> Proxy:
        if config.name in self.proxies:
            raise errors.ProxyExists()
        # Each proxy draws from its own seeded RNG, so one proxy's traffic
        # does not shift another's toxicity rolls.
        proxy = Proxy(config, Random(f"{self.seed}:{config.name}"))
        if config.enabled:
            await proxy.start()
        self.proxies[config.name] = proxy
        return proxy

    async def remove(self, name: str) -> None:
        proxy = self.get(name)
        await proxy.stop()
        del self.proxies[name]

    async def add_or_replace(self, config: ProxyConfig) -> Proxy:
        """One item of /populate: a proxy that exists with the same addresses is kept as it is
        (toxics and open connections included); with others, it is replaced."""
        existing = self.proxies.get(config.name)
        if existing is not None:
            if not existing.differs(config.listen, config.upstream):
                return existing
            await self.remove(config.name)
        return await self.add(config)

    async def reset(self) -> None:
        """Enable every proxy and remove every toxic."""
        for proxy in self.proxies.values():
            await proxy.start()
            proxy.remove_toxics()

    async def close(self) -> None:
        for proxy in self.proxies.values():
            await proxy.stop()
