"""`harness chaos run FILE... [--report DIR] [--seed N]`: rehearse the bad days."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from harness import report
from harness.errors import InputError

if TYPE_CHECKING:
    from harness.chaos.runner import ScenarioRun


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
        "--contracts",
        action="append",
        default=[],
        metavar="PATH",
        help="check each scenario's untouched exchanges against these contracts; the counts go in report.json",
    )
    run.add_argument(
        "--toxiproxy-url",
        default=os.environ.get("TOXIPROXY_URL"),
        help="a real Toxiproxy server for network faults (default: $TOXIPROXY_URL, else embedded)",
    )


def _print_run(console: Console, result: ScenarioRun) -> None:
    from rich.text import Text

    from harness.report import failures

    mark = "[green]held[/]" if result.ok else f"[red]{result.state.upper()}[/]"
    console.print(f"{mark} {result.scenario.name} ({len(result.verdicts)} checks, {result.seconds:.1f}s)")
    if not result.ok:  # the same text the pytest plugin shows for a failed scenario
        console.print(Text(failures.scenario(result).split("\n", 1)[1], style="red"))


def run(args: argparse.Namespace) -> int:
    """0 every scenario held; 1 one failed; 2 one did not start (or bad input); 128 + the
    signal (130 SIGINT, 143 SIGTERM) when the run was stopped. The reports are written in
    every case, with what ran."""
    from harness import contracts as contract_files
    from harness import yamlfile
    from harness.chaos import interrupt, scenario, workers
    from harness.chaos.interrupt import Interrupted
    from harness.chaos.verdicts import DID_NOT_START
    from harness.contracts.evidence import evidence

    console = Console(stderr=False)
    # Load every file first: a typo in the last file should not cost a whole run.
    files = yamlfile.files_in(args.files, (".yaml", ".yml"), "scenario")
    scenarios = [scenario.load(path, seed=args.seed) for path in files]
    contracts = contract_files.load_path(*args.contracts) if args.contracts else []
    if args.jobs < 1:
        raise InputError("--jobs must be 1 or more")
    source: workers.InProcess | workers.Workers = (
        workers.InProcess(scenarios, args.toxiproxy_url)
        if args.jobs == 1
        else workers.Workers(scenarios, args.toxiproxy_url, args.jobs)
    )
    runs: list[ScenarioRun] = []
    stopped: Interrupted | None = None
    with interrupt.stop_on_signals():
        try:
            with console.status("starting…") as status, source:
                try:
                    for result in source.results(status.update):
                        if contracts:
                            result.contract_evidence = evidence(contracts, result.exchanges)
                        runs.append(result)
                        _print_run(console, result)
                except Interrupted as stop:
                    stopped = stop
                    status.update(f"{stop}: stopping the apps…")
                    for result in source.stop(stop):
                        runs.append(result)
                        _print_run(console, result)
        except Interrupted as stop:  # while the workers were starting, or between scenarios
            stopped = stop
        finally:  # also when a scenario raised an error: what ran before it is reported
            try:
                with interrupt.held():
                    _summary(console, runs, args.report)
            except Interrupted as late:
                stopped = stopped or late
    if stopped is not None:
        skipped = source.not_run()
        names = f": {', '.join(s.name for s in skipped)}" if skipped else ""
        console.print(f"[red]{stopped}[/]; {len(skipped)} scenario(s) not started{names}")
        return stopped.exit_code
    if any(r.state == DID_NOT_START for r in runs):
        return 2
    return 0 if all(r.ok for r in runs) else 1


def _summary(console: Console, runs: list[ScenarioRun], folder: str | None) -> None:
    table = Table(title="chaos summary", title_justify="left")
    for column in ("scenario", "verdict", "checks", "failed", "seconds"):
        table.add_column(column, justify="right" if column in ("checks", "failed", "seconds") else "left")
    for result in runs:
        table.add_row(
            result.scenario.name,
            f"[{'green' if result.ok else 'red'}]{result.state}[/]",
            str(len(result.verdicts)),
            str(len(result.failures)),
            f"{result.seconds:.1f}",
        )
    console.print(table)
    if folder:
        for path in report.write(runs, folder):
            console.print(f"wrote {path}")
