"""GET /v1/models and /v1/models/{model}: the models the double knows, and their families."""

from __future__ import annotations

import re
from typing import Any

from harness.double.call import Call, Reply
from harness.double.problem import RequestProblem

# The Videos API and every sora-2 model shut down on this date, as OpenAI announced.
SORA_SHUTDOWN = "2026-09-24"

# id -> (family, created, shutdown_date)
MODELS: dict[str, tuple[str, int, str | None]] = {
    **{
        m: ("chat", 1_754_425_777, None)
        for m in ("gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-5-pro", "gpt-5-chat-latest", "gpt-5.1", "gpt-5.2")
    },
    **{m: ("chat", 1_744_316_542, None) for m in ("gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano")},
    **{m: ("chat", 1_715_367_049, None) for m in ("gpt-4o", "gpt-4o-mini", "chatgpt-4o-latest")},
    **{m: ("chat", 1_712_361_441, None) for m in ("gpt-4-turbo", "gpt-4", "gpt-3.5-turbo")},
    **{m: ("chat", 1_734_326_976, None) for m in ("o1", "o1-mini", "o1-pro", "o3", "o3-mini", "o3-pro", "o4-mini")},
    **{m: ("image", 1_698_798_177, None) for m in ("dall-e-2", "dall-e-3")},
    **{
        m: ("image", 1_745_517_030, None)
        for m in ("gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-2", "gpt-image-2-2026-04-21")
    },
    **{
        m: ("moderation", 1_732_734_466, None)
        for m in (
            "omni-moderation-latest",
            "omni-moderation-2024-09-26",
            "text-moderation-latest",
            "text-moderation-stable",
        )
    },
    # Embeddings, transcription and speech: the ids openai-python's EmbeddingModel, AudioModel and
    # SpeechModel list (the audio routes need them served; the model catalogue may replace this).
    **{m: ("embedding", 1_705_953_180, None) for m in ("text-embedding-3-small", "text-embedding-3-large")},
    "text-embedding-ada-002": ("embedding", 1_671_217_299, None),
    **{
        m: ("transcription", 1_742_068_463, None)
        for m in (
            "whisper-1",
            "gpt-transcribe",
            "gpt-4o-transcribe",
            "gpt-4o-mini-transcribe",
            "gpt-4o-mini-transcribe-2025-12-15",
            "gpt-4o-transcribe-diarize",
        )
    },
    **{
        m: ("speech", 1_699_053_241, None)
        for m in ("tts-1", "tts-1-hd", "gpt-4o-mini-tts", "gpt-4o-mini-tts-2025-12-15")
    },
    **{
        m: ("video", 1_759_708_800, SORA_SHUTDOWN)
        for m in ("sora-2", "sora-2-pro", "sora-2-2025-10-06", "sora-2-pro-2025-10-06", "sora-2-2025-12-08")
    },
}
# Dated snapshots (gpt-4o-2024-08-06, gpt-3.5-turbo-0125) and fine-tunes (ft:gpt-4o:org::id) of known models.
_SNAPSHOT = re.compile(r"^(?P<base>.+?)-(\d{4}-\d{2}-\d{2}|\d{4})$")


def model_family(model: str) -> str | None:
    """'chat', 'image', 'moderation', 'video', 'embedding', 'transcription', 'speech', or None
    for a model this double does not know."""
    if model in MODELS:
        return MODELS[model][0]
    if model.startswith("ft:"):
        return model_family(model.split(":")[1]) if model.count(":") >= 1 else None
    m = _SNAPSHOT.match(model)
    return MODELS[m.group("base")][0] if m and m.group("base") in MODELS else None


def model_object(model: str) -> dict[str, Any]:
    _, created, shutdown = MODELS[model]
    return {"id": model, "object": "model", "created": created, "owned_by": "system", "shutdown_date": shutdown}


def list_models(call: Call) -> Reply:
    return Reply(json={"object": "list", "data": [model_object(m) for m in MODELS]})


def get_model(call: Call) -> Reply:
    model = call.params["model"]
    if model not in MODELS:
        raise RequestProblem(404, f"The model '{model}' does not exist", param="model", code="model_not_found")
    return Reply(json=model_object(model))
