"""bandwidth: data goes through at most `rate` KB/s."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.chaos.toxiproxy.registry import FAULT_DEFAULT, register
from harness.chaos.toxiproxy.stream import Chunk
from harness.chaos.toxiproxy.toxic import Send, Toxic, ToxicStub


@dataclass
class _Pace:
    free_at: float = 0.0  # loop time when the link has sent everything so far at `rate`


@register("bandwidth")
@dataclass(frozen=True)
class Bandwidth(Toxic):
    rate: int = field(default=0, metadata={FAULT_DEFAULT: 10})  # KB/s (1 KB = 1000 bytes); 0 = no limit

    def new_state(self) -> _Pace:
        return _Pace()

    async def pipe(self, chunk: Chunk, stub: ToxicStub, send: Send) -> None:
        if self.rate <= 0:
            await send(chunk)
            return
        per_second = self.rate * 1000
        # Pieces of 100 ms worth, so a slow link trickles instead of sending one late lump.
        piece = max(per_second // 10, 1)
        for start in range(0, len(chunk.data), piece):
            part = chunk.data[start : start + piece]
            stub.state.free_at = max(stub.now(), stub.state.free_at) + len(part) / per_second
            await stub.sleep_until(stub.state.free_at)
            await send(Chunk(part, chunk.arrived))
