"""The names of what carries a secret, for every place that stores or shows
traffic: cassettes, the doubles' journal, reports. One list, so they agree."""

from __future__ import annotations

# Request headers that carry credentials or identify an account.
REQUEST_HEADERS: tuple[str, ...] = (
    "authorization",
    "proxy-authorization",
    "api-key",
    "x-api-key",
    "x-goog-api-key",
    "openai-organization",
    "openai-project",
    "cookie",
)
RESPONSE_HEADERS: tuple[str, ...] = ("set-cookie",)
# Query-string parameters that carry keys (Gemini takes `key=`).
QUERY: tuple[str, ...] = ("key", "api_key", "api-key")
# Environment variables holding provider keys: their values are hunted anywhere.
ENV_VARS: tuple[str, ...] = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY")
PLACEHOLDER = "REDACTED"
