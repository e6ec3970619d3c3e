"""Network faults: a Toxiproxy-compatible server and the client side.

The engine (asyncio protocols): `Proxy` listens on 127.0.0.1 and forwards to
its upstream; each connection is two sockets (`Side`s) and two `Link`s
(upstream: client -> server, downstream: server -> client). A link writes
each chunk straight on while no toxic acts on its direction, and runs it
through the toxics of its direction otherwise (docs/toxiproxy.md). Toxics
live one per file in `toxics/` and are found by type name
in `TOXICS`. `build_app` is the HTTP API (Toxiproxy 2.x paths, codes, JSON);
`EmbeddedToxiproxy` runs both in a thread. `toxiproxy_for` hands out a
toxiproxy-python client for TOXIPROXY_URL or an embedded server.
"""

import importlib
from typing import TYPE_CHECKING, Any

from harness.chaos.toxiproxy.collection import ProxyCollection
from harness.chaos.toxiproxy.proxy import Proxy, ProxyConfig
from harness.chaos.toxiproxy.registry import TOXICS, register, toxic_type
from harness.chaos.toxiproxy.stream import Chunk, Direction
from harness.chaos.toxiproxy.toxic import Toxic, ToxicSpec, ToxicStub

if TYPE_CHECKING:
    from harness.chaos.toxiproxy.api import VERSION, build_app
    from harness.chaos.toxiproxy.client import ToxiproxyClient, proxy_name, toxiproxy_for
    from harness.chaos.toxiproxy.server import EmbeddedToxiproxy

# Imported on first use: the chaos layer's network faults read the toxics' fields, and should not
# pay for the HTTP server and clients (starlette, uvicorn, httpx, requests) to do so.
_ON_FIRST_USE = {
    "VERSION": "api",
    "build_app": "api",
    "ToxiproxyClient": "client",
    "proxy_name": "client",
    "toxiproxy_for": "client",
    "EmbeddedToxiproxy": "server",
}


def __getattr__(name: str) -> Any:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "TOXICS",
    "VERSION",
    "Chunk",
    "Direction",
    "EmbeddedToxiproxy",
    "Proxy",
    "ProxyCollection",
    "ProxyConfig",
    "Toxic",
    "ToxicSpec",
    "ToxicStub",
    "ToxiproxyClient",
    "build_app",
    "proxy_name",
    "register",
    "toxic_type",
    "toxiproxy_for",
]
