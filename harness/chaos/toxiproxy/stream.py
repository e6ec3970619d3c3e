"""What flows through a link: chunks of bytes, in one of two directions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Direction(str, Enum):
    UPSTREAM = "upstream"  # client -> server (the app's requests)
    DOWNSTREAM = "downstream"  # server -> client (the provider's answers)


@dataclass(frozen=True, slots=True)
class Chunk:
    data: bytes
    # Loop time the chunk was read from its source. Delays count from here,
    # so a burst of chunks is delayed once, not once per chunk waiting in line.
    arrived: float
