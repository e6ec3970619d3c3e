"""The rapidyaml reader against the PyYAML one: the same values, types included, on every
YAML file in the repository and on generated vcrpy cassettes; and where it cannot be
sure, it declines and the PyYAML reader answers (errors and their lines included)."""

from __future__ import annotations

import base64
import contextlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from vcr.serializers import yamlserializer

from harness import cassettes, limits, yamlfast, yamlfile
from harness.errors import CassetteError, InputError

pytestmark = pytest.mark.skipif(not yamlfast.AVAILABLE, reason="no rapidyaml wheel here")

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    p
    for folder in ("fixtures", "tests", "contracts", "harness")
    for suffix in ("*.yaml", "*.yml")
    for p in (ROOT / folder).rglob(suffix)
)


def typed(value: Any) -> Any:
    """`value` with every type spelled out, so 1, 1.0, True and "1" all differ, and so do
    the orders of a mapping's keys."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    return (type(value).__name__, value)


def note(what: str) -> None:
    """Hypothesis's statistics say how often the fast reader read a generated cassette."""
    with contextlib.suppress(InvalidArgument):  # outside a Hypothesis test
        event(what)


def old(text: str) -> Any:
    return yamlfile.loads(text, "x.yaml", loader=cassettes._CassetteLoader, positions=False).data


def differences(text: str) -> str | None:
    """None when the fast reader declines or agrees with the PyYAML reader; else what differs."""
    try:
        fast = yamlfast.read(text)
    except yamlfast.Unsupported as declined:
        note(f"declined: {str(declined)[:40]}")
        return None
    note("read fast")
    try:
        expected = old(text)
    except InputError as exc:
        return f"the PyYAML reader refuses it ({exc}) but the fast reader read it"
    if typed(fast) != typed(expected):
        return f"fast {fast!r:.300} != PyYAML {expected!r:.300}"
    return None


def test_the_repository_has_yaml_to_compare():
    assert len(FILES) > 30
    assert any("cassettes" in str(p) for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_in_the_repository_reads_the_same(path):
    assert differences(path.read_text(encoding="utf-8", errors="replace")) is None


def test_the_shipped_cassettes_take_the_fast_path():
    for path in sorted((ROOT / "fixtures" / "cassettes").rglob("*.yaml")):
        data = yamlfast.read(path.read_text())  # Unsupported here would fail the test
        assert typed(data) == typed(old(path.read_text())), path


def test_the_shipped_cassettes_are_read_by_orjson(monkeypatch):
    """rapidyaml's JSON of every shipped cassette is read by orjson, not by `json` with hooks
    (whose hook sees every mapping)."""
    hooked = []
    monkeypatch.setattr(yamlfast, "_mapping", lambda pairs: hooked.append(pairs) or dict(pairs))
    for path in sorted((ROOT / "fixtures" / "cassettes").rglob("*.yaml")):
        yamlfast.read(path.read_text())
    assert hooked == []
    yamlfast.read("a: 1.5\n")  # a float: the hooks read it
    assert hooked == [[("a", 1.5)]]


def _integers_as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _integers_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integers_as_text(v) for v in value]
    return str(value) if type(value) is int else value


@pytest.mark.parametrize("way", ["orjson", "json with hooks"])
def test_a_planted_difference_is_caught(monkeypatch, way):
    """The comparison can fail: a reader that takes plain integers as text is caught, whichever
    way the fast reader reads rapidyaml's JSON."""
    text = (ROOT / "fixtures" / "cassettes" / "clean" / "openai-text.yaml").read_text()
    assert differences(text) is None
    if way == "orjson":
        real_data = yamlfast._orjson_data
        monkeypatch.setattr(yamlfast, "_orjson_data", lambda emitted: _integers_as_text(real_data(emitted)))
    else:

        def integers_as_text(scalar: str) -> Any:
            value = real(scalar)
            return scalar if isinstance(value, int) else value

        real = yamlfast.plain_value
        yamlfast._plain.clear()
        monkeypatch.setattr(yamlfast, "_orjson_data", lambda emitted: None)
        monkeypatch.setattr(yamlfast, "plain_value", integers_as_text)
    assert "fast" in (differences(text) or "")


