"""Official SDK clients wired to a double in-process, ready to call.

    client = sdk_client(double)                      # openai.OpenAI / anthropic.Anthropic / genai.Client
    client = sdk_client(double, asynchronous=True)   # their async twins
    client = sdk_client(double, max_retries=0)       # options go to the SDK's constructor

No socket is opened: each client gets the double's in-process transport, in
the HTTP library the SDK itself is built on (httpx2 for openai 3 and
anthropic 2, httpx for older releases). Requests name the provider's real
host, so the journal reads like production traffic, but the transport never
leaves the process. The SDK is imported only when a client is asked for.

Which SDK a provider uses is part of its `Provider` record (`sdk`); the two
client makers below cover the SDK designs the shipped providers use.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.double.app import Double
    from harness.provider import SdkClient

# The key every client is made with: doubles accept any key and redact it in the journal.
API_KEY = "sk-harness-test"


def sdk_client(double: Double, *, asynchronous: bool = False, **options: Any) -> Any:
    """A client of the official SDK of `double`'s provider, talking to `double` in-process."""
    if double.provider.sdk is None:
        raise ValueError(f"provider {double.name!r} names no SDK client")
    return double.provider.sdk(double, asynchronous, options)


def _flavour(sdk_client_class: type) -> str:
    """httpx or httpx2: the library an SDK's default HTTP client class is built on."""
    for cls in sdk_client_class.__mro__:
        package = cls.__module__.partition(".")[0]
        if package in ("httpx", "httpx2"):
            return package
    return "httpx"


def stainless(module_name: str, sync_name: str, async_name: str) -> SdkClient:
    """A maker for SDKs of the openai/anthropic design: base_url, api_key and http_client in the constructor."""

    def make(double: Double, asynchronous: bool, options: dict[str, Any]) -> Any:
        sdk = importlib.import_module(module_name)
        http_cls = sdk.DefaultAsyncHttpxClient if asynchronous else sdk.DefaultHttpxClient
        flavour = _flavour(http_cls)
        transport = double.async_transport(flavour) if asynchronous else double.transport(flavour)
        options.setdefault("api_key", API_KEY)
        options.setdefault("base_url", double.provider.sdk_base_url(double.provider.base_url))
        options.setdefault("http_client", http_cls(transport=transport))
        return getattr(sdk, async_name if asynchronous else sync_name)(**options)

    return make


def google_genai(double: Double, asynchronous: bool, options: dict[str, Any]) -> Any:
    """A `google.genai.Client` (its `.aio` when asynchronous); its transports go in through HttpOptions."""
    from google import genai
    from google.genai import types

    flavour = "httpx2" if importlib.util.find_spec("httpx2") else "httpx"
    http_options = types.HttpOptions(
        base_url=double.provider.sdk_base_url(double.provider.base_url),
        client_args={"transport": double.transport(flavour)},
        async_client_args={"transport": double.async_transport(flavour)},
    )
    options.setdefault("api_key", API_KEY)
    options.setdefault("http_options", http_options)
    client = genai.Client(**options)
    return client.aio if asynchronous else client
