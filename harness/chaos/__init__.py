"""The chaos layer: faults (what), schedules (when), injections (where), and
network faults through a Toxiproxy hop. `FAULTS` is the one registry of
faults by name; a double runs them as hooks (`attach`, or the control API
through `from_description`)."""

from harness.chaos.fault import (
    FAULTS,
    Acted,
    Active,
    Fault,
    Injection,
    attach,
    fault_type,
    from_description,
    load_faults,
    make,
    register,
)
from harness.chaos.schedule import DAY, Schedule

load_faults()

__all__ = [
    "DAY",
    "FAULTS",
    "Acted",
    "Active",
    "Fault",
    "Injection",
    "Schedule",
    "attach",
    "fault_type",
    "from_description",
    "load_faults",
    "make",
    "register",
]
