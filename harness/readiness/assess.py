"""From contracts, chaos reports and cassettes to a verdict per capability."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from harness.contracts.model import Contract
from harness.errors import InputError
from harness.readiness.model import Capability, Evidence, Readiness, Rehearsal, Shutdown

SOON = 90  # days: a shutdown closer than this makes a ready capability's reasons say so


def assess(
    contracts: Sequence[Contract],
    *,
    reports: Sequence[str | Path] = (),
    cassettes: Sequence[str | Path] = (),
    primary: dict[str, str] | None = None,
    on: date | None = None,
) -> Readiness:
    """A verdict per capability named by `contracts` (baseline contracts are ignored)."""
    on = on or datetime.now(UTC).date()
    own = [c for c in contracts if c.consumer != "baseline" and c.capability]
    if not own:
        raise InputError("no contract names a capability (`capability: text-to-video`): nothing to judge")
    runs = [(str(path), scenario) for path in reports for scenario in _report(Path(path))]
    checked = _cassette_checks(own, cassettes)
    by_capability: dict[str, list[Contract]] = {}
    for contract in sorted(own, key=lambda c: c.source):
        by_capability.setdefault(str(contract.capability), []).append(contract)
    capabilities = []
    for name, group in by_capability.items():
        providers = list(dict.fromkeys(c.provider for c in group))
        chosen = (primary or {}).get(name) or _primary(providers, runs)
        evidence = tuple(_evidence(c, checked, runs) for c in group)
        rehearsals = tuple(_rehearsals(chosen, runs))
        shutdowns = tuple(s for c in group for s in _shutdowns(c, on))
        verdict, reasons = _verdict(chosen, evidence, rehearsals, shutdowns)
        if name not in (primary or {}) and not rehearsals and len(providers) > 1:
            reasons += (
                f"{chosen} taken as the primary (its contract comes first); name it with --primary {name}=PROVIDER",
            )
        capabilities.append(Capability(name, chosen, evidence, rehearsals, shutdowns, verdict, reasons))
    return Readiness(on, tuple(capabilities), tuple(str(p) for p in reports), tuple(str(c) for c in cassettes))


# -- inputs ---------------------------------------------------------------------------


def _report(path: Path) -> list[dict[str, Any]]:
    """The scenarios of one chaos JSON report (`chaos run --report DIR` writes DIR/report.json)."""
    if path.is_dir():
        path = path / "report.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the chaos report ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise InputError(f"{path}: not a JSON chaos report ({exc})") from None
    scenarios = data.get("scenarios") if isinstance(data, dict) else None
    if not isinstance(scenarios, list) or not all(isinstance(s, dict) for s in scenarios):
        raise InputError(f'{path}: not a chaos report (no "scenarios" list; `harness chaos run --report` writes one)')
    return scenarios


def _cassette_checks(contracts: Sequence[Contract], folders: Sequence[str | Path]) -> dict[str, tuple[int, int, str]]:
    """contract -> (exchanges checked, violations, folder), from every cassette folder given."""
    from harness.cassettes import load_path
    from harness.contracts import verify

    results: dict[str, tuple[int, int, str]] = {}
    for folder in folders:
        result = verify(list(contracts), load_path(folder))
        for contract in contracts:
            count = result.per_contract.get(contract.name, 0)
            broken = sum(1 for v in result.violations if v.contract == contract.name)
            if count and (contract.name not in results or results[contract.name][0] < count):
                results[contract.name] = (count, broken, str(folder))
    return results


# -- judging ----------------------------------------------------------------------------


def _primary(providers: list[str], runs: list[tuple[str, dict[str, Any]]]) -> str:
    """The provider the rehearsals take away most often; else the first contract's."""
    targeted = Counter(
        entry.get("provider")
        for _, scenario in runs
        for entry in scenario.get("timeline") or []
        if isinstance(entry, dict)
    )
    ranked = sorted(providers, key=lambda p: -targeted.get(p, 0))
    return ranked[0] if targeted.get(ranked[0]) else providers[0]


