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


def provider_of(request) -> str | None:
    """Which provider a recorded request was for: its host, or, for traffic
    recorded against a local server or proxy, the signature its SDK leaves."""
    by_host = provider_for_host(request.host)
    if by_host:
        return by_host
    if request.header("anthropic-version"):
        return "anthropic"
    if request.header("x-goog-api-key") or request.header("x-goog-api-client") or request.path.startswith("/v1beta/"):
        return "gemini"
    if (request.header("user-agent") or "").startswith("OpenAI/"):
        return "openai"
    return None


def profile(name: str):
    """The `Profile` of a provider, from `harness/providers/<name>.py` (its `PROFILE`)."""
    from importlib import import_module

    from harness.errors import InputError

    if name not in NAMES:
        raise InputError(f"unknown provider {name!r}; known: {', '.join(NAMES)}")
    return import_module(f"harness.providers.{name}").PROFILE
