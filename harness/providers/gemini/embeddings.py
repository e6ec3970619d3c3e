"""Gemini embeddings: `models/{model}:embedContent` (one content) and
`:batchEmbedContents` (several; what google-genai's `embed_content` always
calls on the Developer API).

A vector is fixed by the double's seed, the model, the task type and the
text, not by call order: the same text embeds the same way every time, as
an app's cache or similarity search expects. Each vector has unit length at
the model's full size; `outputDimensionality` keeps its first N values
without normalising them again, as Google documents for truncated
embeddings (Matryoshka representation learning).
"""

from __future__ import annotations

import math
import random
from typing import Any

from harness.double.call import Call
from harness.double.problem import RequestProblem
from harness.providers.gemini.structured import field

# The full size of each model's vectors; other embedding models default to 768.
DIMENSIONS = {"gemini-embedding-001": 3072}
MAX_BATCH = 100  # requests in one batchEmbedContents call


def _text(content: Any, where: str) -> str:
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list) or not parts:
        raise RequestProblem(400, f"* {where}.parts: contents.parts must not be empty.\n")
    return " ".join(p["text"] for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str))


def vector(seed: int, model: str, request: dict[str, Any], where: str) -> list[float]:
    """The embedding of one EmbedContentRequest."""
    import hashlib  # here: loading OpenSSL costs every command that only reads provider records

    text = _text(request.get("content"), f"{where}.content")
    full = DIMENSIONS.get(model, 768)
    size = field(request, "outputDimensionality")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= full):
        raise RequestProblem(400, f"* {where}.output_dimensionality: must be between 1 and {full}, got {size}.\n")
    task = field(request, "taskType") or ""
    key = hashlib.sha256(f"{seed}\x00{model}\x00{task}\x00{text}".encode()).digest()
    rng = random.Random(key)
    values = [rng.gauss(0.0, 1.0) for _ in range(full)]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [round(v / norm, 8) for v in values[: size or full]]


def embed_content(call: Call, model: str) -> dict[str, Any]:
    """The EmbedContentResponse for one content."""
    body = call.json if isinstance(call.json, dict) else {}
    if "content" not in body:
        raise RequestProblem(400, "* EmbedContentRequest.content: content is not specified\n")
    seed = int(call.state.settings.get("seed", 0))
    return {"embedding": {"values": vector(seed, model, body, "EmbedContentRequest")}}


def batch_embed_contents(call: Call, model: str) -> dict[str, Any]:
    """The BatchEmbedContentsResponse: one embedding per request, in order."""
    body = call.json if isinstance(call.json, dict) else {}
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise RequestProblem(400, "* BatchEmbedContentsRequest.requests: requests is not specified\n")
    if len(requests) > MAX_BATCH:
        raise RequestProblem(
            400, f"* BatchEmbedContentsRequest.requests: at most {MAX_BATCH} requests can be in one batch\n"
        )
    seed = int(call.state.settings.get("seed", 0))
    embeddings = []
    for index, request in enumerate(requests):
        where = f"BatchEmbedContentsRequest.requests[{index}]"
        named = request.get("model") if isinstance(request, dict) else None
        if named is not None and str(named).removeprefix("models/") != model:
            raise RequestProblem(
                400,
                f"* {where}.model: the model of each request must be the model of the batch, models/{model}.\n",
            )
        embeddings.append({"values": vector(seed, model, request if isinstance(request, dict) else {}, where)})
    return {"embeddings": embeddings}
