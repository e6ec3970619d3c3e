"""deprecated: normal answers plus RFC 9745 `Deprecation`, RFC 8594 `Sunset` and `Link` headers."""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.chaos.fault import Fault, register
from harness.chaos.faults._shared import epoch
from harness.headers import http_date, sf_date


@register
@dataclass(frozen=True)
class Deprecated(Fault):
    name = "deprecated"
    sunset: float | str | None = None  # when it goes away: epoch seconds or ISO date
    since: float | str | None = None  # when it was deprecated (default: the epoch 0 means "already")
    link: str | None = "https://platform.openai.com/docs/deprecations"

    def __post_init__(self) -> None:
        object.__setattr__(self, "sunset", epoch(self.sunset, "sunset"))
        object.__setattr__(self, "since", epoch(self.since, "since"))
        if self.sunset is not None and self.since is not None and self.sunset < self.since:
            raise ValueError("sunset must not be earlier than since (RFC 9745)")

    def after(self, call, reply, profile):
        headers = dict(reply.headers)
        headers["Deprecation"] = sf_date(self.since if self.since is not None else 0)
        links = []
        if self.link:
            links.append(f'<{self.link}>; rel="deprecation"; type="text/html"')
        if self.sunset is not None:
            headers["Sunset"] = http_date(self.sunset)
            if self.link:
                links.append(f'<{self.link}>; rel="sunset"')
        if links:
            headers["Link"] = ", ".join(links)
        return replace(reply, headers=headers)
