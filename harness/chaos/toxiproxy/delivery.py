"""Which answers reached the app: a journal joined with what the proxies in
front of its doubles forwarded.

A double records the answer it gave; a network fault between it and the app
may reset, hold or cut that answer on its way. The embedded proxy keeps a
ledger per connection (`ledger.py`); the double records, per exchange, the
address the request came from, which is the proxy's side of that
connection. Joined:

    >>> exchanges = join(journal_exchanges, [Forwarded("openai", proxy_client.connections(name))])

each exchange that went through a proxy gets its `delivery` (see
`harness.exchange.DELIVERIES`) and the types of the network faults that
acted on it added to its `fault`. Only the last answer on a connection can
be undelivered (the app sent every later request after reading the earlier
answer whole); it is undelivered when the proxy did not forward all of it,
or none of it had come when the connection ended. A proxy that cannot say
(`records` None: a real Toxiproxy) makes its answers' delivery `unknown`.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from harness.chaos.toxiproxy.ledger import ConnectionRecord, RequestRecord
from harness.exchange import Exchange


@dataclass(frozen=True)
class Forwarded:
    """What one proxy in front of one provider's double forwarded."""

    provider: str
    records: list[ConnectionRecord] | None  # None: the proxy cannot say (a real Toxiproxy)


class ProxyLedger:
    """A proxy in front of a double, as the double keeps it (`Double.hops`): asked for its
    records while the proxy lives, and `keep()` takes them for good before it is destroyed."""

    def __init__(self, provider: str, fetch: Callable[[], list[ConnectionRecord] | None]) -> None:
        self.provider = provider
        self._fetch = fetch
        self._kept: Forwarded | None = None

    def keep(self) -> None:
        if self._kept is None:
            self._kept = Forwarded(self.provider, self._fetch())

    def forwarded(self) -> Forwarded:
        return self._kept if self._kept is not None else Forwarded(self.provider, self._fetch())


def join(exchanges: Iterable[Exchange], forwarded: Iterable[Forwarded]) -> list[Exchange]:
    """`exchanges`, in order, each told what of it reached the app (see the module's doc)."""
    slots: dict[tuple[str, str], deque[tuple[ConnectionRecord, int]]] = {}
    unknown: set[str] = set()
    records: list[tuple[str, ConnectionRecord]] = []
    for proxy in forwarded:
        if proxy.records is None:
            unknown.add(proxy.provider)
        else:
            records.extend((proxy.provider, record) for record in proxy.records)
    # A port may be reused by a later connection: the double's exchanges from one address
    # take that address's requests in the order the connections were opened.
    for provider, record in sorted(records, key=lambda pair: pair[1]["opened"]):
        slots.setdefault((provider, record["client"]), deque()).extend(
            (record, index) for index, request in enumerate(record["requests"]) if request["reached"]
        )
    joined = []
    for exchange in exchanges:
        waiting = slots.get((exchange.provider or "", exchange.peer or ""))
        if waiting:
            record, index = waiting.popleft()
            joined.append(_judged(exchange, record, index))
        elif exchange.peer is not None and exchange.provider in unknown and exchange.delivery in (None, "whole"):
            joined.append(exchange.with_(delivery="unknown"))
        else:
            joined.append(exchange)
    return joined


def _judged(exchange: Exchange, record: ConnectionRecord, index: int) -> Exchange:
    request = record["requests"][index]
    faults = [f for f in (exchange.fault or "").split(",") if f]
    faults += [kind for kind in dict.fromkeys(request["toxics"].values()) if kind not in faults]
    exchange = exchange.with_(fault=",".join(faults) or None)
    if index < len(record["requests"]) - 1:
        return exchange  # the app asked again on this connection: it had read this answer whole
    got, passed = _answer_bytes(record, request)
    if got > 0 and passed >= got:
        return exchange  # all the double sent went on to the app (the double may still say it cut it)
    kind = _kind(record, request, passed)
    return exchange.with_(
        delivery=kind,
        delivered=None,
        error=f"{_why(record)}: {passed:,} of the {got:,} bytes of this answer that reached the proxy went on to the app",
    )


def _answer_bytes(record: ConnectionRecord, request: RequestRecord) -> tuple[int, int]:
    """(bytes of the last answer the proxy read from the double, bytes of it written to the app)."""
    got = record["received"] - request["answer_from"]
    return got, min(max(record["forwarded"] - request["answer_from"], 0), got)


def _kind(record: ConnectionRecord, request: RequestRecord, passed: int) -> str:
    if record["end"] == "reset":
        return "reset"
    if record["end"] == "timeout" or "timeout" in request["toxics"].values():
        return "timeout"
    if record["end"] == "limit_data" or passed > 0:
        return "cut"
    return "unsent"


def _why(record: ConnectionRecord) -> str:
    by = f" by toxic {record['ended_by']}" if record["ended_by"] else ""
    return {
        "open": "still on its way when the journal was read",
        "closed": "the connection closed first",
        "down": "the proxy went down",
        "reset": f"the connection was reset{by}",
    }.get(record["end"], f"the connection was closed{by}")


def pending_at_end(record: ConnectionRecord) -> bool:
    """The connection ended while its last request's answer had not all reached the app."""
    if not record["requests"] or not record["requests"][-1]["reached"]:
        return False
    got, passed = _answer_bytes(record, record["requests"][-1])
    return got == 0 or passed < got


def acted(records: Iterable[ConnectionRecord]) -> Counter[str]:
    """Toxic name -> requests (calls) it acted on."""
    counts: Counter[str] = Counter()
    for record in records:
        for request in record["requests"]:
            counts.update(request["toxics"].keys())
    return counts


def acted_by_type(records: Iterable[ConnectionRecord]) -> Counter[str]:
    """Toxic type (the network fault's name) -> requests (calls) it acted on."""
    counts: Counter[str] = Counter()
    for record in records:
        for request in record["requests"]:
            counts.update(set(request["toxics"].values()))
    return counts


def dropped_by_down(records: Iterable[ConnectionRecord]) -> int:
    """Calls whose answer was lost because the proxy went down under them."""
    return sum(1 for record in records if record["end"] == "down" and pending_at_end(record))
