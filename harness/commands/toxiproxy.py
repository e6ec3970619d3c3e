"""`harness toxiproxy serve`: the embedded Toxiproxy-compatible server, on 127.0.0.1.

Any Toxiproxy client (toxiproxy-cli, toxiproxy-python, the Ruby and Go
clients) can drive it; point them at the printed URL.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from pathlib import Path
from typing import Any

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
    serve.add_argument(
        "--config",
        metavar="FILE",
        help="a JSON list of proxies to create at start, as Toxiproxy's -config (the body of POST /populate)",
    )


def run(args: argparse.Namespace) -> int:
    from harness.chaos.toxiproxy import EmbeddedToxiproxy

    if not 0 <= args.port <= 65535:
        raise InputError(f"--port must be between 0 and 65535, not {args.port}")
    proxies = read_config(Path(args.config)) if args.config else None
    server = EmbeddedToxiproxy(args.host, args.port, seed=args.seed, uvloop=True)
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (a supervisor stopping us) ends as cleanly as Ctrl-C.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    url = server.start()
    if proxies is not None:
        try:
            made = populate(url, proxies, args.config)
        except InputError:
            server.stop()
            raise
        print(f"created {made} prox{'y' if made == 1 else 'ies'} from {args.config}", flush=True)
    print(f"listening on {url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def read_config(path: Path) -> list[dict[str, Any]]:
    """The proxies of a `--config` file, checked as /populate checks them, before the server starts."""
    from harness.chaos.toxiproxy import errors, schema

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the Toxiproxy config ({exc})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(f"{path}{f':{line}' if line else ''}: not JSON ({exc})") from None
    try:
        return schema.populate_items(data)
    except errors.ApiError as exc:
        raise InputError(f"{path}: {exc.text}") from None


def populate(url: str, proxies: list[dict[str, Any]], source: str) -> int:
    """Create the config's proxies through the API, as Toxiproxy's -config does; how many were made."""
    import httpx

    from harness.chaos.toxiproxy.client import auth_headers

    response = httpx.post(url + "/populate", json=proxies, headers=auth_headers(), timeout=10)
    if response.status_code != 201:
        raise InputError(f"{source}: {response.json().get('error', response.text)}")
    return len(response.json()["proxies"])
