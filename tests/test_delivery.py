"""What reached the app: an exchange says whether the app received the answer
the double gave (`Exchange.delivery`, `.received`), and everything that counts
answers — verdicts, fallbacks, fault counts — counts only those.

Three sources: the double itself (an aborted stream, a client gone mid-answer),
the embedded Toxiproxy's ledger of each connection joined with the journal
(reset, timeout, limit_data between them), and nothing at all (a proxy that
cannot say: `unknown`)."""

from __future__ import annotations

import textwrap

# Imported here, not only inside the pytester run: modules first imported during an in-process
# run are taken out of sys.modules afterwards, and two copies of httpx's stack would meet.
import anthropic  # noqa: F401
import h11  # noqa: F401
import httpcore  # noqa: F401
import httpx
import openai
import pytest

from harness import tally
from harness.chaos import Injection, attach, make
from harness.chaos.scenario import Expectation
from harness.chaos.toxiproxy import EmbeddedToxiproxy
from harness.chaos.toxiproxy.client import ToxiproxyClient
from harness.chaos.toxiproxy.delivery import Forwarded, acted, acted_by_type, dropped_by_down, join
from harness.chaos.toxiproxy.scoped import ScopedToxiproxy
from harness.chaos.verdicts import Seen, served_by
from harness.double import Double
from harness.exchange import DELIVERIES, Deferred, Exchange, Request, Response
from harness.testbed import Testbed

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
AUTH = {"authorization": "Bearer sk-test"}


def expect(kind: str, value: object) -> Expectation:
    return Expectation(kind=kind, value=value, provider=None, route=None, steps=(), line=1, text=f"{kind}: {value}")


# -- the join, on records as the embedded proxy writes them ---------------------------------


def exchange(peer: str | None = "127.0.0.1:5000", provider: str = "openai", status: int = 200) -> Exchange:
    return Exchange(
        request=Request(method="POST", url="http://127.0.0.1/v1/chat/completions"),
        response=Response(status=status, body=b"{}"),
        provider=provider,
        source="double",
        delivery="whole",
        peer=peer,
    )


def request(answer_from: int, reached: bool = True, **toxics: str) -> dict:
    return {"reached": reached, "answer_from": answer_from, "toxics": dict(toxics)}


def record(requests: list, received: int, forwarded: int, end: str = "open", **more) -> dict:
    return {
        "client": "127.0.0.1:5000",
        "opened": 1.0,
        "received": received,
        "forwarded": forwarded,
        "end": end,
        "ended_by": None,
        "requests": requests,
        **more,
    }


def test_only_the_last_answer_on_a_connection_can_be_lost():
    # Two answers of 400 bytes; the second was reset after 100 of its bytes went on.
    ledger = record([request(0), request(400, reset_peer_0="reset_peer")], 800, 500, "reset", ended_by="reset_peer_0")
    first, second = join([exchange(), exchange()], [Forwarded("openai", [ledger])])
    assert (first.delivery, first.received, first.fault) == ("whole", True, None)
    assert (second.delivery, second.received, second.fault) == ("reset", False, "reset_peer")
    assert "reset by toxic reset_peer_0: 100 of the 400 bytes" in second.error
    assert second.describe() == "POST /v1/chat/completions -> 200 (reset: not received)"


def test_a_request_the_fault_kept_from_the_double_leaves_the_answer_before_it_whole():
    # reset_peer upstream: the app's second request was reset on its way; the first answer was read whole.
    ledger = record([request(0), request(400, reached=False, reset_peer_0="reset_peer")], 400, 400, "reset")
    (only,) = join([exchange()], [Forwarded("openai", [ledger])])
    assert only.received and only.delivery == "whole"
    assert acted([ledger]) == {"reset_peer_0": 1}  # it acted on a call, though no exchange shows it


