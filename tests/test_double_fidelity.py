"""Fidelity checked by the field's own tools.

OpenAI: Schemathesis generates requests from the spec the package ships, for
every operation the double serves, sends them to the double over HTTP on
127.0.0.1, and checks each answer's status code, content type and body against
the same spec. A failure is either fixed or listed, with the spec defect behind
it, in `fidelity_allowlist.yaml` (the one allowlist).

Anthropic and Gemini: every answer, from every route and every fault that
makes a body, is parsed with the SDK's own pydantic types with extra fields
forbidden, so a field the SDK does not know fails the test.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import referencing
import referencing.jsonschema
import yaml

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from harness.double import Double, VirtualClock  # noqa: E402
from harness.double.clients import sdk_client  # noqa: E402
from harness.providers import openai as openai_provider  # noqa: E402
from harness.validation.openai import load_spec  # noqa: E402

ALLOWLIST = Path(__file__).with_name("fidelity_allowlist.yaml")
# per operation: bounded, so the whole run stays well under a minute on two cores; raise it
# with HARNESS_FIDELITY_EXAMPLES for a deeper look
EXAMPLES = int(os.environ.get("HARNESS_FIDELITY_EXAMPLES", "8"))
# per operation: bounded, so the whole run stays well under a minute on two cores
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
KEY = {"authorization": "Bearer sk-test"}
# A generated model name is almost never a real one; each route gets one of its own family, so
# the answers Schemathesis checks are the double's 200s and not only its 404 model_not_found.
MODELS = {
    "/chat/completions": "gpt-4o-mini",
    "/responses": "gpt-5",
    "/images/generations": "gpt-image-1",
    "/moderations": "omni-moderation-latest",
    "/videos": "sora-2",
}


def served_spec() -> dict[str, Any]:
    """The shipped spec cut down to the operations the OpenAI double serves."""
    spec = load_spec()
    served: dict[str, set[str]] = {}
    for template, _ in openai_provider.ROUTES:
        method, path = template.split(" ", 1)
        served.setdefault(path.removeprefix("/v1"), set()).add(method.lower())
    cut = copy.copy(spec)
    cut["paths"] = {
        path: {key: value for key, value in item.items() if key in served[path] or key == "parameters"}
        for path, item in spec["paths"].items()
        if path in served
    }
    return cut


def allowed(operation: str, failure: Any, rules: list[dict[str, Any]]) -> bool:
    kind = type(failure).__name__
    status = getattr(failure, "status_code", None)
    text = str(failure)
    for rule in rules:
        if rule["operation"] not in ("*", operation) or rule["failure"] != kind:
            continue
        if "statuses" in rule and status not in rule["statuses"]:
            continue
        if "contains" in rule and rule["contains"] not in text:
            continue
        return True
    return False


@pytest.fixture(scope="module")
def openai_served():
    clock = VirtualClock()
    with Double("openai", seed=3, clock=clock, job_seconds=10) as double, double.serve() as url:
        with httpx.Client(base_url=url, headers=KEY, timeout=60) as http:
            video = http.post("/v1/videos", json={"prompt": "a fox"}).json()["id"]
            response = http.post("/v1/responses", json={"model": "gpt-5", "input": "hi"}).json()["id"]
        clock.advance(60)
        yield double, url, {"video_id": video, "response_id": response, "model": "gpt-4o"}


SPEC = schemathesis.openapi.from_dict(served_spec())
# Schemathesis checks a streamed event against the whole `anyOf` of every event type and,
# when it fails, names no branch, so a spec defect the allowlist knows (a missing nullable)
# cannot be told from a real one. Its verdict on events is set aside and each event is
# checked here against the one branch its `type` names, error by error.
SSE_VERDICT = "SSE event violates schema"
STREAM_EVENTS = "ResponseStreamEvent"


def event_validators() -> dict[str, jsonschema.Draft202012Validator]:
    spec = load_spec()
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(
        "urn:spec", referencing.jsonschema.DRAFT202012.create_resource(spec)
    )
    by_type = {}
    for branch in spec["components"]["schemas"][STREAM_EVENTS]["anyOf"]:
        name = branch["$ref"].rsplit("/", 1)[1]
        for kind in spec["components"]["schemas"][name]["properties"]["type"].get("enum", []):
            by_type[kind] = jsonschema.Draft202012Validator({"$ref": f"urn:spec{branch['$ref']}"}, registry=registry)
    return by_type


EVENT_VALIDATORS = event_validators()


class JsonSchemaError(Exception):
    """One error in one streamed event, named as Schemathesis names its schema failures so
    the allowlist's rules match it the same way."""


