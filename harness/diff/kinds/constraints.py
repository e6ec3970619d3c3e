"""Validation keywords: bounds, lengths, patterns, formats, nullability, newly listed values,
and the JSON Schema 2020-12 keywords (prefixItems, if/then/else, dependent*, unevaluated*,
propertyNames, contains, const, not, content*), plus the members of a union.

Which way a change hurts depends on who writes the value (keywords.py): a request
that accepts less breaks a consumer whose values fall outside it; a response that
may hold more breaks a consumer that relied on the old bounds. The other
direction is reported too, as harmless, so nothing goes unseen.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.diff.change import BREAKING, HARMLESS, RISKY, Change, Hit
from harness.diff.judge_parts import not_judged, readings, sent_values
from harness.diff.keywords import ANNOTATIONS, CHANGED, LOOSER, MISSING, TIGHTER, direction
from harness.diff.pairs import SchemaPair
from harness.diff.registry import Ruling, change_kind
from harness.diff.shape import constant
from harness.diff.spelling import quoted
from harness.diff.usage import Use
from harness.diff.value_check import violates


def _moves(pair: SchemaPair) -> Iterator[tuple[str, Any, Any, str]]:
    """(keyword, old, new, direction) for every validation keyword that changed at this level."""
    o, n = pair.old, pair.new
    for key in sorted(o.constraints.keys() | n.constraints.keys()):
        before, after = o.constraints.get(key, MISSING), n.constraints.get(key, MISSING)
        if key == "allOf" and MISSING in (before, after):
            continue  # inlining a composition (or composing an inline schema) says the same thing
        if before != after:
            yield key, before, after, direction(key, before, after)
    if o.nullable != n.nullable:
        yield "nullable", o.nullable, n.nullable, LOOSER if n.nullable else TIGHTER
    if o.enum is None and n.enum is not None and not n.open_enum and o.types != frozenset():
        # A field that took any value now lists the values it takes (const or enum).
        yield "enum", MISSING, tuple(sorted(n.enum, key=repr)), TIGHTER
    if pair.role == "response" and o.enum is not None and constant(o) and n.enum != o.enum:
        # A response field that always held one value (const) holds another, or any.
        (value,) = o.enum
        now: Any = MISSING
        if n.enum is not None:
            listed = sorted(n.enum, key=repr)
            now = listed[0] if len(listed) == 1 else tuple(listed)
        yield "const", value, now, LOOSER


def _hit(key: str, before: Any, after: Any) -> Hit:
    return Hit(old=None if before is MISSING else {key: before}, new=None if after is MISSING else {key: after})


def _breaks_sender(change: Change, use: Use) -> Ruling:
    values = sent_values(change, use, parameters=True)
    if not values:
        return None
    verdicts = [violates(change.new, change.old, v) for v in values]
    bad = [v for v, verdict in zip(values, verdicts, strict=True) if verdict is True]
    if bad:
        return BREAKING, f"sends {quoted(bad[0])} at {change.pointer or 'the body'}, outside the new {_named(change)}"
    if any(verdict is None for verdict in verdicts):
        return RISKY, f"sends {change.pointer or 'the body'}; cannot tell whether it meets the new {_named(change)}"
    return HARMLESS, f"what it sends at {change.pointer or 'the body'} meets the new {_named(change)}"


def _named(change: Change) -> str:
    side = change.new if isinstance(change.new, dict) else change.old
    return ", ".join(side) if isinstance(side, dict) else "rule"


@change_kind(
    "request-constraint-tightened",
    severity=BREAKING,
    scope="schema",
    summary="a request field accepts fewer values: a lower maximum, a shorter maxLength, a new pattern, "
    "no longer nullable, a newly listed enum, a 2020-12 keyword added, a union member removed",
    judge=_breaks_sender,
)
def request_tightened(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role == "request":
        for key, before, after, way in _moves(pair):
            if way in (TIGHTER, CHANGED):
                yield _hit(key, before, after)


def _relied_on(change: Change, use: Use) -> Ruling:
    for body, _reading in readings(change, use):
        return BREAKING, f"{body.name} reads {change.pointer or 'the body'}, which may now hold values outside " + (
            f"the old {_named(change)}"
        )
    return None


def _loosened(key: str, way: str, pair: SchemaPair) -> bool:
    if key == "nullable":
        return False  # made nullable in a response is response-field-nullable
    return way in (LOOSER, CHANGED) and key not in ANNOTATIONS


@change_kind(
    "response-constraint-loosened",
    severity=BREAKING,
    scope="schema",
    summary="a response field may hold values it could not before: a higher maximum, a longer maxLength, "
    "a const changed or dropped, a 2020-12 keyword removed, a union member added",
    judge=_relied_on,
)
def response_loosened(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role == "response":
        for key, before, after, way in _moves(pair):
            if _loosened(key, way, pair):
                yield _hit(key, before, after)


@change_kind(
    "constraint-changed",
    severity=HARMLESS,
    scope="schema",
    summary="a validation keyword changed in the direction no consumer notices (a request accepts more, "
    "a response promises more, or an annotation such as format changed in a response)",
    judge=not_judged,
)
def constraint_changed(pair: SchemaPair) -> Iterator[Hit]:
    for key, before, after, way in _moves(pair):
        if pair.role == "request":
            if way == LOOSER:
                yield _hit(key, before, after)
        elif not _loosened(key, way, pair) and not (key == "nullable" and after is True):
            yield _hit(key, before, after)
