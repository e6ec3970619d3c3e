"""One normal form for a JSON Schema as OpenAPI 3.0 or 3.1 writes it.

3.0 says `nullable: true`, 3.1 says `type: [string, "null"]` or
`anyOf: [X, {type: "null"}]`; `allOf` splits one object over several
schemas; a stream of events is a `oneOf`/`anyOf` of objects told apart by a
`type` (or `object`) constant. A `Shape` is what a schema means for a diff,
whichever way it was written: the types a value can have, whether it can be
null, its properties and which are required, its items, the values it lists,
its default, whether it is deprecated, and (for a tagged union) its variants.

Shapes are built on demand, one level at a time, and cached per spec: child
schemas stay unresolved `Schema` handles until the diff walks into them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from harness.contracts.checker import json_type
from harness.diff.keywords import KEYWORDS, MEMBERS
from harness.diff.spec import Node, Spec

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
TAGS = ("type", "object")  # the fields that name an event or a variant, in order of preference
_SUNSET_WORDS = ("sunset", "deprecat", "retire", "shutdown", "removal")


def sunset_extensions(data: Mapping[Any, Any]) -> dict[str, Any]:
    """`x-sunset`, `x-deprecation-date` and the like: extensions that say when something goes away."""
    return {
        k: v
        for k, v in data.items()
        if isinstance(k, str) and k.startswith("x-") and any(w in k.lower() for w in _SUNSET_WORDS)
    }


@dataclass(frozen=True, eq=False)
class Schema:
    """A schema still to be read: one node, or the intersection ("all") / union ("any") of several."""

    parts: tuple[Node | Schema, ...]
    mode: str = "all"

    @cached_property  # asked for at every comparison and cache lookup; nested unions make it costly
    def key(self) -> tuple:
        return (self.mode,) + tuple((id(p.data), id(p.doc)) if isinstance(p, Node) else p.key for p in self.parts)


def schema(node: Node) -> Schema:
    return Schema((node,))


@dataclass(frozen=True, eq=False)
class Shape:
    key: tuple
    types: frozenset[str] | None = None  # None: any type. Never contains "null" (see nullable)
    nullable: bool = False
    properties: Mapping[str, Schema] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    items: Schema | None = None
    additional: Schema | None = None  # additionalProperties, when it is a schema
    enum: frozenset | None = None  # values listed by enum/const (null aside)
    open_enum: bool = False  # listed values are examples: other values are allowed too
    default: Any = MISSING
    deprecated: bool = False
    sunset: Mapping[str, Any] = field(default_factory=dict)  # x-sunset and similar extensions
    tag: str | None = None  # for a tagged union: the field that tells variants apart
    variants: Mapping[Any, Schema] = field(default_factory=dict)
    constraints: Mapping[str, Any] = field(default_factory=dict)  # validation keywords (keywords.py), hashable
    patterns: Mapping[str, Schema] = field(default_factory=dict)  # patternProperties
    fixed: bool = False  # written as `const`: the one value it always holds
    discriminator: Any = None  # the `discriminator` object as written (hashable), if any
    read_only: bool = False  # only in responses: a request never carries it
    write_only: bool = False  # only in requests: a response never carries it


def constant(shape: Shape) -> bool:
    """Is the schema a `const` (an enum of one may grow: that is enum-value-added)?"""
    return shape.fixed and shape.enum is not None and len(shape.enum) == 1


def hashable(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        try:
            return json.dumps(value, sort_keys=True, default=str)
        except RecursionError:  # a keyword's value nested past Python's limit: told apart by identity
            return f"<value nested too deeply, at {id(value):x}>"
    return value


# How many schemas deep one schema may be built through $ref, allOf, oneOf and anyOf (its
# properties and items are read later, level by level, by the walk). Deeper is refused with an
# error that names the place, rather than running out of stack.
MAX_NESTING = 200
_depth = threading.local()  # how deep the schema being built is, per thread


def shape_of(spec: Spec, target: Schema | Node) -> Shape:
    """The normal form of a schema, cached in `spec` for the life of the diff."""
    sch = target if isinstance(target, Schema) else schema(target)
    key = sch.key
    cached = spec.shapes.get(key)
    if cached is None:
        depth = getattr(_depth, "n", 0)
        if depth >= MAX_NESTING:
            raise _first_node(sch).error(
                f"schema nests more than {MAX_NESTING} levels through $ref, allOf, oneOf or anyOf here; "
                "the diff reads no deeper"
            )
        spec.shapes[key] = _ANY_PLACEHOLDER  # a schema that contains itself through allOf stops here
        _depth.n = depth + 1
        try:
            cached = _build(spec, sch, key)
        except BaseException:
            del spec.shapes[key]
            raise
        finally:
            _depth.n = depth
        spec.shapes[key] = cached
    elif cached is _ANY_PLACEHOLDER:
        return Shape(key)
    return cached


_ANY_PLACEHOLDER = Shape(("placeholder",))


def _first_node(sch: Schema) -> Node:
    part = sch.parts[0]
    return part if isinstance(part, Node) else _first_node(part)


def _build(spec: Spec, sch: Schema, key: tuple) -> Shape:
    if len(sch.parts) == 1:
        part = sch.parts[0]
        return _node_shape(spec, part, key) if isinstance(part, Node) else _with_key(shape_of(spec, part), key)
    shapes = [shape_of(spec, p) for p in sch.parts]
    if sch.mode == "all":
        return _all(shapes, key)
    return _any(spec, shapes, key, None, [p if isinstance(p, Schema) else schema(p) for p in sch.parts])


def _with_key(shape: Shape, key: tuple) -> Shape:
    return replace(shape, key=key)


def _node_shape(spec: Spec, node: Node, key: tuple) -> Shape:
    data = node.data
    if data is True or data is None or not isinstance(data, dict):
        return Shape(key)  # `true`, or something we cannot read: any value
    parts = [_own(node, key)]
    if "$ref" in data:
        parts.append(shape_of(spec, spec.resolve(node)))
    for i, _ in enumerate(_list(data.get("allOf"))):
        parts.append(shape_of(spec, node.child("allOf", i)))
    for word in ("oneOf", "anyOf"):
        members = _list(data.get(word))
        if members:
            variants = [Schema((node.child(word, i),)) for i in range(len(members))]
            disc = data.get("discriminator")
            tag = disc.get("propertyName") if isinstance(disc, dict) else None
            parts.append(_any(spec, [shape_of(spec, v) for v in variants], key, tag, variants))
    shape = parts[0] if len(parts) == 1 else _all(parts, key)
    if shape.variants and any(m in shape.constraints for m in MEMBERS):
        # A tagged union gaining a variant is its tag gaining a value (enums.py), not a looser union.
        shape = replace(shape, constraints={k: v for k, v in shape.constraints.items() if k not in MEMBERS})
    return shape


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _own(node: Node, key: tuple) -> Shape:
    """What the node's own keywords say, leaving $ref, allOf, oneOf and anyOf to the caller."""
    data = node.data
    nullable = data.get("nullable") is True
    raw_type = data.get("type")
    types: set[str] | None
    if isinstance(raw_type, str):
        types = {raw_type}
    elif isinstance(raw_type, list):
        types = {t for t in raw_type if isinstance(t, str)}
    else:
        types = None
    values: list | None = None
    if "const" in data:
        values = [data["const"]]
    elif isinstance(data.get("enum"), list):
        values = data["enum"]
    if values is not None and None in values:
        nullable = True
        values = [v for v in values if v is not None]
    if types is None:
        # A schema without `type` still says what it holds through its other keywords.
        if (
            "properties" in data
            or "required" in data
            or "patternProperties" in data
            or isinstance(data.get("additionalProperties"), dict)
        ):
            types = {"object"}
        elif "items" in data or "prefixItems" in data:
            types = {"array"}
        elif values:
            types = {json_type(v) for v in values}
    if types is not None and "null" in types:
        nullable = True
        types.discard("null")
    props_node = data.get("properties")
    properties = (
        {name: Schema((node.child("properties", name),)) for name in props_node} if isinstance(props_node, dict) else {}
    )
    items = None
    if isinstance(data.get("items"), dict) or data.get("items") is True:
        items = Schema((node.child("items"),))
    elif isinstance(data.get("items"), list) or isinstance(data.get("prefixItems"), list):
        word = "prefixItems" if isinstance(data.get("prefixItems"), list) else "items"
        members = tuple(node.child(word, i) for i in range(len(data[word])))
        items = Schema(members, "any") if members else None
    additional = (
        Schema((node.child("additionalProperties"),)) if isinstance(data.get("additionalProperties"), dict) else None
    )
    patterns_node = data.get("patternProperties")
    patterns = (
        {p: Schema((node.child("patternProperties", p),)) for p in patterns_node}
        if isinstance(patterns_node, dict)
        else {}
    )
    required = data.get("required")
    return Shape(
        key=key,
        types=frozenset(types) if types is not None else None,
        nullable=nullable,
        properties=properties,
        required=frozenset(r for r in required if isinstance(r, str)) if isinstance(required, list) else frozenset(),
        items=items,
        additional=additional,
        enum=frozenset(hashable(v) for v in values) if values is not None else None,
        default=data.get("default", MISSING),
        deprecated=data.get("deprecated") is True,
        sunset=sunset_extensions(data),
        constraints=_keywords(data),
        patterns=patterns,
        fixed="const" in data,
        discriminator=hashable(data["discriminator"]) if "discriminator" in data else None,
        read_only=data.get("readOnly") is True,
        write_only=data.get("writeOnly") is True,
    )


