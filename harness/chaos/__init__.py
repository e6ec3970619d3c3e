"""The chaos layer: faults (what), schedules (when), injections (where), and
network faults through a Toxiproxy hop."""

from harness.chaos.fault import (
    FAULTS,
    Acted,
    Active,
    Fault,
    Injection,
    _load_all,
    attach,
    from_description,
    make,
    register,
)
from harness.chaos.schedule import DAY, Schedule
from harness.double.faults import register_fault

_load_all()
for _name, _cls in FAULTS.items():
    if _cls.layer == "http":  # network faults belong to a Toxiproxy hop, not to the double
        register_fault(_name, from_description(_name))

__all__ = ["DAY", "FAULTS", "Acted", "Active", "Fault", "Injection", "Schedule", "attach", "make", "register"]
