"""A strict double checks a request once: the same request again (same method, path, query,
headers and body) skips a check that judges the request alone, and only then; anything else
is checked every time."""

from __future__ import annotations

import httpx
import pytest

from harness.double import Double
from harness.double.call import Call
from harness.validation import request_only

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hello"}]}


class Counting:
    """Wraps a provider's check and counts the calls it gets."""

    def __init__(self, check, marked: bool) -> None:
        self.check, self.calls = check, 0
        if marked:
            request_only(self)

    def __call__(self, call: Call) -> None:
        self.calls += 1
        self.check(call)


def counted(double: Double, marked: bool = True) -> Counting:
    from dataclasses import replace

    counting = Counting(double.provider.validate, marked)
    double.provider = replace(double.provider, validate=counting)
    return counting


def client(double: Double) -> httpx.Client:
    return httpx.Client(
        base_url="https://api.openai.com",
        transport=double.transport(),
        headers={"authorization": "Bearer sk-test"},
    )


def test_the_same_request_again_is_not_checked_again() -> None:
    with Double("openai", seed=1) as double, client(double) as http:
        counting = counted(double)
        for _ in range(3):
            assert http.post("/v1/chat/completions", json=CHAT).status_code == 200
        assert counting.calls == 1
        http.post("/v1/chat/completions", json={**CHAT, "n": 2})  # another body
        http.post("/v1/chat/completions", json=CHAT, headers={"x-other": "1"})  # another header
        http.post("/v1/chat/completions", params={"a": "b"}, json=CHAT)  # another query
        assert counting.calls == 4


def test_a_request_turned_away_is_checked_and_turned_away_every_time() -> None:
    with Double("openai", seed=1) as double, client(double) as http:
        counting = counted(double)
        for _ in range(3):
            answer = http.post("/v1/chat/completions", json={**CHAT, "temperature": "hot"})
            assert answer.status_code == 400 and "temperature" in answer.json()["error"]["message"]
        assert counting.calls == 3


@pytest.mark.parametrize("why", ["unmarked check", "a hook ran first", "large body"])
def test_otherwise_every_request_is_checked(why: str) -> None:
    with Double("openai", seed=1) as double, client(double) as http:
        counting = counted(double, marked=why != "unmarked check")
        body = CHAT
        if why == "a hook ran first":

            class Watcher:
                name = "watcher"

                def before(self, call: Call) -> None:
                    return None

            double.hooks.append(Watcher())
        if why == "large body":
            body = {**CHAT, "messages": [{"role": "user", "content": "x" * 5000}]}
        for _ in range(3):
            assert http.post("/v1/chat/completions", json=body).status_code == 200
        assert counting.calls == 3
