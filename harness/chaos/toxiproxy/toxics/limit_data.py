"""limit_data: after `bytes` bytes have gone through, the connection closes."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.chaos.toxiproxy.registry import FAULT_DEFAULT, register
from harness.chaos.toxiproxy.stream import Chunk
from harness.chaos.toxiproxy.toxic import Send, Toxic, ToxicStub


@dataclass
class _Sent:
    count: int = 0


@register("limit_data")
@dataclass(frozen=True)
class LimitData(Toxic):
    changes_data = False  # it acts by closing the connection, not on the chunks it lets through
    bytes: int = field(default=0, metadata={FAULT_DEFAULT: 1024})  # then the connection closes

    def new_state(self) -> _Sent:
        return _Sent()

    async def pipe(self, chunk: Chunk, stub: ToxicStub, send: Send) -> None:
        allowed = chunk.data[: max(self.bytes - stub.state.count, 0)]
        if allowed:
            stub.state.count += len(allowed)
            await send(Chunk(allowed, chunk.arrived))
        if stub.state.count >= self.bytes:
            stub.close()
