"""`harness verify`: check cassette or live exchanges against contracts."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from harness.commands import live_options
from harness.contracts import Verification, load_path, verify
from harness.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contracts", nargs="+", required=True, metavar="PATH", help="contract files or folders")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--cassettes", nargs="+", metavar="PATH", help="vcrpy cassette files or folders")
    source.add_argument(
        "--live",
        action="store_true",
        help="send each contract's example requests to the real provider "
        "(keys from OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY)",
    )
    live_options.add(parser)
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace) -> int:
    if not args.live and (args.base_url or args.param or args.budget != 20):
        raise InputError("--budget, --base-url and --param only apply with --live")
    contracts = load_path(*args.contracts)
    notes: list[str] = []
    if args.live:
        from harness.live import send_examples

        base_urls, params = live_options.read(args)
        live = send_examples(contracts, budget=args.budget, base_urls=base_urls, params=params)
        exchanges, notes = list(live.exchanges), list(live.skipped)
    else:
        from harness.cassettes import load_path as load_cassettes

        exchanges = load_cassettes(*args.cassettes)
    result = verify(contracts, exchanges)
    if args.format == "json":
        json.dump(as_json(result, len(exchanges), notes), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_text(result, len(exchanges), notes)
    return 0 if result.ok else 1


def as_json(result: Verification, total: int, notes: list[str]) -> dict:
    return {
        "ok": result.ok,
        "exchanges": total,
        "checked": result.checked,
        "unmatched": len(result.unmatched),
        "contracts": result.per_contract,
        "notes": notes,
        "violations": [v.to_dict() for v in result.violations],
    }


def print_text(result: Verification, total: int, notes: list[str]) -> None:
    console = Console()
    for note in notes:
        console.print(f"[yellow]{note}[/]")
    table = Table(title="contracts", title_justify="left")
    table.add_column("contract")
    table.add_column("exchanges", justify="right")
    table.add_column("violations", justify="right")
    for contract in result.contracts:
        count = sum(1 for v in result.violations if v.contract == contract.name)
        table.add_row(
            contract.name, str(result.per_contract[contract.name]), f"[red]{count}[/]" if count else "[green]0[/]"
        )
    console.print(table)
    for violation in result.violations:
        console.print(f"[red]✗[/] {violation}", highlight=False, soft_wrap=True)
        if violation.exchange is not None and violation.exchange.source:
            console.print(f"    from {violation.exchange.source}", style="dim", highlight=False)
    verdict = "[green]all contracts hold[/]" if result.ok else f"[red]{len(result.violations)} violation(s)[/]"
    console.print(
        f"{total} exchanges, {result.checked} matched a contract, {len(result.unmatched)} unmatched: {verdict}",
        highlight=False,
    )
