"""Every output format, found through its result type's renderer registry: each
renders a passing and a failing result, machine formats parse, and the
commands offer exactly the registered formats and write exactly their files.
A format added to a registry is tested here with nothing else to do."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness import cassettes, contracts, renderer, report
from harness.chaos import scenario
from harness.chaos.runner import ScenarioRun
from harness.chaos.schedule import DAY
from harness.chaos.verdicts import Verdict
from harness.cli import build_parser
from harness.contracts.render import RENDERERS as VERIFY_RENDERERS
from harness.contracts.render import VerifyRun
from harness.diff import diff_specs, judge, load_spec
from harness.diff.render import RENDERERS as DIFF_RENDERERS
from harness.diff.render import Listing
from harness.exchange import Exchange, Request, Response

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "fixtures" / "specs"
SUNSET = ROOT / "tests" / "apps" / "ask" / "sunset.yaml"

# Formats for machines, and what reads them back.
PARSERS: dict[str, Callable[[str], Any]] = {"json": json.loads, "junit": ET.fromstring}


def verify_results() -> tuple[VerifyRun, VerifyRun]:
    baselines = contracts.load_path(ROOT / "contracts" / "providers")
    clean = cassettes.load_path(ROOT / "fixtures" / "cassettes" / "clean")
    drifted = cassettes.load_path(ROOT / "fixtures" / "cassettes" / "drifted")
    skipped = ("skipped gemini: GOOGLE_API_KEY or GEMINI_API_KEY is not set",)
    return (
        VerifyRun(contracts.verify(baselines, clean), len(clean), skipped),
        VerifyRun(contracts.verify(baselines, drifted), len(drifted)),
    )


def diff_results() -> tuple[Listing, Listing]:
    wanted = contracts.load_path(SPECS / "contracts")
    old, new = load_spec(SPECS / "acme-v1.yaml"), load_spec(SPECS / "acme-v2.yaml")
    return Listing(judge(diff_specs(old, old), wanted)), Listing(judge(diff_specs(old, new), wanted), True)


def chaos_results() -> tuple[list[ScenarioRun], list[ScenarioRun]]:
    """Runs made by hand (no app started): characters each format must escape, a failed call with no response."""
    item = scenario.load(SUNSET)
    day = item.start + DAY

    def call(at: float, status: int | None, fault: str | None = None) -> Exchange:
        return Exchange(
            Request(method="POST", url="http://127.0.0.1/v1/chat/completions"),
            Response(status=status) if status else None,
            provider="openai",
            route="POST /v1/chat/completions",
            started=at,
            fault=fault,
            error=None if status else "connection reset",
        )

    served, gone, reset = call(day, 200), call(31 * day, 410, "gone"), call(31 * day, None)
    held = ScenarioRun(
        item,
        verdicts=[Verdict("step", "step 0: POST /ask", True, "200 <ok> & | fine", (served,), line=14)],
        exchanges=[served],
        step_of={id(served): 0},
        app_output="listening\n",
        seconds=1.25,
    )
    failed = ScenarioRun(
        item,
        verdicts=[
            Verdict("step", "step 0: POST /ask", True, "200", (served,), line=14),
            Verdict(
                "expect", "served_by: anthropic | steps: [1]", False, 'no <provider> & "none"\nanswered', (gone, reset)
            ),
        ],
        exchanges=[served, gone, reset],
        step_of={id(served): 0, id(gone): 1},
        seconds=2.5,
    )
    return [held], [held, failed]


RESULTS: dict[str, tuple[Callable[[], tuple[Any, Any]], tuple[renderer.Renderer[Any], ...]]] = {
    "verify": (verify_results, VERIFY_RENDERERS),
    "diff": (diff_results, DIFF_RENDERERS),
    "chaos": (chaos_results, report.RENDERERS),
}
CASES = [(kind, r) for kind, (_, registry) in RESULTS.items() for r in registry]


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[Any, Any]]:
    return {kind: make() for kind, (make, _) in RESULTS.items()}


@pytest.mark.parametrize("kind, format", CASES, ids=[f"{kind}-{r.name}" for kind, r in CASES])
def test_every_format_renders_a_passing_and_a_failing_result(results, kind, format):
    passing, failing = results[kind]
    shown = [format.render(passing), format.render(failing)]
    for text in shown:
        assert isinstance(text, str) and text.endswith("\n") and text.strip()
        if format.name in PARSERS:
            PARSERS[format.name](text)
    assert shown[0] != shown[1]


def test_every_registry_names_each_format_once():
    for _, registry in RESULTS.values():
        names = renderer.names(registry)
        assert len(set(names)) == len(names) and all(names)
        files = [r.file_name for r in registry if r.file_name]
        assert len(set(files)) == len(files)


@pytest.mark.parametrize("command, registry", [("verify", VERIFY_RENDERERS), ("diff", DIFF_RENDERERS)])
def test_format_choices_are_the_registry(command, registry):
    parser = build_parser(command)
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    option = next(a for a in sub._actions if a.dest == "format")
    assert tuple(option.choices) == renderer.names(registry) and option.default in option.choices


def test_a_chaos_report_is_every_registered_file(results, tmp_path):
    _, runs = results["chaos"]
    written = report.write(runs, tmp_path / "out")
    assert [p.name for p in written] == [r.file_name for r in report.RENDERERS]
    for path, format in zip(written, report.RENDERERS, strict=True):
        assert path.read_text(encoding="utf-8") == format.render(runs)


def test_named_finds_a_format_and_refuses_an_unknown_one():
    assert renderer.named(DIFF_RENDERERS, "markdown").name == "markdown"
    with pytest.raises(KeyError):
        renderer.named(DIFF_RENDERERS, "yaml")


def test_machine_formats_say_pass_or_fail(results):
    ok, bad = results["verify"]
    assert [json.loads(renderer.named(VERIFY_RENDERERS, "json").render(r))["ok"] for r in (ok, bad)] == [True, False]
    ok, bad = results["diff"]
    assert [json.loads(renderer.named(DIFF_RENDERERS, "json").render(r))["exit_code"] for r in (ok, bad)] == [0, 1]
    ok, bad = results["chaos"]
    junit = [ET.fromstring(renderer.named(report.RENDERERS, "junit").render(r)) for r in (ok, bad)]
    assert [root.get("failures") for root in junit] == ["0", "1"]
