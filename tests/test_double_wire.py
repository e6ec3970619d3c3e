"""The double's exchange layer: the one-body answer sent in two writes, the same record as the
chunked way would make, records that never claim an answer the app did not get, and header
names converted once."""

from __future__ import annotations

import asyncio
import json
import pickle

import pytest

from harness.double import Double, wire
from harness.double.app import render_body
from harness.double.clock import VirtualClock
from harness.exchange import Exchange, Journal, Request, Response

CANARY = "sk-canary-5c1e0f"
BODY = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Héllo, wire?"}]}).encode()


def scope(path: str = "/v1/chat/completions", query: bytes = b"") -> dict:
    headers = [
        (b"host", b"127.0.0.1:8080"),
        (b"content-type", b"application/json"),
        (b"authorization", f"Bearer {CANARY}".encode()),
        (b"api-key", CANARY.encode()),
        (b"content-length", str(len(BODY)).encode()),
    ]
    return {
        "type": "http",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": headers,
        "client": ("127.0.0.1", 50123),
        "server": ("127.0.0.1", 8080),
        "scheme": "http",
    }


async def _quiet() -> dict:
    """A client that stays: `receive` after the body only returns on a disconnect, which never comes."""
    await asyncio.Event().wait()
    return {"type": "http.disconnect"}


def exchange_through(double: Double, request_scope: dict, fail_on: str | None = None) -> tuple[list[dict], Exchange]:
    """Run one request through `double`; `fail_on` is the message type whose `send` raises."""
    sent: list[dict] = []
    messages = [{"type": "http.request", "body": BODY, "more_body": False}]

    async def receive() -> dict:
        return messages.pop() if messages else await _quiet()

    async def send(message: dict) -> None:
        if message["type"] == fail_on:
            raise ConnectionResetError("the client closed the response")
        sent.append(message)

    asyncio.run(double(request_scope, receive, send))
    return sent, double.journal[-1]


class ChunkedOnly(Double):
    """A double that sends every answer the chunked way, watcher and all."""

    @staticmethod
    def _in_one_piece(reply):  # type: ignore[no-untyped-def]
        return False


@pytest.mark.parametrize("query", [b"", b"key=" + CANARY.encode() + b"&limit=2"])
def test_the_one_body_answer_is_recorded_as_the_chunked_way_records_it(query):
    fast, slow = Double("openai", seed=7, clock=VirtualClock()), ChunkedOnly("openai", seed=7, clock=VirtualClock())
    try:
        fast_sent, fast_exchange = exchange_through(fast, scope(query=query))
        slow_sent, slow_exchange = exchange_through(slow, scope(query=query))
    finally:
        fast.close()
        slow.close()
    assert fast_exchange.with_(elapsed=0.0) == slow_exchange.with_(elapsed=0.0)
    assert fast_exchange.delivery == "whole" and fast_exchange.received
    assert fast_exchange.status == (400 if query else 200)  # the query's a parameter chat does not take
    # Two writes, the second the last: no empty body message after the answer.
    assert [m["type"] for m in fast_sent] == ["http.response.start", "http.response.body"]
    assert fast_sent[1]["more_body"] is False and fast_sent[1]["body"] == fast_exchange.response.body
    assert fast_sent[0] == slow_sent[0]
    assert b"".join(m.get("body", b"") for m in slow_sent[1:]) == fast_sent[1]["body"]
    # The canary key is in no record, the URL's query included.
    record = repr(fast_exchange) + fast_exchange.request.url
    assert CANARY not in record
    assert fast_exchange.request.header("authorization") == "Bearer REDACTED"
    assert fast_exchange.request.header("api-key") == "REDACTED"
    if query:
        assert fast_exchange.request.query == {"key": "REDACTED", "limit": "2"}


def test_an_answer_whose_body_could_not_be_written_is_not_recorded_as_received():
    with Double("openai", seed=1) as double:
        sent, exchange = exchange_through(double, scope(), fail_on="http.response.body")
    assert [m["type"] for m in sent] == ["http.response.start"]
    assert (exchange.delivery, exchange.delivered, exchange.received) == ("cut", 0, False)
    assert exchange.status == 200 and exchange.response.body == b""
    assert exchange.error == "client disconnected: the client closed the response"


def test_an_answer_whose_head_could_not_be_written_is_unsent():
    with Double("openai", seed=1) as double:
        sent, exchange = exchange_through(double, scope(), fail_on="http.response.start")
    assert sent == []
    assert (exchange.delivery, exchange.delivered, exchange.received) == ("unsent", 0, False)


def test_the_head_names_are_lower_case_bytes_and_the_values_latin_1():
    with Double("openai", seed=1) as double:
        sent, exchange = exchange_through(double, scope())
    head = dict(sent[0]["headers"])
    assert head[b"content-type"] == b"application/json"
    assert head[b"x-request-id"] == exchange.response.header("x-request-id").encode()
    assert int(head[b"content-length"]) == len(exchange.response.body)
    assert all(name == name.lower() and isinstance(name, bytes) for name in head)
    assert [(k.decode(), v.decode("latin-1")) for k, v in sent[0]["headers"]] == list(exchange.response.headers)


