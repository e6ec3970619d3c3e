"""The double engine on a toy provider: routing, bodies, envelopes, journal,
hooks, clock, control API, transports, servers and `harness serve`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import httpx2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness import sse
from harness.double import (
    Call,
    Double,
    FormFile,
    RealClock,
    Reply,
    VirtualClock,
    media,
)
from harness.double.body import BodyError, parse_body
from harness.double.clock import DAY, DEFAULT_START
from harness.errors import InputError
from harness.provider import Provider

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://toy.test"


# --- a toy provider --------------------------------------------------------------------------


def toy_error(status, message, *, type=None, code=None, param=None):
    return Reply(status=status, json={"problem": {"status": status, "message": message, "code": code}})


def echo(call: Call) -> Reply:
    form = {k: (repr(v) if isinstance(v, FormFile) else v) for k, v in (call.form or {}).items()}
    return Reply(
        json={
            "route": call.route,
            "params": call.params,
            "query": call.query,
            "json": call.json,
            "form": form,
            "n": call.state.next_id("n_", 4),
        }
    )


def specific(call: Call) -> Reply:
    return Reply(json={"route": call.route, "params": call.params})


def stream(call: Call) -> Reply:
    count = int(call.query.get("count", "4"))
    return Reply(
        events=[sse.Event(event="tick", data=json.dumps({"i": i})) for i in range(count)] + [sse.Event(data="[END]")],
        headers={"x-stream": "yes"},
    )


def media_file(call: Call) -> Reply:
    return Reply(body=media.png(2, 2, (1, 2, 3)), content_type="image/png")


def boom(call: Call) -> Reply:
    raise RuntimeError("the handler broke")


async def slow(call: Call) -> Reply:
    await asyncio.sleep(float(call.query.get("seconds", "0.01")))
    return Reply(json={"slept": True})


def now(call: Call) -> Reply:
    return Reply(json={"now": call.state.clock.now(), "job_seconds": call.state.settings["job_seconds"]})


TOY = Provider(
    name="toy",
    routes=(
        ("POST /v1/things/{thing_id}", echo),
        ("POST /v1/things/special", specific),
        ("GET /v1/stream", stream),
        ("GET /v1/file", media_file),
        ("GET /v1/boom", boom),
        ("GET /v1/slow", slow),
        ("GET /v1/now", now),
        ("/v1/any/*", echo),
    ),
    error=toy_error,
    request_id_header="toy-request-id",
    request_id=lambda state: state.next_id("req_", 8),
    headers=lambda call: {"x-toy-limit": "100", "x-overridden": "provider"},
)


@pytest.fixture
def double():
    with Double(TOY, seed=3, clock=VirtualClock(), job_seconds=2.5) as made:
        yield made


@pytest.fixture
def client(double):
    with httpx.Client(base_url=BASE, transport=double.transport()) as http:
        yield http


# --- clock -----------------------------------------------------------------------------------


def test_virtual_clock_moves_only_when_told():
    clock = VirtualClock(start=1000)
    assert clock.now() == 1000
    assert clock.advance(5) == 1005
    assert clock.advance(days=2) == 1005 + 2 * DAY
    assert clock.set(50) == 50
    with pytest.raises(ValueError):
        clock.advance(-1)
    assert VirtualClock().now() == DEFAULT_START


def test_virtual_clock_is_safe_to_move_from_many_threads():
    clock = VirtualClock(start=0)
    threads = [threading.Thread(target=lambda: [clock.advance(1) for _ in range(1000)]) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert clock.now() == 8000


def test_real_clock_is_wall_time():
    assert abs(RealClock().now() - time.time()) < 1


# --- routing, bodies, envelopes --------------------------------------------------------------


def test_the_most_specific_route_wins_and_params_reach_the_handler(client):
    assert client.post("/v1/things/special").json() == {"route": "POST /v1/things/special", "params": {}}
    answer = client.post("/v1/things/t1?x=1&y=", json={"a": 1}).json()
    assert answer["route"] == "POST /v1/things/{thing_id}"
    assert answer["params"] == {"thing_id": "t1"}
    assert answer["query"] == {"x": "1", "y": ""}
    assert answer["json"] == {"a": 1}
    assert client.get("/v1/any/deep/path").json()["route"] == "/v1/any/*"


def test_multipart_and_urlencoded_bodies_become_form_fields(client):
    answer = client.post(
        "/v1/things/t2",
        data={"prompt": "fox", "tag": ["a", "b"]},
        files={"input_reference": ("ref.png", b"\x89PNG", "image/png")},
    ).json()
    assert answer["json"] is None
    assert answer["form"]["prompt"] == "fox"
    assert answer["form"]["tag"] == ["a", "b"]
    assert answer["form"]["input_reference"] == "FormFile('ref.png', 'image/png', 4 bytes)"
    answer = client.post("/v1/things/t3", data={"a": "1", "b": "two"}).json()
    assert answer["form"] == {"a": "1", "b": "two"}


def test_parse_body_keeps_file_bytes_and_rejects_broken_bodies():
    request = httpx.Request("POST", BASE, files={"f": ("x.bin", b"\x00\x01\xff")}, data={"k": "v"})
    content = request.read()
    _, form = parse_body(request.headers["content-type"], content)
    assert form["f"] == FormFile("x.bin", "application/octet-stream", b"\x00\x01\xff")
    assert form["k"] == "v"
    with pytest.raises(BodyError, match="not valid JSON"):
        parse_body("application/json", b"{nope")
    with pytest.raises(BodyError, match="boundary"):
        parse_body("multipart/form-data", b"--x")
    assert parse_body(None, b"") == (None, None)
    assert parse_body("application/json", b'{"a": 1}') == ({"a": 1}, None)


_names = st.text(st.characters(min_codepoint=48, max_codepoint=122, categories=["L", "N"]), min_size=1, max_size=8)
_values = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\x00"), max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    fields=st.dictionaries(_names, _values, max_size=5),
    files=st.dictionaries(_names, st.binary(max_size=64), max_size=2),
)
def test_what_httpx_encodes_parse_body_reads_back(fields, files):
    files = {f"file_{name}": value for name, value in files.items()}
    request = httpx.Request(
        "POST",
        BASE,
        data=fields,
        files={name: (f"{name}.bin", data, "application/octet-stream") for name, data in files.items()} or None,
    )
    _, form = parse_body(request.headers.get("content-type"), request.read())
    if not fields and not files:
        assert not form
        return
    assert {k: v for k, v in form.items() if not isinstance(v, FormFile)} == fields
    assert {k: v.data for k, v in form.items() if isinstance(v, FormFile)} == files


def test_unknown_route_is_a_404_in_the_providers_envelope(client, double):
    response = client.get("/v2/nowhere")
    assert response.status_code == 404
    assert response.json() == {"problem": {"status": 404, "message": "Invalid URL (GET /v2/nowhere)", "code": None}}
    assert response.headers["toy-request-id"].startswith("req_")
    assert double.journal[-1].route is None


def test_bad_json_is_a_400_in_the_envelope(client):
    response = client.post("/v1/things/t1", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["problem"]["message"]


def test_a_handler_that_raises_is_a_500_in_the_envelope(client, caplog):
    response = client.get("/v1/boom")
    assert response.status_code == 500
    assert response.json()["problem"]["status"] == 500
    assert "the handler broke" in caplog.text


def test_headers_come_from_profile_then_reply_and_a_request_id_is_added(double):
    overriding = Provider(
        name="toy",
        routes=(
            ("GET /x", lambda call: Reply(json={}, headers={"X-Overridden": "reply", "toy-request-id": "req_mine"})),
        ),
        error=toy_error,
        request_id_header="toy-request-id",
        request_id=lambda s: "req_generated",
        headers=lambda call: {"x-toy-limit": "100", "x-overridden": "provider"},
    )
    with Double(overriding) as other, httpx.Client(base_url=BASE, transport=other.transport()) as http:
        response = http.get("/x")
    assert response.headers["x-toy-limit"] == "100"
    assert response.headers["x-overridden"] == "reply"
    assert response.headers["toy-request-id"] == "req_mine"


class _Unwritable:
    def __str__(self) -> str:
        raise ValueError("no text for this")


@pytest.mark.parametrize(
    "made", [lambda call: 1 / 0, lambda call: {"x-toy-limit": "100", "x-toy-odd": _Unwritable()}], ids=["raise", "str"]
)
def test_a_provider_whose_headers_fail_adds_none_and_the_answer_still_goes(made, caplog):
    failing = Provider(
        name="toy",
        routes=(("GET /x", lambda call: Reply(json={"ok": True})),),
        error=toy_error,
        request_id_header="toy-request-id",
        request_id=lambda s: "req_generated",
        headers=made,
    )
    with Double(failing) as other, httpx.Client(base_url=BASE, transport=other.transport()) as http:
        responses = [http.get("/x") for _ in range(4)]  # the later ones replayed where they can be
    assert [r.status_code for r in responses] == [200] * 4
    assert all("x-toy-limit" not in r.headers and r.json() == {"ok": True} for r in responses)
    assert "provider headers failed" in caplog.text


def test_raw_bodies_keep_their_content_type(client):
    response = client.get("/v1/file")
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_handlers_see_the_doubles_clock_and_settings(client, double):
    assert client.get("/v1/now").json() == {"now": DEFAULT_START, "job_seconds": 2.5}
    double.clock.advance(days=1)
    assert client.get("/v1/now").json()["now"] == DEFAULT_START + DAY


def test_same_seed_same_ids():
    def ids(seed):
        with Double(TOY, seed=seed) as made, httpx.Client(base_url=BASE, transport=made.transport()) as http:
            return [http.post("/v1/things/a").json()["n"] for _ in range(3)]

    assert ids(1) == ids(1)
    assert ids(1) != ids(2)


# --- journal ---------------------------------------------------------------------------------


def test_every_exchange_is_journalled_with_route_time_and_bodies(client, double):
    double.clock.set(1_800_000_000)
    client.post("/v1/things/t9?k=v", json={"prompt": "hello"}, headers={"authorization": "Bearer sk-secret"})
    exchange = double.journal[-1]
    assert exchange.provider == "toy"
    assert exchange.route == "POST /v1/things/{thing_id}"
    assert exchange.started == 1_800_000_000
    assert exchange.elapsed > 0
    assert exchange.source == "double"
    assert exchange.request.method == "POST"
    assert exchange.request.url == "http://toy.test/v1/things/t9?k=v"
    assert exchange.request.json == {"prompt": "hello"}
    assert exchange.request.header("authorization") == "Bearer REDACTED"
    assert exchange.response.status == 200
    assert exchange.response.json["params"] == {"thing_id": "t9"}
    assert exchange.response.header("toy-request-id")


def test_secrets_in_the_query_are_redacted(client, double):
    client.get("/v1/any/x?key=AIza-secret&alt=sse")
    assert double.journal[-1].request.url.endswith("/v1/any/x?key=REDACTED&alt=sse")


def test_a_shared_journal_collects_several_doubles():
    from harness import Journal

    journal = Journal()
    with Double(TOY, journal=journal) as one, Double(TOY, journal=journal) as two:
        for made in (one, two):
            with httpx.Client(base_url=BASE, transport=made.transport()) as http:
                http.get("/v1/now")
    assert len(journal) == 2


# --- streaming -------------------------------------------------------------------------------


def test_streams_arrive_event_by_event_and_are_journalled_whole(client, double):
    with client.stream("GET", "/v1/stream?count=3") as response:
        assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert "content-length" not in response.headers
        chunks = list(response.iter_raw())
    assert chunks == [
        b'event: tick\ndata: {"i": 0}\n\n',
        b'event: tick\ndata: {"i": 1}\n\n',
        b'event: tick\ndata: {"i": 2}\n\n',
        b"data: [END]\n\n",
    ]
    exchange = double.journal[-1]
    assert [e.type for e in exchange.response.events] == ["tick", "tick", "tick", "[END]"]
    assert exchange.error is None


def test_a_client_that_stops_reading_early_leaves_a_journalled_exchange(client, double):
    with client.stream("GET", "/v1/stream?count=500") as response:
        first = next(response.iter_raw())
    assert first.startswith(b"event: tick")
    assert client.get("/v1/now").status_code == 200  # the double is not stuck on the dropped stream
    streamed = double.journal.filter(route="GET /v1/stream")[0]
    assert streamed.response.status == 200
    # Either the whole stream was written before the client left, or the cut is recorded.
    assert len(streamed.response.events) == 501 or streamed.error.startswith("client disconnected")


# --- fault hook ------------------------------------------------------------------------------


class Outage:
    """A tiny hook: answer 503 on one route."""

    name = "toy_outage"

    def __init__(self, route: str = "GET /v1/now") -> None:
        self.route = route

    def before(self, call: Call) -> Reply | None:
        return toy_error(503, "down for the test") if call.route == self.route else None


class Stamp:
    name = "toy_stamp"

    def after(self, call: Call, reply: Reply) -> Reply:
        if call.route != "GET /v1/now":
            return reply
        reply.headers["x-stamped"] = "1"  # edits in place: still counts as acting
        return reply


class Watcher:
    name = "watcher"

    def __init__(self) -> None:
        self.seen = []

    async def after(self, call: Call, reply: Reply) -> Reply:  # async hooks work too
        self.seen.append(reply.status)
        return reply


def test_a_hook_can_answer_instead_of_the_provider(client, double):
    double.hooks.append(Outage())
    response = client.get("/v1/now")
    assert response.status_code == 503
    assert response.json()["problem"]["message"] == "down for the test"
    assert double.journal[-1].fault == "toy_outage"
    assert client.post("/v1/things/special").status_code == 200
    assert double.journal[-1].fault is None


def test_after_hooks_change_answers_and_are_named_only_when_they_act(client, double):
    watcher = Watcher()
    double.hooks.extend([Stamp(), watcher])
    assert client.get("/v1/now").headers["x-stamped"] == "1"
    assert double.journal[-1].fault == "toy_stamp"
    client.post("/v1/things/special")
    assert double.journal[-1].fault is None
    assert watcher.seen == [200, 200]


def test_a_hook_that_raises_is_a_500_in_the_envelope(client, double):
    class Broken:
        name = "broken"

        def before(self, call):
            raise ValueError("bad fault")

    double.hooks.append(Broken())
    response = client.get("/v1/now")
    assert response.status_code == 500 and "problem" in response.json()


# --- control API -----------------------------------------------------------------------------


def test_control_journal_lists_and_clears_and_is_not_journalled(client, double):
    client.post("/v1/things/t1", json={"a": 1})
    client.get("/v1/file")
    listed = client.get("/__harness/journal").json()
    assert [x["route"] for x in listed] == ["POST /v1/things/{thing_id}", "GET /v1/file"]
    assert listed[0]["request"]["body"] == '{"a": 1}' or json.loads(listed[0]["request"]["body"]) == {"a": 1}
    assert listed[1]["response"]["body_base64"]
    assert listed[0]["provider"] == "toy" and listed[0]["response"]["status"] == 200
    assert (listed[0]["delivery"], listed[0]["delivered"], listed[0]["peer"]) == ("whole", None, None)  # in-process
    assert client.delete("/__harness/journal").json() == {"cleared": 2}
    assert client.get("/__harness/journal").json() == []
    assert len(double.journal) == 0


def test_control_clock_moves_a_virtual_clock(client, double):
    assert client.get("/__harness/clock").json() == {"now": DEFAULT_START, "virtual": True}
    assert client.post("/__harness/clock", json={"advance": 30}).json()["now"] == DEFAULT_START + 30
    assert client.post("/__harness/clock", json={"advance_days": 1}).json()["now"] == DEFAULT_START + 30 + DAY
    assert client.post("/__harness/clock", json={"set": 5}).json()["now"] == 5
    assert double.clock.now() == 5
    assert client.post("/__harness/clock", json={"advance": -1}).status_code == 400
    assert client.post("/__harness/clock", json={"warp": 1}).status_code == 400
    assert client.post("/__harness/clock", json={"advance": "1"}).status_code == 400
    assert client.post("/__harness/clock", content=b"{x").status_code == 400


def test_control_clock_refuses_to_move_the_real_clock():
    with Double(TOY) as real, httpx.Client(base_url=BASE, transport=real.transport()) as http:
        assert http.get("/__harness/clock").json()["virtual"] is False
        response = http.post("/__harness/clock", json={"advance": 1})
    assert response.status_code == 409
    assert "virtual clock" in response.json()["error"]


def test_control_faults_come_from_the_chaos_registry(client, double, monkeypatch):
    from harness.chaos import FAULTS, Fault

    @dataclass(frozen=True)
    class ChaosOutage(Fault):
        name = "toy_outage"

        def before(self, call: Call, provider: Provider) -> Reply:
            return provider.error(503, "down for the test")

    response = client.post("/__harness/faults", json={"fault": "toy_outage"})
    assert response.status_code == 400
    assert "unknown fault 'toy_outage'" in response.json()["error"]
    monkeypatch.setitem(FAULTS, "toy_outage", ChaosOutage)
    response = client.post("/__harness/faults", json={"fault": "toy_outage", "route": "GET /v1/now"})
    assert response.status_code == 201
    assert response.json() == {
        "index": 0,
        "name": "toy_outage",
        "description": {"fault": "toy_outage", "route": "GET /v1/now"},
    }
    assert client.get("/__harness/faults").json()[0]["name"] == "toy_outage"
    assert client.get("/v1/now").status_code == 503
    assert client.delete("/__harness/faults").json() == {"removed": 1}
    assert client.get("/v1/now").status_code == 200
    assert client.get("/__harness/nothing").status_code == 404
    assert client.put("/__harness/journal").status_code == 405
    assert len(double.journal) == 2


# --- transports ------------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", ["httpx", "httpx2"])
def test_sync_transports_of_both_libraries(double, flavour):
    http = {"httpx": httpx, "httpx2": httpx2}[flavour]
    with http.Client(base_url=BASE, transport=double.transport(flavour)) as client:
        assert client.post("/v1/things/special").json()["route"] == "POST /v1/things/special"
        with client.stream("GET", "/v1/stream?count=2") as response:
            assert len(list(response.iter_raw())) == 3


@pytest.mark.parametrize("flavour", ["httpx", "httpx2"])
def test_async_transports_of_both_libraries(double, flavour):
    http = {"httpx": httpx, "httpx2": httpx2}[flavour]

    async def main():
        async with http.AsyncClient(base_url=BASE, transport=double.async_transport(flavour)) as client:
            answers = await asyncio.gather(*[client.post(f"/v1/things/t{i}") for i in range(20)])
            async with client.stream("GET", "/v1/stream?count=2") as response:
                chunks = [c async for c in response.aiter_raw()]
            return answers, chunks

    answers, chunks = asyncio.run(main())
    assert sorted(a.json()["params"]["thing_id"] for a in answers) == sorted(f"t{i}" for i in range(20))
    assert len(chunks) == 3
    assert len(double.journal) == 21


def test_the_client_read_timeout_applies_in_process(double):
    with (
        httpx.Client(base_url=BASE, transport=double.transport(), timeout=0.05) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.get("/v1/slow?seconds=1")

    async def main():
        async with httpx2.AsyncClient(
            base_url=BASE, transport=double.async_transport("httpx2"), timeout=0.05
        ) as client:
            await client.get("/v1/slow?seconds=1")

    with pytest.raises(httpx2.ReadTimeout):
        asyncio.run(main())


def test_an_unknown_flavour_is_refused(double):
    with pytest.raises(ValueError, match="flavour"):
        double.transport("requests")


# --- servers ---------------------------------------------------------------------------------


def test_serve_answers_over_real_http_and_streams(double):
    with double.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        assert int(url.rsplit(":", 1)[1]) > 0
        with httpx.Client(base_url=url) as client:
            assert client.post("/v1/things/special").json()["route"] == "POST /v1/things/special"
            with client.stream("GET", "/v1/stream?count=3") as response:
                body = response.read()
            assert body.count(b"event: tick") == 3
            assert client.get("/__harness/journal").json()[-1]["route"] == "GET /v1/stream"
    assert double.journal[-1].request.url.startswith(url)


def test_several_doubles_serve_at_once_and_a_taken_port_is_named():
    with Double(TOY, seed=1) as one, Double(TOY, seed=2) as two:
        with one.serve() as first, two.serve() as second:
            assert first != second
            assert httpx.get(first + "/v1/now").status_code == 200
            assert httpx.get(second + "/v1/now").status_code == 200
            port = int(first.rsplit(":", 1)[1])
            with pytest.raises(InputError, match=f"port {port}"), two.serve(port=port):
                pass
        assert len(one.journal) == 1 and len(two.journal) == 1


def test_serve_refuses_a_non_loopback_host(double):
    with pytest.raises(InputError, match="loopback"), double.serve(host="0.0.0.0"):
        pass


def test_the_double_is_a_plain_asgi_app(double):
    async def main():
        transport = httpx.ASGITransport(app=double)
        async with httpx.AsyncClient(base_url=BASE, transport=transport) as client:
            return await client.post("/v1/things/special")

    assert asyncio.run(main()).json()["route"] == "POST /v1/things/special"


# --- media -----------------------------------------------------------------------------------


def test_media_files_have_real_headers():
    png = media.png(3, 2, (9, 8, 7))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    assert int.from_bytes(png[16:20], "big") == 3 and int.from_bytes(png[20:24], "big") == 2
    webp = media.webp(36, 64, (9, 8, 7))
    assert webp[:4] == b"RIFF" and webp[8:16] == b"WEBPVP8L" and webp[20] == 0x2F
    assert int.from_bytes(webp[4:8], "little") == len(webp) - 8
    bits = int.from_bytes(webp[21:25], "little")
    assert (bits & 0x3FFF) + 1 == 36 and ((bits >> 14) & 0x3FFF) + 1 == 64
    mp4 = media.mp4(36, 64, 4, (9, 8, 7))
    assert [kind for kind, _ in media.boxes(mp4)] == ["ftyp", "moov", "mdat"]
    assert sum(size for _, size in media.boxes(mp4)) == len(mp4)
    assert b"avc1" in mp4 and b"avcC" in mp4
    with pytest.raises(ValueError):
        media.mp4(35, 64, 4, (0, 0, 0))


# --- harness serve ---------------------------------------------------------------------------


def _harness(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "harness.cli", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_harness_serve_prints_its_url_answers_and_stops_cleanly():
    process = _harness("serve", "openai", "--port", "0", "--seed", "4", "--virtual-clock")
    try:
        line = process.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:"), line + process.stderr.read()
        url = line.split()[-1]
        response = httpx.get(url + "/v1/models/sora-2", headers={"authorization": "Bearer x"})
        assert response.status_code == 200 and response.json()["id"] == "sora-2"
        assert httpx.post(url + "/__harness/clock", json={"advance_days": 1}).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_harness_serve_refuses_a_taken_port_and_a_public_host():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _harness("serve", "openai", "--port", str(port))
        _, err = process.communicate(timeout=20)
    assert process.returncode == 2 and f"port {port}" in err
    process = _harness("serve", "openai", "--host", "0.0.0.0")
    _, err = process.communicate(timeout=20)
    assert process.returncode == 2 and "loopback" in err
