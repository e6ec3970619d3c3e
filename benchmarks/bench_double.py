"""How much the OpenAI double costs next to the least a server can do, measured as the peers are.

Over real HTTP on 127.0.0.1 with wrk (1 thread x 16 connections, the way
WireMock and Prism are usually measured), POST /v1/chat/completions:

- `harness serve openai` (the strict double as a user runs it, in its own
  process) against a plain Starlette app returning a fixed body on the same
  server stack (`serve_app`: uvicorn with httptools on uvloop, where installed),
  in interleaved rounds of ROUND_SECONDS for req/s and server CPU per request
  (the median round of each; the req/s ratio is the median of each turn's own
  ratio, with a 95 % interval for that median and the turns' quartiles);
- then a sustained load of each for the latency tail (HARNESS_BENCH_SECONDS,
  60 s by default; set it lower for a quick run), which is where a journal that
  grows with uptime shows: the same server processes, each loaded for the whole
  time in SLICES slices taking turns with the other, so that the machine's speed
  moving over the two minutes moves both alike; the median slice's figures, and
  the worst slice's p99;
- the collector's pauses in each server over its whole life (gc.callbacks,
  written to a file when it stops): a journal that grows with uptime makes
  full collections longer and longer, a bounded one does not;
- one more round of each with a different prompt on every request (a wrk Lua
  `request()`), so that the double's per-prompt caches are missed as they
  would be by a real app;
- WireMock 3 with a fixed stub, when a JVM and npm are here (the `wiremock` npm
  package holds its jar, installed once into .venv/wiremock), warmed for a round,
  then in rounds taking turns with the double as the plain app does; otherwise
  the figures issue 16 measured for it are printed for comparison.

Beside the fixed-body app, a **floor** in the same rounds: a plain Starlette app on the same
stack that does only what any faithful double must do per request (`floor_app`): parse the
JSON request, validate it with a compiled jsonschema_rs validator, build an answer with a
fresh random id and timestamp, encode it, and send the same header names the double sends.
The double's distance from it is what its own extra work costs.

Without wrk (`sudo apt-get install -y wrk`) the Python load generator below
stands in, with a note: it saturates near 2k req/s, so it hides the server's
own limits. In-process: the double's own CPU per call, driving its ASGI app with a
trivial `send` (no server, no socket), against the fixed-body and floor apps driven the
same way; and sync calls through the double's httpx transport against
httpx.MockTransport with a fixed body.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from benchmarks import row, wrk
from harness.double import Double
from harness.double.loop import LoopThread
from harness.double.server import serve_app

ROOT = Path(__file__).resolve().parent.parent
SUSTAINED_SECONDS = float(os.environ.get("HARNESS_BENCH_SECONDS", "60"))
ROUND_SECONDS = min(1.0, SUSTAINED_SECONDS)
# Each server takes each place in the order twelve times, and the figure is its median round: on a
# shared 2-core machine the host can take a round's CPU time (steal time), and a mean of two
# rounds moves with it. Short rounds, many turns: the two rounds a turn compares are a second
# apart; resampled, the median of 36 turns of 1 s moved by 0.016 to 0.038, of 12 of 3 s by 0.047.
ROUNDS = 36
VARIED_SECONDS = min(3.0, SUSTAINED_SECONDS)  # the one round of each with a new prompt every request
WARM_SECONDS = min(5.0, SUSTAINED_SECONDS)  # WireMock's, before its rounds
SLICES = 6  # of the sustained load, each server's in turns with the other's
# WireMock 3.13 with a fixed stub, as issue 16 measured it beside the double on 2 cores (wrk, 1x16).
WIREMOCK_ISSUE_FIGURES = {"req/s": 17_028.0, "us CPU/req": 63.0}
REQUESTS = 3_000  # the Python load generator's bounded load
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


# A small chat completions request schema: enough for the floor to validate as a double must.
FLOOR_SCHEMA = {
    "type": "object",
    "required": ["model", "messages"],
    "properties": {
        "model": {"type": "string"},
        "messages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["role"],
                "properties": {
                    "role": {"enum": ["system", "developer", "user", "assistant", "tool", "function"]},
                    "content": {"type": ["string", "array", "null"]},
                },
            },
        },
        "n": {"type": ["integer", "null"], "minimum": 1, "maximum": 128},
        "temperature": {"type": ["number", "null"], "minimum": 0, "maximum": 2},
        "max_tokens": {"type": ["integer", "null"], "minimum": 1},
        "stream": {"type": ["boolean", "null"]},
    },
}


def floor_app() -> Starlette:
    """The least a faithful double can do per request, on the same stack: parse the JSON request,
    validate it with a compiled validator, answer a dict with a fresh random id and timestamp,
    encode it, and send the header names the OpenAI double sends (uvicorn adds `date` to both)."""
    import random

    import jsonschema_rs
    import orjson

    validator = jsonschema_rs.validator_for(FLOOR_SCHEMA)
    draw = random.Random(1).getrandbits

    async def answer(request):
        body = orjson.loads(await request.body())
        if not validator.is_valid(body):
            return Response(b'{"error":{"message":"invalid request"}}', status_code=400, media_type="application/json")
        reply = {
            "id": f"chatcmpl-{draw(116):029x}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "You said it.", "refusal": None, "annotations": []},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12},
        }
        headers = {
            "openai-version": "2020-10-01",
            "openai-processing-ms": "20",
            "x-ratelimit-limit-requests": "10000",
            "x-ratelimit-limit-tokens": "30000000",
            "x-ratelimit-remaining-requests": "9999",
            "x-ratelimit-remaining-tokens": "29999990",
            "x-ratelimit-reset-requests": "6ms",
            "x-ratelimit-reset-tokens": "0ms",
            "x-request-id": f"req_{draw(128):032x}",
        }
        return Response(orjson.dumps(reply), media_type="application/json", headers=headers)

    return Starlette(routes=[Route("/v1/chat/completions", answer, methods=["POST"])])


def _asgi_cpu_per_call(app: Any, calls: int = IN_PROCESS_CALLS * 5) -> float:
    """µs of CPU per call of an ASGI app driven directly with a trivial `send` (no server, no
    socket): the app's own work, best of three rounds, with the collector's start-up objects
    frozen as `harness serve` freezes them."""
    body = json.dumps(BODY).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/chat/completions",
        "raw_path": b"/v1/chat/completions",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:1234"),
            (b"content-type", b"application/json"),
            *((k.encode(), v.encode()) for k, v in HEADERS.items()),
            (b"content-length", str(len(body)).encode()),
        ],
        "server": ("127.0.0.1", 1234),
        "client": ("127.0.0.1", 5555),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        pass

    def one() -> None:
        coroutine = app(dict(scope), receive, send)
        try:
            coroutine.send(None)
        except StopIteration:
            return
        raise RuntimeError("the app waited on something: it cannot be driven without a loop")

    for _ in range(WARMUP * 10):
        one()
    gc.collect()
    gc.freeze()
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for _ in range(calls):
            one()
        best = min(best, (time.process_time() - start) / calls * 1e6)
    gc.unfreeze()
    return best


def log_gc_pauses() -> None:
    """In a server child: time every collection; at exit write [[generation, seconds, at], ...]
    to $HARNESS_BENCH_GC_LOG (`at`: wall-clock time the collection began)."""
    import atexit

    path = os.environ.get("HARNESS_BENCH_GC_LOG")
    if not path:
        return
    began, pauses = [0.0], []

    def timed(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.time()
        else:
            pauses.append((info["generation"], time.time() - began[0], began[0]))

    gc.callbacks.append(timed)
    atexit.register(lambda: Path(path).write_text(json.dumps(pauses)))


def serve_cli() -> None:
    """In a child process: `harness serve openai --seed 1`, as a user runs it, with its
    collections timed."""
    from harness.cli import main

    log_gc_pauses()
    sys.exit(main(["serve", "openai", "--seed", "1"]))


def serve_child(kind: str) -> None:
    """In a child process: serve the double or the plain app (fixed body on stdin), print the URL,
    serve until stdin closes."""
    import sys

    log_gc_pauses()
    if kind in ("double", "lenient"):  # the double validates requests unless lenient
        app: Any = Double("openai", seed=1, strict=kind == "double", uvloop=True)
        loop = app.loop
    elif kind == "floor":
        sys.stdin.buffer.readline()
        app, loop = floor_app(), LoopThread(name="bench-floor", uvloop=True)
    else:
        fixed = sys.stdin.buffer.readline().rstrip(b"\n")
        app, loop = fixed_app(fixed), LoopThread(name="bench-starlette", uvloop=True)
    with serve_app(app, loop, name=kind) as url:
        gc.collect()
        gc.freeze()  # as `harness serve` does once it is up
        print(url, flush=True)
        sys.stdin.read()
    loop.stop()


@contextmanager
def _served(kind: str, fixed: bytes) -> Iterator[str]:
    with _server(kind, fixed) as (url, _):
        yield url


@contextmanager
def _server(kind: str, fixed: bytes, gc_log: Path | None = None) -> Iterator[tuple[str, int]]:
    """(URL, pid) of a server in a child process: `harness serve openai` for "served", else
    `serve_child(kind)`; its collections' pauses go to `gc_log` when it stops."""
    if kind == "served":
        command = [sys.executable, "-c", "from benchmarks.bench_double import serve_cli; serve_cli()"]
    else:
        command = [sys.executable, "-c", f"from benchmarks.bench_double import serve_child; serve_child({kind!r})"]
    env = {**os.environ, "HARNESS_BENCH_GC_LOG": str(gc_log)} if gc_log else None
    child = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    try:
        child.stdin.write(fixed + b"\n")
        child.stdin.flush()
        url = child.stdout.readline().decode().split()[-1:] or [""]
        if not url[0].startswith("http://"):
            raise RuntimeError(f"the {kind} server did not start")
        yield url[0], child.pid
    finally:
        child.stdin.close()
        if kind == "served":
            child.terminate()  # `harness serve` stops on SIGTERM
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