_ANNOTATIONS = frozenset({"description", "title", "example", "examples", "nullable", "deprecated", "default"})


def _real_members(members: Any) -> int:
    """How many members of a oneOf/anyOf say something: `{type: null}` is nullability, and a
    member of only annotations accepts anything."""
    if not isinstance(members, list):
        return 0
    return sum(
        1
        for m in members
        if isinstance(m, dict)
        and m.get("type") != "null"
        and any(k not in _ANNOTATIONS and not str(k).startswith("x-") for k in m)
    )


def _keywords(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in KEYWORDS:
        if k not in data:
            continue
        if k in MEMBERS:
            count = _real_members(data[k])
            if count >= 2:  # one member is another way to write that member (or "X or null")
                out[k] = count
        elif k == "additionalProperties":
            if data[k] is False:
                out[k] = False
        elif k == "if":
            out[k] = hashable({w: data[w] for w in ("if", "then", "else") if w in data})
        else:
            out[k] = hashable(data[k])
    return out


def _all(shapes: list[Shape], key: tuple) -> Shape:
    """allOf: every part holds at once, so constraints add up."""
    types = _all_types(shapes)
    properties: dict[str, Schema] = {}
    for s in shapes:
        for name, sub in s.properties.items():
            properties[name] = combine([properties[name], sub], "all") if name in properties else sub
    enum, open_enum = _all_enum(shapes)
    items = [s.items for s in shapes if s.items is not None]
    additional = [s.additional for s in shapes if s.additional is not None]
    tagged = next((s for s in shapes if s.variants), None)
    constraints: dict[str, Any] = {}
    sunset: dict[str, Any] = {}
    patterns: dict[str, Schema] = {}
    for s in shapes:
        constraints.update(s.constraints)
        sunset.update(s.sunset)
        for p, sub in s.patterns.items():
            patterns[p] = combine([patterns[p], sub], "all") if p in patterns else sub
    return Shape(
        key=key,
        types=types,
        # 3.0 writes `nullable: true` next to `allOf: [$ref]` to make the referenced schema nullable.
        nullable=any(s.nullable for s in shapes),
        properties=properties,
        required=frozenset().union(*(s.required for s in shapes)),
        items=join(items, "all"),
        additional=join(additional, "all"),
        enum=enum,
        open_enum=open_enum,
        default=next((s.default for s in shapes if s.default is not MISSING), MISSING),
        deprecated=any(s.deprecated for s in shapes),
        sunset=sunset,
        tag=tagged.tag if tagged else None,
        variants=tagged.variants if tagged else {},
        constraints=constraints,
        patterns=patterns,
        fixed=any(s.fixed for s in shapes),
        discriminator=next((s.discriminator for s in shapes if s.discriminator is not None), None),
        read_only=any(s.read_only for s in shapes),
        write_only=any(s.write_only for s in shapes),
    )


def _all_types(shapes: list[Shape]) -> frozenset[str] | None:
    types: frozenset[str] | None = None
    for s in shapes:
        if s.types is None:
            continue
        if types is None:
            types = s.types
            continue
        both = types & s.types
        if not both and {"number", "integer"} <= types | s.types:
            both = frozenset({"integer"})  # an integer is a number
        types = both or types  # contradictory parts: keep the first rather than "nothing"
    return types


def _all_enum(shapes: list[Shape]) -> tuple[frozenset | None, bool]:
    """Closed lists intersect; open lists (known values, any accepted) add up and stay open."""
    closed = [s.enum for s in shapes if s.enum is not None and not s.open_enum]
    if closed:
        return frozenset.intersection(*closed), False
    listed = [s.enum for s in shapes if s.enum is not None]
    return (frozenset().union(*listed), True) if listed else (None, False)


def join(schemas: Sequence[Schema], mode: str) -> Schema | None:
    """`combine`, or None for no schemas at all."""
    return combine(schemas, mode) if schemas else None


def combine(schemas: Sequence[Schema], mode: str) -> Schema:
    """One schema for one or more, combined by `mode`; nested combinations of the same mode are flattened."""
    if len(schemas) == 1:
        return schemas[0]
    parts: list[Node | Schema] = []
    for s in schemas:
        if s.mode == mode or len(s.parts) == 1:
            parts.extend(s.parts)
        else:
            parts.append(s)
    return Schema(tuple(parts), mode)


def _only_null(s: Shape) -> bool:
    return s.nullable and s.types == frozenset() and not s.properties and s.items is None


def _any(spec: Spec, shapes: list[Shape], key: tuple, tag: str | None, schemas: list[Schema]) -> Shape:
    """oneOf/anyOf: a value is one of the variants."""
    nullable = any(s.nullable for s in shapes)
    kept = [(s, sch) for s, sch in zip(shapes, schemas, strict=False) if not _only_null(s)]
    if len(kept) == 1:
        # `anyOf: [X, {type: "null"}]` is 3.1's way to write a nullable X.
        only = kept[0][0]
        return replace(only, key=key, nullable=nullable or only.nullable)
    tagged = _tagged(spec, kept, tag)
    if tagged is not None:
        name, variants = tagged
        return Shape(key, frozenset({"object"}), nullable, tag=name, variants=variants)
    return _union([s for s, _ in kept], key, nullable)


def _tagged(spec: Spec, kept: list[tuple[Shape, Schema]], tag: str | None) -> tuple[str, dict[Any, Schema]] | None:
    """(tag field, {tag value: variant}) when every variant pins one field to values no other
    variant uses: the discriminator's field if there is one, else `type`, else `object`, else
    any field they all pin (chat messages are told apart by `role`)."""
    if not kept or any(s.types is not None and s.types != frozenset({"object"}) for s, _ in kept):
        return None
    if tag:
        names: list[str] = [tag]
    else:
        common = set.intersection(*(set(s.properties) | ({s.tag} if s.tag else set()) for s, _ in kept))
        names = [t for t in TAGS if t in common] + sorted(common - set(TAGS))
    for name in names:
        variants = _variants_by(spec, kept, name)
        if variants is not None:
            return name, variants
    return None


def _variants_by(spec: Spec, kept: list[tuple[Shape, Schema]], name: str) -> dict[Any, Schema] | None:
    variants: dict[Any, Schema] = {}
    for s, sch in kept:
        if s.variants and s.tag == name:
            found = dict(s.variants)  # a union of unions: flatten
        else:
            values = pinned(spec, s, name)
            if not values:
                return None
            found = {value: sch for value in values}
        if variants.keys() & found.keys():
            return None  # two variants share a value: this field does not tell them apart
        variants.update(found)
    return variants


def pinned(spec: Spec, s: Shape, name: str) -> frozenset | None:
    """The closed set of values `s` allows for property `name`, if it lists one."""
    if name not in s.properties:
        return None
    prop = shape_of(spec, s.properties[name])
    return prop.enum if prop.enum and not prop.open_enum else None


def _union(shapes: list[Shape], key: tuple, nullable: bool) -> Shape:
    """An untagged union, read as "any of these": types add up, only common fields are required."""
    types: frozenset[str] | None = frozenset()
    for s in shapes:
        types = None if types is None or s.types is None else types | s.types
    objects = [s for s in shapes if s.types is None or "object" in s.types]
    properties: dict[str, list[Schema]] = {}
    for s in objects:
        for name, sub in s.properties.items():
            properties.setdefault(name, []).append(sub)
    required = frozenset.intersection(*(s.required for s in objects)) if objects else frozenset()
    listed = [s.enum for s in shapes if s.enum is not None]
    enum = frozenset().union(*listed) if listed else None
    # `anyOf: [{type: string}, {enum: [...]}]` lists known values but accepts any string.
    open_enum = bool(listed) and (len(listed) < len(shapes) or any(s.open_enum for s in shapes))
    items = [s.items for s in shapes if s.items is not None]
    variants: dict[Any, Schema] = {}
    tag = None
    for s in shapes:
        if s.variants:
            variants.update(s.variants)
            tag = s.tag
    return Shape(
        key=key,
        types=types,
        nullable=nullable,
        properties={n: combine(subs, "any") for n, subs in properties.items()},
        required=required,
        items=join(items, "any"),
        enum=enum,
        open_enum=open_enum,
        default=next((s.default for s in shapes if s.default is not MISSING), MISSING),
        deprecated=all(s.deprecated for s in shapes),
        tag=tag,
        variants=variants,
    )
