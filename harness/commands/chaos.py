"""`harness chaos run FILE... [--report DIR] [--seed N]`: rehearse the bad days."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from harness import report
from harness.errors import InputError

if TYPE_CHECKING:
    from harness.chaos.runner import ScenarioRun
    from harness.chaos.scenario import Scenario


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    run = sub.add_parser("run", help="run scenario files (or folders of them)")
    run.add_argument("files", nargs="+", metavar="FILE")
    files = ", ".join(r.file_name for r in report.RENDERERS if r.file_name)
    run.add_argument("--report", metavar="DIR", help=f"write {files} here")
    run.add_argument("--seed", type=int, help="override every scenario's seed")
    run.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=1,
        metavar="N",
        help="run N scenarios at once, each in its own process (default 1)",
    )
    run.add_argument(
        "--toxiproxy-url",
        default=os.environ.get("TOXIPROXY_URL"),
        help="a real Toxiproxy server for network faults (default: $TOXIPROXY_URL, else embedded)",
    )


def _results(scenarios: list[Scenario], args: argparse.Namespace, console: Console) -> Iterator[ScenarioRun]:
    """Each scenario's run, in file order; with --jobs, N at a time in worker processes
    (toxiproxy-python keeps its server address class-wide, so hops cannot share a process)."""
    from harness.chaos import runner

    if args.jobs == 1:
        for item in scenarios:
            with console.status(f"[bold]{item.name}[/] starting…") as status:
                yield runner.run(
                    item, toxiproxy_url=args.toxiproxy_url, progress=lambda message: status.update(message)
                )
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(runner.run, item, toxiproxy_url=args.toxiproxy_url) for item in scenarios]
        with console.status(f"running {len(scenarios)} scenarios, {args.jobs} at a time…"):
            for future in futures:
                yield future.result()


def _print_run(console: Console, result: ScenarioRun) -> None:
    from rich.text import Text

    from harness.report import failures

    mark = "[green]held[/]" if result.ok else "[red]FAILED[/]"
    console.print(f"{mark} {result.scenario.name} ({len(result.verdicts)} checks, {result.seconds:.1f}s)")
    if not result.ok:  # the same text the pytest plugin shows for a failed scenario
        console.print(Text(failures.scenario(result).split("\n", 1)[1], style="red"))


def run(args: argparse.Namespace) -> int:
    from harness import yamlfile
    from harness.chaos import scenario

    console = Console(stderr=False)
    # Load every file first: a typo in the last file should not cost a whole run.
    files = yamlfile.files_in(args.files, (".yaml", ".yml"), "scenario")
    scenarios = [scenario.load(path, seed=args.seed) for path in files]
    if args.jobs < 1:
        raise InputError("--jobs must be 1 or more")
    runs = []
    for result in _results(scenarios, args, console):
        runs.append(result)
        _print_run(console, result)
    table = Table(title="chaos summary", title_justify="left")
    for column in ("scenario", "verdict", "checks", "failed", "seconds"):
        table.add_column(column, justify="right" if column in ("checks", "failed", "seconds") else "left")
    for result in runs:
        table.add_row(
            result.scenario.name,
            "[green]held[/]" if result.ok else "[red]failed[/]",
            str(len(result.verdicts)),
            str(len(result.failures)),
            f"{result.seconds:.1f}",
        )
    console.print(table)
    if args.report:
        for path in report.write(runs, args.report):
            console.print(f"wrote {path}")
    return 0 if all(r.ok for r in runs) else 1
