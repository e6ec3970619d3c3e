"""The OpenAI double through the official `openai` SDK: in-process over httpx and
httpx2 (and the SDK's own default client), over real HTTP, sync and async; its
errors as the SDK's exception classes; its journal against the baseline contracts."""

from __future__ import annotations

import asyncio
import base64
import json
import random
from pathlib import Path

import httpx
import httpx2
import openai
import pydantic
import pytest

from harness import contracts
from harness.double import Double, VirtualClock, media
from harness.double.app import RouteHandler
from harness.double.clock import FlowingClock
from harness.headers import check_format
from harness.providers import openai as provider

# Typed objects must build without a warning; the SDK's own notice that the
# Sora API shuts down is expected on every videos call.
pytestmark = pytest.mark.filterwarnings("error", "ignore:The Sora API:DeprecationWarning")

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts" / "providers" / "openai"
HOST = "http://api.openai.test"
KEY = {"authorization": "Bearer sk-test"}
ASK = [{"role": "user", "content": "Name three rivers in Europe"}]


def sdk(base_url: str, http_client=None, cls=openai.OpenAI, **options):
    # Strict validation: the SDK checks every answer against its pydantic types.
    return cls(
        api_key="sk-test",
        base_url=base_url + "/v1",
        http_client=http_client,
        max_retries=0,
        _strict_response_validation=True,
        **options,
    )


@pytest.fixture
def double():
    # Real seconds for jobs, on a fixed day: a model the catalogue retires later stays served here.
    with Double("openai", seed=5, job_seconds=0.05, clock=FlowingClock()) as made:
        yield made


@pytest.fixture(params=["httpx", "httpx2", "sdk-default-client", "http"])
def client(request, double):
    if request.param == "http":
        with double.serve() as url, sdk(url) as made:
            yield made
        return
    if request.param == "httpx":
        http_client = httpx.Client(transport=double.transport())
    elif request.param == "httpx2":
        http_client = httpx2.Client(transport=double.transport("httpx2"))
    else:
        http_client = openai.DefaultHttpxClient(transport=double.transport("httpx2"))
    with sdk(HOST, http_client) as made:
        yield made


@pytest.fixture
def raw(double):
    with httpx.Client(base_url=HOST, transport=double.transport(), headers=KEY) as http:
        yield http


# --- chat completions ------------------------------------------------------------------------


def test_chat_completion(client, double):
    completion = client.chat.completions.create(model="gpt-4o", messages=ASK)
    assert completion.id.startswith("chatcmpl-") and completion.object == "chat.completion"
    assert completion.model == "gpt-4o"
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    assert "Name three rivers in Europe" in choice.message.content
    assert completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens
    assert completion._request_id.startswith("req_")
    exchange = double.journal[-1]
    assert exchange.route == "POST /v1/chat/completions"
    for name in (
        "x-request-id",
        "x-ratelimit-limit-requests",
        "x-ratelimit-remaining-requests",
        "x-ratelimit-reset-requests",
        "x-ratelimit-remaining-tokens",
        "x-ratelimit-reset-tokens",
    ):
        value = exchange.response.header(name)
        assert value is not None and check_format(name, value) is None, (name, value)


def test_chat_stream_with_usage(client, double):
    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=ASK, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "Name three rivers in Europe" in text
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens > 0
    assert all(c.usage is None for c in chunks[:-1])
    events = double.journal[-1].response.events
    assert events[-1].data == "[DONE]" and all(e.event is None for e in events)


def test_chat_stream_without_usage_has_no_usage_chunk(client):
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=ASK, stream=True))
    assert all(c.choices for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_chat_tool_calls_and_structured_outputs(client):
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
            },
        }
    ]
    completion = client.chat.completions.create(model="gpt-4.1", messages=ASK, tools=tools, tool_choice="required")
    call = completion.choices[0].message.tool_calls[0]
    assert completion.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "get_weather" and json.loads(call.function.arguments) == {"city": "double"}
    schema = {
        "type": "object",
        "properties": {"rivers": {"type": "array", "items": {"type": "string"}}},
        "required": ["rivers"],
        "additionalProperties": False,
    }
    completion = client.chat.completions.create(
        model="gpt-4o",
        messages=ASK,
        response_format={"type": "json_schema", "json_schema": {"name": "rivers", "schema": schema, "strict": True}},
    )
    assert json.loads(completion.choices[0].message.content) == {"rivers": []}


