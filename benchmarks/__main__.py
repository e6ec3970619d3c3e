"""`make bench`: run every benchmarks/bench_*.py and print figures with ratios.

Each module has `run() -> list[Row]`; a row measures one thing next to a
baseline measured in the same run, so the ratio (value / baseline) holds on
any machine.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table


def main(selected: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    console = Console(width=140)
    table = Table(title="harness benchmarks")
    for col in ("benchmark", "measure", "value", "baseline", "baseline value", "ratio"):
        table.add_column(col, justify="right" if col in ("value", "baseline value", "ratio") else "left")
    for name in names:
        console.print(f"running {name} ...")
        for row in importlib.import_module(f"benchmarks.{name}").run():
            ratio = row.get("ratio")
            table.add_row(
                name.removeprefix("bench_"),
                row["measure"],
                f"{row['value']:,.1f} {row['unit']}",
                row.get("baseline", ""),
                f"{row['baseline_value']:,.1f} {row['unit']}" if "baseline_value" in row else "",
                f"{ratio:.2f}x" if ratio is not None else "",
            )
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
