"""timeout: nothing gets through; the connection closes after `timeout` ms of silence (0: never).

As in Toxiproxy, the clock starts again each time data arrives (and is
dropped): a stream that keeps sending, such as server-sent events with
keep-alive comments, is held open for as long as it keeps talking.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from harness.chaos.toxiproxy.registry import register
from harness.chaos.toxiproxy.stream import Chunk
from harness.chaos.toxiproxy.toxic import Send, Toxic, ToxicStub


@dataclass
class _Silence:
    timer: asyncio.TimerHandle | None = None  # closes the connection when it fires


@register("timeout")
@dataclass(frozen=True)
class Timeout(Toxic):
    timeout: int = 0  # ms; 0 holds the connection open, silent

    def new_state(self) -> _Silence:
        return _Silence()

    def attached(self, stub: ToxicStub) -> None:
        self._restart(stub)

    async def pipe(self, chunk: Chunk, stub: ToxicStub, send: Send) -> None:
        self._restart(stub)  # dropped: the other side hears nothing, and the silence starts again

    def detached(self, stub: ToxicStub) -> None:
        # Data was dropped, so the stream cannot go on where it stopped:
        # removing the toxic closes the connections it held (as Toxiproxy does).
        stub.close()

    def _restart(self, stub: ToxicStub) -> None:
        if self.timeout <= 0:
            return
        if stub.state.timer is not None:
            stub.state.timer.cancel()
        stub.state.timer = stub.after(self.timeout / 1000, stub.close)
