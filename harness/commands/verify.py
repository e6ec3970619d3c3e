"""`harness verify`: check cassette or live exchanges against contracts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from harness import renderer
from harness.commands import live_options
from harness.contracts.render import RENDERERS, VerifyRun
from harness.errors import InputError
from harness.gc_pause import gc_paused

if TYPE_CHECKING:
    from harness.cassettes import Loading
    from harness.contracts import Verification
    from harness.exchange import Exchange


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contracts", nargs="+", required=True, metavar="PATH", help="contract files or folders")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--cassettes", nargs="+", metavar="PATH", help="vcrpy cassette files or folders")
    source.add_argument(
        "--live",
        action="store_true",
        help="send each contract's example requests to the real provider "
        "(keys from OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY; a missing one exits 2 "
        "unless --skip-missing-keys)",
    )
    live_options.add(parser)
    parser.add_argument("--format", choices=renderer.names(RENDERERS), default="text")


@gc_paused()  # thousands of exchanges and their parsed bodies, no cycles: full collector passes find nothing
def run(args: argparse.Namespace) -> int:
    if not args.live and (args.base_url or args.param or args.budget != 20 or args.skip_missing_keys):
        raise InputError("--budget, --base-url, --param and --skip-missing-keys only apply with --live")
    reading = None
    if not args.live:
        # Children start on the cassettes now, while this process imports and reads the contracts.
        from harness.cassettes import Loading

        reading = Loading(args.cassettes)
    try:
        from harness.contracts import load_path, verify

        contracts = load_path(*args.contracts)
    except BaseException:
        if reading is not None:
            reading.stop()
        raise
    notes: tuple[str, ...] = ()
    chosen = renderer.named(RENDERERS, args.format)
    if reading is not None:
        exchanges: list[Exchange] = []
        result = _checked_as_read(reading, exchanges, lambda each: verify(contracts, each), chosen.prepare)
    else:
        from harness.live import send_examples

        base_urls, params = live_options.read(args)
        live_options.require_keys(args, contracts)
        live = send_examples(contracts, budget=args.budget, base_urls=base_urls, params=params)
        exchanges, notes = list(live.exchanges), live.skipped
        result = verify(contracts, exchanges)
    sys.stdout.write(chosen.render(VerifyRun(result, len(exchanges), notes)))
    return 0 if result.ok else 1


def _checked_as_read(
    reading: Loading,
    kept: list[Exchange],
    check: Callable[[Iterable[Exchange]], Verification],
    while_waiting: Callable[[], object] | None = None,
) -> Verification:
    """`check` over the cassettes' exchanges as they are read (the first files' while children
    read the rest), each also kept in `kept`. An error reading any file comes first, as when every
    file was read before the first check: a check that fails waits for the reading to end.
    `while_waiting` (the renderer's imports) runs if this process waits for a child's files."""
    each = reading.each(while_waiting)

    def keep() -> Iterator[Exchange]:
        for exchange in each:
            kept.append(exchange)
            yield exchange

    try:
        return check(keep())
    except Exception:
        for _ in each:  # the rest read: a bad cassette is the error to give
            pass
        raise
    finally:
        reading.stop()
