"""The nightly chaos suite (contracts/scenarios/nightly) against the example
app: clipstudio holds every scenario; its fragile twin fails each one with
exactly the verdicts written down here. One test per scenario and app, so
pytest-xdist spreads them; each run has its own ports, doubles and (the
app's default) temporary database."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.chaos import runner, scenario

pytestmark = pytest.mark.slow  # 33 runs of a real app process; mostly waiting on timers

ROOT = Path(__file__).resolve().parent.parent
NIGHTLY = ROOT / "contracts" / "scenarios" / "nightly"
SCENARIOS = sorted(NIGHTLY.glob("*.yaml"))


@pytest.fixture(autouse=True)
def apps_folder_allowed(monkeypatch):
    """The scenarios start the app in fixtures/apps, outside their own folder: allowed as `make run` does."""
    monkeypatch.setenv("HARNESS_ALLOW_DIRS", str(ROOT / "fixtures" / "apps"))


# What clipstudio_fragile gets wrong, scenario by scenario: "step N" for a step
# whose answer was wrong, else the expectation or timeline entry as written.
VEO_RENDERED = "min_calls: 1, provider: gemini, route: GET /v1beta/files/*, steps: [{}]"
ONE_OPENAI_JOB = "max_calls: 1, provider: openai, route: POST /v1/videos, steps: [{}]"
FRAGILE_FAILS = {
    "announced-never-shipped": {
        "step 0",
        "step 1",
        "step 2",
        "max_calls: 1, provider: openai, route: POST /v1/videos/{video_id}/captions",
    },
    "vendor-ends": {
        "step 1",
        "step 2",
        "step 3",
        "step 4",
        "served_by: gemini, steps: [2, 3]",
        "max_calls: 0, provider: openai, steps: [3]",
    },
    "model-retired": {
        "step 1",
        "step 2",
        "step 3",
        "served_by: gemini, steps: [1, 2]",
        "max_attempts: 1, provider: openai, route: POST /v1/videos, steps: [1]",
        "max_calls: 0, provider: openai, steps: [2]",
    },
    "network-down": {"step 0", "step 1", "step 2", VEO_RENDERED.format(1)},
    "network-latency": {"step 1", VEO_RENDERED.format(1)},
    "network-reset-peer": {"step 0", "served_by: gemini, steps: [0]"},
    "network-timeout": {"step 0", "step 1", "step 2", VEO_RENDERED.format(1)},
    "openai-drift": {
        "step 1",
        ONE_OPENAI_JOB.format(0),
        VEO_RENDERED.format(1),
        "max_calls: 2, provider: openai, route: GET /v1/videos/{video_id}, steps: [1]",
    },
    # Awkward polls (a job born failed, still queued): it gives up with a 502 instead of rendering with Veo.
    "openai-awkward": {"step 0", "step 1", "step 2"},
    "openai-job-fail": {"step 0", ONE_OPENAI_JOB.format(0), VEO_RENDERED.format(0)},
    "openai-job-stall": {"step 0", VEO_RENDERED.format(0)},
    "openai-malformed": {"step 1", "step 2", ONE_OPENAI_JOB.format(0), VEO_RENDERED.format(2)},
    "openai-outage": {
        "step 1",
        "served_by: gemini, steps: [1]",
        "max_attempts: 3, provider: openai, route: POST /v1/videos",
    },
    "openai-quota": {
        "step 1",
        "step 2",
        "served_by: gemini, steps: [1, 2]",
        "max_attempts: 1, provider: openai, route: POST /v1/videos, steps: [1]",
        "max_calls: 0, provider: openai, steps: [2]",
    },
    "openai-rate-limit": {
        "step 0",
        "step 1",
        "step 2",
        "retry_after_honoured: True, provider: openai, steps: [0]",
        "max_attempts: 3, provider: openai, route: POST /v1/videos",
        "served_by: gemini, steps: [0, 1]",
        "max_calls: 0, provider: openai, steps: [1]",
    },
    # Generated requests on the outage day: a 502 (no fallback), which no spec makes an answer.
    "openai-outage-fuzz": {"step 0", "fuzz after step 0: POST /videos: server error", "fuzz after step 0"},
    "openai-refusal": {"step 0", "step 1", "max_attempts: 1, provider: openai, route: POST /v1/videos, steps: [0]"},
    "openai-refusal-drift": {"step 0", "step 1", "max_attempts: 1, provider: openai, route: POST /v1/videos"},
    "sora-sunset": {
        "step 1",
        "step 2",
        "step 3",
        "step 4",
        "step 5",
        "served_by: gemini, steps: [3, 4]",
        "max_calls: 1, provider: openai, steps: [3]",
        "max_calls: 0, provider: openai, steps: [4]",
    },
    "total-outage": {
        "step 1",
        "step 2",
        "timeline[1] outage on gemini",
        "max_attempts: 3, provider: openai, route: POST /v1/videos",
    },
}
FAULT_FAMILIES = {
    "outage",
    "rate_limit",
    "deprecated",
    "gone",
    "model_retired",
    "drift",
    "refusal",
    "refusal_drift",
    "malformed",
    "job_stall",
    "job_fail",
    "latency",
    "timeout",
    "reset_peer",
    "down",
}


def failed(run: runner.ScenarioRun) -> set[str]:
    return {v.name.split(":")[0] if v.kind == "step" else v.name for v in run.failures}


def explain(run: runner.ScenarioRun) -> str:
    lines = [f"{v.kind} {v.name}: {v.message}" for v in run.failures]
    return "\n".join(lines) + "\n--- app output (tail) ---\n" + "\n".join(run.app_output.splitlines()[-30:])


def run_with(app: str, path: Path, monkeypatch: pytest.MonkeyPatch) -> runner.ScenarioRun:
    monkeypatch.setenv("CLIPSTUDIO_APP", app)  # the scenarios' app command reads it
    return runner.run(scenario.load(path))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_clipstudio_holds(path: Path, monkeypatch):
    run = run_with("clipstudio", path, monkeypatch)

    assert run.ok, explain(run)  # how long it takes is measured in benchmarks/, not asserted here


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_clipstudio_fragile_fails_as_expected(path: Path, monkeypatch):
    run = run_with("clipstudio_fragile", path, monkeypatch)

    assert failed(run) == FRAGILE_FAILS[path.stem], explain(run)


def test_the_suite_covers_every_fault_family():
    used = {entry.fault.name for path in SCENARIOS for entry in scenario.load(path).timeline}

    assert len(SCENARIOS) >= 12
    assert used >= FAULT_FAMILIES, f"no nightly scenario rehearses {sorted(FAULT_FAMILIES - used)}"
    assert set(FRAGILE_FAILS) == {p.stem for p in SCENARIOS}
