"""Default values: what the provider assumes for a field the consumer leaves out."""

from __future__ import annotations

from collections.abc import Iterator

from harness.diff.change import RISKY, Change, Hit
from harness.diff.judge_parts import encloser_sent
from harness.diff.matching import sends
from harness.diff.pairs import SchemaPair
from harness.diff.registry import Ruling, change_kind
from harness.diff.shape import MISSING
from harness.diff.spelling import quoted
from harness.diff.usage import Use


def _relies_on_default(change: Change, use: Use) -> Ruling:
    if change.location.part != "request" or not encloser_sent(change, use):
        return None
    if sends(use, change.location.section, change.pointer):
        return None
    return RISKY, f"leaves {change.pointer} out, so gets the new default {quoted(change.new)}"


@change_kind(
    "default-changed",
    severity=RISKY,
    scope="schema",
    summary="the default of a field changed (or was added or dropped)",
    judge=_relies_on_default,
)
def default_changed(pair: SchemaPair) -> Iterator[Hit]:
    old, new = pair.old.default, pair.new.default
    if old != new and not (old is MISSING and new is MISSING):
        yield Hit(old=None if old is MISSING else old, new=None if new is MISSING else new)
