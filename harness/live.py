"""Send each contract interaction's example request to the real provider.

Used by `harness record` (inside a vcrpy recording) and by nightly live
checks. Keys come from the environment and go only into the request
headers: they are never printed, and the Exchanges handed back are redacted.

Path parameters: a `{param}` still in an example's path is filled, in this
order, from `params` (values the caller gives, e.g. `model`), then from an
earlier answer of the same contract, so "create a video" then "get the
video" works. From an answer, an id-like parameter (`id`, `video_id`, ...)
takes the id at the contract's lifecycle id pointer (default `/id`); any
other takes the top-level field of its name, or its segment of a Google
resource name (`{operation}` from `name: models/veo/operations/abc`). An
example that still has an unfilled parameter is skipped with a line saying
which.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import httpx

from harness import providers
from harness.cassettes import DEFAULT as DEFAULT_REDACTION
from harness.cassettes import redact_exchange
from harness.contracts.model import Contract, Interaction
from harness.errors import InputError
from harness.exchange import Exchange, Request, Response
from harness.provider import Credential

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::(?:path|segment))?\}")
# Only encodings the cassette layer can decode, so its secret scan sees plain bytes.
_ACCEPT_ENCODING = "gzip, deflate"
_TIMEOUT = httpx.Timeout(120.0, connect=10.0)


@dataclass(frozen=True)
class LiveRun:
    exchanges: tuple[Exchange, ...] = ()
    skipped: tuple[str, ...] = ()  # one line per thing not sent, saying why

    @property
    def failed(self) -> tuple[Exchange, ...]:
        """Exchanges that got no response (connection refused, timeout, ...)."""
        return tuple(x for x in self.exchanges if x.response is None)


def send_examples(
    contracts: Iterable[Contract],
    *,
    budget: int = 20,
    base_urls: Mapping[str, str] | None = None,
    env: Mapping[str, str] = os.environ,
    transport: httpx.BaseTransport | None = None,
    params: Mapping[str, str] | None = None,
) -> LiveRun:
    """Send every example request of `contracts`, at most `budget` in all.

    `params` gives path parameters no earlier answer can, e.g. {"model": "gemini-2.5-flash"}."""
    contracts = list(contracts)
    urls = with_base_urls(base_urls or {})
    keys, skipped = _keys([c.provider for c in contracts], env)
    exchanges: list[Exchange] = []
    with httpx.Client(transport=transport, timeout=_TIMEOUT, follow_redirects=False) as client:
        for contract in contracts:
            if contract.provider not in keys:
                continue
            sender = _Sender(
                client, contract, urls[contract.provider].rstrip("/"), keys[contract.provider], dict(params or {})
            )
            sent, lines = sender.send_all(budget - len(exchanges))
            exchanges.extend(sent)
            skipped.extend(lines)
    return LiveRun(exchanges=tuple(exchanges), skipped=tuple(skipped))


def missing_keys(contracts: Iterable[Contract], env: Mapping[str, str] = os.environ) -> list[str]:
    """One line per provider of `contracts` whose key is not in `env`, naming the
    variables to set: "no key for openai: set OPENAI_API_KEY"."""
    missing: list[str] = []
    for provider in dict.fromkeys(c.provider for c in contracts):
        credential = _credential(provider)
        if not credential.key(env):
            missing.append(f"no key for {provider}: set {' or '.join(credential.env_vars)}")
    return missing


def with_base_urls(overrides: Mapping[str, str]) -> dict[str, str]:
    """Every provider's base URL, `overrides` (checked) replacing the real hosts."""
    known = providers.names()
    for provider, url in overrides.items():
        if provider not in known:
            raise InputError(f"unknown provider {provider!r} for a base URL; known: {', '.join(known)}")
        if not url.startswith(("http://", "https://")):
            raise InputError(f"base URL for {provider} must start with http:// or https://, not {url!r}")
    return {**{p.name: p.base_url for p in providers.registered()}, **overrides}


