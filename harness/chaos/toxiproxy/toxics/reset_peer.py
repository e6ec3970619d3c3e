"""reset_peer: on the first data (or close), wait `timeout` ms, then reset the connection (TCP RST)."""

from __future__ import annotations

from dataclasses import dataclass

from harness.chaos.toxiproxy.registry import register
from harness.chaos.toxiproxy.stream import Chunk
from harness.chaos.toxiproxy.toxic import Send, Toxic, ToxicStub


@register("reset_peer")
@dataclass(frozen=True)
class ResetPeer(Toxic):
    timeout: int = 0  # ms

    async def pipe(self, chunk: Chunk, stub: ToxicStub, send: Send) -> None:
        if await stub.sleep(self.timeout / 1000):
            stub.reset()
        else:
            await send(chunk)  # removed while waiting: the data goes on

    async def at_end(self, stub: ToxicStub) -> None:
        if await stub.sleep(self.timeout / 1000):
            stub.reset()