@pytest.mark.parametrize(
    "end, toxics, received, forwarded, kind",
    [
        ("reset", {}, 400, 0, "reset"),
        ("closed", {"timeout_1": "timeout"}, 400, 0, "timeout"),  # the app gave up on a silent connection
        ("timeout", {"timeout_1": "timeout"}, 0, 0, "timeout"),  # closed by the toxic before any answer came
        ("limit_data", {}, 400, 120, "cut"),
        ("closed", {}, 400, 120, "cut"),
        ("down", {}, 400, 0, "unsent"),
        ("closed", {}, 0, 0, "unsent"),  # the double's answer had not come when the app hung up
    ],
)
def test_an_undelivered_last_answer_says_how_it_was_lost(end, toxics, received, forwarded, kind):
    ledger = record([request(0, **toxics)], received, forwarded, end)
    (lost,) = join([exchange()], [Forwarded("openai", [ledger])])
    assert (lost.delivery, lost.received) == (kind, False)
    assert kind in DELIVERIES


@pytest.mark.parametrize("end", ["open", "closed", "down", "reset", "timeout"])
def test_an_answer_the_proxy_forwarded_whole_was_received_however_the_connection_ended(end):
    ledger = record([request(0)], 400, 400, end)
    (whole,) = join([exchange()], [Forwarded("openai", [ledger])])
    assert whole.received and whole.delivery == "whole"
    assert dropped_by_down([ledger]) == 0


def test_a_reused_port_is_told_apart_by_the_order_connections_opened():
    later = record([request(0)], 400, 0, "reset", opened=2.0)
    earlier = record([request(0), request(400)], 800, 800, "closed", opened=1.0)
    joined = join([exchange(), exchange(), exchange()], [Forwarded("openai", [later, earlier])])
    assert [x.delivery for x in joined] == ["whole", "whole", "reset"]


def test_the_double_saying_it_cut_an_answer_is_kept_when_the_proxy_passed_all_it_got():
    cut = exchange().with_(delivery="cut", delivered=12, error="connection dropped by a fault")
    (kept,) = join([cut], [Forwarded("openai", [record([request(0)], 300, 300, "closed")])])
    assert (kept.delivery, kept.delivered, kept.received) == ("cut", 12, False)


def test_a_proxy_that_cannot_say_makes_its_answers_unknown_and_counted():
    over_tcp, in_process, elsewhere = exchange(), exchange(peer=None), exchange(provider="anthropic")
    joined = join([over_tcp, in_process, elsewhere], [Forwarded("openai", None)])
    assert [x.delivery for x in joined] == ["unknown", "whole", "whole"]
    assert all(x.received for x in joined)


def test_exchanges_that_did_not_go_through_the_proxy_are_untouched():
    direct = exchange(peer="127.0.0.1:6000")
    assert join([direct], [Forwarded("openai", [record([request(0)], 400, 0, "reset")])]) == [direct]


def test_cassette_and_live_exchanges_have_no_delivery_and_count_as_received():
    recorded = Exchange(request=Request(), response=Response(status=200))
    assert recorded.delivery is None and recorded.received and recorded.describe() == "GET / -> 200"


# -- verdicts and counts -----------------------------------------------------------------------


def test_an_answer_that_did_not_reach_the_app_did_not_serve():
    lost = exchange().with_(delivery="reset")
    fallback = exchange(provider="anthropic")
    ok, message, _ = served_by(expect("served_by", "anthropic"), Seen([lost, fallback], {}))
    assert ok, message
    assert "1× openai 200 reset, not received" in message
    assert tally.fallbacks([lost, fallback]) == ["openai -> anthropic"]


def test_a_return_to_the_primary_is_a_recovery_not_a_fallback():
    journal = [
        exchange(provider="anthropic", status=429),  # a blip on the fallback, long before
        exchange(provider="anthropic"),
        exchange(status=500),
        exchange(provider="anthropic"),  # the fallback
        exchange(),  # openai is back: a recovery
    ]
    assert tally.fallbacks(journal) == ["openai -> anthropic"]


