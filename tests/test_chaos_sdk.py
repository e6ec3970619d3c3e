"""Each fault as the official SDKs meet it: the exception class and retry
behaviour the real provider would cause."""

from __future__ import annotations

import json

import anthropic
import httpx2
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

from harness.chaos import Injection, Schedule, attach, make
from harness.chaos.schedule import split_schedule
from harness.double import Double, FlowingClock
from harness.headers import parse_http_date, parse_sf_date
from harness.routes import Route

# The openai SDK marks the whole Sora API deprecated; that is the SDK talking, not a fault.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def doubles():
    made = []

    def double(provider, **options):
        made.append(Double(provider, seed=11, **options))
        return made[-1]

    yield double
    for d in made:
        d.close()


def inject(double, fault, route=None, **schedule_and_params):
    schedule, params = split_schedule(schedule_and_params)
    injection = Injection(
        make(fault, params),
        route=Route.parse(route) if route else None,
        schedule=Schedule(**schedule),
        key=fault,
    )
    attach(injection, double)
    return injection


def openai_client(double, **options):
    return openai.OpenAI(
        api_key="sk-test",
        base_url="https://api.openai.com/v1",
        http_client=httpx2.Client(transport=double.transport("httpx2")),
        **options,
    )


def anthropic_client(double, **options):
    return anthropic.Anthropic(
        api_key="test",
        base_url="https://api.anthropic.com",
        http_client=httpx2.Client(transport=double.transport("httpx2")),
        **options,
    )


def gemini_client(double):
    return genai.Client(
        api_key="test",
        http_options=genai_types.HttpOptions(
            base_url="https://generativelanguage.googleapis.com",
            api_version="v1beta",
            client_args={"transport": double.transport("httpx2")},
        ),
    )


