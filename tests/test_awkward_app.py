"""An app that crashes on `content: null` is caught, and the failure shrinks to that answer."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from harness.awkward import answers, awkward_double

CHAT = "provider:openai/chat-completions"


def headline(client: Any) -> str:
    """The app under test: handles no choices, but trusts content to be a string."""
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    if not completion.choices:
        return ""
    return completion.choices[0].message.content.strip()[:80]


def test_a_crash_on_null_content_is_found_and_shrunk_to_it() -> None:
    seen: list[Any] = []

    @settings(max_examples=40, database=None, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(body=answers(CHAT))
    def test_headline(body: Any) -> None:
        seen.append(body)
        with awkward_double("openai", CHAT, body) as openai:
            headline(openai.client(max_retries=0))

    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'strip'"):
        test_headline()
    minimal = seen[-1]  # Hypothesis replays the shrunk example last
    assert len(minimal["choices"]) == 1
    assert minimal["choices"][0]["message"]["content"] is None
    # Shrunk: nothing else in it is more than the least the contract allows.
    assert minimal["id"] == "" and minimal["model"] == "" and minimal["created"] == 0
    assert minimal["choices"][0]["finish_reason"] == "stop"


def test_the_fixture_works_under_given(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from hypothesis import given, settings
        from harness.awkward import answers

        CHAT = "provider:openai/chat-completions"

        @settings(max_examples=3, database=None, deadline=None)
        @given(body=answers(CHAT))
        def test_it(harness_awkward, body):
            with harness_awkward("openai", CHAT, body) as openai:
                answer = openai.client(max_retries=0).chat.completions.create(
                    model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
                assert len(answer.choices) == len(body["choices"])
        """
    )
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
