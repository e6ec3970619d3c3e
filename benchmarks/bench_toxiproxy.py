"""What the embedded Toxiproxy hop costs, with no toxic, measured as the peers are.

A small Starlette app answers a fixed JSON body on 127.0.0.1 (uvicorn, with
httptools and uvloop where installed). wrk (1 thread x 16 keep-alive
connections) loads it directly (the baseline) and through `harness toxiproxy
serve`, in interleaved rounds of ROUND_SECONDS (direct, hop, direct, hop, ...)
so that drift in the machine's load hits both alike. The upstream and the hop
each run in a process of their own; the hop's CPU per request is read from
/proc around its rounds.

Without wrk (`sudo apt-get install -y wrk`) a lean Python HTTP/1.1 load
generator stands in, with a note row: it runs in this process and tops out
well below the server, so it shows the hop's latency more than its limits.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from benchmarks import row, wrk
from harness.double.loop import new_loop

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3
ROUND_SECONDS = float(os.environ.get("HARNESS_BENCH_HOP_SECONDS", "3"))
WARM_UP_SECONDS = 1.0
BASELINE = "direct to the server"
BODY = (
    b'{"id":"chatcmpl-bench","object":"chat.completion","choices":[{"index":0,'
    b'"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}]}'
)
# The Python load generator's bounded load, where there is no wrk.
REQUESTS = 2_000
CONCURRENCY = 16
WARM_UP = 200


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
    with asyncio.Runner(loop_factory=lambda: new_loop(uvloop=True)) as runner:
        runner.run(uvicorn.Server(config).serve(sockets=[sock]))


@contextmanager
def _processes() -> Iterator[tuple[int, int, int, int]]:
    """(upstream port, upstream pid, hop port, hop pid): the upstream and `harness toxiproxy
    serve` with one proxy in front of it, each in a process of its own."""
    upstream = _start(["-m", "benchmarks.bench_toxiproxy", "--upstream"])
    hop = _start(["-m", "harness.cli", "toxiproxy", "serve", "--port", "0"])
    try:
        assert upstream.stdout is not None and hop.stdout is not None
        upstream_port = int(upstream.stdout.readline())
        api = hop.stdout.readline().split()[-1]
        proxy = httpx.post(f"{api}/proxies", json={"name": "bench", "upstream": f"127.0.0.1:{upstream_port}"})
        yield upstream_port, upstream.pid, int(proxy.json()["listen"].rsplit(":", 1)[1]), hop.pid
    finally:
        for process in (upstream, hop):
            process.terminate()
            process.wait(timeout=10)


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True)


# -- wrk -------------------------------------------------------------------------------


def _rows_wrk() -> list[dict[str, Any]]:
    rounds: dict[str, list[wrk.Figures]] = {"direct": [], "hop": []}
    with _processes() as (upstream_port, upstream_pid, hop_port, hop_pid):
        urls = {"direct": f"http://127.0.0.1:{upstream_port}/", "hop": f"http://127.0.0.1:{hop_port}/"}
        for url in urls.values():
            wrk.run(url, WARM_UP_SECONDS)
        for _ in range(ROUNDS):
            for name, url in urls.items():
                rounds[name].append(wrk.run(url, ROUND_SECONDS, pids=(upstream_pid, hop_pid)))
    direct, hop = wrk.combined(rounds["direct"]), wrk.combined(rounds["hop"])
    load = f"wrk 1x{wrk.CONNECTIONS}, {ROUNDS}x{ROUND_SECONDS:g} s interleaved"
    return [
        row(
            f"p50 latency through the hop, no toxic ({hop.p50 - direct.p50:+.2f} ms; {load})",
            hop.p50,
            "ms",
            BASELINE,
            direct.p50,
        ),
        row(
            f"p99 latency through the hop, no toxic ({hop.p99 - direct.p99:+.2f} ms)",
            hop.p99,
            "ms",
            BASELINE,
            direct.p99,
        ),
        row("throughput through the hop, no toxic", hop.rps, "req/s", BASELINE, direct.rps),
        row(
            "hop CPU per request, no toxic (/proc)",
            hop.cpu_us(hop_pid),
            "µs",
            "the upstream server's, direct",
            direct.cpu_us(upstream_pid),
        ),
    ]


# -- the Python load generator, where there is no wrk ----------------------------------


async def _load(port: int, count: int) -> tuple[list[float], float]:
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


def _percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def _rows_python() -> list[dict[str, Any]]:
    samples: dict[str, list[float]] = {"direct": [], "hop": []}
    seconds = {"direct": 0.0, "hop": 0.0}
    with _processes() as (upstream_port, _, hop_port, _):
        ports = {"direct": upstream_port, "hop": hop_port}
        for port in ports.values():
            asyncio.run(_load(port, WARM_UP))
        for _ in range(ROUNDS):
            for name, port in ports.items():
                latencies, elapsed = asyncio.run(_load(port, REQUESTS // ROUNDS))
                samples[name] += latencies
                seconds[name] += elapsed
    rows: list[dict[str, Any]] = [
        {
            "measure": f"wrk is not installed ({wrk.INSTALL}): the Python load generator below "
            "shares this process's GIL and tops out well below the server",
            "value": 0,
            "unit": "",
        }
    ]
    for label, share in (("p50", 0.50), ("p99", 0.99)):
        direct, via = (_percentile(samples[k], share) * 1000 for k in ("direct", "hop"))
        load = f"{REQUESTS:,} req, {CONCURRENCY} conns"
        rows.append(
            row(
                f"{label} latency through the hop, no toxic ({via - direct:+.2f} ms; {load})",
                via,
                "ms",
                BASELINE,
                direct,
            )
        )
    count = REQUESTS // ROUNDS * ROUNDS
    rows.append(
        row(
            "throughput through the hop, no toxic", count / seconds["hop"], "req/s", BASELINE, count / seconds["direct"]
        )
    )
    return rows


def run() -> list[dict[str, Any]]:
    return _rows_wrk() if wrk.available() else _rows_python()


if __name__ == "__main__":
    if sys.argv[1:] == ["--upstream"]:
        serve_upstream()
    else:
        for line in run():
            print(line)
