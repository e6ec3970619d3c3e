"""Query strings are checked like bodies: a parameter the route does not take, or a value
not of its type, gets the provider's 400 naming it; what the SDKs send passes; a secret in
the query (`key=`) never reaches an error or the journal."""

from __future__ import annotations

import json
import warnings

import httpx
import httpx2
import openai
import pytest
from google import genai
from google.genai import types as genai_types

from harness.double import Double, VirtualClock

OPENAI, GEMINI = "https://api.openai.com", "https://generativelanguage.googleapis.com"
SECRET = "AIzaSyNOT-A-REAL-KEY-0123456789"


@pytest.fixture(scope="module")
def doubles():
    clock = VirtualClock()  # 2026-01-01: the Videos API is still up
    with (
        Double("openai", clock=clock, job_seconds=0) as o,
        Double("openai", clock=clock, strict=False) as o_lax,
        Double("gemini", clock=clock) as g,
        Double("gemini", clock=clock, strict=False) as g_lax,
    ):
        yield {"openai": o, "openai-lenient": o_lax, "gemini": g, "gemini-lenient": g_lax}


def get(double: Double, url: str) -> httpx.Response:
    host = OPENAI if double.name == "openai" else GEMINI
    with httpx.Client(base_url=host, transport=double.transport(), headers={"authorization": "Bearer sk-test"}) as c:
        return c.get(url)


OPENAI_REJECTED = [
    ("/v1/videos?colour=red", "Unrecognized request argument supplied: colour", "colour", None),
    (
        "/v1/videos?limit=ten",
        "Invalid type for 'limit': expected an integer, but got a string instead.",
        "limit",
        "invalid_type",
    ),
    (
        "/v1/videos?limit=500",
        "Invalid 'limit': integer above maximum value. Expected a value <= 100, but got 500 instead.",
        "limit",
        "integer_above_max_value",
    ),
    ("/v1/videos?order=newest", "Invalid value: 'newest'. Supported values are: 'asc', and 'desc'.", "order", None),
    ("/v1/models?limit=3", "Unrecognized request argument supplied: limit", "limit", None),
    (
        "/v1/responses/resp_1?stream=maybe",
        "Invalid type for 'stream': expected a boolean, but got a string instead.",
        "stream",
        "invalid_type",
    ),
]


@pytest.mark.parametrize(("url", "message", "param", "code"), OPENAI_REJECTED, ids=[r[0] for r in OPENAI_REJECTED])
def test_openai_refuses_query_parameters_the_route_does_not_take(doubles, url, message, param, code):
    answer = get(doubles["openai"], url)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert (error["message"], error["param"]) == (message, param)
    if code:
        assert error["code"] == code
    if message.startswith("Unrecognized"):  # the videos list reads its own limit and order, lenient or not
        assert get(doubles["openai-lenient"], url).status_code != 400


def test_openai_sdk_list_pages_pass_and_a_bad_limit_is_a_bad_request(doubles):
    client = openai.OpenAI(
        api_key="sk-test",
        base_url=OPENAI + "/v1",
        http_client=httpx2.Client(transport=doubles["openai"].transport("httpx2")),
        max_retries=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the SDK's own Sora notice
        for _ in range(3):
            client.videos.create(prompt="a fox")
        pages = client.videos.list(limit=2, order="asc")
        assert len([v.id for v in pages]) == 3  # the second page asks with after=
        assert "after=" in str(doubles["openai"].journal[-1].request.url)
        with pytest.raises(openai.BadRequestError) as caught:
            client.videos.list(limit=101)
    assert caught.value.param == "limit"


GEMINI_REJECTED = [
    (
        "/v1beta/models?pageSize=ten",
        "Invalid value at 'page_size' (TYPE_INT32), \"ten\"",
    ),
    (
        "/v1beta/models?pagesize=10",
        'Invalid JSON payload received. Unknown name "pagesize": Cannot bind query parameter. '
        "Field 'pagesize' could not be found in request message.",
    ),
    (
        "/v1beta/models/gemini-2.5-flash?pageSize=10",
        'Invalid JSON payload received. Unknown name "pageSize": Cannot bind query parameter. '
        "Field 'pageSize' could not be found in request message.",
    ),
    ("/v1beta/models?alt=xml", "Invalid value at 'alt' (TYPE_ENUM), \"xml\""),
]


@pytest.mark.parametrize(("url", "message"), GEMINI_REJECTED, ids=[r[0] for r in GEMINI_REJECTED])
def test_gemini_refuses_query_parameters_it_cannot_bind_and_never_repeats_the_key(doubles, url, message):
    keyed = f"{url}&key={SECRET}"
    answer = get(doubles["gemini"], keyed)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["message"] == message
    assert SECRET not in answer.text
    assert SECRET not in json.dumps(doubles["gemini"].journal[-1].request.url)
    assert get(doubles["gemini-lenient"], keyed).status_code == 200


def test_gemini_takes_its_system_parameters_and_the_sdks_queries(doubles):
    for url in ("/v1beta/models?pageSize=5&pageToken=abc", "/v1beta/models?alt=json&prettyPrint=false&$fields=models"):
        assert get(doubles["gemini"], f"{url}&key={SECRET}").status_code == 200, url
    gm = genai.Client(
        api_key=SECRET,
        http_options=genai_types.HttpOptions(
            base_url=GEMINI, api_version="v1beta", client_args={"transport": doubles["gemini"].transport("httpx2")}
        ),
    )
    assert any(m.name == "models/gemini-2.5-flash" for m in gm.models.list(config={"page_size": 5}))
    streamed = gm.models.generate_content_stream(model="gemini-2.5-flash", contents="hi")
    assert "".join(chunk.text or "" for chunk in streamed)
    assert "alt=sse" in str(doubles["gemini"].journal[-1].request.url)
    assert all(SECRET not in str(x.request.url) for x in doubles["gemini"].journal)
