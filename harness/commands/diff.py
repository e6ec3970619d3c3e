"""`harness diff OLD NEW --contracts PATH`: does a new API version break this consumer?

OLD and NEW are files or `http(s)://` URLs (OpenAPI 3.0/3.1, or a Google API
Discovery document). `harness diff --pin PIN URL` compares a pinned copy with
what is published and rewrites the pin only with `--update`. Also
`harness diff --cassettes OLD_DIR NEW_DIR --contracts PATH`: the same question
asked of two sets of recordings. Exit 0 when nothing breaks the consumer, 1
when something does, 2 on bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from harness import contracts as contract_files
from harness import renderer
from harness.diff import classify, diff_exchanges, diff_specs, judge
from harness.diff.render import RENDERERS, Listing
from harness.diff.source import DEFAULT_TIMEOUT, Sources, default_cache, open_spec, published_text
from harness.diff.spec import DEFAULT_LIMITS, Limits
from harness.diff.sunsets import DEFAULT_MIN_DAYS, SunsetPolicy
from harness.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "old", nargs="?", metavar="OLD", help="the spec in use: a file or an http(s):// URL (OpenAPI or Discovery)"
    )
    parser.add_argument("new", nargs="?", metavar="NEW", help="the new version of the spec: a file or a URL")
    parser.add_argument(
        "--cassettes",
        nargs=2,
        metavar=("OLD_DIR", "NEW_DIR"),
        help="compare two sets of recordings (vcrpy cassettes) instead of two specs",
    )
    parser.add_argument(
        "--pin",
        metavar="PIN",
        help="a pinned copy of a vendor's spec: compare it with the one given (harness diff --pin PIN URL)",
    )
    parser.add_argument(
        "--update", action="store_true", help="with --pin: rewrite the pin with the published spec after the diff"
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
    parser.add_argument(
        "--min-sunset-days",
        type=int,
        default=DEFAULT_MIN_DAYS,
        metavar="N",
        help=f"an operation newly deprecated with a sunset sooner than N days is sunset-too-soon "
        f"(default {DEFAULT_MIN_DAYS}; 0 turns the check off)",
    )
    parser.add_argument(
        "--on",
        metavar="YYYY-MM-DD",
        help="the day sunset notice is counted from (default: today)",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"where specs fetched from URLs are kept (default: $HARNESS_CACHE_DIR, else {default_cache()})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"for fetching a URL (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--allow-refs",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder outside the spec's own whose files its $refs may read (repeatable)",
    )
    parser.add_argument(
        "--max-spec-size",
        type=float,
        default=DEFAULT_LIMITS.max_bytes / 2**20,
        metavar="MB",
        help=f"refuse a spec larger than this (default {DEFAULT_LIMITS.max_bytes // 2**20})",
    )
    parser.add_argument(
        "--max-spec-values",
        type=int,
        default=DEFAULT_LIMITS.max_values,
        metavar="N",
        help=f"refuse a spec that expands to more values through YAML aliases (default {DEFAULT_LIMITS.max_values:,})",
    )


def run(args: argparse.Namespace) -> int:
    old, new = _versions(args)
    sources = _sources(args)
    sunsets = _sunsets(args)
    if args.cassettes and not args.contracts:
        raise InputError("--cassettes needs --contracts: recordings are matched to routes by the contracts")
    # Without contracts, every change is classed for any client of the provider (provider-wide mode).
    contracts = contract_files.load_path(*args.contracts) if args.contracts else None
    if args.cassettes:
        assert contracts is not None
        from harness.cassettes import load_path as load_cassettes

        changes = diff_exchanges(
            load_cassettes(args.cassettes[0]), load_cassettes(args.cassettes[1]), contracts, sunsets
        )
    else:
        assert old is not None and new is not None
        if args.pin and not Path(args.pin).exists():
            return _first_pin(Path(args.pin), new, sources, args.update)
        changes = diff_specs(open_spec(old, sources), open_spec(new, sources), sunsets)
    judgement = judge(changes, contracts) if contracts is not None else classify(changes)
    sys.stdout.write(renderer.named(RENDERERS, args.format).render(Listing(judgement, with_harmless=args.all)))
    if args.pin and args.update and new is not None:
        _write_pin(Path(args.pin), published_text(new, sources), f"{len(changes)} changes")
    return judgement.exit_code


def _versions(args: argparse.Namespace) -> tuple[str | None, str | None]:
    if args.update and not args.pin:
        raise InputError("--update rewrites a pin: give it with --pin PIN URL")
    if args.pin:
        if args.cassettes or args.new or not args.old:
            raise InputError("--pin compares one pinned copy with one published spec: harness diff --pin PIN URL")
        return args.pin, args.old
    if args.cassettes and (args.old or args.new):
        raise InputError("give either OLD NEW (two specs) or --cassettes OLD_DIR NEW_DIR, not both")
    if not args.cassettes and not (args.old and args.new):
        raise InputError(
            "give two specs (harness diff OLD NEW --contracts PATH) "
            "or two sets of recordings (--cassettes OLD_DIR NEW_DIR)"
        )
    return args.old, args.new


def _sources(args: argparse.Namespace) -> Sources:
    if not 0 < args.timeout <= 3600:
        raise InputError(f"--timeout must be a number of seconds above 0 and at most 3600, not {args.timeout:g}")
    if not 0 < args.max_spec_size < 2**20 or args.max_spec_values < 1:
        raise InputError("--max-spec-size (MB) and --max-spec-values must be positive")
    limits = Limits(
        max_bytes=int(args.max_spec_size * 2**20), max_values=args.max_spec_values, max_depth=DEFAULT_LIMITS.max_depth
    )
    cache = Path(args.cache_dir) if args.cache_dir else default_cache()
    return Sources(cache, args.timeout, limits, tuple(Path(d) for d in args.allow_refs))


def _sunsets(args: argparse.Namespace) -> SunsetPolicy | None:
    if args.min_sunset_days < 0:
        raise InputError(f"--min-sunset-days must be 0 (off) or a number of days, not {args.min_sunset_days}")
    on = dt.date.today()
    if args.on is not None:
        try:
            on = dt.date.fromisoformat(args.on)
        except ValueError:
            raise InputError(f"--on must be a date written YYYY-MM-DD, not {args.on!r}") from None
    return SunsetPolicy(on, args.min_sunset_days) if args.min_sunset_days else None


def _first_pin(pin: Path, new: str, sources: Sources, update: bool) -> int:
    if not update:
        raise InputError("no such pin yet; run with --update to write the published spec to it", str(pin))
    open_spec(new, sources)  # only a spec that reads cleanly is pinned
    _write_pin(pin, published_text(new, sources), "first pin")
    return 0


def _write_pin(pin: Path, text: bytes, what: str) -> None:
    try:
        if pin.is_file() and pin.read_bytes() == text:
            print(f"{pin}: already the published version", file=sys.stderr)
            return
        pin.parent.mkdir(parents=True, exist_ok=True)
        partial = pin.with_name(f".{pin.name}.{os.getpid()}.part")
        partial.write_bytes(text)
        partial.replace(pin)
    except OSError as exc:
        raise InputError(f"cannot write the pin: {exc.strerror or exc}", str(pin)) from None
    print(f"{pin}: updated to the published version ({what})", file=sys.stderr)
