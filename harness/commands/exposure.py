"""`harness exposure PATH...`: where does this code base depend on an AI provider?

Exit 1 when it names something already shut down (on `--date`, default today), or,
with `--fail-within 90d`, something whose shutdown falls within that window; 0
otherwise; 2 on bad input.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date

from harness import renderer
from harness.errors import InputError
from harness.exposure.render import RENDERERS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="folders or files to scan")
    parser.add_argument(
        "--format",
        choices=renderer.names(RENDERERS),
        default="text",
        help="text for a terminal, markdown for a pull request, json for tools, sarif for code scanning",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write there instead of stdout")
    parser.add_argument(
        "--with",
        dest="context",
        action="append",
        default=[],
        metavar="PATH",
        help="also read the contracts, scenarios and chaos marks here (not scanned for dependencies)",
    )
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="judge lifecycles on this day (default: today, UTC)")
    parser.add_argument(
        "--fail-within",
        metavar="DAYS",
        help="also exit 1 when a shutdown falls within this window (90d, 12w, or a number of days)",
    )


def run(args: argparse.Namespace) -> int:
    from harness.exposure import scan

    on = _date(args.date) if args.date else None
    window = _window(args.fail_within) if args.fail_within else None
    inventory = scan(args.paths, on=on, context=args.context)
    text = renderer.named(RENDERERS, args.format).render(inventory)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as out:
                out.write(text)
        except OSError as exc:
            raise InputError(f"{args.output}: cannot write ({exc.strerror or exc})") from None
    else:
        sys.stdout.write(text)
    failing = inventory.retired() or (inventory.shutting_within(window) if window is not None else ())
    return 1 if failing else 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--date {text!r} is not a date (YYYY-MM-DD)") from None


def _window(text: str) -> int:
    found = re.fullmatch(r"\s*(\d+)\s*([dw]?)\s*", text)
    if not found:
        raise InputError(f"--fail-within {text!r}: give days, like 90d or 12w")
    return int(found.group(1)) * (7 if found.group(2) == "w" else 1)
