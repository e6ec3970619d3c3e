"""What the double's answering path keeps from one request to the next (ids drawn from the
seeded generator, the route table, the catalogue's route lifecycles, no hooks to run) gives
the answers it gave when it kept nothing: the same ids for a seed in every process, the most
specific route, a shutdown the moment the clock passes it, a hook the moment it is added."""

from __future__ import annotations

import collections
import random
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import catalogue
from harness.double import Double, Reply, VirtualClock
from harness.double.call import ALPHANUMERIC, LOWER_ALPHANUMERIC, Alphabet, Call, State
from harness.routes import Route, RouteTable, most_specific

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hello"}]}
KEY = {"authorization": "Bearer sk-test"}


def epoch(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def openai(double: Double) -> httpx.Client:
    return httpx.Client(base_url="https://api.openai.com", transport=double.transport(), headers=KEY)


# --- ids -------------------------------------------------------------------------------------


def test_ids_keep_their_formats():
    state = State(rng=random.Random(7), clock=None)
    for prefix, length in (("chatcmpl-", 29), ("msg_01", 22), ("call_", 24), ("req_", 24), ("", 22)):
        for _ in range(200):
            made = state.next_id(prefix, length)
            assert made.startswith(prefix) and len(made) == len(prefix) + length
            assert set(made[len(prefix) :]) <= set(ALPHANUMERIC.characters)
    lower = state.next_id("", 12, LOWER_ALPHANUMERIC)
    assert len(lower) == 12 and set(lower) <= set("abcdefghijklmnopqrstuvwxyz0123456789")
    assert state.counter == 5 * 200 + 1


def test_every_character_of_an_alphabet_is_equally_likely():
    # 256 bytes do not split evenly into 62 or 36 characters: without dropping the bytes
    # past the last whole multiple, the first characters would come 5/4 as often.
    for alphabet in (ALPHANUMERIC, LOWER_ALPHANUMERIC):
        size = len(alphabet.characters)
        counts = collections.Counter(alphabet.draw(random.Random(3), 2000 * size))
        assert set(counts) == set(alphabet.characters)
        favoured = [counts[c] for c in alphabet.characters[: 256 % size]]
        others = [counts[c] for c in alphabet.characters[256 % size :]]
        ratio = (sum(favoured) / len(favoured)) / (sum(others) / len(others))
        assert 0.97 < ratio < 1.03, (alphabet, ratio)


def test_a_draw_is_whole_even_when_most_bytes_are_dropped():
    # 86 characters: 84 of every 256 bytes are dropped, so draws often need a second helping.
    alphabet = Alphabet("".join(chr(c) for c in range(33, 33 + 86)))
    rng = random.Random(11)
    assert all(len(alphabet.draw(rng, n)) == n for n in range(0, 300))
    with pytest.raises(ValueError, match="2 to 256"):
        Alphabet("a")


IDS = "import random; from harness.double.call import State; s = State(rng=random.Random(42), clock=None); "
IDS += "print(' '.join(s.next_id('chatcmpl-', 29) for _ in range(3)))"


def test_a_seed_gives_the_same_ids_in_every_process():
    state = State(rng=random.Random(42), clock=None)
    here = " ".join(state.next_id("chatcmpl-", 29) for _ in range(3))
    for _ in range(2):  # a fresh interpreter each time: another hash seed, as another xdist worker has
        there = subprocess.run([sys.executable, "-c", IDS], capture_output=True, text=True, check=True).stdout
        assert there.strip() == here


def test_a_double_answers_the_same_for_a_seed():
    def answers(seed: int) -> list[object]:
        with Double("openai", seed=seed, clock=VirtualClock()) as double, openai(double) as client:
            return [client.post("/v1/chat/completions", json=CHAT).json() for _ in range(3)]

    first = answers(5)
    assert first == answers(5)
    assert len({answer["id"] for answer in first}) == 3  # type: ignore[index]
    assert [a["id"] for a in answers(6)] != [a["id"] for a in first]  # type: ignore[index]


# --- the route table -------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    route: Route


TEMPLATES = (
    "POST /v1/things",
    "/v1/things",
    "GET /v1/things/{thing_id}",
    "POST /v1/things/special",
    "/v1/things/{thing_id}",
    "/v1/*",
    "/v1/things/*",
    "GET /v1/things/{thing_id}/parts/{part}",
    "GET /v1beta/{name:path}",
    "POST /v1beta/models/{model}:generate",
)
SEGMENTS = ("v1", "v1beta", "things", "special", "parts", "t1", "models", "m:generate", "")


@given(
    templates=st.lists(st.sampled_from(TEMPLATES), min_size=1, max_size=8),
    asks=st.lists(
        st.tuples(
            st.sampled_from(("GET", "POST", "DELETE", "PURGE", "get")),
            st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=5).map(lambda parts: "/" + "/".join(parts)),
        ),
        min_size=1,
        max_size=30,
    ),
)
def test_the_route_table_answers_as_most_specific_does(templates, asks):
    items = [Item(Route.parse(template)) for template in templates]
    table = RouteTable(items, remember=4)  # a small memory, so it is emptied and filled again
    for method, path in asks + asks:  # every question twice: the second is answered from memory
        assert table.find(method, path) == most_specific(items, method, path)
        assert len(table._answers) <= 4


