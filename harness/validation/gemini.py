"""Gemini requests checked against a schema derived from google-genai's types.

`schemas/gemini/generate_content.json` is made by `tools/sdk_schemas.py`.
Google parses a JSON body into a protocol buffer before anything else looks
at it, so its errors are the parser's: an unknown field is
`Invalid JSON payload received. Unknown name "foo" at 'generation_config': Cannot find field.`,
a value of the wrong type `Invalid value at 'generation_config.temperature' (TYPE_FLOAT), "hot"`,
with the field in snake_case and a `google.rpc.BadRequest` detail naming it.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

from harness.double.call import Call
from harness.double.problem import RequestProblem
from harness.validation import SchemaBook, Violation


def _load() -> dict[str, Any]:
    text = resources.files("harness.validation").joinpath("schemas", "gemini", "generate_content.json").read_text()
    document: dict[str, Any] = json.loads(text)
    return document


GENERATE = SchemaBook("urn:harness:gemini:generate_content", _load)
# Route templates whose body is a GenerateContentRequest, by the method after the colon.
METHODS = ("generateContent", "streamGenerateContent")

_PROTO_TYPES = {
    "number": "TYPE_FLOAT",
    "integer": "TYPE_INT32",
    "string": "TYPE_STRING",
    "boolean": "TYPE_BOOL",
}


def check(call: Call) -> None:
    """Raise the 400 Gemini answers for a body it cannot parse; return if it would pass."""
    if not call.route.startswith("POST ") or not call.route.endswith(METHODS) or not isinstance(call.json, dict):
        return
    violation = GENERATE.check("", call.json)
    if violation is not None:
        raise problem(violation)


def field_path(path: tuple[str | int, ...]) -> str:
    """`contents[0].parts[0].text`: proto field names (snake_case), indices in brackets."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = re.sub(r"(?<!^)(?=[A-Z])", "_", part).lower()
            text += f".{name}" if text else name
    return text


def problem(violation: Violation) -> RequestProblem:
    if violation.kind == "unknown":
        parent = field_path(violation.path[:-1])
        at = f" at '{parent}'" if parent else ""
        description = f'Invalid JSON payload received. Unknown name "{violation.path[-1]}"{at}: Cannot find field.'
        return RequestProblem(400, description, param=parent or None)
    where = field_path(violation.path)
    if violation.kind in ("type", "invalid") or violation.kind == "enum":
        expected = violation.expected[0] if violation.kind == "type" and violation.expected else ""
        kind = "TYPE_ENUM" if violation.kind == "enum" else _PROTO_TYPES.get(str(expected), "TYPE_MESSAGE")
        if violation.kind == "invalid":  # a number given as text that is not a number
            kind = "TYPE_FLOAT" if isinstance(violation.value, str) else "TYPE_MESSAGE"
        description = f"Invalid value at '{where}' ({kind}), {json.dumps(violation.value)}"
        return RequestProblem(400, f"Invalid JSON payload received. {description}", param=where)
    return RequestProblem(400, f"* GenerateContentRequest.{where}: invalid value", param=where)
