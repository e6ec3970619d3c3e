"""When a fault acts: always, the first N calls, every Nth, with probability p,
after N calls, or between `at` and `until` on the (virtual) clock.

All given conditions must hold. Decisions depend only on (seed, key, call
number, time), never on shared RNG state, so the same seed gives the same
fault sequence in every run and in every pytest-xdist worker.

The `Schedule` fields are the schedule keys everywhere a schedule is
written (scenario timelines, `Chaos.inject`, chaos marks, the control API):
`KEYS` lists them and `SCHEMA` is their JSON schema, so there is one list.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from typing import Any

DAY = 86_400.0
MAX_DAYS = 36_525  # a hundred years of virtual days: more is a typo, and past what dates can say


def _per_call(json_type: str) -> Any:
    """A condition on each matching call (a connection, which has no calls, takes none)."""
    return field(default=None, metadata={"schema": {"type": json_type}, "per_call": True})


def _day() -> Any:
    """A day on the clock, counted from the origin."""
    return field(
        default=None, metadata={"schema": {"type": "number", "minimum": 0, "maximum": MAX_DAYS}, "per_call": False}
    )


@dataclass(frozen=True)
class Schedule:
    first: int | None = _per_call("integer")  # only the first N matching calls
    after: int | None = _per_call("integer")  # only after N matching calls
    every: int | None = _per_call("integer")  # every Nth matching call (N, 2N, ...)
    probability: float | None = _per_call("number")  # each matching call with probability p (seeded)
    at: float | None = _day()  # from this many days after the origin ...
    until: float | None = _day()  # ... until this many days after it (exclusive)

    def __post_init__(self) -> None:
        for name in ("first", "after", "every"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise ValueError(f"{name} must be a whole number of calls, not {value!r}")
        if self.every is not None and self.every < 1:
            raise ValueError("every must be 1 or more")
        for name, high in (("probability", 1), ("at", MAX_DAYS), ("until", MAX_DAYS)):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= high
            ):  # NaN fails the range too
                raise ValueError(f"{name} must be a number from 0 to {high:,}, not {value!r}")
        if self.at is not None and self.until is not None and self.until <= self.at:
            raise ValueError(f"until ({self.until}) must be after at ({self.at})")

    def acts(self, call: int, days: float, *, seed: int = 0, key: str = "") -> bool:
        """Whether the fault acts on the `call`-th matching call (1-based), `days` after the origin."""
        if self.at is not None and days < self.at:
            return False
        if self.until is not None and days >= self.until:
            return False
        if self.first is not None and call > self.first:
            return False
        if self.after is not None and call <= self.after:
            return False
        if self.every is not None and call % self.every:
            return False
        if self.probability is not None:
            return random.Random(f"{seed}:{key}:{call}").random() < self.probability
        return True


_FIELDS = dataclasses.fields(Schedule)
KEYS: tuple[str, ...] = tuple(f.name for f in _FIELDS)  # first, after, every, probability, at, until
PER_CALL_KEYS: tuple[str, ...] = tuple(f.name for f in _FIELDS if f.metadata["per_call"])
WINDOW_KEYS: tuple[str, ...] = tuple(f.name for f in _FIELDS if not f.metadata["per_call"])  # at, until
SCHEMA: dict[str, dict[str, Any]] = {f.name: dict(f.metadata["schema"]) for f in _FIELDS}


def split_schedule(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`options` as (schedule keys, the rest): a schedule written among a fault's parameters."""
    when = {k: v for k, v in options.items() if k in KEYS}
    return when, {k: v for k, v in options.items() if k not in KEYS}
