"""POST /v1/embeddings: unit vectors fixed by the seed, the model and the input.

A vector is drawn at the model's full size and normalised; `dimensions` keeps
its first N values and normalises again, which is how OpenAI shortens its
text-embedding-3 vectors. `encoding_format: base64` sends the float32 bytes,
little-endian, as openai-python decodes them.
"""

from __future__ import annotations

import base64
import math
import struct
from typing import Any

from harness.double.call import Call, Reply
from harness.double.problem import RequestProblem
from harness.providers.openai.content import content_rng, tokens
from harness.providers.openai.errors import check_model, invalid, json_fields, missing, out_of_range

# The length of each model's vector, as OpenAI's embeddings guide gives them.
SIZES = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072, "text-embedding-ada-002": 1536}
_FORMATS = ("float", "base64")
_INVALID_INPUT = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."


def _inputs(value: Any) -> list[str | list[int]]:
    """The inputs one request embeds: a string, strings, a token array or token arrays."""

    def is_tokens(item: Any) -> bool:
        return (
            isinstance(item, list) and bool(item) and all(isinstance(t, int) and not isinstance(t, bool) for t in item)
        )

    if isinstance(value, str) and value:
        return [value]
    if is_tokens(value):
        return [value]
    if isinstance(value, list) and 0 < len(value) <= 2048:
        if all(isinstance(item, str) and item for item in value) or all(is_tokens(item) for item in value):
            return list(value)
    raise RequestProblem(400, _INVALID_INPUT)


def _vector(call: Call, model: str, item: str | list[int], native: int, size: int) -> list[float]:
    rng = content_rng(call, "embedding", model, item)
    full = [rng.gauss(0.0, 1.0) for _ in range(native)][:size]
    norm = math.sqrt(sum(x * x for x in full)) or 1.0
    return [x / norm for x in full]


def embeddings(call: Call) -> Reply:
    body = json_fields(call)
    for name in ("model", "input"):
        if body.get(name) is None:
            raise missing(name)
    model = check_model(body, "embedding")
    items = _inputs(body["input"])
    native = SIZES.get(model.split("-20")[0], 1536)
    size = body.get("dimensions")
    if size is None:
        size = native
    elif not model.startswith("text-embedding-3"):
        raise RequestProblem(400, "This model does not support specifying dimensions.", param="dimensions")
    elif isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= native:
        raise out_of_range("dimensions", 1, native, size)
    encoding = body.get("encoding_format") or "float"
    if encoding not in _FORMATS:
        raise invalid("encoding_format", encoding, _FORMATS)
    data = []
    for index, item in enumerate(items):
        vector = _vector(call, model, item, native, size)
        packed = struct.pack(f"<{len(vector)}f", *vector)
        value: Any = (
            base64.b64encode(packed).decode()
            if encoding == "base64"
            else list(struct.unpack(f"<{len(vector)}f", packed))
        )
        data.append({"object": "embedding", "index": index, "embedding": value})
    used = sum(len(item) if isinstance(item, list) else tokens(item) for item in items)
    return Reply(
        json={"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": used, "total_tokens": used}}
    )
