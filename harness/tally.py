"""Tally: what the harness did in a pytest session, test by test, summed.

Each test that used the harness gives one record — plain JSON data, so it
travels inside pytest's reports from pytest-xdist workers to the controller:
its seed, doubles, exchanges, faults that acted, contracts checked and
violations, fallbacks observed, and its scenario. The tally sums them into
the terminal summary and `summary.json`.

A *fallback* is the app moving away from a provider that failed (an error
status, no answer, or an answer that never reached the app) to a different
one that served it (2xx, received), before the failed one served again. The
primary serving again later is a recovery, not a fallback, and is not
counted. It is read from the test's journal in the order the exchanges
happened, each told what reached the app (`Exchange.received`).

Faults count the calls they acted on: the injections' logs, and for network
faults the calls their proxy saw them act on (`toxiproxy/delivery.py`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

if TYPE_CHECKING:
    from harness.chaos.runner import ScenarioRun
    from harness.contracts.checker import Verification
    from harness.exchange import Exchange
    from harness.testbed import Testbed

SCHEMA = "harness.pytest-summary/1"


class ScenarioRecord(TypedDict):
    name: str
    source: str
    ok: bool
    failed: list[str]  # names of the verdicts that failed
    report: str | None


class ContractsRecord(TypedDict):
    matched: dict[str, int]  # contract -> exchanges it matched (those with none left out)
    loaded: int
    checked: int
    violations: list[str]


class TestRecord(TypedDict):
    """One test's record: JSON-safe, since it crosses from xdist workers to the controller."""

    seed: int
    outcome: str
    doubles: list[str]
    exchanges: int
    faults: dict[str, int]  # fault -> calls it acted on
    fallbacks: list[str]
    scenario: NotRequired[ScenarioRecord]
    contracts: NotRequired[ContractsRecord]
    cassette: NotRequired[dict[str, Any]]  # as the plugin describes it; plain JSON


class _ScenarioPart(TypedDict, total=False):
    scenario: ScenarioRecord


class Totals(TypedDict):
    tests: int
    exchanges: int
    faults_acted: int
    faults: dict[str, int]
    tests_with_faults: int
    contracts: dict[str, int]  # contract -> exchanges it matched
    contract_tests: int
    exchanges_checked: int
    violations: int
    tests_with_violations: int
    fallbacks: dict[str, int]
    tests_with_fallbacks: int
    scenarios_passed: int
    scenarios_failed: int
    cassettes: int


def fallbacks(exchanges: Iterable[Exchange]) -> list[str]:
    """`"openai -> anthropic"` for each move from a failing provider to another that served."""
    failing: list[str] = []  # failed since they last served, in the order they failed
    seen: list[str] = []
    for exchange in exchanges:
        provider = exchange.provider
        if provider is None:
            continue
        response = exchange.response
        if response is None or not exchange.received or response.status >= 400:
            if provider not in failing:
                failing.append(provider)
        elif 200 <= response.status < 300:
            for earlier in failing:
                pair = f"{earlier} -> {provider}"
                if earlier != provider and pair not in seen:
                    seen.append(pair)
            failing.clear()  # the app has an answer: every failure so far is dealt with
    return seen


def _network_faults(testbed: Testbed) -> Counter[str]:
    """Network fault (toxic type) -> calls it acted on, through the hops in front of the test's doubles."""
    from harness.chaos.toxiproxy.delivery import acted_by_type

    counts: Counter[str] = Counter()
    for double in testbed.doubles.values():
        for hop in double.hops:
            counts.update(acted_by_type(hop.forwarded().records or []))
    return counts


def record(
    *,
    seed: int,
    outcome: str,
    testbed: Testbed | None = None,
    verification: Verification | None = None,
    scenario_run: ScenarioRun | None = None,
    scenario_report: str | None = None,
    cassette: dict[str, Any] | None = None,
) -> TestRecord:
    """The plain-data record of one test."""
    exchanges: list[Exchange] = []
    faults: Counter[str] = Counter()
    doubles: list[str] = []
    if testbed is not None:
        exchanges = testbed.exchanges()
        faults.update(testbed.chaos.acted())
        faults.update(_network_faults(testbed))
        doubles = sorted(testbed.doubles)
    scenario: _ScenarioPart = {}
    if scenario_run is not None:
        exchanges = list(scenario_run.exchanges)
        faults.update(acted.fault for acted in scenario_run.fault_log)
        timeline = scenario_run.scenario.timeline
        for entry, count in scenario_run.network_acted.items():
            if count:
                faults[timeline[entry].fault.name] += count
        doubles = sorted(scenario_run.scenario.doubles)
        scenario["scenario"] = {
            "name": scenario_run.scenario.name,
            "source": scenario_run.scenario.source,
            "ok": scenario_run.ok,
            "failed": [v.name for v in scenario_run.failures],
            "report": scenario_report,
        }
    # One literal, so the keys keep their order in summary.json.
    data: TestRecord = {
        "seed": seed,
        "outcome": outcome,
        "doubles": doubles,
        **scenario,
        "exchanges": len(exchanges),
        "faults": dict(faults),
        "fallbacks": fallbacks(exchanges),
    }
    if verification is not None:
        data["contracts"] = {
            "matched": {name: n for name, n in verification.per_contract.items() if n},
            "loaded": len(verification.contracts),
            "checked": verification.checked,
            "violations": [str(v) for v in verification.violations],
        }
    if cassette is not None:
        data["cassette"] = cassette
    return data


