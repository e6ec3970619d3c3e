"""The double's JSON codec reads and writes exactly what the standard library does: the same
values from any body (NaN, huge integers, odd encodings, broken JSON included) and the same bytes
for any answer (floats of every size, non-finite ones, every character), raising where it raises."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import math
import uuid
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness import jsoncodec

STDLIB = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types, floats to the bit (-0.0 is not 0.0, NaN is NaN). A loop,
    not recursion: the values of the nesting tests are deeper than the stack."""
    pending = [(a, b)]
    while pending:
        a, b = pending.pop()
        if type(a) is not type(b):
            return False
        if isinstance(a, float):
            if not ((math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))):
                return False
        elif isinstance(a, list):
            if len(a) != len(b):
                return False
            pending.extend(zip(a, b, strict=True))
        elif isinstance(a, dict):
            if list(a) != list(b):
                return False
            pending.extend((a[k], b[k]) for k in a)
        elif a != b:
            return False
    return True


def outcome(function: Any, argument: Any) -> tuple[str, Any]:
    try:
        return "value", function(argument)
    except Exception as exc:
        return "error", (type(exc), str(exc))


def stdlib_dumps(value: Any) -> bytes:
    return STDLIB.encode(value).encode()


floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1e-5, 1.234e-7, 1e16, 1e22, -0.0, 5e-324])
integers = st.integers() | st.integers(min_value=-(2**70), max_value=2**70)
scalars = st.none() | st.booleans() | integers | floats | st.text()
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
)


@settings(max_examples=600)
@given(values)
@example({"a": [1.5, "é ✓ 🦊", None, True], "n": 2**64, "small": 1e-5, "nan": math.nan})
def test_dumps_writes_what_the_standard_library_writes(value: Any) -> None:
    assert outcome(jsoncodec.dumps, value) == outcome(stdlib_dumps, value)


@pytest.mark.parametrize(
    "value",
    [
        (1, 2),  # json writes a list
        {1: "a", False: "b", None: "c", 1.5: "d"},  # json turns keys into text
        [float("inf"), -float("inf")],
        {"when": datetime.datetime(2026, 1, 1)},  # json refuses what orjson would write
        {"id": uuid.UUID(int=1)},
        enum.Enum("Colour", "RED").RED,  # type: ignore[attr-defined]
        enum.IntEnum("Size", "BIG").BIG,  # type: ignore[attr-defined]
        dataclasses.make_dataclass("Point", ["x"])(1),
        "\ud800",  # a lone surrogate: json writes it, then UTF-8 refuses it
        'control \x00\x1f\x7f \u2028 quote" back\\slash',
    ],
)
def test_dumps_matches_the_standard_library_where_orjson_differs(value: Any) -> None:
    assert outcome(jsoncodec.dumps, value) == outcome(stdlib_dumps, value)


def test_dumps_raises_as_the_standard_library_does_on_a_cycle() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="Circular reference"):
        jsoncodec.dumps(cycle)


number_texts = st.from_regex(r"\A-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,25})?([eE][-+]?[0-9]{1,3})?\Z")
bodies = (
    st.builds(lambda v: json.dumps(v, ensure_ascii=False).encode(), values)
    | st.builds(lambda v: json.dumps(v).encode("utf-16"), values)
    | st.builds(lambda n: f'{{"n": {n}, "list": [{n}]}}'.encode(), number_texts)
    | st.builds(
        lambda before, n, after: f'{{"id": "{before}{n}{after}", "n":{n}, "m":[-{n},{n}]}}'.encode(),
        st.sampled_from(["video_", "", " ", "-", ":", ",", "[", ".", "e", "x"]),
        st.from_regex(r"\A[0-9]{17,40}\Z"),
        st.sampled_from(["", "0", "_x", " "]),
    )
    | st.binary(max_size=40)
    | st.builds(lambda t: t.encode("utf-8", "surrogatepass"), st.text(max_size=40))
)


@settings(max_examples=800)
@given(bodies)
@example(b'{"temperature": NaN, "top_p": Infinity, "x": -Infinity}')
@example(b'{"seed": 123456789012345678901234567890, "n": -9223372036854775809}')
@example(b'{"id": "video_000000000000000000000000000000000000000000000001", "n": 12345678901234567890123}')
@example(b"[1.1234567890123456789012, 2e1234567890123456789, \n12345678901234567890123]")
@example(b"12345678901234567890123")
@example(b'"\\ud800 lone"')
@example(b'\xef\xbb\xbf{"bom": 1}')
@example(b'{"a": 1, "b": 2, "a": 3}')
@example(b'{"a": 1} trailing')
@example(b"[1E400, -0, -0.0, 1e-7]")
@example("\ufeff{}".encode())
@example(b"\xed\xa0\x80")  # a lone surrogate in UTF-8
def test_loads_reads_what_the_standard_library_reads(body: bytes) -> None:
    texts = [body.decode("utf-8", "surrogatepass")] if _decodes(body) else []
    for form in [body, *texts]:  # bodies as bytes, SSE data as text
        got, want = outcome(jsoncodec.loads, form), outcome(json.loads, form)
        assert got[0] == want[0]
        if want[0] == "value":
            assert same(got[1], want[1])
        else:
            assert got[1] == want[1]


