"""report.md: a verdict line, a table per scenario, failures with evidence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from harness.report.model import headline, totals

if TYPE_CHECKING:
    from harness.chaos.runner import ScenarioRun


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(runs: Sequence[ScenarioRun]) -> str:
    all_ = totals(runs)
    icon = "✅" if not all_["failed"] else "❌"
    lines = [
        f"# {icon} harness chaos: {headline(runs)}",
        "",
        "| scenario | verdict | checks | failed | seconds |",
        "|---|---|---:|---:|---:|",
    ]
    for run in runs:
        lines.append(
            f"| {_cell(run.scenario.name)} | {'held' if run.ok else f'**{run.state}**'} | {len(run.verdicts)} "
            f"| {len(run.failures)} | {run.seconds:.1f} |"
        )
    for run in runs:
        lines += ["", f"## {run.scenario.name} — {run.state}", ""]
        if run.scenario.description:
            lines += [run.scenario.description, ""]
        lines += [f"> {note}\n" for note in run.notes]
        lines += ["| | check | what happened |", "|---|---|---|"]
        for v in run.verdicts:
            lines.append(f"| {'✅' if v.ok else '❌'} | {_cell(v.name)} | {_cell(v.message)} |")
        for v in run.failures:
            if v.evidence:
                lines += ["", f"Evidence for *{_cell(v.name)}*:", ""]
                lines += [
                    f"- `{x.describe()}` ({x.provider}{', fault ' + x.fault if x.fault else ''})"
                    for x in v.evidence[:20]
                ]
    return "\n".join(lines) + "\n"
