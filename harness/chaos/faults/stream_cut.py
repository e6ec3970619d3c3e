"""stream_cut: an SSE stream that stops after N events, loses its end marker,
or is dropped mid-way (`abort`: the connection closes without a clean end)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.chaos.fault import Fault, number, register
from harness.double.call import Call, Reply
from harness.provider import Provider


@register
@dataclass(frozen=True)
class StreamCut(Fault):
    name = "stream_cut"
    after_events: int | None = number(None, 0, 1_000_000, "events", whole=True)  # keep this many, drop the rest
    drop_end: bool = False  # drop only the end marker (the provider's stream_end: [DONE], message_stop, ...)
    abort: bool = False  # close the connection abruptly after the kept events

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.after_events is None and not self.drop_end:
            object.__setattr__(self, "drop_end", True)

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        if reply.events is None:
            return reply
        events = list(reply.events)
        if self.after_events is not None:
            events = events[: self.after_events]
        if self.drop_end:
            events = [e for e in events if e.type not in provider.stream_end]
        return replace(reply, events=events, abort=self.abort or reply.abort)
