"""gone: 410 in the provider's envelope — the API was shut down."""

from __future__ import annotations

from dataclasses import dataclass

from harness.chaos.fault import Fault, register
from harness.double.call import Call, Profile, Reply


@register
@dataclass(frozen=True)
class Gone(Fault):
    name = "gone"
    message: str = "This API has been shut down and is no longer available."

    def before(self, call: Call, profile: Profile) -> Reply | None:
        return profile.error(410, self.message)