AWKWARD = [
    "yes", "no", "on", "off", "Yes", "NO", "true", "False", "null", "Null", "~", "", " ",
    "1e3", "1.0e+3", "0x1f", "0o17", "017", "1_000", "1:30", "-1", "+1", ".5", "5.", ".inf", "-.Inf", ".nan", "inf", "nan", "NaN", ".5e3", "1.", "1.e+3",
    "2024-01-01", "2001-12-14t21:59:43.10-05:00", "<<", "=", "!", "&a", "*a", "*/*", "? x", "- x", "-",
    ": ", "a: b", "#", "a #b", " leading", "trailing ", "  ", "'", '"', "''", "\\", "\\n",
    "line\nbreak", "two\n\nbreaks", "\n", "ünïcödé ✓ 😀", "tab\there", "\x01ctl", "\x85nel", "\u2028ls",
    "[a, b]", "{a: 1}", "%YAML", "---", "...", "@at", "`tick", "|", ">", "a" * 200, "word " * 40,
]  # fmt: skip
strings = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60),
    st.text(alphabet="aby01.-+:#'\"\\ \n", max_size=20),
    st.sampled_from(AWKWARD),
)
scalars = st.one_of(
    strings,
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.binary(max_size=40),
)
header_values = st.lists(st.one_of(strings, st.integers(0, 10**6)), min_size=1, max_size=3)


@st.composite
def vcr_cassettes(draw: st.DrawFn) -> dict[str, Any]:
    interactions = []
    for _ in range(draw(st.integers(1, 3))):
        body = draw(st.one_of(st.none(), strings, st.binary(max_size=60)))
        interactions.append(
            {
                "request": {
                    "body": body,
                    "headers": draw(st.dictionaries(strings, header_values, max_size=4)),
                    "method": draw(st.sampled_from(["GET", "POST"])),
                    "uri": "https://api.openai.com/v1/chat/completions?q=" + draw(st.text(max_size=10)),
                },
                "response": {
                    "body": {"string": draw(st.one_of(strings, st.binary(max_size=80)))},
                    "headers": draw(st.dictionaries(strings, header_values, max_size=4)),
                    "status": {"code": draw(st.integers(100, 599)), "message": draw(strings)},
                    "extra": draw(st.dictionaries(strings, scalars, max_size=3)),
                },
            }
        )
    return {"interactions": interactions, "version": 1}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vcr_cassettes())
def test_generated_cassettes_read_the_same(cassette):
    text = yamlserializer.serialize(cassette)  # yaml.dump, as vcrpy writes its cassettes
    assert differences(text) is None


def test_the_awkward_characters_are_all_but_what_yaml_prints_plainly():
    """Every code point: the awkward ones are all but a line feed, printable ASCII and the
    printable ranges PyYAML's reader allows beyond it, and a byte order mark is awkward too."""
    every = "".join(map(chr, range(0x110000)))
    allowed = re.compile("[^\x0a\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\ufeff")
    expected = [m.start() for m in allowed.finditer(every)]
    assert [m.start() for m in yamlfast._AWKWARD_TEXT.finditer(every)] == expected
    assert 0x09 in expected and 0x0D in expected and 0x85 in expected and 0xFEFF in expected


def test_awkward_strings_take_the_fast_path():
    """Strings PyYAML quotes so they stay strings (`'yes'`, `'1e3'`, `'2024-01-01'`) and real
    booleans, nulls and numbers are told apart without the old reader."""
    declined = {"<<", ".inf", "-.Inf", ".nan", "inf", "nan", ".5e3"}  # see test_what_the_fast_reader_declines
    printable = [s for s in AWKWARD if s.isprintable() and s not in declined and not s.startswith("*")]
    cassette = {
        "interactions": [
            {
                "request": {
                    "body": None,
                    "headers": {s or "empty": [s] for s in printable if len(s) < 100},
                    "method": "GET",
                },
                "response": {
                    "values": [1, -7, 2**40, 1.5, 1e20, True, False, None, 0],
                    "texts": printable,
                    "multi": ["a\nb", "x\n\n  y  z\n", "é" * 90 + " " + "ü" * 90],
                    "binary": base64.b64decode("AAECAwQFBgcICQ==") + b"\xff" * 100,
                },
            }
        ]
    }
    text = yamlserializer.serialize(cassette)
    fast = yamlfast.read(text)
    assert typed(fast) == typed(old(text))
    assert fast["interactions"][0]["response"]["texts"] == printable


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("a: &x [1, 2]\nb: *x\n", "an alias"),
        ("accept: '*/*'\na: &x 1\nb: *x\n", "an alias beside a quoted */*"),
        ("accept: '*/*'\na: .inf\n", "an infinity beside a quoted */*"),
        ("accept: '*/*'\nbase: &b {x: 1}\nother:\n  <<: *b\n", "a merge key beside a quoted */*"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", "a merge key"),
        ("a: !!python/unicode 'x'\n", "a tag"),
        ("a: !!str 1\n", "a tag"),
        ("? [a]\n: 1\n", "a complex key"),
        ("--- \na: 1\n", "a document marker"),
        ("a: yes\n", "a plain scalar YAML 1.1 reads as a boolean"),
        ("a: ~\n", "a plain null"),
        ("a: 0x1f\n", "a plain hexadecimal"),
        ("a: 1\na: 2\n", "a duplicate key"),
        ("a: {x: [1, 2]}\nb: 3\na: {x: [1, 2]}\n", "a duplicate key holding a mapping"),
        ("- {a: 1, b: 2, a: 3}\n", "a duplicate key in a flow mapping"),
        ("a: 18446744073709551616\nb: 1\nb: 2\n", "a duplicate key beside an integer orjson reads as a float"),
        ("a: .inf\n", "an infinite number"),
        ("a: .Inf\n", "an infinite number rapidyaml respells"),
        ("'.Inf': 1\n", "a quoted key rapidyaml respells"),
        ("a: inf\n", "text rapidyaml respells"),
        ("a: .5e3\n", "text rapidyaml respells as 0.5e3"),
        ("a:\n\tb: 1\n", "a tab"),
        ("a: [1, 2\n", "a parse error"),
        ("just text\n", "a scalar document"),
        ("[" * 70 + "]" * 70 + "\n", "nesting past the cap"),
        ("a: !!binary |\n  \x7f!!binary\nb: 1\n", "the binary mark in the text"),
        ("a: !!binary |\n  AAEC\nb: |\n  \x7f!!binary\n", "a literal block holding the binary mark"),
    ],
)
def test_what_the_fast_reader_declines(text, why):
    with pytest.raises(yamlfast.Unsupported):
        yamlfast.read(text)


