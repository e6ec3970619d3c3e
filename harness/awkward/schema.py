"""A JSON Schema walker that turns a response schema into a Hypothesis strategy
biased to the edges a provider really sends: every enum value, null where the
schema allows it, optional properties left out, arrays at their smallest and
largest sizes, empty, huge and unicode-heavy strings, extreme numbers.

Keywords it does not handle (allOf, not, pattern, if/then, patternProperties, …)
go to hypothesis-jsonschema's `from_schema`; the caller filters every draw
through the schema's validator, so the walker may be generous but never wrong.
`$ref`s to the same document are followed lazily (`st.deferred`), so recursive
schemas in vendor specs work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

# Text that trips renderers, byte counters and naive slicing: combining marks,
# right-to-left scripts, emoji with joiners and skin tones, zero-width spaces,
# CJK, a lone newline and a NUL-free control character.
AWKWARD_TEXT = (
    "e\u0301\u0302\u0303",
    "مرحبا بالعالم",
    "שלום\u200f",
    "👩🏽\u200d💻🚀",
    "\u200b\u200c\u200d\ufeff",
    "漢字かなカナ한국어",
    "\n",
    "\t\u0007",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
)
HUGE = 10_000  # characters: well past what a UI or a log line expects
WALKED = {
    "type", "enum", "const", "properties", "required", "items", "minItems", "maxItems", "anyOf", "oneOf",
    "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "$ref", "nullable",
    "additionalProperties",
}  # fmt: skip
ANNOTATIONS = {
    "description", "title", "examples", "example", "default", "deprecated", "readOnly", "writeOnly", "format",
    "x-stainless-const", "x-oaiMeta", "x-oaiTypeLabel", "x-oaiExpandable", "discriminator", "$comment",
    "$schema", "$id", "uniqueItems", "contentEncoding", "contentMediaType", "externalDocs", "xml",
}  # fmt: skip


class Walker:
    """Strategies for the schemas of one document (`root` holds what `$ref`s point into)."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self._refs: dict[str, st.SearchStrategy[Any]] = {}

    def strategy(self, schema: Any) -> st.SearchStrategy[Any]:
        if schema is True or schema == {}:
            return _any_json()
        if schema is False:
            return st.nothing()
        if not isinstance(schema, dict):
            return st.nothing()
        if "$ref" in schema and len(schema.keys() - ANNOTATIONS) == 1:
            return self._ref(schema["$ref"])
        if schema.keys() - WALKED - ANNOTATIONS or "$ref" in schema:
            return self._fallback(schema)
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                rest = {k: v for k, v in schema.items() if k != key}
                return st.one_of([self.strategy({**rest, **branch}) for branch in schema[key]])
        kinds = schema.get("type")
        if kinds is None:
            kinds = _implied_type(schema)
        if isinstance(kinds, str):
            kinds = [kinds]
        if schema.get("nullable") is True and "null" not in kinds:
            kinds = [*kinds, "null"]  # OpenAPI 3.0's spelling of null-allowed
        return st.one_of([self._typed(kind, schema) for kind in kinds])

    def _typed(self, kind: str, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        make: Callable[[dict[str, Any]], st.SearchStrategy[Any]] | None = {
            "null": lambda s: st.none(),
            "boolean": lambda s: st.booleans(),
            "integer": _integers,
            "number": _numbers,
            "string": _strings,
            "array": self._array,
            "object": self._object,
        }.get(kind)
        return make(schema) if make else st.nothing()

    def _array(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        items = self.strategy(schema.get("items", {}))
        low = int(schema.get("minItems", 0))
        high = schema.get("maxItems")
        top = low + 3 if high is None else min(int(high), low + 3)
        sizes = [low] if high is None else [low, int(high)] if int(high) <= low + 3 else [low]
        # The edges (its smallest size, its largest when small) first, then anything between.
        return st.one_of(
            *[st.lists(items, min_size=n, max_size=n) for n in dict.fromkeys(sizes)],
            st.lists(items, min_size=low, max_size=max(low, top)),
        )

    def _object(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        properties = schema.get("properties", {})
        required = [name for name in schema.get("required", []) if name in properties]
        missing = [name for name in schema.get("required", []) if name not in properties]
        # Optional properties are each present or left out: hypothesis shrinks toward leaving them out.
        return st.fixed_dictionaries(
            {**{name: self.strategy(properties[name]) for name in required}, **dict.fromkeys(missing, _any_json())},
            optional={name: self.strategy(sub) for name, sub in properties.items() if name not in required},
        )

    def _ref(self, ref: str) -> st.SearchStrategy[Any]:
        if ref not in self._refs:
            target = self._resolve(ref)
            self._refs[ref] = st.deferred(lambda: self.strategy(target))
        return self._refs[ref]

    def _resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise ValueError(f"only references inside the same document are followed, not {ref!r}")
        node = self.root
        for raw in ref[1:].lstrip("/").split("/") if ref != "#" else []:
            node = node[raw.replace("~1", "/").replace("~0", "~")]
        return node

    def _fallback(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        inlined = self._inline(schema, depth=0)
        return from_schema(inlined) if inlined is not None else st.nothing()

    def _inline(self, node: Any, depth: int) -> Any:
        """`node` with its `$ref`s replaced by what they point to (hypothesis-jsonschema
        resolves only within what it is given); too deep a recursion gives None."""
        if depth > 8:
            return None
        if isinstance(node, list):
            return [self._inline(item, depth) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return self._inline(
                {**self._resolve(node["$ref"]), **{k: v for k, v in node.items() if k != "$ref"}}, depth + 1
            )
        out = {k: self._inline(v, depth) for k, v in node.items() if not k.startswith("x-") and k not in ANNOTATIONS}
        if out.pop("nullable", False) is True:
            out = {"anyOf": [{"type": "null"}, out]}
        return out


def _implied_type(schema: dict[str, Any]) -> list[str]:
    if "properties" in schema or "required" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return ["null", "boolean", "integer", "number", "string", "array", "object"]


def _bounds(schema: dict[str, Any]) -> tuple[float | None, float | None]:
    low, high = schema.get("minimum"), schema.get("maximum")
    if "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + 1
    if "exclusiveMaximum" in schema:
        high = schema["exclusiveMaximum"] - 1
    return low, high


def _integers(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    low, high = _bounds(schema)
    lo = None if low is None else int(-(-low // 1))
    hi = None if high is None else int(high // 1)
    edges = [v for v in (lo, hi, 0, -1, 2**53) if v is not None and (lo is None or v >= lo) and (hi is None or v <= hi)]
    return st.one_of(st.sampled_from(list(dict.fromkeys(edges))), st.integers(lo, hi)) if edges else st.integers(lo, hi)


def _numbers(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    low, high = _bounds(schema)
    exact = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return st.one_of(_integers(schema), exact)


def _strings(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    low = int(schema.get("minLength", 0))
    high = schema.get("maxLength")
    ceiling = HUGE if high is None else int(high)

    def fit(text: str) -> str:
        text = text[:ceiling]
        return text + "x" * (low - len(text)) if len(text) < low else text

    huge = st.builds(lambda piece, n: fit(piece * n), st.sampled_from(AWKWARD_TEXT), st.sampled_from([HUGE // 4, HUGE]))
    return st.one_of(
        st.just(fit("")),
        st.text(min_size=low, max_size=min(ceiling, low + 12)),
        st.lists(st.sampled_from(AWKWARD_TEXT), min_size=1, max_size=6).map(lambda parts: fit("".join(parts))),
        huge,
    )


def _any_json() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=5)
