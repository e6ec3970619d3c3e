"""`harness chaos run FILE... [--report DIR] [--seed N]`: rehearse the bad days."""

from __future__ import annotations

import argparse
import os

from rich.console import Console
from rich.table import Table



def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    run = sub.add_parser("run", help="run scenario files (or folders of them)")
    run.add_argument("files", nargs="+", metavar="FILE")
    run.add_argument("--report", metavar="DIR", help="write report.json, junit.xml, report.md, report.html here")
    run.add_argument("--seed", type=int, help="override every scenario's seed")
    run.add_argument("--toxiproxy-url", default=os.environ.get("TOXIPROXY_URL"),
                     help="a real Toxiproxy server for network faults (default: $TOXIPROXY_URL, else embedded)")


def run(args: argparse.Namespace) -> int:
    from harness import report, yamlfile
    from harness.chaos import runner, scenario

    console = Console(stderr=False)
    # Load every file first: a typo in the last file should not cost a whole run.
    files = yamlfile.files_in(args.files, (".yaml", ".yml"), "scenario")
    scenarios = [scenario.load(path, seed=args.seed) for path in files]
    runs = []
    for item in scenarios:
        with console.status(f"[bold]{item.name}[/] starting…") as status:
            result = runner.run(item, toxiproxy_url=args.toxiproxy_url,
                                progress=lambda message: status.update(message))
        runs.append(result)
        mark = "[green]held[/]" if result.ok else "[red]FAILED[/]"
        console.print(f"{mark} {item.name} ({len(result.verdicts)} checks, {result.seconds:.1f}s)")
        for verdict in result.failures:
            where = f" [dim]({item.source}:{verdict.line})[/]" if verdict.line else ""
            console.print(f"  [red]✗[/] {verdict.name}: {verdict.message}{where}", highlight=False)
            for exchange in verdict.evidence[:8]:
                fault = f" fault={exchange.fault}" if exchange.fault else ""
                console.print(f"      {exchange.provider}: {exchange.describe()}{fault}", style="dim",
                              highlight=False)
    table = Table(title="chaos summary", title_justify="left")
    for column in ("scenario", "verdict", "checks", "failed", "seconds"):
        table.add_column(column, justify="right" if column in ("checks", "failed", "seconds") else "left")
    for result in runs:
        table.add_row(result.scenario.name, "[green]held[/]" if result.ok else "[red]failed[/]",
                      str(len(result.verdicts)), str(len(result.failures)), f"{result.seconds:.1f}")
    console.print(table)
    if args.report:
        for path in report.write(runs, args.report):
            console.print(f"wrote {path}")
    return 0 if all(r.ok for r in runs) else 1
