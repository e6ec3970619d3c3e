"""Fields marked `deprecated: true`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from harness.diff.change import RISKY, Change, Hit
from harness.diff.judge_parts import reads_field, sends_field
from harness.diff.pairs import SchemaPair
from harness.diff.registry import Ruling, change_kind
from harness.diff.usage import Use

_reads = reads_field(RISKY)
_sends = sends_field(RISKY, "deprecated")


def _uses_field(change: Change, use: Use) -> Ruling:
    return _sends(change, use) if change.location.part == "request" else _reads(change, use)


def _notice(deprecated: bool, sunset: Mapping[str, Any]) -> dict[str, Any]:
    return {"deprecated": deprecated, **sunset}


@change_kind(
    "field-deprecated",
    severity=RISKY,
    scope="schema",
    summary="a field is newly marked deprecated, or given (or moved) a sunset date",
    judge=_uses_field,
)
def field_deprecated(pair: SchemaPair) -> Iterator[Hit]:
    o, n = pair.old, pair.new
    if pair.name is not None and ((n.deprecated and not o.deprecated) or (n.sunset and n.sunset != o.sunset)):
        yield Hit(old=_notice(o.deprecated, o.sunset), new=_notice(n.deprecated, n.sunset))
