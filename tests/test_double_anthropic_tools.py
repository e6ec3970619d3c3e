"""The Anthropic double's tool use, token counting and error fixes, through
anthropic 2.15 (in-process and over real HTTP), each answer parsed with the
SDK's own types with extra fields forbidden, and the journal against the
shipped baselines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import jsonschema
import pydantic
import pytest
from anthropic.types import Message, MessageTokensCount, RawMessageStreamEvent, ToolUseBlock
from anthropic.types.shared import ErrorResponse

from harness import chaos, contracts
from harness.double import Double, VirtualClock
from harness.double.clients import sdk_client
from harness.providers import anthropic as provider

pytestmark = pytest.mark.filterwarnings("error")

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts" / "providers" / "anthropic"
MODEL = "claude-haiku-4-5"
WEATHER = {
    "name": "get_weather",
    "description": "The weather in a city.",
    "input_schema": {
        "type": "object",
        "properties": {
            "city": {"type": "string", "minLength": 2},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            "days": {"type": "integer", "minimum": 1, "maximum": 7},
        },
        "required": ["city", "unit"],
    },
}
TIME = {
    "name": "get_time",
    "description": "The time in a zone.",
    "input_schema": {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]},
}
ASK = [{"role": "user", "content": "What should I wear in Paris tomorrow?"}]


def strict(model: Any) -> Any:
    """`model` after checking that no object in it, however deep, had a field the SDK's type lacks."""
    if isinstance(model, pydantic.BaseModel):
        assert not model.model_extra, f"{type(model).__name__} has extra fields {sorted(model.model_extra)}"
        for name in type(model).model_fields:
            strict(getattr(model, name))
    elif isinstance(model, (list, tuple)):
        for item in model:
            strict(item)
    elif isinstance(model, dict):
        for item in model.values():
            strict(item)
    return model


def parsed_answers(double: Double) -> None:
    """Every answer in the journal parses with the SDK's type for it, extras forbidden."""
    events = pydantic.TypeAdapter(RawMessageStreamEvent)
    for exchange in double.journal:
        response = exchange.response
        if response.status >= 400:
            strict(ErrorResponse.model_validate(response.json))
        elif response.is_stream:
            for event in response.events:
                if event.event != "ping":  # the SDK drops pings before it parses
                    strict(events.validate_python(event.json))
        elif exchange.route == "POST /v1/messages/count_tokens":
            strict(MessageTokensCount.model_validate(response.json))
        elif exchange.route == "POST /v1/messages":
            strict(Message.model_validate(response.json))


@pytest.fixture
def double() -> Iterator[Double]:
    with Double("anthropic", seed=5, clock=VirtualClock()) as made:
        yield made


@pytest.fixture(params=["in-process", "http"])
def client(request, double) -> Iterator[anthropic.Anthropic]:
    if request.param == "in-process":
        http = httpx2.Client(transport=double.transport("httpx2"))
        with anthropic.Anthropic(
            api_key="test", base_url="https://api.anthropic.com", http_client=http, max_retries=0
        ) as made:
            yield made
    else:
        with double.serve() as url, anthropic.Anthropic(api_key="test", base_url=url, max_retries=0) as made:
            yield made


# -- tool use ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "choice, called",
    [({"type": "any"}, "get_weather"), ({"type": "tool", "name": "get_time"}, "get_time")],
)
def test_a_forced_tool_choice_answers_a_tool_use_block_that_fits_the_schema(double, client, choice, called):
    message = client.messages.create(
        model=MODEL, max_tokens=256, tools=[WEATHER, TIME], tool_choice=choice, messages=ASK
    )
    (block,) = message.content
    assert isinstance(block, ToolUseBlock) and block.name == called
    assert block.id.startswith("toolu_01") and message.stop_reason == "tool_use"
    tool = next(t for t in (WEATHER, TIME) if t["name"] == called)
    jsonschema.validate(block.input, tool["input_schema"])
    parsed_answers(double)


def test_any_calls_the_tool_the_user_names(client):
    asked = [{"role": "user", "content": "Use get_time for Tokyo."}]
    message = client.messages.create(
        model=MODEL, max_tokens=256, tools=[WEATHER, TIME], tool_choice={"type": "any"}, messages=asked
    )
    assert message.content[0].name == "get_time"


def test_auto_answers_text_unless_the_user_names_a_tool_and_none_never_calls(client):
    plain = client.messages.create(model=MODEL, max_tokens=256, tools=[WEATHER], messages=ASK)
    assert plain.stop_reason == "end_turn" and plain.content[0].type == "text"
    named = [{"role": "user", "content": "Call get_weather for Paris."}]
    called = client.messages.create(model=MODEL, max_tokens=256, tools=[WEATHER], messages=named)
    assert called.stop_reason == "tool_use" and called.content[0].name == "get_weather"
    declined = client.messages.create(
        model=MODEL, max_tokens=256, tools=[WEATHER], tool_choice={"type": "none"}, messages=named
    )
    assert declined.stop_reason == "end_turn"


