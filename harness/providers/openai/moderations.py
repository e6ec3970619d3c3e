"""POST /v1/moderations: thirteen categories, flagged when a text holds a trigger word."""

from __future__ import annotations

from typing import Any

from harness.double.call import Call, Reply
from harness.providers.openai.content import content_rng, hex_id
from harness.providers.openai.errors import check_model, invalid_type, json_fields, missing

CATEGORIES = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)
_IMAGE_CATEGORIES = {
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "violence",
    "violence/graphic",
}
# Words that make the double flag a text: enough for an app to rehearse a flagged input.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "violence": ("kill", "murder", "attack", "stab"),
    "violence/graphic": ("gore", "dismember"),
    "harassment": ("idiot", "loser"),
    "harassment/threatening": ("i will hurt you",),
    "hate": ("subhuman",),
    "self-harm": ("hurt myself", "suicide"),
    "self-harm/intent": ("i want to die",),
    "illicit": ("shoplift", "counterfeit"),
    "illicit/violent": ("build a bomb",),
    "sexual": ("explicit sex",),
}


def classify(call: Call, text: str, images: int = 0) -> dict[str, Any]:
    lowered = text.lower()
    rng = content_rng(call, "moderation", text)
    flags = {c: any(w in lowered for w in TRIGGERS.get(c, ())) for c in CATEGORIES}
    scores = {
        c: round(rng.uniform(0.9, 0.99), 6) if flags[c] else round(rng.uniform(1e-6, 2e-3), 9) for c in CATEGORIES
    }
    kinds = {
        c: (["text"] if text else []) + (["image"] if images and c in _IMAGE_CATEGORIES else []) for c in CATEGORIES
    }
    return {
        "flagged": any(flags.values()),
        "categories": flags,
        "category_scores": scores,
        "category_applied_input_types": kinds,
    }


def moderations(call: Call) -> Reply:
    body = json_fields(call)
    if "input" not in body:
        raise missing("input")
    model = check_model(body, "moderation", default="omni-moderation-latest")
    value = body["input"]
    if isinstance(value, str):
        results = [classify(call, value)]
    elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        results = [classify(call, v) for v in value]
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        text = " ".join(v.get("text", "") for v in value if v.get("type") == "text")
        images = sum(1 for v in value if v.get("type") == "image_url")
        results = [classify(call, text, images)]
    else:
        raise invalid_type("input", "a string, an array of strings or an array of objects", value)
    return Reply(json={"id": hex_id(call.state, "modr-", 32), "model": model, "results": results})
