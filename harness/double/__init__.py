"""Provider doubles: ASGI apps that play a provider, with a journal, a clock and hooks.

double = Double("openai", seed=7, clock=VirtualClock())
client = openai.OpenAI(api_key="x", http_client=httpx.Client(transport=double.transport()))
with double.serve() as url: ...          # or over real HTTP on 127.0.0.1
"""

from harness.double.app import Double
from harness.double.body import BodyError, FormFile
from harness.double.call import Call, Reply, State
from harness.double.clock import Clock, FlowingClock, RealClock, VirtualClock
from harness.double.hooks import Hook
from harness.double.server import serve, serve_forever
from harness.double.transport import async_transport, sync_transport

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
