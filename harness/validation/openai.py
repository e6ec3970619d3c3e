"""OpenAI requests checked against OpenAI's published OpenAPI spec, worded as the API words them.

The spec ships in the package (`schemas/openai-openapi.json.gz`, made by
`tools/openai_spec.py` from `openai-openapi` 3.1 of 2026-08-21). A double's
route is matched to the spec's operation by path (the spec's server already
ends in `/v1`), and the operation's request body schema for the request's
content type is the one checked. Multipart fields arrive as text; each is
read as the type its schema names before it is checked, as the API does.
"""

from __future__ import annotations

import functools
import gzip
import json
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from harness.double.body import FormFile, media_type
from harness.double.call import Call
from harness.double.problem import RequestProblem
from harness.validation import SchemaBook, Violation, json_type

SPEC_FILE = "openai-openapi.json.gz"


# Fields the spec marks required that the API lets a request leave out (see docs/doubles.md).
OPTIONAL_IN_PRACTICE: dict[str, tuple[str, ...]] = {
    "FunctionTool": ("strict", "parameters"),  # Responses function tools: strict defaults to true
}


def load_spec() -> dict[str, Any]:
    data = resources.files("harness.validation").joinpath("schemas", SPEC_FILE).read_bytes()
    spec: dict[str, Any] = json.loads(gzip.decompress(data))
    schemas = spec["components"]["schemas"]
    for name, fields in OPTIONAL_IN_PRACTICE.items():
        schemas[name]["required"] = [f for f in schemas[name].get("required", ()) if f not in fields]
    return spec


BOOK = SchemaBook("urn:harness:openai-openapi", load_spec, openapi=True)

# Bounds the API enforces that the spec does not state (observed answers, see docs/doubles.md).
FLOORS: dict[str, dict[str, int]] = {
    "/chat/completions": {"max_tokens": 1, "max_completion_tokens": 1},
}


@dataclass(frozen=True)
class Operation:
    path: str  # as the spec writes it, e.g. /chat/completions
    bodies: dict[str, str]  # media type -> JSON pointer of the request body's schema
    query: dict[str, str]  # query parameter -> JSON pointer of its schema


def _segments(path: str) -> tuple[str, ...]:
    return tuple("{}" if part.startswith("{") else part for part in path.strip("/").split("/"))


@functools.cache
def operation(route: str) -> Operation | None:
    """The spec's operation for a double's route template (`POST /v1/chat/completions`).

    The longest spec path that ends the route's path wins, so a prefix of the
    double's own (`/v1`, Azure's `/openai/deployments/{deployment}`) is ignored.
    """
    method, _, template = route.partition(" ")
    wanted = _segments(template)
    best: tuple[int, str] | None = None
    for path, item in BOOK.document["paths"].items():
        spec = _segments(path)
        if method.lower() in item and len(spec) <= len(wanted) and wanted[-len(spec) :] == spec:
            if best is None or len(spec) > best[0]:
                best = (len(spec), path)
    if best is None:
        return None
    path = best[1]
    escaped = path.replace("~", "~0").replace("/", "~1")
    content = BOOK.document["paths"][path][method.lower()].get("requestBody", {}).get("content", {})
    bodies = {
        kind: f"/paths/{escaped}/{method.lower()}/requestBody/content/{kind.replace('/', '~1')}/schema"
        for kind in content
    }
    base = f"/paths/{escaped}/{method.lower()}/parameters"
    parameters = BOOK.document["paths"][path][method.lower()].get("parameters", ())
    query = {}
    for index, parameter in enumerate(parameters):
        declared = BOOK.resolve(parameter)
        if declared.get("in") == "query":
            at = parameter["$ref"][1:] if "$ref" in parameter else f"{base}/{index}"
            query[declared["name"]] = f"{at}/schema"
    return Operation(path, bodies, query)


