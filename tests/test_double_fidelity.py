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
from pathlib import Path
from typing import Any

import pytest
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
from harness.providers import openai as openai_provider  # noqa: E402
from harness.validation.openai import load_spec  # noqa: E402

ALLOWLIST = Path(__file__).with_name("fidelity_allowlist.yaml")
EXAMPLES = 8  # per operation: bounded, so the whole run stays well under a minute on two cores
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
        import httpx

        with httpx.Client(base_url=url, headers=KEY, timeout=60) as http:
            video = http.post("/v1/videos", json={"prompt": "a fox"}).json()["id"]
            response = http.post("/v1/responses", json={"model": "gpt-5", "input": "hi"}).json()["id"]
        clock.advance(60)
        yield double, url, {"video_id": video, "response_id": response, "model": "gpt-4o"}


SPEC = schemathesis.openapi.from_dict(served_spec())
OPERATIONS = [result.ok() for result in SPEC.get_all_operations()]


@pytest.mark.slow
@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_openai_double_answers_as_its_published_spec_says(openai_served, operation):
    _, url, ids = openai_served
    rules = yaml.safe_load(ALLOWLIST.read_text())["openai"]
    cases: list[Any] = []

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
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
        try:
            case.call_and_validate(base_url=url + "/v1", headers=KEY, checks=CHECKS)
        except BaseException as group:  # Schemathesis' FailureGroup is a BaseExceptionGroup
            if isinstance(group, KeyboardInterrupt):
                raise
            for failure in getattr(group, "exceptions", [group]):
                if not allowed(operation.label, failure, rules):
                    found.append(f"{type(failure).__name__}: {str(failure)[:600]}")
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
    import httpx2
    from anthropic.types import Message, ModelInfo, RawMessageStreamEvent
    from anthropic.types.shared import ErrorResponse
    from pydantic import TypeAdapter

    with Double("anthropic", seed=4) as double:
        attach_fault(double, fault)
        client = anthropic.Anthropic(
            api_key="test",
            base_url="https://api.anthropic.com",
            max_retries=0,
            http_client=httpx2.Client(transport=double.transport("httpx2")),
        )
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
