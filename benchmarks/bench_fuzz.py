"""Requests per second of a fuzz run (`harness.fuzz`) against clipstudio.

The scenario is the nightly `openai-outage-fuzz`: clipstudio under its doubles,
its spec from `fixtures/apps/clipstudio/openapi.yaml`, 10 generated requests
per operation, the same seed (so the same requests) everywhere.

Baseline, same run, same app: plain Schemathesis with no chaos layer, the way
its own docs drive an API from Python: each operation's strategy under
`@given`, `case.call_and_validate()` with the server error, status code,
content type and response schema checks. The app runs with the same doubles
and no faults (it needs providers to render; nothing breaks them).

Two rows: the fuzz run on the scenario's outage day (OpenAI answers 503,
clipstudio renders with Veo), and the fuzz run on the same fault-free app as
the baseline, which isolates what the harness adds per request (reading the
journal, its checks, judging a request once the next is generated). On the
fault-free app the two alternate, twice each, and each keeps its best: the
first rounds pay for warming up (strategies built, the app's SDK clients).
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "contracts" / "scenarios" / "nightly" / "openai-outage-fuzz.yaml"
EXAMPLES = 10
SEED = 5


def _fuzz_rate(stage: Any, day: float) -> float:
    from harness.fuzz import Fuzzer

    marks = {name: len(list(double.journal)) for name, double in stage.doubles.items()}

    def calls_since() -> list[Any]:
        new = []
        for name, double in stage.doubles.items():
            seen = list(double.journal)
            new += seen[marks[name] :]
            marks[name] = len(seen)
        return new

    fuzzer = Fuzzer(stage.scenario.fuzz, stage.app.url, SEED)
    start = time.perf_counter()
    done = fuzzer.round(day, stage.faults_on(day), calls_since)
    seconds = time.perf_counter() - start
    fuzzer.close()
    assert not done.findings, done.findings
    return done.requests / seconds


def _plain_rate(stage: Any) -> float:
    import hypothesis
    import requests
    from schemathesis.checks import not_a_server_error
    from schemathesis.core.failures import Failure, FailureGroup
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from harness.fuzz.spec import load, operations

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    schema = load(stage.scenario.fuzz.spec.resolved(stage.app.url))
    sent = 0
    with requests.Session() as session:
        start = time.perf_counter()
        for operation in operations(schema):

            @hypothesis.settings(
                max_examples=EXAMPLES,
                database=None,
                deadline=None,
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                suppress_health_check=list(hypothesis.HealthCheck),
            )
            @hypothesis.seed(f"{SEED}::{operation.label}")  # the seed the fuzz run gives it
            @hypothesis.given(operation.as_strategy())
            def test(case: Any) -> None:
                nonlocal sent
                sent += 1
                try:
                    case.call_and_validate(base_url=stage.app.url, session=session, checks=checks)
                except (Failure, FailureGroup) as failure:
                    raise AssertionError(f"the baseline app failed a check: {failure}") from None

            test()
        seconds = time.perf_counter() - start
    return sent / seconds


def run() -> list[dict]:
    os.environ.setdefault("HARNESS_ALLOW_DIRS", str(ROOT / "fixtures" / "apps"))
    os.environ.setdefault("CLIPSTUDIO_APP", "clipstudio")
    from harness.chaos import scenario as scenarios
    from harness.chaos.runner import Stage

    loaded = scenarios.load(SCENARIO)
    assert loaded.fuzz is not None
    loaded = dataclasses.replace(loaded, fuzz=dataclasses.replace(loaded.fuzz, max_examples=EXAMPLES, seconds=600))
    quiet = dataclasses.replace(loaded, timeline=())
    outage_day = loaded.timeline[0].schedule.at or 0
    with Stage(quiet) as stage:
        plain, fault_free = 0.0, 0.0
        for _ in range(2):
            plain = max(plain, _plain_rate(stage))
            fault_free = max(fault_free, _fuzz_rate(stage, 0))
    with Stage(loaded) as stage:
        stage.clock.set(loaded.start + outage_day * 86_400)
        under_outage = _fuzz_rate(stage, outage_day)
    baseline = "plain Schemathesis, no chaos layer"
    return [
        {
            "measure": "fuzz requests, clipstudio, OpenAI outage",
            "value": under_outage,
            "unit": "requests/s",
            "baseline": baseline,
            "baseline_value": plain,
            "ratio": under_outage / plain,
        },
        {
            "measure": "fuzz requests, clipstudio, no fault on",
            "value": fault_free,
            "unit": "requests/s",
            "baseline": baseline,
            "baseline_value": plain,
            "ratio": fault_free / plain,
        },
    ]
