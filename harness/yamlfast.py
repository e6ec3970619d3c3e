"""Large, machine-written YAML read in C++: rapidyaml parses it and writes it out as
JSON, which the standard library's C decoder turns into Python values.

Only for documents whose positions nobody needs yet (cassettes): `read` gives the same
values as `yamlfile`'s PyYAML reader, types included, or raises `Unsupported` and the
caller reads the text the old way. That happens for anything this path cannot prove it
reads identically: a tag other than `!!binary`, an alias or merge key, a tab, a document
marker, a duplicate key, a number the caps refuse, nesting near the depth cap, a plain
scalar PyYAML's YAML 1.1 rules would read differently from how rapidyaml writes it (in
block and flow collections alike), a parse error (the old reader then names the line).
Without the `rapidyaml` wheel `AVAILABLE` is false and every read goes the old way.
"""

from __future__ import annotations

import base64
import binascii
import importlib.util
import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import orjson
import yaml

from harness import limits

# Without a wheel for this platform the PyYAML reader does everything. rapidyaml itself is
# imported on the first read, so importing `yamlfile` (contracts, scenarios) does not pay it.
AVAILABLE = importlib.util.find_spec("ryml") is not None
_ryml: list[Any] = []


def _rapidyaml() -> Any:
    if not _ryml:
        import ryml  # type: ignore[import-untyped]

        _ryml.append(ryml)
    return _ryml[0]


class Unsupported(ValueError):
    """The text needs the full reader."""


# What PyYAML's reader refuses anywhere in a stream, and line breaks other than \n that
# YAML 1.1 and 1.2 count differently (and tabs, which they place differently): the old
# reader decides. Most files are ASCII, checked a byte at a time in C. The class names what is
# awkward rather than what is not: the same characters (every code point is tested), and it
# compiles in a fifth of the time (a class reaching past U+FFFF builds a large table, and every
# process that reads a cassette compiles it before it reads).
_AWKWARD_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\n"
# Tokens this path does not carry over: complex keys, document markers and directives,
# and tags (after !!binary is taken out). Text inside quoted scalars can match too; then
# the old reader reads the file, correctly, only slower.
_COMPLEX_KEY_OR_DOCUMENT_MARK = re.compile(r"\n(?:[ -]*+\?[ \n]|---[ \n]|\.\.\.[ \n]|%)")
_TOKEN_START = " \n[{,"  # the characters after which `!`, `&` or `*` starts a token
# An anchor PyYAML would refuse (its names are letters, digits, `-` and `_`).
_GOOD_ANCHOR = re.compile(r"&[0-9A-Za-z_-]+(?:[\s,\[\]{}]|\Z)")
# A `!!binary |` block (what PyYAML writes for bytes): the tag becomes a mark on the
# block's first line, which the JSON keeps and `_bytes` turns back into bytes. The mark is
# ASCII, so an ASCII file's JSON stays one byte a character (a character past U+FFFF made
# it four, and every search and decode after the parse slower); and it starts with DEL, which
# YAML does not allow anywhere, so a file holding the mark is declined before it is marked.
_BINARY_TAG = " !!binary |\n"
_MARK = "\x7f!!binary"
_MARK_BYTES = _MARK.encode()


def _mark_binaries(text: str) -> tuple[str, int]:
    """`text` with each `!!binary |` block of the shape PyYAML writes marked; how many."""
    pieces, marked, start = [], 0, 0
    at = text.find(_BINARY_TAG)
    if at < 0:
        return text, 0
    while at >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        head = text[line_start:at]
        after = at + len(_BINARY_TAG)
        spaces = _SPACES.match(text, after)  # the block's indentation, without copying the rest
        body_indent = spaces.end() - after if spaces else 0
        indent = len(head) - len(head.lstrip(" "))
        # The column of the node holding the block: the dash of `- !!binary`, the key of `- key: !!binary`.
        stem = head.lstrip(" ")
        column = indent if stem.strip("- ") == "" else indent + len(stem) - len(stem.lstrip("- "))
        if head.endswith((":", "-")) and body_indent > column:
            pieces += [text[start:at], " |\n", " " * body_indent, _MARK, "\n"]
            start, marked = after, marked + 1
        at = text.find(_BINARY_TAG, after)
    if not marked:
        return text, 0
    pieces.append(text[start:])
    return "".join(pieces), marked


