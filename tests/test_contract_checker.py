"""check(contract, exchanges): each violation names contract, interaction,
location, JSON pointer, expected and actual — and clean traffic passes."""

from __future__ import annotations

import json
import textwrap

import pytest

from harness.contracts import check, loads, verify
from harness.exchange import Exchange, Request, Response
from harness.headers import http_date, sf_date

VIDEOS = loads(
    textwrap.dedent("""\
    contract: app/videos
    consumer: app
    provider: openai
    interactions:
      - name: create
        request: {method: POST, path: /v1/videos}
        response:
          status: 200
          headers: {x-request-id: {type: string, minLength: 1}}
          json:
            type: object
            required: [id, status, error]
            properties:
              id: {type: string}
              status: {enum: [queued, in_progress, completed, failed]}
              progress: {type: integer}
              error: {type: ["object", "null"]}
      - name: retrieve
        request: {method: GET, path: "/v1/videos/{video_id}"}
        response:
          status: 200
          json: {$ref: "#/$defs/video", $defs: {video: {type: object, required: [id, status]}}}
      - name: list characters
        request: {method: GET, path: /v1/videos/characters}
        response: {status: 200}
      - name: content
        request: {method: GET, path: "/v1/videos/{video_id}/content"}
        response: {status: 200, content_type: video/mp4}
    lifecycle:
      states: [queued, in_progress, completed, failed]
      terminal: [completed, failed]
      interactions: [create, retrieve]
      timeout: 600
    refusals:
      - name: blocked
        interactions: [create]
        response: {status: 400, json: {required: [error], properties: {error: {properties: {code: {const: moderation_blocked}}}}}}
    errors:
      - name: rate limited
        response: {status: 429, json: {required: [error]}}
    signals:
      - x-request-id
      - deprecation
      - sunset
      - {header: retry-after, required: true, status: 429}
    """),
    "videos.yaml",
)


def exchange(
    method,
    path,
    status=200,
    body=None,
    headers=(),
    started=0.0,
    host="api.openai.com",
    provider="openai",
    content_type="application/json",
):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else b""
    return Exchange(
        Request(method=method, url=f"https://{host}{path}"),
        Response(
            status=status,
            body=raw,
            headers=(("content-type", content_type), ("x-request-id", "req_1")) + tuple(headers),
        ),
        provider=provider,
        started=started,
    )


GOOD_VIDEO = {"id": "video_1", "status": "queued", "progress": 0, "error": None}


def only(violations):
    assert len(violations) == 1, [str(v) for v in violations]
    return violations[0]


def test_clean_traffic_has_no_violations():
    assert (
        check(
            VIDEOS,
            [
                exchange("POST", "/v1/videos", body=GOOD_VIDEO),
                exchange("GET", "/v1/videos/video_1", body={**GOOD_VIDEO, "extra": "fine"}),
            ],
        )
        == []
    )


@pytest.mark.parametrize(
    "body, pointer, expected, actual",
    [
        ({"idd": "video_1", "status": "queued", "error": None}, "/id", "present", "missing"),
        (
            {**GOOD_VIDEO, "status": "rendering"},
            "/status",
            'one of ["queued", "in_progress", "completed", "failed"]',
            '"rendering"',
        ),
        ({**GOOD_VIDEO, "progress": "10"}, "/progress", "type integer", 'string "10"'),
    ],
)
def test_body_drift_is_reported_with_its_pointer(body, pointer, expected, actual):
    v = only(check(VIDEOS, [exchange("POST", "/v1/videos", body=body)]))
    assert (v.contract, v.interaction, v.location, v.pointer, v.expected, v.actual) == (
        "app/videos",
        "create",
        "body",
        pointer,
        expected,
        actual,
    )
    assert v.exchange is not None and "POST /v1/videos -> 200" in str(v)


def test_a_nullable_field_may_be_null_but_not_missing():
    assert check(VIDEOS, [exchange("POST", "/v1/videos", body={**GOOD_VIDEO, "error": {"code": "x"}})]) == []
    body = dict(GOOD_VIDEO)
    del body["error"]
    assert only(check(VIDEOS, [exchange("POST", "/v1/videos", body=body)])).pointer == "/error"


def test_most_specific_route_wins_and_refs_resolve():
    # /v1/videos/characters must not be read as a video with id "characters".
    assert check(VIDEOS, [exchange("GET", "/v1/videos/characters", body={"data": []})]) == []
    assert only(check(VIDEOS, [exchange("GET", "/v1/videos/abc", body={"id": "abc"})])).pointer == "/status"


def test_traffic_of_other_providers_and_routes_is_not_ours():
    result = verify(
        [VIDEOS],
        [
            exchange("POST", "/v1/messages", host="api.anthropic.com", provider="anthropic"),
            exchange("POST", "/v1/videos", provider="anthropic", body={}),
            exchange("GET", "/v1/unknown"),
        ],
    )
    assert result.ok and result.checked == 0 and len(result.unmatched) == 3


