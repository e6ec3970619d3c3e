"""report.html: self-contained (inline CSS and SVG, no scripts, no network).

The timeline picture: virtual days across, one row per provider double,
faults as bands on their provider's row, and each call as a mark coloured
by the provider that served it, filled when it succeeded and hollow red-ringed
when it failed, including a success the app never received (a reset, a cut).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from harness.chaos.schedule import DAY
from harness.report.model import headline, totals

if TYPE_CHECKING:
    from harness.chaos.runner import ScenarioRun
    from harness.exchange import Exchange


def _palette() -> dict[str, str]:
    """Each provider's colour, from its record."""
    from harness import providers

    return {p.name: p.colour for p in providers.registered()}


FAULT_COLOUR = {"http": "#f4c7c3", "network": "#c9daf8"}
CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;
color:#1f2328;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.5rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.8rem 0}td,th{border:1px solid #d0d7de;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f8fa}.ok{color:#1a7f37}.bad{color:#cf222e;font-weight:600}
.num{text-align:right}td{overflow-wrap:anywhere}table.checks td:nth-child(2){width:16rem}code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}pre{background:#f6f8fa;
padding:.6rem;overflow:auto;max-height:20rem}svg{max-width:100%;height:auto;background:#fff;border:1px solid #d0d7de;border-radius:6px}
.legend span{display:inline-block;margin-right:1rem}.note{background:#fff8c5;padding:.4rem .6rem;border-radius:6px}.dot{display:inline-block;width:.7rem;height:.7rem;
border-radius:50%;margin-right:.3rem;vertical-align:middle}
"""


def render(runs: Sequence[ScenarioRun]) -> str:
    all_ = totals(runs)
    verdict = f"<span class={'bad' if all_['failed'] else 'ok'}>{escape(headline(runs))}</span>"
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>harness chaos report</title>"
        f"<style>{CSS}</style></head><body><h1>harness chaos report</h1><p>{verdict} — "
        f"{all_['verdicts'] - all_['verdicts_failed']}/{all_['verdicts']} checks passed.</p>",
        "<table><tr><th>scenario</th><th>verdict</th><th class=num>checks</th><th class=num>failed</th>"
        "<th class=num>seconds</th></tr>",
    ]
    for i, run in enumerate(runs):
        parts.append(
            f"<tr><td><a href='#s{i}'>{escape(run.scenario.name)}</a></td>"
            f"<td class={'ok' if run.ok else 'bad'}>{run.state}</td>"
            f"<td class=num>{len(run.verdicts)}</td><td class=num>{len(run.failures)}</td>"
            f"<td class=num>{run.seconds:.1f}</td></tr>"
        )
    parts.append("</table>")
    for i, run in enumerate(runs):
        parts.append(_scenario(i, run))
    parts.append("</body></html>")
    return "".join(parts) + "\n"


def _scenario(i: int, run: ScenarioRun) -> str:
    s = run.scenario
    out = [f"<h2 id='s{i}'>{escape(s.name)} — <span class={'ok' if run.ok else 'bad'}>{run.state}</span></h2>"]
    if s.description:
        out.append(f"<p>{escape(s.description)}</p>")
    out.append(
        f"<p><code>{escape(s.source)}</code> · seed {s.seed} · {len(run.exchanges)} provider calls · "
        f"{run.seconds:.1f}s</p>"
    )
    out.extend(f"<p class=note>{escape(note)}</p>" for note in run.notes)
    out.append(timeline_svg(run))
    out.append("<table class=checks><tr><th></th><th>check</th><th>what happened</th></tr>")
    for v in run.verdicts:
        evidence = ""
        if v.evidence and not v.ok:
            items = "".join(
                f"<li><code>{escape(x.describe())}</code> {escape(x.provider or '')}"
                f"{' — fault ' + escape(x.fault) if x.fault else ''}{_awkward_body(x)}</li>"
                for x in v.evidence[:20]
            )
            evidence = f"<details><summary>evidence ({len(v.evidence)})</summary><ul>{items}</ul></details>"
        line = f" <small>line {v.line}</small>" if v.line else ""
        out.append(
            f"<tr><td class={'ok' if v.ok else 'bad'}>{'✓' if v.ok else '✗'}</td>"
            f"<td>{escape(v.name)}{line}</td><td>{escape(v.message)}{evidence}</td></tr>"
        )
    out.append("</table>")
    if run.app_output:
        out.append(f"<details><summary>app output</summary><pre>{escape(run.app_output[-20_000:])}</pre></details>")
    return "".join(out)


def _awkward_body(exchange: Exchange) -> str:
    """The provider body an `awkward` fault sent, shown beside the verdict (the app's reaction)."""
    if "awkward" not in (exchange.fault or "") or exchange.response is None:
        return ""
    text = exchange.response.text
    text = text if len(text) <= 4000 else text[:4000] + "…"
    return f"<div class=awkward><small>the provider's answer</small><pre>{escape(text)}</pre></div>"


def timeline_svg(run: ScenarioRun) -> str:
    s = run.scenario
    rows = list(s.doubles)
    last_day = max([st.at for st in s.steps] + [e.schedule.until or e.schedule.at or 0 for e in s.timeline]) + 2
    left, width, row_h, top = 110, 900, 46, 28
    height = top + row_h * len(rows) + 40

    def x(day: float) -> float:
        return left + width * min(max(day, 0), last_day) / last_day

    svg = [
        f"<svg role=img aria-label='timeline of {escape(s.name)}' width='{left + width + 20}' "
        f"height='{height}' viewBox='0 0 {left + width + 20} {height}' xmlns='http://www.w3.org/2000/svg'>"
    ]
    ticks = max(1, round(last_day / 10))
    for day in range(0, int(last_day) + 1, ticks):
        svg.append(
            f"<line x1='{x(day):.1f}' y1='{top - 6}' x2='{x(day):.1f}' y2='{height - 30}' stroke='#eee'/>"
            f"<text x='{x(day):.1f}' y='{height - 14}' font-size='11' text-anchor='middle' "
            f"fill='#57606a'>day {day}</text>"
        )
    for r, name in enumerate(rows):
        y = top + r * row_h
        svg.append(
            f"<text x='8' y='{y + row_h / 2 + 4}' font-size='13' fill='{_palette().get(name, '#333')}'>"
            f"{escape(name)}</text><line x1='{left}' y1='{y + row_h}' x2='{left + width}' y2='{y + row_h}' "
            f"stroke='#d0d7de'/>"
        )
    for entry in s.timeline:
        start = entry.schedule.at or 0
        end = entry.schedule.until if entry.schedule.until is not None else last_day
        for r, name in enumerate(rows):
            if entry.provider not in (None, name):
                continue
            y = top + r * row_h + 3
            svg.append(
                f"<rect x='{x(start):.1f}' y='{y}' width='{max(x(end) - x(start), 2):.1f}' height='14' "
                f"rx='3' fill='{FAULT_COLOUR[entry.fault.layer]}'><title>{escape(entry.fault.name)} "
                f"from day {start:g}</title></rect><text x='{x(start) + 3:.1f}' y='{y + 11}' font-size='10' "
                f"fill='#57606a'>{escape(entry.fault.name)}</text>"
            )
    per_step: dict[int | None, int] = {}  # step -> index of its last call drawn: its marks fan out
    for exchange in run.exchanges:
        step = run.step(exchange)
        k = per_step[step] = per_step.get(step, -1) + 1
        call_day = (exchange.started - s.start) / DAY
        r = rows.index(exchange.provider) if exchange.provider in rows else 0
        cx = x(call_day) + min(k, 12) * 5
        cy = top + r * row_h + 30
        colour = _palette().get(exchange.provider or "", "#333")
        good = exchange.received and exchange.response is not None and exchange.response.status < 400
        title = escape(
            f"{exchange.describe()} day {call_day:.2f}" + (f" fault {exchange.fault}" if exchange.fault else "")
        )
        if "awkward" in (exchange.fault or ""):  # an awkward answer: ringed in the HTTP fault colour
            svg.append(
                f"<circle cx='{cx:.1f}' cy='{cy}' r='8' fill='none' stroke='{FAULT_COLOUR['http']}' "
                f"stroke-width='2'><title>{title}</title></circle>"
            )
        if good:
            svg.append(f"<circle cx='{cx:.1f}' cy='{cy}' r='5' fill='{colour}'><title>{title}</title></circle>")
        else:
            svg.append(
                f"<circle cx='{cx:.1f}' cy='{cy}' r='5' fill='#fff' stroke='#cf222e' stroke-width='2'>"
                f"<title>{title}</title></circle>"
            )
    svg.append("</svg>")
    legend = "".join(
        f"<span><i class=dot style='background:{c}'></i>{n}</span>" for n, c in _palette().items() if n in rows
    )
    legend += (
        "<span><i class=dot style='border:2px solid #cf222e;background:#fff'></i>failed or not received</span>"
        f"<span><i class=dot style='background:{FAULT_COLOUR['http']};border-radius:2px'></i>HTTP fault</span>"
        f"<span><i class=dot style='background:{FAULT_COLOUR['network']};border-radius:2px'></i>network fault"
        "</span>"
    )
    return "".join(svg) + f"<p class=legend>{legend}</p>"
