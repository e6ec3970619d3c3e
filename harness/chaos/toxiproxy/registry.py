"""Toxic types by their public name. `toxics/<type>.py` registers each one."""

from __future__ import annotations

from collections.abc import Callable

from harness.chaos.toxiproxy.toxic import Toxic

TOXICS: dict[str, type[Toxic]] = {}

# Field metadata: the attribute's default as a chaos network fault (harness.chaos.faults.network),
# where that differs from Toxiproxy's own (zero): `field(default=0, metadata={FAULT_DEFAULT: 1000})`.
FAULT_DEFAULT = "fault_default"


def register(name: str) -> Callable[[type[Toxic]], type[Toxic]]:
    def add(cls: type[Toxic]) -> type[Toxic]:
        TOXICS[name] = cls
        return cls

    return add


def toxic_type(name: str) -> type[Toxic] | None:
    if not TOXICS:
        import harness.chaos.toxiproxy.toxics  # noqa: F401  (each module registers itself)
    return TOXICS.get(name)
