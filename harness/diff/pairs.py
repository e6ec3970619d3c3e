"""What a change unit is handed: the old and the new side of one thing.

Pairing (which operation, status, media type, event or property on one side
is which on the other) is done here once, so no unit repeats it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.diff.shape import Schema, Shape, pinned, shape_of
from harness.diff.spec import Node, Operation, Spec
from harness.diff.sunsets import SunsetPolicy


@dataclass(frozen=True, eq=False)
class OperationPair:
    old: Operation | None  # None: the operation is new
    new: Operation | None  # None: the operation is gone
    path_gone: bool = False  # ... and so is every operation of its path
    # The security requirements that apply (the operation's own, else the document's), written
    # as alternatives: "api_key", "oauth(read, write) + api_key".
    old_security: tuple[str, ...] = ()
    new_security: tuple[str, ...] = ()
    hook: bool = False  # a webhook or callback: the provider calls the consumer
    sunsets: SunsetPolicy | None = None  # the minimum notice before a sunset, if one is asked for


@dataclass(frozen=True, eq=False)
class BodyPair:
    """The request body objects (`required`, `content`) of one operation on both sides."""

    old: Node | None
    new: Node | None


@dataclass(frozen=True, eq=False)
class StatusesPair:
    old: Mapping[str, Node]  # status ("200", "4XX", "default") -> response object
    new: Mapping[str, Node]


@dataclass(frozen=True, eq=False)
class ContentPair:
    part: str  # "request" or "response"
    old: Mapping[str, Node]  # media type -> media type object
    new: Mapping[str, Node]


@dataclass(frozen=True, eq=False)
class HeadersPair:
    old: Mapping[str, Node]  # lower-case header name -> header object
    new: Mapping[str, Node]


@dataclass(frozen=True, eq=False)
class StreamPair:
    old: Mapping[str, Schema]  # event type -> schema of its data
    new: Mapping[str, Schema]


@dataclass(frozen=True, eq=False)
class SchemaPair:
    """One level of a schema on both sides, with its properties already paired."""

    old: Shape
    new: Shape
    role: str  # "request" (the consumer sends it) or "response" (it reads it)
    name: str | None  # the property this level is the value of, if any
    old_spec: Spec
    new_spec: Spec
    matched: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # not counting renamed ones
    added: tuple[str, ...] = ()  # not counting renamed ones
    renamed: tuple[tuple[str, str], ...] = ()
    write_only: tuple[str, ...] = ()  # response fields that became `writeOnly` (not counted as removed)
    tag: str | None = None  # the field that tells variants apart, when either side is a tagged union
    old_variants: Mapping[Any, Shape] = field(default_factory=dict)  # tag value -> variant
    new_variants: Mapping[Any, Shape] = field(default_factory=dict)

    def old_child(self, name: str) -> Shape:
        return shape_of(self.old_spec, self.old.properties[name])

    def new_child(self, name: str) -> Shape:
        return shape_of(self.new_spec, self.new.properties[name])


def pair_schemas(old: Shape, new: Shape, role: str, name: str | None, old_spec: Spec, new_spec: Spec) -> SchemaPair:
    """Pair the properties of two shapes. In a response, a field removed and one added with the
    same type at the same level are taken as one field renamed (closest names first)."""
    tag = old.tag or new.tag
    old_variants = variants_of(old_spec, old, tag)
    new_variants = variants_of(new_spec, new, tag)
    if old_variants and new_variants and bool(old.variants) != bool(new.variants):
        # A union of one object became a union of several (or back): its fields are
        # compared variant by variant, not against the union's (empty) own fields.
        return SchemaPair(
            old, new, role, name, old_spec, new_spec, tag=tag, old_variants=old_variants, new_variants=new_variants
        )
    old_props, new_props = visible(old_spec, old, role), visible(new_spec, new, role)
    gone = [n for n in old_props if n not in new_props]
    came = [n for n in new_props if n not in old_props]
    # Still declared, but now `writeOnly`: responses stop carrying it, which is not the same news
    # as the field being gone (it is often a spec catching up with a field never sent, a password).
    hidden = tuple(n for n in gone if n in new.properties) if role == "response" else ()
    gone = [n for n in gone if n not in hidden]
    matched = tuple(n for n in old_props if n in new_props)  # dicts: each test is one lookup
    renamed: list[tuple[str, str]] = []
    if role == "response" and gone and came:
        sig_old = {n: signature(shape_of(old_spec, old.properties[n])) for n in gone}
        sig_new = {n: signature(shape_of(new_spec, new.properties[n])) for n in came}
        candidates = sorted(
            (
                (difflib.SequenceMatcher(None, a, b).ratio(), a, b)
                for a in gone
                for b in came
                if sig_old[a] is not None and sig_old[a] == sig_new[b]
            ),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        used_old: set[str] = set()
        used_new: set[str] = set()
        for _, a, b in candidates:
            if a not in used_old and b not in used_new:
                renamed.append((a, b))
                used_old.add(a)
                used_new.add(b)
        gone = [n for n in gone if n not in used_old]
        came = [n for n in came if n not in used_new]
    return SchemaPair(
        old,
        new,
        role,
        name,
        old_spec,
        new_spec,
        matched,
        tuple(gone),
        tuple(came),
        tuple(renamed),
        hidden,
        tag,
        old_variants,
        new_variants,
    )


def visible(spec: Spec, shape: Shape, role: str) -> dict[str, None]:
    """The properties a body in `role` can carry: a `readOnly` one never comes in a request,
    a `writeOnly` one never in a response, so neither is compared there."""
    hidden = "readOnly" if role == "request" else "writeOnly"
    return {n: None for n, sub in shape.properties.items() if not _marked(spec, sub, hidden)}


def _marked(spec: Spec, sch: Schema, word: str) -> bool:
    """Is the schema `readOnly` (or `writeOnly`)? A bare `$ref` is read through its target, whose
    shape is built once however many properties name it."""
    if len(sch.parts) == 1 and isinstance(sch.parts[0], Node):
        data = sch.parts[0].data
        if isinstance(data, dict) and data.get(word) is True:
            return True
        if isinstance(data, dict) and "$ref" in data and not any(k in data for k in ("allOf", "anyOf", "oneOf")):
            sch = Schema((spec.resolve(sch.parts[0]),))
    shape = shape_of(spec, sch)
    return shape.read_only if word == "readOnly" else shape.write_only


def variants_of(spec: Spec, shape: Shape, tag: str | None) -> dict[Any, Shape]:
    """Tag value -> variant. A plain object that pins the tag field is a union of one."""
    if tag is None:
        return {}
    if shape.variants:
        return {v: shape_of(spec, sub) for v, sub in shape.variants.items()} if shape.tag == tag else {}
    values = pinned(spec, shape, tag)
    return {v: shape for v in values} if values else {}


def signature(shape: Shape) -> Any:
    """What "the same type" means for a rename: the same JSON types and nullability."""
    return None if shape.types is None else (shape.types, shape.nullable)


def type_name(shape: Shape) -> str:
    """`string`, `integer|null`, `array`, `any`: a shape's type as a report shows it."""
    if shape.types is None:
        name = "any"
    elif not shape.types:
        name = "null" if shape.nullable else "nothing"
        return name
    else:
        name = "|".join(sorted(shape.types))
    return name + ("|null" if shape.nullable else "")
