"""The OpenAI double's answers where they used to differ from OpenAI's published spec,
and the request fields it used to ignore (`stop`, `max_output_tokens`, `logprobs`),
each through the official `openai` SDK with strict response validation."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

from harness.chaos import Injection, attach, make
from harness.double import Double

HOST = "http://api.openai.test"
ASK = [{"role": "user", "content": "Name three rivers in Europe and say why each matters"}]
LOOKUP = {
    "type": "function",
    "name": "lookup",
    "parameters": {"type": "object", "properties": {"q": {"type": "string"}, "n": {"type": "integer"}}},
}


@pytest.fixture
def double(request):
    # A test marked `lenient` sends what the published spec refuses (nulls, budgets below one),
    # to show the handlers behave when a team switches validation off.
    with Double("openai", seed=5, strict=request.node.get_closest_marker("lenient") is None) as made:
        yield made


@pytest.fixture
def client(double):
    with openai.OpenAI(
        api_key="sk-test",
        base_url=HOST + "/v1",
        http_client=httpx.Client(transport=double.transport()),
        max_retries=0,
        _strict_response_validation=True,
    ) as made:
        yield made


def inject(double, fault, **params):
    attach(Injection(make(fault, params)), double)


# --- shapes ----------------------------------------------------------------------------------


def test_streamed_function_call_arguments_done_names_the_function(client):
    events = list(
        client.responses.create(model="gpt-4o", input="find", tools=[LOOKUP], tool_choice="required", stream=True)
    )
    (done,) = [e for e in events if e.type == "response.function_call_arguments.done"]
    assert done.name == "lookup"


def test_function_tools_are_echoed_strict_with_their_schema_closed(client):
    response = client.responses.create(model="gpt-4o", input="find", tools=[LOOKUP])
    (tool,) = response.tools
    assert tool.strict is True and tool.name == "lookup"
    assert tool.parameters["additionalProperties"] is False and tool.parameters["required"] == ["q", "n"]
    loose = client.responses.create(model="gpt-4o", input="find", tools=[{**LOOKUP, "strict": False}])
    assert loose.tools[0].strict is False and loose.tools[0].parameters == LOOKUP["parameters"]


@pytest.mark.lenient
def test_fields_sent_as_null_are_echoed_as_their_defaults(client, double):
    client.responses.create(
        model="gpt-4o", input="hi", parallel_tool_calls=None, tool_choice=None, tools=None, temperature=None
    )
    sent, echoed = double.journal[-1].request.json, double.journal[-1].response.json
    assert sent["parallel_tool_calls"] is None and sent["tools"] is None  # the SDK sent nulls
    assert echoed["parallel_tool_calls"] is True and echoed["tool_choice"] == "auto" and echoed["tools"] == []
    assert echoed["temperature"] == 1.0


@pytest.mark.parametrize(("wait", "header"), [(0.3, "1"), (1.0, "1"), (1.2, "2"), (0.0, "1")])
def test_retry_after_is_whole_seconds_of_at_least_one(client, double, wait, header):
    inject(double, "rate_limit", retry_after=wait)
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=ASK)
    assert caught.value.response.headers["retry-after"] == header


def test_refusal_on_a_streamed_response_is_incomplete_for_content_filter(client, double):
    inject(double, "refusal")
    events = list(client.responses.create(model="gpt-4o", input="hi", stream=True))
    assert [e.type for e in events] == ["response.created", "response.in_progress", "response.incomplete"]
    assert [e.sequence_number for e in events] == [0, 1, 2]
    final = events[-1].response
    assert final.status == "incomplete" and final.incomplete_details.reason == "content_filter"
    assert final.output == []
    plain = client.responses.create(model="gpt-4o", input="hi")
    assert plain.status == "incomplete" and plain.incomplete_details.reason == "content_filter"


def test_streamed_chat_refusal_comes_in_pieces(client, double):
    inject(double, "refusal")
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=ASK, stream=True))
    pieces = [c.choices[0].delta.refusal for c in chunks if c.choices[0].delta.refusal]
    assert len(pieces) > 1 and "".join(pieces) == "I'm sorry, but I can't help with that."
    assert all(c.choices[0].delta.content is None for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "content_filter"
    # The SDK's stream helper raises on a content_filter finish, as it would against OpenAI.
    with (
        client.chat.completions.stream(model="gpt-4o", messages=ASK) as stream,
        pytest.raises(openai.ContentFilterFinishReasonError),
    ):
        stream.get_final_completion()


# --- behaviour -------------------------------------------------------------------------------


def test_stop_ends_the_chat_answer_before_the_sequence(client):
    whole = client.chat.completions.create(model="gpt-4o", messages=ASK).choices[0].message.content
    stop = whole.split()[-3]  # a word from the answer's filler
    choice = client.chat.completions.create(model="gpt-4o", messages=ASK, stop=[stop, "never-there"]).choices[0]
    assert choice.finish_reason == "stop" and choice.message.content == whole[: whole.index(stop)]
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=ASK, stop=stop, stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == whole[: whole.index(stop)]


def test_max_output_tokens_makes_a_response_incomplete(client, double):
    response = client.responses.create(model="gpt-4o", input=ASK[0]["content"], max_output_tokens=16)
    assert response.status == "incomplete" and response.incomplete_details.reason == "max_output_tokens"
    assert response.output[0].status == "incomplete" and len(response.output_text) <= 64
    assert response.usage.output_tokens <= 16
    events = list(client.responses.create(model="gpt-4o", input=ASK[0]["content"], max_output_tokens=16, stream=True))
    assert events[-1].type == "response.incomplete"
    assert events[-1].response.incomplete_details.reason == "max_output_tokens"
    assert double.journal[-1].response.events[-1].event == "response.incomplete"
    roomy = client.responses.create(model="gpt-4o", input=ASK[0]["content"], max_output_tokens=1000)
    assert roomy.status == "completed" and roomy.incomplete_details is None


def test_chat_logprobs_for_every_token(client):
    choice = client.chat.completions.create(model="gpt-4o", messages=ASK, logprobs=True, top_logprobs=3).choices[0]
    entries = choice.logprobs.content
    assert "".join(e.token for e in entries) == choice.message.content
    for entry in entries:
        assert entry.logprob <= 0 and bytes(entry.bytes).decode() == entry.token
        assert len(entry.top_logprobs) == 3 and entry.top_logprobs[0].token == entry.token
        assert [t.logprob for t in entry.top_logprobs] == sorted((t.logprob for t in entry.top_logprobs), reverse=True)
    assert client.chat.completions.create(model="gpt-4o", messages=ASK).choices[0].logprobs is None
    bare = client.chat.completions.create(model="gpt-4o", messages=ASK, logprobs=True).choices[0].logprobs
    assert all(e.top_logprobs == [] for e in bare.content)
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=ASK, logprobs=True, stream=True))
    streamed = [e for c in chunks if c.choices[0].logprobs for e in c.choices[0].logprobs.content]
    assert [e.token for e in streamed] == [e.token for e in entries]


@pytest.mark.lenient
@pytest.mark.parametrize("limit", [0, -5])
def test_a_budget_below_one_never_trims_from_the_end(client, limit):
    # Lenient doubles let such a request through (strict ones answer 400 first).
    for field in ("max_tokens", "max_completion_tokens"):
        choice = client.chat.completions.create(model="gpt-4o", messages=ASK, **{field: limit}).choices[0]
        assert choice.message.content == "" and choice.finish_reason == "length"


def test_answers_with_these_fields_repeat_for_a_seed():
    def run():
        with (
            Double("openai", seed=9) as made,
            openai.OpenAI(
                api_key="k", base_url=HOST + "/v1", http_client=httpx.Client(transport=made.transport())
            ) as client,
        ):
            chat = client.chat.completions.create(model="gpt-4o", messages=ASK, logprobs=True, top_logprobs=2)
            return json.dumps(chat.choices[0].logprobs.model_dump())

    assert run() == run()
