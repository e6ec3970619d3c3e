"""Consumer-driven contracts: what an app relies on from a provider."""

from harness.contracts.checker import Verification, Violation, check, verify
from harness.contracts.loader import load, load_path, loads
from harness.contracts.model import Contract, Interaction, Lifecycle, Outcome, RequestSpec, ResponseSpec, Signal

__all__ = [
    "Contract",
    "Interaction",
    "Lifecycle",
    "Outcome",
    "RequestSpec",
    "ResponseSpec",
    "Signal",
    "Verification",
    "Violation",
    "check",
    "load",
    "load_path",
    "loads",
    "verify",
]
