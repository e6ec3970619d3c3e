"""One interaction, two body shapes: `json` checks plain bodies, `events` checks streams.

A streamed and a plain answer share a route (POST /v1/chat/completions with
"stream": true or false), so one interaction has to describe both.
"""

import json

import pytest

from harness.contracts import check, loads
from harness.exchange import Exchange, Request, Response

BOTH = """
contract: test/both
consumer: test
provider: openai
interactions:
  - name: complete
    request: {method: POST, path: /v1/complete}
    response:
      status: 200
      json: {type: object, required: [text], properties: {text: {type: string}}}
      events:
        chunk: {type: object, required: [delta], properties: {delta: {type: string}}}
      last_event: "[DONE]"
"""

EVENTS_ONLY = """
contract: test/events-only
consumer: test
provider: openai
interactions:
  - name: complete
    request: {method: POST, path: /v1/complete}
    response:
      status: 200
      events: {chunk: {type: object, required: [delta]}}
"""

JSON_ONLY = """
contract: test/json-only
consumer: test
provider: openai
interactions:
  - name: complete
    request: {method: POST, path: /v1/complete}
    response: {status: 200, json: %s}
"""

LAST_EVENT_ONLY = """
contract: test/last-event-only
consumer: test
provider: openai
interactions:
  - name: complete
    request: {method: POST, path: /v1/complete}
    response: {status: 200, last_event: "[DONE]"}
"""

ERROR_IN_STREAM = (
    BOTH
    + """
errors:
  - name: error mid-stream
    response:
      status: 200
      events: {chunk: true, error: {type: object, required: [error]}}
      last_event: error
"""
)


def plain(body, status=200):
    return _exchange(
        Response(status=status, headers=(("content-type", "application/json"),), body=json.dumps(body).encode())
    )


def stream(*payloads):
    """A data-only event stream; a str payload is sent as is (e.g. "[DONE]")."""
    lines = [f"data: {p if isinstance(p, str) else json.dumps(p)}\n\n" for p in payloads]
    return _exchange(
        Response(
            status=200, headers=(("content-type", "text/event-stream; charset=utf-8"),), body="".join(lines).encode()
        )
    )


def _exchange(response):
    return Exchange(Request(method="POST", url="https://api.openai.com/v1/complete"), response, provider="openai")


def findings(contract_text, exchange):
    return [(v.location, v.pointer, v.expected) for v in check(loads(contract_text), [exchange])]


def test_with_both_a_plain_body_is_checked_only_against_json():
    assert findings(BOTH, plain({"text": "hi"})) == []


def test_with_both_a_bad_plain_body_is_reported_at_its_pointer():
    assert findings(BOTH, plain({"text": 3})) == [("body", "/text", "type string")]


def test_with_both_a_stream_is_checked_only_against_events():
    assert findings(BOTH, stream({"object": "chunk", "delta": "h"}, {"object": "chunk", "delta": "i"}, "[DONE]")) == []


def test_with_both_a_bad_stream_event_is_reported_by_position_and_type():
    got = findings(BOTH, stream({"object": "chunk", "delta": "h"}, {"object": "chunk"}, "[DONE]"))
    assert got == [("event 1 (chunk)", "/delta", "present")]


def test_with_both_a_stream_without_its_last_event_is_a_violation():
    got = findings(BOTH, stream({"object": "chunk", "delta": "h"}))
    assert got == [("stream", "", "last event '[DONE]'")]


def test_with_only_events_a_plain_body_is_a_violation():
    got = findings(EVENTS_ONLY, plain({"delta": "h"}))
    assert got == [("body", "", "an event stream (text/event-stream)")]


@pytest.mark.parametrize("schema", ["{type: object}", "true", "{}"])
def test_with_only_json_a_stream_is_a_violation(schema):
    got = findings(JSON_ONLY % schema, stream({"object": "chunk", "delta": "h"}, "[DONE]"))
    assert got == [("body", "", "a JSON body")]


def test_with_only_json_a_plain_body_is_still_checked():
    assert findings(JSON_ONLY % "{type: object, required: [text]}", plain({})) == [("body", "/text", "present")]


def test_last_event_alone_makes_a_stream_expectation():
    assert findings(LAST_EVENT_ONLY, stream({"object": "chunk"}, "[DONE]")) == []
    assert findings(LAST_EVENT_ONLY, stream({"object": "chunk"})) == [("stream", "", "last event '[DONE]'")]
    assert findings(LAST_EVENT_ONLY, plain({})) == [("body", "", "an event stream (text/event-stream)")]


def test_a_stream_outcome_accepts_a_stream_that_ends_in_an_error():
    cut = stream({"object": "chunk", "delta": "h"}, {"error": {"message": "overloaded"}})
    assert findings(BOTH, cut) == [("stream", "", "last event '[DONE]'")]
    assert findings(ERROR_IN_STREAM, cut) == []


def test_a_stream_outcome_does_not_excuse_a_bad_plain_body():
    assert findings(ERROR_IN_STREAM, plain({"text": 3})) == [("body", "/text", "type string")]
