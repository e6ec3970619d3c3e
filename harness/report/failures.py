"""Plain-text failure messages for one test: contract violations, a scenario's
failed verdicts, and the seed that reproduces it. The pytest plugin shows
them; they read the same as `harness verify` and `harness chaos run` output."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.chaos.runner import ScenarioRun
    from harness.contracts import Verification

MAX_LISTED = 20  # violations or verdicts listed before "... and N more"
MAX_EVIDENCE = 6  # exchanges shown under one failed verdict


def violations(verification: Verification) -> str:
    found = verification.violations
    names = ", ".join(name for name, count in verification.per_contract.items() if count) or ", ".join(
        c.name for c in verification.contracts
    )
    lines = [
        f"contract violated: {len(found)} violation{'s' if len(found) != 1 else ''} in "
        f"{verification.checked} exchange{'s' if verification.checked != 1 else ''} checked against {names}"
    ]
    lines += [f"  {v}" for v in found[:MAX_LISTED]]
    if len(found) > MAX_LISTED:
        lines.append(f"  ... and {len(found) - MAX_LISTED} more")
    return "\n".join(lines)


def scenario(run: ScenarioRun) -> str:
    item = run.scenario
    failed = run.failures
    lines = [f"scenario {item.name!r} ({item.source}) {run.state}: {len(failed)} of {len(run.verdicts)} checks"]
    lines += [f"  note: {note}" for note in run.notes]
    for verdict in failed[:MAX_LISTED]:
        where = f" ({item.source}:{verdict.line})" if verdict.line else ""
        lines.append(f"  ✗ {verdict.name}: {verdict.message}{where}")
        for exchange in verdict.evidence[:MAX_EVIDENCE]:
            fault = f" fault={exchange.fault}" if exchange.fault else ""
            lines.append(f"      {exchange.provider}: {exchange.describe()}{fault}")
    if len(failed) > MAX_LISTED:
        lines.append(f"  ... and {len(failed) - MAX_LISTED} more")
    return "\n".join(lines)


def seed_note(test_id: str, seed: int, base: int, *, from_file: str | None = None) -> str:
    """How to rerun a failed test with the same doubles, ids and fault decisions."""
    if from_file is not None:
        return (
            f"seed {seed} (the `seed:` of {from_file}); rerun it alone with: pytest '{test_id}'\n"
            f"(--harness-seed N replaces every scenario's seed with one derived from N and the test id)"
        )
    return (
        f"seed {seed} (derived from --harness-seed {base} and the test id); "
        f"rerun it alone with: pytest '{test_id}' --harness-seed {base}"
    )
