"""timeout: nothing gets through; the connection closes after `timeout` ms (0: never)."""

from __future__ import annotations

from dataclasses import dataclass

from harness.chaos.toxiproxy.registry import register
from harness.chaos.toxiproxy.stream import Chunk
from harness.chaos.toxiproxy.toxic import Send, Toxic, ToxicStub


@register("timeout")
@dataclass(frozen=True)
class Timeout(Toxic):
    timeout: int = 0  # ms; 0 holds the connection open, silent

    def attached(self, stub: ToxicStub) -> None:
        if self.timeout > 0:
            stub.after(self.timeout / 1000, stub.close)

    async def pipe(self, chunk: Chunk, stub: ToxicStub, send: Send) -> None:
        pass  # dropped: the other side hears nothing

    def detached(self, stub: ToxicStub) -> None:
        # Data was dropped, so the stream cannot go on where it stopped:
        # removing the toxic closes the connections it held (as Toxiproxy does).
        stub.close()
