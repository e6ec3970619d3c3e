"""What the OpenAI double makes up: answer text, token counts, ids, times, colours.

All of it is fixed by the seed: text and colours by the seed and the request's
content, ids by the double's seeded generator, times by its clock.
"""

from __future__ import annotations

import functools
import json
import math
import random
import re
from typing import Any

from harness.double.call import Call, State
from harness.double.replay import SECONDS

_WORDS = (
    "the",
    "double",
    "answers",
    "in",
    "a",
    "steady",
    "voice",
    "with",
    "plain",
    "words",
    "about",
    "your",
    "request",
    "and",
    "nothing",
    "else",
    "so",
    "tests",
    "can",
    "rely",
    "on",
    "it",
    "every",
    "time",
    "quietly",
    "short",
    "clear",
    "sentences",
    "follow",
)


# `json.dumps(value, sort_keys=True, default=str)`: with options, `dumps` builds a new encoder on
# every call; one built once writes the same text for a third of the cost.
_SEED_TEXT = json.JSONEncoder(sort_keys=True, default=str).encode


def content_rng(call: Call, *parts: Any) -> random.Random:
    """Randomness fixed by the seed and the request's content, not by call order."""
    return random.Random(_SEED_TEXT([call.state.settings.get("seed", 0), *parts]))


def picks(rng: random.Random, population: str | tuple[str, ...], count: int) -> list[str]:
    """`[rng.choice(population) for _ in range(count)]`, the same items from the same generator
    state, without two Python calls per item: `choice` takes `getrandbits(k)` for k the bit
    length of the population's size, again until it is below the size, as written here."""
    size = len(population)
    if not size:
        raise IndexError("Cannot choose from an empty sequence")  # as `choice` does (else: no end)
    bits = size.bit_length()
    draw = rng.getrandbits
    chosen = []
    for _ in range(count):
        index = draw(bits)
        while index >= size:
            index = draw(bits)
        chosen.append(population[index])
    return chosen


def excerpt(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reply_text(call: Call, model: str, prompt: str) -> str:
    return _reply_text(call.state.settings.get("seed", 0), model, prompt)


@functools.lru_cache(maxsize=1024, typed=True)  # a load test sends the same prompt again and again
def _reply_text(seed: Any, model: str, prompt: str) -> str:
    """The answer to a prompt, made once per seed, model and prompt; its generator is seeded
    as `content_rng` seeds one, so the text is what it always was."""
    rng = random.Random(_SEED_TEXT([seed, model, prompt]))
    filler = " ".join(picks(rng, _WORDS, rng.randint(8, 16)))
    return f'You said: "{excerpt(prompt)}". {filler.capitalize()}.'


def tokens(text: str) -> int:
    """A stable stand-in for a tokenizer: about four characters a token."""
    return max(1, math.ceil(len(text) / 4)) if text else 0


def pieces(text: str) -> list[str]:
    """Stream deltas: a word and its following space at a time, as tokens come."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


def cut_at_stop(text: str, stop: Any) -> tuple[str, bool]:
    """`text` up to the first of the stop sequences (`stop` is a string or a list of them),
    and whether one was met; the sequence itself is not part of the answer."""
    if stop is None:  # the usual request names none
        return text, False
    stops = [stop] if isinstance(stop, str) else stop if isinstance(stop, list) else []
    found = [text.index(s) for s in stops if isinstance(s, str) and s and s in text]
    return (text[: min(found)], True) if found else (text, False)


def within_budget(text: str, limit: Any) -> tuple[str, bool]:
    """`text` cut to `limit` tokens (about four characters each), and whether it was cut.
    A limit that is not an integer means none; one below 0 counts as 0, never a cut from the end."""
    if not isinstance(limit, int) or isinstance(limit, bool) or tokens(text) <= max(0, limit):
        return text, False
    return text[: max(0, limit) * 4], True


def token_logprobs(call: Call, text: str, top: Any) -> list[dict[str, Any]]:
    """Chat `logprobs.content` for `text`: one entry per streamed piece, each with its
    UTF-8 bytes and `top` alternatives (0 to 20), the first being the token itself."""
    rng = content_rng(call, "logprobs", text)
    count = top if isinstance(top, int) and not isinstance(top, bool) and top > 0 else 0
    entries = []
    for piece in pieces(text) if text else []:
        logprob = round(-rng.uniform(0.0, 0.4), 6)
        words = rng.sample(_WORDS, max(0, min(count - 1, len(_WORDS))))
        drops = sorted(rng.uniform(1.0, 8.0) for _ in words)  # alternatives, most likely first
        others = [
            {"token": word, "logprob": round(logprob - drop, 6), "bytes": list(word.encode())}
            for word, drop in zip(words, drops, strict=True)
        ]
        mine = {"token": piece, "logprob": logprob, "bytes": list(piece.encode())}
        entries.append({**mine, "top_logprobs": ([mine, *others] if count else [])})
    return entries


def object_field(fields: dict[str, Any], name: str) -> dict[str, Any]:
    """The field `name` when it is a JSON object; an empty one when it is absent or anything else."""
    value = fields.get(name)
    return value if isinstance(value, dict) else {}


def text_of(content: Any) -> str:
    """The text in a message's content: a string, or parts with `text`."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def schema_instance(schema: Any, depth: int = 0) -> Any:
    """A small value that fits a JSON schema: what structured outputs promise."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return schema_instance(schema[key][0], depth + 1)
    kind: Any = schema.get("type")  # any JSON value: only a string or a list of them means something
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        names = schema.get("required", list(props))
        return {name: schema_instance(props.get(name, {}), depth + 1) for name in names}
    if kind == "array":
        return [schema_instance(schema.get("items", {}), depth + 1)] if schema.get("minItems", 0) else []
    return {"string": "double", "integer": 0, "number": 0, "boolean": False, "null": None}.get(kind, "double")


def colour(*parts: Any) -> tuple[int, int, int]:
    """The colour of a made-up image or video, fixed by what it was asked for."""
    import hashlib  # here: loading OpenSSL costs every command that only reads provider records

    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).digest()
    return digest[0], digest[1], digest[2]


def hex_id(state: State, prefix: str, digits: int = 48) -> str:
    state.counter += 1
    return f"{prefix}{state.rng.getrandbits(digits * 4):0{digits}x}"


def now(call: Call) -> int:
    """The double's clock in whole seconds, drawn as a replayed answer draws it."""
    return SECONDS.draw(call.state)
