"""What a Gemini answer is when the request asks for structure: JSON mode
and function calling.

JSON mode (`generationConfig.responseMimeType: application/json`) answers
JSON text that fits `responseJsonSchema` or `responseSchema` (Gemini's
OpenAPI-style Schema), or any JSON object without one; `text/x.enum` answers
one of the schema's values. Function calling answers `functionCall` parts
whose `args` fit the declaration's `parametersJsonSchema` or `parameters`:
always under mode `ANY` (among `allowedFunctionNames` when given), under
`AUTO` (the default) and `VALIDATED` only when the last user turn names the
function, never under `NONE`. The API takes each field in camelCase or
snake_case, and so does the double (google-genai sends some of each).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from harness.double.call import State
from harness.double.problem import RequestProblem
from harness.providers._instances import instance

MODES = ("MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED")


def field(message: Any, camel: str) -> Any:
    """A field of a request message, written in camelCase or snake_case."""
    if not isinstance(message, dict):
        return None
    if camel in message:
        return message[camel]
    return message.get(snake_case(camel))


@functools.cache  # a handful of field names, asked on every request
def snake_case(camel: str) -> str:
    """`responseMimeType` -> `response_mime_type`."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)


def whole(message: Any, camel: str) -> int | None:
    """A whole-number field, which Google's JSON parser also takes written as text ("64")."""
    value = field(message, camel)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def declarations(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every function the request declares, across its tools."""
    tools = body.get("tools")
    found: list[dict[str, Any]] = []
    for tool in tools if isinstance(tools, list) else ():
        declared = field(tool, "functionDeclarations")
        found += [d for d in declared or () if isinstance(d, dict) and isinstance(d.get("name"), str)]
    return found


def _calling_config(body: dict[str, Any]) -> dict[str, Any]:
    config = field(field(body, "toolConfig"), "functionCallingConfig")
    return config if isinstance(config, dict) else {}


def check_tools(body: dict[str, Any]) -> None:
    """The function-calling mode is one the API knows."""
    config = _calling_config(body)
    mode = config.get("mode", "AUTO")
    if mode not in MODES:
        raise RequestProblem(
            400,
            "Invalid value at 'tool_config.function_calling_config.mode' "
            f'(type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), "{mode}"',
        )


def chosen_function(body: dict[str, Any], asked: str, answered_a_call: bool) -> dict[str, Any] | None:
    """The declaration this answer calls, or None for a text answer.

    `asked` is the last user turn's text; `answered_a_call` is true when that
    turn carries a function's response, which `AUTO` answers in words.
    """
    declared = declarations(body)
    config = _calling_config(body)
    mode = config.get("mode") or "AUTO"
    if not declared or mode == "NONE":
        return None
    allowed = field(config, "allowedFunctionNames") or []
    if mode == "ANY" and allowed:
        declared = [d for d in declared if d["name"] in allowed] or declared
    mentioned = next((d for d in declared if d["name"] in asked), None)
    if mode == "ANY":
        return mentioned or declared[0]
    return None if answered_a_call else mentioned


def function_call(state: State, declaration: dict[str, Any]) -> dict[str, Any]:
    """A `functionCall` part calling `declaration`, with args drawn from its parameters."""
    schema = field(declaration, "parametersJsonSchema") or field(declaration, "parameters")
    args = instance(schema, state.rng) if isinstance(schema, dict) else {}
    return {"functionCall": {"name": declaration["name"], "args": args if isinstance(args, dict) else {}}}


def structured_text(state: State, config: dict[str, Any], said: str) -> str | None:
    """The JSON (or enum) text JSON mode answers; None when the request did not ask for it."""
    mime = field(config, "responseMimeType")
    schema = field(config, "responseJsonSchema") or field(config, "responseSchema")
    if mime == "application/json":
        value = instance(schema, state.rng) if isinstance(schema, dict) else {"answer": said}
        return json.dumps(value, ensure_ascii=False)
    if mime == "text/x.enum" and isinstance(schema, dict) and schema.get("enum"):
        return str(state.rng.choice(schema["enum"]))
    return None