@dataclass
class Tally:
    seed: int = 0
    tests: dict[str, TestRecord] = field(default_factory=dict)  # test id -> record

    def add(self, test_id: str, data: TestRecord) -> None:
        self.tests[test_id] = data

    def __bool__(self) -> bool:
        return bool(self.tests)

    def totals(self) -> Totals:
        records = list(self.tests.values())
        faults: Counter[str] = Counter()
        pairs: Counter[str] = Counter()
        for data in records:
            faults.update(data["faults"])
            pairs.update(data["fallbacks"])
        checked = [d["contracts"] for d in records if "contracts" in d]
        matched: Counter[str] = Counter()
        for c in checked:
            matched.update(c["matched"])
        scenarios = [d["scenario"] for d in records if "scenario" in d]
        return {
            "tests": len(records),
            "exchanges": sum(d["exchanges"] for d in records),
            "faults_acted": sum(faults.values()),
            "faults": dict(sorted(faults.items())),
            "tests_with_faults": sum(1 for d in records if d["faults"]),
            "contracts": dict(sorted(matched.items())),  # contract -> exchanges it matched
            "contract_tests": len(checked),
            "exchanges_checked": sum(c["checked"] for c in checked),
            "violations": sum(len(c["violations"]) for c in checked),
            "tests_with_violations": sum(1 for c in checked if c["violations"]),
            "fallbacks": dict(sorted(pairs.items())),
            "tests_with_fallbacks": sum(1 for d in records if d["fallbacks"]),
            "scenarios_passed": sum(1 for s in scenarios if s["ok"]),
            "scenarios_failed": sum(1 for s in scenarios if not s["ok"]),
            "cassettes": sum(1 for d in records if "cassette" in d),
        }

    def lines(self) -> list[str]:
        """The terminal summary, one fact a line."""
        t = self.totals()
        plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"  # noqa: E731
        lines = [
            f"{plural(t['tests'], 'test')} used the harness; {plural(t['exchanges'], 'exchange')} "
            f"with provider doubles; base seed {self.seed} (rerun with --harness-seed {self.seed})"
        ]
        faults = ", ".join(f"{name} {count}" for name, count in t["faults"].items())
        lines.append(
            f"faults injected: {plural(t['faults_acted'], 'call')} acted on"
            + (f" ({faults}) in {plural(t['tests_with_faults'], 'test')}" if faults else "")
        )
        if t["contract_tests"]:
            per = ", ".join(f"{name} {count}" for name, count in t["contracts"].items())
            lines.append(
                f"contracts checked: {plural(t['exchanges_checked'], 'exchange')} in "
                f"{plural(t['contract_tests'], 'test')}"
                + (f" ({per})" if per else " (none matched a contract's interactions)")
            )
            lines.append(
                f"violations: {t['violations']}"
                + (f" in {plural(t['tests_with_violations'], 'test')}" if t["violations"] else "")
            )
        else:
            lines.append("contracts checked: none (use --harness-contracts or @pytest.mark.contract)")
        pairs = ", ".join(f"{pair} {count}" for pair, count in t["fallbacks"].items())
        lines.append(
            f"fallbacks observed: {plural(t['tests_with_fallbacks'], 'test')}" + (f" ({pairs})" if pairs else "")
        )
        if t["scenarios_passed"] or t["scenarios_failed"]:
            lines.append(f"scenarios: {t['scenarios_passed']} held, {t['scenarios_failed']} failed")
        if t["cassettes"]:
            lines.append(f"cassettes: {plural(t['cassettes'], 'test')}")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "seed": self.seed,
            "totals": self.totals(),
            "tests": [{"test": test_id, **data} for test_id, data in sorted(self.tests.items())],
        }
