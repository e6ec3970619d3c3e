"""The Anthropic double: its handlers on their own, then through the official
SDK (in-process and over real HTTP), and its journal against the baseline contract."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import anthropic
import calls
import httpx2
import pytest
from anthropic.types import TextBlock

from harness import chaos, contracts
from harness.double import Double, VirtualClock
from harness.double.call import Call, Reply, State
from harness.headers import check_format
from harness.providers import anthropic as provider

pytestmark = pytest.mark.filterwarnings("error")  # typed objects must build without a warning

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts" / "providers" / "anthropic"
MODEL = "claude-haiku-4-5"  # an alias, as apps write it; not on the SDK's deprecated list


def make_state(seed: int = 0) -> State:
    return State(rng=random.Random(seed), clock=VirtualClock())


def make_call(state: State, method: str, path: str, *, route: str = "", **options: Any) -> Call:
    return calls.make_call(state, method, path, route=route or f"{method} {path}", **options)


def answered(handler: Callable[[Call], Reply], call: Call) -> Reply:
    return calls.answered(provider.PROVIDER, handler, call)


def ask(text: str = "What is the capital of France?", **fields: Any) -> dict[str, Any]:
    return {"model": MODEL, "max_tokens": 256, "messages": [{"role": "user", "content": text}], **fields}


def post_message(state: State, body: Any) -> Reply:
    return answered(provider.create_message, make_call(state, "POST", "/v1/messages", body=body))


# -- handlers on their own ------------------------------------------------------


def test_message_has_the_sdk_shape_and_quotes_the_prompt():
    reply = post_message(make_state(), ask("Name three rivers in Europe"))
    message = reply.json
    assert reply.status == 200
    assert message["id"].startswith("msg_01") and message["type"] == "message"
    assert message["role"] == "assistant" and message["model"] == MODEL
    assert message["content"][0]["type"] == "text"
    assert "Name three rivers in Europe" in message["content"][0]["text"]
    assert message["stop_reason"] == "end_turn" and message["stop_sequence"] is None
    usage = message["usage"]
    assert usage["input_tokens"] > 0 and usage["output_tokens"] > 0
    assert usage["cache_creation_input_tokens"] == usage["cache_read_input_tokens"] == 0


def test_same_seed_gives_the_same_answer_and_ids():
    first, again = (post_message(make_state(seed=3), ask()).json for _ in range(2))
    other = post_message(make_state(seed=4), ask()).json
    assert first == again
    assert other["id"] != first["id"]


@pytest.mark.parametrize("field", ["model", "max_tokens", "messages"])
def test_a_missing_required_field_is_an_invalid_request_error(field):
    body = ask()
    del body[field]
    reply = post_message(make_state(), body)
    assert reply.status == 400
    assert reply.json["type"] == "error"
    assert reply.json["error"] == {"type": "invalid_request_error", "message": f"{field}: Field required"}
    # The body names the same request id as the header, as the API does.
    assert reply.json["request_id"].startswith("req_")
    assert reply.headers["request-id"] == reply.json["request_id"]


@pytest.mark.parametrize(
    "body, message",
    [
        (ask(messages=[]), "messages: at least one message is required"),
        (ask(max_tokens=0), "max_tokens: Input should be greater than or equal to 1"),
        (ask(max_tokens="many"), "max_tokens: Input should be a valid integer"),
        (ask(messages=[{"role": "system", "content": "x"}]), "messages.0.role: Input should be 'user' or 'assistant'"),
        (["not", "an", "object"], "Request body must be a JSON object"),
    ],
)
def test_malformed_requests_say_what_is_wrong(body, message):
    reply = post_message(make_state(), body)
    assert (reply.status, reply.json["error"]["message"]) == (400, message)


def test_an_unknown_model_is_a_not_found_error():
    reply = post_message(make_state(), ask(model="claude-imaginary-9"))
    assert reply.status == 404
    assert reply.json["error"] == {"type": "not_found_error", "message": "model: claude-imaginary-9"}


def test_max_tokens_above_the_models_limit_is_rejected():
    reply = post_message(make_state(), ask(max_tokens=1_000_000))
    assert reply.status == 400 and "maximum allowed number of output tokens" in reply.json["error"]["message"]


def test_max_tokens_cuts_the_answer_short():
    message = post_message(make_state(), ask(max_tokens=4)).json
    assert message["stop_reason"] == "max_tokens"
    assert message["usage"]["output_tokens"] == 4
    assert message["content"][0]["text"] == "You asked:"


def test_a_stop_sequence_ends_the_answer_before_it():
    message = post_message(make_state(), ask("tell me about PARIS today", stop_sequences=["PARIS"])).json
    assert message["stop_reason"] == "stop_sequence" and message["stop_sequence"] == "PARIS"
    assert message["content"][0]["text"] == "You asked: \u201ctell me about "


def test_a_stream_sends_the_events_in_the_api_order_and_the_same_answer():
    plain = post_message(make_state(seed=5), ask()).json
    events = post_message(make_state(seed=5), ask(stream=True)).events
    kinds = [e.event for e in events]
    assert kinds[:3] == ["message_start", "content_block_start", "ping"]
    assert kinds[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert set(kinds[3:-3]) == {"content_block_delta"}
    assert all(e.json["type"] == e.event for e in events)
    start = events[0].json["message"]
    assert start["content"] == [] and start["stop_reason"] is None and start["id"] == plain["id"]
    text = "".join(e.json["delta"]["text"] for e in events if e.event == "content_block_delta")
    assert text == plain["content"][0]["text"]
    delta = events[-2].json
    assert delta["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}
    assert delta["usage"]["output_tokens"] == plain["usage"]["output_tokens"]


@pytest.mark.parametrize(
    "status, kind",
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (402, "billing_error"),
        (403, "permission_error"),
        (404, "not_found_error"),
        (413, "invalid_request_error"),  # the docs say request_too_large; anthropic 2.15 cannot parse it
        (429, "rate_limit_error"),
        (500, "api_error"),
        (504, "timeout_error"),
        (529, "overloaded_error"),
        (409, "invalid_request_error"),
        (503, "api_error"),  # unlisted: by class
    ],
)
def test_the_envelope_picks_the_error_type_for_a_status(status, kind):
    reply = provider.error(status, "boom")
    assert reply.status == status
    assert reply.json["type"] == "error" and reply.json["error"] == {"type": kind, "message": "boom"}


def test_an_explicit_error_type_wins():
    assert provider.error(400, "x", type="billing_error").json["error"]["type"] == "billing_error"


def list_models(state: State, **query: str) -> Reply:
    return answered(provider.list_models, make_call(state, "GET", "/v1/models", query=query))


def test_models_list_pages_through_the_whole_catalogue():
    state, seen, query = make_state(), [], {"limit": "2"}
    while True:
        page = list_models(state, **query).json
        assert [m["type"] for m in page["data"]] == ["model"] * len(page["data"])
        assert (page["first_id"], page["last_id"]) == (page["data"][0]["id"], page["data"][-1]["id"])
        seen += [m["id"] for m in page["data"]]
        if not page["has_more"]:
            break
        query = {"limit": "2", "after_id": page["last_id"]}
    assert seen == listed_ids()


def listed_ids() -> list[str]:
    """What the list shows by default on a VirtualClock's first day: the catalogue's active and deprecated models."""
    return [m.id for m in provider.known_models().listed(date(2026, 1, 1)) if m.family == "chat"]


def test_models_list_before_id_gives_the_page_just_before():
    ids = listed_ids()
    page = list_models(make_state(), before_id=ids[4], limit="2").json
    assert [m["id"] for m in page["data"]] == ids[2:4] and page["has_more"]


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "1001"}, {"after_id": "claude-0"}])
def test_models_list_rejects_bad_paging(query):
    assert list_models(make_state(), **query).status == 400


def test_a_model_is_found_by_id_or_alias_and_unknown_ids_are_not():
    def get(model_id: str) -> Reply:
        return answered(
            provider.get_model,
            make_call(
                make_state(),
                "GET",
                f"/v1/models/{model_id}",
                params={"model_id": model_id},
                route="GET /v1/models/{model_id}",
            ),
        )

    card = get("claude-haiku-4-5").json
    assert card["id"] == "claude-haiku-4-5-20251001" and card["display_name"] == "Claude Haiku 4.5"
    assert datetime.fromisoformat(card["created_at"].replace("Z", "+00:00"))
    assert get("claude-0").json["error"]["type"] == "not_found_error"


def test_rate_limit_headers_are_well_formed_and_reset_after_now():
    state = make_state()
    headers = provider.ratelimit_headers(make_call(state, "POST", "/v1/messages", body=ask()))
    kinds = ("requests", "tokens", "input-tokens", "output-tokens")
    fields = ("limit", "remaining", "reset")
    assert set(headers) == {f"anthropic-ratelimit-{k}-{f}" for k in kinds for f in fields}
    assert all(check_format(name, value) is None for name, value in headers.items())
    assert headers["anthropic-ratelimit-output-tokens-remaining"] == str(400_000 - 256)
    reset = datetime.fromisoformat(headers["anthropic-ratelimit-requests-reset"].replace("Z", "+00:00"))
    assert reset.timestamp() >= state.clock.now()


# -- bad days (the provider's Failures, used by the chaos layer) ----------------


def test_an_outage_is_529_overloaded():
    failures = provider.PROVIDER.failures
    reply = provider.error(failures.outage_status, failures.outage_message)
    assert reply.status == 529
    assert reply.json["error"] == {"type": "overloaded_error", "message": "Overloaded"}


def test_rate_limited_sends_retry_after_and_spent_budgets():
    state = make_state()
    reply = provider.rate_limited(make_call(state, "POST", "/v1/messages", body=ask()), 2.5, False)
    assert reply.status == 429 and reply.json["error"]["type"] == "rate_limit_error"
    assert reply.headers["retry-after"] == "3"
    assert reply.headers["anthropic-ratelimit-requests-remaining"] == "0"
    assert all(check_format(name, value) is None for name, value in reply.headers.items())


def test_an_exhausted_spend_limit_is_a_400_that_names_when_access_returns():
    reply = provider.rate_limited(make_call(make_state(), "POST", "/v1/messages", body=ask()), 1, True)
    assert reply.status == 400 and reply.json["error"]["type"] == "invalid_request_error"
    assert "regain access on 2026-02-01" in reply.json["error"]["message"]


def test_a_retired_model_is_not_found_and_marked_in_the_models_list():
    state = make_state()
    gone = provider.model_retired(make_call(state, "POST", "/v1/messages", body=ask()), MODEL)
    assert gone.status == 404 and gone.json["error"]["type"] == "not_found_error"
    listed = provider.mark_retired(
        make_call(state, "GET", "/v1/models"), list_models(state), "claude-opus-4-8", "2026-06-30"
    )
    entry = listed.json["data"][0]
    assert entry["lifecycle"] == "deprecated" and entry["retires_at"] == "2026-06-30T00:00:00Z"
    state.clock.advance(days=200)
    later = provider.mark_retired(
        make_call(state, "GET", "/v1/models"), list_models(state), "claude-opus-4-8", "2026-06-30"
    )
    assert later.json["data"][0]["lifecycle"] == "retired"
    assert later.json["data"][1]["lifecycle"] == "active"


def test_a_refusal_is_stop_reason_refusal_in_a_message_and_in_a_stream():
    state = make_state()
    call = make_call(state, "POST", "/v1/messages", body=ask())
    refused = provider.refusal(call, post_message(state, ask()), None).json
    assert refused["stop_reason"] == "refusal" and refused["content"] == []
    assert refused["stop_details"]["category"] == "general_harms"
    streamed = provider.refusal(call, post_message(state, ask(stream=True)), "cyber").events
    assert "content_block_delta" not in [e.event for e in streamed]
    assert streamed[-2].json["delta"]["stop_reason"] == "refusal"
    assert streamed[-2].json["delta"]["stop_details"]["category"] == "cyber"
    assert streamed[-1].event == "message_stop"


# -- through the official SDK ----------------------------------------------------


@pytest.fixture
def double() -> Iterator[Double]:
    with Double("anthropic", seed=7, clock=VirtualClock()) as made:
        yield made


@pytest.fixture(params=["in-process", "http"])
def client(request, double) -> Iterator[anthropic.Anthropic]:
    """The same client code, once on the in-process httpx2 transport, once over real HTTP."""
    if request.param == "in-process":
        http = httpx2.Client(transport=double.transport("httpx2"))
        with anthropic.Anthropic(
            api_key="test", base_url="https://api.anthropic.com", http_client=http, max_retries=0
        ) as made:
            yield made
    else:
        with double.serve() as url, anthropic.Anthropic(api_key="test", base_url=url, max_retries=0) as made:
            yield made


def test_sdk_creates_a_typed_message(client):
    message = client.messages.create(model=MODEL, max_tokens=128, messages=[{"role": "user", "content": "Say hello"}])
    assert isinstance(message.content[0], TextBlock) and "Say hello" in message.content[0].text
    assert message.stop_reason == "end_turn" and message.usage.output_tokens > 0
    assert message.usage.cache_creation.ephemeral_5m_input_tokens == 0
    assert message._request_id.startswith("req_")


def test_sdk_streams_raw_events(client):
    stream = client.messages.create(
        model=MODEL, max_tokens=128, stream=True, messages=[{"role": "user", "content": "Say hello"}]
    )
    kinds = [event.type for event in stream]
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    assert "ping" not in kinds  # the SDK drops pings
    assert "content_block_delta" in kinds


def test_sdk_message_stream_helper_builds_the_final_message(client):
    with client.messages.stream(
        model=MODEL, max_tokens=128, messages=[{"role": "user", "content": "Say hello"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert final.content[0].text == text and "Say hello" in text
    assert final.stop_reason == "end_turn" and final.usage.output_tokens > 0


def test_sdk_lists_models_across_pages(client):
    models = list(client.models.list(limit=3))
    assert [m.id for m in models] == listed_ids()
    assert all(m.type == "model" and m.lifecycle in ("active", "deprecated") for m in models)
    assert models[0].lifecycle == "active" and models[0].created_at.year >= 2025
    assert client.models.retrieve("claude-sonnet-5").display_name == "Claude Sonnet 5"


def test_sdk_raises_bad_request_for_a_missing_max_tokens(client):
    with pytest.raises(anthropic.BadRequestError) as caught:
        # `omit` leaves the field out of the body; a timeout skips the SDK's own max_tokens check.
        client.messages.create(
            model=MODEL, max_tokens=anthropic.omit, timeout=30, messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.status_code == 400
    assert caught.value.body["error"]["message"] == "max_tokens: Field required"
    assert caught.value.request_id == caught.value.body["request_id"]


def test_sdk_raises_not_found_for_an_unknown_model(client):
    with pytest.raises(anthropic.NotFoundError) as caught:
        client.messages.create(model="claude-imaginary-9", max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    assert caught.value.body["error"]["type"] == "not_found_error"


def outage(call: Call) -> Reply:
    failures = provider.PROVIDER.failures
    return provider.error(failures.outage_status, failures.outage_message)


@dataclass
class Answering:
    """A minimal fault for the double's hook: answer every call with `reply(call)`."""

    reply: Callable[[Call], Reply]
    name: str = "answering"

    def before(self, call: Call) -> Reply:
        return self.reply(call)


