"""judge(changes, contracts): what each change means for this consumer.

A change is breaking (or risky) for you when it touches something one of
your contracts uses: a route it calls, a field its schemas read, a value it
lists, a model or value its example request sends, an event type it handles.
Everything else is harmless for you, and provider-wide breaking changes that
miss you are listed apart, so you can see what others will trip over.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harness.contracts.model import Contract
from harness.diff.change import BREAKING, HARMLESS, LEVELS, RISKY, Change, Place
from harness.diff.matching import route_matches
from harness.diff.registry import kind
from harness.diff.usage import Use, uses_of


@dataclass(frozen=True)
class Judged:
    change: Change
    level: str  # for this consumer: breaking, risky or harmless
    reason: str
    contract: str | None = None  # the contract and interaction it touches, if any
    interaction: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.change.to_dict(),
            "level": self.level,
            "reason": self.reason,
            "contract": self.contract,
            "interaction": self.interaction,
        }


@dataclass(frozen=True)
class Judgement:
    consumers: tuple[str, ...]
    breaking: tuple[Judged, ...] = ()
    risky: tuple[Judged, ...] = ()
    harmless: tuple[Judged, ...] = ()
    provider_breaking: tuple[Judged, ...] = ()  # breaking for some clients, not touching yours
    provider_wide: bool = False  # no contracts: each change classed for any client of the API

    @property
    def exit_code(self) -> int:
        return 1 if self.breaking else 0

    @property
    def total(self) -> int:
        return len(self.breaking) + len(self.risky) + len(self.harmless) + len(self.provider_breaking)

    def verdict(self) -> str:
        who = "clients of this API" if self.provider_wide else ", ".join(self.consumers) or "this consumer"
        if self.breaking:
            n = len(self.breaking)
            head = f"{n} change{'s break' if n != 1 else ' breaks'} {who}"
        elif self.risky:
            head = (
                f"nothing breaks {who}, but {len(self.risky)} change{'s are' if len(self.risky) != 1 else ' is'} risky"
            )
        else:
            head = f"nothing breaks {who}"
        rest = [
            f"{len(self.risky)} risky" if self.breaking and self.risky else "",
            f"{len(self.provider_breaking)} provider-wide breaking not touching you" if self.provider_breaking else "",
            f"{len(self.harmless)} harmless",
        ]
        return head + " (" + ", ".join(r for r in rest if r) + ")"

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict(),
            "exit_code": self.exit_code,
            "consumers": list(self.consumers),
            "provider_wide": self.provider_wide,
            "counts": {
                "breaking": len(self.breaking),
                "risky": len(self.risky),
                "provider_breaking": len(self.provider_breaking),
                "harmless": len(self.harmless),
            },
            "breaking": [j.to_dict() for j in self.breaking],
            "risky": [j.to_dict() for j in self.risky],
            "provider_breaking": [j.to_dict() for j in self.provider_breaking],
            "harmless": [j.to_dict() for j in self.harmless],
        }


def judge(changes: Iterable[Change], contracts: Iterable[Contract]) -> Judgement:
    contracts = list(contracts)
    uses = uses_of(contracts)
    judged = [judge_one(change, uses) for change in changes]
    consumers = tuple(dict.fromkeys(c.consumer for c in contracts))
    return Judgement(
        consumers=consumers,
        breaking=tuple(j for j in judged if j.level == BREAKING),
        risky=tuple(j for j in judged if j.level == RISKY),
        harmless=tuple(j for j in judged if j.level == HARMLESS and j.change.severity != BREAKING),
        provider_breaking=tuple(j for j in judged if j.level == HARMLESS and j.change.severity == BREAKING),
    )


def classify(changes: Iterable[Change]) -> Judgement:
    """Provider-wide: with no contracts to judge by, each change is as bad as it is for any client
    (its kind's severity): breaking, risky or harmless."""
    judged = [Judged(c, c.severity, kind(c.kind).summary) for c in changes]
    return Judgement(
        consumers=(),
        breaking=tuple(j for j in judged if j.level == BREAKING),
        risky=tuple(j for j in judged if j.level == RISKY),
        harmless=tuple(j for j in judged if j.level == HARMLESS),
        provider_wide=True,
    )


def judge_one(change: Change, uses: list[Use]) -> Judged:
    """The worst the change does to any interaction, at any of its places. The change is shown
    at the place that hurts (its other places stay listed)."""
    unit = kind(change.kind)
    best: tuple[str, str, Use, Place] | None = None
    first_caller: Use | None = None
    for place in change.everywhere():
        callers = [u for u in uses if route_matches(place.method, place.path, place.spec_path or place.path, u)]
        if not callers:
            continue
        first_caller = first_caller or callers[0]
        here = change.at(place) if change.places else change
        for use in callers:
            verdict = unit.judge(here, use)
            if verdict is not None and (best is None or LEVELS.index(verdict[0]) < LEVELS.index(best[0])):
                best = (verdict[0], verdict[1], use, place)
        if best is not None and best[0] == BREAKING:
            break
    if best is not None:
        shown = change.at(best[3]) if change.places else change
        return Judged(shown, best[0], best[1], best[2].contract, best[2].interaction)
    if first_caller is None:
        where = change.route if len(change.everywhere()) == 1 else f"any of its {len(change.everywhere())} routes"
        return Judged(change, HARMLESS, f"no contract calls {where}")
    return Judged(
        change, HARMLESS, "your contracts do not use what changed", first_caller.contract, first_caller.interaction
    )


__all__ = ["Judged", "Judgement", "classify", "judge", "judge_one"]