_SPACES = re.compile(" *")


def _token_at(text: str, char: str) -> int:
    """The index of the first `char` that starts a token (or could: inside a quoted scalar
    it cannot be told), or -1."""
    at = text.find(char)
    while at >= 0:
        if at == 0 or text[at - 1] in _TOKEN_START:
            return at
        at = text.find(char, at + 1)
    return -1


def _odd_anchor(text: str) -> bool:
    at = _token_at(text, "&")
    while at >= 0:
        if not _GOOD_ANCHOR.match(text, at):
            return True
        rest = _token_at(text[at + 1 :], "&")
        at = -1 if rest < 0 else at + 1 + rest
    return False


# Strings that PyYAML's YAML 1.1 rules read as something else than text when they are plain
# (booleans, nulls, numbers, `<<`, `=`, `!`), from PyYAML's own patterns, each matched whole.
_NON_TEXT_TAGS = {"tag:yaml.org,2002:" + name for name in ("bool", "float", "int", "merge", "null", "value", "yaml")}
_RESOLVERS = [
    (first, tag, regexp)
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
    for tag, regexp in resolvers
    if tag in _NON_TEXT_TAGS
]
# Infinities and NaNs as rapidyaml's JSON writer spells them whatever the YAML said (`inf`,
# `.Inf`, `.NAN`, quoted keys too): where one is a whole string, the text may have been other text.
_RESPELT = frozenset({".inf", "-.inf", "+.inf", ".nan", "-.nan", "+.nan"})
_NON_TEXT = re.compile(
    "|".join(
        sorted(
            {
                "(?:" + regexp.pattern.strip()[1:-1].replace(" ", "").replace("\n", "") + ")"
                for _, _, regexp in _RESOLVERS
            }
            | {r"(?:[-+]?\.(?:inf|nan))"}  # PyYAML's own patterns take no sign before .nan
        )
    )
)
# What every such string starts with, as PyYAML files its patterns ("" for the empty string, a
# plain null; `+`, `-` and `.` start infinities and NaNs too): a cheap first test.
_NON_TEXT_FIRST = frozenset(first for first, _, _ in _RESOLVERS)
# What rapidyaml writes bare where it is plain (a JSON number, `true`, `false`, `null`): a string
# value that reads `600` was quoted, since a plain 600 would have been written as a number.
_WRITTEN_BARE = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null"
_NON_TEXT_VALUE = re.compile(f"(?!(?:{_WRITTEN_BARE})\\Z)(?:{_NON_TEXT.pattern})")  # one match a string
# rapidyaml's JSON writer respells numbers such as `.5` and `1.` as `0.5` and `1.0`: where that
# can change what PyYAML would say, the old reader reads the file.
_RESPELT_NUMBER = re.compile(r"-?0\.|\.0(?:[eE]|$)")

_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR, _TIMESTAMP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"
_plain: dict[str, Any] = {}  # plain scalar text -> its value, as the old reader builds it
_quoted_by_ryml: dict[str, bool] = {}  # plain scalar text -> rapidyaml writes it as a JSON string
_CACHED = 50_000