def test_sdk_sees_a_529_as_overloaded_and_a_429_as_rate_limited(double, client):
    double.hooks.append(Answering(outage))
    with pytest.raises(anthropic.OverloadedError):
        client.messages.create(model=MODEL, max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    double.hooks[:] = [Answering(lambda call: provider.rate_limited(call, 1.0, False))]
    with pytest.raises(anthropic.RateLimitError) as caught:
        client.messages.create(model=MODEL, max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    assert caught.value.response.headers["retry-after"] == "1"


def test_sdk_sees_a_refusal_as_a_typed_stop_reason(double, client):
    double.hooks.append(
        type(
            "Refusing",
            (),
            {"name": "refusal", "after": staticmethod(lambda call, reply: provider.refusal(call, reply, "bio"))},
        )()
    )
    message = client.messages.create(model=MODEL, max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    assert message.stop_reason == "refusal" and message.stop_details.category == "bio"


async def _async_round_trip(double: Double) -> tuple[str, str]:
    http = httpx2.AsyncClient(transport=double.async_transport("httpx2"))
    async with anthropic.AsyncAnthropic(
        api_key="test", base_url="https://api.anthropic.com", http_client=http, max_retries=0
    ) as client:
        message = await client.messages.create(
            model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "async hello"}]
        )
        async with client.messages.stream(
            model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "async hello"}]
        ) as stream:
            final = await stream.get_final_message()
    return message.content[0].text, final.content[0].text