# -- the double itself -------------------------------------------------------------------------


@pytest.fixture
def double():
    """A double as the pytest plugin makes them: `.url` serves it on first use."""
    with Testbed(seed=3) as bed:
        yield bed.double("openai")


def test_an_aborted_stream_is_a_cut_exchange_not_counted_as_served(double):
    attach(Injection(make("stream_cut", {"after_events": 2, "abort": True})), double)
    client = openai.OpenAI(api_key="sk-test", base_url=double.url + "/v1", max_retries=0)
    with pytest.raises(openai.APIConnectionError):
        list(client.chat.completions.create(stream=True, **CHAT))
    (cut,) = double.journal
    assert (cut.delivery, cut.received, cut.status) == ("cut", False, 200)
    assert len(cut.response.events) == 2 and cut.delivered == len(cut.response.body)
    assert cut.describe().endswith("(cut after 2 events: not received whole)")
    assert served_by(expect("served_by", None), Seen([cut], {}))[0]


def test_a_client_that_hangs_up_mid_stream_is_heard_and_its_exchange_is_cut(double):
    # The double pauses after the first event; the client reads it and leaves. uvicorn's `send`
    # would swallow the rest silently: the double hears the disconnect instead.
    attach(Injection(make("stream_stall", {"after_events": 1, "seconds": 0.2})), double)
    with httpx.Client(headers=AUTH) as http:
        body = {**CHAT, "stream": True}
        with http.stream("POST", double.url + "/v1/chat/completions", json=body) as response:
            next(response.iter_raw())
        exchanges = wait_for_journal(double)
    (cut,) = exchanges
    assert cut.delivery == "cut" and not cut.received and "client disconnected" in cut.error


def wait_for_journal(double: Double) -> list[Exchange]:
    """The journal once the double has recorded its answer (it does so as the answer ends)."""
    import threading

    done = threading.Event()
    recorded = double.journal.record_deferred

    def record_and_tell(entry: Exchange | Deferred) -> None:
        done.set()
        recorded(entry)

    double.journal.record_deferred = record_and_tell  # type: ignore[method-assign]
    if not len(double.journal):
        assert done.wait(10), "the double never recorded the exchange"
    return list(double.journal)


def test_the_double_records_the_address_a_request_came_from(double):
    with httpx.Client(headers=AUTH) as http:
        http.get(double.url + "/v1/models")
        local = http.get(double.url + "/v1/models")  # the same pooled connection
    in_process = double.client(max_retries=0)
    in_process.models.list()
    peers = [x.peer for x in double.journal]
    assert peers[0] == peers[1] and peers[0].startswith("127.0.0.1:") and peers[2] is None
    assert local.status_code == 200


# -- through the embedded Toxiproxy ------------------------------------------------------------


@pytest.fixture(scope="module")
def toxiproxy_url():
    with EmbeddedToxiproxy() as url:
        yield url


@pytest.fixture
def hop(toxiproxy_url, double):
    """A proxy in front of the double, as the `toxiproxy` fixture makes it; and a client through it."""
    with ScopedToxiproxy(toxiproxy_url) as scoped:
        proxy = scoped.hop(double)
        proxy.client = openai.OpenAI(api_key="sk-test", base_url=proxy.url + "/v1", max_retries=0, timeout=5)
        yield proxy
        proxy.client.close()


def delivered(double: Double) -> list[Exchange]:
    return join(double.journal, [h.forwarded() for h in double.hops])


def test_a_reset_on_the_way_back_makes_the_answer_undelivered(double, hop):
    hop.client.models.list()  # before the fault: whole, on a connection the next call reuses
    hop.add_toxic(type="reset_peer", stream="downstream")
    with pytest.raises(openai.APIConnectionError):
        hop.client.chat.completions.create(**CHAT)
    before, reset = delivered(double)
    assert (before.delivery, before.fault) == ("whole", None)
    assert (reset.delivery, reset.received, reset.fault, reset.status) == ("reset", False, "reset_peer", 200)
    assert acted_by_type(double.hops[0].forwarded().records) == {"reset_peer": 1}


