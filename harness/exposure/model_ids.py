"""Model ids in text: which strings are model ids, and whose.

A string is a model id when a provider's catalogue lists it, or when it has the
shape of one of a provider's model families (`gpt-…`, `claude-…`, `gemini-…`).
LiteLLM-style strings name the provider first: `openai/gpt-4o`,
`anthropic/claude-sonnet-4-5`, `gemini/gemini-2.5-flash`.
"""

from __future__ import annotations

import functools
import re

# Each provider's model-id shapes; a catalogue hit wins over these.
_SHAPES = {
    "openai": r"(?:gpt-[\w.:-]+|chatgpt-[\w.-]+|o[1-9](?:-[\w.-]+)?|dall-e-[23]|sora-[\w.-]+|whisper-1|"
    r"tts-1(?:-hd)?|text-embedding-(?:3-small|3-large|ada-002)|omni-moderation-[\w.-]+|text-moderation-[\w.-]+|"
    r"ft:[\w.:-]+)",
    "anthropic": r"claude-[\w.@-]+",
    "gemini": r"(?:gemini-[\w.-]+|veo-[\w.-]+|imagen-[\w.-]+|text-embedding-00\d|embedding-001)",
}
# LiteLLM's provider prefixes, as the provider they mean.
PREFIXES = {
    "openai": "openai",
    "azure": "openai",
    "anthropic": "anthropic",
    "gemini": "gemini",
    "vertex_ai": "gemini",
    "google": "gemini",
}
_ID = "|".join(f"(?P<{name}>{shape})" for name, shape in _SHAPES.items())
# Not preceded or followed by what a longer identifier or path would have.
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![\w.:/-])", r"(?![\w.:@-])"
_FIND = re.compile(
    rf"{_EDGE_BEFORE}(?:(?P<prefix>{'|'.join(PREFIXES)})/)?(?:{_ID}){_EDGE_AFTER}"
    # A dash or dot right after is part of the id; a trailing one is punctuation.
)
_WHOLE = re.compile(rf"^(?:(?P<prefix>{'|'.join(PREFIXES)})/)?(?:{_ID})$")


def provider_of(model: str) -> str | None:
    """Whose model `model` is, by catalogue first and shape second; None when it looks like no one's."""
    for provider, ids in _catalogued().items():
        if model in ids:
            return provider
    found = _WHOLE.match(model)
    if not found:
        return None
    return next(name for name in _SHAPES if found.group(name))


def parse(text: str) -> tuple[str, str] | None:
    """(provider, model) when `text` is exactly a model id or a LiteLLM string, else None."""
    found = _WHOLE.match(text.strip())
    if found is None:
        provider = provider_of(text.strip())
        return (provider, text.strip()) if provider else None
    model = text.strip().split("/", 1)[-1] if found.group("prefix") else text.strip()
    if found.group("prefix"):
        return PREFIXES[found.group("prefix")], model
    return next(name for name in _SHAPES if found.group(name)), model


def find_all(text: str) -> list[tuple[int, str, str]]:
    """(offset, provider, model) for every model id or LiteLLM string inside `text`."""
    found = []
    for match in _FIND.finditer(text):
        whole = match.group(0).rstrip(".-")
        parsed = parse(whole)
        if parsed:
            found.append((match.start(), *parsed))
    return found


@functools.cache
def _catalogued() -> dict[str, frozenset[str]]:
    """Every model id the catalogue lists, per provider (empty when there is no catalogue)."""
    from harness import catalogue, providers
    from harness.errors import HarnessError

    known = {}
    for name in providers.names():
        try:
            known[name] = frozenset(catalogue.catalogue(name).ids())
        except HarnessError:  # a provider whose catalogue cannot be read (a bad pyproject.toml) contributes no ids
            known[name] = frozenset()
    return known
