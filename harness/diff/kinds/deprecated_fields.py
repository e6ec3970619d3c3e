"""Fields marked `deprecated: true`."""

from __future__ import annotations

from harness.diff.change import RISKY, Change, Hit
from harness.diff.judging import reads_field, sends_field
from harness.diff.pairs import SchemaPair
from harness.diff.registry import change_kind
from harness.diff.usage import Use

_reads = reads_field(RISKY)
_sends = sends_field(RISKY, "deprecated")


def _uses_field(change: Change, use: Use):
    return _sends(change, use) if change.location.part == "request" else _reads(change, use)


@change_kind("field-deprecated", severity=RISKY, scope="schema",
             summary="a field is newly marked deprecated", judge=_uses_field)
def field_deprecated(pair: SchemaPair):
    if pair.name is not None and pair.new.deprecated and not pair.old.deprecated:
        yield Hit(old=False, new=True)
