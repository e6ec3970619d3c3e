"""Wall time of a scenario that walks a 90-day sunset timeline.

Baseline, same run: the same scenario with a single step, which is the fixed
cost of starting the doubles and the app. What the other nine steps add is
the cost of walking the timeline; none of it is the 90 days.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from harness.chaos import runner, scenario

APP = Path(__file__).resolve().parent.parent / "tests" / "apps" / "ask"
HEAD = """\
scenario: ninety-day-sunset
seed: 1
doubles: [openai, anthropic]
app:
  command: ["{python}", app.py]
  url: "http://127.0.0.1:{port}"
  env: {PORT: "{port}", OPENAI_BASE_URL: "{openai.url}/v1", ANTHROPIC_BASE_URL: "{anthropic.url}"}
timeline:
  - {at: 0, fault: deprecated, provider: openai, sunset: 90}
  - {at: 90, fault: gone, provider: openai}
steps:
"""


def timed(days: list[int]) -> tuple[float, bool]:
    folder = Path(tempfile.mkdtemp())
    shutil.copy(APP / "app.py", folder / "app.py")
    steps = "".join(
        f"  - {{at: {d}, request: {{method: POST, path: /ask, json: {{q: day {d}}}}}, expect: {{status: 200}}}}\n"
        for d in days
    )
    (folder / "s.yaml").write_text(HEAD + steps)
    loaded = scenario.load(folder / "s.yaml")
    start = time.perf_counter()
    result = runner.run(loaded)
    seconds = time.perf_counter() - start
    shutil.rmtree(folder)
    return seconds, result.ok


def run() -> list[dict]:
    walk, ok = timed([0, 10, 20, 30, 40, 50, 60, 70, 80, 90])
    single, _ = timed([0])
    assert ok, "the 90-day scenario should hold"
    return [
        {
            "measure": "90-day sunset, 10 steps",
            "value": walk,
            "unit": "s",
            "baseline": "same scenario, 1 step (start-up)",
            "baseline_value": single,
            "ratio": walk / single,
        },
        {"measure": "virtual days walked per wall second", "value": 90 / walk, "unit": "days/s"},
    ]
