"""malformed: a body the app cannot parse — truncated JSON, or an HTML page
with the wrong content type, as a broken gateway sends."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from harness.chaos.fault import Fault, register
from harness.chaos.faults._shared import reply_json
from harness.double.call import Call, Reply
from harness.provider import Provider

KINDS = ("truncated", "html", "content_type")
GATEWAY_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"
)


@register
@dataclass(frozen=True)
class Malformed(Fault):
    name = "malformed"
    kind: str = "truncated"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        if self.kind == "html":
            return replace(reply, json=None, events=None, body=GATEWAY_PAGE, content_type="text/html")
        body = reply.body if reply.body is not None else json.dumps(reply_json(reply)).encode()
        if self.kind == "truncated":
            return replace(
                reply,
                json=None,
                events=None,
                body=body[: max(1, len(body) // 2)],
                content_type=reply.content_type or "application/json",
            )
        return replace(reply, json=None, events=None, body=body, content_type="text/plain")
