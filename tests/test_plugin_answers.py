"""Per-test answers on the double fixtures: `openai_double.respond(route, json=,
status=, headers=, times=)`, a hook that stands in for the provider, recorded
in the journal like any other answer; faults still act first; a route the
provider does not serve is an error at once; an answer never given fails the
test unless optional."""

from __future__ import annotations

import asyncio

import pytest
from test_pytest_plugin import ASK, _modules_the_runs_share, write

import harness.double.canned  # noqa: F401  (imported once: see test_pytest_plugin's imports)
from harness.double import Double
from harness.double.call import Reply
from harness.double.canned import CannedReply, routes_like
from harness.routes import Route

__all__ = ["_modules_the_runs_share"]  # its module-scoped fixture serves a double once for these runs too

MODERATION = {
    "id": "modr-canned",
    "model": "omni-moderation-latest",
    "results": [{"flagged": True, "categories": {"violence": True}, "category_scores": {"violence": 0.99}}],
}

ANSWERS = f"""
    import openai, pytest

    MODERATION = {MODERATION!r}

    def test_one_answer_then_the_providers_own(openai_double, journal):
        canned = openai_double.respond("POST /v1/moderations", json=MODERATION, headers={{"x-canned": "yes"}}, times=1)
        client = openai_double.client(max_retries=0)
        first = client.moderations.create(input="a red fox")
        assert first.id == "modr-canned" and first.results[0].flagged
        second = client.moderations.create(input="a red fox")
        assert second.id != "modr-canned"
        assert [x.fault for x in journal] == ["canned", None]
        assert journal[0].route == "POST /v1/moderations" and journal[0].response.header("x-canned") == "yes"
        assert journal[0].response.json == MODERATION
        assert (canned.given, canned.remaining) == (1, 0)

    def test_an_error_on_every_call(openai_double, journal):
        openai_double.respond("/v1/chat/completions", status=503,
                              json={{"error": {{"message": "busy today", "type": "server_error"}}}})
        client = openai_double.client(max_retries=0)
        for _ in range(2):
            with pytest.raises(openai.InternalServerError, match="busy today"):
                client.chat.completions.create({ASK})
        assert [x.status for x in journal] == [503, 503]

    def test_faults_act_before_a_canned_answer(openai_double, chaos, journal):
        openai_double.respond("POST /v1/chat/completions", status=200, json={{"canned": True}})
        chaos.inject("outage", provider="openai", first=1)     # injected after, still acts first
        client = openai_double.client(max_retries=0)
        with pytest.raises(openai.APIStatusError):
            client.chat.completions.create({ASK})
        client.with_raw_response.chat.completions.create({ASK})
        assert [(x.status, x.fault) for x in journal] == [(503, "outage"), (200, "canned")]

    def test_an_unknown_route_is_said_at_once(openai_double):
        with pytest.raises(Exception, match=r"no openai route matches 'POST /v1/chat/completion'; "
                                            r"did you mean 'POST /v1/chat/completions'\\?"):
            openai_double.respond("POST /v1/chat/completion", json={{}})
        with pytest.raises(Exception, match="times must be a whole number of calls"):
            openai_double.respond("GET /v1/models", json={{}}, times=0)

    def test_an_answer_never_given(openai_double):
        openai_double.respond("POST /v1/moderations", json=MODERATION)
        openai_double.client(max_retries=0).models.list()

    def test_an_optional_answer(openai_double):
        openai_double.respond("POST /v1/moderations", json=MODERATION, optional=True)
        openai_double.client(max_retries=0).models.list()
"""


def test_respond_gives_the_tests_own_answer_recorded_in_the_journal(pytester):
    write(pytester, ANSWERS)
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_an_answer_never_given _*",
            "test_app.py::test_an_answer_never_given: set up, but never happened:",
            "  the answer on POST /v1/moderations (provider openai) was never given: no call matched it",
        ]
    )


def test_a_canned_answer_is_asked_after_every_fault_whenever_it_was_added():
    from harness.chaos.fault import attach
    from harness.testbed import injection

    with Double("openai") as double:
        double.hooks.append(CannedReply(Route.parse("GET /v1/models"), Reply(json={"canned": True})))
        attach(injection("outage", first=1), double)
        answers = [asyncio.run(double.answer("GET", "/v1/models", "", (), b""))[1:] for _ in range(2)]
    assert [(reply.status, acted) for reply, acted in answers] == [(503, ["outage"]), (200, ["canned"])]


@pytest.mark.parametrize(
    ("pattern", "reaches"),
    [
        ("POST /v1/chat/completions", True),
        ("/v1/videos*", True),
        ("GET /v1/videos/video_123", True),  # a call of GET /v1/videos/{video_id}
        ("GET /v1/videos/{id}", True),
        ("POST /v1/chat/completion", False),
        ("DELETE /v1/chat/completions", False),
    ],
)
def test_a_pattern_reaches_a_route_by_its_template_or_by_its_path(pattern, reaches):
    from harness import providers

    routes = [Route.parse(template) for template, _ in providers.get("openai").routes]
    assert bool(routes_like(Route.parse(pattern), routes)) is reaches