def plain_value(text: str) -> Any:
    """A plain scalar's value as `yamlfile` builds it (dates stay text); `Unsupported`
    where the old reader has an error to give."""
    try:
        return _plain[text]
    except KeyError:
        pass
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag in (_STR, _TIMESTAMP):
        value: Any = text
    else:
        constructor = _CONSTRUCTOR.yaml_constructors.get(tag)
        if constructor is None:
            raise Unsupported(f"the plain scalar {text!r} has no value")
        try:
            value = constructor(_CONSTRUCTOR, yaml.ScalarNode(tag, text))
        except ValueError:
            raise Unsupported(f"cannot read {text!r}") from None
        if isinstance(value, float) and value - value != 0:  # inf, nan: refused by the caps
            raise Unsupported(f"{text!r} is not finite")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**308:
            raise Unsupported(f"{text!r} is out of range")
    if len(_plain) >= _CACHED:
        _plain.clear()
    _plain[text] = value
    return value


def _written_as_text(text: str) -> bool:
    """Whether rapidyaml writes the plain scalar `text` as a JSON string (as it does `~`
    or `yes`), rather than bare (as it does `600` or `true`)."""
    known = _quoted_by_ryml.get(text)
    if known is None:
        try:
            ryml = _rapidyaml()
            emitted = ryml.emit_json(ryml.parse_in_arena(f"a: {text}\n".encode()))
            known = isinstance(json.loads(emitted)["a"], str)
        except Exception:
            known = True
        _quoted_by_ryml[text] = known
    return known


def _plain_in(text: str, scalar: str, *, key: bool = False) -> bool:
    """Whether `scalar` may be written plain in `text` (`yes`, not `'yes'` or `"yes"`):
    after a space, a line start or a flow indicator, and before a line end, a comment or
    a flow indicator. Inside a quoted scalar that cannot be told, so it counts."""
    pattern = _plain_patterns.get((scalar, key))
    if pattern is None:
        after = "[ ]*:(?:[ ]|$)" if key else "[ ]*(?:$|[,\\]}]| #)"
        pattern = re.compile(r"(?m)(?:^|[\s\[{,])" + re.escape(scalar) + after)
        _plain_patterns[(scalar, key)] = pattern
    return pattern.search(text) is not None


_plain_patterns: dict[tuple[str, bool], re.Pattern[str]] = {}


def _float(text: str) -> Any:
    value = plain_value(text)
    if isinstance(value, str) and _RESPELT_NUMBER.search(text):
        raise Unsupported(f"{text!r} may be rapidyaml's spelling of other text")  # `.5e3` is text to PyYAML
    return value


def _constant(text: str) -> Any:
    raise Unsupported(f"{text} is not a YAML value")


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise Unsupported("a duplicate key")  # the old reader names both lines
    return mapping


