"""stream_stall: an SSE stream that goes quiet after N events, for `seconds`
of real time (to test an app's read timeout), then carries on."""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.chaos.fault import Fault, number, register
from harness.double.call import Call, Reply
from harness.provider import Provider


@register
@dataclass(frozen=True)
class StreamStall(Fault):
    name = "stream_stall"
    after_events: int = number(1, 0, 1_000_000, "events", whole=True)
    seconds: float = number(30.0, 0, 3600, "seconds")

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        if reply.events is None:
            return reply
        return replace(reply, pauses={**reply.pauses, self.after_events: self.seconds})
