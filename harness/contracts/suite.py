"""ContractSuite: the contracts of a test session, each set loaded once, and
the check of one test's exchanges against them.

    suite = ContractSuite(["contracts/"])               # --harness-contracts, ini harness_contracts
    verification = suite.check(exchanges)               # every test that talked to a double
    verification = suite.check(exchanges, paths=["contracts/videos.yaml"], marked=True)

Which contracts: the session's, for a test that talked to a provider double
(`used_doubles`), plus the test's own `paths`. Which exchanges: all of them
when the test is `marked` (a contract mark asks for everything); otherwise
those no injected fault shaped — an answer a fault made is off-contract on
purpose, and a session-wide check would only report the fault back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from harness.contracts.checker import Verification, verify
from harness.contracts.loader import load_path
from harness.contracts.model import Contract
from harness.errors import ContractError
from harness.exchange import Exchange


class ContractSuite:
    def __init__(self, session: Sequence[str] = ()) -> None:
        self.session = list(session)
        self._loaded: dict[tuple[str, ...], list[Contract]] = {}

    def contracts(self, paths: Iterable[str]) -> list[Contract]:
        """The contracts in these files and folders, loaded (and compiled) once per set."""
        key = tuple(dict.fromkeys(str(p) for p in paths))
        if key not in self._loaded:
            self._loaded[key] = load_path(*key)
        return self._loaded[key]

    def check(
        self,
        exchanges: Iterable[Exchange],
        *,
        paths: Sequence[str] = (),
        marked: bool = False,
        used_doubles: bool = True,
    ) -> Verification | None:
        """The verification of one test, or None when no contract applies to it."""
        chosen = (self.session if used_doubles else []) + list(paths)
        if not chosen:
            if marked:
                raise ContractError(
                    "a bare @pytest.mark.contract checks the session's contracts, and there "
                    "are none: give it paths, or use --harness-contracts / the "
                    "harness_contracts ini key"
                )
            return None
        checked = [x for x in exchanges if marked or not x.fault]
        return verify(self.contracts(chosen), checked)
