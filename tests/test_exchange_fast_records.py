"""The private constructors a double uses per call make the same records as the public ones."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from harness.exchange import Exchange, Request, Response

HEADERS = (("content-type", "application/json"), ("x-request-id", "req_1"))


def _pair() -> tuple[Exchange, Exchange]:
    values = dict(
        request=Request(headers=HEADERS, body=b'{"a":1}', method="POST", url="http://h/v1/x"),
        response=Response(headers=HEADERS, body=b'{"ok":true}', status=201),
        provider="openai",
        route="POST /v1/x",
        started=12.5,
        elapsed=0.25,
        fault="slow",
        error=None,
        source="double",
        delivery="whole",
        delivered=None,
        peer="127.0.0.1:5",
    )
    normal = Exchange(**values)
    fast = Exchange._of(
        Request._of(HEADERS, b'{"a":1}', "POST", "http://h/v1/x"),
        Response._of(HEADERS, b'{"ok":true}', 201),
        *[values[f.name] for f in dataclasses.fields(Exchange)][2:],
    )
    return normal, fast


def test_fast_records_equal_hash_and_repr_as_normal_ones() -> None:
    normal, fast = _pair()
    assert type(fast) is Exchange and type(fast.request) is Request and type(fast.response) is Response
    assert fast == normal
    assert hash(fast) == hash(normal)
    assert repr(fast) == repr(normal)
    assert hash(fast.request) == hash(normal.request) and hash(fast.response) == hash(normal.response)
    assert fast.request.path == "/v1/x" and fast.request.header("X-Request-Id") == "req_1"
    assert fast.response.json == {"ok": True}
    assert pickle.loads(pickle.dumps(fast)) == normal
    assert fast.with_(fault=None) == normal.with_(fault=None)


def test_fast_records_are_immutable() -> None:
    _, fast = _pair()
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.provider = "anthropic"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.request.url = "http://elsewhere/"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.response.status = 500  # type: ignore[misc]


def test_fast_exchange_takes_every_field_and_no_more() -> None:
    _, fast = _pair()
    values = [getattr(fast, f.name) for f in dataclasses.fields(Exchange)]
    with pytest.raises(TypeError):
        Exchange._of(*values[:-1])
    with pytest.raises(TypeError):
        Exchange._of(*values, None)
