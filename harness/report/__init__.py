"""Chaos run reports: one module per format, each `render(runs) -> str`, in `RENDERERS`.

`write(runs, folder)` writes every format: report.json, junit.xml, report.md
and a self-contained report.html.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from harness import renderer
from harness.renderer import Renderer
from harness.report import html, json_report, junit, markdown

if TYPE_CHECKING:
    from harness.chaos.runner import ScenarioRun

RENDERERS: tuple[Renderer[Sequence[ScenarioRun]], ...] = (
    Renderer("json", json_report.render, "report.json"),
    Renderer("junit", junit.render, "junit.xml"),
    Renderer("markdown", markdown.render, "report.md"),
    Renderer("html", html.render, "report.html"),
)


def write(runs: Sequence[ScenarioRun], folder: str | Path) -> list[Path]:
    return renderer.write(RENDERERS, runs, folder)
