"""Fields of a request body or query: what a consumer sends."""

from __future__ import annotations

from collections.abc import Iterator

from harness.diff.change import BREAKING, HARMLESS, RISKY, Change, Hit, field_pointer
from harness.diff.judge_parts import encloser_sent, not_judged, sends_field, sent_values, types_named
from harness.diff.kinds.response_fields import covers
from harness.diff.matching import sends
from harness.diff.pairs import SchemaPair, type_name
from harness.diff.registry import Ruling, change_kind
from harness.diff.spelling import quoted
from harness.diff.usage import Use, json_type


def _must_send(change: Change, use: Use) -> Ruling:
    if not encloser_sent(change, use):
        return None  # a required field inside an object the consumer does not send
    parent = change.pointer.rsplit("/", 1)[0]
    if parent and change.location.section == "body":
        held = use.sent.get(parent, ())
        if held and not any(isinstance(v, dict) for v in held):
            # `voice: alloy` where voice became `anyOf: [string, {id required}]`: the value it sends
            # is the string variant, still valid; the field is required only in the object one.
            return None
    if sends(use, change.location.section, change.pointer):
        return HARMLESS, f"already sends {change.pointer}"
    return BREAKING, f"does not send {change.pointer}, which is now required"


@change_kind(
    "request-field-required",
    severity=BREAKING,
    scope="schema",
    summary="a request field (or query parameter) was added as required, or became required",
    judge=_must_send,
)
def now_required(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role != "request":
        return
    # In a union of an object and other types, the field is required only when an object is sent.
    required = "required in the object variant" if pair.new.types and len(pair.new.types) > 1 else "required"
    for name in pair.added:
        if name in pair.new.required:
            yield Hit(field_pointer(name), old=None, new=required)
    for name in pair.matched:
        if name in pair.new.required and name not in pair.old.required:
            yield Hit(field_pointer(name), old="optional", new=required)


@change_kind(
    "request-field-removed",
    severity=RISKY,
    scope="schema",
    summary="a request field is no longer documented (it may be rejected or ignored)",
    judge=sends_field(RISKY, "it may now be rejected or silently ignored"),
)
def removed(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role == "request":
        for name in pair.removed:
            yield Hit(field_pointer(name), old=type_name(pair.old_child(name)))


def _sends_old_type(change: Change, use: Use) -> Ruling:
    new = types_named(change.new)
    values = sent_values(change, use)
    if not values or new is None:
        return None
    bad = [v for v in values if not covers(frozenset(new), frozenset({json_type(v)}))]
    if bad:
        return BREAKING, f"sends {quoted(bad[0])} at {change.pointer}, which must now be {change.new}"
    return HARMLESS, f"sends {change.pointer} as {change.new} already"


@change_kind(
    "request-field-retyped",
    severity=BREAKING,
    scope="schema",
    summary="a request field no longer accepts a type it used to",
    judge=_sends_old_type,
)
def retyped(pair: SchemaPair) -> Iterator[Hit]:
    o, n = pair.old, pair.new
    if pair.role == "request" and o.types and n.types and not covers(n.types, o.types):
        yield Hit(old=type_name(o), new=type_name(n))


@change_kind(
    "request-field-added", severity=HARMLESS, scope="schema", summary="a new optional request field", judge=not_judged
)
def added(pair: SchemaPair) -> Iterator[Hit]:
    if pair.role == "request":
        for name in pair.added:
            if name not in pair.new.required:
                yield Hit(field_pointer(name), new=type_name(pair.new_child(name)))