def test_chat_max_tokens_cuts_the_answer(client):
    completion = client.chat.completions.create(model="gpt-4o", messages=ASK, max_completion_tokens=2)
    assert completion.choices[0].finish_reason == "length"
    assert len(completion.choices[0].message.content) <= 8


# --- responses -------------------------------------------------------------------------------


def test_response_and_retrieve(client):
    response = client.responses.create(model="gpt-4.1", input="Write a haiku about rivers", instructions="Be brief")
    assert response.id.startswith("resp_") and response.status == "completed"
    assert "Write a haiku about rivers" in response.output_text
    assert response.instructions == "Be brief"
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens
    again = client.responses.retrieve(response.id)
    assert again.output_text == response.output_text


def test_response_stream_is_typed_events_with_sequence_numbers(client, double):
    events = list(client.responses.create(model="gpt-4o", input="Hello", stream=True))
    kinds = [e.type for e in events]
    assert kinds[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert kinds[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas == events[-1].response.output_text
    wire = double.journal[-1].response.events
    assert all(e.event == e.json["type"] for e in wire)
    assert "[DONE]" not in double.journal[-1].response.text


def test_response_input_items(client):
    response = client.responses.create(
        model="gpt-5", input=[{"role": "user", "content": [{"type": "input_text", "text": "Name a lake"}]}]
    )
    assert "Name a lake" in response.output_text


class Rivers(pydantic.BaseModel):
    rivers: list[str]
    count: int


def test_sdk_helpers_parse_and_stream(client):
    parsed = client.chat.completions.parse(model="gpt-4o", messages=ASK, response_format=Rivers)
    assert parsed.choices[0].message.parsed == Rivers(rivers=[], count=0)
    with client.chat.completions.stream(model="gpt-4o", messages=ASK) as stream:
        assert "Name three rivers" in stream.get_final_completion().choices[0].message.content
    with client.responses.stream(model="gpt-4o", input="Hello") as stream:
        assert "Hello" in stream.get_final_response().output_text
    assert client.responses.parse(model="gpt-4o", input="rivers", text_format=Rivers).output_parsed.count == 0


def test_response_function_calls_plain_and_streamed(client):
    tools = [
        {
            "type": "function",
            "name": "lookup",
            "strict": True,
            "parameters": {
                "type": "object",
                "properties": {"q": {"type": "string"}},
                "required": ["q"],
                "additionalProperties": False,
            },
        }
    ]
    response = client.responses.create(model="gpt-4o", input="find it", tools=tools, tool_choice="required")
    call = response.output[0]
    assert call.type == "function_call" and call.name == "lookup" and json.loads(call.arguments) == {"q": "double"}
    events = list(
        client.responses.create(
            model="gpt-4o",
            input="find it",
            tools=tools,
            stream=True,
            tool_choice={"type": "function", "name": "lookup"},
        )
    )
    kinds = [e.type for e in events]
    assert "response.function_call_arguments.done" in kinds and kinds[-1] == "response.completed"
    assert events[-1].response.output[0].call_id.startswith("call_")


def test_background_response_moves_on_the_virtual_clock():
    clock = VirtualClock()
    with (
        Double("openai", clock=clock, job_seconds=10) as made,
        sdk(HOST, httpx.Client(transport=made.transport())) as client,
    ):
        created = client.responses.create(model="gpt-4o", input="later", background=True)
        assert created.status == "queued" and created.output == []
        clock.advance(5)
        assert client.responses.retrieve(created.id).status == "in_progress"
        clock.advance(5)
        done = client.responses.retrieve(created.id)
        assert done.status == "completed" and "later" in done.output_text


# --- images, moderations, models -------------------------------------------------------------


def test_image_generation_is_a_real_png(client):
    result = client.images.generate(model="gpt-image-1", prompt="a red fox", size="1024x1024")
    png = base64.b64decode(result.data[0].b64_json)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert result.size == "1024x1024" and result.output_format == "png" and result.usage.total_tokens > 0
    dalle = client.images.generate(model="dall-e-3", prompt="a red fox", response_format="b64_json")
    assert base64.b64decode(dalle.data[0].b64_json).startswith(b"\x89PNG")
    assert dalle.data[0].revised_prompt == "a red fox"


def test_image_stream_sends_partial_images_then_the_image(client, double):
    events = list(client.images.generate(model="gpt-image-1", prompt="a red fox", stream=True, partial_images=2))
    assert [e.type for e in events] == ["image_generation.partial_image"] * 2 + ["image_generation.completed"]
    assert [e.partial_image_index for e in events[:2]] == [0, 1]
    assert base64.b64decode(events[-1].b64_json).startswith(b"\x89PNG") and events[-1].usage.total_tokens > 0
    assert [e.event for e in double.journal[-1].response.events] == [e.type for e in events]


def test_moderation_has_thirteen_categories_and_flags_violence(client):
    result = client.moderations.create(input=["I will kill the process", "a calm lake"])
    assert result.id.startswith("modr-") and result.model == "omni-moderation-latest"
    flagged, calm = result.results
    assert flagged.flagged and flagged.categories.violence and flagged.category_scores.violence > 0.9
    assert not calm.flagged
    assert len(calm.categories.model_dump(by_alias=True)) == 13
    assert set(calm.categories.model_dump(by_alias=True)) == set(provider.CATEGORIES)
    assert calm.category_applied_input_types.violence == ["text"]


def test_models_list_and_retrieve_carry_shutdown_dates(client):
    models = {m.id: m for m in client.models.list()}
    assert {"gpt-4o", "sora-2", "dall-e-3", "omni-moderation-latest"} <= set(models)
    assert models["sora-2"].shutdown_date == "2026-09-24"
    assert models["gpt-4o"].shutdown_date == "2027-01-14"  # from the openai SDK's deprecation notes
    assert models["gpt-5.5"].shutdown_date is None
    assert client.models.retrieve("sora-2-pro").owned_by == "system"


# --- videos ----------------------------------------------------------------------------------


def test_video_create_and_poll_then_download(client, double):
    video = client.videos.create_and_poll(prompt="A red fox trotting across fresh snow", seconds="4", size="1280x720")
    assert video.id.startswith("video_") and video.status == "completed" and video.progress == 100
    assert video.completed_at and video.expires_at and video.error is None
    assert video.size == "1280x720" and video.seconds == "4" and video.model == "sora-2"
    polls = double.journal.filter(route="GET /v1/videos/{video_id}")
    assert polls and polls[0].request.header("x-stainless-poll-helper") == "true"
    creates = double.journal.filter(route="POST /v1/videos")
    assert creates[0].request.content_type == "multipart/form-data"
    assert creates[0].response.header("openai-poll-after-ms") == "10"
    content = client.videos.download_content(video.id)
    assert content.response.headers["content-type"] == "video/mp4"
    assert [kind for kind, _ in media.boxes(content.content)] == ["ftyp", "moov", "mdat"]
    thumbnail = client.videos.download_content(video.id, variant="thumbnail")
    assert thumbnail.response.headers["content-type"] == "image/webp"
    assert thumbnail.content[:4] == b"RIFF"


def test_video_list_delete_and_remix(client):
    first = client.videos.create_and_poll(prompt="first clip")
    second = client.videos.create(prompt="second clip")
    page = client.videos.list(limit=1)
    assert [v.id for v in page.data] == [second.id] and page.has_more
    assert [v.id for v in client.videos.list(limit=1, order="asc").data] == [first.id]
    assert [v.id for v in client.videos.list()] == [second.id, first.id]  # follows the cursor
    remix = client.videos.remix(first.id, prompt="the same, at dusk")
    assert remix.remixed_from_video_id == first.id and remix.status == "queued"
    deleted = client.videos.delete(second.id)
    assert deleted.deleted and deleted.object == "video.deleted" and deleted.id == second.id
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve(second.id)


def test_video_job_moves_on_the_virtual_clock():
    clock = VirtualClock()
    with (
        Double("openai", clock=clock, job_seconds=60) as made,
        sdk(HOST, httpx.Client(transport=made.transport())) as client,
    ):
        video = client.videos.create(prompt="a slow sunrise", model="sora-2-pro", seconds="8")
        assert (video.status, video.progress, video.completed_at) == ("queued", 0, None)
        clock.advance(30)
        raw = client.videos.with_raw_response.retrieve(video.id)
        assert raw.headers["openai-poll-after-ms"] == "12000"
        assert (raw.parse().status, raw.parse().progress) == ("in_progress", 50)
        with pytest.raises(openai.BadRequestError):
            client.videos.download_content(video.id)
        clock.advance(30)
        raw = client.videos.with_raw_response.retrieve(video.id)
        done = raw.parse()
        assert done.status == "completed" and done.completed_at == video.created_at + 60
        assert "openai-poll-after-ms" not in raw.headers


def test_video_blocked_by_moderation_fails_late(client):
    video = client.videos.create_and_poll(prompt="a man stabs a stranger")
    assert video.status == "failed" and video.error.code == "moderation_blocked"


def test_video_create_also_takes_json(raw):
    response = raw.post(
        "/v1/videos",
        json={
            "prompt": "json body",
            "model": "sora-2",
            "seconds": "12",
            "input_reference": {"image_url": "https://example.test/a.png"},
        },
    )
    assert response.status_code == 200 and response.json()["seconds"] == "12"
    bad = raw.post("/v1/videos", json={"prompt": "json body", "input_reference": {}})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "input_reference"


# --- errors ----------------------------------------------------------------------------------


def test_missing_model_is_a_bad_request(client):
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=None, messages=ASK)  # type: ignore[arg-type]
    assert caught.value.type == "invalid_request_error" and caught.value.request_id.startswith("req_")
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(input="hi", model=openai.omit)
    assert caught.value.code == "missing_required_parameter" and caught.value.param == "model"


def test_unknown_model_is_not_found(client):
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-nonexistent", messages=ASK)
    assert caught.value.code == "model_not_found"
    assert caught.value.body == {
        "message": "The model `gpt-nonexistent` does not exist or you do not have access to it.",
        "type": "invalid_request_error",
        "param": None,
        "code": "model_not_found",
    }
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("no-such-model")


def test_bad_parameters_are_bad_requests(client):
    with pytest.raises(openai.BadRequestError) as caught:
        client.videos.create(prompt="x", seconds="5")  # type: ignore[arg-type]
    assert caught.value.code == "invalid_value" and caught.value.param == "seconds"
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=[])
    assert caught.value.code == "empty_array"
    with pytest.raises(openai.BadRequestError) as caught:
        client.images.generate(model="dall-e-2", prompt="x", size="1536x1024")
    assert caught.value.param == "size"
    with pytest.raises(openai.BadRequestError) as caught:
        client.moderations.create(input="x", model="gpt-4o")
    assert caught.value.param == "model"


