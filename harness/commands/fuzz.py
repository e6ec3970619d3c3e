"""`harness fuzz --app-openapi PATH_OR_URL --scenario FILE [--max-examples N] [--seed N]
[--seconds S] [--report DIR]`: drive the app's own API from its spec while the
scenario's faults break its providers."""

from __future__ import annotations

import argparse
import dataclasses
import os

from rich.console import Console
from rich.text import Text

from harness import report
from harness.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from harness.fuzz.plan import MAX_EXAMPLES, SECONDS

    parser.add_argument(
        "--app-openapi",
        required=True,
        metavar="PATH_OR_URL",
        help="the app's OpenAPI 3 spec: a file, or an http(s) URL fetched once the app is ready "
        "({app.url} stands for the app's address, e.g. '{app.url}/openapi.json')",
    )
    parser.add_argument(
        "--scenario", required=True, metavar="FILE", help="the scenario whose app, doubles and faults to use"
    )
    parser.add_argument(
        "--max-examples",
        type=int,
        default=MAX_EXAMPLES,
        metavar="N",
        help=f"requests per operation after each step (default {MAX_EXAMPLES})",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=SECONDS,
        metavar="S",
        help=f"stop sending after this long, whatever is left (default {SECONDS:g})",
    )
    parser.add_argument("--seed", type=int, help="override the scenario's seed (the same seed sends the same requests)")
    files = ", ".join(r.file_name for r in report.RENDERERS if r.file_name)
    parser.add_argument("--report", metavar="DIR", help=f"write {files} here")
    parser.add_argument(
        "--toxiproxy-url",
        default=os.environ.get("TOXIPROXY_URL"),
        help="a real Toxiproxy server for network faults (default: $TOXIPROXY_URL, else embedded)",
    )


def run(args: argparse.Namespace) -> int:
    """0 every answer held; 1 a finding (or a failed step, or a fault that never acted);
    2 bad input, or an app that never became ready; 128 + the signal when stopped."""
    from harness.chaos import interrupt, runner, scenario
    from harness.chaos.interrupt import Interrupted
    from harness.chaos.verdicts import DID_NOT_START
    from harness.fuzz import Plan, read
    from harness.report import failures

    if args.max_examples < 1:
        raise InputError("--max-examples must be 1 or more")
    if not args.seconds > 0:
        raise InputError("--seconds must be more than 0")
    loaded = scenario.load(args.scenario, seed=args.seed)
    plan = Plan(read(args.app_openapi), args.max_examples, args.seconds)
    # The journal expectations are for `harness chaos run`: the generated calls would count in them.
    item = dataclasses.replace(loaded, fuzz=plan, expect=())
    console = Console()
    with interrupt.stop_on_signals():
        try:
            with console.status("starting…") as status:
                result = runner.run(item, toxiproxy_url=args.toxiproxy_url, progress=status.update)
        except Interrupted as stop:
            if args.report and stop.runs:
                report.write(stop.runs, args.report)
            console.print(f"[red]{stop}[/]")
            return stop.exit_code
    findings = len(result.fuzz_findings)
    mark = "[green]clean[/]" if result.ok else f"[red]{result.state.upper()}[/]"
    console.print(
        f"{mark} {item.name}: {result.fuzz_requests} generated request(s), {findings} finding(s), "
        f"{len(result.failures)} failed check(s) of {len(result.verdicts)} ({result.seconds:.1f}s)"
    )
    if not result.ok:
        console.print(Text(failures.scenario(result).split("\n", 1)[1], style="red"), soft_wrap=True)
    if args.report:
        for path in report.write([result], args.report):
            console.print(f"wrote {path}")
    if result.state == DID_NOT_START:
        return 2
    return 0 if result.ok else 1
