"""`harness diff OLD NEW --contracts PATH`: does a new API version break this consumer?

Also `harness diff --cassettes OLD_DIR NEW_DIR --contracts PATH`: the same
question asked of two sets of recordings. Exit 0 when nothing breaks the
consumer, 1 when something does, 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys

from harness import contracts as contract_files
from harness import renderer
from harness.diff import classify, diff_exchanges, diff_specs, judge, load_spec
from harness.diff.render import RENDERERS, Listing
from harness.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", nargs="?", metavar="OLD", help="the OpenAPI spec in use (YAML or JSON, 3.0 or 3.1)")
    parser.add_argument("new", nargs="?", metavar="NEW", help="the new version of the spec")
    parser.add_argument(
        "--cassettes",
        nargs=2,
        metavar=("OLD_DIR", "NEW_DIR"),
        help="compare two sets of recordings (vcrpy cassettes) instead of two specs",
    )
    parser.add_argument(
        "--contracts",
        action="append",
        metavar="PATH",
        help="contract file or folder (repeatable): what this consumer relies on; without it, "
        "every change is classed for any client (provider-wide)",
    )
    parser.add_argument(
        "--format",
        choices=renderer.names(RENDERERS),
        default="text",
        help="text for a terminal, markdown for a pull-request comment, json for tools",
    )
    parser.add_argument("--all", action="store_true", help="list harmless changes too")


def run(args: argparse.Namespace) -> int:
    if args.cassettes and (args.old or args.new):
        raise InputError("give either OLD NEW (two specs) or --cassettes OLD_DIR NEW_DIR, not both")
    if not args.cassettes and not (args.old and args.new):
        raise InputError(
            "give two specs (harness diff OLD NEW --contracts PATH) "
            "or two sets of recordings (--cassettes OLD_DIR NEW_DIR)"
        )
    if not args.contracts:
        if args.cassettes:
            raise InputError("--cassettes needs --contracts: recordings are matched to routes by the contracts")
        judgement = classify(diff_specs(load_spec(args.old), load_spec(args.new)))
        sys.stdout.write(renderer.named(RENDERERS, args.format).render(Listing(judgement, with_harmless=args.all)))
        return judgement.exit_code
    contracts = contract_files.load_path(*args.contracts)
    if args.cassettes:
        from harness.cassettes import load_path as load_cassettes

        changes = diff_exchanges(load_cassettes(args.cassettes[0]), load_cassettes(args.cassettes[1]), contracts)
    else:
        changes = diff_specs(load_spec(args.old), load_spec(args.new))
    judgement = judge(changes, contracts)
    sys.stdout.write(renderer.named(RENDERERS, args.format).render(Listing(judgement, with_harmless=args.all)))
    return judgement.exit_code
