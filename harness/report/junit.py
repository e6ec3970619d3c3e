"""junit.xml: one testsuite per scenario, one testcase per step, expectation and timeline entry."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

from harness.report.model import totals

if TYPE_CHECKING:
    from harness.chaos.runner import ScenarioRun


def render(runs: Sequence[ScenarioRun]) -> str:
    all_ = totals(runs)
    root = ET.Element(
        "testsuites", name="harness chaos", tests=str(all_["verdicts"]), failures=str(all_["verdicts_failed"])
    )
    for run in runs:
        failed = len(run.failures)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=run.scenario.name,
            tests=str(len(run.verdicts)),
            failures=str(failed),
            errors="0",
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
                failure = ET.SubElement(case, "failure", message=verdict.message[:500])
                failure.text = "\n".join(
                    [verdict.message]
                    + [
                        f"  {x.describe()} [{x.provider}]" + (f" fault={x.fault}" if x.fault else "")
                        for x in verdict.evidence[:20]
                    ]
                )
        if run.app_output:
            ET.SubElement(suite, "system-out").text = run.app_output[-20_000:]
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
