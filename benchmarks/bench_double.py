"""How much the OpenAI double costs next to the least a server or transport can do.

Over real HTTP on 127.0.0.1: a bounded load (REQUESTS at CONCURRENCY with an
httpx AsyncClient) on POST /v1/chat/completions, against the double and then
against a plain Starlette app that returns a fixed body, both under the same
uvicorn settings (`serve_app`) in the same run. Each server runs in its own
process, as a double does beside the app under test, so the load generator
does not share a GIL with it. In-process: sync calls through the double's
httpx transport against httpx.MockTransport with a fixed body.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from harness.double import Double
from harness.double.loop import LoopThread
from harness.double.server import serve_app

REQUESTS = 3_000
CONCURRENCY = 32
WARMUP = 100
IN_PROCESS_CALLS = 2_000
HEADERS = {"authorization": "Bearer sk-bench"}
BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "How fast is the double?"}]}


def fixed_app(body: bytes) -> Starlette:
    async def answer(request):
        await request.body()
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/v1/chat/completions", answer, methods=["POST"])])


def serve_child(kind: str) -> None:
    """In a child process: serve the double or the plain app (fixed body on stdin), print the URL,
    serve until stdin closes."""
    import sys

    if kind in ("double", "lenient"):  # the double validates requests unless lenient
        app: Any = Double("openai", seed=1, strict=kind == "double")
        loop = app.loop
    else:
        app, loop = fixed_app(sys.stdin.buffer.readline().rstrip(b"\n")), LoopThread(name="bench-starlette")
    with serve_app(app, loop, name=kind) as url:
        print(url, flush=True)
        sys.stdin.read()
    loop.stop()


@contextmanager
def _served(kind: str, fixed: bytes) -> Iterator[str]:
    root = Path(__file__).resolve().parent.parent
    child = subprocess.Popen(
        [sys.executable, "-c", f"from benchmarks.bench_double import serve_child; serve_child({kind!r})"],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        child.stdin.write(fixed + b"\n")
        child.stdin.flush()
        url = child.stdout.readline().decode().strip()
        if not url.startswith("http://"):
            raise RuntimeError(f"the {kind} server did not start")
        yield url
    finally:
        child.stdin.close()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


async def _load(url: str, body: dict[str, Any] = BODY, requests: int = REQUESTS) -> tuple[float, list[float]]:
    """(requests per second, latencies in seconds) for REQUESTS calls, CONCURRENCY at a time.

    One AsyncClient (one keep-alive connection) per worker: a single client's
    pool costs more per request as connections grow (at 32 it, not the server,
    is the bottleneck), which would hide the difference being measured.
    """
    clients = [
        httpx.AsyncClient(base_url=url, headers=HEADERS, timeout=30, limits=httpx.Limits(max_connections=1))
        for _ in range(CONCURRENCY)
    ]
    latencies: list[float] = []

    async def one(client: httpx.AsyncClient) -> None:
        start = time.perf_counter()
        response = await client.post("/v1/chat/completions", json=body)
        response.raise_for_status()
        latencies.append(time.perf_counter() - start)

    async def worker(client: httpx.AsyncClient, count) -> None:
        for _ in count:
            await one(client)

    try:
        await asyncio.gather(*[worker(c, range(WARMUP // CONCURRENCY + 1)) for c in clients])
        latencies.clear()
        remaining = iter(range(requests))
        start = time.perf_counter()
        await asyncio.gather(*[worker(c, remaining) for c in clients])
        return requests / (time.perf_counter() - start), latencies
    finally:
        for client in clients:
            await client.aclose()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _calls_per_second(client: httpx.Client) -> float:
    for _ in range(WARMUP):
        client.post("/v1/chat/completions", json=BODY)
    start = time.perf_counter()
    for _ in range(IN_PROCESS_CALLS):
        client.post("/v1/chat/completions", json=BODY)
    return IN_PROCESS_CALLS / (time.perf_counter() - start)


def _row(measure: str, value: float, unit: str, baseline: str, baseline_value: float) -> dict[str, Any]:
    # value / baseline, as in every benchmark; the measure says which way is better
    return {
        "measure": measure,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "baseline_value": baseline_value,
        "ratio": value / baseline_value,
    }


def run() -> list[dict[str, Any]]:
    with Double("openai", seed=1) as double:
        with httpx.Client(base_url="http://api.openai.test", transport=double.transport(), headers=HEADERS) as c:
            fixed = json.dumps(c.post("/v1/chat/completions", json=BODY).json()).encode()
            double_calls = _calls_per_second(c)
        mock = httpx.MockTransport(
            lambda request: httpx.Response(200, content=fixed, headers={"content-type": "application/json"})
        )
        with httpx.Client(base_url="http://api.openai.test", transport=mock, headers=HEADERS) as c:
            mock_calls = _calls_per_second(c)

    with _served("double", fixed) as url:
        double_rps, double_latency = asyncio.run(_load(url))
    with _served("plain", fixed) as url:
        plain_rps, plain_latency = asyncio.run(_load(url))

    plain = "plain Starlette, fixed body"
    return [
        _row(f"HTTP chat completions ({REQUESTS} at {CONCURRENCY})", double_rps, "req/s", plain, plain_rps),
        _row(
            "HTTP latency p50",
            _percentile(double_latency, 0.50) * 1000,
            "ms",
            plain,
            _percentile(plain_latency, 0.50) * 1000,
        ),
        _row(
            "HTTP latency p99",
            _percentile(double_latency, 0.99) * 1000,
            "ms",
            plain,
            _percentile(plain_latency, 0.99) * 1000,
        ),
        _row(
            "HTTP latency mean",
            statistics.fmean(double_latency) * 1000,
            "ms",
            plain,
            statistics.fmean(plain_latency) * 1000,
        ),
        _row(
            f"in-process calls, httpx transport ({IN_PROCESS_CALLS})",
            double_calls,
            "calls/s",
            "httpx.MockTransport, fixed body",
            mock_calls,
        ),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
