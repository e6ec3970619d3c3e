"""report.json: everything, for machines."""

from __future__ import annotations

import json

from harness.report.model import run_data, totals


def render(runs) -> str:
    return json.dumps({"totals": totals(runs), "scenarios": [run_data(r) for r in runs]}, indent=2) + "\n"