def test_header_names_are_shared_between_records():
    with Double("openai", seed=1) as double, Double("openai", seed=2, journal=double.journal) as other:
        exchange_through(double, scope())
        exchange_through(other, scope())
        exchange_through(double, scope(path="/v1/models"))
        first, second, third = double.journal
    for (a, _), (b, _) in zip(first.request.headers, second.request.headers, strict=True):
        assert a is b
    for (a, _), (b, _) in zip(first.response.headers, second.response.headers, strict=True):
        assert a is b
    assert first.request.url == "http://127.0.0.1:8080/v1/chat/completions"
    assert first.request.url is second.request.url
    assert third.request.url == "http://127.0.0.1:8080/v1/models"


def test_the_name_tables_stop_growing_at_their_limit(monkeypatch):
    monkeypatch.setattr(wire, "_TEXT", {})
    monkeypatch.setattr(wire, "_BYTES", {})
    monkeypatch.setattr(wire, "_LOWER", {})
    many = [(f"X-Name-{i}".encode(), b"v") for i in range(wire.LIMIT + 50)]
    assert wire.request_headers(many)[-1] == (f"X-Name-{wire.LIMIT + 49}", "v")
    assert wire.response_headers([(f"X-Name-{i}", "é") for i in range(wire.LIMIT + 50)])[-1] == (
        f"x-name-{wire.LIMIT + 49}".encode(),
        "é".encode("latin-1"),
    )
    assert [wire.lower(f"X-Other-{i}") for i in range(wire.LIMIT + 50)][-1] == f"x-other-{wire.LIMIT + 49}"
    assert len(wire._TEXT) == len(wire._BYTES) == len(wire._LOWER) == wire.LIMIT


def test_render_body_writes_json_as_json_dumps_would():
    from harness.double.call import Reply

    value = {"text": "héllo ✓", "n": 1.5, "big": 10**20, "nan": float("nan"), "list": [None, True]}
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    assert render_body(Reply(json=value)) == expected


# -- the journal: amended records, compact records ---------------------------------------------------


def _exchange(path: str, delivery: str = "whole") -> Exchange:
    return Exchange(request=Request(url=f"http://h{path}"), response=Response(status=200), delivery=delivery)


def test_an_amended_record_takes_the_place_of_the_one_it_corrects():
    spilled: list[Exchange] = []
    journal = Journal(spill=spilled.append)
    first, second, third = (journal.record(_exchange(p)) for p in ("/a", "/b", "/c"))
    corrected = second.with_(delivery="cut", delivered=0)
    journal.amend(second, corrected)
    assert list(journal) == [first, corrected, third]
    assert spilled == [first, second, third, corrected]  # the file says it again, corrected


def test_amending_a_record_the_ring_dropped_changes_nothing_it_holds():
    journal = Journal(cap=2)
    gone = journal.record(_exchange("/a"))
    kept = [journal.record(_exchange(p)) for p in ("/b", "/c")]
    journal.amend(gone, gone.with_(delivery="cut"))
    assert list(journal) == kept and journal.dropped == 1


def test_a_deferred_record_is_made_once_on_first_read_and_spilled_at_once():
    made: list[Exchange] = []

    def make(path: str) -> Exchange:
        made.append(_exchange(path))
        return made[-1]

    journal = Journal()
    journal.record_deferred([make, "/a"])
    assert made == [] and len(journal) == 1  # nothing built until someone reads it
    assert journal[0] is next(iter(journal)) is journal.since(0)[0][0] is journal[:1][0] is made[0]
    assert len(made) == 1
    spilled: list[Exchange] = []
    spilling = Journal(spill=spilled.append)
    spilling.record_deferred([make, "/b"])
    assert spilled == [made[1]] and spilling[0] is made[1]  # a spill takes each as it comes


def test_a_replayed_answer_is_recorded_with_the_headers_it_sent_and_read_as_one_exchange():
    with Double("openai", seed=1) as double:
        for _ in range(3):  # the third is replayed: its record keeps header values until read
            sent, exchange = exchange_through(double, scope())
        assert len(double._plans) == 1  # so the third answer was a replay
        assert exchange is double.journal[-1] is list(double.journal)[-1]
    assert [(k.decode(), v.decode("latin-1")) for k, v in sent[0]["headers"]] == list(exchange.response.headers)
    assert exchange.response.body == sent[1]["body"] and exchange.peer == "127.0.0.1:50123"


def test_a_request_whose_headers_are_lists_is_answered_afresh_every_time():
    # ASGI allows [name, value] lists: such a request has no key to keep a plan under.
    listed = scope()
    listed["headers"] = [list(pair) for pair in listed["headers"]]
    with Double("openai", seed=1) as double, Double("openai", seed=1, replay=False) as afresh:
        for _ in range(4):
            sent, exchange = exchange_through(double, listed)
            want, expected = exchange_through(afresh, scope())
            assert sent == want and exchange.response == expected.response
        assert not double._plans and not double._seen


