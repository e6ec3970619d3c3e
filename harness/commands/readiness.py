"""`harness readiness`: could we leave each provider tomorrow, capability by capability?

Exit 0 when every capability is ready, 1 when one is at risk or not ready, 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from harness import renderer
from harness.errors import InputError
from harness.readiness.render import RENDERERS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--contracts",
        action="append",
        metavar="PATH",
        help="the app's contract files or folders (repeatable; default: contracts/)",
    )
    parser.add_argument(
        "--reports",
        action="append",
        default=[],
        metavar="PATH",
        help="chaos JSON reports, or folders holding report.json (repeatable)",
    )
    parser.add_argument(
        "--cassettes", action="append", default=[], metavar="DIR", help="recordings to verify the contracts against"
    )
    parser.add_argument(
        "--primary",
        action="append",
        default=[],
        metavar="CAPABILITY=PROVIDER",
        help="the provider a capability uses first (default: the one the rehearsals take away)",
    )
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="judge shutdown dates on this day (default: today, UTC)")
    parser.add_argument(
        "--format", choices=renderer.names(RENDERERS), default="text", help="what to print (default: text)"
    )
    parser.add_argument("--report", metavar="DIR", help="also write readiness.html, .md and .json into DIR")


def run(args: argparse.Namespace) -> int:
    from harness import contracts as contract_files
    from harness.readiness import assess

    on = None
    if args.date:
        try:
            on = date.fromisoformat(args.date)
        except ValueError:
            raise InputError(f"--date {args.date!r} is not a date (YYYY-MM-DD)") from None
    primary = {}
    for item in args.primary:
        capability, sep, provider = item.partition("=")
        if not sep or not capability or not provider:
            raise InputError(f"--primary {item!r}: write CAPABILITY=PROVIDER, like text-to-video=openai")
        primary[capability] = provider
    contracts = contract_files.load_path(*(args.contracts or ["contracts"]))
    readiness = assess(contracts, reports=args.reports, cassettes=args.cassettes, primary=primary, on=on)
    sys.stdout.write(renderer.named(RENDERERS, args.format).render(readiness))
    if args.report:
        for path in renderer.write(RENDERERS, readiness, args.report):
            print(f"wrote {path}", file=sys.stderr)
    return 0 if readiness.ready else 1
