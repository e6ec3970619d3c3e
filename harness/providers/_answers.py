"""What the Anthropic and Gemini doubles make up to say: answer text, token
counts, where an answer stops, and the pieces a stream sends.

Shared so that both answer a prompt the same way for a seed and count tokens
the same way. Media files (MP4, PNG, WebP) are in `harness.double.media`.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

_FILLER = (
    "the",
    "answer",
    "is",
    "clear",
    "and",
    "brief",
    "here",
    "a",
    "short",
    "note",
    "on",
    "that",
    "with",
    "one",
    "detail",
    "more",
    "so",
    "it",
    "reads",
    "well",
)
_TOKEN = re.compile(r"\w+|[^\w\s]")
_PIECE = re.compile(r"\S+\s*")


def count_tokens(text: str) -> int:
    """A stable stand-in for a tokenizer: words and punctuation marks."""
    if len(text) > 4096:  # a long document is rarely sent twice: not worth keeping
        return len(_TOKEN.findall(text))
    return _count_short(text)


@functools.lru_cache(maxsize=4096)  # the same prompt and request, again and again under load
def _count_short(text: str) -> int:
    return len(_TOKEN.findall(text))


def reply_text(rng: random.Random, prompt: str) -> str:
    """A deterministic answer that quotes the start of the prompt, so tests can see it."""
    quoted = " ".join(prompt.split()[:12])
    words = rng.choices(_FILLER, k=rng.randint(6, 14))
    return f"You asked: \u201c{quoted}\u201d. " + " ".join(words).capitalize() + "."


@dataclass(frozen=True)
class Cut:
    """An answer after stop sequences and the output budget had their say."""

    text: str
    reason: str  # "end" | "stop_sequence" | "max_tokens"
    tokens: int  # output tokens billed: the whole budget when it ran out
    stop_sequence: str | None = None


def cut(text: str, stop_sequences: Iterable[str] = (), max_tokens: int | None = None) -> Cut:
    """Stop at the first stop sequence, else at the last whole word within max_tokens."""
    for stop in stop_sequences:
        if isinstance(stop, str) and stop and stop in text:
            before = text[: text.index(stop)]
            return Cut(before, "stop_sequence", max(1, count_tokens(before)), stop)
    whole = count_tokens(text)
    if max_tokens is None or whole <= max_tokens:
        return Cut(text, "end", max(1, whole))
    kept: list[str] = []
    used = 0
    for piece in _PIECE.findall(text):
        used += count_tokens(piece)
        if used > max_tokens:
            break
        kept.append(piece)
    # The model stops mid-word; the double keeps whole words but bills the budget.
    return Cut("".join(kept).rstrip(), "max_tokens", max_tokens)


def pieces(text: str, words: int = 3) -> list[str]:
    """The answer in the small pieces a stream sends; joined, they are the answer."""
    parts = re.findall(r"\s*\S+", text) or [text]
    return ["".join(parts[i : i + words]) for i in range(0, len(parts), words)]
