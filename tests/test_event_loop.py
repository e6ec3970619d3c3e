"""Served doubles and the embedded Toxiproxy run on uvloop where it is installed, and on
asyncio's own loop where it is not; in-process doubles keep asyncio's loop."""

from __future__ import annotations

import asyncio
import sys

import pytest

from harness.double.loop import LoopThread, new_loop

uvloop = pytest.importorskip("uvloop")


def test_uvloop_when_asked_and_installed():
    thread = LoopThread(uvloop=True)
    try:
        assert isinstance(thread.loop, uvloop.Loop)
    finally:
        thread.stop()


def test_asyncio_by_default_and_without_uvloop(monkeypatch):
    plain = new_loop()
    assert not isinstance(plain, uvloop.Loop)
    plain.close()
    monkeypatch.setitem(sys.modules, "uvloop", None)  # a platform with no wheel
    fallback = new_loop(uvloop=True)
    assert isinstance(fallback, asyncio.AbstractEventLoop) and not isinstance(fallback, uvloop.Loop)
    fallback.close()


def test_a_served_double_and_the_embedded_toxiproxy_ask_for_it():
    from harness.chaos.toxiproxy.server import EmbeddedToxiproxy
    from harness.double import Double

    double = Double("openai", uvloop=True)
    try:
        assert isinstance(double.loop.loop, uvloop.Loop)
    finally:
        double.close()
    import httpx

    server = EmbeddedToxiproxy(uvloop=True)
    with server as url:
        assert httpx.get(f"{url}/version").status_code == 200
        assert isinstance(server._loop, uvloop.Loop)