def test_dated_snapshots_and_fine_tunes_are_known_models(client):
    for model in ("gpt-4o-2024-08-06", "gpt-3.5-turbo-0125", "ft:gpt-4o-mini:acme::abc123"):
        assert client.chat.completions.create(model=model, messages=ASK).model == model


def test_missing_key_unknown_route_and_bad_json_in_the_envelope(double):
    with httpx.Client(base_url=HOST, transport=double.transport()) as http:
        unauthorised = http.get("/v1/models")
        assert unauthorised.status_code == 401
        assert set(unauthorised.json()["error"]) == {"message", "type", "param", "code"}
        unknown = http.post("/v1/completely/unknown", headers=KEY)
        assert unknown.status_code == 404
        assert unknown.json()["error"]["message"] == "Invalid URL (POST /v1/completely/unknown)"
        broken = http.post(
            "/v1/chat/completions", content=b"{oops", headers={**KEY, "content-type": "application/json"}
        )
        assert broken.status_code == 400 and broken.json()["error"]["type"] == "invalid_request_error"
        assert broken.headers["x-request-id"].startswith("req_")
    with sdk(HOST, httpx.Client(transport=double.transport())) as client, pytest.raises(openai.NotFoundError):
        client.get("/completely/unknown", cast_to=object)


def test_a_broken_handler_is_an_internal_server_error(double):
    def broken(call):
        raise RuntimeError("bug in the double")

    double.routes = tuple(
        RouteHandler(r.route, broken) if r.route.template == "/v1/models" else r for r in double.routes
    )
    with (
        sdk(HOST, httpx.Client(transport=double.transport())) as client,
        pytest.raises(openai.InternalServerError) as caught,
    ):
        client.models.list()
    assert caught.value.type == "server_error"


