"""drift: the provider's answer changes shape at a JSON pointer — a field
renamed, removed or retyped, or a new enum value. `*` in the pointer matches
every array item or key; `event` limits it to one SSE event type."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from harness.chaos.fault import Fault, register
from harness.chaos.faults._shared import reply_json, with_json
from harness.double.call import Call, Reply
from harness.provider import Provider
from harness.sse import Event

OPS = ("rename", "remove", "retype", "enum")
_RETYPE = {
    "string": lambda v: json.dumps(v) if not isinstance(v, str) else v,
    "integer": lambda v: len(v) if isinstance(v, (str, list, dict)) else int(bool(v)) if v is None else int(v),
    "number": lambda v: float(len(v)) if isinstance(v, (str, list, dict)) else float(v or 0),
    "boolean": bool,
    "null": lambda v: None,
    "array": lambda v: [v],
    "object": lambda v: {"value": v},
}


@register
@dataclass(frozen=True)
class Drift(Fault):
    name = "drift"
    pointer: str = ""
    op: str = "rename"
    to: Any = None  # rename: new key; retype: JSON type; enum: the new value
    event: str | None = None  # only in SSE events of this type

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.pointer.startswith("/"):
            raise ValueError(f"pointer must be a JSON pointer like /choices/*/finish_reason, not {self.pointer!r}")
        if self.op not in OPS:
            raise ValueError(f"op must be one of {', '.join(OPS)}, not {self.op!r}")
        if self.op == "rename" and not isinstance(self.to, str):
            raise ValueError("rename needs `to`: the new field name")
        if self.op == "retype" and self.to not in _RETYPE:
            raise ValueError(f"retype needs `to`: one of {', '.join(_RETYPE)}")
        if self.op == "enum" and self.to is None:
            raise ValueError("enum needs `to`: the new value")

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        if reply.events is not None:
            events = [self._event(e) for e in reply.events]
            return replace(reply, events=events)
        if self.event is None:
            body = reply_json(reply)
            if body is not None:
                return with_json(reply, self.apply(body))
        return reply

    def _event(self, event: Event) -> Event:
        if self.event is not None and event.type != self.event:
            return event
        data = event.json
        if data is None:
            return event
        return replace(event, data=json.dumps(self.apply(data)))

    def apply(self, document: Any) -> Any:
        """A changed deep copy of `document`; unmatched pointers leave it as it was."""
        document = json.loads(json.dumps(document))
        parts = [p.replace("~1", "/").replace("~0", "~") for p in self.pointer.lstrip("/").split("/")]
        for parent, key in _targets(document, parts[:-1], parts[-1]):
            value = parent[key]
            if self.op == "rename":
                parent[self.to] = parent.pop(key)
            elif self.op == "remove":
                del parent[key]
            elif self.op == "retype":
                parent[key] = _RETYPE[self.to](value)
            else:
                parent[key] = self.to
        return document


def _targets(node: Any, path: list[str], last: str) -> Iterator[tuple[Any, Any]]:
    """(container, key) pairs the pointer names, expanding `*`."""
    if not path:
        if isinstance(node, dict):
            keys = list(node) if last == "*" else [last] if last in node else []
            yield from ((node, k) for k in keys)
        elif isinstance(node, list):
            idx = (
                range(len(node))
                if last == "*"
                else [int(last)]
                if last.isascii() and last.isdigit() and int(last) < len(node)
                else []
            )
            yield from ((node, i) for i in idx)
        return
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        children = list(node.values()) if head == "*" else [node[head]] if head in node else []
    elif isinstance(node, list):
        children = (
            node
            if head == "*"
            else [node[int(head)]]
            if head.isascii() and head.isdigit() and int(head) < len(node)
            else []
        )
    else:
        children = []
    for child in children:
        yield from _targets(child, rest, last)