class RequestCheck:
    """`check(call)`: the provider's `validate`; `check.warm()` reads the 3 MB spec before the first call."""

    request_only = True  # its verdict depends on the request alone (harness.validation.request_only)

    def __call__(self, call: Call) -> None:
        _check(call)

    def warm(self) -> None:
        BOOK.warm()


check = RequestCheck()


def _check(call: Call) -> None:
    """Raise the 400 OpenAI answers for a request its spec does not allow; return if it would pass."""
    if not call.route or not (call.header("authorization") or "").strip():
        return  # no key: the route's own 401 comes first
    found = operation(call.route)
    if found is None:
        return
    if call.query:
        _check_query(found, call.query)
    if not found.bodies:
        return
    kind = media_type(call.header("content-type"))
    form_kind = kind if kind in found.bodies else "multipart/form-data"
    if call.form is not None and form_kind in found.bodies:
        pointer = found.bodies[form_kind]
        body = read_form(pointer, call.form)
    elif isinstance(call.json, dict):
        pointer = found.bodies.get("application/json") or next(iter(found.bodies.values()))
        body = call.json
    else:
        return  # no body, or not an object: the handler answers that
    known = BOOK.properties(pointer)
    unknown = next((name for name in body if name not in known), None)
    if unknown is not None:
        raise RequestProblem(400, f"Unrecognized request argument supplied: {unknown}")
    violation = BOOK.check(pointer, body) or _below_floor(found.path, body)
    if violation is not None:
        raise problem(violation)


def _check_query(found: Operation, query: dict[str, str]) -> None:
    """Each query parameter must be one the operation declares, of its schema's type.

    A parameter is read as its schema's type first (`limit=5` is the integer 5),
    as the API reads a query string; an array may be sent as `include[]=...`.
    """
    for raw_name, value in query.items():
        name = raw_name[:-2] if raw_name.endswith("[]") else raw_name
        pointer = found.query.get(name)
        if pointer is None:
            raise RequestProblem(400, f"Unrecognized request argument supplied: {name}", param=name)
        schema = BOOK.resolve(BOOK.schema(pointer))
        kinds = _types(schema)
        read = _read(value, kinds - {"array"} or _types(BOOK.resolve(schema.get("items", {}))))
        violation = BOOK.check(pointer, [read] if "array" in kinds else read)
        if violation is not None:
            raise problem(replace(violation, path=(name, *violation.path)))


def _below_floor(path: str, body: dict[str, Any]) -> Violation | None:
    for name, floor in FLOORS.get(path, {}).items():
        value = body.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value < floor:
            return Violation("below", (name,), value, limit=floor)
    return None


# --- multipart fields as their schema's types -------------------------------------------------


def read_form(pointer: str, form: dict[str, Any]) -> dict[str, Any]:
    """Form fields as JSON values: a number as a number, a file as a string of its bytes' worth."""
    schema = BOOK.resolve(BOOK.schema(pointer))
    declared = _declared(schema)
    out: dict[str, Any] = {}
    for raw_name, value in form.items():
        name = raw_name[:-2] if raw_name.endswith("[]") else raw_name
        field = BOOK.resolve(declared.get(name, {}))
        kinds = _types(field)
        values = value if isinstance(value, list) else [value]
        read = [_read(v, kinds - {"array"} or _types(BOOK.resolve(field.get("items", {})))) for v in values]
        out[name] = read if "array" in kinds and ("string" not in kinds or len(read) > 1) else read[0]
    return out


def _declared(schema: Any) -> dict[str, Any]:
    """Every property of a schema, through `allOf`/`anyOf`/`oneOf` branches."""
    found: dict[str, Any] = {}
    for branch in [schema, *(BOOK.resolve(b) for k in ("allOf", "anyOf", "oneOf") for b in schema.get(k, ()))]:
        if isinstance(branch, dict):
            found.update({k: v for k, v in branch.get("properties", {}).items() if k not in found})
    return found


