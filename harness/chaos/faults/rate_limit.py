"""rate_limit: 429 with retry-after headers; `quota: true` is the billing kind that must not be retried."""

from __future__ import annotations

from dataclasses import dataclass

from harness.chaos.fault import Fault, number, register
from harness.chaos.faults._shared import needs
from harness.double.call import Call, Reply
from harness.provider import Provider


@register
@dataclass(frozen=True)
class RateLimit(Fault):
    name = "rate_limit"
    retry_after: float = number(1.0, 0, 86_400, "seconds")  # how long the provider asks the client to wait
    quota: bool = False  # insufficient_quota: out of credit, retrying does not help

    def before(self, call: Call, provider: Provider) -> Reply | None:
        return needs(provider, "rate_limited", self.name)(call, self.retry_after, self.quota)
