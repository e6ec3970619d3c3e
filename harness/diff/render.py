"""A judgement as text (rich, for a terminal), Markdown (a pull-request comment) or JSON.

Every format opens with the verdict, then lists what breaks this consumer,
what is risky for it, and the provider-wide breaking changes that miss it;
harmless changes are counted (JSON lists them too).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape

from harness import terminal
from harness.diff.judge import Judged, Judgement
from harness.diff.spelling import written
from harness.renderer import Renderer

MARKDOWN_ROWS = 50  # per table: a pull-request comment has a size limit
_WIDTH = 60


def show(value: Any) -> str:
    """A changed value, short enough for a table cell, written as a spec writes it.

    Never Python's spelling: `true`, not `True`; `null`, not `None`; text without quotes; a list
    as `a, b`; a mapping as `key: value, ...`. A value that is absent (None at the top) is `—`.
    """
    text = "—" if value is None else written(value)
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


@dataclass(frozen=True)
class Listing:
    """A judgement as `harness diff` shows it: with its harmless changes listed (--all) or only counted."""

    judgement: Judgement
    with_harmless: bool = False


def _sections(judgement: Judgement, with_harmless: bool) -> Iterator[tuple[str, tuple[Judged, ...]]]:
    if judgement.provider_wide:  # no consumer: classed for any client
        yield "Breaking", judgement.breaking
        yield "Risky", judgement.risky
        if with_harmless:
            yield "Harmless", judgement.harmless
        return
    yield "Breaking for you", judgement.breaking
    yield "Risky for you", judgement.risky
    yield "Provider-wide breaking, not touching you", judgement.provider_breaking
    if with_harmless:
        yield "Harmless", judgement.harmless


def _who(j: Judged) -> str:
    return f"{j.contract} / {j.interaction}: " if j.contract else ""


def _elsewhere(j: Judged) -> str:
    """A change of a shared schema names one place and counts the others (JSON lists them)."""
    more = len(j.change.everywhere()) - 1
    return f" (and {more} more place{'s' if more != 1 else ''})" if more else ""


# -- text ----------------------------------------------------------------------


def render_text(listing: Listing) -> str:
    """One block per change (a table is unreadable at 80 columns with routes and pointers in it)."""
    return terminal.text(lambda console: _draw(console, listing), highlight=False, soft_wrap=True)


def _draw(console: Console, listing: Listing) -> None:
    judgement, with_harmless = listing.judgement, listing.with_harmless
    style = "bold red" if judgement.breaking else "bold yellow" if judgement.risky else "bold green"
    console.print(f"harness diff: {escape(judgement.verdict())}", style=style)
    colours = {"Breaking for you": "red", "Risky for you": "yellow", "Breaking": "red", "Risky": "yellow"}
    for title, rows in _sections(judgement, with_harmless):
        if not rows:
            continue
        console.print()
        console.print(f"[bold {colours.get(title, 'default')}]{title} ({len(rows)})[/]")
        for j in rows:
            c = j.change
            console.print(
                f"  [bold]{c.kind}[/]  [cyan]{escape(c.route)}[/]  {escape(str(c.location))}"
                + (f"  [magenta]{escape(c.pointer)}[/]" if c.pointer else "")
                + escape(_elsewhere(j))
            )
            console.print(f"      {escape(show(c.old))} → {escape(show(c.new))}")
            console.print(f"      [dim]{escape(_who(j) + j.reason)}[/]")
    if not with_harmless and judgement.harmless:
        console.print()
        console.print(f"{len(judgement.harmless)} harmless changes not listed (--all lists them).")


# -- Markdown --------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{text}`" if text and text != "—" else text or ""


def markdown(judgement: Judgement, *, rows: int = MARKDOWN_ROWS, with_harmless: bool = False) -> str:
    mark = "❌" if judgement.breaking else "⚠️" if judgement.risky else "✅"
    lines = [f"**{mark} {judgement.verdict()}**", ""]
    for title, items in _sections(judgement, with_harmless):
        if not items:
            continue
        # What does not touch this consumer is folded, so the comment leads with what does.
        folded = items is not judgement.breaking and items is not judgement.risky
        heading = f"<details><summary>{title} ({len(items)})</summary>" if folded else f"#### {title} ({len(items)})"
        lines += [heading, "", "| change | route | where | pointer | old → new | why |", "|---|---|---|---|---|---|"]
        for j in items[:rows]:
            c = j.change
            lines.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (
                        _code(c.kind),
                        _code(c.route),
                        str(c.location),
                        _code(c.pointer) + _elsewhere(j),
                        f"{_code(show(c.old))} → {_code(show(c.new))}",
                        _who(j) + j.reason,
                    )
                )
                + " |"
            )
        if len(items) > rows:
            lines.append(f"| … and {len(items) - rows} more | | | | | |")
        lines += ["", "</details>", ""] if folded else [""]
    if not with_harmless:
        lines.append(f"<sub>{len(judgement.harmless)} harmless changes not listed. Generated by `harness diff`.</sub>")
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(listing: Listing) -> str:
    return markdown(listing.judgement, with_harmless=listing.with_harmless)


# -- JSON --------------------------------------------------------------------------


def render_json(listing: Listing) -> str:
    """Every change, harmless ones too, with or without --all."""
    return json.dumps(listing.judgement.to_dict(), indent=2, default=str) + "\n"


RENDERERS: tuple[Renderer[Listing], ...] = (
    Renderer("text", render_text),
    Renderer("markdown", render_markdown),
    Renderer("json", render_json),
)
