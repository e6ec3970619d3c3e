"""Network faults: Toxiproxy toxics in the hop between the app and a double.

Each is the embedded server's toxic (`harness/chaos/toxiproxy/toxics/`) seen
as a fault: the toxic's attributes (Toxiproxy's own names and units) are the
fault's parameters, after `stream` and `toxicity`. Where a fault's default
differs from Toxiproxy's (zero), the toxic's field says so once, under
`FAULT_DEFAULT`. `down` disables the proxy instead of adding a toxic.

A network fault is checked when it is made, not when its step comes: every
attribute a whole number in its range (`CEILINGS`), and then the toxic's own
`validate()`, as the Toxiproxy server would when the toxic is added.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, cast

from harness.chaos.fault import Fault, number, register
from harness.chaos.toxiproxy.registry import FAULT_DEFAULT, toxic_type

HOUR_MS = 3_600_000
# The most a scenario may ask of a toxic attribute: an hour of waiting for times; for
# anything else the largest 32-bit int, as Toxiproxy's Go clients can send.
CEILINGS: dict[tuple[str, str], tuple[int, str]] = {
    ("latency", "latency"): (HOUR_MS, "ms"),
    ("latency", "jitter"): (HOUR_MS, "ms"),
    ("timeout", "timeout"): (HOUR_MS, "ms"),
    ("reset_peer", "timeout"): (HOUR_MS, "ms"),
    ("slow_close", "delay"): (HOUR_MS, "ms"),
    ("slicer", "delay"): (HOUR_MS * 1000, "µs"),
    ("bandwidth", "rate"): (2**31 - 1, "KB/s"),
}


@dataclass(frozen=True)
class NetworkFault(Fault):
    layer = "network"
    stream: str = "downstream"  # downstream: provider -> app; upstream: app -> provider
    toxicity: float = number(1.0, 0, 1, "(the share of connections it applies to)")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.stream not in ("upstream", "downstream"):
            raise ValueError(f"stream must be upstream or downstream, not {self.stream!r}")
        toxic = toxic_type(self.name)
        if toxic is not None:  # `down` has none
            toxic(**self.attributes()).validate()

    def attributes(self) -> dict[str, Any]:
        """The toxic's attributes, as the Toxiproxy API takes them."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in ("stream", "toxicity")}


def toxic_fault(name: str) -> type[NetworkFault]:
    """The network fault for the toxic type `name`, registered under that name: a class named
    as the toxic's, living in this module (so a scenario that holds one pickles)."""
    toxic = toxic_type(name)
    if toxic is None:
        raise LookupError(f"no toxic type {name!r}")
    params = []
    for f in dataclasses.fields(toxic):
        ceiling, unit = CEILINGS.get((name, f.name), (2**31 - 1, ""))
        default = f.metadata.get(FAULT_DEFAULT, f.default)
        params.append((f.name, f.type, number(default, 0, ceiling, unit, whole=True)))
    cls = dataclasses.make_dataclass(
        toxic.__name__,
        params,
        bases=(NetworkFault,),
        frozen=True,
        namespace={"name": name, "__module__": __name__, "__doc__": toxic.__doc__},
    )
    return cast(type[NetworkFault], register(cls))


Latency = toxic_fault("latency")
Bandwidth = toxic_fault("bandwidth")
Timeout = toxic_fault("timeout")
ResetPeer = toxic_fault("reset_peer")
SlowClose = toxic_fault("slow_close")
Slicer = toxic_fault("slicer")
LimitData = toxic_fault("limit_data")
Noop = toxic_fault("noop")


@register
@dataclass(frozen=True)
class Down(NetworkFault):
    name = "down"  # the proxy refuses connections
