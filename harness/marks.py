"""What the harness's pytest marks say, read into plain data.

    @pytest.mark.chaos("rate_limit", provider="openai", first=2, retry_after=0.2)
    @pytest.mark.chaos(["outage", "gone"], provider="openai")        # one run per fault
    @pytest.mark.chaos([{"fault": "drift", "pointer": "/id", "op": "remove"}, "malformed"])
    @pytest.mark.contract("contracts/chat.yaml", "contracts/videos/")
    @pytest.mark.contract                  # the --harness-contracts ones, faulted answers included
    @pytest.mark.scenario("scenarios/sunset.yaml")

Reading a mark checks only its shape; fault names and parameters are
checked where the fault is built (`harness.chaos.make`), with the same
messages as scenario files. Nothing heavy is imported here: the plugin reads
marks while collecting every test of a project.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

from harness.errors import InputError

CHAOS, CONTRACT, SCENARIO = "chaos", "contract", "scenario"


@dataclass(frozen=True)
class FaultSpec:
    """One fault of a chaos mark: a name (or a ready `Fault`), and its keywords:
    the fault's own parameters mixed with where (provider, route) and when
    (`harness.chaos.schedule.KEYS`), as `Chaos.inject` takes them."""

    fault: Any
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.fault if isinstance(self.fault, str) else getattr(self.fault, "name", type(self.fault).__name__)


def chaos_specs(marks: Iterable[Any]) -> list[FaultSpec]:
    """Every fault named by the chaos marks of a test, in the order written
    (pytest hands the closest mark first; the marks are read as given)."""
    specs: list[FaultSpec] = []
    for mark in marks:
        if len(mark.args) != 1:
            raise InputError(
                "@pytest.mark.chaos takes one fault name, or a list of them, then keywords: "
                "chaos('rate_limit', provider='openai', first=2)"
            )
        shared = dict(mark.kwargs)
        items = mark.args[0] if isinstance(mark.args[0], (list, tuple)) else [mark.args[0]]
        if not items:
            raise InputError("@pytest.mark.chaos got an empty list of faults")
        for item in items:
            specs.append(_spec(item, shared))
    return specs


def _spec(item: Any, shared: dict[str, Any]) -> FaultSpec:
    if isinstance(item, dict):
        if "fault" not in item:
            raise InputError(f"a fault given as a mapping needs a 'fault' key naming it: {item!r}")
        own = {k: v for k, v in item.items() if k != "fault"}
        return FaultSpec(item["fault"], {**shared, **own})
    if isinstance(item, str) or hasattr(item, "before"):  # a name, or a harness.chaos.Fault
        return FaultSpec(item, dict(shared))
    raise InputError(
        f"@pytest.mark.chaos: {item!r} is not a fault; give a name like 'outage', "
        "a mapping like {'fault': 'outage', 'status': 502}, or a harness.chaos Fault"
    )


def spec_ids(specs: list[FaultSpec]) -> list[str]:
    """Test ids for a chaos-parametrized test: the fault's name, plus the keywords
    that tell apart specs sharing a name (`outage`, `outage-status=502`)."""
    ids = []
    for spec in specs:
        twins = [other for other in specs if other.name == spec.name]
        keys = sorted(
            {
                k
                for other in twins
                for k in other.params
                if any(t.params.get(k, _MISSING) != other.params[k] for t in twins)
            }
        )
        shown = [f"{k}={spec.params[k]}" for k in keys if k in spec.params]
        ids.append("-".join([spec.name, *shown]))
    return ids


_MISSING = object()


def paths(marks: Iterable[Any], name: str) -> list[str]:
    """The file and folder arguments of every `name` mark (contract, scenario);
    a bare `@pytest.mark.contract` gives none."""
    found: list[str] = []
    for mark in marks:
        if mark.kwargs or not all(isinstance(arg, (str, PathLike)) for arg in mark.args):
            raise InputError(
                f"@pytest.mark.{name} takes file or folder paths only, e.g. @pytest.mark.{name}('{name}s/example.yaml')"
            )
        found.extend(str(arg) for arg in mark.args)
    return found
