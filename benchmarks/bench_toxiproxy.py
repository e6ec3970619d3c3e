"""What the embedded Toxiproxy hop costs, with no toxic.

A small uvicorn + Starlette server answers a fixed JSON body on 127.0.0.1.
The same load (2,000 requests, 16 keep-alive connections) goes to it
directly (the baseline) and through `harness toxiproxy serve`, in alternating
rounds of the same run. The upstream and the hop each run in a process of
their own, so neither shares a GIL with the load generator, which is a lean
HTTP/1.1 client so that its own cost does not hide the hop's.
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 2_000
CONCURRENCY = 16
ROUNDS = 2  # direct, hop, direct, hop: drift in the machine's load hits both alike
WARM_UP = 200
BODY = (
    b'{"id":"chatcmpl-bench","object":"chat.completion","choices":[{"index":0,'
    b'"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}]}'
)


def serve_upstream() -> None:
    """The upstream, run as `python -m benchmarks.bench_toxiproxy --upstream`; prints its port."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def answer(request) -> Response:
        return Response(BODY, media_type="application/json")

    # IPPROTO_TCP so that asyncio turns Nagle off on accepted sockets.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(
        Starlette(routes=[Route("/", answer)]), lifespan="off", access_log=False, log_level="warning"
    )
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))


async def load(port: int, count: int) -> tuple[list[float], float]:
    """`count` GETs over CONCURRENCY keep-alive connections; (latencies in s, elapsed s)."""
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    latencies: list[float] = []
    left = count

    async def worker() -> None:
        nonlocal left
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while left > 0:
                left -= 1
                start = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - start)
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return latencies, time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True)


def run() -> list[dict]:
    upstream = start(["-m", "benchmarks.bench_toxiproxy", "--upstream"])
    hop = start(["-m", "harness.cli", "toxiproxy", "serve", "--port", "0"])
    try:
        upstream_port = int(upstream.stdout.readline())
        api = hop.stdout.readline().split()[-1]
        proxy = httpx.post(f"{api}/proxies", json={"name": "bench", "upstream": f"127.0.0.1:{upstream_port}"})
        hop_port = int(proxy.json()["listen"].rsplit(":", 1)[1])

        samples: dict[str, list[float]] = {"direct": [], "hop": []}
        seconds = {"direct": 0.0, "hop": 0.0}
        for port in (upstream_port, hop_port):
            asyncio.run(load(port, WARM_UP))
        for _ in range(ROUNDS):
            for name, port in (("direct", upstream_port), ("hop", hop_port)):
                latencies, elapsed = asyncio.run(load(port, REQUESTS // ROUNDS))
                samples[name] += latencies
                seconds[name] += elapsed
    finally:
        for process in (upstream, hop):
            process.terminate()
            process.wait(timeout=10)

    rows = []
    for label, share in (("p50", 0.50), ("p99", 0.99)):
        direct, via = (percentile(samples[k], share) * 1000 for k in ("direct", "hop"))
        rows.append(
            {
                "measure": f"{label} latency through the hop, no toxic (+{via - direct:.2f} ms; "
                f"{REQUESTS:,} req, {CONCURRENCY} conns)",
                "value": via,
                "unit": "ms",
                "baseline": "direct to the server",
                "baseline_value": direct,
                "ratio": via / direct,
            }
        )
    direct_rate, hop_rate = (REQUESTS / seconds[k] for k in ("direct", "hop"))
    rows.append(
        {
            "measure": "throughput through the hop, no toxic",
            "value": hop_rate,
            "unit": "req/s",
            "baseline": "direct to the server",
            "baseline_value": direct_rate,
            "ratio": hop_rate / direct_rate,
        }
    )
    return rows


if __name__ == "__main__":
    if sys.argv[1:] == ["--upstream"]:
        serve_upstream()
    else:
        for row in run():
            print(row)
