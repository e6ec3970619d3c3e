"""When a fault acts: always, the first N calls, every Nth, with probability p,
after N calls, or between `at` and `until` on the (virtual) clock.

All given conditions must hold. Decisions depend only on (seed, key, call
number, time), never on shared RNG state, so the same seed gives the same
fault sequence in every run and in every pytest-xdist worker.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

DAY = 86_400.0


@dataclass(frozen=True)
class Schedule:
    first: int | None = None  # only the first N matching calls
    after: int | None = None  # only after N matching calls
    every: int | None = None  # every Nth matching call (N, 2N, ...)
    probability: float | None = None  # each matching call with probability p (seeded)
    at: float | None = None  # from this many days after the origin ...
    until: float | None = None  # ... until this many days after it (exclusive)

    def __post_init__(self) -> None:
        for name in ("first", "after", "every"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise ValueError(f"{name} must be a whole number of calls, not {value!r}")
        if self.every is not None and self.every < 1:
            raise ValueError("every must be 1 or more")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"probability must be between 0 and 1, not {self.probability!r}")
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
