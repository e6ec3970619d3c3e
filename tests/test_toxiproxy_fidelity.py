"""Where the embedded server follows Toxiproxy's own tests and source (Go, 2.12/2.13):
cases from its `api_test.go`, `proxy_test.go` and toxic tests, written again here
against our server (free ports instead of fixed ones), and the guard in front of
the API (browsers, foreign origins and hosts, the optional token)."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time

import httpx
import pytest
from tcp_upstream import TcpServer, connect, echo, greeter, read_all

from harness.chaos.toxiproxy import EmbeddedToxiproxy, toxiproxy_for
from harness.chaos.toxiproxy.stream import Chunk
from harness.chaos.toxiproxy.toxics.bandwidth import Bandwidth
from harness.cli import main as harness_main
from harness.errors import InputError

_numbers = itertools.count()


@pytest.fixture
def server():
    """A server of the test's own: these cases list, reset and count every proxy."""
    with EmbeddedToxiproxy() as url, httpx.Client(base_url=url, timeout=5) as api:
        yield api


def free_listen() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


def name() -> str:
    return f"fidelity_{next(_numbers)}"


def make(api: httpx.Client, **fields) -> dict:
    response = api.post("/proxies", json={"name": name(), "upstream": "127.0.0.1:9", **fields})
    assert response.status_code == 201, response.text
    return response.json()


# -- api_test.go ------------------------------------------------------------------------


def test_every_answer_has_a_request_id(server):
    ids = set()
    for response in (server.get("/version"), server.get("/proxies/nothing"), server.post("/populate", content=b"{")):
        assert response.headers["x-toxiproxy-request-id"]
        ids.add(response.headers["x-toxiproxy-request-id"])
    assert len(ids) == 3


def test_a_non_browser_agent_is_served(server):
    assert server.get("/proxies", headers={"User-Agent": "curl/8.0"}).status_code == 200


def test_index_with_no_proxies_is_an_empty_object(server):
    assert server.get("/proxies").json() == {}


def test_populate_defaults_to_enabled_and_can_make_a_disabled_proxy(server):
    a, b = name(), name()
    response = server.post(
        "/populate",
        json=[{"name": a, "upstream": "127.0.0.1:9"}, {"name": b, "upstream": "127.0.0.1:9", "enabled": False}],
    )
    assert response.status_code == 201
    assert [(p["name"], p["enabled"]) for p in response.json()["proxies"]] == [(a, True), (b, False)]


def test_populate_with_a_missing_name_makes_nothing(server):
    response = server.post("/populate", json=[{"name": "one", "upstream": "127.0.0.1:9"}, {"name": "", "listen": ""}])
    assert (response.status_code, response.json()) == (
        400,
        {"error": "missing required field: name at proxy 2", "status": 400, "proxies": None},
    )
    assert server.get("/proxies").json() == {}


def test_populate_keeps_the_proxies_made_before_a_bad_one(server):
    listen_one, listen_three = free_listen(), free_listen()
    response = server.post(
        "/populate",
        json=[
            {"name": "one", "listen": listen_one, "upstream": "127.0.0.1:9"},
            {"name": "two", "listen": "local373", "upstream": "127.0.0.1:9"},
            {"name": "three", "listen": listen_three, "upstream": "127.0.0.1:9"},
        ],
    )
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["proxies"]] == ["one"]
    assert list(server.get("/proxies").json()) == ["one"]
    socket.create_connection(("127.0.0.1", int(listen_one.rsplit(":", 1)[1])), timeout=2).close()


def test_populate_with_a_host_name_keeps_an_unchanged_proxy_and_its_toxics(server):
    port = free_listen().rsplit(":", 1)[1]
    first = server.post("/populate", json=[{"name": "db", "listen": f"localhost:{port}", "upstream": "127.0.0.1:9"}])
    assert first.json()["proxies"][0]["listen"] == f"127.0.0.1:{port}"
    server.post("/proxies/db/toxics", json={"type": "latency", "attributes": {"latency": 5}})
    again = server.post("/populate", json=[{"name": "db", "listen": f"localhost:{port}", "upstream": "127.0.0.1:9"}])
    assert [t["type"] for t in again.json()["proxies"][0]["toxics"]] == ["latency"]


