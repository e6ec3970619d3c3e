"""Official SDK clients wired to a double in-process, ready to call.

    client = sdk_client(double)                      # openai.OpenAI / anthropic.Anthropic / genai.Client
    client = sdk_client(double, asynchronous=True)   # their async twins
    client = sdk_client(double, max_retries=0)       # options go to the SDK's constructor

No socket is opened: each client gets the double's in-process transport, in
the HTTP library the SDK itself is built on (httpx2 for openai 3 and
anthropic 2, httpx for older releases). Requests name the provider's real
host, so the journal reads like production traffic, but the transport never
leaves the process. The SDK is imported only when a client is asked for.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.double.app import Double

# The key every client is made with: doubles accept any key and redact it in the journal.
API_KEY = "sk-harness-test"
HOSTS = {
    "openai": "https://api.openai.com",
    "anthropic": "https://api.anthropic.com",
    "gemini": "https://generativelanguage.googleapis.com",
}


def base_url(provider: str, root: str) -> str:
    """What the provider's SDK takes as `base_url` for a server at `root`
    (the OpenAI SDK puts /v1 in its base URL; the others add it per request)."""
    return root.rstrip("/") + ("/v1" if provider == "openai" else "")


def sdk_client(double: Double, *, asynchronous: bool = False, **options: Any) -> Any:
    """A client of the official SDK for `double.name`, talking to `double` in-process."""
    maker = _MAKERS.get(double.name)
    if maker is None:
        raise ValueError(f"no SDK client for provider {double.name!r}; known: {', '.join(_MAKERS)}")
    return maker(double, asynchronous, options)


def _flavour(sdk_client_class: type) -> str:
    """httpx or httpx2: the library an SDK's default HTTP client class is built on."""
    for cls in sdk_client_class.__mro__:
        package = cls.__module__.partition(".")[0]
        if package in ("httpx", "httpx2"):
            return package
    return "httpx"


def _stainless(module_name: str, sync_name: str, async_name: str, provider: str):
    """openai and anthropic share one client design: base_url, api_key, http_client."""

    def make(double: Double, asynchronous: bool, options: dict[str, Any]) -> Any:
        sdk = importlib.import_module(module_name)
        http_cls = sdk.DefaultAsyncHttpxClient if asynchronous else sdk.DefaultHttpxClient
        flavour = _flavour(http_cls)
        transport = double.async_transport(flavour) if asynchronous else double.transport(flavour)
        options.setdefault("api_key", API_KEY)
        options.setdefault("base_url", base_url(provider, HOSTS[provider]))
        options.setdefault("http_client", http_cls(transport=transport))
        return getattr(sdk, async_name if asynchronous else sync_name)(**options)

    return make


def _gemini(double: Double, asynchronous: bool, options: dict[str, Any]) -> Any:
    from google import genai
    from google.genai import types

    flavour = "httpx2" if importlib.util.find_spec("httpx2") else "httpx"
    http_options = types.HttpOptions(
        base_url=HOSTS["gemini"],
        client_args={"transport": double.transport(flavour)},
        async_client_args={"transport": double.async_transport(flavour)},
    )
    options.setdefault("api_key", API_KEY)
    options.setdefault("http_options", http_options)
    client = genai.Client(**options)
    return client.aio if asynchronous else client


_MAKERS = {
    "openai": _stainless("openai", "OpenAI", "AsyncOpenAI", "openai"),
    "anthropic": _stainless("anthropic", "Anthropic", "AsyncAnthropic", "anthropic"),
    "gemini": _gemini,
}
