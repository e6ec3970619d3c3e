"""Anthropic requests checked against schemas derived from anthropic-python's param types.

`schemas/anthropic/*.json` are made by `tools/sdk_schemas.py`. The Messages API
validates with pydantic, so its messages are pydantic's: the dotted path to
the field, a colon, and what is wrong (`max_tokens: Field required`,
`foo: Extra inputs are not permitted`). Every route also needs the
`anthropic-version` header.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from harness.double.call import Call
from harness.double.problem import RequestProblem
from harness.validation import SchemaBook, Violation, request_only


def _loader(name: str) -> Any:
    def load() -> dict[str, Any]:
        text = resources.files("harness.validation").joinpath("schemas", "anthropic", name).read_text("utf-8")
        document: dict[str, Any] = json.loads(text)
        return document

    return load


# Route template -> its body's schema; the count_tokens route is checked once a double serves it.
BOOKS: dict[str, SchemaBook] = {
    "POST /v1/messages": SchemaBook("urn:harness:anthropic:messages", _loader("messages.json")),
    "POST /v1/messages/count_tokens": SchemaBook("urn:harness:anthropic:count_tokens", _loader("count_tokens.json")),
}


@request_only
def check(call: Call) -> None:
    """Raise the 400 the Messages API answers for this request; return if it would pass."""
    if not (call.header("anthropic-version") or "").strip():
        raise RequestProblem(400, "anthropic-version: header is required")
    book = BOOKS.get(call.route)
    if book is None or not isinstance(call.json, dict):
        return  # no body schema for this route, or no object: the handler answers
    violation = book.check("", call.json)
    if violation is not None:
        raise RequestProblem(400, message(violation))


def _literal(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)


_TYPES = {
    "number": "a valid number",
    "integer": "a valid integer",
    "string": "a valid string",
    "boolean": "a valid boolean",
    "array": "a valid list",
    "object": "a valid dictionary",
    "null": "None",
}


def message(violation: Violation) -> str:
    """`path: what is wrong`, in pydantic's words."""
    where = ".".join(str(part) for part in violation.path) or "body"
    kind, limit = violation.kind, violation.limit
    if kind == "unknown":
        said = "Extra inputs are not permitted"
    elif kind == "missing":
        said = "Field required"
    elif kind == "type":
        said = "Input should be " + _TYPES.get(violation.expected[0], f"a valid {violation.expected[0]}")
    elif kind == "enum":
        allowed = [_literal(a) for a in violation.expected]
        said = "Input should be " + (", ".join(allowed[:-1]) + " or " + allowed[-1] if len(allowed) > 1 else allowed[0])
    elif kind in ("below", "above"):
        relation = ("greater than" if kind == "below" else "less than") + (
            "" if violation.exclusive else " or equal to"
        )
        said = f"Input should be {relation} {limit}"
    elif kind in ("too_short", "too_long"):
        size = len(violation.value) if isinstance(violation.value, list | str | dict) else 0
        bound = "at least" if kind == "too_short" else "at most"
        if isinstance(violation.value, str):
            said = f"String should have {bound} {limit} character{'s' if limit != 1 else ''}"
        else:
            said = f"List should have {bound} {limit} item{'s' if limit != 1 else ''} after validation, not {size}"
    else:
        said = "Input does not match any of the expected shapes"
    return f"{where}: {said}"