def test_async_sdk_works_on_the_async_transport(double):
    import asyncio

    plain, streamed = asyncio.run(_async_round_trip(double))
    assert "async hello" in plain and "async hello" in streamed


# -- the chaos layer's faults, acting through this provider ---------------------


@pytest.mark.parametrize(
    "fault, error",
    [
        ("outage", anthropic.OverloadedError),
        ("rate_limit", anthropic.RateLimitError),
        ("model_retired", anthropic.NotFoundError),
    ],
)
def test_chaos_http_faults_reach_the_sdk_as_its_own_errors(double, client, fault, error):
    chaos.attach(chaos.Injection(chaos.make(fault)), double)
    with pytest.raises(error):
        client.messages.create(model=MODEL, max_tokens=16, messages=[{"role": "user", "content": "hi"}])


def test_chaos_refusal_in_a_streamed_message(double, client):
    chaos.attach(chaos.Injection(chaos.make("refusal")), double)
    hello = [{"role": "user", "content": "hi"}]
    with client.messages.stream(model=MODEL, max_tokens=16, messages=hello) as stream:
        final = stream.get_final_message()
    assert final.stop_reason == "refusal" and final.content == []
    assert final.stop_details.category == "general_harms"


# -- the journal against the shipped baseline contract --------------------------