def test_the_same_seed_gives_the_same_tool_input():
    def call() -> dict[str, Any]:
        with Double("anthropic", seed=9) as double:
            client = sdk_client(double)
            message = client.messages.create(
                model=MODEL, max_tokens=64, tools=[WEATHER], tool_choice={"type": "any"}, messages=ASK
            )
            return message.content[0].input

    assert call() == call()


def test_a_streamed_tool_use_sends_input_json_deltas_the_sdk_accumulates(double, client):
    with client.messages.stream(
        model=MODEL, max_tokens=256, tools=[WEATHER], tool_choice={"type": "any"}, messages=ASK
    ) as stream:
        final = stream.get_final_message()
    events = double.journal[-1].response.events
    start = next(e.json for e in events if e.event == "content_block_start")
    assert start["content_block"]["type"] == "tool_use" and start["content_block"]["input"] == {}
    pieces = [e.json["delta"] for e in events if e.event == "content_block_delta"]
    assert len(pieces) > 1 and {p["type"] for p in pieces} == {"input_json_delta"}
    streamed = json.loads("".join(p["partial_json"] for p in pieces))
    (block,) = final.content
    assert isinstance(block, ToolUseBlock) and block.input == streamed
    assert final.stop_reason == "tool_use"
    jsonschema.validate(block.input, WEATHER["input_schema"])
    parsed_answers(double)


def test_a_tool_call_cut_off_by_max_tokens_stops_for_max_tokens_with_no_input(double, client):
    message = client.messages.create(
        model=MODEL, max_tokens=3, tools=[WEATHER], tool_choice={"type": "any"}, messages=ASK
    )
    assert message.stop_reason == "max_tokens" and message.usage.output_tokens == 3
    assert message.content[0].type == "tool_use" and message.content[0].input == {}
    parsed_answers(double)


def test_a_tool_result_in_the_next_request_is_answered_with_text(double, client):
    called = client.messages.create(
        model=MODEL, max_tokens=256, tools=[WEATHER], tool_choice={"type": "any"}, messages=ASK
    )
    result = {"type": "tool_result", "tool_use_id": called.content[0].id, "content": "Light rain, 14 degrees"}
    follow_up = [*ASK, called.to_param(), {"role": "user", "content": [result]}]
    answer = client.messages.create(model=MODEL, max_tokens=256, tools=[WEATHER], messages=follow_up)
    assert answer.stop_reason == "end_turn" and "Light rain, 14 degrees" in answer.content[0].text
    parsed_answers(double)


def _result(message: Message) -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": message.content[0].id, "content": "Light rain, 14 degrees"}


def test_tool_calls_and_results_must_pair_up_as_the_api_demands(client):
    called = client.messages.create(
        model=MODEL, max_tokens=256, tools=[WEATHER], tool_choice={"type": "any"}, messages=ASK
    )
    stray = {"type": "tool_result", "tool_use_id": "toolu_01nothing", "content": "?"}
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(
            model=MODEL,
            max_tokens=64,
            tools=[WEATHER],
            messages=[*ASK, called.to_param(), {"role": "user", "content": [_result(called), stray]}],
        )
    assert (
        "unexpected `tool_use_id` found in `tool_result` blocks: toolu_01nothing"
        in caught.value.body["error"]["message"]
    )
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(model=MODEL, max_tokens=64, tools=[WEATHER], messages=[*ASK, called.to_param(), *ASK])
    assert (
        "`tool_use` ids were found without `tool_result` blocks immediately after"
        in caught.value.body["error"]["message"]
    )


@pytest.mark.parametrize(
    "fields, says",
    [
        ({"tool_choice": {"type": "any"}}, "tool_choice may only be specified while providing tools"),
        ({"tools": [WEATHER], "tool_choice": {"type": "tool", "name": "get_time"}}, "Tool 'get_time' not found"),
    ],
)
def test_a_tool_choice_the_request_cannot_honour_is_a_bad_request(client, fields, says):
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(model=MODEL, max_tokens=64, messages=ASK, **fields)
    assert says in caught.value.body["error"]["message"]


# -- count_tokens -------------------------------------------------------------------


def test_count_tokens_matches_the_input_tokens_a_message_bills(double, client):
    for fields in ({}, {"system": "Be brief.", "tools": [WEATHER, TIME]}):
        counted = client.messages.count_tokens(model=MODEL, messages=ASK, **fields)
        message = client.messages.create(model=MODEL, max_tokens=64, messages=ASK, **fields)
        assert isinstance(counted, MessageTokensCount)
        assert counted.input_tokens == message.usage.input_tokens > 0
    with_tools = client.messages.count_tokens(model=MODEL, messages=ASK, tools=[WEATHER])
    assert with_tools.input_tokens > client.messages.count_tokens(model=MODEL, messages=ASK).input_tokens
    parsed_answers(double)


