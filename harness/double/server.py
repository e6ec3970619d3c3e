"""A double over real HTTP: uvicorn on a loopback address, on the double's loop.

    with double.serve() as url:          # http://127.0.0.1:PORT, port 0 = any free one
        openai.OpenAI(base_url=url + "/v1", api_key="x")

The socket is bound here, before uvicorn starts, so a taken port is a clear
error at once and the real port is known without racing the server. Each
uvicorn server runs on its double's loop thread, next to the in-process
transports, so many doubles (and many servers) share one process.
"""

from __future__ import annotations

import errno
import gc
import ipaddress
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from harness.double.loop import LoopThread
from harness.errors import HarnessError, InputError

if TYPE_CHECKING:
    from harness.double.app import Double

STARTUP_SECONDS = 10.0
SHUTDOWN_SECONDS = 5.0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to host:port; InputError for a non-loopback host or a taken port."""
    if not is_loopback(host):
        raise InputError(
            f"a double only listens on a loopback address (127.0.0.1, ::1, localhost), "
            f"not {host!r}: it has no authentication and answers anyone"
        )
    if not 0 <= port <= 65535:
        raise InputError(f"port {port} is not a TCP port (0-65535; 0 picks a free one)")
    address = "127.0.0.1" if host == "localhost" else host.strip("[]")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # says TCP, and without it every answer written in two parts waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((address, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(f"port {port} on {host} is already in use; pick another or use --port 0") from None
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.setblocking(False)
    return sock


def url_for(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@contextmanager
def serve(double: Double, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `double` over HTTP in the background; yields its base URL."""
    with serve_app(double, double.loop, host, port, name=f"the {double.name} double") as url:
        yield url


@contextmanager
def serve_app(
    app: Any, loop: LoopThread, host: str = "127.0.0.1", port: int = 0, name: str = "the app"
) -> Iterator[str]:
    """Serve any ASGI app on `loop` with the doubles' uvicorn settings (benchmarks compare with this)."""
    import uvicorn

    sock = bind(host, port)
    url = url_for(sock)
    config = uvicorn.Config(
        app,
        interface="asgi3",
        http="auto",  # httptools (a dependency) where it is installed, else h11
        lifespan="off",
        log_config=None,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        server_header=False,
        ws="none",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    running = loop.submit(server.serve(sockets=[sock]))
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if running.done():
                running.result()  # raises what stopped it
                raise HarnessError(f"{name}'s server on {url} stopped while starting")
            if time.monotonic() > deadline:
                raise HarnessError(f"{name}'s server on {url} did not start within {STARTUP_SECONDS:.0f} s")
            time.sleep(0.002)
        yield url
    finally:
        server.should_exit = True
        try:
            running.result(timeout=SHUTDOWN_SECONDS)
        except Exception:
            pass
        sock.close()


def serve_forever(
    double: Double, host: str = "127.0.0.1", port: int = 0, ready: Callable[[str], None] | None = None
) -> None:
    """Serve until interrupted (KeyboardInterrupt propagates after a clean stop).

    `ready(url)` is called once the server accepts connections.
    """
    with serve(double, host, port) as url:
        # Everything made so far (modules, schemas, the catalogue) lives as long as the
        # process: out of the collector's sight, a full collection no longer walks it.
        gc.collect()
        gc.freeze()
        if ready is not None:
            ready(url)
        while double.loop.running:
            time.sleep(0.2)  # short sleeps: Ctrl-C lands between them at once
