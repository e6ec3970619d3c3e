"""The `discriminator` of a union: which field names the variant, and which value maps to which."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from harness.diff.change import RISKY, Change, Hit
from harness.diff.judge_parts import readings, sends_field
from harness.diff.pairs import SchemaPair
from harness.diff.registry import Ruling, change_kind
from harness.diff.usage import Use

_sends = sends_field(RISKY, "the field that picks its variant changed")


def _picks_variant(change: Change, use: Use) -> Ruling:
    if change.location.part == "request":
        return _sends(change, use)
    for body, _ in readings(change, use):
        return RISKY, f"{body.name} reads {change.pointer or 'the body'}, whose variants are told apart differently"
    return None


def _plain(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@change_kind(
    "discriminator-changed",
    severity=RISKY,
    scope="schema",
    summary="a union's discriminator was added, removed, renamed or mapped differently",
    judge=_picks_variant,
)
def discriminator_changed(pair: SchemaPair) -> Iterator[Hit]:
    o, n = pair.old.discriminator, pair.new.discriminator
    if o != n:
        yield Hit(old=_plain(o), new=_plain(n))
