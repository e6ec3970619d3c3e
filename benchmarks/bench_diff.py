"""How fast `harness diff` is, and how much memory it takes.

Generated specs of growing size (thousands of paths and schemas) against a
mutated copy, and the real pair of published OpenAI specs when present. The
baseline is what parsing the YAML costs with libyaml: diffing should cost
about as much as reading the files, not many times more.
"""

from __future__ import annotations

import copy
import random
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from benchmarks import row
from harness import contracts
from harness.diff import diff_specs, judge, load_spec, spec_from_data

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "benchmarks" / "specs"  # a published vendor pair, kept as data
REAL_OLD, REAL_NEW = REAL / "openai-openapi-3.1-2026-05-13.yaml", REAL / "openai-openapi-3.1-2026-08-21.yaml"
EXAMPLE_CONTRACTS = ROOT / "fixtures" / "specs" / "contracts"  # made-up consumers of OpenAI-like routes
BASELINE_CONTRACTS = ROOT / "contracts" / "providers" / "openai"  # the shipped OpenAI baselines, when present
SIZES = (250, 1000, 4000)  # paths; each has two schemas of its own
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def generated(paths: int) -> dict[str, Any]:
    """A spec shaped like a provider's: objects with enums, nullable fields, arrays, short $ref chains,
    a few shared leaf schemas and a tagged union of stream events."""
    schemas: dict[str, Any] = {
        f"Leaf{k}": {"type": "object", "properties": {"code": {"type": "string"}, "value": {"type": "number"}}}
        for k in range(20)
    }
    for i in range(paths * 2):
        props: dict[str, Any] = {
            "id": {"type": "string"},
            "name": {"type": "string", "maxLength": 256},
            "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
            "count": {"type": "integer", "default": 1},
            "tags": {"type": "array", "items": {"type": "string"}},
            "detail": {"anyOf": [{"$ref": f"#/components/schemas/Leaf{i % 20}"}, {"type": "null"}]},
            "note": {"type": ["string", "null"]},
        }
        if i % 8 != 7 and i + 1 < paths * 2:  # chains of up to eight schemas
            props["next"] = {"$ref": f"#/components/schemas/S{i + 1}"}
        schemas[f"S{i}"] = {"type": "object", "required": ["id", "status"], "properties": props}
    events = [
        {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"const": f"thing.{name}"}, "data": {"$ref": "#/components/schemas/Leaf0"}},
        }
        for name in ("created", "delta", "done")
    ]
    spec_paths: dict[str, Any] = {}
    for i in range(paths):
        ok = {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/S{2 * i}"}}},
        }
        if i % 50 == 0:
            ok["content"]["text/event-stream"] = {"schema": {"oneOf": events}}
        spec_paths[f"/things{i}/{{id}}"] = {
            "get": {
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": ok},
            },
            "post": {
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/S{2 * i + 1}"}}}
                },
                "responses": {"200": ok},
            },
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "generated", "version": "1"},
        "servers": [{"url": "https://api.example.test/v1"}],
        "paths": spec_paths,
        "components": {"schemas": schemas},
    }