def _types(schema: Any) -> set[str]:
    if not isinstance(schema, dict):
        return set()
    kind = schema.get("type")
    kinds = {kind} if isinstance(kind, str) else set(kind or ())
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, ()):
            kinds |= _types(BOOK.resolve(branch))
    return kinds


def _read(value: Any, kinds: set[str]) -> Any:
    if isinstance(value, FormFile):
        return value.filename or "file"  # the schema says `format: binary` string
    if not isinstance(value, str) or "string" in kinds:
        return value
    text = value.strip()
    if "integer" in kinds:
        try:
            return int(text)
        except ValueError:
            pass
    if "number" in kinds:
        try:
            return float(text)
        except ValueError:
            pass
    if "boolean" in kinds and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return value


# --- OpenAI's words ---------------------------------------------------------------------------

_NOUNS = {
    "number": "a decimal",
    "integer": "an integer",
    "string": "a string",
    "boolean": "a boolean",
    "array": "an array",
    "object": "an object",
    "null": "null",
}


def param_name(path: tuple[str | int, ...]) -> str:
    """`messages[0].content`, as OpenAI names a nested field."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _shown(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value


def problem(violation: Violation) -> RequestProblem:
    """A violation in OpenAI's words: message, `param` and `code` as the API sends them."""
    from harness.providers.openai.errors import invalid, invalid_type, missing

    param = param_name(violation.path) or None
    shown = param or "body"
    value = violation.value
    if violation.kind == "missing":
        return missing(shown)
    if violation.kind == "unknown":
        return RequestProblem(400, f"Unrecognized request argument supplied: {shown}", param=param)
    if violation.kind == "type":
        nouns = [_NOUNS.get(name, name) for name in violation.expected]
        expected = nouns[0] if len(nouns) == 1 else "one of " + ", ".join(nouns[:-1]) + " or " + nouns[-1]
        return invalid_type(shown, expected, value)
    if violation.kind == "enum":
        return invalid(shown, value, tuple(str(a) for a in violation.expected))
    number = "integer" if (violation.of or json_type(value)) == "integer" else "decimal"
    if violation.kind in ("below", "above"):
        word, sign = ("below minimum", ">") if violation.kind == "below" else ("above maximum", "<")
        sign += "" if violation.exclusive else "="
        code = f"{number}_{violation.kind}_{'min' if violation.kind == 'below' else 'max'}_value"
        return RequestProblem(
            400,
            f"Invalid '{shown}': {number} {word} value. Expected a value {sign} {_number(violation.limit)}, "
            f"but got {_shown(value)} instead.",
            param=param,
            code=code,
        )
    if violation.kind in ("too_short", "too_long"):
        return _length(shown, param, violation)
    return RequestProblem(400, f"Invalid value for '{shown}'.", param=param, code="invalid_value")


def _number(limit: Any) -> str:
    return str(int(limit)) if isinstance(limit, float) and limit.is_integer() else str(limit)


def _length(shown: str, param: str | None, violation: Violation) -> RequestProblem:
    value, limit = violation.value, violation.limit
    noun = "array" if isinstance(value, list) else "string" if isinstance(value, str) else "object"
    size = len(value) if isinstance(value, list | str | dict) else 0
    if violation.kind == "too_short" and noun == "array" and size == 0:
        return RequestProblem(
            400,
            f"Invalid '{shown}': empty array. Expected an array with minimum length {limit}, "
            f"but got an empty array instead.",
            param=param,
            code="empty_array",
        )
    short = violation.kind == "too_short"
    article = "an" if noun in ("array", "object") else "a"
    return RequestProblem(
        400,
        f"Invalid '{shown}': {noun} too {'short' if short else 'long'}. Expected {article} {noun} with "
        f"{'minimum' if short else 'maximum'} length {limit}, but got {article} {noun} with length {size} instead.",
        param=param,
        code=f"{noun}_{'below_min' if short else 'above_max'}_length",
    )
