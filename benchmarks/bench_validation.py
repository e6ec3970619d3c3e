"""What validating requests costs the OpenAI double.

Over real HTTP on 127.0.0.1, the same bounded load as bench_double (its
`_served` and `_load`), on POST /v1/chat/completions with a request that uses
a system message, sampling settings, a token limit and a tool, so the schema
has real work to do, and a new prompt on every request (a strict double skips
the check for a request exactly like one that passed, which would hide its
cost): the strict double (the default), the same double with `strict=False`,
and a plain Starlette app with a fixed body, each in its own process, in one run. The strict and lenient doubles are measured in alternate
rounds and the best round of each is kept, so a busy machine slows both alike.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from benchmarks import row
from benchmarks.bench_double import HEADERS, _load, _served
from harness.double import Double

ROUNDS = 2
REQUESTS = 1_000
BODY: dict[str, Any] = {
    "model": "gpt-4o-mini",
    "messages": [
        {"role": "system", "content": "Answer in one sentence."},
        {"role": "user", "content": "How much does validation cost?"},
    ],
    "temperature": 0.2,
    "top_p": 0.9,
    "max_tokens": 64,
    "n": 1,
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "lookup",
                "description": "Look a word up.",
                "parameters": {"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]},
            },
        }
    ],
}


def _best(kind: str, fixed: bytes) -> float:
    with _served(kind, fixed) as url:
        rps, _ = asyncio.run(_load(url, BODY, REQUESTS, varied=True))
    return rps


def run() -> list[dict[str, Any]]:
    with (
        Double("openai", seed=1) as double,
        httpx.Client(base_url="http://api.openai.test", transport=double.transport(), headers=HEADERS) as c,
    ):
        answer = c.post("/v1/chat/completions", json=BODY)
        answer.raise_for_status()  # the benchmark's request must be one the strict double accepts
        fixed = json.dumps(answer.json()).encode()
    strict: list[float] = []
    lenient: list[float] = []
    for _ in range(ROUNDS):
        strict.append(_best("double", fixed))
        lenient.append(_best("lenient", fixed))
    plain = max(_best("plain", fixed) for _ in range(ROUNDS))
    load = f"HTTP chat completions ({REQUESTS} at 32, a new prompt each)"
    return [
        row(f"{load}, strict", max(strict), "req/s", "same double, strict=False", max(lenient)),
        row(f"{load}, strict", max(strict), "req/s", "plain Starlette, fixed body", plain),
        row(f"{load}, strict=False", max(lenient), "req/s", "plain Starlette, fixed body", plain),
    ]
