"""outage: the provider is down — 500/502/503 (529 for Anthropic) in its own envelope."""

from __future__ import annotations

from dataclasses import dataclass

from harness.chaos.fault import Fault, number, register
from harness.double.call import Call, Reply
from harness.provider import Provider


@register
@dataclass(frozen=True)
class Outage(Fault):
    name = "outage"
    status: int | None = number(None, 500, 599, "(a 5xx code)", whole=True)  # default: the provider's (503; 529)
    message: str | None = None

    def before(self, call: Call, provider: Provider) -> Reply | None:
        failures = provider.failures
        return provider.error(self.status or failures.outage_status, self.message or failures.outage_message)