def test_params_from_the_route_table_are_the_callers_own():
    table = RouteTable([Item(Route.parse("GET /v1/things/{thing_id}"))])
    found = table.find("GET", "/v1/things/t1")
    assert found is not None
    found[1]["thing_id"] = "changed by a handler"
    assert table.find("GET", "/v1/things/t1")[1] == {"thing_id": "t1"}  # type: ignore[index]


def test_a_double_follows_its_routes_when_they_are_replaced():
    with Double("openai", clock=VirtualClock()) as double, openai(double) as client:
        assert client.post("/v1/chat/completions", json=CHAT).status_code == 200
        double.routes = tuple(
            replace(entry, handler=lambda call: Reply(status=299, json={}))
            if str(entry.route) == "POST /v1/chat/completions"
            else entry
            for entry in double.routes
        )
        assert client.post("/v1/chat/completions", json=CHAT).status_code == 299


# --- the catalogue's route lifecycles --------------------------------------------------------


def test_a_shutdown_passing_mid_run_takes_effect_at_once():
    clock = VirtualClock(epoch(date(2026, 9, 24)) - 1)  # the last second before the Videos API goes
    with Double("openai", clock=clock) as double, openai(double) as client:
        assert client.get("/v1/videos").status_code == 200
        clock.advance(seconds=1)
        gone = client.get("/v1/videos")
        assert gone.status_code == 410 and "(/v1/videos)" in gone.json()["error"]["message"]
        clock.set(clock.now() - 1)
        assert client.get("/v1/videos").status_code == 200
        assert client.post("/v1/chat/completions", json=CHAT).status_code == 200  # other APIs stay up


def test_a_catalogues_route_memory_is_its_own():
    shipped = catalogue.catalogue("openai")
    assert shipped.route("/v1/videos/abc") is not None
    without = replace(shipped, routes=())
    assert without.route("/v1/videos/abc") is None
    assert shipped.route("/v1/videos/abc") is not None
    for n in range(catalogue.ROUTES_REMEMBERED + 10):  # ids in paths have no end; the memory does
        shipped.route(f"/v1/videos/video_{n}")
    assert len(shipped._routes_found) <= catalogue.ROUTES_REMEMBERED


def test_models_a_double_adds_are_its_own_and_retire_on_its_clock():
    clock = VirtualClock(epoch(date(2026, 5, 1)))
    extra = {"acme-chat-1": {"family": "chat", "shutdown": "2026-05-02"}}
    ask = {**CHAT, "model": "acme-chat-1"}
    own, plain = Double("openai", clock=clock, models=extra), Double("openai", clock=clock)
    with own, plain, openai(own) as with_it, openai(plain) as without:
        for _ in range(2):  # asked in turn, so nothing one double learnt answers for the other
            assert with_it.post("/v1/chat/completions", json=ask).status_code == 200
            assert without.post("/v1/chat/completions", json=ask).status_code == 404
        clock.advance(days=1)
        retired = with_it.post("/v1/chat/completions", json=ask)
        assert retired.status_code == 404 and "has been deprecated" in retired.json()["error"]["message"]


# --- hooks -----------------------------------------------------------------------------------


class Teapot:
    name = "teapot"

    def after(self, call, reply):
        return Reply(status=418, json={"error": {"message": "short and stout"}})


def test_a_hook_acts_from_the_request_after_it_is_added_until_it_is_removed():
    with Double("openai", clock=VirtualClock()) as double, openai(double) as client:
        assert client.post("/v1/chat/completions", json=CHAT).status_code == 200
        hook = Teapot()
        double.hooks.append(hook)
        assert client.post("/v1/chat/completions", json=CHAT).status_code == 418
        double.hooks.remove(hook)
        assert client.post("/v1/chat/completions", json=CHAT).status_code == 200
    assert [(x.status, x.fault) for x in double.journal] == [(200, None), (418, "teapot"), (200, None)]


# --- a call's headers ------------------------------------------------------------------------


def test_a_calls_headers_are_read_by_any_case_and_afresh_once_replaced():
    call = Call(
        method="POST",
        path="/v1/things",
        params={},
        query={},
        headers=(("Content-Type", "application/json"), ("x-tag", "first"), ("X-Tag", "second")),
        body=b"",
        json=None,
        form=None,
        state=State(rng=random.Random(0), clock=None),
    )
    assert call.header("content-type") == "application/json" and call.header("X-TAG") == "first"
    assert call.header("authorization") is None and call.header("authorization", "none") == "none"
    call.headers = (("x-tag", "replaced"),)  # a hook may give a call other headers
    assert call.header("x-tag") == "replaced" and call.header("content-type") is None
    assert replace(call, headers=(("x-tag", "copied"),)).header("x-tag") == "copied"


@given(st.floats(min_value=-2e9, max_value=4e9, allow_nan=False) | st.integers(-2_000_000_000, 4_000_000_000))
def test_the_day_a_clock_is_on_is_the_utc_date_of_its_time(now):
    assert catalogue.today(VirtualClock(now)) == datetime.fromtimestamp(now, UTC).date()
    midnight = epoch(date(2026, 9, 24))
    assert catalogue.today(VirtualClock(midnight - 0.001)) == date(2026, 9, 23)
    assert catalogue.today(VirtualClock(midnight)) == date(2026, 9, 24)
    assert catalogue.today(VirtualClock(midnight - 1e-7)) == date(2026, 9, 24)  # rounds to the microsecond