def mutated(spec: dict[str, Any], seed: int = 11) -> dict[str, Any]:
    """A copy with about 1% of schemas and paths changed in the ways providers change them."""
    rng = random.Random(seed)
    out = copy.deepcopy(spec)
    schemas = out["components"]["schemas"]
    names = [n for n in schemas if n.startswith("S")]
    for name in rng.sample(names, max(1, len(names) // 100)):
        props = schemas[name]["properties"]
        move = rng.randrange(5)
        if move == 0:
            props.pop("name")
        elif move == 1:
            props["count"] = {"type": "string"}
        elif move == 2:
            props["status"]["enum"].append("cancelled")
        elif move == 3:
            schemas[name]["required"] = ["id"]
        else:
            props["note"] = {"type": "string"}
            props["label"] = {"type": "string"}
    paths = list(out["paths"])
    for name in rng.sample(paths, max(1, len(paths) // 200)):
        del out["paths"][name]
    return out


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def _peak_mb(work: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def run() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for size in SIZES:
        old = generated(size)
        new = mutated(old)
        texts = [yaml.dump(d, Dumper=_Dumper) for d in (old, new)]
        parse_s, _ = _timed(lambda texts=texts: [yaml.load(t, Loader=_Loader) for t in texts])
        diff_s, found = _timed(lambda old=old, new=new: diff_specs(spec_from_data(old), spec_from_data(new)))
        label = f"{size} paths / {size * 2} schemas"
        rows.append(
            row(f"diff {label} ({len(found)} changes)", diff_s * 1000, "ms", "YAML parse of both", parse_s * 1000)
        )
        parse_mb = _peak_mb(lambda texts=texts: [yaml.load(t, Loader=_Loader) for t in texts])
        diff_mb = _peak_mb(lambda old=old, new=new: diff_specs(spec_from_data(old), spec_from_data(new)))
        rows.append(row(f"peak memory, diff {label}", diff_mb, "MB", "YAML parse of both", parse_mb))
    rows.extend(_real_pair())
    rows.extend(_from_a_url())
    return rows


def _real_pair() -> list[dict[str, Any]]:
    if not (REAL_OLD.is_file() and REAL_NEW.is_file()):
        print(f"note: {REAL_OLD.name} / {REAL_NEW.name} not found in {REAL}; real-pair figures skipped")
        return []
    parse_s, _ = _timed(lambda: [yaml.load(p.read_bytes(), Loader=_Loader) for p in (REAL_OLD, REAL_NEW)])
    load_s, specs = _timed(lambda: (load_spec(REAL_OLD), load_spec(REAL_NEW)))
    diff_s, found = _timed(lambda: diff_specs(*specs))
    example = contracts.load_path(EXAMPLE_CONTRACTS)
    judge_s, judgement = _timed(lambda: judge(found, example))
    peak = _peak_mb(lambda: diff_specs(load_spec(REAL_OLD), load_spec(REAL_NEW)))
    diff_peak = _peak_mb(lambda: diff_specs(*_fresh(specs)))
    parse_peak = _peak_mb(lambda: [yaml.load(p.read_bytes(), Loader=_Loader) for p in (REAL_OLD, REAL_NEW)])
    pair = "OpenAI 2026-05-13 -> 2026-08-21"
    return [
        row(
            f"{pair}: load + diff + judge",
            (load_s + diff_s + judge_s) * 1000,
            "ms",
            "YAML parse of both",
            parse_s * 1000,
        ),
        row(f"{pair}: diff alone", diff_s * 1000, "ms", "YAML parse of both", parse_s * 1000),
        row(f"{pair}: peak memory, load + diff", peak, "MB", "YAML parse of both", parse_peak),
        row(f"{pair}: peak memory, diff alone (specs loaded)", diff_peak, "MB", "YAML parse of both", parse_peak),
        row(f"{pair}: changes", len(found), "changes"),
        row(
            f"{pair}: breaking for the example contracts ({', '.join(judgement.consumers)})",
            len(judgement.breaking),
            "changes",
        ),
        row(f"{pair}: risky for the example contracts", len(judgement.risky), "changes"),
        row(f"{pair}: provider-wide breaking", len(judgement.provider_breaking) + len(judgement.breaking), "changes"),
    ] + _judged_for(found, BASELINE_CONTRACTS, pair)


def _from_a_url() -> list[dict[str, Any]]:
    """The newer OpenAI spec served on 127.0.0.1: fetched and parsed once, then revalidated (304) and
    read from the cache, next to loading the same file from disk."""
    if not REAL_NEW.is_file():
        return []
    import tempfile
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from harness.diff.source import Sources, fetch_spec

    body = REAL_NEW.read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/openapi.yaml"
    try:
        with tempfile.TemporaryDirectory() as cache:
            sources = Sources(cache=Path(cache))
            first_s, _ = _timed(lambda: fetch_spec(url, sources))
            cached_s, _ = _timed(lambda: fetch_spec(url, sources))
            local_s, _ = _timed(lambda: load_spec(REAL_NEW))
    finally:
        server.shutdown()
        server.server_close()
    name = "OpenAI 2026-08-21 from a URL"
    return [
        row(
            f"{name}, first fetch (download + parse)",
            first_s * 1000,
            "ms",
            "load_spec of the local file",
            local_s * 1000,
        ),
        row(
            f"{name}, cached (304 + parsed copy)", cached_s * 1000, "ms", "load_spec of the local file", local_s * 1000
        ),
    ]


def _fresh(specs: tuple) -> tuple:
    """The same parsed documents without the caches a previous diff filled."""
    return tuple(spec_from_data(s.root.data, s.source, s.root.path) for s in specs)


def _judged_for(found: list, folder: Path, pair: str) -> list[dict[str, Any]]:
    try:
        shipped = contracts.load_path(folder)
    except Exception as exc:  # other contracts may be work in progress; the figures above stand alone
        print(f"note: contracts in {folder} not judged: {exc}")
        return []
    judgement = judge(found, shipped)
    where = folder.relative_to(ROOT)
    return [
        row(f"{pair}: breaking for {where}", len(judgement.breaking), "changes"),
        row(f"{pair}: risky for {where}", len(judgement.risky), "changes"),
    ]


if __name__ == "__main__":
    for line in run():
        print(line)
