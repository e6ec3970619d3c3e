"""Replay: a request the double has answered before, answered again from its rendered answer.

A load test, and many a test suite, sends the same request over and over. For most routes
the answer to it is fixed by the request (with the double's seed, catalogue and day) except
for a few values drawn per call: an id, the time. A handler says which by naming them on its
reply (`Reply.drawn`, each value with the `Draw` that made it). The second time the double
sees a request, it keeps the rendered answer with those values cut out (a `Plan`); from the
third time on it draws them anew, in the same order and from the same generator, puts them
back, and sends that, without routing, parsing, checking, handling or rendering again.

What is replayed is exactly what the handler would have answered:

- a plan is kept only after the double has watched the handler draw: the seeded generator,
  run from where it stood before the handler with only the named draws and the request id,
  must end where the handler left it, and give the same values (so the handler drew nothing
  it did not name, and a replay moves the generator as an answer would);
- each named value must appear once in the rendered answer, and nowhere in the handler's
  own headers: its position in the bytes is then unambiguous. A handler promises that its
  named values appear in the answer only as themselves;
- a plan holds while what the answer was made under holds: the same routes, provider, state,
  clock, checks, catalogue, seed and redacted names, and the same day on the double's clock
  (a model or an API whose shutdown date passes is refused at once). A double with hooks (a
  fault) answers every request afresh.

`Double(replay=False)` answers every request afresh; the bytes are the same either way.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from harness import jsoncodec
from harness.double import wire
from harness.double.call import ALPHANUMERIC, Alphabet, Call, Reply, State

if TYPE_CHECKING:
    from harness.exchange import Request

# How many plans a double keeps, and the largest body it keeps one for (a load test repeats
# a few small bodies; a long document is rarely sent twice).
PLANS_KEPT = 256
BODY_BYTES = 4096

# What an id may hold for its JSON to be itself in quotes: every draw writes the same bytes.
_PLAIN_ID = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


class Draw:
    """How a handler drew one per-call value, so that the double can draw the next one the same
    way: `draw.draw(state)` gives the value, `draw.json(value)` its JSON bytes."""

    __slots__ = ("draw", "json", "name", "timed")

    def __init__(self, name: str, draw: Callable[[State], Any], json: Callable[[Any], bytes], timed: bool) -> None:
        self.name, self.draw, self.json, self.timed = name, draw, json, timed

    def __repr__(self) -> str:
        return f"Draw({self.name})"

    # A draw is a fixed rule, compared by identity: a copied reply names the same one.
    def __copy__(self) -> Draw:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Draw:
        return self


def ident(prefix: str, length: int, alphabet: Alphabet | None = None) -> Draw:
    """An id from the double's seeded generator: `state.next_id(prefix, length, alphabet)`."""
    chosen = alphabet or ALPHANUMERIC
    characters = prefix + chosen.characters
    if not set(characters) <= _PLAIN_ID:
        raise ValueError(f"an id drawn for replay is letters, digits, '-', '_' and '.', not {characters!r}")

    def draw(state: State) -> str:
        # What `state.next_id` does, without its call (a replay draws an id on every answer).
        state.counter += 1
        return prefix + chosen.draw(state.rng, length)

    return Draw(
        f"{prefix}…×{length}",
        draw,
        lambda value: b'"%s"' % value.encode("ascii"),
        timed=False,
    )


# The double's clock in whole seconds, as `created` fields give it.
SECONDS = Draw("seconds", lambda state: int(state.clock.now()), lambda value: b"%d" % value, timed=True)


def request_key(scope: dict, body: bytes) -> tuple[Any, ...] | None:
    """What makes two requests the same request: everything the double reads of them. None
    for one not worth a plan (a large body). Unhashable when its headers are lists, not pairs:
    the look-up says so (it hashes the key once, and only once)."""
    if len(body) > BODY_BYTES:
        return None
    return (
        scope["method"],
        scope["path"],
        scope.get("raw_path"),
        scope.get("query_string"),
        scope.get("scheme"),
        scope.get("server"),
        tuple(scope.get("headers", ())),
        body,
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """A rendered answer with its drawn values cut out, and what it was made under."""

    parts: tuple[bytes, ...]  # the answer's bytes around the values, in the order they appear
    slots: tuple[int, ...]  # for each gap between parts, which draw fills it
    draws: tuple[Draw, ...]  # in the order the handler drew them
    status: int
    content_type: str
    headers: dict[str, str]  # the handler's own, without the request id
    call: Call  # for the provider's headers, as the first answer had it
    request: Request  # the journal's record of the request: the same for every replay
    made_under: tuple[Any, ...]  # see `Double._made_under`
    day: date  # the UTC day on the double's clock
    layout: Layout | None  # its headers as positions to fill; None: merged as for any answer
    # Epoch seconds well inside `day` (a second from either midnight): a request's time in
    # between is on that day without asking `catalogue.day_of` (which rounds as datetime does).
    opens: float = field(init=False)
    closes: float = field(init=False)

    def __post_init__(self) -> None:
        midnight = datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC).timestamp()
        object.__setattr__(self, "opens", midnight + 1.0)
        object.__setattr__(self, "closes", midnight + 86_399.0)

    def body(self, values: list[Any]) -> bytes:
        parts, draws = self.parts, self.draws
        out = [parts[0]]
        for index, slot in enumerate(self.slots):
            out.append(draws[slot].json(values[slot]))
            out.append(parts[index + 1])
        return b"".join(out)