def test_an_answer_a_testbed_double_could_not_deliver_is_amended_in_both_journals():
    from harness.testbed import _SharedJournal

    testbed_journal = Journal()
    with Double("openai", seed=1, journal=_SharedJournal(testbed_journal)) as double:
        exchange_through(double, scope())
        _, exchange = exchange_through(double, scope(), fail_on="http.response.body")
    assert exchange.delivery == "cut" and list(testbed_journal) == list(double.journal)
    assert testbed_journal[-1] is exchange and testbed_journal[0] is double.journal[0]


def test_an_exchange_holds_no_dict_and_still_pickles():
    exchange = _exchange("/a").with_(peer="127.0.0.1:1", fault="gone")
    assert not hasattr(exchange, "__dict__")
    assert pickle.loads(pickle.dumps(exchange)) == exchange


def test_a_shared_reply_is_stamped_on_a_copy_each_time():
    import random

    from harness import providers
    from harness.double.app import stamp_request_id
    from harness.double.call import Reply, State

    openai_provider, anthropic = providers.get("openai"), providers.get("anthropic")
    state = State(rng=random.Random(3), clock=VirtualClock())
    shared = Reply(json={"ok": True}, headers={"x-canned": "yes"})
    first, second = (stamp_request_id(openai_provider, state, shared) for _ in range(2))
    assert shared.headers == {"x-canned": "yes"} and first is not shared
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert first.headers["x-canned"] == "yes" and first.json == shared.json
    given = Reply(headers={"x-request-id": "req_given"})
    assert stamp_request_id(openai_provider, state, given) is given
    # Anthropic's envelope names the id in its body too: body and header agree, the original untouched.
    error = anthropic.error(429, "slow down")
    assert error.json["request_id"] is None
    stamped = stamp_request_id(anthropic, state, error)
    assert stamped.json["request_id"] == stamped.headers["request-id"] and error.json["request_id"] is None


@pytest.mark.parametrize(
    "raw",
    [
        [],
        [(b"host", b"a")],
        [(b"host", b"a"), (b"Content-Type", b"text/plain"), (b"x-new-name-\xe9", b"caf\xe9")],
        [(b"host", bytearray(b"a")), (b"accept", b"*/*")],
        [[b"host", b"a"], [b"accept", b"*/*"]],
    ],
)
def test_header_conversion_with_names_known_or_new_gives_the_pair_by_pair_text(raw) -> None:
    def by_pair(pairs):
        return tuple((k.decode("latin-1"), bytes(v).decode("latin-1")) for k, v in pairs)

    for _ in range(2):  # the second time, every name is known
        assert wire.request_headers(raw) == by_pair(raw)
        assert wire.request_headers(iter(raw)) == by_pair(raw)
    text = list(by_pair(raw)) + [("X-Mixed", "é"), ("x-value-\u20ac", "\u20ac")]
    for _ in range(2):
        assert wire.response_headers(text) == [
            (k.lower().encode("latin-1", "replace"), v.encode("latin-1", "replace")) for k, v in text
        ]


def test_the_same_request_sent_again_is_redacted_again_and_shares_its_record_headers():
    with Double("openai", seed=1) as double, Double("azure_openai", seed=1, journal=double.journal) as other:
        exchange_through(double, scope())
        exchange_through(double, scope())
        exchange_through(other, scope())
        first, second, third = double.journal
    for exchange in (first, second, third):
        assert CANARY not in repr(exchange.request.headers)
        assert exchange.request.header("authorization") == "Bearer REDACTED"
    assert second.request.headers is first.request.headers  # one tuple for the repeated request
    # A double with other secret names redacts by its own (azure's `api-key` is one of both here).
    assert third.request.header("api-key") == "REDACTED"


def test_the_peer_is_one_str_per_client_address_whatever_the_server_gives():
    with Double("openai", seed=1) as double:
        exchange_through(double, scope())
        exchange_through(double, {**scope(), "client": ["::1", 50123]})
        exchange_through(double, {**scope(), "client": ("127.0.0.1", 50123)})
        first, ipv6, again = double.journal
    assert (first.peer, ipv6.peer) == ("127.0.0.1:50123", "[::1]:50123")
    assert again.peer is first.peer


@pytest.mark.parametrize("bits", [0, 5, 2**124 - 1, 2**127 + 3, 2**128 - 1])
def test_an_openai_request_id_is_32_zero_padded_hex_digits(bits) -> None:
    from harness.double.call import State
    from harness.providers.openai.errors import request_id

    class Drawn:
        def getrandbits(self, k: int) -> int:
            assert k == 128
            return bits

    state = State(rng=Drawn(), clock=None)  # type: ignore[arg-type]
    assert request_id(state) == f"req_{bits:032x}"
