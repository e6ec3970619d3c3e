"""Examples per second of the awkward-answer strategy (`harness.awkward.answers`).

Baseline, same run, same schema (the chat-completions baseline's answer body):
hypothesis-jsonschema's `from_schema`, which canonicalises the schema and then
generates with no bias to edges. Both run inside `@given` with the database
and deadline off, the way a product team's test draws them.
"""

from __future__ import annotations

import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from harness.awkward import response_schema

OURS = 200
BASELINE = 10  # from_schema is slow enough that a few examples give a steady rate


def rate(strategy: st.SearchStrategy[Any], examples: int) -> float:
    @settings(max_examples=examples, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(body: Any) -> None:
        pass

    start = time.perf_counter()
    draw()
    return examples / (time.perf_counter() - start)


def run() -> list[dict]:
    schema = response_schema("provider:openai/chat-completions")
    ours = rate(schema.strategy(), OURS)
    baseline = rate(from_schema(schema.schema), BASELINE)
    return [
        {
            "measure": "awkward chat answers drawn",
            "value": ours,
            "unit": "examples/s",
            "baseline": "hypothesis-jsonschema from_schema",
            "baseline_value": baseline,
            "ratio": ours / baseline,
        }
    ]
