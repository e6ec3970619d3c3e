"""Provider doubles: ASGI apps that play a provider, with a journal, a clock and hooks.

double = Double("openai", seed=7, clock=VirtualClock())
client = openai.OpenAI(api_key="x", http_client=httpx.Client(transport=double.transport()))
with double.serve() as url: ...          # or over real HTTP on 127.0.0.1

The names below are imported on first use: a provider module needs only `double.call`,
and `harness verify` reads provider records without ever starting a double, so importing
this package must not pull in the app, its server and its transports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.lazy_names import exports

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


__getattr__, __dir__ = exports(__name__, _HOMES)
