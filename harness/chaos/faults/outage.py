"""outage: the provider is down — 500/502/503 (529 for Anthropic) in its own envelope."""

from __future__ import annotations

from dataclasses import dataclass

from harness.chaos.fault import Fault, register
from harness.double.call import Call, Reply
from harness.provider import Provider


@register
@dataclass(frozen=True)
class Outage(Fault):
    name = "outage"
    status: int | None = None  # default: the provider's (503; Anthropic 529 overloaded_error)
    message: str | None = None

    def __post_init__(self) -> None:
        if self.status is not None and not 500 <= self.status <= 599:
            raise ValueError(f"status must be a 5xx code, not {self.status!r}")

    def before(self, call: Call, provider: Provider) -> Reply | None:
        failures = provider.failures
        return provider.error(self.status or failures.outage_status, self.message or failures.outage_message)
