"""Readiness as text, Markdown, JSON and an HTML page of the report family:
a capability × provider matrix to read at a glance, each verdict with its reasons."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from rich.console import Console
from rich.markup import escape as markup

from harness import terminal
from harness.readiness.model import Capability, Readiness
from harness.renderer import Renderer

MARK = {"ready": "✓", "at risk": "⚠", "not ready": "✗"}  # in every common font, unlike emoji
COLOUR = {"ready": "green", "at risk": "yellow", "not ready": "red"}


def headline(readiness: Readiness) -> str:
    counts = {v: sum(c.verdict == v for c in readiness.capabilities) for v in MARK}
    parts = [f"{n} {v}" for v, n in counts.items() if n]
    count = len(readiness.capabilities)
    return f"{count} {'capability' if count == 1 else 'capabilities'} on {readiness.on}: " + ", ".join(parts)


def cell(capability: Capability, provider: str) -> str:
    """What the matrix says of one provider for one capability."""
    evidence = [e for e in capability.evidence if e.provider == provider]
    if not evidence:
        return "—"
    role = "primary" if provider == capability.primary else "alternative"
    verified = "verified" if any(e.verified for e in evidence) else "not verified"
    parts = [role, verified]
    if provider == capability.primary and capability.rehearsals:
        held = sum(r.held for r in capability.rehearsals)
        parts.append(f"{held}/{len(capability.rehearsals)} rehearsals held")
    for s in capability.shutdowns:
        if s.provider == provider and s.shutdown_on is not None:
            left = f", {s.days_left} days left" if s.days_left is not None and s.days_left >= 0 else ""
            parts.append(f"{s.what} {'shut down' if s.state == 'retired' else 'shuts down'} {s.shutdown_on}{left}")
    return "; ".join(parts)


def _providers(readiness: Readiness) -> list[str]:
    return list(dict.fromkeys(p for c in readiness.capabilities for p in c.providers))


# -- text -----------------------------------------------------------------------------


def render_text(readiness: Readiness) -> str:
    return terminal.text(lambda console: _draw(console, readiness), highlight=False, soft_wrap=True)


def _draw(console: Console, readiness: Readiness) -> None:
    console.print(f"[bold]harness readiness[/]: {markup(headline(readiness))}")
    for c in readiness.capabilities:
        console.print()
        console.print(f"[bold {COLOUR[c.verdict]}]{c.name}: {c.verdict}[/] (primary {c.primary})")
        for provider in c.providers:
            console.print(f"  {provider}: {markup(cell(c, provider))}")
        for reason in c.reasons:
            console.print(f"  [dim]- {markup(reason)}[/]")


# -- Markdown ---------------------------------------------------------------------------


def render_markdown(readiness: Readiness) -> str:
    providers = _providers(readiness)
    lines = [
        "## Exit readiness",
        "",
        headline(readiness) + ".",
        "",
        "| capability | verdict | " + " | ".join(providers) + " |",
        "|---|---|" + "---|" * len(providers),
    ]
    for c in readiness.capabilities:
        cells = [c.name, f"{MARK[c.verdict]} {c.verdict}", *(cell(c, p) for p in providers)]
        lines.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    for c in readiness.capabilities:
        lines += ["", f"**{c.name}: {c.verdict}**", ""]
        lines += [f"- {reason}" for reason in c.reasons]
    return "\n".join(lines) + "\n"


# -- JSON -------------------------------------------------------------------------------


def as_json(readiness: Readiness) -> dict[str, Any]:
    return {
        "on": readiness.on.isoformat(),
        "ready": readiness.ready,
        "reports": list(readiness.reports),
        "cassettes": list(readiness.cassettes),
        "capabilities": [
            {
                "capability": c.name,
                "verdict": c.verdict,
                "primary": c.primary,
                "reasons": list(c.reasons),
                "providers": [
                    {"provider": e.provider, "contract": e.contract, "verified": e.verified, "how": e.how}
                    for e in c.evidence
                ],
                "rehearsals": [
                    {"fault": r.fault, "scenario": r.scenario, "held": r.held, "removes": r.removes, "report": r.report}
                    for r in c.rehearsals
                ],
                "shutdowns": [
                    {
                        "provider": s.provider,
                        "what": s.what,
                        "state": s.state,
                        "shutdown_on": s.shutdown_on.isoformat() if s.shutdown_on else None,
                        "days_left": s.days_left,
                    }
                    for s in c.shutdowns
                ],
            }
            for c in readiness.capabilities
        ],
    }


def render_json(readiness: Readiness) -> str:
    return json.dumps(as_json(readiness), indent=2) + "\n"


# -- HTML -------------------------------------------------------------------------------


def render_html(readiness: Readiness) -> str:
    from harness.report.html import CSS

    providers = _providers(readiness)
    css = CSS + ".verdict{font-weight:600}.ready{color:#1a7f37}.risk{color:#9a6700}.not{color:#cf222e}"
    klass = {"ready": "ready", "at risk": "risk", "not ready": "not"}
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>harness readiness</title>"
        f"<style>{css}</style></head><body><h1>Could we leave a provider tomorrow?</h1>"
        f"<p>{escape(headline(readiness))}.</p>",
        "<table class=matrix><tr><th>capability</th><th>verdict</th>"
        + "".join(f"<th>{escape(p)}</th>" for p in providers)
        + "</tr>",
    ]
    for c in readiness.capabilities:
        parts.append(
            f"<tr><td><a href='#{escape(c.name)}'>{escape(c.name)}</a></td>"
            f"<td class='verdict {klass[c.verdict]}'>{MARK[c.verdict]} {escape(c.verdict)}</td>"
            + "".join(f"<td>{escape(cell(c, p))}</td>" for p in providers)
            + "</tr>"
        )
    parts.append("</table>")
    for c in readiness.capabilities:
        parts.append(
            f"<h2 id='{escape(c.name)}'>{escape(c.name)}: <span class='{klass[c.verdict]}'>{escape(c.verdict)}</span>"
            f"</h2><p>Primary: <b>{escape(c.primary)}</b>.</p><ul>"
            + "".join(f"<li>{escape(r)}</li>" for r in c.reasons)
            + "</ul>"
        )
        if c.rehearsals:
            parts.append("<table><tr><th>rehearsal</th><th>fault</th><th>takes it away</th><th>held</th></tr>")
            for r in c.rehearsals:
                parts.append(
                    f"<tr><td>{escape(r.scenario)}</td><td><code>{escape(r.fault)}</code></td>"
                    f"<td>{'yes' if r.removes else 'no'}</td>"
                    f"<td class={'ok' if r.held else 'bad'}>{'held' if r.held else 'failed'}</td></tr>"
                )
            parts.append("</table>")
    parts.append(
        "<p class=note>Sources: "
        + escape(", ".join([*readiness.reports, *readiness.cassettes]) or "contracts only")
        + "</p></body></html>"
    )
    return "".join(parts) + "\n"


RENDERERS: tuple[Renderer[Readiness], ...] = (
    Renderer("text", render_text),
    Renderer("markdown", render_markdown, "readiness.md"),
    Renderer("json", render_json, "readiness.json"),
    Renderer("html", render_html, "readiness.html"),
)
