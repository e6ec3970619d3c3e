"""The small pieces every layer shares: SSE framing, routes, header formats, Exchange."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import sse
from harness.exchange import Exchange, Journal, Request, Response, headers_from
from harness.headers import check_format, http_date, parse_http_date, parse_sf_date, sf_date
from harness.routes import Route, RouteSyntaxError

# -- SSE ----------------------------------------------------------------------


def test_sse_event_types_follow_each_providers_framing():
    text = (
        'event: message_start\ndata: {"type":"message_start"}\n\n'
        'data: {"object":"chat.completion.chunk","choices":[]}\n\n'
        ": keep-alive comment\n\n"
        'data: {"candidates":[]}\n\n'
        'data: {"error":{"message":"boom"}}\n\n'
        "data: [DONE]\n\n"
    )
    assert [e.type for e in sse.parse(text)] == ["message_start", "chat.completion.chunk", "message", "error", "[DONE]"]


def test_sse_payloads_that_are_not_json_are_remembered_short_and_few(monkeypatch):
    monkeypatch.setattr(sse, "_NOT_JSON", set())
    monkeypatch.setattr(sse, "_NOT_JSON_KEPT", 2)
    assert [sse.Event(data="[DONE]").json for _ in range(2)] == [None, None]
    assert {"[DONE]"} == sse._NOT_JSON
    assert sse.Event(data='{"a": 1}').json == {"a": 1}  # JSON is never remembered as not JSON
    assert sse.Event(data="x" * 65).json is None and sse.Event(data="later").json is None
    assert sse.Event(data="third").json is None
    assert {"[DONE]", "later"} == sse._NOT_JSON  # not the long one; no more than two


def test_a_header_given_twice_reads_as_its_first_value():
    response = Response(headers=(("X-Id", "first"), ("content-type", "text/plain"), ("x-id", "second")))
    assert response.header("x-id") == "first" and response.header("X-ID") == "first"
    assert response.content_type == "text/plain"


def test_sse_multiline_data_and_fields():
    (event,) = sse.parse("id: 7\nretry: 100\nevent: x\ndata: a\ndata: b\n")
    assert (event.id, event.retry, event.event, event.data) == ("7", 100, "x", "a\nb")


def test_sse_fields_end_with_their_event():
    text = "event: x\nid: 1\nretry: 5\ndata: a\n\n:comment\ndata:b\n\nid: 2\n\nretry: soon\ndata\n\n"
    assert sse.parse(text) == [
        sse.Event(data="a", event="x", id="1", retry=5),
        sse.Event(data="b"),  # no space after the colon: the value as it is
        sse.Event(data="", id="2"),  # an id alone is an event
        sse.Event(data=""),  # a retry that is not a number is ignored; a bare `data` is empty data
    ]


events = st.builds(
    sse.Event,
    data=st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs",), blacklist_characters="\r\n\x85\u2028\u2029\x0b\x0c\x1c\x1d\x1e"
        ),
        max_size=30,
    ).map(lambda s: s.strip() or "x"),
    event=st.one_of(st.none(), st.from_regex(r"[a-z_.]{1,12}", fullmatch=True)),
    id=st.one_of(st.none(), st.from_regex(r"[0-9]{1,4}", fullmatch=True)),
)


@given(st.lists(events, max_size=8))
def test_sse_frame_then_parse_round_trips(items):
    assert sse.parse(sse.frame_all(items).decode()) == items


# -- routes -------------------------------------------------------------------


def test_route_parameters_and_wildcards():
    assert Route.parse("GET /v1/videos/{video_id}").match("GET", "/v1/videos/v1") == {"video_id": "v1"}
    assert Route.parse("GET /v1/videos/{video_id}").match("POST", "/v1/videos/v1") is None
    assert Route.parse("GET /v1/videos/{video_id}").match("GET", "/v1/videos/a/b") is None
    assert Route.parse("/v1beta/{name:path}").match("GET", "/v1beta/models/m/operations/o") == {
        "name": "models/m/operations/o"
    }
    assert Route.parse("/v1beta/models/{model}:generateContent").match(
        "POST", "/v1beta/models/gemini-2.5-flash:generateContent"
    ) == {"model": "gemini-2.5-flash"}
    assert Route.parse("/v1/chat/*").match("POST", "/v1/chat/completions") == {}


@pytest.mark.parametrize("bad", ["v1/x", "/a/{b", "/a/*/b", "FETCH /x", "/a/{x}/{x}", "/a/}"])
def test_bad_routes_say_why(bad):
    with pytest.raises(RouteSyntaxError):
        Route.parse(bad)


@given(st.lists(st.from_regex(r"[a-z0-9_.-]{1,8}", fullmatch=True), min_size=1, max_size=5))
def test_a_literal_route_matches_exactly_its_own_path(segments):
    path = "/" + "/".join(segments)
    route = Route.parse(f"GET {path}")
    assert route.match("GET", path) == {}
    assert route.match("GET", path + "/more") is None


# -- header formats -------------------------------------------------------------


@given(st.integers(0, 4_000_000_000))
def test_dates_we_write_are_dates_we_accept(epoch):
    assert parse_sf_date(sf_date(epoch)) == epoch
    assert parse_http_date(http_date(epoch)) == epoch
    assert check_format("deprecation", sf_date(epoch)) is None
    assert check_format("sunset", http_date(epoch)) is None


def test_known_bad_header_values():
    assert check_format("deprecation", "true")
    assert check_format("retry-after", "soon")
    assert check_format("retry-after", "3") is None
    assert check_format("x-ratelimit-reset-requests", "6m0s") is None
    assert check_format("x-ratelimit-reset-requests", "six") is not None
    assert check_format("anthropic-ratelimit-requests-reset", "2026-11-21T10:00:00Z") is None
    assert check_format("x-unknown", "anything") is None


def test_header_formats_follow_the_registry_after_a_lookup():
    """The providers' formats are looked up once per state of the registry: a provider
    registered after a lookup is asked from then on, and forgotten when it goes."""
    from dataclasses import replace

    from harness import providers
    from harness.headers import integer

    assert check_format("x-toy-count", "many") is None  # nobody's header yet: the answer is kept
    providers.register(replace(providers.get("openai"), name="toyfmt", header_formats={"X-Toy-Count": integer}))
    try:
        assert check_format("X-TOY-COUNT", "many") is None  # a provider's names are lower-case
        providers.register(replace(providers.get("toyfmt"), header_formats={"x-toy-count": integer}))
        assert check_format("X-Toy-Count", "many") == "a non-negative integer"
        assert check_format("x-toy-count", "12") is None
    finally:
        providers.unregister("toyfmt")
    assert check_format("x-toy-count", "many") is None


# -- Exchange and Journal ---------------------------------------------------------


def test_exchange_reads_headers_case_insensitively_and_parses_bodies():
    response = Response(
        status=200,
        headers=headers_from({"Content-Type": "text/event-stream; charset=utf-8"}),
        body=b'data: {"a": 1}\n\n',
    )
    x = Exchange(Request(method="GET", url="https://api.openai.com/v1/x?limit=2"), response, provider="openai")
    assert response.header("content-type").startswith("text/event-stream")
    assert response.is_stream and response.events[0].json == {"a": 1}
    assert x.request.path == "/v1/x" and x.request.query == {"limit": "2"}
    assert x.describe() == "GET /v1/x -> 200"
    assert headers_from({"set-cookie": ["a", "b"]}) == (("set-cookie", "a"), ("set-cookie", "b"))


def test_journal_filters():
    journal = Journal()
    for i, (provider, path) in enumerate(
        [("openai", "/v1/chat/completions"), ("anthropic", "/v1/messages"), ("openai", "/v1/videos")]
    ):
        journal.record(Exchange(Request(method="POST", url=path), Response(), provider=provider, started=i))
    assert len(journal.filter(provider="openai")) == 2
    assert len(journal.filter(path="/v1/chat/*")) == 1
    assert [x.started for x in journal.filter(since=1, until=2)] == [1]
    assert len(journal.filter(method="get")) == 0
