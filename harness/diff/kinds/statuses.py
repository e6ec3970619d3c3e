"""Response statuses an operation documents."""

from __future__ import annotations

from collections.abc import Iterator

from harness.diff.change import BREAKING, HARMLESS, Change, Hit
from harness.diff.judge_parts import not_judged
from harness.diff.matching import bodies_at
from harness.diff.pairs import StatusesPair
from harness.diff.registry import Ruling, change_kind
from harness.diff.usage import Use


def _handles_status(change: Change, use: Use) -> Ruling:
    for body in bodies_at(use, change.location.status, None, None):
        return BREAKING, f"expects status {change.location.status} ({body.name})"
    return None


@change_kind(
    "status-removed",
    severity=BREAKING,
    scope="statuses",
    summary="a response status is no longer documented",
    judge=_handles_status,
)
def status_removed(pair: StatusesPair) -> Iterator[Hit]:
    for status in sorted(pair.old.keys() - pair.new.keys()):
        yield Hit(old=status, status=status)


@change_kind(
    "status-added", severity=HARMLESS, scope="statuses", summary="a new response status is documented", judge=not_judged
)
def status_added(pair: StatusesPair) -> Iterator[Hit]:
    for status in sorted(pair.new.keys() - pair.old.keys()):
        yield Hit(new=status, status=status)
