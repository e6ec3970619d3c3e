"""`harness readiness` on clipstudio's contracts with the chaos reports of the sound
app and of its fragile twin (fixtures/readiness): each verdict with its reasons."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from harness import contracts as contract_files
from harness.cli import main as harness_main
from harness.errors import InputError
from harness.readiness import assess
from harness.readiness.render import render_html, render_markdown

ROOT = Path(__file__).parent.parent
CLIPSTUDIO = ROOT / "contracts" / "examples"
REPORTS = ROOT / "fixtures" / "readiness"
ON = date(2026, 12, 1)


@pytest.fixture(scope="module")
def contracts():
    return contract_files.load_path(CLIPSTUDIO)


def test_clipstudio_is_ready_to_leave_openai(contracts):
    (video,) = assess(contracts, reports=[REPORTS / "sound.json"], on=ON).capabilities
    assert (video.name, video.primary, video.verdict) == ("text-to-video", "openai", "ready")
    assert "gemini verified (double journals in" in video.reasons[0]
    assert any(r.startswith("sora-sunset: openai taken away (gone) and the app held") for r in video.reasons)
    assert any(r.startswith("network-down: openai taken away (down)") for r in video.reasons)
    # The Sora shutdown is in the past on this date, and the verified alternative carries the capability.
    assert any("shut down on 2026-09-24: the verified alternative carries it" in r for r in video.reasons)


def test_the_fragile_twin_is_not_ready_and_says_why(contracts):
    (video,) = assess(contracts, reports=[REPORTS / "fragile.json"], on=ON).capabilities
    assert video.verdict == "not ready"
    assert {r.split(":")[0] for r in video.reasons if "did not hold" in r} == {
        "sora-sunset",
        "openai-outage",
        "network-down",
    }


def test_without_evidence_an_alternative_on_paper_is_at_risk(contracts):
    (video,) = assess(contracts, primary={"text-to-video": "openai"}, on=date(2026, 8, 1)).capabilities
    assert video.verdict == "at risk"
    assert video.reasons[0].startswith("no alternative is verified: gemini (clipstudio/gemini-veo) never checked")
    assert "openai disappearing was never rehearsed" in video.reasons[1]
    # Before the shutdown: the days left are counted.
    assert any("shuts down on 2026-09-24 (54 days left)" in r for r in video.reasons)


def test_a_capability_with_one_provider_is_not_ready(tmp_path, contracts):
    only_openai = [c for c in contracts if c.provider == "openai"]
    (video,) = assess(only_openai, reports=[REPORTS / "sound.json"], on=ON).capabilities
    assert video.verdict == "not ready"
    assert video.reasons[0] == "no alternative to openai: no other provider has a contract for this capability"


def test_cassettes_verify_a_contract(contracts):
    (video,) = assess(contracts, cassettes=[ROOT / "fixtures" / "cassettes" / "clean"], on=ON).capabilities
    openai = next(e for e in video.evidence if e.provider == "openai")
    assert openai.verified and openai.how.startswith("cassettes ") and "9 exchanges, no violations" in openai.how


def test_the_primary_can_be_named_and_a_guess_says_so(contracts):
    (named,) = assess(contracts, primary={"text-to-video": "gemini"}, on=ON).capabilities
    assert named.primary == "gemini"
    (guessed,) = assess(contracts, on=ON).capabilities
    assert guessed.reasons[-1].endswith("name it with --primary text-to-video=PROVIDER")


def test_outputs(contracts):
    readiness = assess(contracts, reports=[REPORTS / "sound.json"], on=ON)
    html = render_html(readiness)
    assert "<table class=matrix>" in html and "✓ ready" in html and "primary; verified; 5/5 rehearsals held" in html
    markdown = render_markdown(readiness)
    assert "| text-to-video | ✓ ready |" in markdown


def test_command_exit_codes_and_report_files(tmp_path, capsys):
    base = ["readiness", "--contracts", str(CLIPSTUDIO), "--date", "2026-12-01"]
    assert harness_main([*base, "--reports", str(REPORTS / "sound.json"), "--report", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["readiness.html", "readiness.json", "readiness.md"]
    assert json.loads((tmp_path / "readiness.json").read_text())["capabilities"][0]["verdict"] == "ready"
    assert harness_main([*base, "--reports", str(REPORTS / "fragile.json")]) == 1
    assert "text-to-video: not ready" in capsys.readouterr().out


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--reports", "no/such.json"], "cannot read the chaos report"),
        (["--reports", str(CLIPSTUDIO / "clipstudio.yaml")], "not a JSON chaos report"),
        (["--primary", "text-to-video"], "write CAPABILITY=PROVIDER"),
        (["--date", "soon"], "is not a date"),
    ],
)
def test_bad_input_is_exit_2(extra, message, capsys):
    assert harness_main(["readiness", "--contracts", str(CLIPSTUDIO), *extra]) == 2
    assert message in capsys.readouterr().err


def test_contracts_without_a_capability_are_an_input_error(tmp_path):
    baseline_only = contract_files.load_path(ROOT / "contracts" / "providers" / "openai")
    with pytest.raises(InputError, match="no contract names a capability"):
        assess(baseline_only, on=ON)


def test_a_scenario_that_never_ran_rehearses_nothing(contracts, tmp_path):
    report = json.loads((REPORTS / "fragile.json").read_text())
    for scenario in report["scenarios"]:
        scenario["state"] = "did not start"
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report))
    (video,) = assess(contracts, reports=[path], primary={"text-to-video": "openai"}, on=ON).capabilities
    assert video.rehearsals == ()
    assert video.verdict == "at risk"


def test_chaos_run_checks_its_journal_against_the_contracts_and_readiness_reads_it(tmp_path):
    scenario_file = ROOT / "contracts" / "scenarios" / "nightly" / "openai-outage.yaml"
    argv = ["chaos", "run", str(scenario_file), "--contracts", str(CLIPSTUDIO), "--report", str(tmp_path)]
    argv += ["--allow-dir", str(ROOT / "fixtures" / "apps")]  # as make run allows the app folder
    assert harness_main(argv) == 0
    (scenario,) = json.loads((tmp_path / "report.json").read_text())["scenarios"]
    counts = {c["contract"]: (c["checked"] > 0, c["violations"]) for c in scenario["contracts"]}
    assert counts == {"clipstudio/openai-videos": (True, 0), "clipstudio/gemini-veo": (True, 0)}
    (video,) = assess(contract_files.load_path(CLIPSTUDIO), reports=[tmp_path], on=ON).capabilities
    gemini = next(e for e in video.evidence if e.provider == "gemini")
    assert gemini.verified and gemini.how.startswith("double journals in ")
