"""`Provider`: everything harness knows about one AI provider, in one record.

Each provider module (`harness/providers/<name>.py` or a package) declares
one `Provider` and registers it, the way each Toxiproxy toxic registers
itself. Every other layer reads the registry instead of naming providers:
the doubles play its routes, the SDK clients and `harness serve` come from
it, live checks send its credentials to its base URL, redaction hides its
key variables and secret headers, cassettes are attributed by its hosts and
signature, reports colour it, the pytest plugin makes its `<name>_double`
fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harness.double.call import Call, ErrorEnvelope, Failures, Handler, State

if TYPE_CHECKING:
    from harness.double.app import Double
    from harness.exchange import Request

# (double, asynchronous, constructor options) -> a client of the provider's official SDK, wired in-process.
SdkClient = Callable[["Double", bool, dict[str, Any]], Any]
# A header value -> what it should look like, or None when it is fine.
HeaderFormat = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Credential:
    """How the real API takes a key: which environment variables hold it and which header carries it."""

    env_vars: tuple[str, ...]  # the first one set wins
    header: str
    prefix: str = ""
    extra_headers: tuple[tuple[str, str], ...] = ()  # sent with every live request (e.g. an API version)

    def key(self, env: Mapping[str, str]) -> str | None:
        return next((env[name] for name in self.env_vars if env.get(name)), None)

    def headers(self, key: str) -> dict[str, str]:
        return {**dict(self.extra_headers), self.header: self.prefix + key}


def _no_headers(call: Call) -> dict[str, str]:
    return {}


def _no_models() -> tuple[str, ...]:
    return ()


def _never(request: Request) -> bool:
    return False


@dataclass(frozen=True)
class Provider:
    """One provider: where it lives, how it authenticates, what it serves and how it fails."""

    name: str  # lower-case, a Python identifier: also the fixture `<name>_double`
    base_url: str  # the real API's root, e.g. https://api.openai.com
    credential: Credential
    routes: tuple[tuple[str, Handler], ...]  # ("POST /v1/chat/completions", handler), played by the double
    error: ErrorEnvelope  # the provider's own error envelope
    request_id_header: str  # x-request-id (OpenAI), request-id (Anthropic)
    request_id: Callable[[State], str]  # a fresh request id
    sdk: SdkClient  # its official SDK's client, talking to a double in-process
    colour: str  # how reports draw it, "#rrggbb"
    sdk_path: str = ""  # what its SDK's base_url has after the root ("/v1" for OpenAI)
    hosts: tuple[str, ...] = ()  # further hosts its real API answers on, beside base_url's
    secret_headers: tuple[str, ...] = ()  # request headers holding secrets, beside the credential's
    # Traffic recorded against a local server or proxy is recognised by the signature its SDK leaves.
    signature: Callable[[Request], bool] = _never
    stream_end: tuple[str, ...] = ()  # the SSE events (type or data) that end a complete stream
    header_formats: Mapping[str, HeaderFormat] = field(default_factory=dict)  # signal headers it sends
    headers: Callable[[Call], dict[str, str]] = _no_headers  # added to every answer (rate limits...)
    failures: Failures = field(default_factory=Failures)  # how it fails, for the chaos layer's faults
    models: Callable[[], tuple[str, ...]] = _no_models  # the model ids its double serves

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise ValueError(f"provider name {self.name!r} must be a lower-case identifier")
        if urlsplit(self.base_url).scheme not in ("http", "https") or not urlsplit(self.base_url).hostname:
            raise ValueError(f"provider {self.name}: base_url {self.base_url!r} is not an http(s) URL")

    @property
    def all_hosts(self) -> tuple[str, ...]:
        """Every host its real API answers on, lower-case."""
        return (str(urlsplit(self.base_url).hostname).lower(), *(h.lower() for h in self.hosts))

    def sdk_base_url(self, root: str) -> str:
        """What its SDK takes as `base_url` for a server at `root`."""
        return root.rstrip("/") + self.sdk_path