def test_a_reset_on_the_way_there_leaves_the_answer_before_it_whole(double, hop):
    hop.client.models.list()
    hop.add_toxic(type="reset_peer", stream="upstream")
    with pytest.raises(openai.APIConnectionError):
        hop.client.chat.completions.create(**CHAT)  # reset before the double heard it
    (before,) = delivered(double)
    assert (before.delivery, before.route) == ("whole", "GET /v1/models")
    records = double.hops[0].forwarded().records
    assert [r["reached"] for r in records[0]["requests"]] == [True, False]
    assert acted_by_type(records) == {"reset_peer": 1}


def test_limit_data_cuts_the_answer_and_latency_only_delays_it(double, hop):
    hop.add_toxic(name="slow", type="latency", attributes={"latency": 20})
    hop.client.models.list()
    hop.add_toxic(name="short", type="limit_data", attributes={"bytes": 200})
    with pytest.raises(openai.APIConnectionError):
        hop.client.chat.completions.create(**CHAT)
    slow, cut = delivered(double)
    assert (slow.delivery, slow.fault) == ("whole", "latency")
    assert (cut.delivery, cut.received) == ("cut", False) and set(cut.fault.split(",")) == {"latency", "limit_data"}


def test_a_timeout_on_the_way_back_holds_the_answer(double, hop):
    hop.add_toxic(type="timeout", attributes={"timeout": 50})
    with pytest.raises(openai.APIConnectionError):
        hop.client.chat.completions.create(**CHAT)
    (held,) = delivered(double)
    assert (held.delivery, held.received) == ("timeout", False)


def test_a_toxic_on_a_proxy_no_call_went_through_acted_on_nothing(double, hop):
    hop.add_toxic(type="reset_peer", stream="downstream")
    double.client(max_retries=0).models.list()  # in-process: around the proxy
    assert acted(double.hops[0].forwarded().records) == {}
    assert [x.delivery for x in delivered(double)] == ["whole"]


def test_what_a_proxy_forwarded_is_kept_after_the_proxy_is_gone(toxiproxy_url, double):
    with ScopedToxiproxy(toxiproxy_url) as scoped:
        proxy = scoped.hop(double)
        proxy.add_toxic(type="reset_peer")
        with pytest.raises(httpx.TransportError):
            httpx.get(proxy.url + "/v1/models", headers=AUTH)
    assert proxy.name not in httpx.get(toxiproxy_url + "/proxies").json()  # destroyed
    assert [x.delivery for x in delivered(double)] == ["reset"]


def test_a_server_without_the_connections_path_cannot_say(double):
    client = ToxiproxyClient(double.url)  # it answers 404 there, as a real Toxiproxy does
    try:
        assert client.connections("openai") is None
    finally:
        client.close()


# -- the pytest summary --------------------------------------------------------------------------


def test_the_pytest_summary_counts_a_fallback_from_a_primary_reset_on_the_way_back(pytester):
    pytester.makepyfile(
        test_app=textwrap.dedent(
            """
            import openai

            def ask(primary, backup):
                try:
                    return primary.models.list()
                except openai.APIConnectionError:
                    return backup.models.list()

            def test_falls_back(toxiproxy, openai_double, anthropic_double):
                hop = toxiproxy.hop(openai_double)
                hop.add_toxic(type="reset_peer", stream="downstream")
                primary = openai.OpenAI(api_key="x", base_url=hop.url + "/v1", max_retries=0)
                ask(primary, anthropic_double.client(max_retries=0))
            """
        )
    )
    result = pytester.runpytest("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    text = result.stdout.str()
    assert "faults injected: 1 call acted on (reset_peer 1) in 1 test" in text
    assert "fallbacks observed: 1 test (openai -> anthropic 1)" in text
