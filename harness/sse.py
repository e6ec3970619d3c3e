"""Server-sent events: parse a text/event-stream body, and frame events back.

Parsing follows the WHATWG rules that the SDKs implement: fields `event`,
`data` (joined by newlines), `id`, `retry`; lines starting with `:` are
comments; a blank line dispatches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harness import jsoncodec
from harness.cached import cached_value

# Short payloads found not to be JSON: a stream's `[DONE]` ends every OpenAI chat stream, and
# finding that out again raises and words two errors (orjson's, then json's) each time.
_NOT_JSON: set[str] = set()
_NOT_JSON_KEPT = 64
_NOT_JSON_LENGTH = 64


@dataclass(frozen=True)
class Event:
    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None

    @classmethod
    def _of(cls, data: str, event: str | None, id: str | None, retry: int | None) -> Event:
        """`Event(data, event, id, retry)` with the fields set straight into the record: a frozen
        dataclass's `__init__` sets each through `object.__setattr__`, and a long stream has
        hundreds of events."""
        made = object.__new__(cls)
        made.__dict__.update(data=data, event=event, id=id, retry=retry)
        return made

    @cached_value
    def json(self) -> Any:
        """The data parsed as JSON, or None when it is not JSON (e.g. `[DONE]`)."""
        if len(self.data) <= _NOT_JSON_LENGTH and self.data in _NOT_JSON:  # not hashing every payload
            return None
        try:
            return jsoncodec.loads(self.data)
        except ValueError:
            if len(self.data) <= _NOT_JSON_LENGTH and len(_NOT_JSON) < _NOT_JSON_KEPT:
                _NOT_JSON.add(self.data)
            return None

    @property
    def type(self) -> str:
        """What a contract calls this event.

        The `event:` field when the provider sends one (Anthropic, OpenAI
        Responses); else the JSON `type`, else the JSON `object` (OpenAI chat
        chunks); `error` for a bare error object; a non-JSON payload such as
        `[DONE]` is its own type; otherwise SSE's default, `message` (Gemini).
        """
        if self.event:
            return self.event
        body = self.json
        if isinstance(body, dict):
            for key in ("type", "object"):
                if isinstance(body.get(key), str):
                    return body[key]
            if "error" in body:
                return "error"
            return "message"
        if body is None and self.data.strip():
            return self.data.strip()
        return "message"


def parse(text: str) -> list[Event]:
    events: list[Event] = []
    data: list[str] = []
    event = id_ = None
    retry: int | None = None
    fields = False  # whether a field other than data was read since the last dispatch
    for line in text.splitlines():
        if not line:
            if data or fields:
                events.append(Event._of("\n".join(data), event, id_, retry))
            data, event, id_, retry, fields = [], None, None, None, False
            continue
        name, _, value = line.partition(":")
        if not name:  # a comment
            continue
        if value[:1] == " ":
            value = value[1:]
        if name == "data":
            data.append(value)
        elif name == "event":
            event, fields = value, True
        elif name == "id":
            id_, fields = value, True
        elif name == "retry" and value.isdigit():
            retry, fields = int(value), True
    if data or fields:
        events.append(Event._of("\n".join(data), event, id_, retry))
    return events


def frame(event: Event) -> bytes:
    lines: list[str] = []
    if event.event is not None:
        lines.append(f"event: {event.event}")
    if event.id is not None:
        lines.append(f"id: {event.id}")
    lines.extend(f"data: {part}" for part in event.data.split("\n"))
    return ("\n".join(lines) + "\n\n").encode()


def frame_all(events: Iterable[Event]) -> bytes:
    return b"".join(frame(e) for e in events)
