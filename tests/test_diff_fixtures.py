"""The fixture pair fixtures/specs/acme-v1.yaml (3.0) -> acme-v2.yaml (3.1), judged
for each consumer contract in fixtures/specs/contracts/, and the command around it."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest
import yaml

from harness import contracts
from harness.cli import main
from harness.diff import KINDS, SunsetPolicy, diff_specs, judge, load_spec

FIXTURES = Path(__file__).parent.parent / "fixtures" / "specs"
OLD, NEW = FIXTURES / "acme-v1.yaml", FIXTURES / "acme-v2.yaml"
CLIPSTUDIO, CHATBOT = FIXTURES / "contracts" / "clipstudio.yaml", FIXTURES / "contracts" / "chatbot.yaml"
# The day the sunset notice is counted from, in every test here, so the results never depend on the date.
ON = "2026-03-01"
POLICY = SunsetPolicy(datetime.date.fromisoformat(ON))

# (kind, route, pointer) per list, for each consumer.
EXPECTED = {
    CLIPSTUDIO: {
        "breaking": {
            ("path-removed", "POST /v1/images/generations", ""),
            ("model-removed", "POST /v1/videos", "/model"),
            ("request-enum-narrowed", "POST /v1/videos", "/seconds"),
            ("response-field-nullable", "GET /v1/videos/{id}", "/completed_at"),
            ("response-field-retyped", "GET /v1/videos/{id}", "/progress"),
            ("response-field-renamed", "GET /v1/videos/{id}", "/remixed_from_video_id"),
            ("response-field-removed", "GET /v1/videos/{id}", "/size"),
            ("content-type-changed", "GET /v1/videos/{id}/content", ""),
        },
        "risky": {
            ("operation-deprecated", "POST /v1/videos", ""),
            ("operation-deprecated", "GET /v1/videos/{id}", ""),
            ("operation-deprecated", "GET /v1/videos/{id}/content", ""),
            # One change (the shared Video schema), shown at the first place that touches the
            # consumer and listing the others (GET /v1/videos/{id} among them).
            ("enum-value-added", "POST /v1/videos", "/status"),
        },
    },
    CHATBOT: {
        "breaking": {
            ("response-field-optional", "POST /v1/chat/completions", "/usage"),
            ("request-field-retyped", "POST /v1/embeddings", "/dimensions"),
            ("request-field-required", "POST /v1/embeddings", "/encoding_format"),
            ("status-removed", "POST /v1/moderations", ""),
            ("event-type-removed", "POST /v1/responses", ""),
        },
        "risky": {
            ("default-changed", "POST /v1/chat/completions", "/temperature"),
            ("enum-value-added", "POST /v1/chat/completions", "/choices/*/finish_reason"),
            ("enum-value-removed", "POST /v1/chat/completions", "/choices/*/finish_reason"),
            ("field-deprecated", "POST /v1/chat/completions", "/usage/total_tokens"),
            ("response-header-removed", "POST /v1/chat/completions", "/x-request-id"),
            ("event-type-added", "POST /v1/responses", ""),
        },
    },
}


@pytest.fixture(scope="module")
def changes():
    return diff_specs(load_spec(OLD), load_spec(NEW), POLICY)


def keys(judged) -> set[tuple[str, str, str]]:
    """(kind, route, pointer) at every place of every change."""
    return {(j.change.kind, p.route, p.pointer) for j in judged for p in j.change.everywhere()}


def shown(judged) -> set[tuple[str, str, str]]:
    """(kind, route, pointer) of each change where it touches the consumer."""
    return {(j.change.kind, j.change.route, j.change.pointer) for j in judged}


@pytest.mark.parametrize("contract", [CLIPSTUDIO, CHATBOT], ids=lambda p: p.stem)
def test_each_consumer_gets_exactly_its_breaking_and_risky_changes(changes, contract):
    result = judge(changes, [contracts.load(contract)])
    assert shown(result.breaking) == EXPECTED[contract]["breaking"]
    assert shown(result.risky) == EXPECTED[contract]["risky"]
    assert result.exit_code == 1


def test_a_change_to_a_shared_schema_is_one_entry_listing_its_places(changes):
    (status,) = [c for c in changes if c.kind == "enum-value-added" and c.pointer.endswith("/status")]
    assert {(p.route, p.pointer) for p in status.places} == {
        ("POST /v1/videos", "/status"),
        ("GET /v1/videos", "/data/*/status"),
        ("GET /v1/videos/{id}", "/status"),
    }


# Reported by the walk when schemas nest past its limit, not a change between two specs:
# tests/test_diff_kinds.py shows it on a generated pair.
WALK_LIMITS = {"depth-limit-reached"}


def test_the_fixture_pair_exercises_every_change_kind(changes):
    assert {c.kind for c in changes} == set(KINDS) - WALK_LIMITS


def test_what_breaks_one_consumer_is_provider_wide_for_the_other(changes):
    clip = judge(changes, [contracts.load(CLIPSTUDIO)])
    chat = judge(changes, [contracts.load(CHATBOT)])
    assert EXPECTED[CHATBOT]["breaking"] <= keys(clip.provider_breaking)
    assert EXPECTED[CLIPSTUDIO]["breaking"] <= keys(chat.provider_breaking)
    untouched = {
        ("operation-removed", "DELETE /v1/videos/{video_id}", ""),
        ("response-field-removed", "POST /v1/chat/completions", "/system_fingerprint"),
        ("model-removed", "POST /v1/chat/completions", "/model"),
        ("request-field-required", "GET /v1/videos", "/order"),
    }
    both = judge(changes, contracts.load_path(FIXTURES / "contracts"))
    assert untouched <= keys(both.provider_breaking)
    assert not untouched & keys(both.breaking)


def test_saying_the_same_thing_in_3_1_words_is_not_a_change(changes):
    quiet = {
        "/expires_at",
        "/error",
        "/object",
        "/choices/*/message/content",
        "/choices/*/message/refusal",
        "/error/code",
        "/choices/*/delta/content",
    }
    assert not [c for c in changes if c.pointer in quiet]


def test_a_change_inside_a_schema_from_another_file_is_found(changes):
    assert ("response-field-added", "POST /v1/chat/completions", "/usage/reasoning_tokens") in {
        (c.kind, c.route, c.pointer) for c in changes
    }


def test_json_copies_of_the_specs_give_the_same_changes(tmp_path, changes):
    for name in ("acme-v1", "acme-v2", "acme-v2-common"):
        data = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text())
        (tmp_path / f"{name}.json").write_text(json.dumps(data))
    text = (tmp_path / "acme-v2.json").read_text().replace("acme-v2-common.yaml", "acme-v2-common.json")
    (tmp_path / "acme-v2.json").write_text(text)
    again = diff_specs(load_spec(tmp_path / "acme-v1.json"), load_spec(tmp_path / "acme-v2.json"), POLICY)
    assert [c.to_dict() for c in again] == [c.to_dict() for c in changes]


# -- the command ------------------------------------------------------------------


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args, *(() if "--on" in args else ("--on", ON))])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_exit_1_when_something_breaks_the_consumer(capsys):
    code, out, _ = run(capsys, str(OLD), str(NEW), "--contracts", str(CLIPSTUDIO))
    assert code == 1
    assert out.startswith("harness diff: 8 changes break clipstudio")
    assert "Breaking for you (8)" in out and "response-field-renamed" in out


def test_exit_0_when_nothing_breaks_the_consumer(capsys, tmp_path):
    only_files = tmp_path / "files.yaml"
    only_files.write_text(
        yaml.safe_dump(
            {
                "contract": "x/files",
                "consumer": "filer",
                "provider": "openai",
                "interactions": [
                    {"name": "list", "request": {"method": "GET", "path": "/v1/files"}, "response": {"status": 200}}
                ],
            }
        )
    )
    code, out, _ = run(capsys, str(OLD), str(NEW), "--contracts", str(only_files))
    assert code == 0 and out.startswith("harness diff: nothing breaks filer")


def test_exit_0_for_identical_specs(capsys):
    code, out, _ = run(capsys, str(OLD), str(OLD), "--contracts", str(CHATBOT))
    assert code == 0 and "nothing breaks chatbot (0 harmless)" in out


def test_markdown_opens_with_a_verdict_line_then_tables(capsys):
    code, out, _ = run(capsys, str(OLD), str(NEW), "--contracts", str(FIXTURES / "contracts"), "--format", "markdown")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("**❌ 13 changes break chatbot, clipstudio (10 risky, 13 provider-wide breaking")
    headings = [line for line in lines if line.startswith("#### ")]
    assert headings == ["#### Breaking for you (13)", "#### Risky for you (10)"]
    # What does not touch the consumer is folded away under its own summary.
    assert "<details><summary>Provider-wide breaking, not touching you (13)</summary>" in lines
    assert "| change | route | where | pointer | old → new | why |" in lines
    assert "| `response-field-renamed` | `GET /v1/videos/{id}` |" in out
    assert lines[-1].startswith("<sub>23 harmless changes not listed.")


def test_markdown_escapes_pipes_in_cells(capsys):
    _code, out, _ = run(capsys, str(OLD), str(NEW), "--contracts", str(CLIPSTUDIO), "--format", "markdown")
    row = next(line for line in out.splitlines() if "/completed_at" in line)
    assert "`integer\\|null`" in row and row.count(" | ") == 5


def test_json_lists_every_change_with_its_judgement(capsys):
    code, out, _ = run(capsys, str(OLD), str(NEW), "--contracts", str(CHATBOT), "--format", "json")
    data = json.loads(out)
    assert code == data["exit_code"] == 1
    assert data["counts"]["breaking"] == len(data["breaking"]) == 5
    first = data["breaking"][0]
    assert set(first) >= {
        "kind",
        "route",
        "location",
        "pointer",
        "old",
        "new",
        "severity",
        "level",
        "reason",
        "contract",
        "interaction",
    }
    total = sum(data["counts"].values())
    assert total == len(diff_specs(load_spec(OLD), load_spec(NEW), POLICY))


def test_text_all_lists_harmless_changes(capsys):
    _code, out, _ = run(capsys, str(OLD), str(NEW), "--contracts", str(CHATBOT), "--all")
    assert "Harmless (" in out and "operation-added" in out


def test_bad_arguments_exit_2(capsys):
    code, _, err = run(capsys, str(OLD), "--contracts", str(CHATBOT))
    assert code == 2 and "give two specs" in err
    code, _, err = run(capsys, str(OLD), str(NEW), "--cassettes", "a", "b", "--contracts", str(CHATBOT))
    assert code == 2 and "not both" in err


def test_a_bad_contract_exits_2(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("contract: x\nconsumer: y\nprovider: openai\ninteractions: []\n")
    code, _, err = run(capsys, str(OLD), str(NEW), "--contracts", str(bad))
    assert code == 2 and "bad.yaml" in err


def test_the_fixture_folder_can_be_copied_and_used_elsewhere(tmp_path, capsys):
    shutil.copytree(FIXTURES, tmp_path / "specs")
    code, _, _ = run(
        capsys,
        str(tmp_path / "specs" / "acme-v1.yaml"),
        str(tmp_path / "specs" / "acme-v2.yaml"),
        "--contracts",
        str(tmp_path / "specs" / "contracts"),
    )
    assert code == 1


# -- provider-wide: no contracts ------------------------------------------------------


def test_without_contracts_every_change_is_classed_for_any_client(capsys, changes):
    code, out, _ = run(capsys, str(OLD), str(NEW), "--format", "json")
    data = json.loads(out)
    assert code == data["exit_code"] == 1 and data["provider_wide"] is True
    by_severity = {level: sorted(c.kind for c in changes if c.severity == level) for level in ("breaking", "risky")}
    assert sorted(j["kind"] for j in data["breaking"]) == by_severity["breaking"]
    assert sorted(j["kind"] for j in data["risky"]) == by_severity["risky"]
    assert data["provider_breaking"] == []
    assert data["verdict"].startswith(f"{len(by_severity['breaking'])} changes break clients of this API")


def test_without_contracts_the_text_says_breaking_not_breaking_for_you(capsys):
    code, out, _ = run(capsys, str(OLD), str(NEW))
    assert code == 1 and "Breaking (" in out and "for you" not in out
    code, out, _ = run(capsys, str(OLD), str(OLD))
    assert code == 0 and out.startswith("harness diff: nothing breaks clients of this API")


def test_cassettes_still_need_contracts(capsys):
    code, _, err = run(capsys, "--cassettes", "a", "b")
    assert code == 2 and "--cassettes needs --contracts" in err


def test_a_change_in_many_places_shows_one_and_counts_the_rest(capsys):
    _code, out, _ = run(capsys, str(OLD), str(NEW), "--contracts", str(CLIPSTUDIO), "--format", "markdown")
    row = next(line for line in out.splitlines() if "`enum-value-added`" in line and "`/status`" in line)
    assert "(and 2 more places)" in row


def _deprecation_pair(tmp_path: Path, sunset: str) -> tuple[str, str]:
    def spec(**extra: object) -> dict:
        response = {"200": {"description": "ok"}}
        return {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/v": {"get": {"responses": response, **extra}}},
        }

    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(yaml.safe_dump(spec()))
    new.write_text(yaml.safe_dump(spec(deprecated=True, **{"x-sunset": sunset})))
    return str(old), str(new)


def test_the_sunset_notice_is_counted_from_today_unless_told(capsys, tmp_path):
    soon = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    old, new = _deprecation_pair(tmp_path, soon)
    code = main(["diff", old, new, "--format", "json"])  # no --on: today
    (entry,) = json.loads(capsys.readouterr().out)["risky"]
    assert (code, entry["kind"], entry["new"]["notice"]) == (0, "sunset-too-soon", "30 of 180 days")
    main(["diff", old, new, "--format", "json", "--min-sunset-days", "30"])
    assert [e["kind"] for e in json.loads(capsys.readouterr().out)["risky"]] == ["operation-deprecated"]


def test_min_sunset_days_0_turns_the_policy_off(capsys, tmp_path):
    old, new = _deprecation_pair(tmp_path, "2026-03-02")
    _, out, _ = run(capsys, old, new, "--format", "json", "--min-sunset-days", "0")
    assert [e["kind"] for e in json.loads(out)["risky"]] == ["operation-deprecated"]
    _, out, _ = run(capsys, old, new, "--format", "json")
    assert json.loads(out)["risky"][0]["new"] == {"x-sunset": "2026-03-02", "notice": "1 of 180 days"}


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (("--on", "2026-02-30"), "--on must be a date written YYYY-MM-DD, not '2026-02-30'"),
        (("--on", "tomorrow"), "--on must be a date written YYYY-MM-DD"),
        (("--min-sunset-days", "-1"), "--min-sunset-days must be 0 (off) or a number of days, not -1"),
    ],
)
def test_a_bad_sunset_option_is_exit_2(capsys, option, said):
    code, _, err = run(capsys, str(OLD), str(NEW), *option)
    assert code == 2 and said in err