# --- async clients ---------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", ["httpx", "httpx2"])
def test_async_client_streams_and_polls(double, flavour):
    http = {"httpx": httpx, "httpx2": httpx2}[flavour]

    async def main():
        async with sdk(
            HOST, http.AsyncClient(transport=double.async_transport(flavour)), cls=openai.AsyncOpenAI
        ) as client:
            stream = await client.chat.completions.create(model="gpt-4o", messages=ASK, stream=True)
            text = "".join([c.choices[0].delta.content or "" async for c in stream])
            answers = await asyncio.gather(*[client.responses.create(model="gpt-4o", input=f"q{i}") for i in range(5)])
            video = await client.videos.create_and_poll(prompt="async fox")
            return text, answers, video

    text, answers, video = asyncio.run(main())
    assert "Name three rivers in Europe" in text
    assert [f"q{i}" in a.output_text for i, a in enumerate(answers)] == [True] * 5
    assert video.status == "completed"


# --- determinism -----------------------------------------------------------------------------


def test_answers_repeat_for_a_seed():
    def run(seed):
        with (
            Double("openai", seed=seed, clock=VirtualClock()) as made,
            sdk(HOST, httpx.Client(transport=made.transport())) as client,
        ):
            chat = client.chat.completions.create(model="gpt-4o", messages=ASK)
            video = client.videos.create(prompt="fox")
            return chat.id, chat.choices[0].message.content, chat.created, video.id

    assert run(1) == run(1)
    assert run(1)[0] != run(2)[0]