def test_populate_then_add_a_toxic(server):
    server.post("/populate", json=[{"name": "one", "upstream": "127.0.0.1:9"}])
    response = server.post("/proxies/one/toxics", json={"type": "latency", "attributes": {"latency": 10}})
    assert response.status_code == 200
    assert [t["name"] for t in server.get("/proxies/one").json()["toxics"]] == ["latency_downstream"]


def test_a_disabled_proxy_enabled_later_listens(server):
    proxy = make(server, listen=free_listen(), enabled=False)
    port = int(proxy["listen"].rsplit(":", 1)[1])
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1)
    assert server.post(f"/proxies/{proxy['name']}", json={"enabled": True}).json()["enabled"] is True
    socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_a_port_in_use_is_refused_and_nothing_is_made(server):
    taken = make(server)["listen"]
    response = server.post("/proxies", json={"name": "second", "listen": taken, "upstream": "127.0.0.1:9"})
    assert response.status_code == 500
    assert server.get("/proxies/second").status_code == 404


def test_the_same_toxic_name_may_not_be_reused_in_the_other_stream(server):
    proxy = make(server)["name"]
    assert server.post(f"/proxies/{proxy}/toxics", json={"name": "t", "type": "latency"}).status_code == 200
    again = server.post(f"/proxies/{proxy}/toxics", json={"name": "t", "type": "latency", "stream": "upstream"})
    assert (again.status_code, again.json()["error"]) == (409, "toxic already exists")


def test_default_toxic_names_differ_by_stream(server):
    proxy = make(server)["name"]
    for stream in ("downstream", "upstream"):
        assert server.post(f"/proxies/{proxy}/toxics", json={"type": "latency", "stream": stream}).status_code == 200
    again = server.post(f"/proxies/{proxy}/toxics", json={"type": "latency"})
    assert again.status_code == 409
    assert sorted(t["name"] for t in server.get(f"/proxies/{proxy}/toxics").json()) == [
        "latency_downstream",
        "latency_upstream",
    ]


def test_a_toxic_keeps_its_toxicity(server):
    proxy = make(server)["name"]
    made = server.post(f"/proxies/{proxy}/toxics", json={"type": "latency", "toxicity": 0.5}).json()
    assert made["toxicity"] == 0.5
    assert server.get(f"/proxies/{proxy}/toxics/latency_downstream").json()["toxicity"] == 0.5


def test_noop_is_a_toxic_type(server):
    proxy = make(server)["name"]
    made = server.post(f"/proxies/{proxy}/toxics", json={"name": "foobar", "type": "noop"}).json()
    assert (made["name"], made["type"], made["stream"], made["toxicity"], made["attributes"]) == (
        "foobar",
        "noop",
        "downstream",
        1.0,
        {},
    )


def test_updating_a_toxic_keeps_the_attributes_not_given(server):
    proxy = make(server)["name"]
    server.post(f"/proxies/{proxy}/toxics", json={"type": "latency", "attributes": {"latency": 100, "jitter": 10}})
    updated = server.patch(f"/proxies/{proxy}/toxics/latency_downstream", json={"attributes": {"latency": 1000}})
    assert updated.json()["attributes"] == {"latency": 1000, "jitter": 10}
    assert (
        server.patch(f"/proxies/{proxy}/toxics/latency_downstream", json={"toxicity": 0.25}).json()["toxicity"] == 0.25
    )


# -- proxy_test.go: listen addresses given as host names ---------------------------------


def test_updating_to_the_same_address_by_host_name_keeps_open_connections():
    upstream = TcpServer(echo)
    try:
        with EmbeddedToxiproxy() as url, httpx.Client(base_url=url, timeout=5) as api:
            proxy = make(api, upstream=upstream.address)
            port = proxy["listen"].rsplit(":", 1)[1]
            with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as sock:
                sock.sendall(b"one")
                assert sock.recv(10) == b"one"
                api.post(f"/proxies/{proxy['name']}", json={"listen": f"localhost:{port}"})
                sock.sendall(b"two")
                assert sock.recv(10) == b"two"  # the connection survived: no restart
    finally:
        upstream.close()


# -- toxics -----------------------------------------------------------------------------