def _evidence(
    contract: Contract, checked: dict[str, tuple[int, int, str]], runs: list[tuple[str, dict[str, Any]]]
) -> Evidence:
    if contract.name in checked:
        count, broken, folder = checked[contract.name]
        if broken:
            return Evidence(
                contract.provider, contract.name, False, f"{folder}: {broken} violations in {count} exchanges"
            )
        return Evidence(contract.provider, contract.name, True, f"cassettes {folder}: {count} exchanges, no violations")
    journal = [
        (report, item)
        for report, scenario in runs
        for item in scenario.get("contracts") or []
        if isinstance(item, dict) and item.get("contract") == contract.name
    ]
    count = sum(int(item.get("checked") or 0) for _, item in journal)
    broken = sum(int(item.get("violations") or 0) for _, item in journal)
    if count and not broken:
        return Evidence(
            contract.provider,
            contract.name,
            True,
            f"double journals in {journal[0][0]}: {count} exchanges, no violations",
        )
    if count:
        return Evidence(
            contract.provider, contract.name, False, f"{journal[0][0]}: {broken} violations in {count} exchanges"
        )
    return Evidence(contract.provider, contract.name, False, "never checked against traffic")


def _rehearsals(primary: str, runs: list[tuple[str, dict[str, Any]]]) -> list[Rehearsal]:
    found = []
    for report, scenario in runs:
        if scenario.get("state") in ("did not start", "interrupted"):
            continue  # nothing was rehearsed: neither held nor failed
        faults: set[str] = {
            str(entry["fault"])
            for entry in scenario.get("timeline") or []
            if isinstance(entry, dict)
            and entry.get("provider") in (primary, None)
            and isinstance(entry.get("fault"), str)
        }
        for fault in sorted(faults):
            found.append(Rehearsal(fault, str(scenario.get("scenario")), bool(scenario.get("ok")), report))
    return found


def _shutdowns(contract: Contract, on: date) -> list[Shutdown]:
    from harness import catalogue

    found = []
    models = {i.request.json.get("model") for i in contract.interactions if isinstance(i.request.json, dict)}
    for model in sorted(m for m in models if isinstance(m, str)):
        life = catalogue.lifecycle(contract.provider, model, on)
        if life is not None and life.shutdown_on is not None:
            found.append(
                Shutdown(contract.provider, f"model {model}", life.state, life.shutdown_on, life.days_left(on))
            )
    routes = dict.fromkeys(f"{i.request.method} {i.request.path}" for i in contract.interactions)
    for route in routes:
        life = catalogue.route_lifecycle(contract.provider, route, on)
        if life is not None and life.shutdown_on is not None:
            found.append(
                Shutdown(contract.provider, f"route {route}", life.state, life.shutdown_on, life.days_left(on))
            )
    return found


def _verdict(
    primary: str, evidence: tuple[Evidence, ...], rehearsals: tuple[Rehearsal, ...], shutdowns: tuple[Shutdown, ...]
) -> tuple[str, tuple[str, ...]]:
    reasons: list[str] = []
    alternatives = [e for e in evidence if e.provider != primary]
    verified = [e for e in alternatives if e.verified]
    removing_held = [r for r in rehearsals if r.removes and r.held]
    removing_failed = [r for r in rehearsals if r.removes and not r.held]
    other_failed = [r for r in rehearsals if not r.removes and not r.held]
    blocking: list[str] = []
    risks: list[str] = []
    if not alternatives:
        blocking.append(f"no alternative to {primary}: no other provider has a contract for this capability")
    for r in removing_failed:
        blocking.append(f"{r.scenario}: {primary} taken away ({r.fault}) and the app did not hold")
    if alternatives and not verified:
        risks.append(
            "no alternative is verified: " + "; ".join(f"{e.provider} ({e.contract}) {e.how}" for e in alternatives)
        )
    if not removing_held and not removing_failed:
        risks.append(f"{primary} disappearing was never rehearsed (no gone, model_retired, outage or down fault on it)")
    for r in other_failed:
        risks.append(f"{r.scenario}: {r.fault} on {primary} did not hold")
    for e in verified:
        reasons.append(f"{e.provider} verified ({e.how})")
    for r in removing_held:
        reasons.append(f"{r.scenario}: {primary} taken away ({r.fault}) and the app held")
    for s in shutdowns:
        if s.state != "retired" or s.provider != primary:
            continue
        if verified:
            reasons.append(f"{primary} {s.what} shut down on {s.shutdown_on}: the verified alternative carries it")
        else:
            blocking.append(f"{primary} {s.what} shut down on {s.shutdown_on} and no verified alternative carries it")
    for s in shutdowns:
        if s.days_left is not None and 0 <= s.days_left <= SOON:
            reasons.append(f"{s.provider} {s.what} shuts down on {s.shutdown_on} ({s.days_left} days left)")
    if blocking:
        return "not ready", tuple(blocking + risks)
    if risks:
        return "at risk", tuple(risks + reasons)
    return "ready", tuple(reasons)