def read(text: str, raw: bytes | None = None) -> Any:
    """The document in `text`, as `yamlfile.loads(text, positions=False)` builds it. `raw`:
    its UTF-8 bytes, where the caller has them (the file as read), so they are not made again."""
    if not AVAILABLE:
        raise Unsupported("rapidyaml is not installed")
    ryml = _rapidyaml()
    if raw is None:
        raw = text.encode("utf-8")
    # Taking the plain ASCII bytes out leaves control bytes and whole UTF-8 sequences (their
    # bytes are all >= 0x80): the few characters the pattern has to judge, not the whole text.
    unusual = raw.translate(None, _PLAIN_ASCII)
    if unusual and _AWKWARD_TEXT.search(unusual.decode("utf-8")):
        raise Unsupported("characters the old reader judges")
    # The mark cannot be in the text already: it starts with DEL, which the test above declines.
    text, binaries = _mark_binaries(text)
    if binaries:
        raw = text.encode("utf-8")
    lined = "\n" + text
    if _COMPLEX_KEY_OR_DOCUMENT_MARK.search(lined) or _token_at(text, "!") >= 0 or ("&" in text and _odd_anchor(text)):
        raise Unsupported("a token this path does not carry")
    with _quiet_stderr():
        try:
            tree = ryml.parse_in_arena(raw)
            emitted = _json_of(ryml, tree, len(raw))
        except Exception:  # a parse error: the old reader words it, with its line
            raise Unsupported("rapidyaml cannot read it") from None
    data = _orjson_data(emitted)
    shape = _shape(data) if data is not None else None
    # orjson's values are the hooks' where it read no float (PyYAML decides what `1e5` or `1.5e3`
    # is, and orjson reads an integer past 64 bits as one) and a value for each node of the tree
    # (a duplicate key leaves one out); otherwise the hooks read the text.
    if shape is None or shape.floats or shape.nodes != tree.size():
        try:
            data = json.loads(
                emitted,
                strict=False,
                parse_int=plain_value,  # a bare number was a plain scalar: PyYAML says what it is
                parse_float=_float,
                parse_constant=_constant,
                object_pairs_hook=_mapping,
            )
        except (ValueError, RecursionError):
            raise Unsupported("the JSON rapidyaml wrote is not plain data") from None
        if not isinstance(data, (dict, list)):
            raise Unsupported("a document that is a single scalar")
        shape = _shape(data)
    if shape.depth >= limits.DEPTH.value() - 2:
        raise Unsupported("nested near the depth cap")  # the old reader counts it exactly
    _check_strings(text, shape)
    if binaries:
        # Each mark is then found again at the start of a string, or the read is declined: a mark
        # that landed inside a quoted scalar leaves one of them unfound.
        if emitted.count(_MARK_BYTES) != binaries:
            raise Unsupported("a binary mark landed inside a quoted scalar")
        found = _binary_bodies(data)
        if found < binaries:
            found += _binary(data)  # a !!binary block elsewhere: walk everything
        if found != binaries:
            raise Unsupported("a binary block was not found again")
    return data


def _orjson_data(emitted: bytes) -> Any:
    """rapidyaml's JSON as orjson reads it (four times faster than `json` with the hooks), where
    it reads it to a mapping or a list; else None. Every integer orjson reads is the one PyYAML
    reads: JSON has no other spelling of it (`012`, `0x1f` and `1_000` are errors to both), and
    orjson's errors (NaN, control characters, lone surrogates) send the text to the hooks."""
    try:
        data = orjson.loads(emitted)
    except orjson.JSONDecodeError:
        return None
    return data if type(data) is dict or type(data) is list else None


class _Shape(NamedTuple):
    nodes: int  # values, the document itself included
    floats: bool  # whether any is a float
    depth: int  # the most containers around a value
    scalars: set[Any]  # the distinct values that are not containers
    keys: set[str]  # the distinct keys


def _shape(data: dict[str, Any] | list[Any]) -> _Shape:
    """What `read` checks of a document's values, found a level at a time: each level's values
    are gathered and typed in C, and Python looks at each value once, to pick out the containers."""
    nodes, floats, depth, level = 1, False, 0, [data]
    scalars: set[Any] = set()
    keys: set[str] = set()
    while level:
        depth += 1
        values: list[Any] = []
        for container in level:
            if type(container) is dict:
                keys.update(container)
                values += container.values()
            else:
                values += container
        nodes += len(values)
        kinds = set(map(type, values))
        floats = floats or float in kinds
        if dict in kinds or list in kinds:
            level = [v for v in values if type(v) is dict or type(v) is list]
            scalars.update([v for v in values if type(v) is not dict and type(v) is not list])
        else:
            level = []
            scalars.update(values)
    return _Shape(nodes, floats, depth, scalars, keys)


