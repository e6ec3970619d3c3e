"""Listed values (enum / const) and the variants of a tagged union.

A tagged union (`oneOf` of objects with a `type` constant) gaining a
variant is its tag field gaining a value, and is reported as such at
`<pointer>/type`: a consumer that switches on `type` is the one at risk.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.diff.change import BREAKING, HARMLESS, RISKY, Change, Hit, field_pointer
from harness.diff.judge_parts import not_judged, readings, sent_values
from harness.diff.pairs import SchemaPair
from harness.diff.registry import Ruling, change_kind
from harness.diff.shape import constant
from harness.diff.spelling import quoted
from harness.diff.usage import Use

MODEL_FIELDS = ("model",)
ANY_VALUE = "(any value)"


def _values(pair: SchemaPair, gained: bool) -> Iterator[tuple[str, Any]]:
    """(pointer, value) for each value listed on one side only."""
    o, n = pair.old, pair.new
    if pair.role == "response" and constant(o):
        pass  # a response's one constant value that changed is response-constraint-loosened
    elif o.enum is not None and n.enum is not None:
        for value in sorted((n.enum - o.enum) if gained else (o.enum - n.enum), key=repr):
            yield "", value
    elif gained and o.enum is not None and not o.open_enum and n.enum is None and n.types and "string" in n.types:
        yield "", ANY_VALUE  # the list was dropped: any string may come now
    old_tags, new_tags = pair.old_variants.keys(), pair.new_variants.keys()
    if pair.tag is not None and old_tags and new_tags and (o.variants or n.variants):
        for value in sorted((new_tags - old_tags) if gained else (old_tags - new_tags), key=repr):
            yield field_pointer(pair.tag), value


def _is_model(pair: SchemaPair) -> bool:
    return pair.name in MODEL_FIELDS


def _switches_on(change: Change, use: Use) -> Ruling:
    for body, reading in readings(change, use):
        if reading is not None and reading.enum is not None:
            if change.new in reading.enum:
                return HARMLESS, f"{body.name} already handles {quoted(change.new)}"
            return (
                RISKY,
                f"{body.name} switches on {change.pointer} ({', '.join(map(str, sorted(reading.enum, key=str)))})",
            )
    return None


@change_kind(
    "enum-value-added",
    severity=RISKY,
    scope="schema",
    summary="a response field can hold a value it never listed before",
    judge=_switches_on,
)
def value_added(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role == "response":
        for pointer, value in _values(pair, gained=True):
            yield Hit(pointer, new=value)


def _waits_for(change: Change, use: Use) -> Ruling:
    for body, reading in readings(change, use):
        if reading is not None and reading.enum is not None and change.old in reading.enum:
            return RISKY, f"{body.name} handles {quoted(change.old)}, which will no longer come"
    return None


@change_kind(
    "enum-value-removed",
    severity=HARMLESS,
    scope="schema",
    summary="a response field no longer lists a value",
    judge=_waits_for,
)
def value_removed(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role == "response":
        for pointer, value in _values(pair, gained=False):
            yield Hit(pointer, old=value)


def _sends_value(change: Change, use: Use) -> Ruling:
    if change.old in sent_values(change, use):
        return BREAKING, f"sends {quoted(change.old)} at {change.pointer}"
    return None


@change_kind(
    "request-enum-narrowed",
    severity=BREAKING,
    scope="schema",
    summary="a request field no longer accepts a value it listed",
    judge=_sends_value,
)
def narrowed(pair: SchemaPair) -> Iterator[Hit]:
    # An open list (`anyOf: [string, enum]`) still accepts the value as a plain string.
    if pair.role == "request" and not _is_model(pair) and not pair.new.open_enum:
        for pointer, value in _values(pair, gained=False):
            yield Hit(pointer, old=value)


@change_kind(
    "request-enum-widened",
    severity=HARMLESS,
    scope="schema",
    summary="a request field accepts a new value",
    judge=not_judged,
)
def widened(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role == "request" and not _is_model(pair):
        for pointer, value in _values(pair, gained=True):
            if value != ANY_VALUE:
                yield Hit(pointer, new=value)


def _uses_model(change: Change, use: Use) -> Ruling:
    if change.old in sent_values(change, use) or (change.pointer == "/model" and use.model == change.old):
        return BREAKING, f"sends model {quoted(change.old)}"
    return None


@change_kind(
    "model-removed",
    severity=BREAKING,
    scope="schema",
    summary="a model id is no longer listed (retired or renamed)",
    judge=_uses_model,
)
def model_removed(pair: SchemaPair) -> Iterator[Hit]:
    # Providers retire models by dropping them from the list even where any string is accepted.
    if pair.role == "request" and _is_model(pair):
        for pointer, value in _values(pair, gained=False):
            yield Hit(pointer, old=value)


@change_kind("model-added", severity=HARMLESS, scope="schema", summary="a new model id is listed", judge=not_judged)
def model_added(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role == "request" and _is_model(pair):
        for pointer, value in _values(pair, gained=True):
            if value != ANY_VALUE:
                yield Hit(pointer, new=value)
