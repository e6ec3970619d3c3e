"""Exchanges checked per second against the shipped contracts.

Baseline, same run, same exchanges: the naive way — find the interaction the
same way, then `jsonschema.validate(body, schema)` on every exchange, which
re-checks and rebuilds the schema each time. Ours compiles each schema once.
"""

from __future__ import annotations

import time
from pathlib import Path

import jsonschema

from harness.cassettes import load_path as load_cassettes
from harness.contracts import load_path, verify
from harness.contracts.checker import match

ROOT = Path(__file__).resolve().parent.parent
TARGET = 3_000


def naive(contracts, exchanges) -> int:
    failures = 0
    for exchange in exchanges:
        for contract in contracts:
            interaction = match(contract, exchange)
            if interaction is None or interaction.response.json is None:
                continue
            try:
                jsonschema.validate(
                    exchange.response.json, interaction.response.json.schema, cls=jsonschema.Draft202012Validator
                )
            except jsonschema.ValidationError:
                failures += 1
    return failures


def run() -> list[dict]:
    contracts = load_path(ROOT / "contracts" / "providers")
    recorded = [x for x in load_cassettes(ROOT / "fixtures" / "cassettes" / "clean") if x.response is not None]
    exchanges = (recorded * (TARGET // max(len(recorded), 1) + 1))[:TARGET]

    start = time.perf_counter()
    verify(contracts, exchanges)
    ours = time.perf_counter() - start

    start = time.perf_counter()
    naive(contracts, exchanges)
    baseline = time.perf_counter() - start

    rate, base_rate = len(exchanges) / ours, len(exchanges) / baseline
    return [
        {
            "measure": f"exchanges checked/s ({len(exchanges)} from {len(recorded)} recorded, "
            f"{len(contracts)} contracts)",
            "value": rate,
            "unit": "ex/s",
            "baseline": "jsonschema.validate each time",
            "baseline_value": base_rate,
            "ratio": rate / base_rate,
        }
    ]
