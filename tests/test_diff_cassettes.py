"""`harness diff --cassettes`: two sets of recordings compared by the shapes they show."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import yaml

from harness import contracts
from harness.cli import main
from harness.diff import BREAKING, RISKY, SunsetPolicy, diff_exchanges, judge
from harness.exchange import Exchange, Request, Response

VIDEOS = {
    "contract": "clip/videos",
    "consumer": "clip",
    "provider": "openai",
    "interactions": [
        {
            "name": "poll",
            "request": {"method": "GET", "path": "/v1/videos/{video_id}"},
            "response": {
                "status": 200,
                "json": {
                    "type": "object",
                    "required": ["id", "status", "progress"],
                    "properties": {
                        "id": {"type": "string"},
                        "status": {"enum": ["queued", "in_progress", "completed"]},
                        "progress": {"type": "integer"},
                        "size": {"type": "string"},
                    },
                },
            },
        },
        {
            "name": "stream",
            "request": {"method": "POST", "path": "/v1/responses"},
            "response": {
                "status": 200,
                "events": {
                    "response.created": {"type": "object"},
                    "response.output_text.delta": {"type": "object"},
                    "response.completed": {"type": "object"},
                },
            },
        },
    ],
    "signals": ["deprecation", "sunset"],
}


def consumer():
    return contracts.loads(yaml.safe_dump(VIDEOS), "clip.yaml")


def video(i: int, status: str = "queued", progress: Any = 10, **extra: Any) -> Exchange:
    body = {
        "id": f"video_{i:04d}",
        "object": "video",
        "status": status,
        "progress": progress,
        "created_at": 1_760_000_000 + i,
        "prompt": f"generated text {i}",
        "size": "720x1280",
        **extra,
    }
    body = {k: v for k, v in body.items() if v is not ...}  # `size=...` leaves the field out
    return Exchange(
        Request(method="GET", url=f"https://api.openai.com/v1/videos/video_{i:04d}"),
        Response(status=200, headers=(("content-type", "application/json"),), body=json.dumps(body).encode()),
    )


def with_headers(exchange: Exchange, *headers: tuple[str, str]) -> Exchange:
    response = exchange.response
    return exchange.with_(
        response=Response(status=response.status, headers=response.headers + headers, body=response.body)
    )


def stream(*types: str) -> Exchange:
    text = "".join(
        f"event: {t}\ndata: {json.dumps({'type': t, 'sequence_number': n, 'delta': 'x' * n})}\n\n"
        for n, t in enumerate(types)
    )
    return Exchange(
        Request(method="POST", url="https://api.openai.com/v1/responses"),
        Response(status=200, headers=(("content-type", "text/event-stream"),), body=text.encode()),
    )


def changes(old: list[Exchange], new: list[Exchange]):
    return diff_exchanges(old, new, [consumer()])


def kinds(old, new) -> list[tuple[str, str]]:
    return [(c.kind, c.pointer) for c in changes(old, new)]


def test_values_that_always_differ_are_not_changes():
    old = [video(i, status="queued") for i in range(3)]
    new = [video(i + 100, status="queued", progress=99) for i in range(3)]
    assert kinds(old, new) == []


def test_a_listed_value_the_contract_already_handles_is_reported_but_harmless():
    old, new = [video(1, status="queued")], [video(2, status="completed")]
    assert kinds(old, new) == [("enum-value-added", "/status")]
    result = judge(changes(old, new), [consumer()])
    assert not result.breaking and not result.risky


def test_a_field_that_stopped_coming_is_removed_and_breaks_a_reader():
    old = [video(i) for i in range(3)]
    new = [video(i, size=...) for i in range(3)]
    assert kinds(old, new) == [("response-field-removed", "/size")]
    result = judge(changes(old, new), [consumer()])
    assert [j.change.pointer for j in result.breaking] == ["/size"]


def test_a_field_whose_type_changed_is_retyped():
    old, new = [video(1, progress=10)], [video(2, progress="10%")]
    assert kinds(old, new) == [("response-field-retyped", "/progress")]
    assert judge(changes(old, new), [consumer()]).breaking[0].level == BREAKING


def test_a_field_that_is_sometimes_null_now_is_made_nullable():
    old = [video(1, completed_at=1_760_000_100)]
    new = [video(2, completed_at=None), video(3, completed_at=1_760_000_200)]
    assert ("response-field-nullable", "/completed_at") in kinds(old, new)


def test_a_new_value_of_a_field_the_contract_lists_is_risky_and_new_text_is_nothing():
    old = [video(1, status="queued"), video(2, status="completed")]
    new = [video(3, status="queued"), video(4, status="cancelled")]
    assert kinds(old, new) == [("enum-value-added", "/status")]
    result = judge(changes(old, new), [consumer()])
    assert [(j.level, j.change.new) for j in result.risky] == [(RISKY, "cancelled")]


def test_deprecation_and_sunset_headers_appearing_deprecate_the_route():
    old = [video(1)]
    new = [with_headers(video(2), ("Deprecation", "@1788000000"), ("Sunset", "Thu, 24 Sep 2026 00:00:00 GMT"))]
    found = [c for c in changes(old, new) if c.kind == "operation-deprecated"]
    assert len(found) == 1 and found[0].new["x-sunset"] == "Thu, 24 Sep 2026 00:00:00 GMT"
    assert found[0].route == "GET /v1/videos/{video_id}"
    assert judge(found, [consumer()]).risky


def test_a_sunset_header_sooner_than_the_notice_asked_breaks_a_caller():
    old = [video(1)]
    new = [with_headers(video(2), ("Deprecation", "@1788000000"), ("Sunset", "Thu, 24 Sep 2026 00:00:00 GMT"))]
    policy = SunsetPolicy(datetime.date(2026, 9, 1), 180)
    found = [c for c in diff_exchanges(old, new, [consumer()], policy) if "sunset" in c.kind or "deprecat" in c.kind]
    assert [(c.kind, c.new["notice"]) for c in found] == [("sunset-too-soon", "23 of 180 days")]
    assert [j.level for j in judge(found, [consumer()]).breaking] == [BREAKING]


def test_what_was_not_recorded_again_is_not_reported_as_removed():
    rate_limited = Exchange(
        Request(method="GET", url="https://api.openai.com/v1/videos/video_9"),
        Response(
            status=429,
            headers=(("content-type", "application/json"),),
            body=b'{"error": {"code": "rate_limit_exceeded"}}',
        ),
    )
    other = Exchange(
        Request(method="GET", url="https://api.openai.com/v1/models"),
        Response(status=200, headers=(("content-type", "application/json"),), body=b'{"data": []}'),
    )
    assert kinds([video(1), rate_limited, other], [video(2)]) == []


def test_a_success_status_replaced_by_gone_is_reported():
    gone = Exchange(
        Request(method="GET", url="https://api.openai.com/v1/videos/video_2"),
        Response(status=410, headers=(("content-type", "application/json"),), body=b'{"error": {"message": "gone"}}'),
    )
    found = kinds([video(1)], [gone])
    assert ("status-removed", "") in found and ("status-added", "") in found
    assert judge(changes([video(1)], [gone]), [consumer()]).breaking


def test_stream_event_types_added_and_removed():
    old = [stream("response.created", "response.output_text.delta", "response.completed")]
    new = [stream("response.created", "response.reasoning.delta", "response.output_text.delta")]
    found = {(c.kind, c.location.event) for c in changes(old, new)}
    assert found == {("event-type-added", "response.reasoning.delta"), ("event-type-removed", "response.completed")}
    result = judge(changes(old, new), [consumer()])
    assert [j.change.kind for j in result.breaking] == ["event-type-removed"]
    assert [j.change.kind for j in result.risky] == ["event-type-added"]


def test_harness_diff_cassettes_on_recorded_folders(tmp_path, capsys):
    cassettes = pytest.importorskip("harness.cassettes")
    contract = tmp_path / "clip.yaml"
    contract.write_text(yaml.safe_dump(VIDEOS))
    cassettes.write([video(i) for i in range(2)], tmp_path / "old" / "videos.yaml")
    cassettes.write([video(i, progress="half", size=...) for i in range(2)], tmp_path / "new" / "videos.yaml")
    code = main(
        [
            "diff",
            "--cassettes",
            str(tmp_path / "old"),
            str(tmp_path / "new"),
            "--contracts",
            str(contract),
            "--format",
            "json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {(j["kind"], j["pointer"]) for j in data["breaking"]} == {
        ("response-field-removed", "/size"),
        ("response-field-retyped", "/progress"),
    }


def test_harness_diff_cassettes_with_a_missing_folder_exits_2(tmp_path, capsys):
    pytest.importorskip("harness.cassettes")
    contract = tmp_path / "clip.yaml"
    contract.write_text(yaml.safe_dump(VIDEOS))
    code = main(["diff", "--cassettes", str(tmp_path / "nope"), str(tmp_path), "--contracts", str(contract)])
    assert code == 2 and "nope" in capsys.readouterr().err
