"""EmbeddedToxiproxy: the API and its proxies on one event loop, in a thread of their own.

    with EmbeddedToxiproxy() as url:      # 127.0.0.1, a free port
        ...

Several can run in one process; each has its own thread, loop and proxies.
The API socket is bound before the thread starts, so the port is known (and
a port in use is reported) at once, and early requests wait in the backlog.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time

import uvicorn

from harness.chaos.toxiproxy.address import Address, bind_host, is_loopback, listen_backlog
from harness.chaos.toxiproxy.api import build_app
from harness.chaos.toxiproxy.collection import ProxyCollection
from harness.double.loop import new_loop
from harness.errors import InputError

STARTUP_TIMEOUT = 10.0
TOKEN_VARIABLE = "TOXIPROXY_AUTH_TOKEN"


class EmbeddedToxiproxy:
    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, seed: int = 0, token: str | None = None, uvloop: bool = False
    ) -> None:
        if not is_loopback(host):
            raise InputError(
                f"refusing to listen on {host}: the embedded Toxiproxy listens on loopback only (127.0.0.1)"
            )
        self.host, self.port, self.seed = bind_host(host), port, seed
        self.uvloop = uvloop  # uvloop's event loop where installed: `harness toxiproxy serve` asks for it
        # As Toxiproxy 2.13: with a token, every API request must carry it (`Authorization: Bearer`).
        self.token = token if token is not None else (os.environ.get(TOKEN_VARIABLE) or None)
        self.url = ""
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: uvicorn.Server | None = None
        self._failure: BaseException | None = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> str:
        """Start serving in a background thread; return the API's URL."""
        if self._thread is not None:
            return self.url
        sock = self._bind()
        self.url = f"http://{Address(*sock.getsockname()[:2])}"
        self._thread = threading.Thread(target=self._run, args=(sock,), daemon=True, name=f"toxiproxy {self.url}")
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not (self._server is not None and self._server.started):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the embedded Toxiproxy at {self.url} did not start") from self._failure
            time.sleep(0.002)
        return self.url

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        if self._loop is not None and self._server is not None:
            self._loop.call_soon_threadsafe(setattr, self._server, "should_exit", True)
        thread.join(timeout=10)

    def serve_forever(self) -> None:
        """Block until interrupted (KeyboardInterrupt), then stop."""
        self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP, not 0: asyncio turns Nagle off only on sockets that say they are TCP,
        # and with Nagle on every API answer waits ~40 ms for a delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise InputError(f"cannot listen on {Address(self.host, self.port)} ({exc.strerror or exc})") from None
        sock.listen(listen_backlog())
        return sock

    def _run(self, sock: socket.socket) -> None:
        try:
            with asyncio.Runner(loop_factory=lambda: new_loop(self.uvloop)) as runner:
                runner.run(self._serve(sock))
        except BaseException as exc:  # reported by start() or lost with the thread
            self._failure = exc
        finally:
            sock.close()

    async def _serve(self, sock: socket.socket) -> None:
        self._loop = asyncio.get_running_loop()
        collection = ProxyCollection(self.seed)
        # log_config=None and log_level=None: leave the process's logging alone
        # (other uvicorn servers, the doubles, may share it).
        config = uvicorn.Config(
            build_app(collection, self.token),
            lifespan="off",
            access_log=False,
            log_config=None,
            log_level=None,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        try:
            await self._server.serve(sockets=[sock])
        finally:
            await collection.close()