def test_every_exchange_checks_clean_against_the_baseline_contract(double, client):
    ask_hello = {"model": MODEL, "max_tokens": 64, "messages": [{"role": "user", "content": "hello"}]}
    client.messages.create(**ask_hello)
    list(client.messages.create(**ask_hello, stream=True))
    with client.messages.stream(**ask_hello) as stream:
        stream.get_final_message()
    list(client.models.list(limit=2))
    client.models.retrieve(MODEL)
    for bad in ({**ask_hello, "model": "claude-imaginary-9"}, {**ask_hello, "max_tokens": anthropic.omit}):
        with pytest.raises(anthropic.APIStatusError):
            client.messages.create(**bad, timeout=30)
    for answer in (lambda call: provider.rate_limited(call, 1.0, False), outage):
        double.hooks[:] = [Answering(answer)]
        with pytest.raises(anthropic.APIStatusError):
            client.messages.create(**ask_hello)
    double.hooks.clear()

    result = contracts.verify(contracts.load_path(CONTRACTS), list(double.journal))
    assert not result.violations, "\n".join(str(v) for v in result.violations)
    assert len(double.journal) >= 10
    # Everything but the single-model lookup is covered by the baseline.
    assert [x.route for x in result.unmatched] == ["GET /v1/models/{model_id}"]
