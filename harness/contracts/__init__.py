"""Consumer-driven contracts: what an app relies on from a provider.

The names below are imported on first use: `harness verify` starts reading cassettes
before it imports the checker and the loader (and what they import).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.lazy_names import exports

if TYPE_CHECKING:
    from harness.contracts.checker import Verification, Violation, check, verify
    from harness.contracts.loader import load, load_path, loads
    from harness.contracts.model import Contract, Interaction, Lifecycle, Outcome, RequestSpec, ResponseSpec, Signal

# Public name -> the module of this package that defines it.
_HOMES = {
    "Contract": "model",
    "Interaction": "model",
    "Lifecycle": "model",
    "Outcome": "model",
    "RequestSpec": "model",
    "ResponseSpec": "model",
    "Signal": "model",
    "Verification": "checker",
    "Violation": "checker",
    "check": "checker",
    "load": "loader",
    "load_path": "loader",
    "loads": "loader",
    "verify": "checker",
}

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

__getattr__, __dir__ = exports(__name__, _HOMES)
