"""The control API cannot be driven from a web page: a browser's Origin, a Host
that is not the double's own loopback address (DNS rebinding) and, with
HARNESS_CONTROL_TOKEN set, a missing token are refused, while the provider
routes answer SDKs directly and through a Toxiproxy hop as before."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import openai
import pytest

from harness.double import Double
from harness.double.control import TOKEN_VARIABLE, auth_headers

OUTAGE = b'{"fault": "outage"}'


@pytest.fixture
def served() -> Iterator[tuple[Double, str]]:
    with Double("openai", seed=1) as double, double.serve() as url:
        yield double, url


def port_of(url: str) -> int:
    port = httpx.URL(url).port
    assert port is not None
    return port


def test_a_cross_origin_text_plain_post_from_a_web_page_installs_nothing(served):
    double, url = served
    # What `fetch(url, {method: "POST", mode: "no-cors", body})` on https://evil.example sends.
    response = httpx.post(
        url + "/__harness/faults",
        content=OUTAGE,
        headers={"content-type": "text/plain;charset=UTF-8", "origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "does not answer browsers" in response.json()["error"] and "evil.example" in response.json()["error"]
    assert double.hooks == []
    assert httpx.post(url + "/__harness/faults", content=OUTAGE).status_code == 201  # the harness's own call


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "evil.example", "127.0.0.1:1", "localhost:1", "127.0.0.1:{port}@evil.example"]
)
def test_a_host_that_is_not_the_doubles_own_address_is_refused(served, host):
    double, url = served
    foreign = host.format(port=port_of(url))
    for method, body in (("GET", None), ("POST", OUTAGE), ("DELETE", None)):
        for endpoint in ("journal", "faults", "clock"):
            response = httpx.request(method, f"{url}/__harness/{endpoint}", content=body, headers={"host": foreign})
            assert response.status_code == 403, (method, endpoint, foreign)
            assert f"not Host {foreign!r}" in response.json()["error"]
    assert double.hooks == []


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "LOCALHOST:{port}"])
def test_each_loopback_name_of_the_doubles_own_port_is_answered(served, host):
    _, url = served
    response = httpx.get(url + "/__harness/journal", headers={"host": host.format(port=port_of(url))})
    assert response.status_code == 200 and response.json() == []


def test_a_browsers_fetch_metadata_is_refused_but_typing_the_address_is_not(served):
    _, url = served
    assert httpx.get(url + "/__harness/journal", headers={"sec-fetch-site": "cross-site"}).status_code == 403
    assert httpx.get(url + "/__harness/journal", headers={"sec-fetch-site": "none"}).status_code == 200


def test_with_a_token_set_control_calls_need_it(served, monkeypatch):
    double, url = served
    monkeypatch.setenv(TOKEN_VARIABLE, "s3cret")
    missing = httpx.post(url + "/__harness/faults", json={"fault": "outage"})
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert TOKEN_VARIABLE in missing.json()["error"] and "s3cret" not in missing.text
    wrong = httpx.get(url + "/__harness/journal", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert double.hooks == []
    assert auth_headers() == {"Authorization": "Bearer s3cret"}
    assert httpx.post(url + "/__harness/faults", json={"fault": "outage"}, headers=auth_headers()).status_code == 201
    # The provider routes are not the control API: an SDK needs no token (and meets the fault).
    client = openai.OpenAI(base_url=url + "/v1", api_key="sk-test", max_retries=0)
    with pytest.raises(openai.InternalServerError):
        client.models.list()


def test_in_process_the_host_the_client_was_given_is_the_doubles_own():
    with (
        Double("openai", seed=1) as double,
        httpx.Client(transport=double.transport(), base_url="http://double") as http,
    ):
        assert http.get("/__harness/journal").status_code == 200
        assert http.get("/__harness/journal", headers={"origin": "https://evil.example"}).status_code == 403


def test_provider_routes_answer_sdks_directly_and_through_a_toxiproxy_hop(served):
    from harness.chaos.toxiproxy import proxy_name, toxiproxy_for

    _, url = served
    direct = openai.OpenAI(base_url=url + "/v1", api_key="sk-test", max_retries=0)
    assert direct.models.list().data
    with toxiproxy_for(None) as toxiproxy:
        proxy = toxiproxy.create(
            upstream=f"127.0.0.1:{port_of(url)}", name=proxy_name("control_host"), listen="127.0.0.1:0"
        )
        try:
            hop = f"http://{toxiproxy.get_proxy(proxy.name).listen}"
            # The SDK's Host is the proxy's address: the provider routes answer it ...
            through = openai.OpenAI(base_url=hop + "/v1", api_key="sk-test", max_retries=0)
            assert through.models.list().data
            # ... but the control API is the double's own, asked at its own address.
            assert httpx.get(hop + "/__harness/journal").status_code == 403
        finally:
            toxiproxy.destroy(proxy)
