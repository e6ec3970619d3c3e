"""`harness toxiproxy serve`: the embedded Toxiproxy-compatible server, on 127.0.0.1.

Any Toxiproxy client (toxiproxy-cli, toxiproxy-python, the Ruby and Go
clients) can drive it; point them at the printed URL.
"""

from __future__ import annotations

import argparse
import signal
import threading

from harness.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve",
        help="serve the Toxiproxy HTTP API until stopped",
        description="Serve the Toxiproxy HTTP API (and its proxies) until Ctrl-C.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8474, help="API port (default 8474, Toxiproxy's; 0 picks one)")
    serve.add_argument("--seed", type=int, default=0, help="seed for toxicity draws, jitter and slicing (default 0)")


def run(args: argparse.Namespace) -> int:
    from harness.chaos.toxiproxy import EmbeddedToxiproxy

    if not 0 <= args.port <= 65535:
        raise InputError(f"--port must be between 0 and 65535, not {args.port}")
    server = EmbeddedToxiproxy(args.host, args.port, seed=args.seed)
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (a supervisor stopping us) ends as cleanly as Ctrl-C.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    url = server.start()
    print(f"listening on {url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
