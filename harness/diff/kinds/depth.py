"""Where the walk stopped: schemas nested deeper than it compares.

The walk (walk.py) reports this itself when a schema pair sits more than
MAX_DEPTH levels down, so a change below it is never missed in silence; no
unit can see it from one level, so `detect` finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from harness.diff.change import RISKY, Change, Hit
from harness.diff.judge_parts import response_bodies
from harness.diff.pairs import SchemaPair
from harness.diff.registry import Ruling, change_kind
from harness.diff.usage import Use


def _uses_below(change: Change, use: Use) -> Ruling:
    """Anything read or sent on the way down to the cut, or below it, may hide a change."""
    cut = change.pointer
    if change.location.part == "request":
        used = [p for p in use.sent if cut.startswith(p + "/") or p == cut or p.startswith(cut + "/")]
    else:
        used = [
            p for b in response_bodies(change, use) for p in b.reads if p and (cut.startswith(p) or p.startswith(cut))
        ]
    if used:
        return RISKY, f"uses {used[0]}; the schemas below {cut} were not compared"
    return None


@change_kind(
    "depth-limit-reached",
    severity=RISKY,
    scope="schema",
    summary="the schemas nest deeper than the diff compares: changes below this pointer were not looked for",
    judge=_uses_below,
)
def depth_limit_reached(pair: SchemaPair) -> Iterator[Hit]:
    return iter(())
