"""Everything else a schema says (format, pattern, lengths, bounds, nullability
that got stricter): reported so nothing goes unseen, judged harmless."""

from __future__ import annotations

from collections.abc import Iterator

from harness.diff.change import HARMLESS, Hit
from harness.diff.judge_parts import not_judged
from harness.diff.pairs import SchemaPair
from harness.diff.registry import change_kind

MISSING = object()


@change_kind(
    "constraint-changed",
    severity=HARMLESS,
    scope="schema",
    summary="a validation keyword changed (format, pattern, min/max, lengths, nullability)",
    judge=not_judged,
)
def constraint_changed(pair: SchemaPair) -> Iterator[Hit]:
    o, n = pair.old.constraints, pair.new.constraints
    for key in sorted(o.keys() | n.keys()):
        before, after = o.get(key, MISSING), n.get(key, MISSING)
        if before != after:
            yield Hit(old=None if before is MISSING else {key: before}, new=None if after is MISSING else {key: after})
    # Made nullable in a response is its own kind; every other flip of nullability is noted here.
    if pair.old.nullable != pair.new.nullable and not (pair.role == "response" and pair.new.nullable):
        yield Hit(old={"nullable": pair.old.nullable}, new={"nullable": pair.new.nullable})
