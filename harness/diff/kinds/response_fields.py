"""Fields of a response body: what a consumer reads."""

from __future__ import annotations

from collections.abc import Iterator

from harness.diff.change import BREAKING, HARMLESS, RISKY, Change, Hit, field_pointer
from harness.diff.judge_parts import not_judged, readings, reads_field, types_named
from harness.diff.pairs import SchemaPair, type_name
from harness.diff.registry import Ruling, change_kind
from harness.diff.shape import Shape
from harness.diff.usage import Use


@change_kind(
    "response-field-removed",
    severity=BREAKING,
    scope="schema",
    summary="a response field is gone",
    judge=reads_field(BREAKING),
)
def removed(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role == "response":
        for name in pair.removed:
            yield Hit(field_pointer(name), old=type_name(pair.old_child(name)))


@change_kind(
    "response-field-renamed",
    severity=BREAKING,
    scope="schema",
    summary="a response field is gone and one of the same type came at the same level",
    judge=reads_field(BREAKING),
)
def renamed(pair: SchemaPair) -> Iterator[Hit]:
    for old, new in pair.renamed:
        yield Hit(field_pointer(old), old=old, new=new)


def covers(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    """Every type in `narrow` is one of `wide` (an integer is also a number)."""
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _retyped_for(change: Change, use: Use) -> Ruling:
    new = (types_named(change.new) or set()) - {"null"}
    for body, reading in readings(change, use):
        if reading is None or reading.types is None:
            inner = reading is None or any(p.startswith(change.pointer + "/") for p in body.reads)
            return (BREAKING if inner else RISKY), f"{body.name} reads {change.pointer or 'the body'}"
        if not all(reading.accepts_type(t) for t in new):
            return BREAKING, f"{body.name} expects {'|'.join(sorted(reading.types))} at {change.pointer or 'the body'}"
        return HARMLESS, f"{body.name} already accepts {change.new}"
    return None


@change_kind(
    "response-field-retyped",
    severity=BREAKING,
    scope="schema",
    summary="a response field can now hold a type it could not before",
    judge=_retyped_for,
)
def retyped(pair: SchemaPair) -> Iterator[Hit]:
    o, n = pair.old, pair.new
    if pair.role == "response" and o.types and n.types and not covers(o.types, n.types):
        yield Hit(old=type_name(o), new=type_name(n))


def _null_for(change: Change, use: Use) -> Ruling:
    for body, reading in readings(change, use):
        if reading is not None and (reading.types is None or "null" in reading.types):
            if not any(p.startswith(change.pointer + "/") for p in body.reads):
                return HARMLESS, f"{body.name} already accepts null at {change.pointer}"
        return BREAKING, f"{body.name} reads {change.pointer or 'the body'} and does not expect null"
    return None


def _can_be_null_now(o: Shape, n: Shape) -> bool:
    return n.nullable and not o.nullable and o.types != frozenset()


@change_kind(
    "response-field-nullable",
    severity=BREAKING,
    scope="schema",
    summary="a response field can now be null",
    judge=_null_for,
)
def made_nullable(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role == "response" and _can_be_null_now(pair.old, pair.new):
        yield Hit(old=type_name(pair.old), new=type_name(pair.new))


def _optional_for(change: Change, use: Use) -> Ruling:
    for body, reading in readings(change, use):
        if reading is not None and reading.required:
            return BREAKING, f"{body.name} requires {change.pointer}"
        return RISKY, f"{body.name} reads {change.pointer}, which may now be missing"
    return None


@change_kind(
    "response-field-optional",
    severity=BREAKING,
    scope="schema",
    summary="a response field is no longer required (may be missing)",
    judge=_optional_for,
)
def made_optional(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role == "response":
        for name in pair.matched:
            if name in pair.old.required and name not in pair.new.required:
                yield Hit(field_pointer(name), old="required", new="optional")


def _write_only_for(change: Change, use: Use) -> Ruling:
    for body, reading in readings(change, use):
        if reading is not None and reading.required:
            return BREAKING, f"{body.name} requires {change.pointer}, which responses no longer carry (writeOnly)"
        return RISKY, f"{body.name} reads {change.pointer}, which responses no longer carry (writeOnly)"
    return None


@change_kind(
    "response-field-write-only",
    severity=RISKY,
    scope="schema",
    summary="a response field became writeOnly: the spec no longer promises it in responses",
    judge=_write_only_for,
)
def made_write_only(pair: SchemaPair) -> Iterator[Hit]:
    for name in pair.write_only:
        yield Hit(field_pointer(name), old="readable", new="writeOnly")


@change_kind(
    "response-field-added", severity=HARMLESS, scope="schema", summary="a new response field", judge=not_judged
)
def added(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role == "response":
        for name in pair.added:
            yield Hit(field_pointer(name), new=type_name(pair.new_child(name)))
