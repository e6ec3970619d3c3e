"""Human output of `harness diff`: values spelled as a spec writes them, never Python's reprs,
and sunset advice only when a sunset date is given."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness import contracts
from harness.diff import Change, Location, diff_specs, judge, load_spec
from harness.diff.judge import Judged, Judgement
from harness.diff.render import Listing, markdown, render_text, show
from harness.diff.spelling import quoted

FIXTURES = Path(__file__).parent.parent / "fixtures" / "specs"
DISCOVERY = FIXTURES / "discovery"
PYTHON_WORDS = re.compile(r"\b(True|False|None)\b|'|frozenset|\[\]\)|\{'")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "—"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (0.7, "0.7"),
        ("", '""'),
        ("tool_calls", "tool_calls"),
        ("two\nlines", "two lines"),
        (["a", "b"], "a, b"),
        ((1, None), "1, null"),
        (frozenset({"b", "a"}), "a, b"),
        ([], "[]"),
        ({}, "{}"),
        ({"deprecated": False, "x-sunset": "2026-09-24"}, "deprecated: false, x-sunset: 2026-09-24"),
        ({"a": [1, None], "b": {"c": True}}, "a: [1, null], b: {c: true}"),
        ([["x", "y"], {"k": None}], "[x, y], {k: null}"),
    ],
)
def test_show_spells_every_kind_of_value_as_a_spec_does(value, shown):
    assert show(value) == shown


def test_a_long_value_is_cut_with_an_ellipsis():
    text = show("x" * 200)
    assert len(text) == 60 and text.endswith("…")
    assert show({"k": ["v" * 100]}).endswith("…")


@pytest.mark.parametrize(
    ("value", "said"), [("vid-1", '"vid-1"'), ("4", '"4"'), (4, "4"), (True, "true"), (None, "null"), (["a"], "[a]")]
)
def test_a_value_in_a_sentence_tells_text_from_numbers_without_python_quotes(value, said):
    assert quoted(value) == said


def every_kind_of_value() -> Judgement:
    values = [None, True, False, "", "x" * 80, ["a", None], {"deprecated": False}, frozenset({"b", "a"}), 1.5]
    judged = tuple(
        Judged(
            Change("default-changed", "POST", "/v1/x", Location("request"), f"/f{i}", old, new, "risky"),
            "risky",
            "leaves it out",
            "c",
            "i",
        )
        for i, (old, new) in enumerate(zip(values, reversed(values), strict=True))
    )
    return Judgement(("c",), risky=judged)


def value_columns(text: str) -> list[str]:
    """The old → new part of every row (Markdown) or block (text)."""
    return [line for line in text.splitlines() if "→" in line]


def test_no_python_repr_in_text_or_markdown():
    judgement = every_kind_of_value()
    for text in (render_text(Listing(judgement)), markdown(judgement)):
        cells = value_columns(text)
        assert len(cells) >= len(judgement.risky)
        for cell in cells:
            assert not PYTHON_WORDS.search(cell.split("| leaves")[0]), cell
            assert "->" not in cell


def test_the_fixture_pair_reads_as_yaml_values_with_sunset_dates():
    old, new = load_spec(FIXTURES / "acme-v1.yaml"), load_spec(FIXTURES / "acme-v2.yaml")
    result = judge(diff_specs(old, new), contracts.load_path(FIXTURES / "contracts"))
    text = markdown(result, with_harmless=True)
    assert "`deprecated: false` → `deprecated: true, x-sunset: 2026-09-24`" in text
    assert "plan the move before its sunset (x-sunset 2026-09-24)" in text
    assert 'sends model "vid-1"' in text
    for row in text.splitlines():
        assert not re.search(r"\b(True|False|None)\b", row), row
        assert "'" not in row.split(" | ")[-1], row  # reasons quote values as JSON does


def test_no_sunset_advice_without_a_sunset_date():
    old, new = load_spec(DISCOVERY / "gemini-v1.json"), load_spec(DISCOVERY / "gemini-v2.json")
    result = judge(
        diff_specs(old, new), contracts.load_path(Path(__file__).parent.parent / "harness" / "baselines" / "gemini")
    )
    (deprecated,) = [j for j in result.risky if j.change.kind == "operation-deprecated"]
    assert deprecated.reason == "calls a deprecated route (no sunset date announced)"
    for text in (render_text(Listing(result)), markdown(result)):
        assert "sunset" not in text.replace("no sunset date announced", "")
