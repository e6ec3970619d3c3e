"""gone: 410 in the provider's envelope — the API was shut down."""

from __future__ import annotations

from dataclasses import dataclass

from harness.chaos.fault import Fault, register
from harness.double.call import Call, Reply
from harness.provider import Provider


@register
@dataclass(frozen=True)
class Gone(Fault):
    name = "gone"
    message: str = "This API has been shut down and is no longer available."

    def before(self, call: Call, provider: Provider) -> Reply | None:
        return provider.error(410, self.message)
