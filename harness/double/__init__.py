"""Provider doubles: ASGI apps that play a provider, with a journal, a clock and hooks.

double = Double("openai", seed=7, clock=VirtualClock())
client = openai.OpenAI(api_key="x", http_client=httpx.Client(transport=double.transport()))
with double.serve() as url: ...          # or over real HTTP on 127.0.0.1

The names below are imported on first use: a provider module needs only `double.call`,
and `harness verify` reads provider records without ever starting a double, so importing
this package must not pull in the app, its server and its transports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.double.app import Double
    from harness.double.body import BodyError, FormFile
    from harness.double.call import Call, Reply, State
    from harness.double.clock import Clock, FlowingClock, RealClock, VirtualClock
    from harness.double.hooks import Hook
    from harness.double.server import serve, serve_forever
    from harness.double.transport import async_transport, sync_transport

# Public name -> the module of this package that defines it.
_HOMES = {
    "BodyError": "body",
    "Call": "call",
    "Clock": "clock",
    "Double": "app",
    "FlowingClock": "clock",
    "FormFile": "body",
    "Hook": "hooks",
    "RealClock": "clock",
    "Reply": "call",
    "State": "call",
    "VirtualClock": "clock",
    "async_transport": "transport",
    "serve": "server",
    "serve_forever": "server",
    "sync_transport": "transport",
}

__all__ = [
    "BodyError",
    "Call",
    "Clock",
    "Double",
    "FlowingClock",
    "FormFile",
    "Hook",
    "RealClock",
    "Reply",
    "State",
    "VirtualClock",
    "async_transport",
    "serve",
    "serve_forever",
    "sync_transport",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        # AttributeError, as for any module: `from harness.double import media` then
        # imports the submodule, and a misspelt name fails as it always did.
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # asked once: later lookups find it as a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