def _check_strings(text: str, shape: _Shape) -> None:
    """`Unsupported` where a string of the document may not be what PyYAML reads in `text`: an
    alias's text, an infinity or NaN as rapidyaml spells them, or a string PyYAML would read
    as something else had it been plain (a JSON string cannot say whether it was quoted)."""
    values, keys = _strings(shape)
    # rapidyaml writes an alias as the text `*name`: where the text has such a token, the old
    # reader reads it.
    if any(s[:1] == "*" for s in values + keys) and _token_at(text, "*") >= 0:
        raise Unsupported("an alias")  # or a quoted `*` (a `*/*` accept header, most often)
    for scalar, is_key in _candidates(values, keys):
        if scalar in _RESPELT:
            raise Unsupported("an infinity or NaN, as rapidyaml spells them")
        if is_key:
            try:
                plain_value(scalar)  # a plain key keeps its text, unless the old reader refuses it
            except Unsupported:
                if _plain_in(text, scalar, key=True):
                    raise
        elif _written_as_text(scalar) and _plain_in(text, scalar):
            raise Unsupported(f"{scalar!r} may have been plain")  # quoted or plain: JSON cannot tell


def _strings(shape: _Shape) -> tuple[list[str], list[str]]:
    """The document's distinct string values and keys that start as a string PyYAML would read
    as other than text may start (and as an alias does)."""
    values = [s for s in shape.scalars if type(s) is str and s[:1] in _NON_TEXT_FIRST]
    return values, [k for k in shape.keys if k[:1] in _NON_TEXT_FIRST]


def _candidates(values: list[str], keys: list[str]) -> list[tuple[str, bool]]:
    """(text, whether a key) for each string PyYAML would read as other than text had it been
    plain, and each infinity or NaN as rapidyaml spells them. A value that rapidyaml writes bare
    where it is plain (a JSON number, `true`) was quoted: a plain 600 is written as a number."""
    found = [(v, False) for v in values if _NON_TEXT_VALUE.fullmatch(v)]
    return found + [(k, True) for k in keys if _NON_TEXT.fullmatch(k)]


def _json_of(ryml: Any, tree: Any, size: int) -> bytes:
    """rapidyaml's JSON of `tree` (parsed from `size` bytes of YAML), as UTF-8 bytes: written
    into a buffer, a third of the time `emit_json` takes to make the same text a `str`."""
    buffer = bytearray(size * 2 + 4096)  # the JSON of a cassette is about 1.2 times its YAML
    try:
        return bytes(ryml.emit_json_in_place(tree, buffer))
    except IndexError:  # more than that: as much as it says it needs
        return bytes(ryml.emit_json_in_place(tree, bytearray(ryml.compute_json_length(tree))))


def _binary_bodies(data: Any) -> int:
    """Where vcrpy keeps bytes (request bodies, response body strings), each marked block
    turned into its bytes; how many were."""
    found = 0
    interactions = data.get("interactions") if isinstance(data, dict) else None
    for item in interactions if isinstance(interactions, list) else ():
        request, response = (item.get("request"), item.get("response")) if isinstance(item, dict) else (None, None)
        if isinstance(request, dict) and _is_marked(request.get("body")):
            request["body"], found = _bytes(request["body"]), found + 1
        body = response.get("body") if isinstance(response, dict) else None
        if isinstance(body, dict) and _is_marked(body.get("string")):
            body["string"], found = _bytes(body["string"]), found + 1
    return found


def _binary(value: Any) -> int:
    """Every marked block left anywhere in `value` turned into bytes; how many were."""
    found = 0
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if _is_marked(item):
            value[key], found = _bytes(item), found + 1
        else:
            found += _binary(item)
    return found


def _is_marked(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_MARK)


def _bytes(marked: str) -> bytes:
    try:
        return base64.decodebytes(marked[len(_MARK) + 1 :].encode("ascii"))
    except (UnicodeEncodeError, binascii.Error):
        raise Unsupported("a !!binary block that is not base64") from None


_stderr_lock = threading.Lock()
_devnull: list[int] = []  # opened once, on the first read


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """rapidyaml prints each parse error to file descriptor 2 before it raises; the old
    reader gives the error, so that print is held back."""
    with _stderr_lock:
        try:
            if not _devnull:
                _devnull.append(os.open(os.devnull, os.O_WRONLY))
            saved = os.dup(2)
        except OSError:
            yield
            return
        try:
            os.dup2(_devnull[0], 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
