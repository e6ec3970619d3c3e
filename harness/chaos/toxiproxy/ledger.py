"""What one proxied connection carried, kept so a journal can be told which
answers reached the app (`harness.chaos.toxiproxy.delivery`).

A proxy sees bytes, not HTTP, but an HTTP/1.1 client without pipelining
sends a request only after it has read the previous answer whole. So the
app's bytes that follow answer bytes start a new request, each request's
answer starts where the previous one's bytes ended, and only the last answer
on a connection can have gone missing. The ledger counts, per connection:

- `client`: the proxy's own address on the upstream side, which is the peer
  address the double records for each exchange (the key of the join);
- `received` bytes read from the upstream (the double's answers) and
  `forwarded` bytes written to the app;
- per request: whether any of it reached the upstream, where its answer
  starts in `received`, and the toxics that acted on it;
- how the connection ended (`end`): `open`, `closed` (a peer closed it),
  `reset` (a toxic reset it), `down` (the proxy went down or away), or the
  type of the toxic that closed it (`timeout`, `limit_data`).
"""

from __future__ import annotations

import time
from array import array
from dataclasses import dataclass, field
from typing import TypedDict

from harness.chaos.toxiproxy.toxic import ToxicSpec


class RequestRecord(TypedDict):
    reached: bool  # some of the request reached the upstream
    answer_from: int  # `received` when the request began: its answer's bytes come after
    toxics: dict[str, str]  # toxic name -> type, for each toxic that acted on it or its answer


class ConnectionRecord(TypedDict):
    """One connection as `GET /proxies/{proxy}/connections` shows it."""

    client: str  # host:port of the proxy's upstream socket: the peer the upstream sees
    opened: float  # the proxy's monotonic clock: orders connections that reused a port
    received: int  # bytes read from the upstream
    forwarded: int  # bytes written to the client
    end: str  # open, closed, reset, down, or the type of the toxic that closed it
    ended_by: str | None  # the name of the toxic that ended it, if one did
    requests: list[RequestRecord]


@dataclass
class Ledger:
    client: str
    opened: float = field(default_factory=time.monotonic)
    received: int = 0
    forwarded: int = 0
    end: str = "open"
    ended_by: str | None = None
    # Per request, in order. Arrays rather than an object per request: a keep-alive connection
    # may carry hundreds of thousands, and objects would cost memory and garbage-collector passes
    # that grow with the proxy's uptime.
    answers_from: array[int] = field(default_factory=lambda: array("q"))
    reached: bytearray = field(default_factory=bytearray)
    toxics: dict[int, dict[str, str]] = field(default_factory=dict)  # request index -> toxics that acted

    # -- the app's side (upstream link) ---------------------------------------------

    def request_read(self) -> None:
        """The app sent bytes: the start of a new request if answer bytes came since the last began."""
        if not self.answers_from or self.received > self.answers_from[-1]:
            self.answers_from.append(self.received)
            self.reached.append(0)

    def request_forwarded(self) -> None:
        if self.reached:
            self.reached[-1] = 1

    # -- the upstream's side (downstream link) -----------------------------------------

    def answer_read(self, count: int) -> None:
        self.received += count

    def answer_forwarded(self, count: int) -> None:
        self.forwarded += count

    # -- toxics ----------------------------------------------------------------------------

    def acted(self, spec: ToxicSpec) -> None:
        """`spec` changed the current request or its answer."""
        if self.answers_from:
            self.toxics.setdefault(len(self.answers_from) - 1, {})[spec.name] = spec.type

    @property
    def answer_pending(self) -> bool:
        """The current request reached the upstream and its answer has not all reached the app:
        ending the connection now changes what the app gets."""
        if not self.answers_from:
            return False
        got = self.received - self.answers_from[-1]
        return (self.reached[-1] == 1 and got == 0) or self.forwarded < self.received

    def ended(self, how: str, by: ToxicSpec | None = None) -> None:
        """The first cause of the end is the one kept."""
        if self.end != "open":
            return
        if by is not None and self.answer_pending:
            self.acted(by)
        self.end = how
        self.ended_by = by.name if by is not None else None

    def to_json(self) -> ConnectionRecord:
        return {
            "client": self.client,
            "opened": self.opened,
            "received": self.received,
            "forwarded": self.forwarded,
            "end": self.end,
            "ended_by": self.ended_by,
            "requests": [
                {"reached": bool(reached), "answer_from": start, "toxics": dict(self.toxics.get(index, {}))}
                for index, (start, reached) in enumerate(zip(self.answers_from, self.reached, strict=True))
            ],
        }
