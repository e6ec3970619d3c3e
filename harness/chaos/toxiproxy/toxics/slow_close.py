"""slow_close: when the source closes, the close reaches the other side `delay` ms later."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.chaos.toxiproxy.registry import FAULT_DEFAULT, register
from harness.chaos.toxiproxy.toxic import Toxic, ToxicStub


@register("slow_close")
@dataclass(frozen=True)
class SlowClose(Toxic):
    changes_data = False  # it holds back the close (`at_end`), not the data
    delay: int = field(default=0, metadata={FAULT_DEFAULT: 1000})  # ms

    async def at_end(self, stub: ToxicStub) -> None:
        await stub.sleep(self.delay / 1000)
