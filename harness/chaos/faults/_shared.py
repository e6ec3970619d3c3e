"""What several faults need from a request or a reply; private to faults/."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from harness.double.call import Call, Reply
from harness.errors import InputError
from harness.provider import Provider


def needs(provider: Provider, what: str, fault: str) -> Callable[..., Any]:
    """The provider's failure function `what`, or a clear error when it has none."""
    function = getattr(provider.failures, what)
    if function is None:
        raise InputError(f"fault {fault!r} is not available for provider {provider.name!r}")
    return function


def model_of(call: Call) -> str | None:
    """The model a request asks for: a body field, or a path parameter (Gemini)."""
    model = call.fields.get("model") if isinstance(call.fields, dict) else None
    return str(model) if model else call.params.get("model")


def epoch(value: float | int | str | None, name: str) -> float | None:
    """Epoch seconds from a number, an ISO date (`2026-09-24`) or date-time."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    if isinstance(value, str):
        try:
            if len(value) == 10:
                day = date.fromisoformat(value)
                return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
        except ValueError:
            pass
    raise ValueError(f"{name} must be epoch seconds or an ISO date like 2026-09-24, not {value!r}")


def with_json(reply: Reply, body: Any) -> Reply:
    return replace(reply, json=body, body=None)


def reply_json(reply: Reply) -> Any:
    """The JSON a reply carries, whether built as `json` or already as bytes."""
    if reply.json is not None:
        return reply.json
    if reply.body:
        try:
            return json.loads(reply.body)
        except ValueError:
            return None
    return None
