"""The request that reproduces a finding, as one curl line a person can paste,
with every secret (credential headers, cookies, keys in the query string)
replaced by REDACTED, as in cassettes and journals."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from harness import secrets

# What every HTTP client adds on its own: noise in a line meant to be read.
_CLIENT_HEADERS = frozenset({"user-agent", "accept-encoding", "accept", "connection", "content-length"})


def curl(method: str, url: str, headers: Mapping[str, Any], body: Any = None) -> str:
    hidden = set(secrets.request_headers())
    parts = ["curl", "-X", method.upper(), shlex.quote(_redacted_url(url))]
    for name, value in headers.items():
        if name.lower() in _CLIENT_HEADERS or name.lower().startswith("x-schemathesis"):
            continue
        shown = secrets.PLACEHOLDER if name.lower() in hidden else str(value)
        parts += ["-H", shlex.quote(f"{name}: {shown}")]
    if isinstance(body, (bytes, str)) and body:
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
        parts += ["-d", shlex.quote(text)]
    return " ".join(parts)


def from_transport(kwargs: Mapping[str, Any]) -> str:
    """The curl line of the keyword arguments Schemathesis gives `requests` for a case."""
    import requests

    allowed = ("method", "url", "headers", "params", "data", "json", "files", "cookies")
    prepared = requests.Request(**{k: v for k, v in kwargs.items() if k in allowed}).prepare()
    body = prepared.body
    if isinstance(body, bytes) and kwargs.get("json") is not None:  # as compact as it was sent, but readable
        body = json.dumps(kwargs["json"], ensure_ascii=False)
    return curl(prepared.method or "GET", prepared.url or "", prepared.headers, body)


def _redacted_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = [(k, secrets.PLACEHOLDER if k.lower() in secrets.QUERY else v) for k, v in parse_qsl(parts.query, True)]
    return urlunsplit(parts._replace(query=urlencode(pairs)))
