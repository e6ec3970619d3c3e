"""Contract violations a test expects: `@pytest.mark.contract(..., expect_violations=[...])`.

A test that proves a contract notices a drift must see that violation, and
only that one. Each expected text is a part of a violation's line (as
`str(violation)` prints it: contract / interaction: where: expected X, got Y
in METHOD path -> status), so a pointer is enough:

    expected = ExpectedViolations(["/choices/0/finish_reason"])
    unexpected, missing = expected.sort(verification.violations)

A violation no text expects still fails the test; an expected text no
violation contains fails it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.contracts.checker import Violation


@dataclass(frozen=True)
class ExpectedViolations:
    texts: Sequence[str]

    def sort(self, found: Sequence[Violation]) -> tuple[list[Violation], list[str]]:
        """(violations no text expects, texts no violation contains)."""
        lines = [str(v) for v in found]
        unexpected = [v for v, line in zip(found, lines, strict=True) if not any(t in line for t in self.texts)]
        missing = [t for t in self.texts if not any(t in line for line in lines)]
        return unexpected, missing

    def missing_text(self, missing: Sequence[str], found: Sequence[Violation], checked: int) -> str:
        """Why the test fails when an expected violation did not happen, with what did."""
        lines = [
            f"expected a contract violation containing {text!r}; none of the {len(found)} found "
            f"in {checked} exchange{'' if checked == 1 else 's'} checked contains it"
            for text in missing
        ]
        lines += [f"  found: {v}" for v in found[:10]]
        return "\n".join(lines)
