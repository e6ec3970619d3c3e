"""How a set of exchanges bears on each contract: how many it matched, and how many broke it.

A chaos run's journal is evidence for its contracts only where nothing was done to
the answer: exchanges a fault acted on (drift, a cut stream) are left out, as are
answers the app never received. `harness readiness` reads these counts as
"verified against a double's journal".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypedDict

from harness.contracts.checker import verify
from harness.contracts.model import Contract
from harness.exchange import Exchange


class ContractEvidence(TypedDict):
    contract: str
    provider: str
    checked: int  # exchanges it matched
    violations: int


def evidence(contracts: Sequence[Contract], exchanges: Iterable[Exchange]) -> list[ContractEvidence]:
    clean = [x for x in exchanges if x.response is not None and x.received and not x.fault]
    result = verify(contracts, clean)
    return [
        {
            "contract": c.name,
            "provider": c.provider,
            "checked": result.per_contract.get(c.name, 0),
            "violations": sum(1 for v in result.violations if v.contract == c.name),
        }
        for c in contracts
    ]
