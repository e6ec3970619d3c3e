"""In-process transports: httpx / httpx2 clients talking to a double without sockets.

    client = openai.OpenAI(http_client=httpx.Client(transport=double.transport()))
    client = openai.OpenAI(http_client=httpx2.Client(transport=double.transport("httpx2")))

The app runs on the double's own loop thread (see loop.py); the caller's
side only waits for ASGI messages. Unlike httpx's ASGITransport, which
buffers the whole answer, the body reaches the client one `send` at a time,
so an SSE stream streams and a client that stops reading disconnects the
app. The client's read timeout applies, as it would on a socket.

httpx and httpx2 have the same transport API but separate classes (a
response must carry its own library's byte stream), so the classes are made
once per library, on first use: httpx2 is only imported when asked for.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import queue
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.double.app import Double

FLAVOURS = ("httpx", "httpx2")
_DONE = {"type": "harness.done"}


class ClientGone(ConnectionError):
    """The client closed the response; the app's next `send` fails like a dropped socket."""


class Link:
    """One in-flight request between a client thread or loop and the double's loop."""

    def __init__(self, double: Double, deliver: Callable[[dict], None]) -> None:
        self.double = double
        self.deliver = deliver
        self.closed = False
        self._gone: asyncio.Event | None = None  # made on the double's loop

    def close(self) -> None:
        """From the client's side: stop listening (any thread)."""
        if not self.closed:
            self.closed = True
            self.double.loop.call_soon(self._wake)

    def _wake(self) -> None:
        if self._gone is not None:
            self._gone.set()

    async def run(self, scope: dict, body: bytes) -> None:
        """Run the app for one request on the double's loop, delivering what it sends."""
        gone = self._gone = asyncio.Event()
        if self.closed:
            gone.set()
        body_sent = False

        async def receive() -> dict:
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            if self.closed:
                raise ClientGone("the client closed the response")
            self.deliver(message)

        try:
            await self.double(scope, receive, send)
        except Exception as exc:
            self.deliver({"type": "harness.error", "error": exc})
        else:
            self.deliver(_DONE)


def scope_for(request: Any) -> dict:
    """The ASGI scope of an httpx/httpx2 request."""
    url = request.url
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": url.raw_path.split(b"?")[0],
        "query_string": url.query,
        "root_path": "",
        "headers": [(k.lower(), v) for k, v in request.headers.raw],
        "client": ("127.0.0.1", 0),
        "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
    }


def _read_timeout(request: Any) -> float | None:
    return (request.extensions.get("timeout") or {}).get("read")


@functools.cache
def transport_types(flavour: str) -> tuple[type, type]:
    """(sync transport class, async transport class) built on `flavour` (httpx or httpx2)."""
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown transport flavour {flavour!r}; use one of {', '.join(FLAVOURS)}")
    http: Any = importlib.import_module(flavour)  # httpx or httpx2: the same API, typed as neither

    def failure(message: dict, request: Any) -> Exception:
        error = message["error"]
        return http.ReadError(f"the double failed: {type(error).__name__}: {error}", request=request)

    class SyncBody(http.SyncByteStream):
        def __init__(self, inbox: queue.SimpleQueue, link: Link, request: Any) -> None:
            self.inbox, self.link, self.request = inbox, link, request

        def __iter__(self) -> Iterator[bytes]:
            timeout = _read_timeout(self.request)
            while not self.link.closed:
                try:
                    message = self.inbox.get(timeout=timeout)
                except queue.Empty:
                    self.link.close()
                    raise http.ReadTimeout("timed out reading from the double", request=self.request) from None
                kind = message["type"]
                if kind == "http.response.body":
                    if message.get("body"):
                        yield message["body"]
                    if not message.get("more_body", False):
                        self.link.closed = True  # finished: nothing to disconnect
                        return
                elif kind == "harness.error":
                    raise failure(message, self.request)
                else:  # the app returned without finishing its body
                    return

        def close(self) -> None:
            self.link.close()

    class AsyncBody(http.AsyncByteStream):
        def __init__(self, inbox: asyncio.Queue, link: Link, request: Any) -> None:
            self.inbox, self.link, self.request = inbox, link, request

        async def __aiter__(self) -> AsyncIterator[bytes]:
            timeout = _read_timeout(self.request)
            while not self.link.closed:
                try:
                    message = await asyncio.wait_for(self.inbox.get(), timeout)
                except TimeoutError:
                    self.link.close()
                    raise http.ReadTimeout("timed out reading from the double", request=self.request) from None
                kind = message["type"]
                if kind == "http.response.body":
                    if message.get("body"):
                        yield message["body"]
                    if not message.get("more_body", False):
                        self.link.closed = True
                        return
                elif kind == "harness.error":
                    raise failure(message, self.request)
                else:
                    return

        async def aclose(self) -> None:
            self.link.close()

    def started(message: dict, request: Any, stream: Any) -> Any:
        if message["type"] == "harness.error":
            raise failure(message, request)
        if message["type"] != "http.response.start":
            raise http.RemoteProtocolError("the double answered without a response", request=request)
        return http.Response(
            message["status"],
            headers=message.get("headers", []),
            stream=stream,
            extensions={"http_version": b"HTTP/1.1"},
        )

    class DoubleTransport(http.BaseTransport):
        """Sync transport into a double (blocks the calling thread, never the double's loop)."""

        def __init__(self, double: Double) -> None:
            self.double = double

        def handle_request(self, request: Any) -> Any:
            body = request.read()
            inbox: queue.SimpleQueue = queue.SimpleQueue()
            link = Link(self.double, inbox.put)
            self.double.loop.start_task(link.run(scope_for(request), body))
            try:
                first = inbox.get(timeout=_read_timeout(request))
            except queue.Empty:
                link.close()
                raise http.ReadTimeout("timed out waiting for the double", request=request) from None
            return started(first, request, SyncBody(inbox, link, request))

        def __repr__(self) -> str:
            return f"<{flavour} DoubleTransport for {self.double!r}>"

    class AsyncDoubleTransport(http.AsyncBaseTransport):
        """Async transport into a double, from any asyncio loop."""

        def __init__(self, double: Double) -> None:
            self.double = double

        async def handle_async_request(self, request: Any) -> Any:
            body = await request.aread()
            loop = asyncio.get_running_loop()
            inbox: asyncio.Queue = asyncio.Queue()

            link: Link

            def deliver(message: dict) -> None:
                try:
                    loop.call_soon_threadsafe(inbox.put_nowait, message)
                except RuntimeError:  # the client's loop is closed: nobody is listening
                    link.closed = True

            link = Link(self.double, deliver)
            self.double.loop.start_task(link.run(scope_for(request), body))
            try:
                first = await asyncio.wait_for(inbox.get(), _read_timeout(request))
            except TimeoutError:
                link.close()
                raise http.ReadTimeout("timed out waiting for the double", request=request) from None
            return started(first, request, AsyncBody(inbox, link, request))

        def __repr__(self) -> str:
            return f"<{flavour} AsyncDoubleTransport for {self.double!r}>"

    for kind in (SyncBody, AsyncBody, DoubleTransport, AsyncDoubleTransport):
        kind.__module__ = __name__
        kind.__qualname__ = kind.__name__
    return DoubleTransport, AsyncDoubleTransport


def sync_transport(double: Double, flavour: str = "httpx") -> Any:
    return transport_types(flavour)[0](double)


def async_transport(double: Double, flavour: str = "httpx") -> Any:
    return transport_types(flavour)[1](double)
