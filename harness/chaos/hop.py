"""The network hop of a scenario: one Toxiproxy proxy per provider double,
between the app and the double, with toxics switched on and off as the
scenario walks its timeline. Uses TOXIPROXY_URL when given, else the
embedded server; proxies are named per scenario and xdist worker.

`forwarded()` reads what each proxy carried, before the proxies go, so the
run can tell which answers reached the app (`toxiproxy/delivery.py`) and
which network faults acted on a call. A real Toxiproxy cannot say: its
records are None."""

from __future__ import annotations

import re
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, runtime_checkable
from urllib.parse import urlsplit

from toxiproxy.proxy import Proxy as ToxiproxyProxy

from harness.chaos.toxiproxy import proxy_name, toxiproxy_for
from harness.chaos.toxiproxy.delivery import Forwarded

if TYPE_CHECKING:
    from harness.chaos.scenario import Scenario
    from harness.chaos.toxiproxy.client import ToxiproxyClient

_SLUG = re.compile(r"[^A-Za-z0-9_]+")


@runtime_checkable
class NetworkFault(Protocol):
    """What the hop needs of a network fault (`harness/chaos/faults/network.py`)."""

    @property
    def name(self) -> str: ...
    @property
    def stream(self) -> str: ...
    @property
    def toxicity(self) -> float: ...
    def attributes(self) -> dict[str, Any]: ...


class NetworkLogEntry(TypedDict):
    """A network fault that was on for a step."""

    entry: int  # its index on the timeline
    fault: str
    provider: str
    day: float


class NetworkHop:
    def __init__(self, scenario: str, upstreams: dict[str, str], toxiproxy_url: str | None) -> None:
        self.scenario, self.upstreams, self.toxiproxy_url = scenario, upstreams, toxiproxy_url
        self.urls: dict[str, str] = {}
        self.proxies: dict[str, ToxiproxyProxy] = {}
        self.on: dict[tuple[int, str], str] = {}  # (entry, provider) -> toxic name, or "down"
        self.url = ""  # the Toxiproxy server's
        self._names: dict[str, str] = {}  # provider -> proxy name
        self._stack = ExitStack()
        self._client: ToxiproxyClient | None = None

    def __enter__(self) -> NetworkHop:
        try:
            client = self._client = self._stack.enter_context(toxiproxy_for(self.toxiproxy_url))
            self.url = client.url
            for provider, url in self.upstreams.items():
                parts = urlsplit(url)
                name = proxy_name(f"{_SLUG.sub('_', self.scenario)}_{provider}")
                if name in client.proxies():
                    client.destroy(client.get_proxy(name))
                proxy = client.create(upstream=f"{parts.hostname}:{parts.port}", name=name, listen="127.0.0.1:0")
                self._stack.callback(client.destroy, proxy)
                listen = client.get_proxy(name).listen
                self.proxies[provider] = proxy
                self._names[provider] = name
                self.urls[provider] = f"http://{listen}"
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stack.close()

    def forwarded(self) -> list[Forwarded]:
        """What each provider's proxy carried so far (records None: the server cannot say)."""
        client = self._client
        assert client is not None, "forwarded() is asked inside the hop's `with`"
        return [Forwarded(provider, client.connections(name)) for provider, name in self._names.items()]

    @staticmethod
    def toxic_name(fault: str, entry: int) -> str:
        """The name of the toxic that timeline entry `entry` adds (one per proxy)."""
        return f"{fault}_{entry}"

    def apply(self, scenario: Scenario, day: float) -> list[NetworkLogEntry]:
        """Switch each network entry's toxic on or off for `day`; log the ones that are on."""
        log: list[NetworkLogEntry] = []
        for index, entry in enumerate(scenario.timeline):
            if not entry.network:
                continue
            fault = entry.fault
            assert isinstance(fault, NetworkFault)  # what `entry.network` means
            active = entry.schedule.acts(1, day)
            for provider in [entry.provider] if entry.provider else list(self.proxies):
                key = (index, provider)
                if active and key not in self.on:
                    self.on[key] = self._switch_on(index, fault, self.proxies[provider])
                elif not active and key in self.on:
                    self._switch_off(self.on.pop(key), self.proxies[provider])
                if active:
                    log.append({"entry": index, "fault": fault.name, "provider": provider, "day": day})
        return log

    def _switch_on(self, index: int, fault: NetworkFault, proxy: ToxiproxyProxy) -> str:
        if fault.name == "down":
            proxy.disable()
            return "down"
        name = self.toxic_name(fault.name, index)
        proxy.add_toxic(
            name=name, type=fault.name, stream=fault.stream, toxicity=fault.toxicity, attributes=fault.attributes()
        )
        return name

    def _switch_off(self, toxic: str, proxy: ToxiproxyProxy) -> None:
        if toxic == "down":
            proxy.enable()
        else:
            proxy.destroy_toxic(toxic)
