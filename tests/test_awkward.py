"""Awkward answers: every draw fits the contract, and the draws reach each awkward kind."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.awkward import answer_with, answers, response_schema
from harness.contracts import load_path
from harness.contracts.checker import check
from harness.errors import InputError
from harness.exchange import Exchange, Request, Response
from harness.testbed import Testbed

CHAT = "provider:openai/chat-completions"
VIDEOS = "provider:openai/videos"
QUICK = settings(max_examples=5, database=None, deadline=None, suppress_health_check=list(HealthCheck))

# A vendor-style OpenAPI spec of our own, with $refs and tool calls, as a published spec has them.
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "toy chat", "version": "1"},
    "servers": [{"url": "https://api.example.test/v1"}],
    "paths": {
        "/chat/completions": {
            "post": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Completion"}}},
                    }
                }
            }
        }
    },
    "components": {
        "schemas": {
            "Completion": {
                "type": "object",
                "required": ["id", "choices"],
                "properties": {
                    "id": {"type": "string"},
                    "choices": {"type": "array", "items": {"$ref": "#/components/schemas/Choice"}},
                },
            },
            "Choice": {
                "type": "object",
                "required": ["message", "finish_reason"],
                "properties": {
                    "finish_reason": {"enum": ["stop", "length", "tool_calls", "content_filter"]},
                    "message": {
                        "type": "object",
                        "required": ["role", "content"],
                        "properties": {
                            "role": {"const": "assistant"},
                            "content": {"type": ["string", "null"]},
                            "tool_calls": {"type": "array", "items": {"$ref": "#/components/schemas/ToolCall"}},
                        },
                    },
                },
            },
            "ToolCall": {
                "type": "object",
                "required": ["id", "type", "function"],
                "properties": {
                    "id": {"type": "string"},
                    "type": {"const": "function"},
                    "function": {
                        "type": "object",
                        "required": ["name", "arguments"],
                        "properties": {"name": {"type": "string"}, "arguments": {"type": "string"}},
                    },
                },
            },
        }
    },
}


def draws(strategy: st.SearchStrategy[Any], n: int = 150) -> list[Any]:
    out: list[Any] = []

    # derandomize: the same draws every run, so a kind that shows up once always does.
    @settings(max_examples=n, database=None, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(body: Any) -> None:
        out.append(body)

    collect()
    return out


def exchange(path: str, body: Any, method: str = "POST") -> Exchange:
    return Exchange(
        request=Request(method=method, url=f"https://api.openai.com{path}"),
        response=Response(status=200, headers=(("content-type", "application/json"),), body=json.dumps(body).encode()),
        provider="openai",
    )


@pytest.mark.parametrize(
    ("baseline", "path"),
    [(CHAT, "/v1/chat/completions"), (VIDEOS, "/v1/videos"), ("provider:openai/responses", "/v1/responses")],
)
def test_every_draw_satisfies_the_contract(baseline: str, path: str) -> None:
    [contract] = load_path(baseline)
    bodies = draws(answers(contract), 50)
    assert len(bodies) >= 50
    # One check per body: each is a separate answer, not one job's history.
    violations = [v for body in bodies for v in check(contract, [exchange(path, body)])]
    assert violations == []


def test_the_checker_would_catch_a_bad_draw() -> None:
    # The check above can fail: a body outside the contract gives violations.
    [contract] = load_path(CHAT)
    good = draws(answers(contract), 1)[0]
    bad = {**good, "choices": [{**good["choices"][0], "finish_reason": "tired"}]} if good["choices"] else good
    assert check(contract, [exchange("/v1/chat/completions", bad)])


def test_chat_draws_reach_each_awkward_kind() -> None:
    bodies = draws(answers(CHAT), 80)
    choices = [c for b in bodies for c in b["choices"]]
    reasons = {c["finish_reason"] for c in choices}
    assert {"length", "content_filter"} <= reasons
    assert any(c["message"]["content"] is None for c in choices)
    texts = [c["message"]["content"] for c in choices if isinstance(c["message"]["content"], str)]
    assert any(len(t) >= 1000 for t in texts), "no huge text"
    assert any(any(ord(ch) > 0xFFFF for ch in t) for t in texts), "no text beyond the BMP"
    assert any(t == "" for t in texts)


def test_an_empty_list_where_the_contract_allows_one() -> None:
    bodies = draws(answers("provider:openai/videos", "list videos"), 40)
    assert any(b["data"] == [] for b in bodies)


def test_a_video_job_straight_to_failed() -> None:
    bodies = draws(answers(VIDEOS, "create a video"), 40)
    assert any(b["status"] == "failed" for b in bodies)


def test_optional_fields_left_out_and_new_string_values() -> None:
    # The streamed chunk's delta lists only optional fields; a model name is any string.
    bodies = draws(answers("provider:anthropic/messages"), 30)
    assert any("stop_sequence" not in b for b in bodies) or any(b.get("content") == [] for b in bodies)
    assert len({b["model"] for b in bodies}) > 5


def test_a_vendor_spec_with_refs_gives_null_content_beside_tool_calls(tmp_path: Any) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    schema = response_schema(spec, route="POST /v1/chat/completions")
    bodies = draws(schema.strategy(), 80)
    assert all(schema.validator.is_valid(b) for b in bodies)
    messages = [c["message"] for b in bodies for c in b["choices"]]
    assert any(m["content"] is None and m.get("tool_calls") for m in messages)
    assert any("tool_calls" not in m for m in messages)
    assert any(b["choices"] == [] for b in bodies)


def test_a_spec_needs_a_route_it_has(tmp_path: Any) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    with pytest.raises(InputError, match="needs a route"):
        response_schema(spec)
    with pytest.raises(InputError, match="no path of the spec answers"):
        response_schema(spec, route="POST /v1/embeddings")


def test_an_unknown_interaction_is_named() -> None:
    with pytest.raises(InputError, match="no interaction 'nope'"):
        response_schema(CHAT, "nope")


def test_merge_keeps_unmentioned_fields_and_drops_omitted_ones() -> None:
    schema = response_schema(VIDEOS, "create a video")
    normal = {"id": "video_1", "object": "video", "status": "queued", "extra": {"kept": True}}
    drawn = draws(schema.strategy(), 1)[0]
    merged = schema.merge(normal, drawn)
    assert merged["extra"] == {"kept": True}
    assert {k: v for k, v in merged.items() if k != "extra"} == drawn


def test_an_optional_field_the_draw_omits_stays_omitted(tmp_path: Any) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    schema = response_schema(spec, route="POST /v1/chat/completions")
    normal = {"id": "x", "choices": [{"message": {"role": "assistant", "content": "hi", "tool_calls": [1]}}]}
    drawn = {"id": "y", "choices": [{"finish_reason": "stop", "message": {"role": "assistant", "content": None}}]}
    assert schema.merge(normal, drawn)["choices"][0]["message"] == {"role": "assistant", "content": None}


@QUICK
@given(body=answers(CHAT))
def test_the_sdk_parses_what_the_double_answers(body: Any) -> None:
    with Testbed() as bed:
        openai = bed.double("openai")
        hook = answer_with(openai, CHAT, body)
        client = openai.client(max_retries=0)
        completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
        assert len(completion.choices) == len(body["choices"])
        if body["choices"]:
            assert completion.choices[0].message.content == body["choices"][0]["message"]["content"]
        assert bed.journal[-1].fault == "awkward"
        sent = hook.given[0]["choices"]
        assert [c["finish_reason"] for c in sent] == [c["finish_reason"] for c in body["choices"]]