def test_deep_block_nesting_is_declined_and_refused_by_the_old_reader(tmp_path):
    text = "".join("  " * i + f"k{i}:\n" for i in range(70)) + "  " * 70 + "v\n"
    with pytest.raises(yamlfast.Unsupported):
        yamlfast.read(text)
    with pytest.raises(InputError, match="nested"):
        old(text)


@pytest.mark.parametrize("shape", ["block", "flow"])
def test_nesting_two_levels_short_of_the_cap_is_left_to_the_old_reader(shape):
    """The old reader counts the depth exactly; the fast one reads to three levels short of the
    cap and declines from two short (rapidyaml's own limit lies past the cap)."""

    def nested(depth: int) -> str:
        if shape == "flow":
            return "[" * depth + "]" * depth + "\n"
        return "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v\n"

    cap = limits.DEPTH.value()
    assert typed(yamlfast.read(nested(cap - 3))) == typed(old(nested(cap - 3)))
    with pytest.raises(yamlfast.Unsupported, match="depth cap"):
        yamlfast.read(nested(cap - 2))
    assert old(nested(cap - 2))


def test_a_broken_cassette_still_names_its_file_and_line(tmp_path, capfd):
    path = tmp_path / "broken.yaml"
    path.write_text("interactions:\n- request: {method: GET, uri: [\n")
    with pytest.raises(CassetteError) as error:
        cassettes.load(path)
    assert str(path) in str(error.value) and ":3:" in str(error.value)
    assert capfd.readouterr().err == ""  # rapidyaml's own print of the parse error is held back


def test_positions_are_found_again_when_an_error_needs_them(tmp_path):
    path = tmp_path / "no-uri.yaml"
    path.write_text(
        yaml.safe_dump({"interactions": [{"request": {"method": "GET"}, "response": {"status": {"code": 200}}}]})
    )
    assert yamlfast.read(path.read_text())  # the fast path reads it; the error still has a line
    with pytest.raises(CassetteError, match=r"no-uri.yaml:\d+:\d+: interaction 1: the request needs 'uri'"):
        cassettes.load(path)


def test_without_the_wheel_every_cassette_is_read_by_pyyaml(monkeypatch):
    path = ROOT / "fixtures" / "cassettes" / "clean" / "openai-videos.yaml"
    fast = cassettes.load(path)
    monkeypatch.setattr(yamlfast, "AVAILABLE", False)
    with pytest.raises(yamlfast.Unsupported, match="not installed"):
        yamlfast.read(path.read_text())
    assert cassettes.load(path) == fast