def stream_event_errors(content_type: str, content: bytes) -> list[Exception]:
    if not content_type.startswith("text/event-stream"):
        return []
    errors: list[Exception] = []
    for line in content.decode().splitlines():
        if not line.startswith("data:") or line.strip() == "data: [DONE]":
            continue
        event = json.loads(line[5:])
        validator = EVENT_VALIDATORS.get(event.get("type"))
        if validator is None:
            errors.append(JsonSchemaError(f"event type {event.get('type')!r} is not one of {STREAM_EVENTS}"))
            continue
        for error in validator.iter_errors(event):
            # In JSON's words, as Schemathesis writes it: `null is not of type`, not Python's `None`.
            message = (
                f"{json.dumps(error.instance)[:80]} is not of type {error.validator_value!r}"
                if error.validator == "type"
                else error.message[:300]
            )
            errors.append(JsonSchemaError(f"{event['type']} at {error.json_path}: {message}"))
    return errors


OPERATIONS = [result.ok() for result in SPEC.get_all_operations()]


@pytest.mark.slow
@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_openai_double_answers_as_its_published_spec_says(openai_served, operation):
    _, url, ids = openai_served
    rules = yaml.safe_load(ALLOWLIST.read_text())["openai"]
    cases: list[Any] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,  # the same requests on every run and every worker: a red run can be rerun
    )
    @given(case=operation.as_strategy())
    def generate(case: Any) -> None:
        cases.append(case)

    generate()
    found: list[str] = []
    for case in cases:
        for name, value in ids.items():
            if name in (case.path_parameters or {}):
                case.path_parameters[name] = value
        if isinstance(case.body, dict) and operation.path in MODELS:
            case.body["model"] = MODELS[operation.path]

        def report(failure: Any, case: Any = case) -> None:
            if not allowed(operation.label, failure, rules):
                body = json.dumps(case.body, default=str)[:2000]
                found.append(f"{type(failure).__name__}: {str(failure)[:600]}\nrequest body: {body}")

        response = case.call(base_url=url + "/v1", headers=KEY)
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as group:  # Schemathesis' FailureGroup is a BaseExceptionGroup
            if isinstance(group, KeyboardInterrupt):
                raise
            for failure in getattr(group, "exceptions", [group]):
                if not str(failure).startswith(SSE_VERDICT):
                    report(failure)
        for failure in stream_event_errors(response.headers.get("content-type", [""])[0], response.content):
            report(failure)
    assert cases, "Schemathesis generated nothing"
    assert not found, "\n\n".join(found)


def test_the_allowlist_gives_a_reason_for_every_entry():
    rules = yaml.safe_load(ALLOWLIST.read_text())["openai"]
    assert rules and all(rule.get("reason") and rule.get("failure") and rule.get("operation") for rule in rules)


def test_a_failure_not_on_the_allowlist_is_reported():
    class UndefinedStatusCode(Exception):
        status_code = 418

    rules = [{"operation": "*", "failure": "UndefinedStatusCode", "statuses": [400], "reason": "x"}]
    assert not allowed("POST /chat/completions", UndefinedStatusCode(), rules)
    UndefinedStatusCode.status_code = 400
    assert allowed("POST /chat/completions", UndefinedStatusCode(), rules)


def streamed(url: str, path: str, body: dict[str, Any]) -> tuple[str, bytes]:
    with httpx.Client(base_url=url, headers=KEY, timeout=60) as http:
        answer = http.post(path, json={**body, "stream": True})
    assert answer.status_code == 200, answer.text
    return answer.headers["content-type"], answer.content