# --- the baseline contracts ------------------------------------------------------------------


def _exercise_every_route(client) -> None:
    client.chat.completions.create(model="gpt-4o", messages=ASK)
    list(
        client.chat.completions.create(
            model="gpt-4o", messages=ASK, stream=True, stream_options={"include_usage": True}
        )
    )
    response = client.responses.create(model="gpt-4o", input="Hello")
    client.responses.retrieve(response.id)
    list(client.responses.create(model="gpt-4o", input="Hello", stream=True))
    list(
        client.responses.create(
            model="gpt-4o",
            input="Hi",
            stream=True,
            tool_choice="required",
            tools=[{"type": "function", "name": "lookup", "parameters": {"type": "object"}}],
        )
    )
    client.images.generate(model="gpt-image-1", prompt="a red fox")
    list(client.images.generate(model="gpt-image-1", prompt="a red fox", stream=True, partial_images=1))
    client.moderations.create(input="a calm lake")
    client.models.list()
    client.models.retrieve("gpt-4o")
    video = client.videos.create_and_poll(prompt="A red fox trotting across fresh snow at dawn")
    client.videos.download_content(video.id)
    client.videos.list(limit=10, order="desc")
    client.videos.remix(video.id, prompt="The same fox, now at dusk")
    client.videos.delete(video.id)
    for bad in (
        lambda: client.chat.completions.create(model="gpt-nonexistent", messages=ASK),
        lambda: client.videos.retrieve("video_missing"),
        lambda: client.videos.create(prompt="x", seconds="5"),
    ):
        with pytest.raises(openai.APIStatusError):
            bad()


