"""`harness serve PROVIDER`: run a provider double over HTTP on a loopback address."""

from __future__ import annotations

import argparse
import signal
import sys

from harness.errors import InputError

# A served double runs for hours: a small ring keeps its memory and its GC pauses flat.
JOURNAL = 1_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from harness.providers import names

    parser.add_argument("provider", choices=names(), help="the provider to play")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="loopback address to listen on (default 127.0.0.1; only loopback is allowed)",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default 0: any free port)")
    parser.add_argument("--seed", type=int, default=0, help="seed for ids and generated content (default 0)")
    parser.add_argument(
        "--virtual-clock", action="store_true", help="run on a virtual clock, moved with POST /__harness/clock"
    )
    parser.add_argument(
        "--job-seconds",
        type=float,
        default=1.0,
        help="how long an async job (a video) takes on the double's clock (default 1.0)",
    )
    parser.add_argument(
        "--journal",
        type=int,
        default=JOURNAL,
        metavar="N",
        help=f"exchanges kept in memory for GET /__harness/journal; older ones are dropped (default {JOURNAL:,})",
    )
    parser.add_argument(
        "--journal-file",
        metavar="PATH",
        help="also append every exchange to PATH, one JSON line each (redacted as the journal is)",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="take requests the real API would reject with a 400 (default: validate them like the provider)",
    )


def _stop_on_sigterm(signum: int, frame: object) -> None:  # a service manager's stop is a clean stop, like Ctrl-C
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from harness.double import Double, VirtualClock, serve_forever
    from harness.double.server import is_loopback
    from harness.double.spill import JournalFile
    from harness.exchange import Journal

    if not is_loopback(args.host):
        raise InputError(
            f"--host {args.host} is not a loopback address; a double has no authentication, "
            f"so it only listens on 127.0.0.1, ::1 or localhost"
        )
    if args.job_seconds < 0:
        raise InputError(f"--job-seconds must be 0 or more, got {args.job_seconds}")
    if args.journal < 1:
        raise InputError(f"--journal must be 1 or more, got {args.journal}")
    spill = JournalFile(args.journal_file) if args.journal_file else None
    double = Double(
        args.provider,
        seed=args.seed,
        job_seconds=args.job_seconds,
        clock=VirtualClock() if args.virtual_clock else None,
        strict=not args.lenient,
        journal=Journal(cap=args.journal, spill=spill),
        uvloop=True,
    )

    def ready(url: str) -> None:
        print(f"listening on {url}", flush=True)

    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        serve_forever(double, args.host, args.port, ready=ready)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr, flush=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
        double.close()
        if spill is not None:
            spill.close()
    return 0
