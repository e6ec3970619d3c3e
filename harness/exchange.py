"""Exchange: one request and its response, as every layer sees it.

Doubles produce exchanges, faults transform them, cassettes store them,
checks and diffs read them, reports render them. There is no other record.

An answer the double gave is not always an answer the app got: a fault can
cut it, and a network fault between them can reset, hold or cut the
connection. `Exchange.delivery` says what reached the app (`DELIVERIES`), and
`Exchange.received` is what anything that counts answers reads.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Protocol, overload
from urllib.parse import parse_qsl, urlsplit

from harness import jsoncodec, sse
from harness.cached import cached_value

Headers = tuple[tuple[str, str], ...]

# What reached the app of an answer (`Exchange.delivery`); None: the exchange never went
# through a double (a cassette, a live call), so what was recorded is what was received.
DELIVERIES = {
    "whole": "the app received the whole answer",
    "cut": "the app received the start of the answer, then the connection ended",
    "reset": "the connection was reset before the whole answer reached the app",
    "timeout": "a network timeout held the answer back until the connection ended",
    "unsent": "none of the answer reached the app: the connection ended first",
    "unknown": "it went through a proxy that cannot say what it forwarded (a real Toxiproxy)",
}
# Counted as received: the whole answer, and answers nobody can say were lost.
RECEIVED = frozenset({"whole", "unknown"})


class _SupportsItems(Protocol):
    def items(self) -> Iterable[tuple[Any, Any]]: ...


def headers_from(items: _SupportsItems | Iterable[tuple[Any, Any]] | None) -> Headers:
    """Normalise a mapping, a list of pairs or a multi-valued mapping to pairs.
    Names and values may be anything `str()` makes text of; a value may be a list of them."""
    if not items:
        return ()
    pairs = items.items() if hasattr(items, "items") else items
    out: list[tuple[str, str]] = []
    for name, value in pairs:
        values = value if isinstance(value, (list, tuple)) else [value]
        out.extend((str(name), str(v)) for v in values)
    return tuple(out)


@dataclass(frozen=True)
class _Message:
    headers: Headers = ()
    body: bytes = b""

    def header(self, name: str, default: str | None = None) -> str | None:
        return self._first_values.get(name.lower(), default)

    @cached_value
    def _first_values(self) -> dict[str, str]:
        """Lower-case name -> its first value, made on the first lookup: a check reads
        several headers of each of thousands of exchanges."""
        return {key.lower(): value for key, value in reversed(self.headers)}  # the first one written last

    @cached_value
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    @cached_value
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @cached_value
    def json(self) -> Any:
        """The body parsed as JSON, or None when it is empty or not JSON."""
        if not self.body:
            return None
        try:
            return jsoncodec.loads(self.body)
        except ValueError:
            return None


@dataclass(frozen=True)
class Request(_Message):
    method: str = "GET"
    url: str = "/"

    @classmethod
    def _of(cls, headers: Headers, body: bytes, method: str, url: str) -> Request:
        """`Request(headers=..., body=..., method=..., url=...)` for a double, which makes one per
        call: the fields set straight into the record (a frozen dataclass's `__init__` sets each
        through `object.__setattr__`, the larger part of making one). Callers pass checked values."""
        made = object.__new__(cls)
        fields = made.__dict__
        fields["headers"], fields["body"], fields["method"], fields["url"] = headers, body, method, url
        return made

    @cached_value
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))


@dataclass(frozen=True)
class Response(_Message):
    status: int = 200

    @classmethod
    def _of(cls, headers: Headers, body: bytes, status: int) -> Response:
        """`Response(headers=..., body=..., status=...)` made as `Request._of` makes a request."""
        made = object.__new__(cls)
        fields = made.__dict__
        fields["headers"], fields["body"], fields["status"] = headers, body, status
        return made

    @property
    def is_stream(self) -> bool:
        return self.content_type == "text/event-stream"

    @cached_value
    def events(self) -> tuple[sse.Event, ...]:
        """SSE events of a streamed body; empty for any other body."""
        return tuple(sse.parse(self.text)) if self.is_stream else ()


@dataclass(frozen=True, slots=True)
class Exchange:
    request: Request
    response: Response | None = None  # None: the connection failed (see `error`)
    provider: str | None = None
    route: str | None = None  # the route template that served it, e.g. "POST /v1/videos/{id}"
    started: float = 0.0  # seconds since the epoch, on the clock that served it
    elapsed: float = 0.0  # seconds
    fault: str | None = None  # name of the fault applied, if any
    error: str | None = None  # what went wrong: no response, or an answer that did not reach the app
    source: str | None = None  # where it came from: a cassette file, a double
    delivery: str | None = None  # what reached the app: a key of DELIVERIES; None when not from a double
    delivered: int | None = None  # bytes of the body that reached the app, when known exactly and not whole
    peer: str | None = None  # "host:port" the double saw the request come from (None: in-process)

    @classmethod
    def _of(  # its parameters are _OF_FIELDS, in order
        cls,
        request: Request,
        response: Response | None,
        provider: str | None,
        route: str | None,
        started: float,
        elapsed: float,
        fault: str | None,
        error: str | None,
        source: str | None,
        delivery: str | None,
        delivered: int | None,
        peer: str | None,
    ) -> Exchange:
        """`Exchange(...)` from every field's value, in the order the class declares them, for a
        double that records one per call: each slot set by its own descriptor, without the
        frozen `__init__`'s keyword handling and `object.__setattr__` per field. One call per
        slot, written out: a loop over the setters cost twice as much as the calls it made."""
        made = object.__new__(cls)
        _SET_REQUEST(made, request)
        _SET_RESPONSE(made, response)
        _SET_PROVIDER(made, provider)
        _SET_ROUTE(made, route)
        _SET_STARTED(made, started)
        _SET_ELAPSED(made, elapsed)
        _SET_FAULT(made, fault)
        _SET_ERROR(made, error)
        _SET_SOURCE(made, source)
        _SET_DELIVERY(made, delivery)
        _SET_DELIVERED(made, delivered)
        _SET_PEER(made, peer)
        return made

    @property
    def status(self) -> int | None:
        return self.response.status if self.response else None

    @property
    def received(self) -> bool:
        """Did the app get the whole answer? Verdicts, counts and pictures read this, not `status`."""
        return self.response is not None and (self.delivery is None or self.delivery in RECEIVED)

    def with_(self, **changes: Any) -> Exchange:
        return replace(self, **changes)

    def describe(self) -> str:
        status = self.status if self.response else f"no response ({self.error})"
        return f"{self.request.method} {self.request.path} -> {status}{self.delivery_note()}"

    def delivery_note(self) -> str:
        """`""` for an answer the app received; else what happened to it, e.g. `" (reset: not received)"`."""
        if self.response is None or self.received:
            return ""
        if self.delivery == "cut" and self.delivered is not None:
            if self.response.is_stream:
                events = len(self.response.events)
                how_far = f"after {events} event{'s' if events != 1 else ''}"
            else:
                how_far = f"after {self.delivered} bytes"
            return f" (cut {how_far}: not received whole)"
        return f" ({self.delivery}: not received)"


# Each field's slot setter, by name (what `Exchange._of` sets); a field added to `Exchange`
# and not set there fails here, at import, not in a record that silently lacks it.
_OF_FIELDS = (
    *("request", "response", "provider", "route", "started", "elapsed"),
    *("fault", "error", "source", "delivery", "delivered", "peer"),
)
_SETTERS = {name: Exchange.__dict__[name].__set__ for name in Exchange.__dataclass_fields__}
(
    _SET_REQUEST,
    _SET_RESPONSE,
    _SET_PROVIDER,
    _SET_ROUTE,
    _SET_STARTED,
    _SET_ELAPSED,
    _SET_FAULT,
    _SET_ERROR,
    _SET_SOURCE,
    _SET_DELIVERY,
    _SET_DELIVERED,
    _SET_PEER,
) = [_SETTERS.pop(name) for name in _OF_FIELDS]
if _SETTERS:
    raise TypeError(f"Exchange._of does not set {sorted(_SETTERS)}")


def _journal_cap() -> int:
    from harness import limits  # lazily: the core imports no other module at load

    return limits.JOURNAL.value()


# A record made on first read: `[make, *fields]`, where `make(entry)` gives the Exchange from
# the fields, and the Exchange then takes `make`'s place, so every read gives the same one. A
# double records each answer this way: most are never read, and the few fields it keeps cost
# a fraction of building an `Exchange` and its `Response` per call.
Deferred = list


def made(entry: Exchange | Deferred) -> Exchange:
    """The Exchange a journal entry stands for, made (once) if it was deferred."""
    if isinstance(entry, Exchange):
        return entry
    exchange = entry[0]
    if type(exchange) is not Exchange:
        exchange = entry[0] = exchange(entry)
    return exchange


class Journal:
    """The exchanges that happened, in order. Safe to append from threads.

    A ring: past `cap` exchanges (the `journal` limit) the oldest go, and `dropped`
    counts them, so a double serving for days holds a bounded journal and says
    how much it no longer shows. `spill`, when given, receives every exchange as it
    is recorded (`JournalFile` writes them as JSON lines), so nothing the ring drops
    is lost to a run that wants it all."""

    def __init__(
        self,
        exchanges: Iterable[Exchange] = (),
        cap: int | None = None,
        spill: Callable[[Exchange], None] | None = None,
    ) -> None:
        self.cap = _journal_cap() if cap is None else cap
        self.spill = spill
        given = list(exchanges)
        # A deque with a length limit drops its oldest in O(1): a list's `del [:1]` moves every record.
        self._ring: deque[Exchange | Deferred] = deque(given, maxlen=self.cap)
        self.dropped = len(given) - len(self._ring)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Journal({len(self._ring)} exchanges, cap={self.cap}, dropped={self.dropped})"

    @property
    def exchanges(self) -> list[Exchange]:
        """The exchanges the ring holds, oldest first."""
        return list(self)

    def record(self, exchange: Exchange) -> Exchange:
        self.record_deferred(exchange)
        return exchange

    def record_deferred(self, entry: Exchange | Deferred) -> None:
        """Record an exchange, or a `Deferred` entry to be made into one when first read."""
        with self._lock:
            if len(self._ring) == self.cap:
                self.dropped += 1
            self._ring.append(entry)
            if self.spill is not None:
                self.spill(made(entry))

    def amend(self, recorded: Exchange | Deferred, exchange: Exchange) -> Exchange:
        """Put `exchange` where `recorded` is: what a double learnt after recording an answer
        (its last write failed, so the app never got it). A ring that already dropped
        `recorded` keeps nothing of it; a spill gets the corrected exchange as a line of its own."""
        with self._lock:
            for index in range(len(self._ring) - 1, -1, -1):  # it is near the end, if still held
                if self._ring[index] is recorded:
                    self._ring[index] = exchange
                    break
            if self.spill is not None:
                self.spill(exchange)
        return exchange

    def extend(self, exchanges: Iterable[Exchange]) -> None:
        for exchange in exchanges:
            self.record(exchange)

    def clear(self) -> None:
        with self._lock:
            self._ring.clear()
            self.dropped = 0

    @property
    def recorded(self) -> int:
        """How many exchanges were ever recorded, kept or dropped: a mark that stays true while
        the ring turns, where a length stops growing once the ring is full."""
        with self._lock:
            return self.dropped + len(self._ring)

    def since(self, mark: int) -> tuple[list[Exchange], int]:
        """The exchanges recorded after `recorded` was `mark`, as far as the ring still holds them
        (all it holds when the journal was cleared since), and the mark to ask with next time;
        both read at one moment, so an exchange is neither missed nor given twice."""
        with self._lock:
            held = len(self._ring)
            total = self.dropped + held
            new = held if total < mark else min(total - mark, held)
            return [made(entry) for entry in list(self._ring)[held - new :]] if new else [], total

    def __iter__(self) -> Iterator[Exchange]:
        with self._lock:
            return iter([made(entry) for entry in self._ring])

    def __len__(self) -> int:
        return len(self._ring)

    @overload
    def __getitem__(self, index: int) -> Exchange: ...
    @overload
    def __getitem__(self, index: slice) -> list[Exchange]: ...
    def __getitem__(self, index: int | slice) -> Exchange | list[Exchange]:
        with self._lock:
            if isinstance(index, slice):  # `journal[1:]`, as on the list it once was
                return [made(entry) for entry in list(self._ring)[index]]
            return made(self._ring[index])

    def filter(
        self,
        *,
        provider: str | None = None,
        method: str | None = None,
        path: str | None = None,
        route: str | None = None,
        since: float | None = None,
        until: float | None = None,
        where: Callable[[Exchange], bool] | None = None,
    ) -> list[Exchange]:
        """Exchanges matching every given criterion. `path` may end in `*`."""

        def keep(x: Exchange) -> bool:
            if provider is not None and x.provider != provider:
                return False
            if method is not None and x.request.method != method.upper():
                return False
            if path is not None:
                if path.endswith("*"):
                    if not x.request.path.startswith(path[:-1]):
                        return False
                elif x.request.path != path:
                    return False
            if route is not None and x.route != route:
                return False
            if since is not None and x.started < since:
                return False
            if until is not None and x.started >= until:
                return False
            return where(x) if where else True

        return [x for x in self if keep(x)]
