"""The embedded server speaks Toxiproxy 2.x's HTTP API: the same paths, status
codes and JSON, driven both with toxiproxy-python and with raw httpx; the
client adapter; and `harness toxiproxy serve`."""

from __future__ import annotations

import itertools
import signal
import socket
import subprocess
import sys

import httpx
import pytest
from toxiproxy.exceptions import InvalidToxic, NotFound, ProxyExists

from harness.chaos.toxiproxy import TOXICS, VERSION, EmbeddedToxiproxy, proxy_name, toxiproxy_for
from harness.cli import main as harness_main
from harness.errors import InputError

_numbers = itertools.count()


@pytest.fixture(scope="module")
def url():
    with EmbeddedToxiproxy() as started:
        yield started


@pytest.fixture
def api(url):
    with httpx.Client(base_url=url, timeout=5) as client:
        yield client


@pytest.fixture
def name():
    return f"api_{next(_numbers)}"


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create(api, name: str, **fields) -> dict:
    response = api.post("/proxies", json={"name": name, "upstream": "127.0.0.1:9", **fields})
    assert response.status_code == 201, response.text
    return response.json()


# -- proxies ---------------------------------------------------------------------------


def test_version_answers_json(api):
    assert api.get("/version").json() == {"version": VERSION}


def test_create_proxy_answers_201_with_the_real_port(api, name):
    proxy = create(api, name)
    assert set(proxy) == {"name", "listen", "upstream", "enabled", "toxics"}
    assert proxy["name"] == name and proxy["upstream"] == "127.0.0.1:9"
    assert proxy["enabled"] is True and proxy["toxics"] == []
    host, port = proxy["listen"].rsplit(":", 1)
    assert host == "127.0.0.1" and int(port) > 0
    assert api.get(f"/proxies/{name}").json() == proxy
    assert api.get("/proxies").json()[name] == proxy


def test_create_disabled_proxy_does_not_listen(api, name):
    proxy = create(api, name, enabled=False)
    assert proxy["enabled"] is False


@pytest.mark.parametrize(
    "body, status, error",
    [
        ({"upstream": "127.0.0.1:9"}, 400, "missing required field: name"),
        ({"name": "x"}, 400, "missing required field: upstream"),
        ({"name": "x", "upstream": "nowhere"}, 400, "bad request body: upstream: 'nowhere' is not host:port"),
        (
            {"name": "x", "upstream": "127.0.0.1:9", "enabled": "yes"},
            400,
            "bad request body: enabled must be true or false",
        ),
    ],
)
def test_create_proxy_rejects_bad_input_with_400(api, body, status, error):
    response = api.post("/proxies", json=body)
    assert (response.status_code, response.json()) == (status, {"error": error, "status": status})


def test_bad_json_is_400(api):
    response = api.post("/proxies", content=b"{not json")
    assert response.status_code == 400
    assert response.json()["error"].startswith("bad request body: ")


def test_listen_must_be_loopback(api, name):
    response = api.post("/proxies", json={"name": name, "upstream": "127.0.0.1:9", "listen": "0.0.0.0:0"})
    assert response.status_code == 400
    assert "loopback" in response.json()["error"]


def test_duplicate_proxy_is_409(api, name):
    create(api, name)
    response = api.post("/proxies", json={"name": name, "upstream": "127.0.0.1:9"})
    assert (response.status_code, response.json()) == (409, {"error": "proxy already exists", "status": 409})


def test_missing_proxy_is_404_everywhere(api):
    expected = {"error": "proxy not found", "status": 404}
    for method, path in [
        ("GET", "/proxies/nope"),
        ("POST", "/proxies/nope"),
        ("DELETE", "/proxies/nope"),
        ("GET", "/proxies/nope/toxics"),
        ("POST", "/proxies/nope/toxics"),
    ]:
        response = api.request(method, path, json={"type": "latency"} if method == "POST" else None)
        assert (response.status_code, response.json()) == (404, expected), (method, path)


def test_update_proxy_disables_and_enables_on_the_same_port(api, name):
    listen = create(api, name)["listen"]
    off = api.post(f"/proxies/{name}", json={"enabled": False})
    assert (off.status_code, off.json()["enabled"], off.json()["listen"]) == (200, False, listen)
    host, port = listen.rsplit(":", 1)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, int(port)), timeout=5)
    on = api.patch(f"/proxies/{name}", json={"enabled": True})  # PATCH, as Toxiproxy 2.6+
    assert (on.status_code, on.json()["enabled"], on.json()["listen"]) == (200, True, listen)
    socket.create_connection((host, int(port)), timeout=5).close()


