"""POST /v1/images/generations: DALL·E (URLs or base64) and gpt-image (base64, usage,
streamed partial images). The images are real 16x16 pictures in a colour of the prompt's."""

from __future__ import annotations

import base64
import json
from typing import Any

from harness import sse
from harness.double import media
from harness.double.call import Call, Reply
from harness.providers.openai.content import colour, excerpt, now, tokens
from harness.providers.openai.errors import check_model, invalid, invalid_type, json_fields, missing, out_of_range

_SIZES = {
    "dall-e-2": ("256x256", "512x512", "1024x1024"),
    "dall-e-3": ("1024x1024", "1792x1024", "1024x1792"),
}
_GPT_IMAGE_SIZES = ("auto", "1024x1024", "1536x1024", "1024x1536")
_FORMATS = ("png", "jpeg", "webp")


def generate_image(call: Call) -> Reply:
    body = json_fields(call)
    prompt = body.get("prompt")
    if prompt is None:
        raise missing("prompt")
    if not isinstance(prompt, str):
        raise invalid_type("prompt", "a string", prompt)
    model = check_model(body, "image", default="dall-e-2")
    gpt_image = model.startswith("gpt-image")
    n = 1 if body.get("n") is None else body["n"]  # null is the default, as the spec allows
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10:
        raise out_of_range("n", 1, 10, n)
    sizes = _GPT_IMAGE_SIZES if gpt_image else _SIZES.get(model.split("-20")[0], _SIZES["dall-e-2"])
    size = ("auto" if gpt_image else "1024x1024") if body.get("size") is None else body["size"]
    if size not in sizes:
        raise invalid("size", size, sizes)
    output_format = body.get("output_format", "png")
    if output_format not in _FORMATS:
        raise invalid("output_format", output_format, _FORMATS)
    rgb = colour(call.state.settings.get("seed", 0), model, prompt)
    # JPEG is not made here; a PNG stands in for it (decoders sniff the bytes).
    image = media.webp(16, 16, rgb) if output_format == "webp" else media.png(16, 16, rgb)
    encoded = base64.b64encode(image).decode()
    created = now(call)
    if gpt_image:
        quality = {"auto": "medium", "standard": "medium", "hd": "high"}.get(
            body.get("quality", "auto"), body.get("quality", "medium")
        )
        text_tokens = tokens(prompt)
        usage = {
            "input_tokens": text_tokens,
            "input_tokens_details": {"image_tokens": 0, "text_tokens": text_tokens},
            "output_tokens": 1056 * n,
            "total_tokens": text_tokens + 1056 * n,
            "output_tokens_details": {"image_tokens": 1056 * n, "text_tokens": 0},
        }
        shape = {
            "background": "opaque",
            "output_format": output_format,
            "quality": quality,
            "size": "1024x1024" if size == "auto" else size,
        }
        if body.get("stream"):
            return Reply(events=_stream(body, encoded, created, shape, usage))
        return Reply(
            json={"created": created, "data": [{"b64_json": encoded} for _ in range(n)], **shape, "usage": usage}
        )
    as_url = body.get("response_format", "url") == "url"
    item: dict[str, Any] = {"url": f"data:image/png;base64,{encoded}"} if as_url else {"b64_json": encoded}
    if model.startswith("dall-e-3"):
        item["revised_prompt"] = excerpt(prompt, 400)
    return Reply(json={"created": created, "data": [dict(item) for _ in range(n)]})


def _stream(
    body: dict[str, Any], encoded: str, created: int, shape: dict[str, Any], usage: dict[str, Any]
) -> list[sse.Event]:
    """`partial_images` partial frames (0-3), then the finished image with usage."""
    partials = body.get("partial_images") or 0
    partials = partials if isinstance(partials, int) and 0 <= partials <= 3 else 0

    def event(kind: str, **fields: Any) -> sse.Event:
        data = {"type": kind, "b64_json": encoded, "created_at": created, **shape, **fields}
        return sse.Event(event=kind, data=json.dumps(data, separators=(",", ":")))

    return [event("image_generation.partial_image", partial_image_index=i) for i in range(partials)] + [
        event("image_generation.completed", usage=usage)
    ]
