"""Network faults: Toxiproxy toxics in the hop between the app and a double.

Each is its toxic's attributes (Toxiproxy's own names and units); the
toxics themselves live in `harness/chaos/toxiproxy/`. `down` disables the
proxy instead of adding a toxic.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from harness.chaos.fault import Fault, register


@dataclass(frozen=True)
class Toxic(Fault):
    layer = "network"
    stream: str = "downstream"  # downstream: provider -> app; upstream: app -> provider
    toxicity: float = 1.0  # share of connections it applies to

    def __post_init__(self) -> None:
        if self.stream not in ("upstream", "downstream"):
            raise ValueError(f"stream must be upstream or downstream, not {self.stream!r}")
        if not 0.0 <= self.toxicity <= 1.0:
            raise ValueError(f"toxicity must be between 0 and 1, not {self.toxicity!r}")

    def attributes(self) -> dict:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in ("stream", "toxicity")}


@register
@dataclass(frozen=True)
class Latency(Toxic):
    name = "latency"
    latency: int = 1000  # ms added
    jitter: int = 0  # ± ms


@register
@dataclass(frozen=True)
class Bandwidth(Toxic):
    name = "bandwidth"
    rate: int = 10  # KB/s


@register
@dataclass(frozen=True)
class Timeout(Toxic):
    name = "timeout"
    timeout: int = 0  # ms until the connection closes; 0 holds it open, silent


@register
@dataclass(frozen=True)
class ResetPeer(Toxic):
    name = "reset_peer"
    timeout: int = 0  # ms before the TCP reset


@register
@dataclass(frozen=True)
class SlowClose(Toxic):
    name = "slow_close"
    delay: int = 1000  # ms before the close goes through


@register
@dataclass(frozen=True)
class Slicer(Toxic):
    name = "slicer"
    average_size: int = 64  # bytes per slice
    size_variation: int = 32
    delay: int = 10  # µs between slices


@register
@dataclass(frozen=True)
class LimitData(Toxic):
    name = "limit_data"
    bytes: int = 1024  # then the connection closes


@register
@dataclass(frozen=True)
class Down(Toxic):
    name = "down"  # the proxy refuses connections
