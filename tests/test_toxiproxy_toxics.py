"""Each toxic does what it says, measured through the embedded Toxiproxy against
tiny upstream servers on 127.0.0.1 (port 0). Timing checks are lower bounds
only, with some slack: a loaded machine makes things slower, never faster.

The proxies are made with toxiproxy-python through `toxiproxy_for()`, so with
TOXIPROXY_URL set these tests drive a real Toxiproxy instead.
"""

from __future__ import annotations

import http.server
import itertools
import json
import queue
import socket
import threading
import time

import httpx
import pytest
from tcp_upstream import Handler, TcpServer, connect, echo, greeter, read_all

from harness.chaos.toxiproxy import EmbeddedToxiproxy, proxy_name, toxiproxy_for

# -- tiny upstreams ---------------------------------------------------------------


def recording_echo(received: queue.Queue) -> Handler:
    """Echoes, and once the client side ends, reports everything it received."""

    def handler(connection: socket.socket) -> None:
        seen = b""
        try:
            while data := connection.recv(65536):
                seen += data
                connection.sendall(data)
        finally:
            received.put(seen)

    return handler


# -- fixtures ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def toxiproxy():
    with toxiproxy_for() as client:
        yield client


_numbers = itertools.count()


@pytest.fixture
def hop(toxiproxy):
    """hop(handler) -> a toxiproxy-python Proxy in front of a new upstream running `handler`."""
    made = []

    def make(handler: Handler):
        server = TcpServer(handler)
        proxy = toxiproxy.create(upstream=server.address, name=proxy_name(f"toxics_{next(_numbers)}"))
        made.append((server, proxy))
        return proxy

    yield make
    for server, proxy in made:
        proxy.destroy()
        server.close()


def round_trip(sock: socket.socket, message: bytes = b"ping") -> float:
    start = time.perf_counter()
    sock.sendall(message)
    got = b""
    while len(got) < len(message):
        got += sock.recv(65536)
    assert got == message
    return time.perf_counter() - start


# -- one test (or two) per toxic ------------------------------------------------------


def test_without_toxics_bytes_pass_unchanged(hop):
    proxy = hop(echo)
    payload = bytes(range(256)) * 400
    with connect(proxy) as sock:
        assert round_trip(sock, payload) >= 0


def test_latency_adds_its_delay(hop):
    proxy = hop(echo)
    proxy.add_toxic(type="latency", attributes={"latency": 100})
    with connect(proxy) as sock:
        assert round_trip(sock) >= 0.09


def test_latency_upstream_delays_requests_too(hop):
    proxy = hop(echo)
    proxy.add_toxic(type="latency", stream="upstream", attributes={"latency": 100})
    with connect(proxy) as sock:
        assert round_trip(sock) >= 0.09


def test_bandwidth_slows_a_200_kb_transfer_to_its_rate(hop):
    payload = b"x" * 200_000
    proxy = hop(greeter(payload))
    proxy.add_toxic(type="bandwidth", attributes={"rate": 2000})  # KB/s: 200 KB takes 100 ms
    with connect(proxy) as sock:
        start = time.perf_counter()
        assert read_all(sock) == payload
        assert time.perf_counter() - start >= 0.08


def test_limit_data_cuts_at_exactly_its_byte_count(hop):
    payload = bytes(range(256)) * 20
    proxy = hop(greeter(payload))
    proxy.add_toxic(type="limit_data", attributes={"bytes": 1234})
    with connect(proxy) as sock:
        assert read_all(sock) == payload[:1234]


def test_reset_peer_resets_the_connection(hop):
    proxy = hop(echo)
    proxy.add_toxic(type="reset_peer", attributes={"timeout": 50})
    with connect(proxy) as sock:
        start = time.perf_counter()
        sock.sendall(b"ping")
        with pytest.raises(ConnectionResetError):
            sock.recv(100)
        assert time.perf_counter() - start >= 0.045


def test_timeout_holds_the_data_then_closes(hop):
    proxy = hop(echo)
    proxy.add_toxic(type="timeout", attributes={"timeout": 100})
    with connect(proxy) as sock:
        start = time.perf_counter()
        sock.sendall(b"ping")
        assert read_all(sock) == b""  # nothing got through, then the close
        assert time.perf_counter() - start >= 0.09


def test_timeout_zero_holds_forever_until_removed(hop):
    proxy = hop(echo)
    proxy.add_toxic(type="timeout", attributes={"timeout": 0})
    with connect(proxy) as sock:
        sock.sendall(b"ping")
        sock.settimeout(0.15)
        with pytest.raises(socket.timeout):
            sock.recv(100)
        sock.settimeout(5)
        proxy.destroy_toxic("timeout_downstream")  # as Toxiproxy: removing it closes what it held
        assert read_all(sock) == b""


