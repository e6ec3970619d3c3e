"""JSON in and out (a double's bodies, a check's bodies and events), exactly as the standard
library reads and writes it.

orjson does the work, about ten times faster; where it would read or write anything
differently from `json`, the standard library does it instead, so a body always parses to
the same values and an answer is always the same bytes:

- reading: orjson rejects NaN and Infinity, UTF-16 and UTF-32 bodies, a UTF-8 BOM and lone
  surrogate escapes (`json` takes them all), and reads an integer beyond 64 bits as a float
  (`json` keeps it whole), and reads nesting up to 1,024 deep where `json` runs out of stack
  (1,000 frames, counting the caller's): any error, a run of 19 digits anywhere, or more than
  `_NESTING` brackets (an upper bound on the depth) goes to `json.loads`;
- writing: orjson writes NaN and Infinity as `null`, a float below 1e-4 without an exponent
  (`0.00001` where `json` writes `1e-05`), and serializes types `json` refuses (dataclasses,
  datetimes, UUIDs, enums). Its output is kept when the value is plain (see `_plain`: only the
  exact built-in types, no NaN or infinity), or else when it reads back equal to the value, and
  in both cases carries no number `json` would spell differently; else `json` writes it (and
  raises as it always did).

Where orjson is not installed, `json` does everything.
"""

from __future__ import annotations

import json
import marshal
import re
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - orjson has wheels wherever harness runs
    orjson = None  # type: ignore[assignment]

# Made once: `json.dumps` with options builds a new encoder on every call.
_STDLIB = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# Every digit as "0", every other byte as itself: a plain substring search then finds a run of
# digits, or a digit before "e-" (a regular expression for either scans several times slower).
_DIGITS = bytes(0x30 if 0x30 <= byte <= 0x39 else byte for byte in range(256))
# The same, with "{" as "[" too: one count then says how many brackets open.
_SHAPE = _DIGITS.replace(b"{", b"[")
# 19 digits in a row may be an integer past 64 bits, which orjson would read as a float: where
# such a run starts a number, that is, after one of these bytes (in JSON a number follows one
# of them or opens the text), `json` reads the text.
_LONG_DIGITS = b"0" * 19
_BEFORE_A_NUMBER = frozenset(b"-[:, \t\r\n")
_DIGIT_RUN = re.compile(rb"0+")
# The brackets that open in a text bound how deep it nests. Below this many, `json` has stack
# to spare unless its caller is already more than 700 frames deep; above, `json` says if it has.
_NESTING = 300
if orjson is not None:
    _OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS


class _Unsupported(TypeError):
    """orjson met a value it would write differently from `json` (a subclass, a dataclass, ...)."""


def _refuse(value: Any) -> Any:
    raise _Unsupported


def loads(body: bytes | str) -> Any:
    """`json.loads(body)`, the same values and the same errors."""
    data = _for_orjson(body) if orjson is not None else None
    if data is not None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # json says what is wrong, in its own words, or reads what orjson does not
    return json.loads(body)


def _for_orjson(body: bytes | str) -> bytes | None:
    """`body` as the bytes orjson reads, where it reads them as `json` would if it reads them at all."""
    try:
        data = body.encode() if isinstance(body, str) else body
    except UnicodeEncodeError:  # a lone surrogate: orjson refuses it, json reads it
        return None
    shape = data.translate(_SHAPE)
    return data if not _long_integer(shape) and shape.count(b"[") <= _NESTING else None


def _long_integer(shape: bytes) -> bool:
    """Whether a run of 19 digits or more in `shape` may be an integer: a run that starts a
    number (after `-`, `[`, `:`, `,`, white space, or at the start) and not one inside a
    string (`"video_0000..."`, an id) or after a number's `.` or `e`."""
    at = shape.find(_LONG_DIGITS)
    while at >= 0:
        if at == 0 or shape[at - 1] in _BEFORE_A_NUMBER:
            return True
        end = _DIGIT_RUN.match(shape, at)
        at = shape.find(_LONG_DIGITS, end.end() if end else at + 1)
    return False


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON (`ensure_ascii=False`, no spaces), byte for byte what `json` writes."""
    if orjson is not None:
        try:
            written = orjson.dumps(value, default=_refuse, option=_OPTIONS)
        except TypeError:  # orjson.JSONEncodeError is one: a type, a key or an integer it does not take
            pass
        else:
            # Numbers orjson spells differently: 0.00001 (json: 1e-05), 1e-7 (json: 1e-07).
            spelt = b"0.0000" in written or (b"e-" in written and b"0e-" in written.translate(_DIGITS))
            if not spelt and (_plain(value) or orjson.loads(written) == value):
                return written
    return _STDLIB.encode(value).encode()


def _plain(value: Any) -> bool:
    """Is `value` made only of what orjson and `json` write alike: exact dicts, lists, tuples,
    strings, integers, finite floats, booleans and None? A cheaper proof than reading the output
    back (on an answer, about 0.7 of its instructions); False sends the caller to the read-back.

    marshal refuses every subclass and every other type orjson would write (UUIDs, enums,
    fragments); those it takes besides (bytes, sets, complex numbers) orjson has already refused.
    NaN and infinity are the floats orjson writes as `null`: marshal writes a float as its 8
    IEEE bytes, little-endian, and those two end in 0x7f or 0xff, which marshal writes nowhere
    else but in some integers and lengths (UTF-8 text never holds 0xff, nor 0x7f but for a DEL),
    so a value with neither byte in its marshal holds no NaN or infinity."""
    try:
        packed = marshal.dumps(value)
    except ValueError:  # a type marshal does not take, or nested too deep
        return False
    return b"\x7f" not in packed and b"\xff" not in packed