@pytest.mark.skipif(not CONTRACTS.is_dir(), reason="baseline contracts not written yet")
def test_the_journal_checks_clean_against_the_baseline_contracts(double):
    with sdk(HOST, httpx.Client(transport=double.transport())) as client:
        _exercise_every_route(client)
    # The baseline's content interaction expects video/mp4 whatever the query; thumbnails are
    # image/webp and out of its scope (its own description says so), so only MP4 downloads count.
    journal = [x for x in double.journal if x.request.query.get("variant", "video") == "video"]
    result = contracts.verify(contracts.load_path(CONTRACTS), journal)
    assert not result.unmatched, [x.describe() for x in result.unmatched]
    assert result.ok, "\n".join(str(v) for v in result.violations)
    assert result.checked == len(journal)


def test_rate_limit_headers_count_each_minute_of_the_doubles_clock():
    clock = VirtualClock(1_767_225_600.0 + 59.5)  # half a second before a minute ends
    body = json.dumps({"model": "gpt-4o-mini", "messages": ASK}).encode()
    with (
        Double("openai", seed=1, clock=clock) as double,
        httpx.Client(base_url=HOST, transport=double.transport(), headers=KEY) as client,
    ):

        def limits() -> dict[str, str]:
            headers = client.post("/v1/chat/completions", content=body).headers
            return {name: value for name, value in headers.items() if name.startswith("x-ratelimit")}

        first, second = limits(), limits()
        clock.advance(seconds=1)  # a new minute: the counts start again
        third = limits()
    tokens = len(body) // 4
    assert first == {
        "x-ratelimit-limit-requests": "10000",
        "x-ratelimit-limit-tokens": "30000000",
        "x-ratelimit-remaining-requests": "9999",
        "x-ratelimit-remaining-tokens": str(30_000_000 - tokens),
        "x-ratelimit-reset-requests": "6ms",  # 60 s / 10,000 requests
        "x-ratelimit-reset-tokens": "1ms",  # the least it says
    }
    assert second["x-ratelimit-remaining-requests"] == "9998"
    assert second["x-ratelimit-remaining-tokens"] == str(30_000_000 - 2 * tokens)
    assert second["x-ratelimit-reset-requests"] == "12ms"
    assert third == first


def test_a_go_duration_is_its_milliseconds_text_whatever_came_before(monkeypatch):
    """From a second to a minute the text is kept per millisecond: it is always the text of the
    millisecond the value rounds to (as formatting the value itself to three places gives), in any
    order of calls and however often the store is emptied."""
    go = provider.errors.go_duration
    monkeypatch.setattr(provider.errors, "_SECONDS_KEPT", 50)
    rng = random.Random(5)
    values = [rng.uniform(1, 60) for _ in range(2_000)] + [1.0015, 2.5, 59.9994]
    for order in (values, values[::-1]):
        for seconds in order:
            assert go(seconds) == f"{round(seconds * 1000) / 1000:.3f}".rstrip("0").rstrip(".") + "s"
            assert go(seconds) == f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"


def test_go_durations_as_openai_writes_them():
    go = provider.errors.go_duration
    assert [go(s) for s in (-1.0, 0.0, 0.0004, 0.0006, 0.006, 0.9994, 0.9996)] == [
        "1ms",
        "1ms",
        "1ms",
        "1ms",
        "6ms",
        "999ms",
        "1000ms",
    ]
    assert [go(s) for s in (1.0, 1.2, 23.4171, 59.9999, 60.0, 361.5)] == [
        "1s",
        "1.2s",
        "23.417s",
        "60s",
        "1m0s",
        "6m1s",
    ]
