"""`harness verify` on the shipped fixtures: recorded SDK traffic holds, each
drifted copy is rejected at the right JSON pointer, bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vcr.serialize import deserialize
from vcr.serializers import yamlserializer

from harness.cli import main

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "fixtures" / "cassettes" / "clean"
DRIFTED = ROOT / "fixtures" / "cassettes" / "drifted"
BASELINES = str(ROOT / "contracts" / "providers")


def verify(capsys, *args):
    code = main(["verify", "--contracts", BASELINES, *args, "--format", "json"])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip().startswith("{") else None)


def test_clean_cassettes_are_vcrpys_own_format():
    for path in sorted(CLEAN.glob("*.yaml")):
        requests, responses = deserialize(path.read_text(), yamlserializer)
        assert requests and len(requests) == len(responses), path


def test_recorded_sdk_traffic_holds_against_every_baseline(capsys):
    code, report = verify(capsys, "--cassettes", str(CLEAN))
    assert code == 0 and report["ok"]
    assert report["unmatched"] == 0 and report["checked"] == report["exchanges"] >= 20
    used = {name for name, count in report["contracts"].items() if count}
    assert {"openai/chat-completions", "openai/videos", "anthropic/messages", "gemini/generate-content"} <= used


@pytest.mark.parametrize(
    "cassette, contract, pointer",
    [
        ("openai-chat-content-renamed", "openai/chat-completions", "/choices/0/message/content"),
        ("openai-chat-new-finish-reason", "openai/chat-completions", "/choices/0/finish_reason"),
        ("openai-video-progress-retyped", "openai/videos", "/progress"),
        ("anthropic-new-stop-reason", "anthropic/messages", "/stop_reason"),
        ("gemini-new-finish-reason", "gemini/generate-content", "/candidates/0/finishReason"),
    ],
)
def test_each_drifted_cassette_is_rejected_at_its_pointer(capsys, cassette, contract, pointer):
    code, report = verify(capsys, "--cassettes", str(DRIFTED / f"{cassette}.yaml"))
    assert code == 1
    assert [(v["contract"], v["location"], v["pointer"]) for v in report["violations"]] == [(contract, "body", pointer)]


def test_text_output_names_the_violation_and_its_file(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "500")  # a long checkout path must not wrap the file name
    assert (
        main(["verify", "--contracts", BASELINES, "--cassettes", str(DRIFTED / "openai-video-progress-retyped.yaml")])
        == 1
    )
    out = capsys.readouterr().out
    assert "body /progress: expected type integer" in out and "openai-video-progress-retyped.yaml" in out


@pytest.mark.parametrize(
    "make_bad, words",
    [
        (lambda tmp: ("--contracts", str(tmp / "missing")), "no such file or folder"),
        (lambda tmp: ("--contracts", str(_write(tmp / "c.yaml", "contract: [unclosed\n"))), "c.yaml:2:1: invalid YAML"),
        (lambda tmp: ("--cassettes", str(_write(tmp / "k.yaml", "interactions: 3\nversion: 1\n"))), "k.yaml"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, make_bad, words):
    option, value = make_bad(tmp_path)
    args = ["verify", "--contracts", BASELINES, "--cassettes", str(CLEAN)]
    args[args.index(option) + 1] = value
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and "Traceback" not in err


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


KEY_VARIABLES = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "AZURE_OPENAI_API_KEY")


def test_live_with_no_key_at_all_is_bad_input_naming_every_variable(capsys, monkeypatch):
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    assert main(["verify", "--contracts", BASELINES, "--live"]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""  # no "0 exchanges ... all contracts hold"
    assert captured.err == (
        "error: no key for anthropic: set ANTHROPIC_API_KEY; no key for azure_openai: set AZURE_OPENAI_API_KEY; "
        "no key for gemini: set GOOGLE_API_KEY or GEMINI_API_KEY; no key for openai: set OPENAI_API_KEY "
        "(or pass --skip-missing-keys to skip those providers)\n"
    )


def test_live_with_some_keys_is_still_bad_input_naming_only_the_missing(capsys, monkeypatch):
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-live-0123456789")
    monkeypatch.setenv("GOOGLE_API_KEY", "AIza-test-live-0123456789")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-test-live-0123456789")

    assert main(["verify", "--contracts", BASELINES, "--live"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("error: no key for anthropic: set ANTHROPIC_API_KEY (")
    assert "openai" not in err and "gemini" not in err


def test_live_skip_missing_keys_skips_them_with_a_line_each(capsys, monkeypatch):
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    code, report = verify(capsys, "--live", "--skip-missing-keys")

    assert code == 0 and report["exchanges"] == 0
    assert report["notes"] == [  # in the order the contracts load: folders sorted
        "skipped anthropic: ANTHROPIC_API_KEY is not set",
        "skipped azure_openai: AZURE_OPENAI_API_KEY is not set",
        "skipped gemini: GOOGLE_API_KEY or GEMINI_API_KEY is not set",
        "skipped openai: OPENAI_API_KEY is not set",
    ]


def test_live_against_a_double_checks_what_came_back(capsys, monkeypatch):
    from harness.double import Double

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-live-0123456789")
    for name in ("ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with Double("openai", seed=3, job_seconds=0.0) as double, double.serve() as url:
        code = main(
            ["verify", "--contracts", "provider:openai", "--live", "--budget", "5", "--base-url", f"openai={url}"]
            + ["--format", "json"]
        )
        report = json.loads(capsys.readouterr().out)
    assert report["exchanges"] == 5 and report["checked"] == 5
    assert code == 0, report["violations"]


@pytest.mark.parametrize("option", [["--budget", "3"], ["--skip-missing-keys"]])
def test_live_options_without_live_are_refused(capsys, option):
    assert main(["verify", "--contracts", BASELINES, "--cassettes", str(CLEAN), *option]) == 2
    assert "only apply with --live" in capsys.readouterr().err
