"""The chaos layer: faults (what), schedules (when), injections (where), and
network faults through a Toxiproxy hop."""

from harness.chaos.fault import FAULTS, Acted, Active, Fault, Injection, attach, make, register
from harness.chaos.schedule import DAY, Schedule

__all__ = ["DAY", "FAULTS", "Acted", "Active", "Fault", "attach", "Injection", "Schedule", "make", "register"]
