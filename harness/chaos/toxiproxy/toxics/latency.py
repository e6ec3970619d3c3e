"""latency: every chunk arrives `latency` ms late, give or take `jitter` ms."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.chaos.toxiproxy.registry import FAULT_DEFAULT, register
from harness.chaos.toxiproxy.stream import Chunk
from harness.chaos.toxiproxy.toxic import Send, Toxic, ToxicStub


@register("latency")
@dataclass(frozen=True)
class Latency(Toxic):
    latency: int = field(default=0, metadata={FAULT_DEFAULT: 1000})  # ms
    jitter: int = 0  # ms, either way

    async def pipe(self, chunk: Chunk, stub: ToxicStub, send: Send) -> None:
        delay = self.latency
        if self.jitter > 0:
            delay += stub.rng.randrange(-self.jitter, self.jitter)
        due = chunk.arrived + delay / 1000
        await stub.sleep_until(due)
        # Stamped anew so that a second latency toxic adds its own delay.
        await send(Chunk(chunk.data, stub.now()))