def test_count_tokens_checks_the_model_and_the_messages(client):
    with pytest.raises(anthropic.NotFoundError) as caught:
        client.messages.count_tokens(model="claude-imaginary-9", messages=ASK)
    assert caught.value.body["error"] == {"type": "not_found_error", "message": "model: claude-imaginary-9"}
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.count_tokens(model=MODEL, messages=[])
    assert caught.value.body["error"]["message"] == "messages: at least one message is required"


@pytest.mark.parametrize(
    "fault, error", [("outage", anthropic.OverloadedError), ("rate_limit", anthropic.RateLimitError)]
)
def test_faults_act_on_count_tokens_like_any_route(double, client, fault, error):
    chaos.attach(chaos.Injection(chaos.make(fault)), double)
    with pytest.raises(error) as caught:
        client.messages.count_tokens(model=MODEL, messages=ASK)
    assert caught.value.request_id == caught.value.body["request_id"]
    parsed_answers(double)


# -- fixes: request ids, 413, what the SDK sends -----------------------------------


@pytest.mark.parametrize("fault", ["outage", "gone", "rate_limit", "model_retired"])
def test_an_error_a_fault_makes_names_the_request_id_of_its_header(double, client, fault):
    chaos.attach(chaos.Injection(chaos.make(fault)), double)
    with pytest.raises(anthropic.APIStatusError) as caught:
        client.messages.create(model=MODEL, max_tokens=16, messages=ASK)
    assert caught.value.request_id and caught.value.body["request_id"] == caught.value.request_id


def test_an_unknown_route_and_a_broken_body_name_the_request_id_too(double):
    with httpx2.Client(base_url="https://api.anthropic.com", transport=double.transport("httpx2")) as http:
        for answer in (
            http.post("/v1/nowhere", json={}),
            http.post("/v1/messages", content=b"{not json", headers={"content-type": "application/json"}),
        ):
            assert answer.status_code in (400, 404)
            assert answer.json()["request_id"] == answer.headers["request-id"]
            strict(ErrorResponse.model_validate(answer.json()))


def test_a_413_is_an_error_type_the_sdk_parses(double, client):
    double.hooks.append(
        _Answering(lambda call: provider.error(413, "Request exceeds the maximum allowed number of bytes."))
    )
    with pytest.raises(anthropic.ContentTooLargeError) as caught:
        client.messages.create(model=MODEL, max_tokens=16, messages=ASK)
    assert caught.value.type == "invalid_request_error"
    strict(ErrorResponse.model_validate(caught.value.body))


class _Answering:
    name = "answering"

    def __init__(self, reply: Any) -> None:
        self.reply = reply

    def before(self, call: Any) -> Any:
        return self.reply(call)


def test_the_sdk_sends_its_key_as_a_bearer_token_and_its_own_api_version(double, client):
    client.messages.create(model=MODEL, max_tokens=16, messages=ASK)
    request = double.journal[-1].request
    assert request.header("authorization") == "Bearer REDACTED"  # accepted, and kept out of the journal
    assert request.header("x-api-key") is None
    assert request.header("anthropic-version") == "2026-10-21"
    assert double.journal[-1].response.status == 200


# -- the journal against the shipped baselines ----------------------------------------


def test_tool_use_and_count_tokens_check_clean_against_the_baselines(double, client):
    client.messages.create(model=MODEL, max_tokens=64, tools=[WEATHER], tool_choice={"type": "any"}, messages=ASK)
    with client.messages.stream(
        model=MODEL, max_tokens=64, tools=[WEATHER], tool_choice={"type": "any"}, messages=ASK
    ) as stream:
        stream.get_final_message()
    client.messages.count_tokens(model=MODEL, messages=ASK, tools=[WEATHER])
    with pytest.raises(anthropic.NotFoundError):
        client.messages.count_tokens(model="claude-imaginary-9", messages=ASK)
    for fault in ("outage", "rate_limit"):
        active = chaos.attach(chaos.Injection(chaos.make(fault)), double)
        with pytest.raises(anthropic.APIStatusError):
            client.messages.count_tokens(model=MODEL, messages=ASK)
        double.hooks.remove(active)

    result = contracts.verify(contracts.load_path(CONTRACTS), list(double.journal))
    assert not result.violations, "\n".join(str(v) for v in result.violations)
    assert not result.unmatched and result.per_contract["anthropic/count-tokens"] == 4
    parsed_answers(double)
