"""deprecated: normal answers plus RFC 9745 `Deprecation`, RFC 8594 `Sunset` and `Link` headers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from harness.chaos.fault import Fault, Range, register
from harness.chaos.faults._shared import epoch
from harness.chaos.schedule import DAY
from harness.double.call import Call, Reply
from harness.headers import http_date, sf_date
from harness.provider import Provider

EPOCH = Range(0, 253_402_300_799, "epoch seconds (years 1970 to 9999)")


@register
@dataclass(frozen=True)
class Deprecated(Fault):
    name = "deprecated"
    sunset: float | str | None = None  # when it goes away: epoch seconds or ISO date
    since: float | str | None = None  # when it was deprecated (default: the epoch 0 means "already")
    link: str | None = "https://platform.openai.com/docs/deprecations"

    def __post_init__(self) -> None:
        super().__post_init__()
        sunset, since = epoch(self.sunset, "sunset"), epoch(self.since, "since")
        for key, value in (("sunset", sunset), ("since", since)):
            if value is not None:
                EPOCH.check(key, value)  # what an HTTP date can say
        object.__setattr__(self, "sunset", sunset)
        object.__setattr__(self, "since", since)
        if sunset is not None and since is not None and sunset < since:
            raise ValueError("sunset must not be earlier than since (RFC 9745)")

    @classmethod
    def on_timeline(cls, params: dict[str, Any], at: float, origin: float) -> dict[str, Any]:
        """`sunset` and `since` given as numbers are days after `origin`, and it is
        deprecated from the day its entry starts unless `since` says otherwise."""
        params = dict(params)
        params.setdefault("since", at)
        for key in ("sunset", "since"):
            value = params.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                params[key] = origin + value * DAY
        return params

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        # Both are epoch seconds by now (see __post_init__); epoch() only tells the type checker so.
        sunset, since = epoch(self.sunset, "sunset"), epoch(self.since, "since")
        headers = dict(reply.headers)
        headers["Deprecation"] = sf_date(since if since is not None else 0)
        links = []
        if self.link:
            links.append(f'<{self.link}>; rel="deprecation"; type="text/html"')
        if sunset is not None:
            headers["Sunset"] = http_date(sunset)
            if self.link:
                links.append(f'<{self.link}>; rel="sunset"')
        if links:
            headers["Link"] = ", ".join(links)
        return replace(reply, headers=headers)
