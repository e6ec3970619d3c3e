"""An app that crashes on `content: null` is caught, and the failure shrinks to that answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from harness.awkward import AwkwardReply, answer_with, response_schema
from harness.testbed import Testbed

CHAT = "provider:openai/chat-completions"


def headline(client: Any) -> str:
    """The app under test: handles no choices, but trusts content to be a string."""
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    if not completion.choices:
        return ""
    return completion.choices[0].message.content.strip()[:80]


@pytest.mark.slow
def test_a_crash_on_null_content_is_found_and_shrunk_to_it() -> None:
    seen: list[Any] = []
    schema = response_schema(CHAT)
    with Testbed() as bed:
        # One double and one client for every example (cheaper than a testbed each): each
        # example swaps in its own hook.
        openai = bed.double("openai")
        client = openai.client(max_retries=0)

        @settings(
            max_examples=40, database=None, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
        )
        @given(body=schema.strategy())
        def test_headline(body: Any) -> None:
            seen.append(body)
            openai.hooks[:] = [h for h in openai.hooks if not isinstance(h, AwkwardReply)]
            answer_with(openai, schema, body)
            headline(client)

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


def answers_under_fault(seed: int) -> list[Any]:
    from harness.testbed import Testbed

    with Testbed(seed=seed) as bed:
        openai = bed.double("openai")
        bed.chaos.inject("awkward", provider="openai", contract=CHAT, examples=8)
        client = openai.client(max_retries=0)
        for _ in range(4):
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
        return list(bed.journal)


def test_the_awkward_fault_answers_valid_bodies_the_same_for_a_seed() -> None:
    from harness.contracts import load_path
    from harness.contracts.checker import check

    first, again = answers_under_fault(3), answers_under_fault(3)
    assert [x.fault for x in first] == ["awkward"] * 4
    assert [x.response.json for x in first] == [x.response.json for x in again]  # type: ignore[union-attr]
    [contract] = load_path(CHAT)
    assert all(check(contract, [x]) == [] for x in first)
    # Laid over the double's answer: a field the contract never mentions is still there.
    assert all("system_fingerprint" in x.response.json for x in first)  # type: ignore[union-attr]


def test_the_awkward_fault_needs_a_contract() -> None:
    from harness.chaos import make
    from harness.errors import InputError

    with pytest.raises(InputError, match="needs `contract`"):
        make("awkward", {})
    with pytest.raises(InputError, match="unknown baseline contract 'provider:openai/chat'"):
        make("awkward", {"contract": "provider:openai/chat"})
    with pytest.raises(InputError, match="parameter 'examples' must be a whole number from 1 to 1,000"):
        make("awkward", {"contract": CHAT, "examples": 10**9})


def test_the_html_report_shows_the_awkward_body_beside_the_verdict_and_marks_the_call() -> None:
    from harness.chaos import scenario
    from harness.chaos.runner import ScenarioRun
    from harness.chaos.verdicts import Verdict
    from harness.exchange import Exchange, Request, Response
    from harness.report.html import render

    item = scenario.load(Path(__file__).resolve().parent / "apps" / "ask" / "sunset.yaml")
    body = b'{"choices": [{"message": {"content": null}}]}'
    sent = Exchange(
        Request(method="POST", url="http://127.0.0.1/v1/chat/completions"),
        Response(status=200, headers=(("content-type", "application/json"),), body=body),
        provider="openai",
        started=item.start,
        fault="awkward",
    )
    verdict = Verdict("step", "step 0: POST /ask", False, "500 Internal Server Error", (sent,))
    page = render([ScenarioRun(item, verdicts=[verdict], exchanges=[sent], step_of={id(sent): 0})])
    assert "the provider's answer" in page
    assert "{&quot;choices&quot;: [{&quot;message&quot;: {&quot;content&quot;: null}}]}" in page
    assert "r='8' fill='none'" in page  # the ring on the timeline
    # Without the awkward fault, neither the body nor the ring.
    plain = sent.with_(fault=None)
    other = Verdict("step", "step 0: POST /ask", False, "500 Internal Server Error", (plain,))
    quiet = render([ScenarioRun(item, verdicts=[other], exchanges=[plain], step_of={id(plain): 0})])
    assert "r='8' fill='none'" not in quiet and "the provider's answer" not in quiet