class Layout:
    """A replayed answer's headers as positions: its content type, its length, the provider's
    own (the names it gave the first time, in its order), the handler's own, the request id.

    Kept only when no two of these share a name: filling the positions then gives what
    `Double._head`'s merge gives, without merging, and every value is encoded in one pass."""

    __slots__ = ("given", "length", "names", "provided", "raw", "sized")

    def __init__(self, provided: tuple[str, ...], names: tuple[str, ...], given: tuple[str, ...], length: int) -> None:
        self.provided, self.names, self.given = provided, names, given
        self.raw = tuple(wire.response_name(name) for name in names)
        self.length, self.sized = length, str(length)

    def head(
        self, provided: Mapping[str, object], media_type: str, payload: bytes, request_id: str
    ) -> tuple[tuple[str, ...], list[tuple[bytes, bytes]]] | None:
        """(the header values, in the order of `names`; ASGI's header pairs), or None when the
        provider named other headers this time, or gave a value that is not plain latin-1 text
        on one line. The record pairs the values with `names` only when it is read."""
        if tuple(provided) != self.provided:
            return None
        size = len(payload)
        values = (
            media_type,
            self.sized if size == self.length else str(size),
            *provided.values(),
            *self.given,
            request_id,
        )
        try:
            encoded = "\r".join(values).encode("latin-1").split(b"\r")  # type: ignore[arg-type]
        except (TypeError, UnicodeEncodeError):  # a value that is not text, or not latin-1
            return None
        if len(encoded) != len(values):  # a value with a line break: uvicorn turns it away as it would
            return None
        # Every value is text by now (join took them), one for each name: `provided` has the names
        # this layout was made with, and no value held a line break.
        # No `strict=`: a keyword argument costs zip a tenth of this function; the lengths are equal.
        return values, list(zip(self.raw, encoded))  # type: ignore[return-value]  # noqa: B905


def layout_of(
    provided: tuple[str, ...], given: Mapping[str, object], request_id_header: str, pairs: tuple[tuple[str, str], ...]
) -> Layout | None:
    """The layout of an answer whose merged headers are `pairs`, made from the provider's
    `provided` names, the handler's `given` headers (without the request id) and the request id."""
    names = tuple(name for name, _ in pairs)
    # The merge keeps one of each name: shared names leave fewer pairs than positions.
    if names != (
        "content-type",
        "content-length",
        *map(wire.lower, provided),
        *map(wire.lower, given),
        request_id_header,
    ):
        return None
    start = 2 + len(provided)
    values = tuple(value for _, value in pairs[start : start + len(given)])
    return Layout(provided, names, values, int(pairs[1][1]))


def snapshot(state: State) -> tuple[Any, int]:
    """Where the seeded generator and the id counter stand, before a handler that may get a plan."""
    return state.rng.getstate(), state.counter


def make_plan(
    before: tuple[Any, int],
    state: State,
    request_id: Callable[[State], str],
    reply: Reply,
    request_id_header: str,
    payload: bytes,
    content_type: str,
    call: Call,
    request: Request,
    made_under: tuple[Any, ...],
    day: date,
    provided: tuple[str, ...],
    pairs: tuple[tuple[str, str], ...],
) -> Plan | None:
    """A plan for `reply` (stamped with its request id, rendered as `payload`, sent with the
    header `pairs` merged from the provider's `provided` names and its own), or None when the
    answer cannot be shown to be its named draws around fixed bytes."""
    if not reply.drawn or reply.events is not None or reply.body is not None:
        return None
    if reply.delay or reply.pauses or reply.abort:
        return None
    draws = tuple(draw for draw, _ in reply.drawn)
    values = [value for _, value in reply.drawn]
    stamped = reply.headers.get(request_id_header)
    headers = {name: value for name, value in reply.headers.items() if name != request_id_header}
    if stamped is None or any(name.lower() == request_id_header for name in headers):
        return None
    if stamped.encode() in payload:  # an envelope that names its request id: drawn anew each time
        return None
    # Drawn again from where the generator stood: the same values, the same end state, so the
    # handler drew nothing it did not name.
    scratch = State(rng=random.Random(), clock=state.clock, counter=before[1], settings=state.settings)
    scratch.rng.setstate(before[0])
    again = [draw.draw(scratch) for draw in draws]
    if request_id(scratch) != stamped or scratch.counter != state.counter:
        return None
    if any(a != v for draw, a, v in zip(draws, again, values, strict=True) if not draw.timed):
        return None
    if scratch.rng.getstate() != state.rng.getstate():
        return None
    cut = _cut(payload, draws, values, headers)
    if cut is None:
        return None
    parts, slots = cut
    layout = layout_of(provided, headers, request_id_header, pairs)
    return Plan(parts, slots, draws, reply.status, content_type, headers, call, request, made_under, day, layout)


def _cut(
    payload: bytes, draws: tuple[Draw, ...], values: list[Any], headers: dict[str, str]
) -> tuple[tuple[bytes, ...], tuple[int, ...]] | None:
    """The payload's bytes around each value's JSON, when each is there exactly once."""
    found: list[tuple[int, int, int]] = []  # (start, end, draw)
    for index, (draw, value) in enumerate(zip(draws, values, strict=True)):
        written = draw.json(value)
        if written != jsoncodec.dumps(value) or payload.count(written) != 1:
            return None
        if any(str(value) in text for text in headers.values()):
            return None
        start = payload.index(written)
        found.append((start, start + len(written), index))
    found.sort()
    parts, slots, at = [], [], 0
    for start, end, index in found:
        if start < at:  # two values overlap
            return None
        parts.append(payload[at:start])
        slots.append(index)
        at = end
    parts.append(payload[at:])
    return tuple(parts), tuple(slots)
