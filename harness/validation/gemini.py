"""Gemini requests checked against schemas derived from google-genai's types.

`schemas/gemini/*.json` are made by `tools/sdk_schemas.py`: one for
generateContent and streamGenerateContent, one for embedContent and
batchEmbedContents, one for countTokens, one for Veo's predictLongRunning.
Google parses a JSON body into a protocol buffer before anything else looks
at it, so its errors are the parser's: an unknown field is
`Invalid JSON payload received. Unknown name "foo" at 'generation_config': Cannot find field.`,
a value of the wrong type `Invalid value at 'generation_config.temperature' (TYPE_FLOAT), "hot"`,
with the field in snake_case and a `google.rpc.BadRequest` detail naming it.
Veo's `instances` and `parameters` are free-form (`google.protobuf.Value`) to
the parser, so the model itself turns an unknown one away:
``"`fooBar` isn't supported by this model. Please remove it or refer to the Gemini API documentation for supported usage."``
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

from harness.double.call import Call
from harness.double.problem import RequestProblem
from harness.validation import SchemaBook, Violation, request_only


def _loader(name: str) -> Any:
    def load() -> dict[str, Any]:
        text = resources.files("harness.validation").joinpath("schemas", "gemini", name).read_text("utf-8")
        document: dict[str, Any] = json.loads(text)
        return document

    return load


GENERATE = SchemaBook("urn:harness:gemini:generate_content", _loader("generate_content.json"))
EMBED = SchemaBook("urn:harness:gemini:embed_content", _loader("embed_content.json"))
COUNT = SchemaBook("urn:harness:gemini:count_tokens", _loader("count_tokens.json"))
VIDEO = SchemaBook("urn:harness:gemini:predict_long_running", _loader("predict_long_running.json"))

# The method after the colon -> (schema book, pointer of the body's schema, the request's proto name).
METHODS: dict[str, tuple[SchemaBook, str, str]] = {
    "generateContent": (GENERATE, "", "GenerateContentRequest"),
    "streamGenerateContent": (GENERATE, "", "GenerateContentRequest"),
    "embedContent": (EMBED, "/$defs/EmbedContentRequest", "EmbedContentRequest"),
    "batchEmbedContents": (EMBED, "", "BatchEmbedContentsRequest"),
    "countTokens": (COUNT, "", "CountTokensRequest"),
    "predictLongRunning": (VIDEO, "", "PredictLongRunningRequest"),
}
# Where Veo's free-form values start: an unknown name below them is the model's to refuse.
_FREE_FORM = ("instances", "parameters")

_PROTO_TYPES = {
    "number": "TYPE_FLOAT",
    "integer": "TYPE_INT32",
    "string": "TYPE_STRING",
    "boolean": "TYPE_BOOL",
}


# Query parameters every Google API method takes (its "system parameters"), and their types:
# `key` is the API key, `alt` the answer's format (`sse` streams), `$`-names their aliases.
SYSTEM_QUERY: dict[str, str] = {
    "key": "string",
    "alt": "enum",
    "$alt": "enum",
    "fields": "string",
    "$fields": "string",
    "prettyPrint": "boolean",
    "$prettyPrint": "boolean",
    "quotaUser": "string",
    "$quotaUser": "string",
    "callback": "string",
    "$callback": "string",
    "access_token": "string",
    "upload_protocol": "string",
    "uploadType": "string",
    "$.xgafv": "enum",
}
ENUMS = {"alt": ("json", "media", "proto", "sse"), "$alt": ("json", "media", "proto", "sse"), "$.xgafv": ("1", "2")}
# Query parameters of one method, by the route's last path segment (a list of models pages).
METHOD_QUERY: dict[str, dict[str, str]] = {"models": {"pageSize": "integer", "pageToken": "string"}}


@request_only
def check(call: Call) -> None:
    """Raise the 400 Gemini answers for a request it cannot parse; return if it would pass."""
    if call.query:
        check_query(call)
    if not call.route.startswith("POST ") or not isinstance(call.json, dict):
        return
    found = METHODS.get(call.route.rpartition(":")[2])
    if found is None:
        return
    book, pointer, request = found
    violation = book.check(pointer, call.json)
    if violation is not None:
        if book is VIDEO and violation.path and violation.path[0] in _FREE_FORM:
            raise free_form_problem(violation)
        raise problem(violation, request)


_NOUNS = {"number": "a number", "integer": "a number", "string": "a string", "boolean": "a boolean"}


def free_form_problem(violation: Violation) -> RequestProblem:
    """A Veo instance or parameter the model refuses, in its words (no field violation: the parser passed it)."""
    name = violation.name or str(violation.path[-1])
    if violation.kind == "unknown":
        return RequestProblem(
            400,
            f"`{name}` isn't supported by this model. Please remove it or refer to the Gemini API "
            "documentation for supported usage.",
        )
    if violation.kind == "type" and violation.expected:
        noun = _NOUNS.get(str(violation.expected[0]), f"a {violation.expected[0]}")
        return RequestProblem(400, f"`{name}` needs to be {noun}.")
    return RequestProblem(400, f"`{name}` has an invalid value.")


def check_query(call: Call) -> None:
    """Every query parameter must be a system parameter or one the method has, of its type.
    A value is quoted back only for a parameter that is not a secret (`key`, `access_token` never)."""
    declared = {**SYSTEM_QUERY, **METHOD_QUERY.get(call.route.rsplit("/", 1)[-1], {})}
    for name, value in call.query.items():
        kind = declared.get(name)
        if kind is None:
            raise RequestProblem(
                400,
                f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query parameter. '
                f"Field '{name}' could not be found in request message.",
            )
        wrong = (
            (kind == "integer" and not re.fullmatch(r"-?\d+", value))
            or (kind == "boolean" and value.lower() not in ("true", "false", "1", "0"))
            or (kind == "enum" and value not in ENUMS[name])
        )
        if wrong:
            proto = {"integer": "TYPE_INT32", "boolean": "TYPE_BOOL", "enum": "TYPE_ENUM"}[kind]
            where = field_path((name.lstrip("$"),))
            raise RequestProblem(400, f"Invalid value at '{where}' ({proto}), {json.dumps(value)}", param=where)


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


def problem(violation: Violation, request: str = "GenerateContentRequest") -> RequestProblem:
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
            kind = _PROTO_TYPES.get(violation.of, "TYPE_FLOAT") if isinstance(violation.value, str) else "TYPE_MESSAGE"
        description = f"Invalid value at '{where}' ({kind}), {json.dumps(violation.value)}"
        return RequestProblem(400, f"Invalid JSON payload received. {description}", param=where)
    return RequestProblem(400, f"* {request}.{where}: invalid value", param=where)
