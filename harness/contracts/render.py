"""What `harness verify` prints: a table for a terminal, or JSON for tools."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness import terminal
from harness.renderer import Renderer

if TYPE_CHECKING:  # rich when a table is drawn; the checker by whoever made the verification
    from rich.console import Console

    from harness.contracts.checker import Verification


@dataclass(frozen=True)
class VerifyRun:
    """One `harness verify`: the verification, how many exchanges it read, and notes (providers a live run skipped)."""

    verification: Verification
    exchanges: int
    notes: tuple[str, ...] = ()


def render_json(run: VerifyRun) -> str:
    result = run.verification
    data = {
        "ok": result.ok,
        "exchanges": run.exchanges,
        "checked": result.checked,
        "unmatched": len(result.unmatched),
        "contracts": result.per_contract,
        "notes": list(run.notes),
        "violations": [v.to_dict() for v in result.violations],
    }
    return json.dumps(data, indent=2) + "\n"


def render_text(run: VerifyRun) -> str:
    return terminal.text(lambda console: _draw(console, run))


def _draw(console: Console, run: VerifyRun) -> None:
    from rich.table import Table

    result = run.verification
    for note in run.notes:
        console.print(f"[yellow]{note}[/]")
    table = Table(title="contracts", title_justify="left")
    table.add_column("contract")
    table.add_column("exchanges", justify="right")
    table.add_column("violations", justify="right")
    for contract in result.contracts:
        count = sum(1 for v in result.violations if v.contract == contract.name)
        table.add_row(
            contract.name, str(result.per_contract[contract.name]), f"[red]{count}[/]" if count else "[green]0[/]"
        )
    console.print(table)
    for violation in result.violations:
        console.print(f"[red]✗[/] {violation}", highlight=False, soft_wrap=True)
        if violation.exchange is not None and violation.exchange.source:
            console.print(f"    from {violation.exchange.source}", style="dim", highlight=False)
    verdict = "[green]all contracts hold[/]" if result.ok else f"[red]{len(result.violations)} violation(s)[/]"
    console.print(
        f"{run.exchanges} exchanges, {result.checked} matched a contract, {len(result.unmatched)} unmatched: {verdict}",
        highlight=False,
    )


def _import_rich() -> None:
    """What drawing the table imports: rich's console and table, and the emoji table its markup
    loads on first use (a third of the time a table takes to draw)."""
    import rich.console
    import rich.emoji
    import rich.table

    rich.emoji.Emoji.replace("")


RENDERERS: tuple[Renderer[VerifyRun], ...] = (
    Renderer("text", render_text, prepare=_import_rich),
    Renderer("json", render_json),
)
