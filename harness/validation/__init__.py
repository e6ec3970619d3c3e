"""Request validation: is this request one the real provider would accept?

Each provider keeps its request schemas in one JSON Schema document (OpenAI's
published OpenAPI spec; for Anthropic and Gemini, schemas derived from their
SDKs' param types, in `schemas/`). A `SchemaBook` compiles the schema of one
route the first time that route is asked about, and answers with the first
thing wrong as a `Violation`: what kind of problem, where in the body, and the
numbers or types involved. It never words an error; each provider's module
(`openai.py`, `anthropic.py`, `gemini.py`) turns a violation into that
provider's own message and envelope, as a `RequestProblem`.

Two engines, one schema: jsonschema-rs says in microseconds whether a body is
valid, so an accepted request costs almost nothing; the rare rejected one is
explained with jsonschema (and a `referencing` registry), whose errors carry
the schema path needed to say exactly what is wrong.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote


def request_only(check: Any) -> Any:
    """Mark a provider's `validate` as judging the request alone (method, path, query, headers,
    body), with no state of its own: a double then skips it for a request exactly like one it
    already passed (`Double._validate`)."""
    check.request_only = True
    return check


# How a path into a body is written: keys and list indices.
Path = tuple[str | int, ...]

JSON_TYPES: dict[type, str] = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    type(None): "null",
}


def json_type(value: Any) -> str:
    """The JSON type of a parsed value: `integer` for 1, `number` for 1.5."""
    return JSON_TYPES.get(type(value), "object")


@dataclass(frozen=True)
class Violation:
    """The first thing wrong with a request body, in no provider's words.

    `kind` is one of: `unknown` (a field the schema does not have), `missing`
    (a required field), `type`, `below`, `above`, `enum`, `too_short`,
    `too_long`, `invalid` (anything else: a pattern, a value matching no or
    several alternatives). `path` leads from the body to the field at fault.
    """

    kind: str
    path: Path
    value: Any = None
    expected: tuple[Any, ...] = ()  # JSON types for `type`, allowed values for `enum`
    limit: Any = None  # the bound for below/above/too_short/too_long
    exclusive: bool = False  # the bound itself is out of range too
    of: str = ""  # the type the schema names where the bound failed: `integer`, `number`, `string`...
    message: str = ""  # the validator's own words, for `invalid`

    @property
    def name(self) -> str:
        """The field at fault: the last key of the path (`''` for the body itself)."""
        keys = [part for part in self.path if isinstance(part, str)]
        return keys[-1] if keys else ""


@dataclass
class SchemaBook:
    """Request schemas in one JSON Schema document, compiled per schema on first use.

    `load` returns the document, and is called once, on the first check; a
    schema is named by its JSON pointer in that document
    (`/components/schemas/CreateChatCompletionRequest`). `openapi` reads the
    document as an API accepts it (`as_api_reads`).
    """

    uri: str
    load: Callable[[], dict[str, Any]]
    openapi: bool = False
    _document: dict[str, Any] | None = field(default=None, init=False, repr=False)
    _fast: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _registry: Any = field(default=None, init=False, repr=False)
    _slow: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _names: dict[str, frozenset[str]] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False)

    @property
    def document(self) -> dict[str, Any]:
        with self._lock:
            if self._document is None:
                document = self.load()
                self._document = as_api_reads(document) if self.openapi else document
            return self._document

    def schema(self, pointer: str) -> Any:
        """The schema at `pointer`, as written (references not followed)."""
        node: Any = self.document
        for part in pointer.strip("/").split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            node = node[int(key)] if isinstance(node, list) else node[key]
        return node

    def resolve(self, node: Any) -> Any:
        """`node`, with a `$ref` to this document followed (once per hop)."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
            node = self.schema(node["$ref"][1:])
        return node

    def check(self, pointer: str, instance: Any) -> Violation | None:
        """The first thing wrong with `instance` under the schema at `pointer`, or None."""
        if self._gate(pointer).is_valid(instance):
            return None
        errors = list(self._explainer(pointer).iter_errors(instance))
        if not errors:  # the two engines disagree (a regex dialect): give the request the benefit
            return None
        return explain(min(errors, key=lambda e: len(e.absolute_path)), self)

    def properties(self, pointer: str) -> frozenset[str]:
        """Every property name the schema at `pointer` declares, through `$ref` and `allOf`/`anyOf`/`oneOf`."""
        names = self._names.get(pointer)
        if names is None:
            names = self._names[pointer] = frozenset(_names(self, self.schema(pointer), set()))
        return names

    def _ref(self, pointer: str) -> str:
        return f"{self.uri}#{quote(pointer, safe='/~')}"  # `{video_id}` is not allowed in a URI as is

    def warm(self) -> None:
        """Read the document and index it for the fast engine, so the first check does not wait for it."""
        self._fast_registry()

    def _fast_registry(self) -> Any:
        with self._lock:
            if self._registry is None:
                import jsonschema_rs

                self._registry = jsonschema_rs.Registry([(self.uri, self.document)])
            return self._registry

    def _gate(self, pointer: str) -> Any:
        validator = self._fast.get(pointer)
        if validator is None:
            import jsonschema_rs

            registry = self._fast_registry()
            validator = jsonschema_rs.validator_for({"$ref": self._ref(pointer)}, registry=registry)
            self._fast[pointer] = validator
        return validator

    def _explainer(self, pointer: str) -> Any:
        validator = self._slow.get(pointer)
        if validator is None:
            from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012

            resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
            registry: Registry[Any] = Registry().with_resource(self.uri, resource)
            validator = Draft202012Validator({"$ref": self._ref(pointer)}, registry=registry)
            self._slow[pointer] = validator
        return validator