async def _load(
    url: str, body: dict[str, Any] = BODY, requests: int = REQUESTS, *, varied: bool = False
) -> tuple[float, list[float]]:
    """(requests per second, latencies in seconds) for REQUESTS calls, CONCURRENCY at a time;
    `varied` appends a counter to the last message, so no two requests are alike.

    One AsyncClient (one keep-alive connection) per worker: a single client's
    pool costs more per request as connections grow (at 32 it, not the server,
    is the bottleneck), which would hide the difference being measured.
    """
    clients = [
        httpx.AsyncClient(base_url=url, headers=HEADERS, timeout=30, limits=httpx.Limits(max_connections=1))
        for _ in range(CONCURRENCY)
    ]
    latencies: list[float] = []
    numbers = itertools.count()

    def sent() -> dict[str, Any]:
        if not varied:
            return body
        *earlier, last = body["messages"]
        return {**body, "messages": [*earlier, {**last, "content": f"{last['content']} {next(numbers)}"}]}

    async def one(client: httpx.AsyncClient) -> None:
        start = time.perf_counter()
        response = await client.post("/v1/chat/completions", json=sent())
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


# -- wrk ----------------------------------------------------------------------


def _wrk_script(body: dict[str, Any], folder: str, varied: bool = False) -> str:
    """wrk's Lua: POST `body`; `varied` appends a counter to the last message, so every request
    carries a prompt not seen before."""
    path = Path(folder) / ("varied.lua" if varied else "post.lua")
    lines = [
        'wrk.method = "POST"',
        f"wrk.body = {json.dumps(json.dumps(body))}",
        'wrk.headers["Content-Type"] = "application/json"',
        *(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in HEADERS.items()),
    ]
    if varied:
        head, end, tail = json.dumps(body).rpartition('"}]')
        lines += [
            "counter = 0",
            "request = function()",
            "  counter = counter + 1",
            f"  return wrk.format(nil, nil, nil, {json.dumps(head)} .. ' ' .. counter .. {json.dumps(end + tail)})",
            "end",
        ]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _gc_figures(path: Path, since: float, until: float) -> dict[str, float]:
    """From a `log_gc_pauses` file, the collections while under load (wall clock `since` to
    `until`): how many, how many full (generation 2), the longest pause, and the longest in the
    first and in the last third of that time, in ms."""
    pauses = json.loads(path.read_text()) if path.exists() else []
    loaded = [(generation, took * 1000, at) for generation, took, at in pauses if since <= at <= until]
    third = (until - since) / 3
    return {
        "count": len(loaded),
        "full": sum(1 for generation, _, _ in loaded if generation == 2),
        "max": max((took for _, took, _ in loaded), default=0.0),
        "early": max((took for _, took, at in loaded if at < since + third), default=0.0),
        "late": max((took for _, took, at in loaded if at > until - third), default=0.0),
    }