def test_update_proxy_changes_upstream(api, name):
    create(api, name)
    assert api.post(f"/proxies/{name}", json={"upstream": "127.0.0.1:10"}).json()["upstream"] == "127.0.0.1:10"


def test_delete_proxy_is_204_then_gone(api, name):
    create(api, name)
    response = api.delete(f"/proxies/{name}")
    assert (response.status_code, response.content) == (204, b"")
    assert api.get(f"/proxies/{name}").status_code == 404


# -- toxics ---------------------------------------------------------------------------


def test_create_toxic_answers_200_with_a_generated_name(api, name):
    create(api, name)
    response = api.post(f"/proxies/{name}/toxics", json={"type": "latency", "attributes": {"latency": 100}})
    assert response.status_code == 200
    assert response.json() == {
        "attributes": {"latency": 100, "jitter": 0},
        "name": "latency_downstream",
        "type": "latency",
        "stream": "downstream",
        "toxicity": 1.0,
    }


def test_every_toxic_type_shows_its_attributes(api, name):
    create(api, name)
    expected = {
        "latency": {"latency", "jitter"},
        "bandwidth": {"rate"},
        "slow_close": {"delay"},
        "timeout": {"timeout"},
        "reset_peer": {"timeout"},
        "limit_data": {"bytes"},
        "slicer": {"average_size", "size_variation", "delay"},
    }
    assert set(TOXICS) >= set(expected)
    for toxic_type, attributes in expected.items():
        body = {"type": toxic_type, "stream": "upstream"}
        if toxic_type == "slicer":
            body["attributes"] = {"average_size": 10}
        shown = api.post(f"/proxies/{name}/toxics", json=body).json()
        assert (shown["name"], set(shown["attributes"])) == (f"{toxic_type}_upstream", attributes)


@pytest.mark.parametrize(
    "body, status, error",
    [
        ({"type": "earthquake"}, 400, "invalid toxic type"),
        ({"type": "latency", "stream": "sideways"}, 400, "stream was invalid, can be either upstream or downstream"),
        (
            {"type": "latency", "attributes": {"latancy": 5}},
            400,
            "bad request body: unknown attribute 'latancy' (this toxic has: latency, jitter)",
        ),
        (
            {"type": "latency", "attributes": {"latency": "5"}},
            400,
            "bad request body: attribute 'latency' must be an integer, not \"5\"",
        ),
        (
            {"type": "slicer", "attributes": {"average_size": 0}},
            400,
            "bad request body: average_size must be 1 or more",
        ),
        ({"type": "latency", "toxicity": "half"}, 400, "bad request body: toxicity must be a number"),
    ],
)
def test_create_toxic_rejects_bad_input_with_400(api, name, body, status, error):
    create(api, name)
    response = api.post(f"/proxies/{name}/toxics", json=body)
    assert (response.status_code, response.json()) == (status, {"error": error, "status": status})


def test_duplicate_toxic_name_is_409(api, name):
    create(api, name)
    api.post(f"/proxies/{name}/toxics", json={"type": "latency", "name": "slow"})
    response = api.post(f"/proxies/{name}/toxics", json={"type": "timeout", "name": "slow", "stream": "upstream"})
    assert (response.status_code, response.json()) == (409, {"error": "toxic already exists", "status": 409})


def test_toxics_list_upstream_first_then_show_update_delete(api, name):
    create(api, name)
    api.post(f"/proxies/{name}/toxics", json={"type": "latency", "attributes": {"latency": 10, "jitter": 2}})
    api.post(f"/proxies/{name}/toxics", json={"type": "bandwidth", "stream": "upstream", "toxicity": 0.5})
    assert [t["name"] for t in api.get(f"/proxies/{name}/toxics").json()] == [
        "bandwidth_upstream",
        "latency_downstream",
    ]
    assert api.get(f"/proxies/{name}").json()["toxics"] == api.get(f"/proxies/{name}/toxics").json()

    path = f"/proxies/{name}/toxics/latency_downstream"
    assert api.get(path).json()["attributes"] == {"latency": 10, "jitter": 2}
    updated = api.post(path, json={"attributes": {"latency": 50}, "toxicity": 0.25})
    assert updated.status_code == 200
    assert updated.json() == {
        "attributes": {"latency": 50, "jitter": 2},
        "name": "latency_downstream",
        "type": "latency",
        "stream": "downstream",
        "toxicity": 0.25,
    }
    assert api.get(path).json() == updated.json()

    response = api.delete(path)
    assert (response.status_code, response.content) == (204, b"")
    missing = {"error": "toxic not found", "status": 404}
    for method in ("GET", "POST", "DELETE"):
        response = api.request(method, path, json={} if method == "POST" else None)
        assert (response.status_code, response.json()) == (404, missing)


