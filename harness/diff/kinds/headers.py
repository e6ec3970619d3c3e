"""Response headers an operation documents (retry-after, x-request-id, ...)."""

from __future__ import annotations

from collections.abc import Iterator

from harness.diff.change import BREAKING, HARMLESS, RISKY, Change, Hit, field_pointer
from harness.diff.judge_parts import not_judged
from harness.diff.matching import bodies_at
from harness.diff.pairs import HeadersPair
from harness.diff.registry import Ruling, change_kind
from harness.diff.usage import Use


def _reads_header(change: Change, use: Use) -> Ruling:
    name = change.old
    if not bodies_at(use, change.location.status, None, None):
        return None
    if name in use.required_signals:
        return BREAKING, f"requires the {name} header"
    if name in use.signals or any(name in b.headers for b in use.bodies):
        return RISKY, f"reads the {name} header"
    return None


@change_kind(
    "response-header-removed",
    severity=RISKY,
    scope="headers",
    summary="a documented response header is gone",
    judge=_reads_header,
)
def header_removed(pair: HeadersPair) -> Iterator[Hit]:
    for name in sorted(pair.old.keys() - pair.new.keys()):
        yield Hit(field_pointer(name), old=name)


@change_kind(
    "response-header-added",
    severity=HARMLESS,
    scope="headers",
    summary="a new response header is documented",
    judge=not_judged,
)
def header_added(pair: HeadersPair) -> Iterator[Hit]:
    for name in sorted(pair.new.keys() - pair.old.keys()):
        yield Hit(field_pointer(name), new=name)
