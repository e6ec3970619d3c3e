"""report.json: everything, for machines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from harness.report.model import run_data, totals

if TYPE_CHECKING:
    from harness.chaos.runner import ScenarioRun


def render(runs: Sequence[ScenarioRun]) -> str:
    return json.dumps({"totals": totals(runs), "scenarios": [run_data(r) for r in runs]}, indent=2) + "\n"
