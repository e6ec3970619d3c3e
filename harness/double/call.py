"""What a provider's route handler receives (`Call`) and returns (`Reply`).

A provider (`harness/providers/<name>`, declared as a `harness.provider.Provider`)
is data plus small handler functions; the double (`harness/double/`) turns
it into an ASGI app, records every exchange in its journal, and lets hooks
(the chaos layer's faults) act before and after a handler. A handler that
rejects a request raises `harness.double.problem.RequestProblem`. Handlers never touch HTTP, clocks or randomness directly: they use
what `Call` gives them, so answers are deterministic for a seed and move
with the double's (possibly virtual) clock.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from harness import sse
from harness.exchange import Headers


@dataclass
class State:
    """Per-double mutable state shared by all handlers of one double."""

    rng: random.Random
    clock: Any  # harness.double.clock.Clock: .now() -> epoch seconds
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)  # async jobs by id
    counter: int = 0
    settings: dict[str, Any] = field(default_factory=dict)  # e.g. job_seconds

    def next_id(self, prefix: str, length: int = 24, alphabet: Alphabet | None = None) -> str:
        """A realistic, deterministic id: `chatcmpl-…`, `msg_…`, `video_…`; letters and digits
        of both cases unless another `alphabet` is given."""
        self.counter += 1
        return prefix + (alphabet or ALPHANUMERIC).draw(self.rng, length)


class Alphabet:
    """The characters an id is drawn from, each equally likely, with one call into the
    generator per id (a call per character was the largest cost of an answer).

    Random bytes are mapped onto the alphabet with `bytes.translate`; the bytes past
    the last whole multiple of its size are dropped, since they would favour its first
    characters. The generator's state alone decides the result: a seed gives the same
    ids on every run and in every process.
    """

    def __init__(self, characters: str) -> None:
        codes = characters.encode("ascii")
        if not 1 < len(codes) <= 256:
            raise ValueError(f"an alphabet has 2 to 256 characters, not {len(codes)}")
        whole = 256 - 256 % len(codes)
        self.characters = characters
        self._table = bytes(codes[byte % len(codes)] for byte in range(256))
        self._dropped = bytes(range(whole, 256))

    def draw(self, rng: random.Random, length: int) -> str:
        drawn, short = b"", length
        while short > 0:
            size = short + short // 8 + 2  # spare bytes, so that a second draw is rare
            drawn += rng.getrandbits(8 * size).to_bytes(size, "little").translate(self._table, self._dropped)
            short = length - len(drawn)
        return drawn[:length].decode("ascii")

    def __repr__(self) -> str:
        return f"Alphabet({self.characters!r})"


ALPHANUMERIC = Alphabet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
LOWER_ALPHANUMERIC = Alphabet("abcdefghijklmnopqrstuvwxyz0123456789")


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str]  # path parameters of the matched route
    query: dict[str, str]
    headers: Headers
    body: bytes
    json: Any  # parsed JSON body, or None
    form: dict[str, Any] | None  # parsed multipart/urlencoded fields, or None
    state: State
    route: str = ""  # the matched route template, e.g. "POST /v1/videos"
    # (headers, lower-case name -> first value): made on the first look-up, as a route asks for
    # several headers; made again if `headers` is replaced.
    _by_name: tuple[Headers, dict[str, str]] | None = field(default=None, init=False, repr=False, compare=False)

    def header(self, name: str, default: str | None = None) -> str | None:
        indexed = self._by_name
        if indexed is None or indexed[0] is not self.headers:
            if type(self.headers) is not tuple:  # a list could change under an index: read it as it is
                return _first_value(self.headers, name.lower(), default)
            by_name: dict[str, str] = {}
            for key, value in self.headers:
                by_name.setdefault(key.lower(), value)
            indexed = self._by_name = (self.headers, by_name)
        return indexed[1].get(name.lower(), default)

    @property
    def fields(self) -> dict[str, Any]:
        """The request's fields, whether sent as JSON or as a form."""
        if isinstance(self.json, dict):
            return self.json
        return self.form or {}


@dataclass
class Reply:
    status: int = 200
    json: Any = None
    body: bytes | None = None  # raw body (e.g. MP4 bytes); wins over json
    headers: dict[str, str] = field(default_factory=dict)
    events: list[sse.Event] | None = None  # a streamed (text/event-stream) answer
    content_type: str | None = None  # defaults: application/json, or text/event-stream for events
    # Real-time behaviour, for faults that test an app's timeouts (not the virtual clock):
    delay: float = 0.0  # seconds before the first byte
    pauses: dict[int, float] = field(default_factory=dict)  # event index -> seconds to wait before it
    abort: bool = False  # drop the connection after the last event, without a clean end
    # The values drawn for this call alone (an id, the time), in the order drawn, each with the
    # `harness.double.replay.Draw` that drew it: an answer that names them can be replayed.
    drawn: tuple[tuple[Any, Any], ...] = ()


def _first_value(headers: Headers, name: str, default: str | None) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return default


Handler = Callable[[Call], Reply | Awaitable[Reply]]
ErrorEnvelope = Callable[..., Reply]  # (status, message, *, type=None, code=None, param=None) -> Reply
