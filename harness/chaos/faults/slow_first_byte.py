"""slow_first_byte: the answer starts only after `seconds` of real time."""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.chaos.fault import Fault, number, register
from harness.double.call import Call, Reply
from harness.provider import Provider


@register
@dataclass(frozen=True)
class SlowFirstByte(Fault):
    name = "slow_first_byte"
    seconds: float = number(5.0, 0, 3600, "seconds")

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        return replace(reply, delay=reply.delay + self.seconds)
