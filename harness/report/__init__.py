"""Report formats: one module per format, each `render(runs) -> str`, in a registry.

`write(runs, folder)` writes every format: report.json, junit.xml, report.md
and a self-contained report.html.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harness.report import html, json_report, junit, markdown

FORMATS: dict[str, tuple[str, Callable]] = {
    "json": ("report.json", json_report.render),
    "junit": ("junit.xml", junit.render),
    "markdown": ("report.md", markdown.render),
    "html": ("report.html", html.render),
}


def write(runs, folder: str | Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, render in FORMATS.values():
        path = folder / file_name
        path.write_text(render(runs), encoding="utf-8")
        written.append(path)
    return written
