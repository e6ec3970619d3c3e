"""A made-up value that fits a schema: what a model's structured answer or
tool call promises an app.

Takes JSON Schema (Anthropic's `input_schema`, Gemini's `responseJsonSchema`
and `parametersJsonSchema`) and Gemini's OpenAPI-style `Schema` (`type:
STRING`, `nullable`, `propertyOrdering`, snake_case or camelCase keys). The
value is drawn from `rng`, so a seeded double gives the same one every run.
Keywords it cannot honour (a regex `pattern`, `not`) are left to chance.
"""

from __future__ import annotations

import math
import random
from typing import Any

_WORDS = ("amber", "river", "quiet", "north", "cedar", "lamp", "violet", "harbour", "stone", "meadow")
_FORMATS = {
    "date-time": "2026-01-01T09:30:00Z",
    "date": "2026-01-01",
    "time": "09:30:00",
    "email": "ada@example.com",
    "uri": "https://example.com/item",
    "url": "https://example.com/item",
    "uuid": "3f1c2a9e-7b4d-4e8a-9c61-5d2e8f0a1b7c",
    "ipv4": "192.0.2.7",
    "hostname": "example.com",
}
_MAX_DEPTH = 12


def instance(schema: Any, rng: random.Random) -> Any:
    """A value valid against `schema` (JSON Schema or Gemini's Schema)."""
    return _Builder(schema, rng).value(schema, 0)


def _get(schema: dict[str, Any], camel: str) -> Any:
    """A keyword as written in camelCase or snake_case (Gemini takes either)."""
    if camel in schema:
        return schema[camel]
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)
    return schema.get(snake)


class _Builder:
    def __init__(self, root: Any, rng: random.Random) -> None:
        self.root = root
        self.rng = rng

    def resolve(self, schema: dict[str, Any]) -> Any:
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return schema
        target: Any = self.root
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
        return target if isinstance(target, dict) else {}

    def value(self, schema: Any, depth: int) -> Any:
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return None
        schema = self.resolve(schema)
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return self.rng.choice(schema["enum"])
        if schema.get("allOf"):
            merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                merged = _merge(merged, self.resolve(part) if isinstance(part, dict) else {})
            return self.value(merged, depth + 1)
        for key in ("anyOf", "oneOf"):
            options = [o for o in schema.get(key) or () if isinstance(o, dict)]
            if options:
                # Prefer a branch that is not just null: an app wants a value.
                useful = [o for o in options if str(self.resolve(o).get("type", "")).lower() != "null"] or options
                base = {k: v for k, v in schema.items() if k != key}
                return self.value(_merge(base, self.resolve(self.rng.choice(useful))), depth + 1)
        kind = _kind(schema)
        if kind == "object":
            return self.object(schema, depth)
        if kind == "array":
            return self.array(schema, depth)
        if kind == "string":
            return self.string(schema)
        if kind in ("integer", "number"):
            return self.number(schema, kind)
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "null":
            return None
        return self.string(schema)

    def object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        given = schema.get("properties")
        properties: dict[str, Any] = given if isinstance(given, dict) else {}
        order = _get(schema, "propertyOrdering") or list(properties)
        names = [n for n in order if n in properties] + [n for n in properties if n not in order]
        out = {name: self.value(properties[name], depth + 1) for name in names}
        for name in schema.get("required") or ():
            if name not in out:  # required but not described: any small value will do
                out[name] = self.rng.choice(_WORDS)
        return out

    def array(self, schema: dict[str, Any], depth: int) -> list[Any]:
        low = int(_get(schema, "minItems") or 0)
        high = _get(schema, "maxItems")
        count = max(low, min(2, int(high) if high is not None else 2))
        items = schema.get("items")
        if schema.get("uniqueItems") and isinstance(items, dict) and len(items.get("enum") or ()) >= count:
            return self.rng.sample(list(items["enum"]), count)
        made: list[Any] = []
        for _ in range(count * 10):  # uniqueItems: draw again on a repeat, a few times
            if len(made) == count:
                break
            value = self.value(items, depth + 1) if isinstance(items, dict) else self.rng.choice(_WORDS)
            if schema.get("uniqueItems") and value in made:
                continue
            made.append(value)
        return made

    def string(self, schema: dict[str, Any]) -> str:
        text = _FORMATS.get(str(schema.get("format", "")), "")
        if not text:
            text = " ".join(self.rng.choice(_WORDS) for _ in range(self.rng.randint(1, 3)))
        low, high = _get(schema, "minLength"), _get(schema, "maxLength")
        if low is not None and len(text) < int(low):
            text = (text + " " + "x" * int(low))[: max(int(low), len(text))]
        if high is not None and len(text) > int(high):
            text = text[: int(high)]
        return text

    def number(self, schema: dict[str, Any], kind: str) -> int | float:
        low, high = _num(schema.get("minimum")), _num(schema.get("maximum"))
        ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        # Draft 4 wrote exclusive bounds as booleans beside minimum/maximum.
        ex_low, low = (low, None) if ex_low is True else (_num(ex_low), low)
        ex_high, high = (high, None) if ex_high is True else (_num(ex_high), high)
        lows = [b for b in (low, ex_low) if b is not None]
        highs = [b for b in (high, ex_high) if b is not None]
        lo = max(lows) if lows else (min(highs) - 100 if highs else 0)
        hi = min(highs) if highs else lo + 100
        multiple = _num(schema.get("multipleOf"))
        if kind == "integer":
            first = math.floor(lo) + 1 if ex_low is not None and lo == ex_low else math.ceil(lo)
            last = math.ceil(hi) - 1 if ex_high is not None and hi == ex_high else math.floor(hi)
            if isinstance(multiple, int) and multiple > 0:
                start = math.ceil(first / multiple) * multiple
                return self.rng.choice(range(start, last + 1, multiple) or [start])
            return self.rng.randint(first, max(first, last))
        if multiple and multiple > 0:
            return math.ceil(lo / multiple) * multiple
        # Inside an open interval: a quarter of the way in at least, and two decimals.
        margin = (hi - lo) / 4
        return round(self.rng.uniform(lo + margin, hi - margin), 2) if hi > lo else lo


def _num(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _kind(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if str(k).lower() != "null"), "null")
    if isinstance(kind, str) and kind:
        return kind.lower()
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if key == "properties" and isinstance(merged.get(key), dict) and isinstance(value, dict):
            merged[key] = {**merged[key], **value}
        elif key == "required" and isinstance(merged.get(key), list) and isinstance(value, list):
            merged[key] = list(dict.fromkeys([*merged[key], *value]))
        else:
            merged[key] = value
    return merged
