"""The benchmarks `make bench` runs (`python -m benchmarks [NAME ...]`), and the row they print."""

from __future__ import annotations

from typing import Any


def row(
    measure: str, value: float, unit: str, baseline: str | None = None, baseline_value: float | None = None
) -> dict[str, Any]:
    """One line of `make bench`: a figure, and the baseline measured beside it in the same run
    with their ratio (value / baseline; the measure says which way is better). No ratio when
    there is no baseline or it is zero."""
    line: dict[str, Any] = {"measure": measure, "value": value, "unit": unit}
    if baseline is not None and baseline_value is not None:
        line.update(baseline=baseline, baseline_value=baseline_value)
        line["ratio"] = value / baseline_value if baseline_value else None
    return line
