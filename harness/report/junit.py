"""junit.xml: one testsuite per scenario, one testcase per step, expectation and timeline entry.

A scenario that did not start or was interrupted has its reason as an `<error>`
testcase (JUnit's "could not run", not a finding), and the steps it did not
reach as `<skipped>` testcases; an app that died mid-run is a `<failure>`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

from harness.report.model import totals

if TYPE_CHECKING:
    from harness.chaos.runner import ScenarioRun

ERRORS = ("start", "interrupted")  # harness.chaos.verdicts START, STOP: the scenario could not be judged


def render(runs: Sequence[ScenarioRun]) -> str:
    all_ = totals(runs)
    errors = sum(v.kind in ERRORS for run in runs for v in run.verdicts)
    skipped = [_not_reached(run) for run in runs]
    root = ET.Element(
        "testsuites",
        name="harness chaos",
        tests=str(all_["verdicts"] + sum(map(len, skipped))),
        failures=str(all_["verdicts_failed"] - errors),
        errors=str(errors),
        skipped=str(sum(map(len, skipped))),
    )
    for run, not_reached in zip(runs, skipped, strict=True):
        run_errors = sum(v.kind in ERRORS for v in run.verdicts)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=run.scenario.name,
            tests=str(len(run.verdicts) + len(not_reached)),
            failures=str(len(run.failures) - run_errors),
            errors=str(run_errors),
            skipped=str(len(not_reached)),
            time=f"{run.seconds:.3f}",
        )
        if run.notes:  # before the testcases, where the JUnit schema puts properties
            properties = ET.SubElement(suite, "properties")
            for note in run.notes:
                ET.SubElement(properties, "property", name="note", value=note)
        for verdict in run.verdicts:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{run.scenario.name}.{verdict.kind}",
                name=verdict.name,
                file=run.scenario.source,
            )
            if verdict.line:
                case.set("line", str(verdict.line))
            if not verdict.ok:
                kind = "error" if verdict.kind in ERRORS else "failure"
                failure = ET.SubElement(case, kind, message=verdict.message[:500], type=run.state)
                failure.text = "\n".join(
                    [verdict.message]
                    + [
                        f"  {x.describe()} [{x.provider}]" + (f" fault={x.fault}" if x.fault else "")
                        for x in verdict.evidence[:20]
                    ]
                )
        for name in not_reached:
            case = ET.SubElement(suite, "testcase", classname=f"{run.scenario.name}.step", name=name)
            ET.SubElement(case, "skipped", message=f"not run: the scenario {run.state}")
        if run.app_output:
            ET.SubElement(suite, "system-out").text = run.app_output[-20_000:]
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _not_reached(run: ScenarioRun) -> list[str]:
    """The steps a scenario that could not be judged never reached (a finished one reached all)."""
    if not any(v.kind in ERRORS for v in run.verdicts):
        return []
    return [f"step {s.index}: {s.name}" for s in run.scenario.steps[run.steps_run :]]
