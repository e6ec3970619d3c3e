"""What every report format reads from a run, computed once: plain data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from harness.exchange import Exchange

if TYPE_CHECKING:
    from harness.chaos.runner import ScenarioRun


def exchange_data(x: Exchange, step: int | None = None) -> dict[str, Any]:
    return {
        "provider": x.provider,
        "method": x.request.method,
        "path": x.request.path,
        "route": x.route,
        "status": x.status,
        "received": x.received,  # did the app get the whole answer
        "delivery": x.delivery,  # what of it reached the app: harness.exchange.DELIVERIES
        "delivered": x.delivered,  # bytes of the body that did, when known and not whole
        "fault": x.fault,
        "error": x.error,
        "started": round(x.started, 3),
        "elapsed_ms": round(x.elapsed * 1000, 1),
        "step": step,
    }


def run_data(run: ScenarioRun) -> dict[str, Any]:
    scenario = run.scenario
    return {
        "scenario": scenario.name,
        "source": scenario.source,
        "description": scenario.description,
        "seed": scenario.seed,
        "start": scenario.start,
        "ok": run.ok,
        "state": run.state,  # held, failed, did not start, interrupted
        "interrupted": run.interrupted,  # the signal that stopped it, or null
        "steps_run": run.steps_run,
        "seconds": round(run.seconds, 3),
        "doubles": list(scenario.doubles),
        "timeline": [
            {
                "fault": e.fault.name,
                "provider": e.provider,
                "route": str(e.route) if e.route else None,
                "at": e.schedule.at if e.schedule.at is not None else 0,
                "until": e.schedule.until,
                "layer": e.fault.layer,
            }
            for e in scenario.timeline
        ],
        "steps": [{"index": s.index, "name": s.name, "at": s.at} for s in scenario.steps],
        "verdicts": [
            {
                "kind": v.kind,
                "name": v.name,
                "ok": v.ok,
                "message": v.message,
                "line": v.line,
                "evidence": [exchange_data(x, run.step(x)) for x in v.evidence],
            }
            for v in run.verdicts
        ],
        "exchanges": [exchange_data(x, run.step(x)) for x in run.exchanges],
        "fault_log": [
            {"fault": a.fault, "provider": a.provider, "route": a.route, "call": a.call, "at": a.at}
            for a in run.fault_log
        ],
        "network_log": run.network_log,
        "network_acted": {str(entry): count for entry, count in run.network_acted.items()},
        "notes": run.notes,
        "app_output": run.app_output,
        "contracts": run.contract_evidence,
        "fuzz": fuzz_data(run),
    }


def fuzz_data(run: ScenarioRun) -> dict[str, Any] | None:
    """A fuzz run's requests and findings, each with the curl line that reproduces it; null
    for a scenario without a `fuzz` block."""
    if run.scenario.fuzz is None:
        return None
    return {
        "spec": run.scenario.fuzz.spec.where,
        "max_examples": run.scenario.fuzz.max_examples,
        "requests": run.fuzz_requests,
        "findings": [
            {
                "check": f.check,
                "operation": f.operation,
                "status": f.status,
                "message": f.message,
                "curl": f.curl,
                "day": f.day,
                "more": f.more,
                "calls": [exchange_data(x) for x in f.calls],
            }
            for f in run.fuzz_findings
        ],
    }


def totals(runs: Sequence[ScenarioRun]) -> dict[str, int]:
    """Counts over the runs; `failed` is every run that did not hold, of which
    `did_not_start` and `interrupted` say how many never got to be judged."""
    from harness.chaos.verdicts import DID_NOT_START, INTERRUPTED  # the runs exist: chaos is loaded

    verdicts = [v for run in runs for v in run.verdicts]
    return {
        "scenarios": len(runs),
        "passed": sum(r.ok for r in runs),
        "failed": sum(not r.ok for r in runs),
        "did_not_start": sum(r.state == DID_NOT_START for r in runs),
        "interrupted": sum(r.state == INTERRUPTED for r in runs),
        "verdicts": len(verdicts),
        "verdicts_failed": sum(not v.ok for v in verdicts),
    }


def headline(runs: Sequence[ScenarioRun]) -> str:
    """The run in one line, e.g. `1 of 3 scenarios failed, 1 interrupted (SIGTERM)`."""
    counts = totals(runs)
    if not counts["failed"]:
        return f"all {counts['scenarios']} scenarios held"
    failed = counts["failed"] - counts["did_not_start"] - counts["interrupted"]
    parts = [f"{failed} failed"] if failed else []
    if counts["did_not_start"]:
        parts.append(f"{counts['did_not_start']} did not start")
    signals = sorted({r.interrupted for r in runs if r.interrupted})
    if counts["interrupted"]:
        parts.append(f"{counts['interrupted']} interrupted ({', '.join(signals)})")
    return f"{counts['passed']} of {counts['scenarios']} scenarios held; " + ", ".join(parts)
