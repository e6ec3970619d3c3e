"""LoopThread: one asyncio event loop on a daemon thread, owned by one double.

Everything a double answers runs on its loop, whichever way the request
came in (sync transport, async transport from another loop, uvicorn). So a
double's state is only ever touched from one thread, handlers need no locks,
and the order in which calls reach the handlers is the order they arrived.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Coroutine
from typing import Any


def new_loop(uvloop: bool = False) -> asyncio.AbstractEventLoop:
    """An event loop: uvloop's when asked for and installed (a served double, the embedded
    Toxiproxy: several times less CPU per connection), else asyncio's."""
    if uvloop:
        try:
            import uvloop as fast
        except ImportError:  # no wheel for this platform (Windows): asyncio's loop serves
            pass
        else:
            return fast.new_event_loop()
    return asyncio.new_event_loop()


class LoopThread:
    def __init__(self, name: str = "harness-double", *, uvloop: bool = False) -> None:
        self.name = name
        self.uvloop = uvloop
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._tasks: set[asyncio.Task] = set()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The running loop, started on first use."""
        with self._lock:
            if self._loop is None or self._thread is None or not self._thread.is_alive():
                self._start()
            assert self._loop is not None
            return self._loop

    def _start(self) -> None:
        loop = new_loop(self.uvloop)
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()
            # Stopped: finish what is still pending so nothing is left half-closed.
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        thread = threading.Thread(target=run, name=self.name, daemon=True)
        thread.start()
        ready.wait()
        self._loop, self._thread = loop, thread

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def in_loop_thread(self) -> bool:
        return self._thread is threading.current_thread()

    def submit(self, coro: Coroutine[Any, Any, Any]) -> concurrent.futures.Future:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def start_task(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run `coro` on the loop, fire and forget: cheaper than `submit` when the
        coroutine reports through its own channel (as a transport's Link does)."""
        loop = self.loop
        tasks = self._tasks

        def start() -> None:
            task = loop.create_task(coro)
            tasks.add(task)  # a strong reference until it is done
            task.add_done_callback(tasks.discard)

        loop.call_soon_threadsafe(start)

    def call_soon(self, callback: Callable[..., Any], *args: Any) -> None:
        """Run `callback(*args)` on the loop; a no-op once the loop is gone."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(callback, *args)
            except RuntimeError:  # closed between the check and the call
                pass

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        if not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        if thread is not threading.current_thread():
            thread.join(timeout)