def _keys(names: list[str], env: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    keys: dict[str, str] = {}
    skipped: list[str] = []
    for provider in dict.fromkeys(names):  # first-seen order, once each
        credential = _credential(provider)
        key = credential.key(env)
        if key:
            keys[provider] = key
        else:
            variables = " or ".join(credential.env_vars)
            skipped.append(f"skipped {provider}: {variables} is not set")
    return keys, skipped


def _credential(name: str) -> Credential:
    credential = providers.get(name).credential
    if credential is None:
        raise InputError(f"provider {name!r} declares no credential, so it cannot be called live")
    return credential


class _Sender:
    """Sends one contract's examples in order, feeding ids forward."""

    def __init__(
        self, client: httpx.Client, contract: Contract, base_url: str, key: str, params: dict[str, str]
    ) -> None:
        self.client, self.contract, self.base_url, self.key = client, contract, base_url, key
        self.params = params
        self.credential = _credential(contract.provider)
        self.earlier: list[Any] = []  # JSON bodies of earlier responses, newest last
        # The exchanges we hand back never carry the key, even if a server echoes it.
        self.redaction = replace(DEFAULT_REDACTION, values=(key,))

    def send_all(self, budget: int) -> tuple[list[Exchange], list[str]]:
        sent: list[Exchange] = []
        skipped: list[str] = []
        unsent = 0
        for interaction in self.contract.interactions:
            path, missing = self.path_for(interaction)
            if missing:
                skipped.append(
                    f"skipped {self.contract.name} / {interaction.name!r}: nothing gives "
                    f"{{{missing}}} in {interaction.request.path} (no param, no earlier answer)"
                )
            elif interaction.request.method in ("POST", "PUT", "PATCH") and interaction.request.json is None:
                # A multipart upload (OpenAI's transcriptions) has no JSON example to send.
                skipped.append(f"skipped {self.contract.name} / {interaction.name!r}: no example body to send")
            elif len(sent) >= budget:
                unsent += 1
            else:
                sent.append(self.send(interaction, path))
        if unsent:
            skipped.append(f"not sent: {unsent} example(s) of {self.contract.name}: the request budget is used up")
        return sent, skipped

    def path_for(self, interaction: Interaction) -> tuple[str, str | None]:
        """The example path with its parameters filled, or the first one we cannot fill."""
        path = interaction.request.path
        for match in _PARAM.finditer(path):
            value = self.params.get(match.group(1)) or self.earlier_value(match.group(1))
            if value is None:
                return path, match.group(1)
            path = path.replace(match.group(0), value, 1)
        return path, None

    def earlier_value(self, param: str) -> str | None:
        id_like = param == "id" or param.endswith("_id")
        pointer = self.contract.lifecycle.id if self.contract.lifecycle else "/id"
        for body in reversed(self.earlier):
            if id_like:
                value = _at_pointer(body, pointer)
            elif isinstance(body, dict):
                value = body.get(param) or _resource_segment(body.get("name"), param)
            else:
                value = None
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                return str(value)
        return None

    def send(self, interaction: Interaction, path: str) -> Exchange:
        example = interaction.request
        # httpx.Headers replaces case-insensitively, so an example's own
        # "Authorization" or "Accept-Encoding" cannot travel beside ours.
        headers = httpx.Headers(example.headers)
        headers.update({"accept-encoding": _ACCEPT_ENCODING, **self.credential.headers(self.key)})
        request = self.client.build_request(
            example.method, self.base_url + path, params=example.query or None, headers=headers, json=example.json
        )
        started, clock = time.time(), time.perf_counter()
        try:
            response = self.client.send(request)
        except httpx.HTTPError as exc:
            failed = Exchange(
                request=_request(request),
                provider=self.contract.provider,
                route=str(interaction.route),
                started=started,
                elapsed=time.perf_counter() - clock,
                error=f"{type(exc).__name__}: {exc}",
                source=self.base_url,
            )
            return redact_exchange(failed, self.redaction)
        answer = _response(response)
        exchange = Exchange(
            request=_request(request),
            response=answer,
            provider=self.contract.provider,
            route=str(interaction.route),
            started=started,
            elapsed=time.perf_counter() - clock,
            source=self.base_url,
        )
        if response.is_success:  # only a real answer can name the object to fetch next
            self.earlier.append(answer.json)
        return redact_exchange(exchange, self.redaction)


def _request(request: httpx.Request) -> Request:
    return Request(
        method=request.method, url=str(request.url), headers=tuple(request.headers.multi_items()), body=request.content
    )


def _response(response: httpx.Response) -> Response:
    """The response as the app saw it: httpx has decoded the body, so the
    encoding header no longer applies and the length is the decoded one."""
    headers = response.headers.multi_items()
    if "content-encoding" in response.headers:
        headers = [
            (k, str(len(response.content)) if k.lower() == "content-length" else v)
            for k, v in headers
            if k.lower() != "content-encoding"
        ]
    return Response(status=response.status_code, headers=tuple(headers), body=response.content)


def _resource_segment(name: Any, param: str) -> str | None:
    """`abc` for param `operation` in a Google resource name `models/veo/operations/abc`."""
    if not isinstance(name, str):
        return None
    parts = name.split("/")
    return next(
        (value for collection, value in zip(parts[::2], parts[1::2], strict=False) if collection == param + "s"), None
    )


def _at_pointer(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer, or None when it is not there."""
    node = document
    for raw in pointer.split("/")[1:] if pointer else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isascii() and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


__all__ = ["LiveRun", "missing_keys", "send_examples", "with_base_urls"]
