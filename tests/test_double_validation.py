"""Doubles validate requests as the real providers do, and `strict=False` keeps the old leniency.

Each rejected request is checked for the provider's status, envelope and wording,
and the same request is shown to pass a lenient double, so every check here fails
without the validation layer.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import anthropic
import httpx
import httpx2
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

from harness.chaos import scenario
from harness.commands import serve
from harness.double import Double, VirtualClock
from harness.errors import InputError
from harness.testbed import Testbed
from harness.validation import SchemaBook, as_api_reads
from harness.validation import openai as openai_rules

OPENAI_HOST = "https://api.openai.com"
ANTHROPIC_HOST = "https://api.anthropic.com"
GEMINI_HOST = "https://generativelanguage.googleapis.com"
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
MESSAGE = {"model": "claude-haiku-4-5", "max_tokens": 32, "messages": [{"role": "user", "content": "hi"}]}
CONTENT = {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}


@pytest.fixture(scope="module")
def doubles():
    with (
        Double("openai", clock=VirtualClock()) as o,  # before the Videos API's shutdown
        Double("openai", strict=False) as o_lenient,
        Double("anthropic") as a,
        Double("anthropic", strict=False) as a_lenient,
        Double("gemini") as g,
        Double("gemini", strict=False) as g_lenient,
    ):
        yield {
            "openai": o,
            "openai-lenient": o_lenient,
            "anthropic": a,
            "anthropic-lenient": a_lenient,
            "gemini": g,
            "gemini-lenient": g_lenient,
        }


def http(double: Double, host: str, headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(base_url=host, transport=double.transport(), headers=headers or {}, timeout=60)


def post_openai(double: Double, path: str, body: dict) -> httpx.Response:
    with http(double, OPENAI_HOST, {"authorization": "Bearer sk-test"}) as client:
        return client.post(path, json=body)


# --- OpenAI -------------------------------------------------------------------------------------

OPENAI_REJECTED = [
    (
        {"foo": 1},
        {"message": "Unrecognized request argument supplied: foo", "param": None, "code": None},
    ),
    (
        {"temperature": "hot"},
        {
            "message": "Invalid type for 'temperature': expected a decimal, but got a string instead.",
            "param": "temperature",
            "code": "invalid_type",
        },
    ),
    (
        {"max_tokens": -5},
        {
            "message": "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got -5 instead.",
            "param": "max_tokens",
            "code": "integer_below_min_value",
        },
    ),
    (
        {"max_tokens": 0},
        {
            "message": "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead.",
            "param": "max_tokens",
            "code": "integer_below_min_value",
        },
    ),
    (
        {"temperature": 2.5},
        {
            "message": "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.",
            "param": "temperature",
            "code": "decimal_above_max_value",
        },
    ),
    (
        {"n": 0},
        {
            "message": "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.",
            "param": "n",
            "code": "integer_below_min_value",
        },
    ),
    (
        {"messages": []},
        {
            "message": "Invalid 'messages': empty array. Expected an array with minimum length 1, "
            "but got an empty array instead.",
            "param": "messages",
            "code": "empty_array",
        },
    ),
    (
        {"messages": [{"role": "user"}]},
        {
            "message": "Missing required parameter: 'messages[0].content'.",
            "param": "messages[0].content",
            "code": "missing_required_parameter",
        },
    ),
    (
        {"messages": [{"role": "robot", "content": "hi"}]},
        {
            "message": "Invalid value: 'robot'. Supported values are: 'developer', 'system', 'user', "
            "'assistant', 'tool', and 'function'.",
            "param": "messages[0].role",
            "code": "invalid_value",
        },
    ),
    (
        {"stream": "yes"},
        {
            "message": "Invalid type for 'stream': expected a boolean, but got a string instead.",
            "param": "stream",
            "code": "invalid_type",
        },
    ),
]


@pytest.mark.parametrize(("change", "error"), OPENAI_REJECTED, ids=[json.dumps(c) for c, _ in OPENAI_REJECTED])
def test_openai_rejects_what_the_api_rejects_in_its_own_words(doubles, change, error):
    answer = post_openai(doubles["openai"], "/v1/chat/completions", {**CHAT, **change})
    assert answer.status_code == 400
    assert answer.json() == {"error": {**error, "type": "invalid_request_error"}}
    assert doubles["openai"].journal[-1].route == "POST /v1/chat/completions"


@pytest.mark.parametrize(
    "change", [{"foo": 1}, {"temperature": "hot"}, {"max_tokens": -5}, {"max_tokens": 0}, {"temperature": 2.5}]
)
def test_openai_lenient_double_takes_what_the_api_would_reject(doubles, change):
    assert post_openai(doubles["openai-lenient"], "/v1/chat/completions", {**CHAT, **change}).status_code == 200


def test_openai_sdk_raises_bad_request_naming_the_param(doubles):
    with openai.OpenAI(
        api_key="sk-test",
        base_url=OPENAI_HOST + "/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=doubles["openai"].transport("httpx2")),
    ) as client:
        with pytest.raises(openai.BadRequestError) as caught:
            client.chat.completions.create(**CHAT, temperature="hot")  # type: ignore[arg-type]
        assert caught.value.param == "temperature" and caught.value.code == "invalid_type"
        with pytest.raises(openai.BadRequestError, match="Unrecognized request argument supplied: foo"):
            client.chat.completions.create(**CHAT, extra_body={"foo": 1})


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/chat/completions", {**CHAT, "n": None, "temperature": None, "max_tokens": None}),
        ("/v1/images/generations", {"prompt": "a fox", "n": None, "model": None, "size": None}),
    ],
)
def test_openai_nullable_fields_take_null_as_the_spec_allows(doubles, path, body):
    assert post_openai(doubles["openai"], path, body).status_code == 200


def test_openai_nested_fields_are_named_with_brackets_and_dots(doubles):
    tools = [{"type": "function", "function": {"name": 5}}]
    answer = post_openai(doubles["openai"], "/v1/chat/completions", {**CHAT, "tools": tools})
    assert answer.status_code == 400
    assert answer.json()["error"]["param"] == "tools[0].function.name"
    assert answer.json()["error"]["message"] == (
        "Invalid type for 'tools[0].function.name': expected a string, but got an integer instead."
    )


def test_openai_responses_and_moderations_are_validated_too(doubles):
    answer = post_openai(doubles["openai"], "/v1/responses", {"model": "gpt-5", "input": "hi", "max_output_tokens": 5})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == (
        "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 5 instead."
    )
    answer = post_openai(doubles["openai"], "/v1/moderations", {"input": "hi", "bogus": True})
    assert answer.json()["error"]["message"] == "Unrecognized request argument supplied: bogus"
    assert post_openai(doubles["openai-lenient"], "/v1/moderations", {"input": "hi", "bogus": True}).status_code == 200


def test_openai_multipart_fields_are_read_as_their_types_then_checked(doubles):
    with http(doubles["openai"], OPENAI_HOST, {"authorization": "Bearer sk-test"}) as client:
        image = {"input_reference": ("fox.png", b"\x89PNG", "image/png")}
        good = client.post("/v1/videos", data={"prompt": "a fox", "seconds": "8"}, files=image)
        bad = client.post("/v1/videos", data={"prompt": "a fox", "seconds": "5"}, files=image)
        unknown = client.post("/v1/videos", data={"prompt": "a fox", "colour": "red"}, files=image)
    assert good.status_code == 200
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "seconds"
    assert bad.json()["error"]["message"].startswith("Invalid value: '5'. Supported values are: ")
    assert unknown.json()["error"]["message"] == "Unrecognized request argument supplied: colour"


def test_openai_a_missing_key_is_still_a_401_before_any_validation(doubles):
    with http(doubles["openai"], OPENAI_HOST) as client:
        answer = client.post("/v1/chat/completions", json={**CHAT, "foo": 1})
    assert answer.status_code == 401


def test_openai_route_maps_to_the_spec_operation_whatever_its_prefix():
    assert openai_rules.operation("POST /v1/chat/completions").path == "/chat/completions"
    assert openai_rules.operation("POST /openai/deployments/{deployment}/chat/completions").path == "/chat/completions"
    assert openai_rules.operation("GET /v1/videos/{video_id}/content").path == "/videos/{video_id}/content"
    assert openai_rules.operation("POST /v1/no/such/thing") is None


# --- Anthropic ----------------------------------------------------------------------------------


def post_anthropic(double: Double, body: dict, version: str | None = "2023-06-01") -> httpx.Response:
    headers = {"x-api-key": "test"} | ({"anthropic-version": version} if version else {})
    with http(double, ANTHROPIC_HOST, headers) as client:
        return client.post("/v1/messages", json=body)


ANTHROPIC_REJECTED = [
    ({"foo": 1}, "foo: Extra inputs are not permitted"),
    ({"temperature": "hot"}, "temperature: Input should be a valid number"),
    ({"temperature": 1.5}, "temperature: Input should be less than or equal to 1"),
    ({"max_tokens": "many"}, "max_tokens: Input should be a valid integer"),
    (
        {"messages": [{"role": "user", "content": "hi", "mood": "calm"}]},
        "messages.0.mood: Extra inputs are not permitted",
    ),
    (
        {"messages": [{"role": "robot", "content": "hi"}]},
        "messages.0.role: Input should be 'user', 'assistant' or 'system'",
    ),
    ({"stop_sequences": "END"}, "stop_sequences: Input should be a valid list"),
]


@pytest.mark.parametrize(("change", "message"), ANTHROPIC_REJECTED, ids=[m for _, m in ANTHROPIC_REJECTED])
def test_anthropic_rejects_what_the_api_rejects_in_pydantic_words(doubles, change, message):
    answer = post_anthropic(doubles["anthropic"], {**MESSAGE, **change})
    assert answer.status_code == 400
    body = answer.json()
    assert body["type"] == "error" and body["error"] == {"type": "invalid_request_error", "message": message}
    assert body["request_id"] == answer.headers["request-id"]


def test_anthropic_lenient_double_takes_unknown_fields_and_bad_types(doubles):
    for change in ({"foo": 1}, {"temperature": "hot"}):
        assert post_anthropic(doubles["anthropic-lenient"], {**MESSAGE, **change}).status_code == 200


def test_anthropic_needs_the_version_header_on_every_route(doubles):
    answer = post_anthropic(doubles["anthropic"], MESSAGE, version=None)
    assert answer.status_code == 400
    assert answer.json()["error"] == {
        "type": "invalid_request_error",
        "message": "anthropic-version: header is required",
    }
    with http(doubles["anthropic"], ANTHROPIC_HOST) as client:
        assert client.get("/v1/models").status_code == 400
    assert post_anthropic(doubles["anthropic-lenient"], MESSAGE, version=None).status_code == 200


def test_anthropic_sdk_raises_bad_request(doubles):
    client = anthropic.Anthropic(
        api_key="test",
        base_url=ANTHROPIC_HOST,
        max_retries=0,
        http_client=httpx2.Client(transport=doubles["anthropic"].transport("httpx2")),
    )
    with pytest.raises(anthropic.BadRequestError, match="foo: Extra inputs are not permitted"):
        client.messages.create(**MESSAGE, extra_body={"foo": 1})
    with pytest.raises(anthropic.BadRequestError, match="temperature: Input should be a valid number"):
        client.messages.create(**MESSAGE, extra_body={"temperature": "hot"})


# --- Gemini -------------------------------------------------------------------------------------


def post_gemini(double: Double, body: dict, method: str = "generateContent") -> httpx.Response:
    with http(double, GEMINI_HOST, {"x-goog-api-key": "test"}) as client:
        return client.post(f"/v1beta/models/gemini-2.5-flash:{method}", json=body)


GEMINI_REJECTED = [
    (
        {"foo": 1},
        'Invalid JSON payload received. Unknown name "foo": Cannot find field.',
        None,
    ),
    (
        {"generationConfig": {"temprature": 0.5}},
        "Invalid JSON payload received. Unknown name \"temprature\" at 'generation_config': Cannot find field.",
        "generation_config",
    ),
    (
        {"generationConfig": {"temperature": "hot"}},
        "Invalid JSON payload received. Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \"hot\"",
        "generation_config.temperature",
    ),
    (
        {"contents": [{"role": "user", "parts": [{"txt": "hi"}]}]},
        "Invalid JSON payload received. Unknown name \"txt\" at 'contents[0].parts[0]': Cannot find field.",
        "contents[0].parts[0]",
    ),
]


@pytest.mark.parametrize(("change", "message", "field"), GEMINI_REJECTED, ids=[m for _, m, _ in GEMINI_REJECTED])
def test_gemini_rejects_what_the_api_cannot_parse_in_its_own_words(doubles, change, message, field):
    for method in ("generateContent", "streamGenerateContent"):
        answer = post_gemini(doubles["gemini"], {**CONTENT, **change}, method)
        assert answer.status_code == 400
        error = answer.json()["error"]
        assert (error["code"], error["status"], error["message"]) == (400, "INVALID_ARGUMENT", message)
        violations = [d for d in error["details"] if d["@type"].endswith("google.rpc.BadRequest")]
        if field is None:
            assert not violations
        else:
            assert violations[0]["fieldViolations"] == [{"field": field, "description": message}]
    assert post_gemini(doubles["gemini-lenient"], {**CONTENT, **change}).status_code == 200


def test_gemini_takes_both_spellings_and_numbers_as_text_like_proto_json(doubles):
    body = {
        **CONTENT,
        "generation_config": {"max_output_tokens": "40", "temperature": "0.5", "topP": 0.9},
        "systemInstruction": {"parts": [{"text": "be brief"}]},
    }
    assert post_gemini(doubles["gemini"], body).status_code == 200


def test_gemini_sdk_raises_client_error(doubles):
    client = genai.Client(
        api_key="test",
        http_options=genai_types.HttpOptions(
            base_url=GEMINI_HOST,
            api_version="v1beta",
            client_args={"transport": doubles["gemini"].transport("httpx2")},
            extra_body={"generationConfig": {"temperature": "hot"}},
        ),
    )
    with pytest.raises(genai_errors.ClientError, match="TYPE_FLOAT"):
        client.models.generate_content(model="gemini-2.5-flash", contents="hi")


# --- the switch, everywhere a double is made -----------------------------------------------------


def test_a_double_is_strict_unless_told_otherwise():
    with Double("openai") as strict, Double("openai", strict=False) as lenient:
        assert strict.strict and not lenient.strict
        assert "lenient" in repr(lenient) and "lenient" not in repr(strict)


def test_testbed_doubles_take_the_strict_option():
    with Testbed() as bed:
        assert bed.double("openai").strict
        assert not bed.double("anthropic", strict=False).strict
    with Testbed(strict=False) as bed:
        assert not bed.double("gemini").strict


def test_harness_serve_has_a_lenient_switch():
    parser = argparse.ArgumentParser()
    serve.add_arguments(parser)
    assert parser.parse_args(["openai", "--lenient"]).lenient
    assert not parser.parse_args(["openai"]).lenient


def test_a_scenario_double_may_be_lenient_and_the_option_is_checked(tmp_path: Path):
    text = (
        "scenario: lenient\n"
        "doubles: {openai: {strict: false}}\n"
        "app: {url: 'http://127.0.0.1:1'}\n"
        "steps: [{request: {method: GET, path: /}}]\n"
    )
    path = tmp_path / "lenient.yaml"
    path.write_text(text)
    assert scenario.load(path).doubles == {"openai": {"strict": False}}
    path.write_text(text.replace("strict: false", "strict: maybe"))
    with pytest.raises(InputError, match="strict"):
        scenario.load(path)


# --- the engine ---------------------------------------------------------------------------------


def test_nullable_is_read_as_json_schema_null():
    document = as_api_reads(
        {
            "a": {"type": "integer", "nullable": True},
            "b": {"type": "string", "enum": ["x"], "nullable": True},
            "c": {"$ref": "#/a", "nullable": True},
            "d": {"oneOf": [{"type": "string"}, {"type": "string", "enum": ["x"]}]},
        }
    )
    assert document["a"] == {"type": ["integer", "null"]}
    assert document["b"] == {"type": ["string", "null"], "enum": ["x", None]}
    assert document["c"] == {"anyOf": [{"$ref": "#/a"}, {"type": "null"}]}
    assert "oneOf" not in document["d"] and len(document["d"]["anyOf"]) == 2


def test_a_schema_book_loads_once_and_compiles_each_schema_on_first_use():
    loads = []

    def load():
        loads.append(1)
        return {"$defs": {"a": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}}}

    book = SchemaBook("urn:test:book", load)
    assert not loads and not book._fast  # nothing read before the first check
    assert book.check("/$defs/a", {"n": 2}) is None
    violation = book.check("/$defs/a", {"n": 0})
    assert (violation.kind, violation.path, violation.limit, violation.of) == ("below", ("n",), 1, "integer")
    assert loads == [1] and list(book._fast) == ["/$defs/a"]
