"""The network hop of a scenario: one Toxiproxy proxy per provider double,
between the app and the double, with toxics switched on and off as the
scenario walks its timeline. Uses TOXIPROXY_URL when given, else the
embedded server; proxies are named per scenario and xdist worker."""

from __future__ import annotations

import re
from contextlib import ExitStack
from typing import Any
from urllib.parse import urlsplit

from harness.chaos.toxiproxy import proxy_name, toxiproxy_for

_SLUG = re.compile(r"[^A-Za-z0-9_]+")


class NetworkHop:
    def __init__(self, scenario: str, upstreams: dict[str, str], toxiproxy_url: str | None) -> None:
        self.scenario, self.upstreams, self.toxiproxy_url = scenario, upstreams, toxiproxy_url
        self.urls: dict[str, str] = {}
        self.proxies: dict[str, Any] = {}
        self.on: dict[tuple[int, str], str] = {}  # (entry, provider) -> toxic name, or "down"
        self._stack = ExitStack()

    def __enter__(self) -> NetworkHop:
        try:
            client = self._stack.enter_context(toxiproxy_for(self.toxiproxy_url))
            for provider, url in self.upstreams.items():
                parts = urlsplit(url)
                name = proxy_name(f"{_SLUG.sub('_', self.scenario)}_{provider}")
                if name in client.proxies():
                    client.destroy(client.get_proxy(name))
                proxy = client.create(upstream=f"{parts.hostname}:{parts.port}", name=name, listen="127.0.0.1:0")
                self._stack.callback(client.destroy, proxy)
                listen = client.get_proxy(name).listen
                self.proxies[provider] = proxy
                self.urls[provider] = f"http://{listen}"
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stack.close()

    def apply(self, scenario, day: float) -> list[dict[str, Any]]:
        """Switch each network entry's toxic on or off for `day`; log the ones that are on."""
        log = []
        for index, entry in enumerate(scenario.timeline):
            if not entry.network:
                continue
            active = entry.schedule.acts(1, day)
            for provider in [entry.provider] if entry.provider else list(self.proxies):
                key = (index, provider)
                if active and key not in self.on:
                    self.on[key] = self._switch_on(index, entry.fault, self.proxies[provider])
                elif not active and key in self.on:
                    self._switch_off(self.on.pop(key), self.proxies[provider])
                if active:
                    log.append({"entry": index, "fault": entry.fault.name, "provider": provider, "day": day})
        return log

    def _switch_on(self, index: int, fault, proxy) -> str:
        if fault.name == "down":
            proxy.disable()
            return "down"
        name = f"{fault.name}_{index}"
        proxy.add_toxic(
            name=name, type=fault.name, stream=fault.stream, toxicity=fault.toxicity, attributes=fault.attributes()
        )
        return name

    def _switch_off(self, toxic: str, proxy) -> None:
        if toxic == "down":
            proxy.enable()
        else:
            proxy.destroy_toxic(toxic)
