"""A scenario's `fuzz` block (or `harness fuzz`'s options): which spec, how
many requests per operation, and the wall-clock cap of the whole run."""

from __future__ import annotations

from dataclasses import dataclass

from harness.fuzz.spec import Spec

MAX_EXAMPLES = 25  # requests per operation, per round
SECONDS = 120.0  # the whole run's sending stops after this long

FORMAT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["openapi"],
    "properties": {
        "openapi": {"type": "string", "minLength": 1},
        "max_examples": {"type": "integer", "minimum": 1, "maximum": 10_000},
        "seconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 86_400},
    },
}


@dataclass(frozen=True)
class Plan:
    spec: Spec
    max_examples: int = MAX_EXAMPLES
    seconds: float = SECONDS
    line: int | None = None  # where the block is written in its scenario