class _PacedStub:
    """Just what the bandwidth toxic uses, on a virtual clock whose timers wake 5 ms late."""

    def __init__(self) -> None:
        self.state = Bandwidth().new_state()
        self.clock = 0.0
        self.sent = 0

    def now(self) -> float:
        return self.clock

    async def sleep_until(self, when: float) -> bool:
        self.clock = max(self.clock, when) + 0.005
        return True


def test_bandwidth_late_timer_wake_ups_do_not_add_up():
    # 480 KB at 100 KB/s is 4.8 s in 48 pieces. Counting each piece from the moment
    # the task woke would add 48 x 5 ms (5%); the schedule must count from arrival.
    stub = _PacedStub()

    async def send(chunk: Chunk) -> None:
        stub.sent += len(chunk.data)

    asyncio.run(Bandwidth(rate=100).pipe(Chunk(b"x" * 480_000, 0.0), stub, send))  # type: ignore[arg-type]
    assert stub.sent == 480_000
    assert stub.clock == pytest.approx(4.8 + 0.005)


def test_bandwidth_rate_zero_lets_nothing_through_until_removed(toxiproxy_hop):
    proxy = toxiproxy_hop(greeter(b"hello"))
    proxy.add_toxic(type="bandwidth", name="choke", attributes={"rate": 0})
    with connect(proxy) as sock:
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            sock.recv(10)
        proxy.destroy_toxic("choke")
        sock.settimeout(5)
        assert read_all(sock) == b"hello"


def ticker(connection: socket.socket) -> None:
    """A byte every 50 ms for one second, then silence (a stream with keep-alives that stops)."""
    for _ in range(20):
        connection.sendall(b".")
        time.sleep(0.05)
    time.sleep(5)


def test_timeout_closes_only_after_that_long_with_no_data(toxiproxy_hop):
    proxy = toxiproxy_hop(ticker)
    proxy.add_toxic(type="timeout", attributes={"timeout": 500})
    with connect(proxy) as sock:
        start = time.perf_counter()
        assert read_all(sock) == b""  # every tick dropped; the close comes 500 ms after the last one
        assert time.perf_counter() - start >= 1.2


@pytest.fixture
def toxiproxy_hop():
    made = []
    with toxiproxy_for() as client:

        def hop(handler):
            upstream = TcpServer(handler)
            proxy = client.create(upstream=upstream.address, name=name())
            made.append((upstream, proxy))
            return proxy

        hop.url = client.url  # type: ignore[attr-defined]
        yield hop
        for upstream, proxy in made:
            proxy.destroy()
            upstream.close()


# -- the guard in front of the API ------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Host": "evil.example"},
        {"Host": "attacker.example:8474"},
    ],
)
def test_a_web_page_cannot_make_a_proxy(server, headers):
    # The request a page can send without a preflight: a text/plain POST.
    body = json.dumps({"name": "planted", "upstream": "127.0.0.1:9"})
    response = server.post("/proxies", content=body, headers={"Content-Type": "text/plain", **headers})
    assert response.status_code == 403
    assert server.get("/proxies/planted").status_code == 404


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:8474", "[::1]:8474", "127.0.0.2:1"])
def test_loopback_hosts_are_served(server, host):
    assert server.get("/version", headers={"Host": host}).status_code == 200