def test_a_declared_refusal_is_not_a_violation_but_a_changed_code_is():
    ok = exchange("POST", "/v1/videos", 400, {"error": {"code": "moderation_blocked"}})
    assert check(VIDEOS, [ok]) == []
    drifted = only(check(VIDEOS, [exchange("POST", "/v1/videos", 400, {"error": {"code": "sentinel_block"}})]))
    assert drifted.location == "body (refusal 'blocked')"
    assert (drifted.pointer, drifted.expected, drifted.actual) == (
        "/error/code",
        '"moderation_blocked"',
        '"sentinel_block"',
    )


def test_refusals_only_apply_to_their_interactions():
    v = only(check(VIDEOS, [exchange("GET", "/v1/videos/v", 400, {"error": {"code": "moderation_blocked"}})]))
    assert (v.location, v.expected, v.actual) == ("status", "one of [200, 429]", "400")


def test_an_undeclared_status_is_a_violation():
    v = only(check(VIDEOS, [exchange("POST", "/v1/videos", 503, {"error": {}})]))
    assert (v.interaction, v.location, v.expected, v.actual) == ("create", "status", "one of [200, 400, 429]", "503")


def test_content_type_and_headers():
    v = only(check(VIDEOS, [exchange("GET", "/v1/videos/v/content", body=b"<html>", content_type="text/html")]))
    assert (v.location, v.pointer, v.expected, v.actual) == ("header", "/content-type", "video/mp4", "text/html")
    missing = Exchange(
        Request(method="POST", url="https://api.openai.com/v1/videos"),
        Response(status=200, body=json.dumps(GOOD_VIDEO).encode(), headers=(("content-type", "application/json"),)),
        provider="openai",
    )
    v = only(check(VIDEOS, [missing]))
    assert (v.location, v.pointer, v.expected, v.actual) == ("header", "/x-request-id", "present", "missing")


def test_a_non_json_body_is_named():
    v = only(check(VIDEOS, [exchange("POST", "/v1/videos", body=b"{truncated", content_type="application/json")]))
    assert (v.location, v.expected) == ("body", "a JSON body")
    assert "10 bytes" in v.actual


@pytest.mark.parametrize(
    "header, value, ok",
    [
        ("deprecation", sf_date(1788220800), True),
        ("deprecation", "true", False),  # old drafts; invalid under RFC 9745
        ("sunset", http_date(1790208000), True),
        ("sunset", "2026-09-24", False),
        ("sunset", "Thu, 24 Sep 2026 00:00:00 +0000", False),  # RFC 8594 wants IMF-fixdate with GMT
    ],
)
def test_signal_headers_are_checked_when_present(header, value, ok):
    violations = check(VIDEOS, [exchange("POST", "/v1/videos", body=GOOD_VIDEO, headers=((header, value),))])
    assert (violations == []) is ok
    if not ok:
        assert only(violations).pointer == f"/{header}"


def test_a_required_signal_must_be_there_on_its_status():
    v = only(check(VIDEOS, [exchange("POST", "/v1/videos", 429, {"error": {}})]))
    assert (v.pointer, v.expected, v.actual) == ("/retry-after", "present", "missing")
    assert check(VIDEOS, [exchange("POST", "/v1/videos", 429, {"error": {}}, headers=(("retry-after", "2"),))]) == []


def test_lifecycle_never_leaves_a_terminal_state():
    def poll(status, t):
        return exchange("GET", "/v1/videos/video_1", body={**GOOD_VIDEO, "status": status}, started=t)

    assert check(VIDEOS, [poll("queued", 0), poll("in_progress", 1), poll("completed", 2), poll("completed", 3)]) == []
    v = only(check(VIDEOS, [poll("queued", 0), poll("failed", 1), poll("in_progress", 2)]))
    assert (v.interaction, v.location, v.pointer) == ("lifecycle of video_1", "lifecycle", "/status")
    assert v.expected == "to stay 'failed' (a terminal state)"


def test_lifecycle_timeout():
    polls = [
        exchange("GET", "/v1/videos/v", body={**GOOD_VIDEO, "id": "v", "status": "in_progress"}, started=t)
        for t in (0, 300, 700)
    ]
    v = only(check(VIDEOS, polls))
    assert (v.expected, v.actual) == ("a terminal state within 600s", "still 'in_progress' after 700s")


def test_violations_serialise_to_json():
    v = only(check(VIDEOS, [exchange("POST", "/v1/videos", body={**GOOD_VIDEO, "status": 3})]))
    data = json.loads(json.dumps(v.to_dict()))
    assert data["pointer"] == "/status" and data["exchange"]["status"] == 200


def test_one_path_is_matched_per_provider():
    """The checker looks each (provider, method, path) up once; two providers' requests on
    one path still go to their own provider's contract."""
    both = [
        loads(
            f"contract: app/{name}\nconsumer: app\nprovider: {name}\ninteractions:\n"
            "  - name: ask\n    request: {method: POST, path: /v1/ask}\n    response: {status: 200}\n"
        )
        for name in ("openai", "anthropic")
    ]
    exchanges = [
        Exchange(request=Request(method="POST", url="https://x.example/v1/ask"), response=Response(), provider=name)
        for name in ("openai", "anthropic", "anthropic", None)
    ]
    result = verify(both, exchanges)
    assert result.per_contract == {"app/openai": 2, "app/anthropic": 3}
    assert (result.checked, result.unmatched) == (4, [])
