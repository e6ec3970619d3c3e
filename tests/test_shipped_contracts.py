"""The contracts shipped (the provider baselines in harness/baselines/, the examples
in contracts/) load, accept what the providers really send,
and reject a drifted answer at the right place.

Good answers are built from the provider facts in docs/providers.md (field names,
enums, envelopes); each bad answer changes one thing and names where the violation
must point.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import pytest

from harness.contracts import baselines, check, load, load_path
from harness.exchange import Exchange, Request, Response

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"
SUFFIXES = (".yaml", ".yml", ".json")
# The baselines are package data; contracts/providers is a symlink to them, which rglob does not follow.
# contracts/scenarios/ holds chaos scenario files beside the contracts they rehearse; they are not contracts.
FILES = sorted(p for p in baselines.folder().rglob("*") if p.suffix in SUFFIXES) + sorted(
    p
    for p in CONTRACTS.rglob("*")
    if p.suffix in SUFFIXES and p.relative_to(CONTRACTS).parts[0] not in ("scenarios", "providers")
)


def shipped(path: Path) -> str:
    """The name the cases below give a shipped file: providers/openai/videos, examples/clipstudio."""
    if path.is_relative_to(baselines.folder()):
        return str(Path("providers") / path.relative_to(baselines.folder()).with_suffix(""))
    return str(path.relative_to(CONTRACTS).with_suffix(""))


HOSTS = {
    "openai": "https://api.openai.com",
    "anthropic": "https://api.anthropic.com",
    "gemini": "https://generativelanguage.googleapis.com",
    "azure_openai": "https://contoso.openai.azure.com",
}


@cache
def contract(name: str):
    return load(CONTRACTS / f"{name}.yaml")


# -- building exchanges -------------------------------------------------------


@dataclass(frozen=True)
class Call:
    contract: str  # path under contracts/, without .yaml
    method: str
    path: str
    status: int = 200
    body: object = None  # JSON body; or a list of SSE events when `events` is True
    events: bool = False
    headers: tuple = ()
    content_type: str = "application/json"
    raw: bytes | None = None

    def exchange(self, provider: str) -> Exchange:
        if self.events:
            body = b"".join(_frame(e) for e in self.body)
            content_type = "text/event-stream"
        elif self.raw is not None:
            body, content_type = self.raw, self.content_type
        else:
            body, content_type = json.dumps(self.body).encode(), self.content_type
        response = Response(status=self.status, headers=(("content-type", content_type),) + self.headers, body=body)
        return Exchange(Request(method=self.method, url=HOSTS[provider] + self.path), response, provider=provider)


def _frame(event) -> bytes:
    """("name", data) -> `event:` + `data:`; bare data -> a data-only event."""
    name, data = event if isinstance(event, tuple) else (None, event)
    text = data if isinstance(data, str) else json.dumps(data)
    return (f"event: {name}\n" if name else "").encode() + f"data: {text}\n\n".encode()


def run(call: Call):
    c = contract(call.contract)
    return check(c, [call.exchange(c.provider)])


def edit(document, pointer: str, value=...):
    """A deep copy with the value at `pointer` replaced, or removed when no value is given."""
    out = copy.deepcopy(document)
    *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]
    node = out
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key = int(last) if isinstance(node, list) else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return out


# -- realistic answers (docs/providers.md) ------------------------------------

OPENAI_HEADERS = (
    ("x-request-id", "req_8c1f0a6b2d3e4f5a"),
    ("x-ratelimit-limit-requests", "5000"),
    ("x-ratelimit-remaining-requests", "4999"),
    ("x-ratelimit-reset-requests", "12ms"),
    ("x-ratelimit-limit-tokens", "30000"),
    ("x-ratelimit-remaining-tokens", "29937"),
    ("x-ratelimit-reset-tokens", "6m0s"),
)


def openai_error(message, type_, code, param=None):
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


CHAT = {
    "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
    "object": "chat.completion",
    "created": 1741569952,
    "model": "gpt-4o-mini-2024-07-18",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Ready.", "refusal": None, "annotations": []},
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": {
        "prompt_tokens": 14,
        "completion_tokens": 2,
        "total_tokens": 16,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    },
    "service_tier": "default",
    "system_fingerprint": "fp_06737a9306",
}


def chunk(delta, finish=None, **extra):
    return {
        "id": "chatcmpl-B9MBs8",
        "object": "chat.completion.chunk",
        "created": 1741569952,
        "model": "gpt-4o-mini-2024-07-18",
        "system_fingerprint": "fp_06737a9306",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        "usage": None,
        **extra,
    }


CHAT_STREAM = [
    chunk({"role": "assistant", "content": "", "refusal": None}),
    chunk({"content": "Ready"}),
    chunk({"content": "."}),
    chunk({}, "stop"),
    {**chunk({}), "choices": [], "usage": {"prompt_tokens": 14, "completion_tokens": 2, "total_tokens": 16}},
    "[DONE]",
]

RESPONSE = {
    "id": "resp_67ccd2bed1ec8190b14f964abc054267",
    "object": "response",
    "created_at": 1741476542,
    "status": "completed",
    "completed_at": 1741476543,
    "error": None,
    "incomplete_details": None,
    "instructions": None,
    "max_output_tokens": 16,
    "model": "gpt-4o-mini-2024-07-18",
    "output": [
        {
            "type": "message",
            "id": "msg_67ccd2bf17f0",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Ready.", "annotations": [], "logprobs": []}],
        }
    ],
    "parallel_tool_calls": True,
    "temperature": 1.0,
    "top_p": 1.0,
    "tool_choice": "auto",
    "tools": [],
    "metadata": {},
    "usage": {
        "input_tokens": 12,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": 3,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 15,
    },
}


def responses_stream(final="response.completed", final_response=None):
    started = {**RESPONSE, "status": "in_progress", "completed_at": None, "output": [], "usage": None}
    item = {"type": "message", "id": "msg_67ccd2bf17f0", "status": "in_progress", "role": "assistant", "content": []}
    part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
    ids = {"item_id": "msg_67ccd2bf17f0", "output_index": 0, "content_index": 0}
    events = [
        ("response.created", {"response": started}),
        ("response.in_progress", {"response": started}),
        ("response.output_item.added", {"output_index": 0, "item": item}),
        ("response.content_part.added", {**ids, "part": part}),
        ("response.output_text.delta", {**ids, "delta": "Ready", "logprobs": []}),
        ("response.output_text.delta", {**ids, "delta": ".", "logprobs": []}),
        ("response.output_text.done", {**ids, "text": "Ready.", "logprobs": []}),
        ("response.content_part.done", {**ids, "part": {**part, "text": "Ready."}}),
        ("response.output_item.done", {"output_index": 0, "item": RESPONSE["output"][0]}),
        (final, {"response": final_response or RESPONSE}),
    ]
    return [(name, {"type": name, "sequence_number": i, **data}) for i, (name, data) in enumerate(events)]


IMAGE = {
    "created": 1713833628,
    "data": [
        {"b64_json": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="}
    ],
    "background": "opaque",
    "output_format": "png",
    "size": "1024x1024",
    "quality": "low",
    "usage": {
        "input_tokens": 50,
        "output_tokens": 272,
        "total_tokens": 322,
        "input_tokens_details": {"text_tokens": 50, "image_tokens": 0},
    },
}

CATEGORIES = [
    "hate",
    "hate/threatening",
    "harassment",
    "harassment/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
]
MODERATION = {
    "id": "modr-970d409ef3bef3b70c73d8232df86e7d",
    "model": "omni-moderation-latest",
    "results": [
        {
            "flagged": False,
            "categories": {
                k: (None if k.startswith("illicit") and k.endswith("violent") else False) for k in CATEGORIES
            },
            "category_scores": {k: 1.2e-05 for k in CATEGORIES},
            "category_applied_input_types": {k: ["text"] for k in CATEGORIES},
        }
    ],
}

EMBEDDINGS = {
    "object": "list",
    "data": [{"object": "embedding", "index": 0, "embedding": [0.0023064255, -0.009327292, 0.015797347]}],
    "model": "text-embedding-3-small",
    "usage": {"prompt_tokens": 8, "total_tokens": 8},
}
TRANSCRIPTION = {"text": "The fox crossed the field.", "usage": {"type": "duration", "seconds": 3}}
AZURE_CHAT = {
    "id": "chatcmpl-AZ1",
    "object": "chat.completion",
    "created": 1741569952,
    "model": "gpt-4o-mini-2024-07-18",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "ready"},
            "finish_reason": "stop",
            "content_filter_results": {"hate": {"filtered": False, "severity": "safe"}},
        }
    ],
    "usage": {"prompt_tokens": 12, "completion_tokens": 1, "total_tokens": 13},
    "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {}}],
}
AZURE_DEPLOYMENT = "/openai/deployments/gpt-4o-mini"

MODELS = {
    "object": "list",
    "data": [
        {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"},
        {
            "id": "gpt-4o-2024-05-13",
            "object": "model",
            "created": 1715368132,
            "owned_by": "system",
            "shutdown_date": "2026-10-23",
        },
        {"id": "sora-2", "object": "model", "created": 1759708800, "owned_by": "system", "shutdown_date": None},
    ],
}


def video(status="queued", **changes):
    base = {
        "id": "video_68e4b1f2c6a08190",
        "object": "video",
        "model": "sora-2",
        "status": status,
        "progress": {"queued": 0, "in_progress": 42}.get(status, 100),
        "created_at": 1759938772,
        "completed_at": 1759938901 if status in ("completed", "failed") else None,
        "expires_at": 1760025301 if status == "completed" else None,
        "prompt": "A red fox trotting across fresh snow at dawn",
        "size": "720x1280",
        "seconds": "4",
        "remixed_from_video_id": None,
        "error": None,
    }
    return {**base, **changes}


BLOCKED_VIDEO = video(
    "failed", error={"code": "moderation_blocked", "message": "Your request was blocked by our moderation system."}
)
SENTINEL = {
    "error": {
        "message": "Hmmm something didn't look right with your request. Please try again later.",
        "type": "invalid_request_error",
        "param": None,
        "code": "sentinel_block",
    }
}
SORA_HEADERS = (
    ("x-request-id", "req_5d2c7e"),
    ("openai-poll-after-ms", "2000"),
    ("deprecation", "@1774310400"),
    ("sunset", "Thu, 24 Sep 2026 00:00:00 GMT"),
)

MESSAGE = {
    "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
    "type": "message",
    "role": "assistant",
    "content": [{"type": "text", "text": "Ready."}],
    "model": "claude-haiku-4-5-20251001",
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {
        "input_tokens": 14,
        "output_tokens": 4,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "service_tier": "standard",
    },
}


def anthropic_stream(end=("message_stop", {"type": "message_stop"})):
    start = {**MESSAGE, "content": [], "stop_reason": None, "usage": {"input_tokens": 14, "output_tokens": 1}}
    events = [
        ("message_start", {"type": "message_start", "message": start}),
        (
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ),
        ("ping", {"type": "ping"}),
        (
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Ready"}},
        ),
        (
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "."}},
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 4},
            },
        ),
    ]
    return events + ([end] if end else [])


def anthropic_error(type_, message):
    return {"type": "error", "error": {"type": type_, "message": message}, "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"}


ANTHROPIC_HEADERS = (
    ("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy"),
    ("anthropic-ratelimit-requests-limit", "50"),
    ("anthropic-ratelimit-requests-remaining", "49"),
    ("anthropic-ratelimit-requests-reset", "2026-08-21T12:00:01Z"),
    ("anthropic-ratelimit-input-tokens-reset", "2026-08-21T12:00:01Z"),
)
ANTHROPIC_MODELS = {
    "data": [
        {
            "id": "claude-haiku-4-5-20251001",
            "type": "model",
            "display_name": "Claude Haiku 4.5",
            "created_at": "2025-10-15T00:00:00Z",
            "lifecycle": "active",
        }
    ],
    "has_more": False,
    "first_id": "claude-haiku-4-5-20251001",
    "last_id": "claude-haiku-4-5-20251001",
}

ANTHROPIC_TOOL_USE = {
    **MESSAGE,
    "content": [
        {
            "type": "tool_use",
            "id": "toolu_01A09q90qw90lq917835lq9",
            "name": "get_weather",
            "input": {"city": "Paris", "unit": "celsius"},
        }
    ],
    "stop_reason": "tool_use",
}


def anthropic_tool_stream():
    start = {**MESSAGE, "content": [], "stop_reason": None, "usage": {"input_tokens": 14, "output_tokens": 1}}
    block = {**ANTHROPIC_TOOL_USE["content"][0], "input": {}}
    pieces = ['{"city": ', '"Paris", "unit": "celsius"}']
    return [
        ("message_start", {"type": "message_start", "message": start}),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": block}),
        ("ping", {"type": "ping"}),
        *[
            (
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": p}},
            )
            for p in pieces
        ],
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                "usage": {"output_tokens": 12},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]


GEMINI = {
    "candidates": [
        {
            "content": {"role": "model", "parts": [{"text": "Ready."}]},
            "finishReason": "STOP",
            "index": 0,
            "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}],
        }
    ],
    "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 2, "totalTokenCount": 10},
    "modelVersion": "gemini-2.5-flash",
    "responseId": "mfKnaMPmL9Kx1dkP2c7a4QM",
}
GEMINI_FUNCTION_CALL = edit(
    GEMINI, "/candidates/0/content/parts", [{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}]
)
GEMINI_EMBEDDINGS = {"embeddings": [{"values": [0.0123, -0.0456, 0.0789]}, {"values": [-0.0321, 0.0654, 0.0987]}]}
GEMINI_BLOCKED = {
    "promptFeedback": {
        "blockReason": "SAFETY",
        "safetyRatings": [{"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": True}],
    },
    "usageMetadata": {"promptTokenCount": 9, "totalTokenCount": 9},
    "modelVersion": "gemini-2.5-flash",
}
GEMINI_STREAM = [
    {
        "candidates": [{"content": {"role": "model", "parts": [{"text": "One, two"}]}, "index": 0}],
        "usageMetadata": {"promptTokenCount": 6, "totalTokenCount": 6},
        "modelVersion": "gemini-2.5-flash",
    },
    {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": ", three, four, five."}]},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": {"promptTokenCount": 6, "candidatesTokenCount": 12, "totalTokenCount": 18},
        "modelVersion": "gemini-2.5-flash",
    },
]
QUOTA = {
    "error": {
        "code": 429,
        "message": "You exceeded your current quota, please check your plan and billing details.",
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [{"quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}],
            },
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"},
        ],
    }
}

OPERATION = "models/veo-3.1-generate-preview/operations/8c1mxq4dbb2f"
VEO_RUNNING = {
    "name": OPERATION,
    "metadata": {"@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningMetadata"},
}
VEO_DONE = {
    "name": OPERATION,
    "done": True,
    "response": {
        "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
        "generateVideoResponse": {
            "generatedSamples": [
                {
                    "video": {
                        "uri": "https://generativelanguage.googleapis.com/v1beta/files/3k5w0rz9l1ab:download?alt=media"
                    }
                }
            ]
        },
    },
}
VEO_FILTERED = {
    "name": OPERATION,
    "done": True,
    "response": {
        "generateVideoResponse": {
            "raiMediaFilteredCount": 1,
            "raiMediaFilteredReasons": ["Unable to generate videos because the prompt may violate our policies."],
        }
    },
}

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


# -- the cases -----------------------------------------------------------------

CHAT_PATH = "/v1/chat/completions"
GOOD = {
    # openai/chat-completions
    "chat plain": Call("providers/openai/chat-completions", "POST", CHAT_PATH, body=CHAT, headers=OPENAI_HEADERS),
    "chat stream with usage chunk": Call(
        "providers/openai/chat-completions", "POST", CHAT_PATH, body=CHAT_STREAM, events=True
    ),
    "chat refusal": Call(
        "providers/openai/chat-completions",
        "POST",
        CHAT_PATH,
        body=edit(
            edit(CHAT, "/choices/0/message/content", None),
            "/choices/0/message/refusal",
            "I'm sorry, I can't help with that.",
        ),
    ),
    "chat content filter": Call(
        "providers/openai/chat-completions",
        "POST",
        CHAT_PATH,
        body=edit(CHAT, "/choices/0/finish_reason", "content_filter"),
    ),
    "chat 429 rate limit": Call(
        "providers/openai/chat-completions",
        "POST",
        CHAT_PATH,
        status=429,
        body=openai_error(
            "Rate limit reached for gpt-4o in organization org-abc on tokens per "
            "min (TPM): Limit 30000, Used 29937, Requested 385. Please try again "
            "in 644ms.",
            "tokens",
            "rate_limit_exceeded",
        ),
        headers=(("retry-after", "1"), ("retry-after-ms", "644")) + OPENAI_HEADERS,
    ),
    "chat 429 quota": Call(
        "providers/openai/chat-completions",
        "POST",
        CHAT_PATH,
        status=429,
        body=openai_error(
            "You exceeded your current quota, please check your plan and billing details.",
            "insufficient_quota",
            "insufficient_quota",
        ),
    ),
    "chat 404 shut-down model": Call(
        "providers/openai/chat-completions",
        "POST",
        CHAT_PATH,
        status=404,
        body=openai_error(
            "The model `gpt-3.5-turbo-1106` has been deprecated, learn more "
            "here: https://platform.openai.com/docs/deprecations",
            "invalid_request_error",
            "model_not_found",
        ),
    ),
    "chat error mid-stream": Call(
        "providers/openai/chat-completions",
        "POST",
        CHAT_PATH,
        events=True,
        body=CHAT_STREAM[:2]
        + [{"error": {"message": "The server had an error.", "type": "server_error", "code": None}}],
    ),
    # openai/responses
    "responses plain": Call(
        "providers/openai/responses", "POST", "/v1/responses", body=RESPONSE, headers=OPENAI_HEADERS
    ),
    "responses stream": Call(
        "providers/openai/responses", "POST", "/v1/responses", body=responses_stream(), events=True
    ),
    "responses stream incomplete": Call(
        "providers/openai/responses",
        "POST",
        "/v1/responses",
        events=True,
        body=responses_stream(
            "response.incomplete",
            {**RESPONSE, "status": "incomplete", "incomplete_details": {"reason": "max_output_tokens"}},
        ),
    ),
    "responses stream error event": Call(
        "providers/openai/responses",
        "POST",
        "/v1/responses",
        events=True,
        body=responses_stream()[:4]
        + [
            (
                "error",
                {
                    "type": "error",
                    "code": "server_error",
                    "message": "An error occurred.",
                    "param": None,
                    "sequence_number": 4,
                },
            )
        ],
    ),
    "responses refusal": Call(
        "providers/openai/responses",
        "POST",
        "/v1/responses",
        body=edit(RESPONSE, "/output/0/content/0", {"type": "refusal", "refusal": "I can't help with that."}),
    ),
    "responses retrieve background": Call(
        "providers/openai/responses",
        "GET",
        "/v1/responses/resp_67ccd2bed1ec",
        body={**RESPONSE, "status": "queued", "output": [], "usage": None},
    ),
    # openai/images
    "images b64": Call("providers/openai/images", "POST", "/v1/images/generations", body=IMAGE),
    "images dall-e url": Call(
        "providers/openai/images",
        "POST",
        "/v1/images/generations",
        body={
            "created": 1713833628,
            "data": [
                {
                    "url": "https://oaidalleapiprodscus.blob.core.windows.net/x.png",
                    "revised_prompt": "A watercolour lighthouse.",
                }
            ],
        },
    ),
    "images stream": Call(
        "providers/openai/images",
        "POST",
        "/v1/images/generations",
        events=True,
        body=[
            (
                "image_generation.partial_image",
                {
                    "type": "image_generation.partial_image",
                    "b64_json": "iVBO",
                    "partial_image_index": 0,
                    "created_at": 1713833628,
                    "size": "1024x1024",
                    "quality": "low",
                    "background": "opaque",
                    "output_format": "png",
                },
            ),
            (
                "image_generation.completed",
                {
                    "type": "image_generation.completed",
                    "b64_json": "iVBORw0K",
                    "created_at": 1713833630,
                    "size": "1024x1024",
                    "quality": "low",
                    "background": "opaque",
                    "output_format": "png",
                    "usage": {"input_tokens": 50, "output_tokens": 272, "total_tokens": 322},
                },
            ),
        ],
    ),
    "images moderation_blocked": Call(
        "providers/openai/images",
        "POST",
        "/v1/images/generations",
        status=400,
        body={
            "error": {
                "message": "Your request was rejected by the safety system. safety_violations=[sexual].",
                "type": "image_generation_user_error",
                "param": None,
                "code": "moderation_blocked",
                "moderation_details": {"moderation_stage": "input", "categories": ["sexual"]},
            }
        },
    ),
    "images content_policy_violation": Call(
        "providers/openai/images",
        "POST",
        "/v1/images/generations",
        status=400,
        body=openai_error(
            "Your request was rejected as a result of our safety system.",
            "invalid_request_error",
            "content_policy_violation",
        ),
    ),
    # openai/embeddings, openai/audio-transcriptions, openai/audio-speech
    "embeddings": Call("providers/openai/embeddings", "POST", "/v1/embeddings", body=EMBEDDINGS),
    "embeddings base64": Call(
        "providers/openai/embeddings",
        "POST",
        "/v1/embeddings",
        body=edit(EMBEDDINGS, "/data/0/embedding", "AAAAPwAAgD8="),
    ),
    "transcription": Call(
        "providers/openai/audio-transcriptions", "POST", "/v1/audio/transcriptions", body=TRANSCRIPTION
    ),
    "transcription stream": Call(
        "providers/openai/audio-transcriptions",
        "POST",
        "/v1/audio/transcriptions",
        events=True,
        body=[
            {"type": "transcript.text.delta", "delta": "The fox"},
            {"type": "transcript.text.done", "text": "The fox", "usage": {"type": "tokens", "input_tokens": 1}},
        ],
    ),
    "speech": Call(
        "providers/openai/audio-speech", "POST", "/v1/audio/speech", raw=b"\xff\xfb\x90\x64", content_type="audio/mpeg"
    ),
    # azure_openai/chat-completions, azure_openai/embeddings
    "azure chat": Call(
        "providers/azure_openai/chat-completions",
        "POST",
        AZURE_DEPLOYMENT + "/chat/completions?api-version=2024-10-21",
        body=AZURE_CHAT,
    ),
    "azure chat stream": Call(
        "providers/azure_openai/chat-completions",
        "POST",
        AZURE_DEPLOYMENT + "/chat/completions?api-version=2024-10-21",
        events=True,
        body=[{"choices": [], "prompt_filter_results": []}, {"choices": [{"delta": {"content": "ready"}}]}, "[DONE]"],
    ),
    "azure api version missing": Call(
        "providers/azure_openai/chat-completions",
        "POST",
        AZURE_DEPLOYMENT + "/chat/completions",
        status=404,
        body={"error": {"code": "404", "message": "Resource not found"}},
    ),
    "azure embeddings": Call(
        "providers/azure_openai/embeddings",
        "POST",
        "/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21",
        body=EMBEDDINGS,
    ),
    # openai/moderations
    "moderations": Call("providers/openai/moderations", "POST", "/v1/moderations", body=MODERATION),
    # openai/models
    "models list": Call("providers/openai/models", "GET", "/v1/models", body=MODELS),
    "models retrieve": Call("providers/openai/models", "GET", "/v1/models/gpt-4o-2024-05-13", body=MODELS["data"][1]),
    "models retrieve shut down": Call(
        "providers/openai/models",
        "GET",
        "/v1/models/gpt-3.5-turbo-1106",
        status=404,
        body=openai_error(
            "The model `gpt-3.5-turbo-1106` does not exist or you do not have access to it.",
            "invalid_request_error",
            "model_not_found",
        ),
    ),
    # openai/videos
    "videos create": Call("providers/openai/videos", "POST", "/v1/videos", body=video(), headers=SORA_HEADERS),
    "videos retrieve completed": Call(
        "providers/openai/videos",
        "GET",
        "/v1/videos/video_68e4b1f2c6a08190",
        body=video("completed"),
        headers=SORA_HEADERS,
    ),
    "videos retrieve moderation blocked": Call(
        "providers/openai/videos", "GET", "/v1/videos/video_68e4b1f2c6a08190", body=BLOCKED_VIDEO
    ),
    "videos list": Call(
        "providers/openai/videos",
        "GET",
        "/v1/videos?limit=10",
        body={
            "object": "list",
            "data": [video("completed")],
            "first_id": "video_68e4b1f2c6a08190",
            "last_id": "video_68e4b1f2c6a08190",
            "has_more": False,
        },
    ),
    "videos delete": Call(
        "providers/openai/videos",
        "DELETE",
        "/v1/videos/video_68e4b1f2c6a08190",
        body={"id": "video_68e4b1f2c6a08190", "object": "video.deleted", "deleted": True},
    ),
    "videos content": Call(
        "providers/openai/videos",
        "GET",
        "/v1/videos/video_68e4b1f2c6a08190/content?variant=video",
        raw=MP4,
        content_type="video/mp4",
    ),
    "videos remix": Call(
        "providers/openai/videos",
        "POST",
        "/v1/videos/video_68e4b1f2c6a08190/remix",
        body=video(id="video_68e4c0a1", remixed_from_video_id="video_68e4b1f2c6a08190"),
    ),
    "videos sentinel_block": Call("providers/openai/videos", "POST", "/v1/videos", status=400, body=SENTINEL),
    "videos 404 unknown id": Call(
        "providers/openai/videos",
        "GET",
        "/v1/videos/video_nope",
        status=404,
        body=openai_error("Video with id 'video_nope' not found.", "invalid_request_error", None, "video_id"),
    ),
    # anthropic/messages
    "anthropic plain": Call(
        "providers/anthropic/messages", "POST", "/v1/messages", body=MESSAGE, headers=ANTHROPIC_HEADERS
    ),
    "anthropic stream": Call(
        "providers/anthropic/messages", "POST", "/v1/messages", body=anthropic_stream(), events=True
    ),
    "anthropic refusal": Call(
        "providers/anthropic/messages",
        "POST",
        "/v1/messages",
        body={
            **MESSAGE,
            "stop_reason": "refusal",
            "stop_details": {"type": "refusal", "category": "cyber", "explanation": "…"},
        },
    ),
    "anthropic overloaded mid-stream": Call(
        "providers/anthropic/messages",
        "POST",
        "/v1/messages",
        events=True,
        body=anthropic_stream(end=None)[:4] + [("error", anthropic_error("overloaded_error", "Overloaded"))],
    ),
    "anthropic 529": Call(
        "providers/anthropic/messages",
        "POST",
        "/v1/messages",
        status=529,
        body=anthropic_error("overloaded_error", "Overloaded"),
    ),
    "anthropic 429": Call(
        "providers/anthropic/messages",
        "POST",
        "/v1/messages",
        status=429,
        body=anthropic_error(
            "rate_limit_error",
            "This request would exceed the rate limit for your organization of 40,000 input tokens per minute.",
        ),
        headers=(("retry-after", "12"),) + ANTHROPIC_HEADERS,
    ),
    "anthropic 413": Call(
        "providers/anthropic/messages",
        "POST",
        "/v1/messages",
        status=413,
        body=anthropic_error("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    ),
    "anthropic models": Call("providers/anthropic/messages", "GET", "/v1/models", body=ANTHROPIC_MODELS),
    # gemini/generate-content
    "gemini plain": Call(
        "providers/gemini/generate-content", "POST", "/v1beta/models/gemini-2.5-flash:generateContent", body=GEMINI
    ),
    "gemini blocked prompt": Call(
        "providers/gemini/generate-content",
        "POST",
        "/v1beta/models/gemini-2.5-flash:generateContent",
        body=GEMINI_BLOCKED,
    ),
    "gemini stream": Call(
        "providers/gemini/generate-content",
        "POST",
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        body=GEMINI_STREAM,
        events=True,
    ),
    "gemini 429": Call(
        "providers/gemini/generate-content",
        "POST",
        "/v1beta/models/gemini-2.5-flash:generateContent",
        status=429,
        body=QUOTA,
    ),
    "gemini 400 bad key": Call(
        "providers/gemini/generate-content",
        "POST",
        "/v1beta/models/gemini-2.5-flash:generateContent",
        status=400,
        body={
            "error": {
                "code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "status": "INVALID_ARGUMENT",
                "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}],
            }
        },
    ),
    # gemini/veo
    "veo start": Call(
        "providers/gemini/veo", "POST", "/v1beta/models/veo-3.1-generate-preview:predictLongRunning", body=VEO_RUNNING
    ),
    "veo poll running": Call("providers/gemini/veo", "GET", f"/v1beta/{OPERATION}", body=VEO_RUNNING),
    "veo poll done": Call("providers/gemini/veo", "GET", f"/v1beta/{OPERATION}", body=VEO_DONE),
    "veo poll filtered": Call("providers/gemini/veo", "GET", f"/v1beta/{OPERATION}", body=VEO_FILTERED),
    "veo poll failed": Call(
        "providers/gemini/veo",
        "GET",
        f"/v1beta/{OPERATION}",
        body={"name": OPERATION, "done": True, "error": {"code": 13, "message": "Internal error."}},
    ),
    # anthropic/messages: tool use
    "anthropic tool use": Call(
        "providers/anthropic/messages", "POST", "/v1/messages", body=ANTHROPIC_TOOL_USE, headers=ANTHROPIC_HEADERS
    ),
    "anthropic tool use stream": Call(
        "providers/anthropic/messages", "POST", "/v1/messages", body=anthropic_tool_stream(), events=True
    ),
    # anthropic/count-tokens
    "anthropic count tokens": Call(
        "providers/anthropic/count-tokens",
        "POST",
        "/v1/messages/count_tokens",
        body={"input_tokens": 14},
        headers=ANTHROPIC_HEADERS,
    ),
    "anthropic count tokens unknown model": Call(
        "providers/anthropic/count-tokens",
        "POST",
        "/v1/messages/count_tokens",
        status=404,
        body=anthropic_error("not_found_error", "model: claude-imaginary-9"),
    ),
    # gemini/generate-content: function calling
    "gemini function call": Call(
        "providers/gemini/generate-content",
        "POST",
        "/v1beta/models/gemini-2.5-flash:generateContent",
        body=GEMINI_FUNCTION_CALL,
    ),
    # gemini/embeddings
    "gemini embed": Call(
        "providers/gemini/embeddings",
        "POST",
        "/v1beta/models/gemini-embedding-001:embedContent",
        body={"embedding": {"values": [0.0123, -0.0456, 0.0789]}},
    ),
    "gemini batch embed": Call(
        "providers/gemini/embeddings",
        "POST",
        "/v1beta/models/gemini-embedding-001:batchEmbedContents",
        body=GEMINI_EMBEDDINGS,
    ),
    "gemini embed quota": Call(
        "providers/gemini/embeddings",
        "POST",
        "/v1beta/models/gemini-embedding-001:batchEmbedContents",
        status=429,
        body=QUOTA,
    ),
    # the example consumer
    "clipstudio create": Call("examples/clipstudio", "POST", "/v1/videos", body=video(), headers=SORA_HEADERS),
    "clipstudio poll blocked": Call(
        "examples/clipstudio", "GET", "/v1/videos/video_68e4b1f2c6a08190", body=BLOCKED_VIDEO
    ),
    "clipstudio sentinel_block": Call("examples/clipstudio", "POST", "/v1/videos", status=400, body=SENTINEL),
    "clipstudio gone": Call(
        "examples/clipstudio",
        "GET",
        "/v1/videos/video_68e4b1f2c6a08190",
        status=410,
        body=openai_error("The Videos API has been shut down.", "invalid_request_error", "gone"),
    ),
    "clipstudio download": Call(
        "examples/clipstudio", "GET", "/v1/videos/video_68e4b1f2c6a08190/content", raw=MP4, content_type="video/mp4"
    ),
    "clipstudio-veo poll done": Call("examples/clipstudio-veo", "GET", f"/v1beta/{OPERATION}", body=VEO_DONE),
    "clipstudio-veo filtered": Call("examples/clipstudio-veo", "GET", f"/v1beta/{OPERATION}", body=VEO_FILTERED),
    "clipstudio-veo download": Call(
        "examples/clipstudio-veo",
        "GET",
        "/v1beta/files/3k5w0rz9l1ab:download?alt=media",
        raw=MP4,
        content_type="video/mp4",
    ),
}


@dataclass(frozen=True)
class Bad:
    call: Call
    location: str
    pointer: str
    expected: str = ""  # a substring of Violation.expected, when it matters


def _with(name: str, **changes) -> Call:
    return replace(GOOD[name], **changes)


BAD = {
    "embedding renamed": Bad(
        _with("embeddings", body=edit(EMBEDDINGS, "/data/0/embedding")), "body", "/data/0/embedding", "present"
    ),
    "transcription without text": Bad(_with("transcription", body={"usage": {"type": "duration"}}), "body", "/text"),
    "speech as json": Bad(_with("speech", raw=b"{}", content_type="application/json"), "header", "/content-type"),
    "azure chat without choices": Bad(_with("azure chat", body=edit(AZURE_CHAT, "/choices")), "body", "/choices"),
    "azure error without code": Bad(
        _with("azure api version missing", body={"error": {"message": "Resource not found"}}),
        "body (error 'request rejected')",
        "/error/code",
        "present",
    ),
    "azure embeddings without data": Bad(
        _with("azure embeddings", body=edit(EMBEDDINGS, "/data")), "body", "/data", "present"
    ),
    "chat content removed": Bad(
        _with("chat plain", body=edit(CHAT, "/choices/0/message/content")),
        "body",
        "/choices/0/message/content",
        "present",
    ),
    "chat new finish_reason": Bad(
        _with("chat plain", body=edit(CHAT, "/choices/0/finish_reason", "guardrail")),
        "body",
        "/choices/0/finish_reason",
        "one of",
    ),
    "chat created as string": Bad(
        _with("chat plain", body=edit(CHAT, "/created", "1741569952")), "body", "/created", "type integer"
    ),
    "chat no choices": Bad(_with("chat plain", body=edit(CHAT, "/choices", [])), "body", "/choices"),
    "chat stream without [DONE]": Bad(
        _with("chat stream with usage chunk", body=CHAT_STREAM[:-1]), "stream", "", "'[DONE]'"
    ),
    "chat chunk content retyped": Bad(
        _with("chat stream with usage chunk", body=[CHAT_STREAM[0], chunk({"content": 7})] + CHAT_STREAM[2:]),
        "event 1 (chat.completion.chunk)",
        "/choices/0/delta/content",
        "type string",
    ),
    "chat 429 envelope without type": Bad(
        _with(
            "chat 429 quota", body=edit(openai_error("x", "insufficient_quota", "insufficient_quota"), "/error/type")
        ),
        "body (error 'rate limited or out of quota')",
        "/error/type",
        "present",
    ),
    "chat unexpected status": Bad(_with("chat plain", status=418), "status", ""),
    "chat retry-after not a number": Bad(
        _with("chat 429 rate limit", headers=(("retry-after", "soon"),)), "header", "/retry-after", "delay-seconds"
    ),
    "chat ratelimit reset not a duration": Bad(
        _with("chat plain", headers=(("x-ratelimit-reset-tokens", "360"),)),
        "header",
        "/x-ratelimit-reset-tokens",
        "duration",
    ),
    "responses new status": Bad(_with("responses plain", body=edit(RESPONSE, "/status", "done")), "body", "/status"),
    "responses output_text without text": Bad(
        _with("responses plain", body=edit(RESPONSE, "/output/0/content/0/text")),
        "body",
        "/output/0/content/0/text",
        "present",
    ),
    "responses stream cut short": Bad(
        _with("responses stream", body=responses_stream()[:-1]), "stream", "", "'response.completed'"
    ),
    "responses delta retyped": Bad(
        _with(
            "responses stream",
            body=[
                (n, {**d, "delta": ["Ready"]}) if n == "response.output_text.delta" else (n, d)
                for n, d in responses_stream()
            ],
        ),
        "event 4 (response.output_text.delta)",
        "/delta",
        "type string",
    ),
    "images data without image": Bad(
        _with("images b64", body=edit(IMAGE, "/data/0", {"revised_prompt": "x"})), "body", "/data/0/b64_json", "present"
    ),
    "images created removed": Bad(_with("images b64", body=edit(IMAGE, "/created")), "body", "/created", "present"),
    "images refusal code drifted": Bad(
        _with(
            "images moderation_blocked",
            body={"error": {"message": "Rejected.", "type": "image_generation_user_error", "code": "safety_rejected"}},
        ),
        "body (refusal 'blocked by the GPT image safety system')",
        "/error/code",
        '"moderation_blocked"',
    ),
    "moderations category removed": Bad(
        _with("moderations", body=edit(MODERATION, "/results/0/categories/hate~1threatening")),
        "body",
        "/results/0/categories/hate~1threatening",
        "present",
    ),
    "moderations score retyped": Bad(
        _with("moderations", body=edit(MODERATION, "/results/0/category_scores/sexual", "low")),
        "body",
        "/results/0/category_scores/sexual",
        "type number",
    ),
    "moderations flagged removed": Bad(
        _with("moderations", body=edit(MODERATION, "/results/0/flagged")), "body", "/results/0/flagged", "present"
    ),
    "models shutdown_date not a date": Bad(
        _with("models list", body=edit(MODELS, "/data/1/shutdown_date", "Oct 23, 2026")),
        "body",
        "/data/1/shutdown_date",
        "pattern",
    ),
    "models owned_by removed": Bad(
        _with("models retrieve", body=edit(MODELS["data"][1], "/owned_by")), "body", "/owned_by", "present"
    ),
    "videos nullable field omitted": Bad(
        _with("videos create", body=edit(video(), "/prompt")), "body", "/prompt", "present"
    ),
    "videos new status": Bad(_with("videos retrieve completed", body=video("cancelled")), "body", "/status", "one of"),
    "videos seconds as number": Bad(_with("videos create", body=video(seconds=4)), "body", "/seconds", "type string"),
    "videos content as html": Bad(
        _with("videos content", raw=b"<html></html>", content_type="text/html"), "header", "/content-type", "video/mp4"
    ),
    "videos deprecation: true": Bad(
        _with("videos create", headers=(("deprecation", "true"),)), "header", "/deprecation", "sf-date"
    ),
    "videos sunset not an HTTP-date": Bad(
        _with("videos create", headers=(("sunset", "2026-09-24"),)), "header", "/sunset", "HTTP-date"
    ),
    "videos poll-after not an integer": Bad(
        _with("videos create", headers=(("openai-poll-after-ms", "1.5s"),)),
        "header",
        "/openai-poll-after-ms",
        "integer",
    ),
    "anthropic new stop_reason": Bad(
        _with("anthropic plain", body={**MESSAGE, "stop_reason": "content_filtered"}), "body", "/stop_reason", "one of"
    ),
    "anthropic text block without text": Bad(
        _with("anthropic plain", body=edit(MESSAGE, "/content/0/text")), "body", "/content/0/text", "present"
    ),
    "anthropic 529 with another type": Bad(
        _with("anthropic 529", body=anthropic_error("api_error", "Overloaded")),
        "body (error 'overloaded')",
        "/error/type",
        '"overloaded_error"',
    ),
    "anthropic stream without message_stop": Bad(
        _with("anthropic stream", body=anthropic_stream(end=None)), "stream", "", "'message_stop'"
    ),
    "anthropic message_delta without usage": Bad(
        _with(
            "anthropic stream",
            body=[
                (n, {k: v for k, v in d.items() if k != "usage"}) if n == "message_delta" else (n, d)
                for n, d in anthropic_stream()
            ],
        ),
        "event 6 (message_delta)",
        "/usage",
        "present",
    ),
    "anthropic reset not RFC 3339": Bad(
        _with("anthropic plain", headers=(("anthropic-ratelimit-tokens-reset", "60"),)),
        "header",
        "/anthropic-ratelimit-tokens-reset",
        "RFC 3339",
    ),
    "gemini new finishReason": Bad(
        _with("gemini plain", body=edit(GEMINI, "/candidates/0/finishReason", "POLICY")),
        "body",
        "/candidates/0/finishReason",
        "one of",
    ),
    "gemini new blockReason": Bad(
        _with("gemini blocked prompt", body=edit(GEMINI_BLOCKED, "/promptFeedback/blockReason", "CSAM")),
        "body",
        "/promptFeedback/blockReason",
        "one of",
    ),
    "gemini parts text retyped": Bad(
        _with(
            "gemini stream",
            body=[edit(GEMINI_STREAM[0], "/candidates/0/content/parts/0/text", {"value": "One"})] + GEMINI_STREAM[1:],
        ),
        "event 0 (message)",
        "/candidates/0/content/parts/0/text",
        "type string",
    ),
    "gemini streamed as one JSON array": Bad(
        _with("gemini stream", body=GEMINI_STREAM, events=False), "body", "", "event stream"
    ),
    "gemini 429 with another status": Bad(
        _with("gemini 429", body=edit(QUOTA, "/error/status", "QUOTA_EXCEEDED")),
        "body (error 'quota exhausted')",
        "/error/status",
    ),
    "veo done without result or error": Bad(
        _with("veo poll done", body={"name": OPERATION, "done": True}), "body", "/response", "present"
    ),
    "veo sample without uri": Bad(
        _with("veo poll done", body=edit(VEO_DONE, "/response/generateVideoResponse/generatedSamples/0/video/uri")),
        "body",
        "/response/generateVideoResponse/generatedSamples/0/video/uri",
        "present",
    ),
    "veo done as string": Bad(
        _with("veo poll running", body={**VEO_RUNNING, "done": "false"}), "body", "/done", "type boolean"
    ),
    "clipstudio refusal code drifted": Bad(
        _with("clipstudio sentinel_block", body=edit(SENTINEL, "/error/code", "input_rejected")),
        "body (refusal 'prompt blocked at creation')",
        "/error/code",
        "one of",
    ),
    "anthropic tool_use without input": Bad(
        _with("anthropic tool use", body=edit(ANTHROPIC_TOOL_USE, "/content/0/input")),
        "body",
        "/content/0/input",
        "present",
    ),
    "anthropic input_json_delta without partial_json": Bad(
        _with(
            "anthropic tool use stream",
            body=[
                (n, edit(d, "/delta/partial_json")) if n == "content_block_delta" else (n, d)
                for n, d in anthropic_tool_stream()
            ],
        ),
        "event 3 (content_block_delta)",
        "/delta/partial_json",
        "present",
    ),
    "anthropic count tokens as a string": Bad(
        _with("anthropic count tokens", body={"input_tokens": "14"}), "body", "/input_tokens", "integer"
    ),
    "gemini functionCall without name": Bad(
        _with(
            "gemini function call",
            body=edit(GEMINI_FUNCTION_CALL, "/candidates/0/content/parts/0/functionCall/name"),
        ),
        "body",
        "/candidates/0/content/parts/0/functionCall/name",
        "present",
    ),
    "gemini embedding without values": Bad(
        _with("gemini embed", body={"embedding": {}}), "body", "/embedding/values", "present"
    ),
    "gemini batch embeddings not numbers": Bad(
        _with("gemini batch embed", body=edit(GEMINI_EMBEDDINGS, "/embeddings/0/values/0", "0.1")),
        "body",
        "/embeddings/0/values/0",
        "number",
    ),
    "clipstudio failed without error": Bad(
        _with("clipstudio poll blocked", body=video("failed")), "body", "/error", "type object"
    ),
    "clipstudio-veo done without result": Bad(
        _with("clipstudio-veo poll done", body={"name": OPERATION, "done": True}), "body", "/response", "present"
    ),
}


# -- tests ---------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=shipped)
def test_every_shipped_contract_loads(path):
    loaded = load(path)
    assert loaded.interactions
    if path.is_relative_to(baselines.folder()):
        assert loaded.consumer == "baseline"
        assert loaded.name == str(path.relative_to(baselines.folder()).with_suffix(""))
        # A multipart upload has no JSON example; --live skips it with a line saying so.
        uploads = {"openai/audio-transcriptions"}
        assert loaded.name in uploads or all(
            i.request.json is not None or i.request.method in ("GET", "DELETE") for i in loaded.interactions
        ), "every POST needs an example body for --live"


def test_shipped_contracts_load_together_with_unique_names():
    names = [c.name for c in load_path(*FILES)]
    assert len(names) == len(FILES) == len(set(names))


def test_every_shipped_contract_has_good_and_bad_cases():
    names = {shipped(p) for p in FILES}
    assert names == {c.contract for c in GOOD.values()}
    assert names == {b.call.contract for b in BAD.values()}


@pytest.mark.parametrize("name", GOOD)
def test_a_realistic_answer_checks_clean(name):
    violations = run(GOOD[name])
    assert [str(v) for v in violations] == []


@pytest.mark.parametrize("name", BAD)
def test_a_drifted_answer_is_caught_where_it_drifted(name):
    case = BAD[name]
    violations = run(case.call)
    found = [(v.location, v.pointer, v.expected) for v in violations]
    assert any(loc == case.location and ptr == case.pointer and case.expected in exp for loc, ptr, exp in found), found


def test_a_video_job_that_leaves_a_terminal_state_breaks_the_lifecycle():
    c = contract("providers/openai/videos")
    calls = [
        GOOD["videos create"],
        _with("videos retrieve completed", body=video("in_progress")),
        GOOD["videos retrieve completed"],
        _with("videos retrieve completed", body=video("in_progress")),
    ]
    exchanges = [call.exchange("openai").with_(started=float(i)) for i, call in enumerate(calls)]
    violations = check(c, exchanges)
    assert [(v.location, v.pointer, v.actual) for v in violations] == [
        ("lifecycle", "/status", "'in_progress' afterwards")
    ]


def test_clipstudio_gives_up_on_a_job_after_twenty_minutes():
    c = contract("examples/clipstudio")
    poll = _with("clipstudio poll blocked", body=video("in_progress"))
    exchanges = [
        GOOD["clipstudio create"].exchange("openai").with_(started=0.0),
        poll.exchange("openai").with_(started=1500.0),
    ]
    violations = check(c, exchanges)
    assert [(v.location, v.expected) for v in violations] == [("lifecycle", "a terminal state within 1200s")]
