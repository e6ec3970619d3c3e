"""The names of what carries a secret, for every place that stores or shows
traffic: cassettes, the doubles' journal, reports. One list, so they agree.

The generic names are here; each provider adds its credential header, its
other secret headers and its key variables in its `Provider` record.
"""

from __future__ import annotations

# Request headers that carry credentials for any HTTP API.
GENERIC_REQUEST_HEADERS: tuple[str, ...] = ("authorization", "proxy-authorization", "api-key", "cookie")
RESPONSE_HEADERS: tuple[str, ...] = ("set-cookie",)
# Query-string parameters that carry keys (Gemini takes `key=`).
QUERY: tuple[str, ...] = ("key", "api_key", "api-key")
PLACEHOLDER = "REDACTED"


def request_headers() -> tuple[str, ...]:
    """Every request header that carries a credential or identifies an account, lower-case."""
    from harness import providers

    names = list(GENERIC_REQUEST_HEADERS)
    for provider in providers.registered():
        own = [provider.credential.header] if provider.credential else []
        names += [h.lower() for h in (*own, *provider.secret_headers)]
    return tuple(dict.fromkeys(names))


def env_vars() -> tuple[str, ...]:
    """Environment variables holding provider keys: their values are hunted anywhere."""
    from harness import providers

    return tuple(dict.fromkeys(name for p in providers.registered() if p.credential for name in p.credential.env_vars))