# -- populate and reset ----------------------------------------------------------------


def test_populate_creates_keeps_and_replaces(api, name):
    first = api.post(
        "/populate",
        json=[
            {"name": name, "upstream": "127.0.0.1:9"},
            {"name": name + "b", "upstream": "127.0.0.1:9", "enabled": False},
        ],
    )
    assert first.status_code == 201
    proxies = first.json()["proxies"]
    assert [(p["name"], p["enabled"]) for p in proxies] == [(name, True), (name + "b", False)]

    # Same listen and upstream: left as it is, toxics included.
    listen = proxies[0]["listen"]
    api.post(f"/proxies/{name}/toxics", json={"type": "latency"})
    again = api.post("/populate", json=[{"name": name, "upstream": "127.0.0.1:9", "listen": listen}])
    assert again.json()["proxies"][0]["toxics"] != []

    # Another upstream: replaced (a new proxy, no toxics).
    moved = api.post("/populate", json=[{"name": name, "upstream": "127.0.0.1:10", "listen": listen}])
    assert moved.status_code == 201
    assert (moved.json()["proxies"][0]["upstream"], moved.json()["proxies"][0]["toxics"]) == ("127.0.0.1:10", [])


def test_populate_checks_every_item_before_changing_anything(api, name):
    response = api.post("/populate", json=[{"name": name, "upstream": "127.0.0.1:9"}, {"name": name + "b"}])
    assert response.status_code == 400
    assert response.json() == {"error": "missing required field: upstream at proxy 2", "status": 400, "proxies": None}
    assert api.get(f"/proxies/{name}").status_code == 404


def test_reset_enables_every_proxy_and_removes_every_toxic():
    with EmbeddedToxiproxy() as own, httpx.Client(base_url=own) as api:  # /reset is global: own server
        create(api, "a")
        create(api, "b", enabled=False)
        api.post("/proxies/a/toxics", json={"type": "latency"})
        response = api.post("/reset")
        assert (response.status_code, response.content) == (204, b"")
        assert [(p["enabled"], p["toxics"]) for p in api.get("/proxies").json().values()] == [(True, []), (True, [])]


def test_browsers_are_refused(api):
    response = api.get("/proxies", headers={"User-Agent": "Mozilla/5.0"})
    assert response.status_code == 403


# -- toxiproxy-python against it ---------------------------------------------------------


def test_toxiproxy_python_drives_it(url, name):
    with toxiproxy_for(url) as toxiproxy:
        assert toxiproxy.running()
        assert b'"version"' in toxiproxy.version()
        proxy = toxiproxy.create(upstream="127.0.0.1:9", name=name)
        assert proxy.listen.startswith("127.0.0.1:") and proxy.enabled is True
        assert toxiproxy.get_proxy(name).listen == proxy.listen
        assert name in toxiproxy.proxies()

        proxy.add_toxic(type="latency", attributes={"latency": 100})
        proxy.add_toxic(type="limit_data", stream="upstream", name="cut", toxicity=0.5, attributes={"bytes": 10})
        toxics = proxy.toxics()
        assert set(toxics) == {"latency_downstream", "cut"}
        assert (toxics["cut"].stream, toxics["cut"].toxicity, toxics["cut"].attributes) == (
            "upstream",
            0.5,
            {"bytes": 10},
        )
        assert proxy.get_toxic("latency_downstream").attributes == {"latency": 100, "jitter": 0}

        with pytest.raises(ProxyExists):  # 409: a toxic of that name exists
            proxy.add_toxic(type="latency")
        with pytest.raises(InvalidToxic):  # 400
            proxy.add_toxic(type="earthquake")
        with pytest.raises(NotFound):  # 404
            proxy.destroy_toxic("nope")
        with pytest.raises(ProxyExists):
            toxiproxy.create(upstream="127.0.0.1:9", name=name)

        assert proxy.destroy_toxic("cut") is True
        assert set(proxy.toxics()) == {"latency_downstream"}

        with proxy.down():
            assert toxiproxy.get_proxy(name).enabled is False
        assert toxiproxy.get_proxy(name).enabled is True

        assert proxy.destroy() is True
        assert toxiproxy.get_proxy(name) is None
        with pytest.raises(NotFound):
            proxy.destroy()