def test_a_token_is_asked_for_when_set(monkeypatch):
    with EmbeddedToxiproxy(token="s3cret") as url:
        assert httpx.get(url + "/version").status_code == 401
        assert httpx.get(url + "/version", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(url + "/version", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        # Our client, and toxiproxy-python through it, send the token from the environment.
        monkeypatch.setenv("TOXIPROXY_AUTH_TOKEN", "s3cret")
        with toxiproxy_for(url) as client:
            proxy = client.create(upstream="127.0.0.1:9", name="with_token")
            proxy.add_toxic(type="latency", attributes={"latency": 1})
            assert [
                t["type"] for t in client.post_populate([{"name": "more", "upstream": "127.0.0.1:9"}])[0]["toxics"]
            ] == []
            assert "with_token" in client.proxies()


def test_the_token_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("TOXIPROXY_AUTH_TOKEN", "from-env")
    with EmbeddedToxiproxy() as url:
        assert httpx.get(url + "/version").status_code == 401


def test_an_http_server_that_is_not_toxiproxy_is_an_input_error(echo_server):
    with pytest.raises(InputError, match="not a Toxiproxy server"), toxiproxy_for(echo_server.url):
        pass


# -- start-up config (Toxiproxy's -config) ------------------------------------------------


def test_serve_config_creates_its_proxies(tmp_path, monkeypatch):
    listen = free_listen()
    config = tmp_path / "toxiproxy.json"
    config.write_text(json.dumps([{"name": "db", "listen": listen, "upstream": "127.0.0.1:9"}]))
    urls: list[str] = []

    def serve_forever(self):
        urls.append(self.url)
        with httpx.Client(base_url=self.url) as api:
            urls.append(json.dumps(api.get("/proxies").json()))
        raise KeyboardInterrupt

    monkeypatch.setattr(EmbeddedToxiproxy, "serve_forever", serve_forever)
    assert harness_main(["toxiproxy", "serve", "--port", "0", "--config", str(config)]) == 0
    assert json.loads(urls[1])["db"]["listen"] == listen


@pytest.mark.parametrize(
    "text, message",
    [
        ("[{", "not JSON"),
        ('[{"name": "db"}]', "missing required field: upstream at proxy 1"),
        ('{"name": "db"}', "expected a JSON array"),
    ],
)
def test_a_bad_serve_config_is_exit_2_naming_the_file(tmp_path, capsys, text, message):
    config = tmp_path / "bad.json"
    config.write_text(text)
    assert harness_main(["toxiproxy", "serve", "--port", "0", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert str(config) in err and message in err


def test_limit_data_counts_on_across_an_update_of_the_toxic(toxiproxy_hop):
    # toxics/limit_data_test.go, "may be restarted": the count is the connection's, not the toxic version's.
    proxy = toxiproxy_hop(echo)
    proxy.add_toxic(type="limit_data", name="cap", attributes={"bytes": 100})
    with connect(proxy) as sock:
        sock.sendall(b"a" * 90)
        got = b""
        while len(got) < 90:
            got += sock.recv(100)
        httpx.patch(f"{toxiproxy_hop.url}/proxies/{proxy.name}/toxics/cap", json={"attributes": {"bytes": 100}})
        sock.sendall(b"b" * 20)
        assert read_all(sock) == b"b" * 10


def test_limit_data_zero_lets_nothing_through(toxiproxy_hop):
    proxy = toxiproxy_hop(greeter(b"x" * 100))
    proxy.add_toxic(type="limit_data", attributes={"bytes": 0})
    with connect(proxy) as sock:
        assert read_all(sock) == b""


def test_toxics_added_and_removed_while_data_flows_lose_nothing(toxiproxy_hop):
    # toxics/toxic_test.go, "add/remove": noop toxics come and go on both streams during 100 echoes.
    proxy = toxiproxy_hop(echo)
    stop = threading.Event()

    def churn() -> None:
        with httpx.Client(base_url=toxiproxy_hop.url, timeout=5) as api:
            up = True
            while not stop.is_set():
                add, remove = ("noop_up", "noop_down") if up else ("noop_down", "noop_up")
                api.post(
                    f"/proxies/{proxy.name}/toxics", json={"name": add, "type": "noop", "stream": add[5:] + "stream"}
                )
                api.delete(f"/proxies/{proxy.name}/toxics/{remove}")
                up = not up

    worker = threading.Thread(target=churn, daemon=True)
    with connect(proxy) as sock:
        worker.start()
        try:
            for i in range(100):
                message = f"message {i}".encode()
                sock.sendall(message)
                got = b""
                while len(got) < len(message):
                    got += sock.recv(100)
                assert got == message
        finally:
            stop.set()
            worker.join(5)


def test_slicer_without_size_variation_cuts_even_pieces(toxiproxy_hop):
    payload = bytes(range(100)) * 10
    proxy = toxiproxy_hop(greeter(payload))
    proxy.add_toxic(type="slicer", attributes={"average_size": 100, "size_variation": 0, "delay": 1000})
    with connect(proxy) as sock:
        assert read_all(sock) == payload
