"""bandwidth: data goes through at most `rate` KB/s; at rate 0 nothing does, as in Toxiproxy."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from harness.chaos.toxiproxy.registry import FAULT_DEFAULT, register
from harness.chaos.toxiproxy.stream import Chunk
from harness.chaos.toxiproxy.toxic import Send, Toxic, ToxicStub


@dataclass
class _Pace:
    free_at: float = -math.inf  # loop time when the link has sent everything so far at `rate`


@register("bandwidth")
@dataclass(frozen=True)
class Bandwidth(Toxic):
    rate: int = field(default=0, metadata={FAULT_DEFAULT: 10})  # KB/s (1 KB = 1000 bytes); 0: nothing passes

    def new_state(self) -> _Pace:
        return _Pace()

    async def pipe(self, chunk: Chunk, stub: ToxicStub, send: Send) -> None:
        if self.rate <= 0:
            # Toxiproxy's pacing loop never lets a byte out at rate 0; the data goes on
            # when the toxic is removed or changed (it is never dropped).
            await stub.sleep(math.inf)
            await send(chunk)
            return
        per_second = self.rate * 1000
        # Pieces of 100 ms worth, so a slow link trickles instead of sending one late lump.
        piece = max(per_second // 10, 1)
        for start in range(0, len(chunk.data), piece):
            part = chunk.data[start : start + piece]
            # The schedule counts from when the data arrived, not from when this task woke:
            # a timer that fires late must not push every later piece back (it adds up to
            # several per cent over a long transfer).
            stub.state.free_at = max(chunk.arrived, stub.state.free_at) + len(part) / per_second
            await stub.sleep_until(stub.state.free_at)
            await send(Chunk(part, chunk.arrived))
