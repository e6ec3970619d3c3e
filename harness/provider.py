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

from harness.double.call import Call, ErrorEnvelope, Handler, Reply, State

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


@dataclass(frozen=True)
class Failures:
    """How one provider fails, for the chaos layer's faults.

    Each function builds this provider's own answer for a bad day; the
    faults in `harness/chaos/faults/` decide when, and never hard-code a
    provider's shapes themselves.
    """

    outage_status: int = 503
    outage_message: str = "The server is temporarily unable to handle the request."
    # (call, retry_after seconds, quota) -> a 429 with this provider's headers and body
    rate_limited: Callable[[Call, float, bool], Reply] | None = None
    # (call, model) -> the answer for a retired model
    model_retired: Callable[[Call, str], Reply] | None = None
    # (call, reply, model, shutdown date "YYYY-MM-DD") -> the models list marking the retirement
    mark_retired: Callable[[Call, Reply, str, str], Reply] | None = None
    # (call, reply, code or None) -> this route's moderation refusal; None code: the provider's own
    refusal: Callable[[Call, Reply, str | None], Reply] | None = None
    # async jobs: (body) -> (job id, state) or None when the body is not a job
    job_state: Callable[[Any], tuple[str, str] | None] | None = None
    # (body) -> the body of a job stuck where it is
    job_stall: Callable[[Any], Any] | None = None
    # (body, code, message) -> the body of a job that failed
    job_fail: Callable[[Any, str, str], Any] | None = None


def _no_headers(call: Call) -> dict[str, str]:
    return {}


def _no_models() -> tuple[str, ...]:
    return ()


def _never(request: Request) -> bool:
    return False


@dataclass(frozen=True)
class Provider:
    """One provider: where it lives, how it authenticates, what it serves and how it fails."""

    # What the double needs to play it.
    name: str  # lower-case, a Python identifier: also the fixture `<name>_double`
    routes: tuple[tuple[str, Handler], ...]  # ("POST /v1/chat/completions", handler), played by the double
    error: ErrorEnvelope  # the provider's own error envelope
    request_id_header: str  # x-request-id (OpenAI), request-id (Anthropic)
    request_id: Callable[[State], str]  # a fresh request id
    headers: Callable[[Call], dict[str, str]] = _no_headers  # added to every answer (rate limits...)
    failures: Failures = field(default_factory=Failures)  # how it fails, for the chaos layer's faults
    models: Callable[[], tuple[str, ...]] = _no_models  # the model ids its double serves
    stream_end: tuple[str, ...] = ()  # the SSE events (type or data) that end a complete stream
    # Turns away, before the handler sees it, a request the real API would reject (raising
    # RequestProblem in the provider's words); a strict double calls it (harness/validation/).
    validate: Callable[[Call], None] | None = None
    # What the rest of harness needs. A registered provider has every one of these
    # (tests/test_providers.py checks); a double made for one test may leave them out.
    base_url: str = ""  # the real API's root, e.g. https://api.openai.com
    credential: Credential | None = None
    sdk: SdkClient | None = None  # its official SDK's client, talking to a double in-process
    sdk_path: str = ""  # what its SDK's base_url has after the root ("/v1" for OpenAI)
    colour: str = ""  # how reports draw it, "#rrggbb"
    hosts: tuple[str, ...] = ()  # further hosts its real API answers on, beside base_url's
    secret_headers: tuple[str, ...] = ()  # request headers holding secrets, beside the credential's
    # Traffic recorded against a local server or proxy is recognised by the signature its SDK leaves.
    signature: Callable[[Request], bool] = _never
    header_formats: Mapping[str, HeaderFormat] = field(default_factory=dict)  # signal headers it sends
    catalogue: str = ""  # whose model catalogue it serves (harness/catalogue/): its own unless named

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise ValueError(f"provider name {self.name!r} must be a lower-case identifier")
        if self.base_url and (
            urlsplit(self.base_url).scheme not in ("http", "https") or not urlsplit(self.base_url).hostname
        ):
            raise ValueError(f"provider {self.name}: base_url {self.base_url!r} is not an http(s) URL")

    @property
    def all_hosts(self) -> tuple[str, ...]:
        """Every host its real API answers on, lower-case."""
        own = (str(urlsplit(self.base_url).hostname).lower(),) if self.base_url else ()
        return (*own, *(h.lower() for h in self.hosts))

    def sdk_base_url(self, root: str) -> str:
        """What its SDK takes as `base_url` for a server at `root`."""
        return root.rstrip("/") + self.sdk_path