WEATHER_TOOL = {
    "type": "function",
    "name": "weather",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


@pytest.mark.parametrize(
    "body",
    [
        {"model": "gpt-5", "input": "hi"},
        {"model": "gpt-5", "input": "weather in Oslo?", "tools": [WEATHER_TOOL], "tool_choice": "required"},
        {"model": "gpt-5", "input": "write a long story", "max_output_tokens": 16},
    ],
    ids=["text", "function-call", "incomplete"],
)
def test_every_streamed_responses_event_matches_the_branch_its_type_names(openai_served, body):
    _, url, _ = openai_served
    rules = yaml.safe_load(ALLOWLIST.read_text())["openai"]
    content_type, content = streamed(url, "/v1/responses", body)
    assert content.count(b"data:") >= 3
    errors = [str(error) for error in stream_event_errors(content_type, content) if not allowed("*", error, rules)]
    assert not errors


def test_a_streamed_event_that_breaks_its_branch_is_reported(openai_served):
    _, url, _ = openai_served
    body = {"model": "gpt-5", "input": "weather?", "tools": [WEATHER_TOOL], "tool_choice": "required"}
    content_type, content = streamed(url, "/v1/responses", body)
    assert b'"name":"weather"' in content.replace(b" ", b"")
    broken = content.replace(b'"name": "weather"', b'"name": 5').replace(b'"name":"weather"', b'"name":5')
    errors = [str(error) for error in stream_event_errors(content_type, broken)]
    assert any("5 is not of type 'string'" in error for error in errors), errors
    unknown = stream_event_errors(content_type, b'data: {"type": "response.made_up"}\n\n')
    assert [str(error) for error in unknown] == ["event type 'response.made_up' is not one of ResponseStreamEvent"]


# --- Anthropic and Gemini: answers parsed by the SDKs' own types, extras forbidden ----------------

# Faults that make or change a body. `drift`, `refusal_drift` and `malformed` break shapes on
# purpose, `stream_cut` sends half an answer, and the network faults act in Toxiproxy, not here.
BODY_FAULTS = (
    "outage",
    "rate_limit",
    "model_retired",
    "refusal",
    "deprecated",
    "gone",
    "slow_first_byte",
    "stream_stall",
)
FAULT_CASES = [None, *BODY_FAULTS]


def no_extras(value: Any, where: str) -> None:
    """Fail on any field an SDK model kept as an extra: the SDK's types, with extras forbidden."""
    import pydantic

    if isinstance(value, pydantic.BaseModel):
        extra = value.model_extra or {}
        assert not extra, f"{where}: fields the SDK does not know: {sorted(extra)}"
        for name in type(value).model_fields:
            no_extras(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            no_extras(item, f"{where}[{index}]")


def bodies(double: Double) -> list[tuple[str, int, Any]]:
    """(route, status, body) for every JSON body and every SSE event's data the double sent."""
    out: list[tuple[str, int, Any]] = []
    for exchange in double.journal:
        response = exchange.response
        if response.is_stream:
            out += [(exchange.route, response.status, json.loads(e.data)) for e in response.events if e.data]
        elif response.body and "json" in (response.header("content-type") or ""):
            out.append((exchange.route, response.status, response.json))
    return out


def attach_fault(double: Double, name: str | None) -> None:
    if name is not None:
        from harness.chaos import Injection, attach, make

        attach(Injection(make(name, {})), double)


@pytest.mark.parametrize("fault", FAULT_CASES, ids=[f or "no fault" for f in FAULT_CASES])
def test_anthropic_answers_parse_as_the_sdk_types_with_no_extra_field(fault):
    import anthropic
    from anthropic.types import Message, ModelInfo, RawMessageStreamEvent
    from anthropic.types.shared import ErrorResponse
    from pydantic import TypeAdapter

    with Double("anthropic", seed=4) as double:
        attach_fault(double, fault)
        client = sdk_client(double, max_retries=0)
        ask = {"model": "claude-haiku-4-5", "max_tokens": 40, "messages": [{"role": "user", "content": "hi"}]}
        for call in (
            lambda: client.messages.create(**ask),
            lambda: list(client.messages.create(**ask, stream=True)),
            lambda: client.models.list(),
            lambda: client.models.retrieve("claude-opus-4-8"),
        ):
            try:
                call()
            except anthropic.APIError:
                pass  # a fault's error: its body is checked below like any other
        events = TypeAdapter(RawMessageStreamEvent)
        seen = set()
        for route, status, body in bodies(double):
            if status >= 400:
                parsed: Any = ErrorResponse.model_validate(body)
            elif route == "POST /v1/messages" and body.get("type") == "message":
                parsed = Message.model_validate(body)
            elif route == "POST /v1/messages":
                if body.get("type") == "ping":
                    continue  # not in the SDK's union: it drops pings
                parsed = events.validate_python(body)
            elif route == "GET /v1/models":
                assert set(body) <= {"data", "first_id", "last_id", "has_more"}, sorted(body)
                parsed = [ModelInfo.model_validate(item) for item in body["data"]]
            else:
                parsed = ModelInfo.model_validate(body)
            no_extras(parsed, f"{route} {status}")
            seen.add(route)
        assert seen, "no body was checked"


@pytest.mark.parametrize("fault", FAULT_CASES, ids=[f or "no fault" for f in FAULT_CASES])
def test_gemini_answers_parse_as_the_sdk_types_with_no_extra_field(fault):
    from google.genai import types

    with Double("gemini", seed=4) as double:
        attach_fault(double, fault)
        import httpx

        with httpx.Client(
            base_url="https://generativelanguage.googleapis.com",
            transport=double.transport(),
            headers={"x-goog-api-key": "test"},
            timeout=120,  # slow_first_byte and stream_stall wait on purpose
        ) as http:
            ask = {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}
            http.post("/v1beta/models/gemini-2.5-flash:generateContent", json=ask)
            http.post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", json=ask)
        checked = 0
        for _, status, body in bodies(double):
            if status >= 400:
                error = body["error"]
                assert set(error) == {"code", "message", "status", "details"}, sorted(error)
                for detail in error["details"]:
                    assert detail["@type"].startswith("type.googleapis.com/google.rpc."), detail
                continue
            # google-genai's models forbid extra fields themselves (extra="forbid").
            types.GenerateContentResponse.model_validate(body)
            checked += 1
        assert checked or fault in ("outage", "rate_limit", "model_retired", "gone")