CHAT = dict(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
MESSAGE = dict(model="claude-sonnet-4-6", max_tokens=50, messages=[{"role": "user", "content": "hi"}])


def test_openai_retries_a_429_after_retry_after_ms(doubles):
    double = doubles("openai")
    inject(double, "rate_limit", first=1, retry_after=0.3)
    reply = openai_client(double, max_retries=2).chat.completions.create(**CHAT)
    assert reply.choices[0].message.content
    first, second = double.journal
    assert (first.status, second.status) == (429, 200) and first.fault == "rate_limit"
    assert first.response.header("retry-after-ms") == "300"
    assert second.started - first.started >= 0.29


def test_openai_does_not_retry_insufficient_quota(doubles):
    double = doubles("openai")
    inject(double, "rate_limit", quota=True)
    with pytest.raises(openai.RateLimitError) as info:
        openai_client(double, max_retries=2).chat.completions.create(**CHAT)
    assert info.value.code == "insufficient_quota" and len(double.journal) == 1


def test_openai_model_retired_is_not_found_and_listed_with_its_shutdown_date(doubles):
    double = doubles("openai")
    inject(double, "model_retired", model="gpt-4o-mini", shutdown_date="2026-09-24")
    client = openai_client(double, max_retries=2)
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(**CHAT)
    assert info.value.code == "model_not_found" and "has been deprecated" in info.value.message
    assert len(double.journal) == 1  # 404 is not retried
    listed = {m.id: m for m in client.models.list()}
    assert listed["gpt-4o-mini"].shutdown_date == "2026-09-24"


def test_openai_outage_is_retried_then_raises_internal_server_error(doubles):
    double = doubles("openai")
    inject(double, "outage", status=502)
    with pytest.raises(openai.InternalServerError):
        openai_client(double, max_retries=1).chat.completions.create(**CHAT)
    assert [x.status for x in double.journal] == [502, 502]


def test_gone_is_a_plain_status_error_in_every_sdk(doubles):
    o, a = doubles("openai"), doubles("anthropic")
    inject(o, "gone")
    inject(a, "gone")
    with pytest.raises(openai.APIStatusError) as oi:
        openai_client(o, max_retries=0).chat.completions.create(**CHAT)
    with pytest.raises(anthropic.APIStatusError) as ai:
        anthropic_client(a, max_retries=0).messages.create(**MESSAGE)
    assert oi.value.status_code == ai.value.status_code == 410
    assert type(oi.value) is openai.APIStatusError and type(ai.value) is anthropic.APIStatusError


def test_deprecated_answers_normally_with_rfc_headers(doubles):
    double = doubles("openai")
    inject(double, "deprecated", since="2026-03-24", sunset="2026-09-24")
    raw = openai_client(double).chat.completions.with_raw_response.create(**CHAT)
    assert raw.parse().choices[0].message.content
    assert parse_sf_date(raw.headers["deprecation"]) == 1774310400
    assert parse_http_date(raw.headers["sunset"]) == 1790208000
    assert 'rel="sunset"' in raw.headers["link"]


def test_anthropic_retries_529_overloaded(doubles):
    double = doubles("anthropic")
    inject(double, "outage", first=1)
    reply = anthropic_client(double, max_retries=2).messages.create(**MESSAGE)
    assert reply.content[0].text and [x.status for x in double.journal] == [529, 200]
    assert double.journal[0].response.json["error"]["type"] == "overloaded_error"


def test_anthropic_outage_raises_overloaded_error(doubles):
    double = doubles("anthropic")
    inject(double, "outage")
    with pytest.raises(anthropic.OverloadedError):
        anthropic_client(double, max_retries=0).messages.create(**MESSAGE)


def test_anthropic_rate_limit_and_retired_model(doubles):
    double = doubles("anthropic")
    inject(double, "rate_limit", retry_after=1)
    with pytest.raises(anthropic.RateLimitError):
        anthropic_client(double, max_retries=0).messages.create(**MESSAGE)
    other = doubles("anthropic")
    inject(other, "model_retired", model="claude-sonnet-4-6")
    with pytest.raises(anthropic.NotFoundError):
        anthropic_client(other, max_retries=0).messages.create(**MESSAGE)


def test_gemini_outage_and_rate_limit_raise_its_errors(doubles):
    double = doubles("gemini")
    inject(double, "outage")
    client = gemini_client(double)  # keep it: the SDK closes its HTTP client when collected
    with pytest.raises(genai_errors.ServerError) as info:
        client.models.generate_content(model="gemini-2.5-flash", contents="hi")
    assert info.value.code == 503 and info.value.status == "UNAVAILABLE"
    other = doubles("gemini")
    inject(other, "rate_limit", retry_after=7)
    client = gemini_client(other)
    with pytest.raises(genai_errors.ClientError) as info:
        client.models.generate_content(model="gemini-2.5-flash", contents="hi")
    assert info.value.code == 429 and info.value.status == "RESOURCE_EXHAUSTED"


def test_refusals_in_each_providers_own_shape(doubles):
    o, a, g = doubles("openai"), doubles("anthropic"), doubles("gemini")
    for double in (o, a, g):
        inject(double, "refusal")
    chat = openai_client(o).chat.completions.create(**CHAT)
    assert chat.choices[0].finish_reason == "content_filter" and chat.choices[0].message.refusal
    with pytest.raises(openai.BadRequestError) as info:
        openai_client(o).images.generate(model="gpt-image-1", prompt="x")
    assert info.value.code == "moderation_blocked"
    message = anthropic_client(a).messages.create(**MESSAGE)
    assert message.stop_reason == "refusal"
    client = gemini_client(g)
    answer = client.models.generate_content(model="gemini-2.5-flash", contents="hi")
    assert answer.prompt_feedback.block_reason.name == "SAFETY" and not answer.candidates


def test_a_video_refusal_fails_the_job_and_refusal_drift_changes_its_code(doubles):
    for fault, code in (("refusal", "moderation_blocked"), ("refusal_drift", "content_policy_violation")):
        double = doubles("openai", job_seconds=0.2, clock=FlowingClock())  # before the Videos API's shutdown
        inject(double, fault, route="POST /v1/videos")
        video = openai_client(double).videos.create_and_poll(prompt="a fox", poll_interval_ms=20)
        assert video.status == "failed" and video.error.code == code


def test_job_fail_ends_create_and_poll_with_a_failed_video(doubles):
    double = doubles("openai", job_seconds=5, clock=FlowingClock())
    inject(double, "job_fail", route="GET /v1/videos/{video_id}", code="internal_error")
    video = openai_client(double).videos.create_and_poll(prompt="a fox", poll_interval_ms=10)
    assert video.status == "failed" and video.error.code == "internal_error"


def test_job_stall_keeps_a_job_from_finishing(doubles):
    double = doubles("openai", job_seconds=0.05, clock=FlowingClock())
    inject(double, "job_stall", route="GET /v1/videos/{video_id}")
    client = openai_client(double)
    video = client.videos.create(prompt="a fox")
    import time

    time.sleep(0.1)
    assert [client.videos.retrieve(video.id).status for _ in range(3)] == ["in_progress"] * 3


def test_stream_cut_and_drop_end(doubles):
    double = doubles("openai")
    inject(double, "stream_cut", after_events=2, abort=True)
    received = []
    with pytest.raises((openai.APIConnectionError, httpx2.TransportError)):
        for chunk in openai_client(double, max_retries=0).chat.completions.create(stream=True, **CHAT):
            received.append(chunk)
    assert len(received) == 2
    quiet = doubles("anthropic")
    inject(quiet, "stream_cut")  # drop only the end marker
    events = [e.type for e in anthropic_client(quiet).messages.create(stream=True, **MESSAGE)]
    assert events[0] == "message_start" and "message_stop" not in events


def test_slow_first_byte_and_stream_stall_hit_the_clients_timeout(doubles):
    double = doubles("openai")
    inject(double, "slow_first_byte", seconds=2)
    with pytest.raises(openai.APITimeoutError):
        openai_client(double, max_retries=0, timeout=0.2).chat.completions.create(**CHAT)
    stalled = doubles("openai")
    inject(stalled, "stream_stall", after_events=1, seconds=2)
    with pytest.raises((openai.APITimeoutError, httpx2.ReadTimeout)):
        for _ in openai_client(stalled, max_retries=0, timeout=0.3).chat.completions.create(stream=True, **CHAT):
            pass


def test_malformed_bodies_fail_to_parse(doubles):
    double = doubles("openai")
    inject(double, "malformed", kind="html")
    reply = openai_client(double, max_retries=0).chat.completions.with_raw_response.create(**CHAT)
    assert reply.headers["content-type"].startswith("text/html")
    truncated = doubles("openai")
    inject(truncated, "malformed", kind="truncated")
    # openai-python does not wrap this: the app meets a bare JSONDecodeError.
    with pytest.raises(json.JSONDecodeError):
        openai_client(truncated, max_retries=0).chat.completions.create(**CHAT)


def test_drift_reaches_the_sdk_as_a_missing_field(doubles):
    double = doubles("openai")
    inject(double, "drift", pointer="/choices/*/message/content", op="rename", to="text")
    reply = openai_client(double).chat.completions.create(**CHAT)
    assert reply.choices[0].message.content is None  # the SDK does not notice; the app must


def fault_log(seed):
    double = Double("openai", seed=seed)
    injection = Injection(make("outage"), schedule=Schedule(probability=0.4), seed=seed, key="0:outage")
    attach(injection, double)
    client = openai_client(double, max_retries=0)
    for _ in range(30):
        try:
            client.models.list()
        except openai.InternalServerError:
            pass
    double.close()
    return [(a.call, a.route) for a in injection.log], [x.status for x in double.journal]


def test_the_same_seed_gives_the_same_fault_log():
    assert fault_log(5) == fault_log(5)
    assert fault_log(5) != fault_log(6)