def _names(book: SchemaBook, node: Any, seen: set[int]) -> Iterable[str]:
    node = book.resolve(node)
    if not isinstance(node, dict) or id(node) in seen:
        return
    seen.add(id(node))
    yield from node.get("properties", {})
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(key, ()):
            yield from _names(book, branch, seen)


# --- an OpenAPI document as the API reads it ------------------------------------------------


def as_api_reads(node: Any) -> Any:
    """An OpenAPI schema document said in plain JSON Schema, as the API behind it reads requests.

    - OpenAPI 3.0's `nullable: true` (which OpenAI's 3.1 spec still uses)
      allows null: where the schema names a `type`, null joins it (and joins
      an `enum`); otherwise the schema becomes `anyOf: [itself, {type: null}]`.
    - `oneOf` is read as `anyOf`: the spec's alternatives overlap (an input
      message fits both `EasyInputMessage` and `InputMessage`, and their
      discriminators have no mapping), and the API takes a value that fits any.

    One walk, once per document: a reference is not followed, so nothing is expanded.
    """
    if isinstance(node, list):
        return [as_api_reads(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {("anyOf" if key == "oneOf" else key): as_api_reads(value) for key, value in node.items()}
    if out.get("nullable") is not True:
        return out
    del out["nullable"]
    kind = out.get("type")
    if kind is not None and not any(k in out for k in ("$ref", "allOf", "anyOf")):
        kinds = [kind] if isinstance(kind, str) else list(kind)
        out["type"] = kinds if "null" in kinds else [*kinds, "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        return out
    return {"anyOf": [out, {"type": "null"}]}


# --- explaining an error --------------------------------------------------------------------

_BOUNDS = {
    "minimum": ("below", False),
    "exclusiveMinimum": ("below", True),
    "maximum": ("above", False),
    "exclusiveMaximum": ("above", True),
    "minItems": ("too_short", False),
    "minLength": ("too_short", False),
    "minProperties": ("too_short", False),
    "maxItems": ("too_long", False),
    "maxLength": ("too_long", False),
    "maxProperties": ("too_long", False),
}


def explain(error: Any, book: SchemaBook) -> Violation:
    """A jsonschema `ValidationError` as a `Violation`, looking inside `anyOf`/`oneOf` for the branch meant."""
    path: Path = tuple(error.absolute_path)
    keyword, value, schema = error.validator, error.instance, error.schema
    if keyword in ("anyOf", "oneOf") and error.context:
        return _alternatives(error, book)
    if keyword == "type":
        expected = [error.validator_value] if isinstance(error.validator_value, str) else error.validator_value
        return Violation("type", path, value, tuple(name for name in expected if name != "null") or tuple(expected))
    if keyword == "required":
        absent = next((name for name in error.validator_value if name not in value), "")
        return Violation("missing", (*path, absent))
    if keyword == "additionalProperties" and isinstance(value, dict):
        declared = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        extra = [k for k in value if k not in declared and not any(re.search(p, k) for p in patterns)]
        if extra:
            return Violation("unknown", (*path, extra[0]), value[extra[0]])
    if keyword in ("enum", "const"):
        allowed = error.validator_value if keyword == "enum" else [error.validator_value]
        return Violation("enum", path, value, tuple(a for a in allowed if a is not None) or tuple(allowed))
    if keyword in _BOUNDS:
        kind, exclusive = _BOUNDS[keyword]
        of = schema.get("type") if isinstance(schema.get("type"), str) else json_type(value)
        return Violation(kind, path, value, limit=error.validator_value, exclusive=exclusive, of=of)
    return Violation("invalid", path, value, message=error.message)


def _alternatives(error: Any, book: SchemaBook) -> Violation:
    """An `anyOf`/`oneOf` that nothing matched: the branch that takes this type of value, or a type error."""
    path: Path = tuple(error.absolute_path)
    value = error.instance
    branches: dict[int, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = []
    expected: list[str] = []
    for _, subs in sorted(branches.items()):
        wrong_type = [s for s in subs if s.validator == "type" and tuple(s.absolute_path) == path]
        if wrong_type:
            for s in wrong_type:
                names = [s.validator_value] if isinstance(s.validator_value, str) else s.validator_value
                expected.extend(n for n in names if n not in expected)
        else:
            fitting.append(subs)
    # A branch whose tag (`role`, `type`) the value does not carry is not the one meant.
    tagged = [
        group
        for group in fitting
        if not any(s.validator in ("enum", "const") and len(s.absolute_path) == len(path) + 1 for s in group)
    ]
    fitting = tagged or fitting
    if fitting:
        # The branch whose problems lie deepest is the one the caller meant; branches that all
        # stop at the same value's enum (a message's `role`) are one list of allowed values.
        deepest = [max(group, key=lambda s: len(s.absolute_path)) for group in fitting]
        depth = max(len(s.absolute_path) for s in deepest)
        best = [explain(s, book) for s in deepest if len(s.absolute_path) == depth]
        if len(best) > 1 and all(v.kind == "enum" and v.path == best[0].path for v in best):
            merged = tuple(dict.fromkeys(a for v in best for a in v.expected))
            return Violation("enum", best[0].path, best[0].value, merged)
        if best[0].kind == "invalid" and best[0].path == path and expected and not best[0].of:
            # a value in the form of one branch but not another's type (a number as text that is not
            # a number): say which type the other branch wanted
            return replace(best[0], of=next((n for n in expected if n != "null"), expected[0]))
        return best[0]
    real = [name for name in expected if name != "null"] or expected
    if real:
        return Violation("type", path, value, tuple(real))
    return Violation("invalid", path, value, message=error.message)
