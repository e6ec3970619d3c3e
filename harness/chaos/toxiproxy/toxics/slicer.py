"""slicer: each chunk is cut into pieces of about `average_size` bytes, `delay` µs apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from harness.chaos.toxiproxy.registry import FAULT_DEFAULT, register
from harness.chaos.toxiproxy.stream import Chunk
from harness.chaos.toxiproxy.toxic import Send, Toxic, ToxicStub


@register("slicer")
@dataclass(frozen=True)
class Slicer(Toxic):
    average_size: int = field(default=0, metadata={FAULT_DEFAULT: 64})  # bytes
    size_variation: int = field(default=0, metadata={FAULT_DEFAULT: 32})  # bytes, either way; smaller than average_size
    delay: int = field(default=0, metadata={FAULT_DEFAULT: 10})  # µs after each piece

    def validate(self) -> None:
        # As Toxiproxy 2.13: sizes that would slice forever are refused up front.
        if self.average_size < 1:
            raise ValueError("average_size must be 1 or more")
        if self.size_variation > self.average_size:
            raise ValueError("size_variation must not be more than average_size")

    async def pipe(self, chunk: Chunk, stub: ToxicStub, send: Send) -> None:
        for start, end in self.cuts(0, len(chunk.data), stub.rng):
            await send(Chunk(chunk.data[start:end], chunk.arrived))
            await stub.sleep(self.delay / 1_000_000)

    def cuts(self, start: int, end: int, rng: Random) -> list[tuple[int, int]]:
        """Halve around the middle (moved by up to `size_variation`) until pieces are small
        enough, so sizes vary evenly with no small or large piece favoured at either end."""
        if end - start < 2 or (end - start) - self.average_size <= self.size_variation:
            return [(start, end)]
        wobble = rng.randrange(-self.size_variation, self.size_variation) if self.size_variation > 0 else 0
        middle = min(max(start + (end - start) // 2 + wobble, start + 1), end - 1)
        return self.cuts(start, middle, rng) + self.cuts(middle, end, rng)
