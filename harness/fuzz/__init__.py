"""Fuzz an app's own HTTP API from its OpenAPI spec while a scenario's faults
break its providers (Schemathesis generates the requests).

A scenario carries a `fuzz` block (`plan.py`): after each step, on that
step's day and with that day's faults, the runner (`harness/chaos/runner.py`)
sends a round of generated requests (`engine.py`) and holds every answer to
the checks (`checks.py`); each finding becomes a failed `fuzz` verdict with
the curl line that reproduces it (`curl.py`). `harness fuzz` is a chaos run
of one scenario with the block given on the command line; the pytest plugin's
`harness_fuzz` fixture gives the same schema and checks to a test.
"""

from harness.fuzz.checks import CHECKS, Sent, problems
from harness.fuzz.engine import Finding, Fuzzer, Round
from harness.fuzz.plan import Plan
from harness.fuzz.rehearsal import Rehearsal, rehearse
from harness.fuzz.spec import Spec, SpecError, read, schema

__all__ = [
    "CHECKS",
    "Finding",
    "Fuzzer",
    "Plan",
    "Rehearsal",
    "Round",
    "Sent",
    "Spec",
    "SpecError",
    "problems",
    "read",
    "rehearse",
    "schema",
]