def _decodes(body: bytes) -> bool:
    try:
        body.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("depth", [300, 900, 990, 1000, 1020, 1100, 5000])
def test_a_body_nested_deeper_than_orjson_reads_is_read_or_refused_as_the_standard_library_does(depth: int) -> None:
    # Between about 990 and 1,024 deep orjson reads what `json` runs out of stack for.
    for body in (b"[" * depth + b"]" * depth, "{" + '"a":{' * depth + "}" * depth + "}"):
        got, want = outcome(jsoncodec.loads, body), outcome(json.loads, body)
        assert got[0] == want[0] and (got[1] == want[1] if got[0] == "error" else same(got[1], want[1]))


# `_plain` lets `dumps` skip reading its output back: it must say yes only where the bytes
# orjson wrote are json's, and no to every NaN and infinity, however deep.
plain_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
)


@settings(max_examples=600)
@given(plain_values)
@example([127, 255, -1, -129, 2**63, "\x7f", "ÿ", 0.7, [0] * 127])  # 0x7f and 0xff bytes that are no NaN
@example(((), ("a", (1.5, None)), {"t": (True, False)}))  # tuples: json writes them as lists
@example({"deep": [[[{"x": math.inf}]]]})
@example([1.0, -math.inf, "nan"])
def test_a_plain_value_is_written_as_the_standard_library_writes_it(value: Any) -> None:
    written = outcome(jsoncodec.orjson.dumps, value)  # orjson refuses integers past 64 bits
    if jsoncodec._plain(value) and written[0] == "value":  # what the read-back would have found
        assert same(jsoncodec.orjson.loads(written[1]), listed(value))
    assert outcome(jsoncodec.dumps, value) == outcome(stdlib_dumps, value)


def listed(value: Any) -> Any:
    """`value` with its tuples as lists, as JSON holds them."""
    if isinstance(value, (list, tuple)):
        return [listed(item) for item in value]
    if isinstance(value, dict):
        return {key: listed(item) for key, item in value.items()}
    return value


def nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "value",
    [
        math.nan,
        [1, {"a": -math.inf}],
        ({"x": (math.inf,)},),
        float("-nan"),
        {"id": uuid.UUID(int=1)},
        enum.IntEnum("Size", "BIG").BIG,  # type: ignore[attr-defined]
        type("Text", (str,), {})("a"),
        {"k": type("Number", (int,), {})(1)},
        nested(3000),  # deeper than marshal goes (and than orjson writes)
    ],
)
def test_what_orjson_would_write_differently_is_not_plain(value: Any) -> None:
    assert not jsoncodec._plain(value)
    assert outcome(jsoncodec.dumps, value) == outcome(stdlib_dumps, value)


def test_a_plain_value_skips_the_read_back_and_others_take_it(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[bytes] = []
    real = jsoncodec.orjson.loads
    monkeypatch.setattr(jsoncodec.orjson, "loads", lambda body: reads.append(body) or real(body))
    assert jsoncodec.dumps({"a": [1, "b", None, 2.5]}) == b'{"a":[1,"b",null,2.5]}'
    assert reads == []
    assert jsoncodec.dumps({"a": 255}) == b'{"a":255}'  # a 0xff byte in its marshal: read back
    assert reads == [b'{"a":255}']


def test_a_long_run_of_digits_in_a_string_keeps_the_fast_reader() -> None:
    """An id of many digits (`video_0000...1`) is text, not an integer orjson might read as a
    float: orjson reads the body. A long integer, in any place a number can start, is not."""
    assert jsoncodec._for_orjson(b'{"id": "video_000000000000000000000000000000000000000000000001"}') is not None
    assert jsoncodec._for_orjson(b'{"v": 1.12345678901234567890123, "w": "x12345678901234567890123"}') is not None
    for before in ("", " ", "-", ":", ",", "[", "\n"):
        assert jsoncodec._for_orjson(f"{before}12345678901234567890123".encode()) is None
