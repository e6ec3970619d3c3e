"""A request the double has seen twice is answered from its rendered answer, with its id and
time drawn anew (`harness.double.replay`): every byte it sends and every record it keeps is what
a double answering afresh gives, and a plan gives way the moment what it was made under moves
(the day and a model's shutdown, a hook, a handler, the seed)."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from harness.double import Double, Reply, VirtualClock
from harness.double.app import RouteHandler
from harness.double.call import Alphabet, Call
from harness.double.replay import SECONDS, ident

KEY = {"authorization": "Bearer sk-replay"}


def chat(content: str = "hello", **more: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": content}], **more}


TOOLS = {
    "tools": [{"type": "function", "function": {"name": "look", "parameters": {"type": "object"}}}],
    "tool_choice": "required",
}
SHAPE = {
    "type": "json_schema",
    "json_schema": {"name": "s", "schema": {"type": "object", "properties": {"a": {"type": "integer"}}}},
}
# Repeats of one request, with others between them: plain, n=2, tool calls (which draw ids of
# their own), a stream, a request the double turns away, and a long prompt.
SEQUENCE = [
    chat(),
    chat(),
    chat("other"),
    chat(),
    chat(n=2),
    chat(),
    chat("other"),
    chat(n=2),
    chat(n=2),
    chat(**TOOLS),
    chat(**TOOLS),
    chat(**TOOLS),
    chat(stream=True),
    chat(stream=True),
    chat(stream=True),
    {"model": "gpt-4o-mini"},
    {"model": "gpt-4o-mini"},
    {"model": "gpt-4o-mini"},
    chat("other"),
    *[chat("shaped", logprobs=True, top_logprobs=2, stop=["zz"], max_tokens=40)] * 3,
    *[chat("shaped", response_format=SHAPE)] * 3,
    chat("x" * 5000),
    chat("x" * 5000),
    chat("x" * 5000),
    chat(),
]


def epoch(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def counted(double: Double) -> list[Call]:
    """The calls that reached the chat handler (a replayed request does not)."""
    calls: list[Call] = []

    def wrap(handler: Any) -> Any:
        def counting(call: Call) -> Any:
            calls.append(call)
            return handler(call)

        return counting

    double.routes = tuple(
        RouteHandler(entry.route, wrap(entry.handler)) if str(entry.route) == "POST /v1/chat/completions" else entry
        for entry in double.routes
    )
    return calls


def answers(double: Double, bodies: list[dict[str, Any]]) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    with httpx.Client(base_url="https://api.openai.com", transport=double.transport(), headers=KEY) as client:
        got = []
        for body in bodies:
            response = client.post("/v1/chat/completions", json=body)
            got.append((response.status_code, list(response.headers.multi_items()), response.content))
        return got


def records(double: Double) -> list[tuple[Any, ...]]:
    """Every journal record, all of it but the real time it took."""
    return [
        (
            x.request.method,
            x.request.url,
            x.request.headers,
            x.request.body,
            x.response and (x.response.status, x.response.headers, x.response.body),
            *(getattr(x, key) for key in ("provider", "route", "started", "fault", "error", "delivery", "delivered")),
        )
        for x in double.journal
    ]


def pair(**options: Any) -> tuple[Double, Double]:
    """Two doubles alike but for replay, on clocks that stand at the same time."""
    start = options.pop("start", epoch(date(2026, 3, 1)))
    replaying = Double("openai", seed=3, clock=VirtualClock(start), **options)
    afresh = Double("openai", seed=3, clock=VirtualClock(start), replay=False, **options)
    return replaying, afresh


def test_a_replayed_answer_is_byte_for_byte_the_answer_afresh():
    replaying, afresh = pair()
    with replaying, afresh:
        calls = counted(replaying)
        got, want = answers(replaying, SEQUENCE), answers(afresh, SEQUENCE)
        assert got == want
        assert records(replaying) == records(afresh)
        assert replaying.state.rng.getstate() == afresh.state.rng.getstate()
        assert replaying.state.counter == afresh.state.counter
        # The plain request's 3rd to 5th sending, and the 3rd of n=2, "other", logprobs and the
        # shaped answer were replayed;
        # tool calls, streams, turned-away and long requests never are.
        assert len(calls) == len(SEQUENCE) - 7 - 3  # 3 turned away before the handler
        ids = [body for status, _, body in got if status == 200]
        assert len(set(ids)) == len(ids)  # every answer has its own id


def test_replayed_answers_move_with_the_clock_and_the_rate_limit_counts():
    replaying, afresh = pair()
    with replaying, afresh:
        for double in (replaying, afresh):
            answers(double, [chat()] * 3)
            double.clock.advance(seconds=7)
        got, want = answers(replaying, [chat()] * 3), answers(afresh, [chat()] * 3)
        assert got == want
        created = [httpx.Response(200, content=body).json()["created"] for _, _, body in got]
        assert created == [int(epoch(date(2026, 3, 1))) + 7] * 3
        remaining = [dict(headers)["x-ratelimit-remaining-requests"] for _, headers, _ in got]
        assert remaining == ["9996", "9995", "9994"]


def test_a_model_retired_overnight_is_refused_though_its_answer_was_planned():
    extra = {"acme-chat-1": {"family": "chat", "shutdown": "2026-03-02"}}
    replaying, afresh = pair(models=extra)
    ask = {**chat(), "model": "acme-chat-1"}
    with replaying, afresh:
        calls = counted(replaying)
        assert [status for status, _, _ in answers(replaying, [ask] * 4)] == [200] * 4
        assert len(calls) == 2
        replaying.clock.advance(days=1)
        afresh.clock.advance(days=1)
        got, want = answers(replaying, [ask]), answers(afresh, [ask])
        assert got[0][0] == want[0][0] == 404 and b"has been deprecated" in got[0][2]
        assert got[0][2] == want[0][2]


@pytest.mark.parametrize("before, after", [(86_399.5, 0.8), (86_398.0, 0.0), (86_399.9, 86_399.2)])
def test_a_plan_holds_to_the_last_instant_of_its_day_and_not_past_midnight(before, after):
    # Within a second of midnight the plan asks the calendar: a model shut down at midnight is
    # refused from the first instant of its shutdown day, and answered to the last of the day before.
    extra = {"acme-chat-1": {"family": "chat", "shutdown": "2026-03-02"}}
    replaying, afresh = pair(models=extra, start=epoch(date(2026, 3, 1)) - 86_400 + before)
    ask = {**chat(), "model": "acme-chat-1"}
    with replaying, afresh:
        calls = counted(replaying)
        assert [status for status, _, _ in answers(replaying, [ask] * 3)] == [200] * 3
        answers(afresh, [ask] * 3)
        assert len(calls) == 2  # the third was replayed
        for double in (replaying, afresh):
            double.clock.advance(seconds=86_400 - before + after)  # to `after` seconds into 1 March
        assert answers(replaying, [ask] * 2) == answers(afresh, [ask] * 2)
        # Still 1 March, one day on from the plan's day: answered afresh, then planned anew.
        assert len(calls) == 3
        for double in (replaying, afresh):
            double.clock.advance(days=1)  # 2 March: shut down
        got, want = answers(replaying, [ask]), answers(afresh, [ask])
        assert got == want and got[0][0] == 404


def test_a_hook_added_after_a_plan_acts_on_the_next_request():
    class Teapot:
        name = "teapot"

        def after(self, call: Call, reply: Reply) -> Reply:
            return Reply(status=418, json={"error": {"message": "short and stout"}})

    replaying, _ = pair()
    with replaying:
        answers(replaying, [chat()] * 3)
        hook = Teapot()
        replaying.hooks.append(hook)
        assert answers(replaying, [chat()])[0][0] == 418
        replaying.hooks.remove(hook)
        assert answers(replaying, [chat()])[0][0] == 200
    assert [x.fault for x in replaying.journal] == [None, None, None, "teapot", None]


def test_a_handler_swapped_after_a_plan_answers_the_next_request():
    replaying, _ = pair()
    with replaying:
        answers(replaying, [chat()] * 3)
        calls = counted(replaying)  # new routes: the plan made under the old ones gives way
        answers(replaying, [chat()] * 3)
        assert len(calls) == 1  # the first answer under the new routes makes the plan at once


def test_a_new_seed_gives_new_answers_at_once():
    replaying, afresh = pair()
    with replaying, afresh:
        for double in (replaying, afresh):
            answers(double, [chat()] * 3)
            double.state.settings["seed"] = 11
        assert answers(replaying, [chat()] * 3) == answers(afresh, [chat()] * 3)


def test_a_value_written_twice_in_an_answer_is_not_cut_out():
    # The prompt holds the time the answer is made at, so `created` is in the body twice: its
    # place cannot be told, and the request is answered afresh every time.
    start = epoch(date(2026, 3, 1))
    replaying, afresh = pair(start=start)
    bodies = [chat(f"at {int(start)}")] * 4
    with replaying, afresh:
        calls = counted(replaying)
        assert answers(replaying, bodies) == answers(afresh, bodies)
        assert len(calls) == 4


def test_a_handler_that_draws_more_than_it_names_is_never_replayed():
    def sloppy(handler: Any) -> Any:
        def answer(call: Call) -> Any:
            call.state.rng.random()  # a draw the reply does not name
            return handler(call)

        return answer

    replaying, afresh = pair()
    with replaying, afresh:
        for double in (replaying, afresh):
            double.routes = tuple(
                RouteHandler(entry.route, sloppy(entry.handler)) if "chat/completions" in str(entry.route) else entry
                for entry in double.routes
            )
        calls = counted(replaying)
        assert answers(replaying, [chat()] * 4) == answers(afresh, [chat()] * 4)
        assert len(calls) == 4


def test_a_drawn_value_in_the_handlers_own_headers_is_never_replayed():
    def echoing(handler: Any) -> Any:
        def answer(call: Call) -> Any:
            reply = handler(call)
            reply.headers = {"x-completion": reply.json["id"]}
            return reply

        return answer

    replaying, _ = pair()
    with replaying:
        replaying.routes = tuple(
            RouteHandler(entry.route, echoing(entry.handler)) if "chat/completions" in str(entry.route) else entry
            for entry in replaying.routes
        )
        calls = counted(replaying)
        got = answers(replaying, [chat()] * 4)
        assert len(calls) == 4
        assert [dict(headers)["x-completion"] for _, headers, _ in got] == [
            httpx.Response(200, content=body).json()["id"] for _, _, body in got
        ]


def test_replayed_headers_are_merged_as_afresh_when_the_provider_varies_them():
    # Replayed headers are filled into the positions the first answer had; a provider whose
    # names change from call to call, or whose values are not one line of latin-1 text, or a
    # handler whose own header shares a provider's name, must still get the merge done afresh.
    def provided(count: Any) -> Any:
        def headers(call: Call) -> dict[str, Any]:
            n = next(count)
            made: dict[str, Any] = {"X-Count": n if n == 8 else str(n)}
            made["x-text"] = {5: "a dash \u2014 here", 7: "line\r\nbreak"}.get(n, "plain")
            if n % 3 == 0:
                made["x-third"] = "yes"
            return made

        return headers

    def shadowing(handler: Any) -> Any:
        def answer(call: Call) -> Any:
            reply = handler(call)
            if "shadow" in call.body.decode():
                reply.headers = {**reply.headers, "X-Text": "the handler's own"}
            return reply

        return answer

    replaying, afresh = pair()
    bodies = [chat()] * 9 + [chat("shadow")] * 4
    with replaying, afresh:
        for double in (replaying, afresh):
            double.provider = replace(double.provider, headers=provided(itertools.count()))
            double.routes = tuple(
                RouteHandler(entry.route, shadowing(entry.handler)) if "chat/completions" in str(entry.route) else entry
                for entry in double.routes
            )
        calls = counted(replaying)
        got = answers(replaying, bodies)
        assert got == answers(afresh, bodies)
        assert records(replaying) == records(afresh)
        assert len(calls) == 4  # the first two of each; the rest replayed
        sent = [dict(headers) for _, headers, _ in got]
        assert [h["x-count"] for h in sent[:9]] == [str(n) for n in range(9)]
        assert sent[5]["x-text"] == "a dash ? here"  # not latin-1: replaced, as afresh
        assert sent[7]["x-text"] == "line\r\nbreak"
        assert ["x-third" in h for h in sent[:9]] == [n % 3 == 0 for n in range(9)]
        assert sent[-1]["x-text"] == "the handler's own"


def test_a_served_double_replays_what_it_would_answer_afresh():
    replaying, afresh = pair()
    with replaying, afresh, replaying.serve() as fast, afresh.serve() as slow:
        got = []
        for url in (fast, slow):
            with httpx.Client(base_url=url, headers=KEY) as client:
                sent = [client.post("/v1/chat/completions", json=chat()) for _ in range(4)]
                got.append([(r.status_code, r.content, r.headers["x-request-id"]) for r in sent])
        assert got[0] == got[1]
        assert len({body for _, body, _ in got[0]}) == 4


def test_an_id_drawn_for_replay_is_written_as_itself():
    with pytest.raises(ValueError, match="letters, digits"):
        ident('say"', 8)
    with pytest.raises(ValueError, match="letters, digits"):
        ident("x", 8, Alphabet("ab\\"))
    drawn = ident("chatcmpl-", 29)
    from harness.double.call import State

    state = State(rng=random.Random(1), clock=VirtualClock(12.5))
    value = drawn.draw(state)
    assert drawn.json(value) == f'"{value}"'.encode() and SECONDS.json(SECONDS.draw(state)) == b"12"
    # The id a draw gives is the one `next_id` would: the same generator moves, the same count.
    for alphabet in (None, Alphabet("abc123"), Alphabet("0123456789abcdef")):
        drawing, asking = (State(rng=random.Random(7), clock=VirtualClock(0)) for _ in range(2))
        by_draw = [ident("msg_", 24, alphabet).draw(drawing) for _ in range(5)]
        assert by_draw == [asking.next_id("msg_", 24, alphabet) for _ in range(5)]
        assert drawing.counter == asking.counter == 5 and drawing.rng.getstate() == asking.rng.getstate()


def test_a_draw_unnamed_is_seen_even_when_the_request_id_does_not_show_it():
    # A provider whose request ids are not drawn: only where the generator ends up tells.
    from dataclasses import replace

    from harness import providers

    fixed = replace(providers.get("openai"), request_id=lambda state: "req_fixed")

    def sloppy(handler: Any) -> Any:
        def answer(call: Call) -> Any:
            reply = handler(call)
            call.state.rng.random()  # after the named draws: their values are as named
            return reply

        return answer

    doubles = Double(fixed, seed=3, clock=VirtualClock()), Double(fixed, seed=3, clock=VirtualClock(), replay=False)
    with doubles[0], doubles[1]:
        for double in doubles:
            double.routes = tuple(
                RouteHandler(entry.route, sloppy(entry.handler)) if "chat/completions" in str(entry.route) else entry
                for entry in double.routes
            )
        calls = counted(doubles[0])
        assert answers(doubles[0], [chat()] * 4) == answers(doubles[1], [chat()] * 4)
        assert len(calls) == 4
        assert doubles[0].state.rng.getstate() == doubles[1].state.rng.getstate()


def test_a_request_whose_answer_cannot_be_replayed_is_watched_once(monkeypatch):
    from harness.double import app

    watched, real = [], app.snapshot
    monkeypatch.setattr(app, "snapshot", lambda state: watched.append(1) or real(state))
    ask = {"model": "claude-sonnet-4-5", "max_tokens": 50, "messages": [{"role": "user", "content": "hi"}]}
    headers = {"x-api-key": "sk-replay", "anthropic-version": "2023-06-01"}
    double = Double("anthropic", seed=3, clock=VirtualClock())  # its answers name no draws
    with double, httpx.Client(base_url="https://api.anthropic.com", transport=double.transport()) as client:
        statuses = [client.post("/v1/messages", json=ask, headers=headers).status_code for _ in range(5)]
    assert statuses == [200] * 5 and watched == [1]
    replaying, _ = pair()
    with replaying:
        answers(replaying, [chat(**TOOLS)] * 5)
    assert watched == [1, 1]


def test_what_a_double_keeps_for_replay_stays_bounded():
    # `harness serve` runs for hours with a new prompt on most requests: its tables of requests
    # seen and of plans are emptied when full, never grown without end.
    from harness.double.replay import PLANS_KEPT

    replaying, afresh = pair()
    bodies = [chat(f"prompt {n}") for n in range(PLANS_KEPT + 20) for _ in range(3)]
    with replaying, afresh:
        calls = counted(replaying)
        assert answers(replaying, bodies) == answers(afresh, bodies)
        assert len(replaying._seen) <= PLANS_KEPT and len(replaying._plans) <= PLANS_KEPT
        assert len(calls) == 2 * (PLANS_KEPT + 20)  # each prompt's third sending was replayed