def _wrk(url: str, pid: int, seconds: float, script: str) -> dict[str, float]:
    """One wrk run on POST /v1/chat/completions: requests, seconds, req/s, p50/p99 in ms,
    server CPU in µs per request."""
    figures = wrk.run(url + "/v1/chat/completions", seconds, script=script, pids=(pid,))
    return {
        "requests": figures.requests,
        "seconds": figures.seconds,
        "rps": figures.rps,
        "p50": figures.p50,
        "p99": figures.p99,
        "cpu_us": figures.cpu_us(pid),
    }


@contextmanager
def _wiremock(fixed: bytes) -> Iterator[tuple[str, int] | None]:
    """WireMock 3 with the fixed body stubbed, from the `wiremock` npm package (installed once
    into .venv/wiremock), or None when there is no JVM or npm to run it with."""
    java, npm = shutil.which("java"), shutil.which("npm")
    if not java or not npm:
        yield None
        return
    prefix = ROOT / ".venv" / "wiremock"
    jars = sorted(prefix.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    if not jars:
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), "wiremock@3"],
            check=False,
            capture_output=True,
        )
        jars = sorted(prefix.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    if not jars:
        yield None
        return
    # Its own root folder: WireMock makes `mappings/` and `__files/` there (by default, in the
    # working directory, which is the repository's).
    root = tempfile.TemporaryDirectory(prefix="harness-wiremock-")
    command = [java, "-jar", str(jars[-1]), "--port", "0", "--bind-address", "127.0.0.1", "--no-request-journal"]
    command += ["--root-dir", root.name]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = None
        for line in child.stdout:
            if line.strip().startswith("port:"):
                port = int(line.split(":")[1])
                break
        if port is None:
            yield None
            return
        url = f"http://127.0.0.1:{port}"
        stub = {
            "request": {"method": "POST", "url": "/v1/chat/completions"},
            "response": {"status": 200, "body": fixed.decode(), "headers": {"Content-Type": "application/json"}},
        }
        httpx.post(f"{url}/__admin/mappings", json=stub).raise_for_status()
        yield url, child.pid
    finally:
        child.terminate()
        child.wait(10)
        root.cleanup()


def median_interval(values: list[float], level: float = 0.95) -> tuple[float, float]:
    """A distribution-free interval for the median of what `values` were drawn from: from the
    k-th smallest value to the k-th largest, k the most for which the chance that fewer than k of
    the values fall on a given side of the median (each a fair coin's toss) stays within half of
    1 - `level`. For 36 values, the 12th to the 25th (97 %); for 12, the 3rd to the 10th (96 %)."""
    ordered, n = sorted(values), len(values)
    below, k = 0.0, 1  # below: the chance that fewer than k values fall under the median
    while k <= n // 2:
        below += math.comb(n, k - 1) / 2**n
        if 2 * below > 1 - level:
            break
        k += 1
    k = max(k - 1, 1)  # with too few values for `level`, the whole range
    return ordered[k - 1], ordered[n - k]


def _in_turn(turn: int, servers: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The servers in the order of round `turn`: as given, then each turn one place on."""
    at = turn % len(servers)
    return servers[at:] + servers[:at]


def _http_rows_wrk(fixed: bytes) -> list[dict[str, Any]]:
    plain = "plain Starlette, fixed body, same stack"
    floor = "floor: Starlette parsing, validating (jsonschema_rs), encoding, same headers"
    rounds: dict[str, list[dict[str, float]]] = {
        "served": [],
        "plain": [],
        "floor": [],
        "served with WireMock": [],
        "WireMock": [],
    }
    slices: dict[str, list[dict[str, float]]] = {"served": [], "plain": []}
    with tempfile.TemporaryDirectory() as folder:
        script, varied_script = _wrk_script(BODY, folder), _wrk_script(BODY, folder, varied=True)
        logs = {kind: Path(folder) / f"gc-{kind}.json" for kind in ("served", "plain")}
        with (
            _server("served", fixed, logs["served"]) as served,
            _server("plain", fixed, logs["plain"]) as baseline,
            _server("floor", fixed) as least,
        ):
            since = time.time()
            for url, pid in (served, baseline, least):
                _wrk(url, pid, 1, script)  # warm up
            # Counterbalanced (served, plain, floor; then plain, floor, served; ...): in a fixed order,
            # identical servers measured 0.64x to 0.76x of the plain app by their place in it.
            for turn in range(ROUNDS):
                for kind, server in _in_turn(turn, [("served", served), ("plain", baseline), ("floor", least)]):
                    rounds[kind].append(_wrk(*server, ROUND_SECONDS, script))
            varied = {"served": _wrk(*served, VARIED_SECONDS, varied_script)}
            varied["plain"] = _wrk(*baseline, VARIED_SECONDS, varied_script)
            # In turns: one run of each after the other (the plain app's minute in halves around
            # the double's) read 0.62x req/s and p99 1.52x while rounds minutes before read 0.84x.
            for turn in range(SLICES):
                for kind, server in _in_turn(turn, [("served", served), ("plain", baseline)]):
                    slices[kind].append(_wrk(*server, SUSTAINED_SECONDS / SLICES, script))
            until = time.time()
            with _wiremock(fixed) as wiremock:
                if wiremock is not None:
                    _wrk(*wiremock, WARM_SECONDS, script)  # the JIT warms up: cold, it runs at a tenth of its speed
                    # In turns with the double, as the plain app is: the machine's speed moves
                    # between minutes, and a ratio of two figures taken minutes apart moves with it.
                    for turn in range(ROUNDS):
                        for kind, server in _in_turn(turn, [("served with WireMock", served), ("WireMock", wiremock)]):
                            rounds[kind].append(_wrk(*server, ROUND_SECONDS, script))
        collected = {kind: _gc_figures(log, since, until) for kind, log in logs.items()}

    def median_round(kind: str, key: str) -> float:
        return statistics.median(run[key] for run in rounds[kind])

    def median_slice(kind: str, key: str) -> float:  # of the sustained load
        return statistics.median(run[key] for run in slices[kind])

    load = f"wrk 1x{wrk.CONNECTIONS}"
    long = f"{load}, {SUSTAINED_SECONDS:g} s sustained in {SLICES} turns"

    def paired(kind: str, baseline: str, name: str) -> dict[str, Any]:
        """The median rounds' req/s, with the median of the turns' own ratios as the ratio: each
        turn measures both servers back to back, so the machine's speed, which moves between
        turns, moves both alike. The 95 % interval of that median says whether one run decides a
        goal; the quartiles, how far apart single turns fall."""
        ratios = [run["rps"] / other["rps"] for run, other in zip(rounds[kind], rounds[baseline], strict=True)]
        low, middle, high = statistics.quantiles(ratios, n=4)
        below, above = median_interval(ratios)
        return {
            **row(
                f"harness serve openai, req/s ({load}, median of {ROUNDS}x{ROUND_SECONDS:g} s; ratio: "
                f"median of the turns' ratios, 95 % interval {below:.2f}-{above:.2f}, quartiles {low:.2f}-{high:.2f})",
                median_round(kind, "rps"),
                "req/s",
                name,
                median_round(baseline, "rps"),
            ),
            "ratio": middle,
        }

    rows = [
        paired("served", "plain", plain),
        row(
            f"the same, ratio of the median rounds ({load})",
            median_round("served", "rps"),
            "req/s",
            plain,
            median_round("plain", "rps"),
        ),
        row(
            f"server CPU per request ({load})",
            median_round("served", "cpu_us"),
            "µs",
            plain,
            median_round("plain", "cpu_us"),
        ),
        row(
            f"harness serve openai, req/s ({load}, median of {ROUNDS}x{ROUND_SECONDS:g} s)",
            median_round("served", "rps"),
            "req/s",
            floor,
            median_round("floor", "rps"),
        ),
        row(
            f"server CPU per request ({load})",
            median_round("served", "cpu_us"),
            "µs",
            floor,
            median_round("floor", "cpu_us"),
        ),
        row(
            f"floor's server CPU per request ({load})",
            median_round("floor", "cpu_us"),
            "µs",
            plain,
            median_round("plain", "cpu_us"),
        ),
        row(
            f"latency p50 ({long}, median slice)",
            median_slice("served", "p50"),
            "ms",
            plain,
            median_slice("plain", "p50"),
        ),
        row(
            f"latency p99 ({long}, median slice)",
            median_slice("served", "p99"),
            "ms",
            plain,
            median_slice("plain", "p99"),
        ),
        row(
            f"latency p99, worst slice ({long})",
            max(run["p99"] for run in slices["served"]),
            "ms",
            plain,
            max(run["p99"] for run in slices["plain"]),
        ),
        row(
            f"req/s ({long}, median slice)", median_slice("served", "rps"), "req/s", plain, median_slice("plain", "rps")
        ),
        row(
            f"req/s, a new prompt every request ({load}, {VARIED_SECONDS:g} s)",
            varied["served"]["rps"],
            "req/s",
            plain,
            varied["plain"]["rps"],
        ),
        row(
            f"longest GC pause under load ({collected['served']['count']:,} collections, "
            f"{collected['served']['full']} full; plain: {collected['plain']['count']:,}, {collected['plain']['full']})",
            collected["served"]["max"],
            "ms",
            plain,
            collected["plain"]["max"],
        ),
        row(
            "longest GC pause, last third of the load",
            collected["served"]["late"],
            "ms",
            "the same server, first third",
            collected["served"]["early"],
        ),
    ]
    if rounds["WireMock"]:
        peer = "WireMock 3 fixed stub, run here, in turns"
        rows += [
            paired("served with WireMock", "WireMock", peer),
            row(
                f"server CPU per request ({load})",
                median_round("served with WireMock", "cpu_us"),
                "µs",
                peer,
                median_round("WireMock", "cpu_us"),
            ),
        ]
    else:
        rows.append(
            row(
                "WireMock 3.13 fixed stub: not run (no JVM or npm here); issue 16 measured "
                f"{WIREMOCK_ISSUE_FIGURES['req/s']:,.0f} req/s, {WIREMOCK_ISSUE_FIGURES['us CPU/req']:g} µs CPU/req",
                WIREMOCK_ISSUE_FIGURES["req/s"],
                "req/s",
            )
        )
    return rows


def _http_rows_python(fixed: bytes) -> list[dict[str, Any]]:
    with _served("served", fixed) as url:
        double_rps, double_latency = asyncio.run(_load(url))
    with _served("plain", fixed) as url:
        plain_rps, plain_latency = asyncio.run(_load(url))
    plain = "plain Starlette, fixed body, same stack"
    return [
        row(f"wrk is not installed ({wrk.INSTALL}): the Python load generator below tops out near 2k req/s", 0, ""),
        row(f"HTTP chat completions ({REQUESTS} at {CONCURRENCY})", double_rps, "req/s", plain, plain_rps),
        row(
            "HTTP latency p50",
            _percentile(double_latency, 0.50) * 1000,
            "ms",
            plain,
            _percentile(plain_latency, 0.50) * 1000,
        ),
        row(
            "HTTP latency p99",
            _percentile(double_latency, 0.99) * 1000,
            "ms",
            plain,
            _percentile(plain_latency, 0.99) * 1000,
        ),
        row(
            "HTTP latency mean",
            statistics.fmean(double_latency) * 1000,
            "ms",
            plain,
            statistics.fmean(plain_latency) * 1000,
        ),
    ]


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

    with Double("openai", seed=1) as double:
        own = _asgi_cpu_per_call(double)
    plain_own, floor_own = _asgi_cpu_per_call(fixed_app(fixed)), _asgi_cpu_per_call(floor_app())
    http = _http_rows_wrk(fixed) if wrk.available() else _http_rows_python(fixed)
    return [
        *http,
        row(
            "double's own CPU per call (ASGI, trivial send)",
            own,
            "µs",
            "plain Starlette, fixed body, driven the same way",
            plain_own,
        ),
        row("double's own CPU per call (ASGI, trivial send)", own, "µs", "floor app, driven the same way", floor_own),
        row(
            f"in-process calls, httpx transport ({IN_PROCESS_CALLS})",
            double_calls,
            "calls/s",
            "httpx.MockTransport, fixed body",
            mock_calls,
        ),
    ]


if __name__ == "__main__":
    for line in run():
        print(line)
