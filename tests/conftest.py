"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from echo_server import EchoServer, _Handler
from hypothesis import settings

# Property tests draw the same examples on every run and every xdist worker, so a red CI run
# is a finding anyone can rerun, never a roll of the dice. HARNESS_HYPOTHESIS_PROFILE=explore
# draws fresh examples (and keeps Hypothesis' example database) to look further.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HARNESS_HYPOTHESIS_PROFILE", "repeatable"))

pytest_plugins = ["pytester"]  # the plugin's own tests run pytest inside pytest


@pytest.fixture
def echo_server() -> Iterator[EchoServer]:
    """A server on 127.0.0.1 that echoes each request back (see echo_server.py)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.hits, server.headers = [], []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield EchoServer(url=f"http://127.0.0.1:{server.server_address[1]}", hits=server.hits, headers=server.headers)  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
