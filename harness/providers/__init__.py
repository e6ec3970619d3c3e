"""Provider profiles: one module per provider (routes, envelopes, framing)."""

from __future__ import annotations

# Known provider names, and the hosts their real APIs answer on.
HOSTS: dict[str, str] = {
    "api.openai.com": "openai",
    "api.anthropic.com": "anthropic",
    "generativelanguage.googleapis.com": "gemini",
}
NAMES: tuple[str, ...] = ("openai", "anthropic", "gemini")


def provider_for_host(host: str) -> str | None:
    return HOSTS.get(host.lower())