# Where the strings of rapidyaml's JSON are, by the text: a string alone on its line (a list item,
# or a key when `:` follows), a string after a key, anything in a line holding a flow collection.
# The fast reader finds its candidates in the values instead; these patterns are what it replaced.
_FIRST = (
    '(?=[-+.0-9<=~!&*yYnNtTfFoO"])(?!(?:-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null)"(?!:))'
)
_CANDIDATE = f'({yamlfast._NON_TEXT.pattern})"'
_FLOW_AFTER_KEY = re.compile(r'": [\[{](?![\]}]?,?\n)')
_FLOW_ITEM = re.compile(r"\n *+[\[{](?![\]}]?,?\n)")
_NON_TEXT_LINE = re.compile(f'\n *+"{_FIRST}{_CANDIDATE}(:?)')
_NON_TEXT_VALUE = re.compile(f'": "{_FIRST}{_CANDIDATE}()')
_NON_TEXT_ANYWHERE = re.compile(f'"{_FIRST}{_CANDIDATE}(:?)')


def _by_the_text(emitted: str) -> set[tuple[str, bool]]:
    starts = [m.start() + 1 for m in _FLOW_ITEM.finditer(emitted)]
    for match in _FLOW_AFTER_KEY.finditer(emitted):
        at = before = match.start()
        while before and emitted[before - 1] == "\\":
            before -= 1
        if (at - before) % 2 == 0:
            starts.append(emitted.rfind("\n", 0, at) + 1)
    found = [m.groups() for scan in (_NON_TEXT_LINE, _NON_TEXT_VALUE) for m in scan.finditer(emitted)]
    for start in sorted(set(starts)):
        end = emitted.find("\n", start)
        found += [m.groups() for m in _NON_TEXT_ANYWHERE.finditer(emitted[start : end if end >= 0 else len(emitted)])]
    return {(text, bool(key)) for text, key in found}


def _by_the_values(emitted: str) -> set[tuple[str, bool]]:
    shape = yamlfast._shape(json.loads(emitted, strict=False))
    return set(yamlfast._candidates(*yamlfast._strings(shape)))


def _emitted(text: str) -> str:
    """rapidyaml's JSON of `text` as `emit_json` writes it, a `str`; `_json_of` writes the same
    bytes into a buffer, whether the first buffer is large enough or not."""
    ryml = yamlfast._rapidyaml()
    tree = ryml.parse_in_arena(text.encode())
    emitted = ryml.emit_json(tree)
    assert yamlfast._json_of(ryml, tree, len(text)) == emitted.encode()
    assert yamlfast._json_of(ryml, tree, -2048) == emitted.encode()  # a buffer too small at first
    return emitted


@pytest.mark.skipif(not yamlfast.AVAILABLE, reason="rapidyaml has no wheel here")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vcr_cassettes())
def test_the_values_hold_the_candidates_the_text_shows(cassette):
    """The strings PyYAML might read as other than text, found in the values, are those found
    where the JSON text has them, on generated cassettes and on documents full of flow
    collections and awkward keys."""
    try:
        emitted = _emitted(yamlserializer.serialize(cassette))
        assume(isinstance(json.loads(emitted, strict=False), (dict, list)))
    except Exception:  # rapidyaml or json refuses it (the old reader then reads the file): nothing to find
        assume(False)
    assert _by_the_values(emitted) == _by_the_text(emitted)


@pytest.mark.skipif(not yamlfast.AVAILABLE, reason="rapidyaml has no wheel here")
@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2]\nb: {x: y}\nc: []\nd: {}\ne: [yes]\n",
        "a:\n- [yes, 'no']\n- {on: 1}\n- '600'\n- 'true'\n'yes': 1\n'0x1f': [2]\n",
        'a: "x\\": [1]"\nb: ["600", "y"]\nc:\n  d: [{"e": "yes"}]\n',
        yaml.safe_dump({"plain": AWKWARD, "keys": {s: [s] for s in ("yes", "0x1f", "~", "600", "1e3", "<<", "=")}}),
    ],
)
def test_the_values_hold_the_candidates_the_text_shows_on_awkward_documents(text):
    try:
        emitted = _emitted(text)
        json.loads(emitted, strict=False)
    except Exception:
        pytest.skip("rapidyaml does not read it")
    found = _by_the_values(emitted)
    assert found == _by_the_text(emitted)
    assert found  # each document has something to find


@pytest.mark.parametrize("text", ["'<<': 1\n", '"<<": {a: 1}\n', '- {"<<": 1}\n', "a: '.inf'\nb: 1\n"])
def test_quoted_merge_keys_and_infinities_are_text(text):
    """A quoted `<<` is a key like any other (only a plain one merges): read fast, and the same.
    A quoted `.inf` is declined: rapidyaml writes `inf` and `.Inf` as `.inf` too."""
    if ".inf" in text:
        with pytest.raises(yamlfast.Unsupported):
            yamlfast.read(text)
    else:
        assert typed(yamlfast.read(text)) == typed(old(text))