def test_slicer_delivers_in_several_chunks(hop):
    payload = bytes(range(256)) * 8
    proxy = hop(greeter(payload))
    proxy.add_toxic(type="slicer", attributes={"average_size": 100, "size_variation": 20, "delay": 2000})
    with connect(proxy) as sock:
        pieces = []
        while piece := sock.recv(65536):
            pieces.append(piece)
    assert b"".join(pieces) == payload
    assert len(pieces) >= 5


def test_slow_close_delays_the_close(hop):
    proxy = hop(greeter(b"bye"))
    proxy.add_toxic(type="slow_close", attributes={"delay": 100})
    with connect(proxy) as sock:
        start = time.perf_counter()
        assert read_all(sock) == b"bye"
        assert time.perf_counter() - start >= 0.09


def test_down_refuses_connections_and_drops_open_ones(hop):
    proxy = hop(echo)
    with connect(proxy) as open_before:
        round_trip(open_before)
        with proxy.down():
            with pytest.raises(ConnectionRefusedError):
                connect(proxy)
            try:
                assert open_before.recv(100) == b""
            except ConnectionResetError:
                pass
    with connect(proxy) as sock:  # up again, on the same port
        round_trip(sock)


def test_toxicity_zero_never_applies(hop):
    payload = b"y" * 500
    proxy = hop(greeter(payload))
    proxy.add_toxic(type="limit_data", toxicity=0.0, attributes={"bytes": 10})
    for _ in range(10):
        with connect(proxy) as sock:
            assert read_all(sock) == payload


def test_upstream_toxics_act_on_what_the_client_sends(hop):
    received: queue.Queue = queue.Queue()
    proxy = hop(recording_echo(received))
    proxy.add_toxic(type="limit_data", stream="upstream", attributes={"bytes": 3})
    with connect(proxy) as sock:
        sock.sendall(b"hello")
        # As in Toxiproxy, closing the upstream side closes the whole connection,
        # so the echo of those 3 bytes may or may not make it back.
        assert read_all(sock) in (b"", b"hel")
    assert received.get(timeout=5) == b"hel"


def test_downstream_toxics_act_on_what_the_server_answers(hop):
    received: queue.Queue = queue.Queue()
    proxy = hop(recording_echo(received))
    proxy.add_toxic(type="limit_data", stream="downstream", attributes={"bytes": 3})
    with connect(proxy) as sock:
        sock.sendall(b"hello")
        assert read_all(sock) == b"hel"
    assert received.get(timeout=5) == b"hello"


# -- live connections, and the seed -----------------------------------------------------


class JsonHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like an SDK's pooled connection

    def do_GET(self) -> None:
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def http_upstream():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), JsonHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_toxic_reaches_an_open_keep_alive_connection(toxiproxy, http_upstream):
    proxy = toxiproxy.create(upstream=http_upstream, name=proxy_name(f"toxics_{next(_numbers)}"))
    try:
        with httpx.Client(base_url=f"http://{proxy.listen}") as app:
            assert app.get("/").json() == {"ok": True}  # the pooled connection is open
            proxy.add_toxic(type="latency", attributes={"latency": 100})
            start = time.perf_counter()
            assert app.get("/").json() == {"ok": True}
            assert time.perf_counter() - start >= 0.09
            toxiproxy.update_toxic(proxy.name, "latency_downstream", attributes={"latency": 150})
            start = time.perf_counter()
            app.get("/")
            assert time.perf_counter() - start >= 0.14
    finally:
        proxy.destroy()


def test_same_seed_same_toxicity_draws_in_two_servers_at_once():
    server = TcpServer(greeter(b"z" * 100))

    def pattern(url: str) -> list[int]:
        with httpx.Client(base_url=url) as api:
            listen = api.post("/proxies", json={"name": "p", "upstream": server.address}).json()["listen"]
            api.post("/proxies/p/toxics", json={"type": "limit_data", "toxicity": 0.5, "attributes": {"bytes": 10}})
        host, port = listen.rsplit(":", 1)
        sizes = []
        for _ in range(16):
            with socket.create_connection((host, int(port)), timeout=5) as sock:
                sizes.append(len(read_all(sock)))
        return sizes

    try:
        with EmbeddedToxiproxy(seed=3) as first, EmbeddedToxiproxy(seed=3) as second:
            one, two = pattern(first), pattern(second)
    finally:
        server.close()
    assert one == two
    assert set(one) == {10, 100}  # some connections cut, some not
