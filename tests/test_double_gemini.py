"""The Gemini double: its handlers on their own, then through google-genai
(in-process and over real HTTP), and its journal against the baseline contracts."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import calls
import httpx
import httpx2
import pytest
from google import genai
from google.genai import errors, types

from harness import chaos, contracts
from harness.double import Double, VirtualClock, media
from harness.double.call import Call, Reply, State
from harness.providers import gemini as provider

pytestmark = pytest.mark.filterwarnings("error")  # typed objects must build without a warning

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts" / "providers" / "gemini"
HOST = "https://generativelanguage.googleapis.com"
MODEL, VEO = "gemini-2.5-flash", "veo-3.1-generate-preview"
# The SDK checks for empty contents itself; a role the API does not know reaches the double.
BAD_ROLE = [types.Content(role="narrator", parts=[types.Part(text="hi")])]


def make_state(seed: int = 0, job_seconds: float = 60.0) -> State:
    return State(rng=random.Random(seed), clock=VirtualClock(), settings={"job_seconds": job_seconds})


def make_call(state: State, method: str, path: str, *, route: str = "", **options: Any) -> Call:
    return calls.make_call(
        state, method, path, route=route, headers=(("host", "generativelanguage.googleapis.com"),), **options
    )


def answered(handler: Callable[[Call], Reply], call: Call) -> Reply:
    return calls.answered(provider.PROVIDER, handler, call)


def prompt(text: str = "Why is the sky blue?", **fields: Any) -> dict[str, Any]:
    return {"contents": [{"role": "user", "parts": [{"text": text}]}], **fields}


def generate(
    state: State, body: Any, model: str = MODEL, method: str = "generateContent", query: dict[str, str] | None = None
) -> Reply:
    handler = {"generateContent": provider.generate_content, "streamGenerateContent": provider.stream_generate_content}[
        method
    ]
    return answered(
        handler,
        make_call(
            state,
            "POST",
            f"/v1beta/models/{model}:{method}",
            body=body,
            query=query,
            params={"model": model},
            route=f"POST /v1beta/models/{{model}}:{method}",
        ),
    )


def start_video(state: State, body: Any, model: str = VEO) -> Reply:
    return answered(
        provider.predict_long_running,
        make_call(
            state,
            "POST",
            f"/v1beta/models/{model}:predictLongRunning",
            body=body,
            params={"model": model},
            route="POST /v1beta/models/{model}:predictLongRunning",
        ),
    )


def poll(state: State, name: str) -> Reply:
    return answered(
        provider.get_resource,
        make_call(state, "GET", f"/v1beta/{name}", params={"name": name}, route="GET /v1beta/{name:path}"),
    )


def download(state: State, file_id: str) -> Reply:
    return answered(
        provider.download_file,
        make_call(
            state,
            "GET",
            f"/v1beta/files/{file_id}:download",
            params={"file_id": file_id},
            query={"alt": "media"},
            route="GET /v1beta/files/{file_id}:download",
        ),
    )


def file_id_of(uri: str) -> str:
    return uri.rsplit("/files/", 1)[1].split(":")[0]


# -- generateContent ------------------------------------------------------------


def test_an_answer_has_candidates_usage_and_quotes_the_prompt():
    answer = generate(make_state(), prompt("Why is the sea salty?")).json
    (candidate,) = answer["candidates"]
    assert candidate["content"]["role"] == "model"
    assert "Why is the sea salty?" in candidate["content"]["parts"][0]["text"]
    assert candidate["finishReason"] == "STOP" and candidate["index"] == 0
    assert {r["probability"] for r in candidate["safetyRatings"]} == {"NEGLIGIBLE"}
    usage = answer["usageMetadata"]
    assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["candidatesTokenCount"]
    assert answer["modelVersion"] == MODEL and len(answer["responseId"]) == 22


def test_same_seed_gives_the_same_answer():
    assert generate(make_state(seed=2), prompt()).json == generate(make_state(seed=2), prompt()).json
    assert generate(make_state(seed=3), prompt()).json != generate(make_state(seed=2), prompt()).json


def test_max_output_tokens_ends_with_max_tokens():
    answer = generate(make_state(), prompt(generationConfig={"maxOutputTokens": 5})).json
    assert answer["candidates"][0]["finishReason"] == "MAX_TOKENS"
    assert answer["usageMetadata"]["candidatesTokenCount"] == 5


def test_a_stop_sequence_ends_the_answer_before_it_with_stop():
    answer = generate(make_state(), prompt("say BLUE now", generationConfig={"stopSequences": ["BLUE"]})).json
    assert answer["candidates"][0]["finishReason"] == "STOP"
    assert answer["candidates"][0]["content"]["parts"][0]["text"] == "You asked: \u201csay "


@pytest.mark.parametrize(
    "body, says",
    [
        ({}, "contents is not specified"),
        (prompt(contents=[{"role": "user", "parts": []}]), "parts must not be empty"),
        (prompt(contents=[{"role": "system", "parts": [{"text": "x"}]}]), "valid role"),
    ],
)
def test_a_bad_request_is_invalid_argument(body, says):
    reply = generate(make_state(), body)
    assert reply.status == 400 and reply.json["error"]["status"] == "INVALID_ARGUMENT"
    assert says in reply.json["error"]["message"]


@pytest.mark.parametrize("model, method", [("gemini-0", "generateContent"), (VEO, "generateContent")])
def test_an_unknown_or_unsuitable_model_is_not_found(model, method):
    reply = generate(make_state(), prompt(), model=model, method=method)
    assert reply.status == 404 and reply.json["error"]["status"] == "NOT_FOUND"
    assert f"models/{model} is not found for API version v1beta" in reply.json["error"]["message"]


def test_a_stream_with_alt_sse_is_data_lines_that_make_the_same_answer():
    whole = generate(make_state(seed=4), prompt()).json
    events = generate(make_state(seed=4), prompt(), method="streamGenerateContent", query={"alt": "sse"}).events
    assert len(events) > 1 and all(e.event is None for e in events)  # plain `data:` lines
    chunks = [e.json for e in events]
    assert {c["responseId"] for c in chunks} == {whole["responseId"]}
    text = "".join(c["candidates"][0]["content"]["parts"][0]["text"] for c in chunks)
    assert text == whole["candidates"][0]["content"]["parts"][0]["text"]
    assert [("finishReason" in c["candidates"][0]) for c in chunks] == [False] * (len(chunks) - 1) + [True]
    assert chunks[-1]["usageMetadata"] == whole["usageMetadata"]


def test_a_stream_without_alt_sse_is_one_json_array():
    reply = generate(make_state(), prompt(), method="streamGenerateContent")
    assert reply.events is None and isinstance(reply.json, list) and len(reply.json) > 1


# -- the google.rpc.Status envelope ----------------------------------------------


@pytest.mark.parametrize(
    "status, name",
    [
        (400, "INVALID_ARGUMENT"),
        (401, "UNAUTHENTICATED"),
        (403, "PERMISSION_DENIED"),
        (404, "NOT_FOUND"),
        (429, "RESOURCE_EXHAUSTED"),
        (500, "INTERNAL"),
        (503, "UNAVAILABLE"),
        (504, "DEADLINE_EXCEEDED"),
        (410, "FAILED_PRECONDITION"),
        (502, "INTERNAL"),  # unlisted: by class
    ],
)
def test_the_envelope_names_the_status(status, name):
    body = provider.error(status, "boom").json
    assert body["error"]["code"] == status and body["error"]["status"] == name
    assert body["error"]["message"] == "boom" and isinstance(body["error"]["details"], list)


def test_a_429_says_when_to_retry_and_which_quota():
    details = provider.error(429, "slow down", retry_delay=7.2).json["error"]["details"]
    by_type = {d["@type"].rsplit(".", 1)[1]: d for d in details}
    assert by_type["RetryInfo"]["retryDelay"] == "8s"
    assert by_type["QuotaFailure"]["violations"][0]["quotaId"]


def test_code_and_param_become_typed_details():
    body = provider.error(400, "API key not valid.", code="API_KEY_INVALID", param="key").json["error"]
    kinds = [d["@type"] for d in body["details"]]
    assert kinds == ["type.googleapis.com/google.rpc.ErrorInfo", "type.googleapis.com/google.rpc.BadRequest"]
    assert body["details"][0]["reason"] == "API_KEY_INVALID"
    overridden = provider.error(400, "x", type="FAILED_PRECONDITION").json["error"]
    assert overridden["status"] == "FAILED_PRECONDITION"


# -- Veo: an operation that finishes on the double's clock -----------------------


def test_a_video_operation_is_done_after_job_seconds_with_a_downloadable_video():
    state = make_state(job_seconds=60)
    started = start_video(state, {"instances": [{"prompt": "a red fox"}], "parameters": {"sampleCount": 2}})
    operation = started.json
    assert operation["name"].startswith(f"models/{VEO}/operations/") and operation["done"] is False
    state.clock.advance(30)
    halfway = poll(state, operation["name"]).json
    assert halfway["done"] is False and halfway["metadata"]["progressPercent"] == 50
    assert download(state, "not-yet").status == 404
    state.clock.advance(30)
    done = poll(state, operation["name"]).json
    assert done["done"] is True and "error" not in done
    samples = done["response"]["generateVideoResponse"]["generatedSamples"]
    assert len(samples) == 2
    uri = samples[0]["video"]["uri"]
    assert uri.startswith("https://generativelanguage.googleapis.com/v1beta/files/")
    assert uri.endswith(":download?alt=media")
    video = download(state, file_id_of(uri))
    assert video.status == 200 and video.content_type == "video/mp4"
    assert [kind for kind, _ in media.boxes(video.body)] == ["ftyp", "moov", "mdat"]
    assert download(state, file_id_of(samples[1]["video"]["uri"])).body != video.body  # each its own


def test_a_videos_file_is_not_served_before_the_operation_is_done():
    state = make_state(job_seconds=60)
    operation = start_video(state, {"instances": [{"prompt": "a red fox"}]}).json
    file_id = state.jobs[operation["name"].rsplit("/", 1)[1]]["files"][0]
    assert download(state, file_id).status == 404
    state.clock.advance(60)
    assert download(state, file_id).status == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"instances": []},
        {"instances": [{}]},
        {"instances": [{"prompt": "x"}], "parameters": {"aspectRatio": "4:3"}},
        {"instances": [{"prompt": "x"}], "parameters": {"sampleCount": 9}},
        {"instances": [{"prompt": "x"}], "parameters": {"durationSeconds": 30}},
    ],
)
def test_a_bad_video_request_is_invalid_argument(body):
    assert start_video(make_state(), body).json["error"]["status"] == "INVALID_ARGUMENT"


def test_unknown_operations_and_text_models_for_video_are_not_found():
    state = make_state()
    assert poll(state, f"models/{VEO}/operations/nope").status == 404
    assert poll(state, "tunedModels/x").status == 404
    assert start_video(state, {"instances": [{"prompt": "x"}]}, model=MODEL).status == 404


# -- bad days (the provider's Failures, used by the chaos layer) ----------------


def test_job_state_stall_and_fail_work_on_operation_bodies():
    state = make_state(job_seconds=1)
    operation = start_video(state, {"instances": [{"prompt": "a red fox"}]}).json
    op_id = operation["name"].rsplit("/", 1)[1]
    assert provider.job_state(operation) == (op_id, "running")
    state.clock.advance(2)
    done = poll(state, operation["name"]).json
    assert provider.job_state(done) == (op_id, "succeeded")
    stalled = provider.job_stall(done)
    assert stalled["done"] is False and stalled["metadata"]["progressPercent"] == 99
    assert provider.job_state(stalled) == (op_id, "running")
    failed = provider.failed_operation(done, "internal_error", "Video generation failed.")
    assert provider.job_state(failed) == (op_id, "failed")
    assert failed["error"]["code"] == 13 and failed["error"]["details"][0]["reason"] == "internal_error"
    assert provider.failed_operation(done, "RESOURCE_EXHAUSTED", "x")["error"] == {"code": 8, "message": "x"}
    assert provider.job_state({"candidates": []}) is None


def test_a_failure_marked_on_the_job_holds_for_every_later_poll():
    state = make_state(job_seconds=1)
    operation = start_video(state, {"instances": [{"prompt": "a red fox"}]}).json
    record = state.jobs[operation["name"].rsplit("/", 1)[1]]
    record["failure"] = {"code": "internal_error", "message": "It broke."}  # what job_fail writes
    state.clock.advance(5)
    for _ in range(2):
        again = poll(state, operation["name"]).json
        assert again["done"] is True and again["error"]["message"] == "It broke." and "response" not in again
    assert download(state, record["files"][0]).status == 404


def test_a_refusal_blocks_the_prompt_or_filters_the_video():
    state = make_state(job_seconds=1)
    call = make_call(state, "POST", f"/v1beta/models/{MODEL}:generateContent", params={"model": MODEL})
    blocked = provider.refusal(call, generate(state, prompt()), None).json
    assert "candidates" not in blocked and blocked["promptFeedback"]["blockReason"] == "SAFETY"
    streamed = provider.refusal(
        call, generate(state, prompt(), method="streamGenerateContent", query={"alt": "sse"}), "PROHIBITED_CONTENT"
    )
    assert [e.json["promptFeedback"]["blockReason"] for e in streamed.events] == ["PROHIBITED_CONTENT"]
    operation = start_video(state, {"instances": [{"prompt": "a red fox"}]}).json
    state.clock.advance(2)
    filtered = provider.refusal(call, poll(state, operation["name"]), None).json
    video = filtered["response"]["generateVideoResponse"]
    assert video["raiMediaFilteredCount"] == 1 and "generatedSamples" not in video


def test_rate_limits_and_retired_models_in_googles_words():
    state = make_state()
    call = make_call(
        state,
        "POST",
        f"/v1beta/models/{MODEL}:generateContent",
        params={"model": MODEL},
        route="POST /v1beta/models/{model}:generateContent",
    )
    limited = provider.rate_limited(call, 3, True).json["error"]
    assert limited["status"] == "RESOURCE_EXHAUSTED"
    assert "FreeTier" in limited["details"][0]["violations"][0]["quotaId"]
    assert limited["details"][1]["retryDelay"] == "3s"
    retired = provider.model_retired(call, MODEL)
    assert retired.status == 404 and "not supported for generateContent" in retired.json["error"]["message"]


# -- through google-genai ----------------------------------------------------------


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def double(clock) -> Iterator[Double]:
    with Double("gemini", seed=11, clock=clock, job_seconds=20) as made:
        yield made


def in_process_options(double: Double, flavour: str = "httpx2", **extra: Any) -> types.HttpOptions:
    # google-genai takes a transport through client_args and picks httpx or
    # httpx2 from the transport's own package.
    return types.HttpOptions(
        base_url=HOST,
        client_args={"transport": double.transport(flavour)},
        async_client_args={"transport": double.async_transport(flavour)},
        **extra,
    )


@pytest.fixture(params=["in-process", "in-process-httpx", "http"])
def options(request, double) -> Iterator[Callable[..., types.HttpOptions]]:
    """HttpOptions for a client, on each way into the double."""
    if request.param == "http":
        with double.serve() as url:
            yield lambda **extra: types.HttpOptions(base_url=url, **extra)
    else:
        flavour = "httpx" if request.param.endswith("httpx") else "httpx2"
        yield lambda **extra: in_process_options(double, flavour, **extra)


def rest_client(double: Double, options: types.HttpOptions) -> httpx2.Client:
    """A plain HTTP client that reaches the double the same way the SDK client does."""
    if options.base_url == HOST:
        return httpx2.Client(base_url=HOST, transport=double.transport("httpx2"))
    return httpx2.Client(base_url=options.base_url)


@pytest.fixture
def client(options) -> Iterator[genai.Client]:
    with genai.Client(api_key="test", http_options=options()) as made:
        yield made


def test_sdk_generates_content(client):
    response = client.models.generate_content(model=MODEL, contents="Why is the sky blue?")
    assert "Why is the sky blue?" in response.text
    assert response.candidates[0].finish_reason == types.FinishReason.STOP
    assert response.candidates[0].safety_ratings[0].probability == types.HarmProbability.NEGLIGIBLE
    assert response.usage_metadata.total_token_count > response.usage_metadata.prompt_token_count > 0
    assert response.model_version == MODEL and response.response_id


def test_sdk_streams_content(client):
    chunks = list(client.models.generate_content_stream(model=MODEL, contents="Count to five"))
    assert len(chunks) > 1
    assert "Count to five" in "".join(chunk.text for chunk in chunks)
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP


def test_sdk_polls_a_video_operation_until_done_and_downloads_it(double, clock, client, options):
    # google-genai 3.4 starts Veo jobs only on Vertex (generate_videos raises on the
    # Developer API), so the job starts as a REST app starts it, then the SDK polls.
    with rest_client(double, options()) as rest:
        started = rest.post(
            f"/v1beta/models/{VEO}:predictLongRunning",
            headers={"x-goog-api-key": "test"},
            json={"instances": [{"prompt": "a red fox in snow"}]},
        )
    assert started.status_code == 200
    operation = types.GenerateVideosOperation(name=started.json()["name"])
    polls = 0
    while not operation.done:
        clock.advance(10)  # the virtual clock stands in for time.sleep(10)
        operation = client.operations.get(operation)
        polls += 1
    assert polls == 2 and operation.error is None
    video = operation.response.generated_videos[0]
    data = client.files.download(file=video)
    assert data[4:8] == b"ftyp" and video.video.video_bytes == data


def test_sdk_raises_client_errors_with_googles_status(client):
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model="gemini-0", contents="hi")
    assert (caught.value.code, caught.value.status) == (404, "NOT_FOUND")
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model=MODEL, contents=BAD_ROLE)
    assert (caught.value.code, caught.value.status) == (400, "INVALID_ARGUMENT")
    assert caught.value.message == "Please use a valid role: user, model."


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


def test_sdk_raises_server_errors_and_quota_errors(double, client):
    double.hooks.append(Answering(outage))
    with pytest.raises(errors.ServerError) as caught:
        client.models.generate_content(model=MODEL, contents="hi")
    assert (caught.value.code, caught.value.status) == (503, "UNAVAILABLE")
    double.hooks[:] = [Answering(lambda call: provider.rate_limited(call, 5, False))]
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model=MODEL, contents="hi")
    assert (caught.value.code, caught.value.status) == (429, "RESOURCE_EXHAUSTED")
    assert caught.value.details["error"]["details"][-1]["retryDelay"] == "5s"


def test_sdk_sees_a_blocked_prompt(double, client):
    double.hooks.append(
        type(
            "Refusing",
            (),
            {"name": "refusal", "after": staticmethod(lambda call, reply: provider.refusal(call, reply, None))},
        )()
    )
    response = client.models.generate_content(model=MODEL, contents="hi")
    assert not response.candidates
    assert response.prompt_feedback.block_reason == types.BlockedReason.SAFETY


def test_async_sdk_generates_and_streams(double):
    async def run() -> tuple[str, str]:
        async with genai.Client(api_key="test", http_options=in_process_options(double)).aio as client:
            whole = await client.models.generate_content(model=MODEL, contents="async sky")
            parts = [
                chunk.text
                async for chunk in await client.models.generate_content_stream(model=MODEL, contents="async sky")
            ]
        return whole.text, "".join(parts)

    whole, streamed = asyncio.run(run())
    assert "async sky" in whole and "async sky" in streamed


def test_both_api_versions_are_served(double):
    with httpx.Client(base_url=HOST, transport=double.transport()) as http:
        for version in ("v1", "v1beta"):
            reply = http.post(f"/{version}/models/{MODEL}:generateContent", json=prompt())
            assert reply.status_code == 200 and reply.json()["candidates"]
        assert http.get("/v1/models").json()["models"][0]["name"] == f"models/{MODEL}"


# -- the chaos layer's faults, acting through this provider ---------------------


def start_with_rest(double: Double, options: types.HttpOptions) -> types.GenerateVideosOperation:
    with rest_client(double, options) as rest:
        started = rest.post(f"/v1beta/models/{VEO}:predictLongRunning", json={"instances": [{"prompt": "fox"}]})
    return types.GenerateVideosOperation(name=started.json()["name"])


def test_chaos_job_stall_keeps_a_video_running_until_it_stops(double, clock, client, options):
    operation = start_with_rest(double, options())
    active = chaos.attach(chaos.Injection(chaos.make("job_stall")), double)
    clock.advance(60)
    assert client.operations.get(operation).done is False
    double.hooks.remove(active)
    assert client.operations.get(operation).done is True


def test_chaos_job_fail_fails_a_video_for_good(double, clock, client, options):
    operation = start_with_rest(double, options())
    active = chaos.attach(chaos.Injection(chaos.make("job_fail", {"message": "Veo broke."})), double)
    clock.advance(60)
    failed = client.operations.get(operation)
    assert failed.done is True and failed.error["message"] == "Veo broke." and failed.response is None
    double.hooks.remove(active)
    assert client.operations.get(operation).error["message"] == "Veo broke."  # terminal states hold


@pytest.mark.parametrize(
    "fault, error, code",
    [
        ("outage", errors.ServerError, 503),
        ("rate_limit", errors.ClientError, 429),
        ("model_retired", errors.ClientError, 404),
    ],
)
def test_chaos_http_faults_reach_the_sdk_as_its_own_errors(double, client, fault, error, code):
    chaos.attach(chaos.Injection(chaos.make(fault)), double)
    with pytest.raises(error) as caught:
        client.models.generate_content(model=MODEL, contents="hi")
    assert caught.value.code == code


# -- the journal against the shipped baseline contracts ------------------------


def test_every_exchange_checks_clean_against_the_baseline_contracts(request, double, clock, options):
    # The baselines name v1beta paths (the documented API), so this client asks for v1beta.
    client = genai.Client(api_key="test", http_options=options(api_version="v1beta"))
    request.addfinalizer(client.close)
    client.models.generate_content(
        model=MODEL, contents="hello", config=types.GenerateContentConfig(max_output_tokens=16)
    )
    list(client.models.generate_content_stream(model=MODEL, contents="hello"))
    with rest_client(double, options()) as rest:
        name = rest.post(
            f"/v1beta/models/{VEO}:predictLongRunning", json={"instances": [{"prompt": "a red fox"}]}
        ).json()["name"]
    operation = client.operations.get(types.GenerateVideosOperation(name=name))
    clock.advance(30)
    operation = client.operations.get(operation)
    client.files.download(file=operation.response.generated_videos[0])
    for model, contents in (("gemini-0", "hi"), (MODEL, BAD_ROLE)):
        with pytest.raises(errors.ClientError):
            client.models.generate_content(model=model, contents=contents)
    for answer in (lambda call: provider.rate_limited(call, 2, False), outage):
        double.hooks[:] = [Answering(answer)]
        with pytest.raises(errors.APIError):
            client.models.generate_content(model=MODEL, contents="hi")
    double.hooks.clear()

    result = contracts.verify(contracts.load_path(CONTRACTS), list(double.journal))
    assert not result.violations, "\n".join(str(v) for v in result.violations)
    # Only the video download is outside the baselines.
    assert [x.route for x in result.unmatched] == ["GET /v1beta/files/{file_id}:download"]
    assert result.checked == len(double.journal) - 1
