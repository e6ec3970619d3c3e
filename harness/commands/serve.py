"""`harness serve PROVIDER`: run a provider double over HTTP on a loopback address."""

from __future__ import annotations

import argparse
import signal
import sys

from harness.errors import InputError


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
        "--lenient",
        action="store_true",
        help="take requests the real API would reject with a 400 (default: validate them like the provider)",
    )


def _stop_on_sigterm(signum: int, frame: object) -> None:  # a service manager's stop is a clean stop, like Ctrl-C
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from harness.double import Double, VirtualClock, serve_forever
    from harness.double.server import is_loopback

    if not is_loopback(args.host):
        raise InputError(
            f"--host {args.host} is not a loopback address; a double has no authentication, "
            f"so it only listens on 127.0.0.1, ::1 or localhost"
        )
    if args.job_seconds < 0:
        raise InputError(f"--job-seconds must be 0 or more, got {args.job_seconds}")
    double = Double(
        args.provider,
        seed=args.seed,
        job_seconds=args.job_seconds,
        clock=VirtualClock() if args.virtual_clock else None,
        strict=not args.lenient,
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
    return 0
