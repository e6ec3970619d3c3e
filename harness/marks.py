"""What the harness's pytest marks say, read into plain data.

    @pytest.mark.chaos("rate_limit", provider="openai", first=2, retry_after=0.2)
    @pytest.mark.chaos(["outage", "gone"], provider="openai")        # one run per fault
    @pytest.mark.chaos([{"fault": "drift", "pointer": "/id", "op": "remove"}, "malformed"])
    @pytest.mark.chaos(["deprecated", "rate_limit"], provider="openai", together=True)  # one run, both
    @pytest.mark.chaos("outage", provider="openai", optional=True)   # may rightly never act
    @pytest.mark.contract("contracts/chat.yaml", "contracts/videos/")
    @pytest.mark.contract                  # the --harness-contracts ones, faulted answers included
    @pytest.mark.contract("contracts/chat.yaml", expect_violations=["/choices/0/finish_reason"])
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
    the fault's own parameters mixed with where (provider, route), when
    (`harness.chaos.schedule.KEYS`) and `optional`, as `Chaos.inject` takes them.
    A fault of a `together=True` mark acts in every run of the test; the others
    are alternatives, one run each."""

    fault: Any
    params: dict[str, Any] = field(default_factory=dict)
    together: bool = False

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
        together = shared.pop("together", False)
        if not isinstance(together, bool):
            raise InputError(f"@pytest.mark.chaos: together is True or False, not {together!r}")
        items = mark.args[0] if isinstance(mark.args[0], (list, tuple)) else [mark.args[0]]
        if not items:
            raise InputError("@pytest.mark.chaos got an empty list of faults")
        for item in items:
            spec = _spec(item, shared)
            specs.append(FaultSpec(spec.fault, spec.params, together) if together else spec)
    return specs


def alternatives(specs: list[FaultSpec]) -> list[FaultSpec]:
    """The faults that each get a run of their own: those of marks without `together`."""
    return [spec for spec in specs if not spec.together]


def in_one_run(specs: list[FaultSpec], chosen: FaultSpec | None) -> list[FaultSpec]:
    """The faults one run injects: every `together` fault, and the run's own alternative
    (`chosen`, when the test is parametrized over several; else the only one there is)."""
    if chosen is None:
        return list(specs)
    return [spec for spec in specs if spec.together] + [chosen]


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
    allowed = {"expect_violations"} if name == CONTRACT else set()
    for mark in marks:
        if set(mark.kwargs) - allowed or not all(isinstance(arg, (str, PathLike)) for arg in mark.args):
            extra = " and expect_violations=[...]" if allowed else ""
            raise InputError(
                f"@pytest.mark.{name} takes file or folder paths{extra} only, "
                f"e.g. @pytest.mark.{name}('{name}s/example.yaml')"
            )
        found.extend(str(arg) for arg in mark.args)
    return found


def expected_violations(marks: Iterable[Any]) -> list[str]:
    """The `expect_violations` of every contract mark: texts each of which some
    violation must contain (a part of its line: a pointer, an interaction's name)."""
    found: list[str] = []
    for mark in marks:
        given = mark.kwargs.get("expect_violations", [])
        items = [given] if isinstance(given, str) else given
        if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) and i for i in items):
            raise InputError(
                "@pytest.mark.contract: expect_violations is a list of texts, each a part of a violation "
                "it expects, e.g. expect_violations=['/choices/0/finish_reason']"
            )
        found.extend(items)
    return found
