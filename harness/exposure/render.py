"""An inventory as text (a terminal table), Markdown, JSON and SARIF 2.1.0.

SARIF is what GitHub code scanning reads: each finding becomes a result on its
line, under one of three rules by how soon what it names stops being served.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness import terminal
from harness.exposure.finding import Finding, Inventory
from harness.renderer import Renderer

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# ruleId -> (level, short description); a finding's rule follows its lifecycle state.
RULES = {
    "ai-provider-dependency": ("note", "Depends on an AI provider"),
    "ai-shutdown-announced": ("warning", "Depends on a model or API route whose shutdown is announced"),
    "ai-shut-down": ("error", "Depends on a model or API route that has shut down"),
}
_RULE_BY_STATE = {"retired": "ai-shut-down", "deprecated": "ai-shutdown-announced"}


def life(finding: Finding) -> str:
    """`shut down 2026-09-24`, `deprecated, shuts down 2026-10-22 (21 days)`, `active`, or `unknown`."""
    state = finding.state()
    shutdown = finding.shutdown_on
    if state == "retired":
        return f"shut down {shutdown}" if shutdown else "shut down"
    if state == "deprecated":
        return f"deprecated, shuts down {shutdown}" if shutdown else "deprecated"
    return state


def _days(finding: Finding, inventory: Inventory) -> int | None:
    return None if finding.shutdown_on is None else (finding.shutdown_on - inventory.on).days


def message(finding: Finding, inventory: Inventory) -> str:
    what = finding.route or "a model"
    model = f" with model {finding.model}" if finding.model else ""
    parts = [f"{finding.provider}: {what}{model} ({finding.kind})."]
    days = _days(finding, inventory)
    if finding.state() == "retired":
        parts.append(f"Shut down on {finding.shutdown_on}.")
    elif days is not None:
        parts.append(f"Shuts down on {finding.shutdown_on}, in {days} days.")
    if finding.route:
        parts.append(
            f"Covered by contract {', '.join(finding.contracts)}." if finding.contracts else "No contract covers it."
        )
        parts.append(
            f"Rehearsed: {', '.join(finding.rehearsed)}." if finding.rehearsed else "No fault is rehearsed on it."
        )
    return " ".join(parts)


# -- text ---------------------------------------------------------------------------


def render_text(inventory: Inventory) -> str:
    return terminal.text(lambda console: _draw(console, inventory), highlight=False, width=160)


def _draw(console: Console, inventory: Inventory) -> None:
    table = Table(show_lines=False, header_style="bold")
    for column in ("where", "provider", "route", "model", "lifecycle", "contract", "rehearsed"):
        table.add_column(column)
    colours = {"retired": "red", "deprecated": "yellow"}
    for f in inventory.findings:
        colour = colours.get(f.state(), "default")
        table.add_row(
            escape(f.where),
            f.provider,
            escape(f.route or "—"),
            escape(_model(f)),
            f"[{colour}]{escape(life(f))}[/]",
            escape(", ".join(f.contracts) or ("none" if f.route else "—")),
            escape(", ".join(f.rehearsed) or ("none" if f.route else "—")),
        )
    console.print(table)
    console.print(summary(inventory))
    for warning in inventory.warnings:
        console.print(f"[dim]note: {escape(warning)}[/]")


def summary(inventory: Inventory) -> str:
    providers = sorted({f.provider for f in inventory.findings})
    text = (
        f"{len(inventory.findings)} dependencies on {len(providers)} provider(s) "
        f"({', '.join(providers) or 'none'}) in {inventory.files} files, judged on {inventory.on}"
    )
    retired, uncovered = len(inventory.retired()), sum(1 for f in inventory.findings if f.route and not f.contracts)
    if retired:
        text += f"; {retired} on something already shut down"
    if uncovered:
        text += f"; {uncovered} on a route no contract covers"
    return text + "."


def _model(f: Finding) -> str:
    if f.model is None:
        return "—"
    return f"{f.model} ({f.model_from})" if f.model_from not in ("", "literal") else f.model


# -- Markdown -------------------------------------------------------------------------


def render_markdown(inventory: Inventory) -> str:
    lines = [
        "## AI provider exposure",
        "",
        summary(inventory),
        "",
        "| where | provider | route | model | lifecycle | contract | rehearsed |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in inventory.findings:
        cells = [
            f"`{f.where}`",
            f.provider,
            f"`{f.route}`" if f.route else "—",
            f"`{_model(f)}`" if f.model else "—",
            ("**" + life(f) + "**") if f.state() == "retired" else life(f),
            ", ".join(f.contracts) or ("none" if f.route else "—"),
            ", ".join(f.rehearsed) or ("none" if f.route else "—"),
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


# -- JSON -----------------------------------------------------------------------------


def as_json(inventory: Inventory) -> dict[str, Any]:
    return {
        "on": inventory.on.isoformat(),
        "roots": list(inventory.roots),
        "files": inventory.files,
        "findings": [
            {
                "path": f.path,
                "line": f.line,
                "kind": f.kind,
                "provider": f.provider,
                "route": f.route,
                "model": f.model,
                "model_from": f.model_from or None,
                "state": f.state(),
                "shutdown_on": f.shutdown_on.isoformat() if f.shutdown_on else None,
                "days_left": _days(f, inventory),
                "contracts": list(f.contracts),
                "rehearsed": list(f.rehearsed),
                "code": f.code,
            }
            for f in inventory.findings
        ],
        "warnings": list(inventory.warnings),
    }


def render_json(inventory: Inventory) -> str:
    return json.dumps(as_json(inventory), indent=2) + "\n"


# -- SARIF ----------------------------------------------------------------------------


def rule_of(finding: Finding) -> str:
    return _RULE_BY_STATE.get(finding.state(), "ai-provider-dependency")


def as_sarif(inventory: Inventory) -> dict[str, Any]:
    from harness.cli import version

    rules = [
        {"id": rule, "shortDescription": {"text": text}, "defaultConfiguration": {"level": level}}
        for rule, (level, text) in RULES.items()
    ]
    results = []
    for f in inventory.findings:
        rule = rule_of(f)
        results.append(
            {
                "ruleId": rule,
                "ruleIndex": list(RULES).index(rule),
                "level": RULES[rule][0],
                "message": {"text": message(f, inventory)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": f.line, "startColumn": f.column + 1},
                        }
                    }
                ],
                # Same dependency, same line: one alert that GitHub keeps across runs.
                "partialFingerprints": {"harnessExposure/v1": f"{f.path}:{f.provider}:{f.route}:{f.model}"},
                "properties": {
                    "provider": f.provider,
                    "route": f.route,
                    "model": f.model,
                    "state": f.state(),
                    "contracts": list(f.contracts),
                    "rehearsed": list(f.rehearsed),
                },
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "harness exposure",
                        "version": version(),
                        "informationUri": "https://pypi.org/project/harness/",
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render_sarif(inventory: Inventory) -> str:
    return json.dumps(as_sarif(inventory), indent=2) + "\n"


RENDERERS: tuple[Renderer[Inventory], ...] = (
    Renderer("text", render_text),
    Renderer("markdown", render_markdown, "exposure.md"),
    Renderer("json", render_json, "exposure.json"),
    Renderer("sarif", render_sarif, "exposure.sarif"),
)
