"""Header names between ASGI's bytes and the journal's text, converted once per name.

A provider answers with the same dozen header names on every reply; only
values (request ids, lengths, rate-limit counts) change. Each name is lowered
and encoded once, and every record shares one `str` per name instead of
holding its own copy, which keeps a long journal small.

The tables are bounded: a client that sends ever new header names gets them
converted per request once the tables are full, never a table that grows
with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from harness.exchange import Headers

LIMIT = 512  # distinct names kept per table; providers send a few dozen at most

_TEXT: dict[bytes, str] = {}  # a request header name as received -> its text
_LOWER: dict[str, str] = {}  # a reply header name as a provider or fault wrote it -> lower case
_BYTES: dict[str, bytes] = {}  # a reply header name -> lower-case latin-1 bytes


def _text(raw: bytes) -> str:
    name = raw.decode("latin-1")
    if len(_TEXT) < LIMIT:
        _TEXT[raw] = name
    return name


def _lower(name: str) -> str:
    lowered = name.lower()
    if len(_LOWER) < LIMIT:
        _LOWER[name] = _LOWER.get(lowered) or lowered
    return _LOWER.get(name) or lowered


def _bytes(name: str) -> bytes:
    raw = name.lower().encode("latin-1", "replace")
    if len(_BYTES) < LIMIT:
        _BYTES[name] = raw
    return raw


def request_headers(raw: Iterable[tuple[bytes, bytes]]) -> Headers:
    """An ASGI scope's headers as text pairs, names shared between requests."""
    return tuple([(_TEXT.get(k) or _text(k), v.decode("latin-1")) for k, v in raw])


def lower(name: str) -> str:
    """`name.lower()`, the same `str` each time for the same name."""
    return _LOWER.get(name) or _lower(name)


def text_pairs(headers: Mapping[str, object]) -> list[tuple[str, str]]:
    """`(lower(name), str(value))` for each header: names as `lower` gives them, values as text."""
    known = _LOWER.get
    return [(known(k) or _lower(k), v if type(v) is str else str(v)) for k, v in headers.items()]


def response_name(name: str) -> bytes:
    """A reply header name as ASGI takes it: lower-case latin-1 bytes, the same object each time."""
    return _BYTES.get(name) or _bytes(name)


def response_headers(pairs: Iterable[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """Text header pairs as ASGI's `http.response.start` takes them: lower-case latin-1 bytes."""
    return [(_BYTES.get(k) or _bytes(k), v.encode("latin-1", "replace")) for k, v in pairs]
