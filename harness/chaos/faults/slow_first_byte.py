"""slow_first_byte: the answer starts only after `seconds` of real time."""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.chaos.fault import Fault, register


@register
@dataclass(frozen=True)
class SlowFirstByte(Fault):
    name = "slow_first_byte"
    seconds: float = 5.0

    def after(self, call, reply, profile):
        return replace(reply, delay=reply.delay + self.seconds)
