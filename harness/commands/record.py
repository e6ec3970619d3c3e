"""`harness record`: send each contract's example requests to the provider and
keep the answers as vcrpy cassettes, one per contract, secrets redacted.

Exit codes: 0 recorded (or replayed) what could be sent; 1 a request got no
answer, or the record mode forbade a new one; 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vcr.errors import CannotOverwriteExistingCassetteException

from harness.cassettes import RECORD_MODES, recording
from harness.commands import live_options
from harness.contracts import Contract, load_path
from harness.live import LiveRun, send_examples


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contracts", required=True, nargs="+", metavar="PATH", help="contract files or folders")
    parser.add_argument(
        "--cassettes",
        default="cassettes",
        metavar="DIR",
        help="where to write one cassette per contract (default: cassettes/)",
    )
    live_options.add(parser)
    parser.add_argument(
        "--record-mode",
        choices=RECORD_MODES,
        default="once",
        help="vcrpy record mode (default: once: an existing cassette is replayed, not re-recorded)",
    )


def run(args: argparse.Namespace) -> int:
    contracts = load_path(*args.contracts)
    base_urls, params = live_options.read(args)
    live_options.require_keys(args, contracts)
    folder = Path(args.cassettes)
    budget, ok, said = args.budget, True, set()
    for contract in contracts:
        path = folder / cassette_name(contract)
        live = _record(contract, path, args.record_mode, budget, base_urls, params)
        if live is None:
            ok = False
            continue
        budget -= len(live.exchanges)
        for line in live.skipped:
            if line not in said:  # "skipped anthropic: ..." once, not once per contract
                said.add(line)
                print(line)
        for failed in live.failed:
            ok = False
            print(f"failed {contract.name}: {failed.describe()}", file=sys.stderr)
    return 0 if ok else 1


def cassette_name(contract: Contract) -> str:
    """`clipstudio/openai-videos` -> `clipstudio__openai-videos.yaml`: one flat folder."""
    return contract.name.replace("/", "__").replace("\\", "__") + ".yaml"


def _record(
    contract: Contract, path: Path, mode: str, budget: int, base_urls: dict[str, str], params: dict[str, str]
) -> LiveRun | None:
    """Send one contract's examples inside its cassette and say what was written."""
    try:
        with recording(path, record_mode=mode) as cassette:
            live = send_examples([contract], budget=budget, base_urls=base_urls, params=params)
    except CannotOverwriteExistingCassetteException as exc:
        request = exc.failed_request
        print(
            f"error: {path}: no recorded answer for {request.method} {request.path}, and record mode "
            f"{mode!r} sends nothing new; use --record-mode new_episodes to add it",
            file=sys.stderr,
        )
        return None
    answered = sum(1 for x in live.exchanges if x.response is not None)
    replayed = cassette.play_count
    if answered > replayed:
        extra = f", {replayed} replayed" if replayed else ""
        print(f"wrote {path}: {answered - replayed} recorded{extra}")
    elif replayed:
        print(f"kept {path}: {replayed} replayed, nothing new (--record-mode all re-records)")
    return live
