"""The client side: toxiproxy-python bound to a server, real or embedded.

    with toxiproxy_for() as toxiproxy:                 # TOXIPROXY_URL, else an embedded server
        proxy = toxiproxy.create(upstream="127.0.0.1:9000", name=proxy_name("openai"))
        proxy.add_toxic(type="latency", attributes={"latency": 100})
        toxiproxy.update_toxic(proxy.name, "latency_downstream", attributes={"latency": 500})

toxiproxy-python keeps the server address in a class attribute
(`APIConsumer.host/port`), so through it a process talks to one server at a
time; `toxiproxy_for` sets it and puts the previous one back on exit. The
methods added here (`update_toxic`, `post_populate`, `reset`, `connections`)
use httpx and the client's own URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
from toxiproxy import Toxiproxy
from toxiproxy.api import APIConsumer
from toxiproxy.exceptions import InvalidToxic, NotFound, ProxyExists

from harness.chaos.toxiproxy.ledger import ConnectionRecord
from harness.chaos.toxiproxy.server import TOKEN_VARIABLE, EmbeddedToxiproxy
from harness.errors import InputError

DEFAULT_PORT = 8474
TIMEOUT = 5.0


class ToxiproxyClient(Toxiproxy):
    """toxiproxy-python's `Toxiproxy`, bound to `url`, with what it lacks."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._http = httpx.Client(base_url=url, timeout=TIMEOUT, headers=auth_headers())

    def close(self) -> None:
        self._http.close()

    def update_toxic(
        self, proxy: str, toxic: str, *, attributes: dict[str, int] | None = None, toxicity: float | None = None
    ) -> dict[str, Any]:
        """Change a toxic's attributes (those given) or toxicity in place; returns the toxic's JSON."""
        body: dict[str, Any] = {}
        if attributes is not None:
            body["attributes"] = attributes
        if toxicity is not None:
            body["toxicity"] = toxicity
        return self._call("POST", f"/proxies/{proxy}/toxics/{toxic}", body).json()

    def post_populate(self, proxies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """POST /populate: create these proxies, replacing any whose listen or upstream differ."""
        return self._call("POST", "/populate", proxies).json()["proxies"]

    def reset(self) -> bool:
        """Enable proxies and remove their toxics. Under pytest-xdist only this worker's
        proxies (named with `proxy_name`): the global /reset would undo other workers' faults."""
        suffix = _worker_suffix()
        if not suffix:
            return self._call("POST", "/reset").status_code == 204
        for name, proxy in self._call("GET", "/proxies").json().items():
            if not name.endswith(suffix):
                continue
            for toxic in proxy["toxics"]:
                self._call("DELETE", f"/proxies/{name}/toxics/{toxic['name']}")
            if not proxy["enabled"]:
                self._call("POST", f"/proxies/{name}", {"enabled": True})
        return True

    def connections(self, proxy: str) -> list[ConnectionRecord] | None:
        """What each connection through `proxy` carried (the embedded server's `ledger.py`);
        None when the server cannot say (a real Toxiproxy has no such path) or the proxy is gone."""
        try:
            response = self._http.get(f"/proxies/{proxy}/connections")
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        records: list[ConnectionRecord] = response.json()
        return records

    def _call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        response = self._http.request(method, path, json=body)
        # The same exceptions toxiproxy-python raises for these statuses.
        failure = {404: NotFound, 409: ProxyExists, 400: InvalidToxic}.get(response.status_code)
        if failure is not None:
            raise failure(response.content)
        response.raise_for_status()
        return response


def proxy_name(base: str) -> str:
    """`base`, made unique per pytest-xdist worker (`openai` -> `openai_gw0`), so workers
    sharing one Toxiproxy server never touch each other's proxies."""
    return base + _worker_suffix()


def _worker_suffix() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"_{worker}" if worker else ""


@contextmanager
def toxiproxy_for(url: str | None = None) -> Iterator[ToxiproxyClient]:
    """A client for `url`, else for TOXIPROXY_URL, else for an embedded server started here
    (and stopped on exit)."""
    url = url or os.environ.get("TOXIPROXY_URL")
    if url:
        url = _normalise(url)
        _check_answering(url)
        with _bound(url) as client:
            yield client
        return
    with EmbeddedToxiproxy() as embedded_url, _bound(embedded_url) as client:
        yield client


def _normalise(url: str) -> str:
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise InputError(f"Toxiproxy URL {url!r} must look like http://HOST:PORT (toxiproxy-python speaks plain http)")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"http://{host}:{parts.port or DEFAULT_PORT}"


def auth_headers() -> dict[str, str]:
    """The token a server started with TOXIPROXY_AUTH_TOKEN asks for; none when it is unset."""
    token = os.environ.get(TOKEN_VARIABLE)
    return {"Authorization": f"Bearer {token}"} if token else {}


def _check_answering(url: str) -> None:
    try:
        response = httpx.get(url + "/version", timeout=2.0, headers=auth_headers())
        response.raise_for_status()
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        raise InputError(f"Toxiproxy at {url} is not answering ({reason})") from None
    try:
        version = response.json()["version"]
    except (ValueError, KeyError, TypeError):
        version = None
    if not isinstance(version, str):
        # Another HTTP server on that port: every later call would fail in a confusing way.
        raise InputError(
            f"{url} answers HTTP but is not a Toxiproxy server (GET /version gave no version: {response.text[:80]!r})"
        )


@contextmanager
def _bound(url: str) -> Iterator[ToxiproxyClient]:
    parts = urlsplit(url)
    previous = (APIConsumer.host, APIConsumer.port)
    APIConsumer.host, APIConsumer.port = parts.hostname, parts.port
    client = ToxiproxyClient(url)
    try:
        with _sending_token():
            yield client
    finally:
        client.close()
        APIConsumer.host, APIConsumer.port = previous


@contextmanager
def _sending_token() -> Iterator[None]:
    """toxiproxy-python cannot send headers of its own accord; when a token is set, its
    three request methods (class-wide, like its host and port) add it while bound."""
    headers = auth_headers()
    if not headers:
        yield
        return
    originals = {verb: APIConsumer.__dict__[verb] for verb in ("get", "post", "delete")}

    def with_token(verb: str) -> classmethod[Any, Any, Any]:
        send = originals[verb].__func__

        def call(cls: type[APIConsumer], url: str, *args: Any, **kwargs: Any) -> Any:
            kwargs["headers"] = {**headers, **(kwargs.get("headers") or {})}
            return send(cls, url, *args, **kwargs)

        return classmethod(call)

    for verb in originals:
        setattr(APIConsumer, verb, with_token(verb))
    try:
        yield
    finally:
        for verb, original in originals.items():
            setattr(APIConsumer, verb, original)