# -- the client adapter -----------------------------------------------------------------


def test_toxiproxy_for_starts_an_embedded_server_without_toxiproxy_url(monkeypatch, url):
    monkeypatch.delenv("TOXIPROXY_URL", raising=False)
    with toxiproxy_for() as toxiproxy:
        assert toxiproxy.url != url
        assert httpx.get(toxiproxy.url + "/version").json() == {"version": VERSION}
    with pytest.raises(httpx.ConnectError):
        httpx.get(toxiproxy.url + "/version")  # stopped on exit


def test_toxiproxy_for_uses_toxiproxy_url(monkeypatch, url, name):
    monkeypatch.setenv("TOXIPROXY_URL", url)
    with toxiproxy_for() as toxiproxy:
        assert toxiproxy.url == url
        toxiproxy.create(upstream="127.0.0.1:9", name=name)
    assert httpx.get(f"{url}/proxies/{name}").status_code == 200


def test_a_dead_toxiproxy_url_is_an_input_error(monkeypatch):
    dead = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("TOXIPROXY_URL", dead)
    with pytest.raises(InputError, match=rf"^Toxiproxy at {dead} is not answering \(.+\)$"), toxiproxy_for():
        pass


def test_update_toxic_and_post_populate(url, name):
    with toxiproxy_for(url) as toxiproxy:
        (made,) = toxiproxy.post_populate([{"name": name, "upstream": "127.0.0.1:9"}])
        assert made["name"] == name
        proxy = toxiproxy.get_proxy(name)
        proxy.add_toxic(type="latency", attributes={"latency": 10, "jitter": 3})
        shown = toxiproxy.update_toxic(name, "latency_downstream", attributes={"latency": 20}, toxicity=0.5)
        assert (shown["attributes"], shown["toxicity"]) == ({"latency": 20, "jitter": 3}, 0.5)
        with pytest.raises(NotFound):
            toxiproxy.update_toxic(name, "nope", attributes={"latency": 1})


def test_proxy_names_are_per_xdist_worker(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")
    assert proxy_name("openai") == "openai_gw3"
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    assert proxy_name("openai") == "openai"


def test_reset_in_an_xdist_worker_touches_only_its_own_proxies(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw7")
    with EmbeddedToxiproxy() as own, toxiproxy_for(own) as toxiproxy:
        mine = toxiproxy.create(upstream="127.0.0.1:9", name=proxy_name("mine"))
        theirs = toxiproxy.create(upstream="127.0.0.1:9", name="theirs_gw1")
        for proxy in (mine, theirs):
            proxy.add_toxic(type="latency")
            proxy.disable()
        assert toxiproxy.reset() is True
        assert (mine.toxics(), toxiproxy.get_proxy(mine.name).enabled) == ({}, True)
        assert (set(theirs.toxics()), toxiproxy.get_proxy("theirs_gw1").enabled) == ({"latency_downstream"}, False)


# -- the command line ---------------------------------------------------------------------


def test_harness_toxiproxy_serve_prints_its_url_and_answers():
    command = [sys.executable, "-m", "harness.cli", "toxiproxy", "serve", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            line = process.stdout.readline()
            assert line.startswith("listening on http://127.0.0.1:")
            assert httpx.get(line.split()[-1] + "/version", timeout=5).json() == {"version": VERSION}
            process.send_signal(signal.SIGINT)  # Ctrl-C
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()


def test_harness_toxiproxy_serve_refuses_a_non_loopback_host(capsys):
    assert harness_main(["toxiproxy", "serve", "--host", "0.0.0.0"]) == 2
    assert "loopback only" in capsys.readouterr().err


def test_harness_toxiproxy_serve_reports_a_port_in_use(capsys):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert harness_main(["toxiproxy", "serve", "--port", str(port)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
