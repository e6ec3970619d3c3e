"""OpenAI, as the double plays it: chat, responses, embeddings, audio, images, moderations,
models, videos.

Shapes follow OpenAI's OpenAPI spec and what openai-python parses, one module
per part of the API. Answers are deterministic: generated text depends only on
the seed, the model and the prompt; ids come from the double's seeded
generator; times from its clock. Video jobs move queued -> in_progress ->
completed in `job_seconds` of the double's clock.

Models come from the catalogue (`harness/catalogue/`): a model past its
shutdown date on the double's clock gets OpenAI's retired-model answer. What is
deliberately not played here (the chaos layer's faults do it, with the answers
in `failures`): rate limiting, outages, drift.
"""

from __future__ import annotations

from harness import providers
from harness.double.clients import stainless
from harness.exchange import Request
from harness.headers import duration, integer, non_empty
from harness.provider import Credential, Failures, Provider
from harness.providers.openai.audio import speech, transcriptions
from harness.providers.openai.chat import chat_completions
from harness.providers.openai.embeddings import embeddings
from harness.providers.openai.errors import authorized, error, headers, request_id
from harness.providers.openai.failures import (
    job_fail,
    job_stall,
    job_state,
    mark_retired,
    model_retired,
    rate_limited,
    refusal,
)
from harness.providers.openai.images import generate_image
from harness.providers.openai.models import SORA_SHUTDOWN, get_model, list_models, model_family, models, serving
from harness.providers.openai.moderations import CATEGORIES, TRIGGERS, classify, moderations
from harness.providers.openai.responses import create_response, get_response
from harness.providers.openai.videos import (
    create_video,
    delete_video,
    get_video,
    list_videos,
    remix_video,
    video_content,
)
from harness.validation import openai as validation

__all__ = [
    "CATEGORIES",
    "FAILURES",
    "NAME",
    "PROVIDER",
    "ROUTES",
    "SORA_SHUTDOWN",
    "TRIGGERS",
    "classify",
    "error",
    "headers",
    "job_fail",
    "job_stall",
    "job_state",
    "mark_retired",
    "model_family",
    "model_retired",
    "rate_limited",
    "refusal",
    "request_id",
]

NAME = "openai"

FAILURES = Failures(
    outage_status=503,
    outage_message="The server is overloaded or not ready yet.",
    rate_limited=rate_limited,
    model_retired=model_retired,
    mark_retired=mark_retired,
    refusal=refusal,
    job_state=job_state,
    job_stall=job_stall,
    job_fail=job_fail,
)

ROUTES = (
    ("POST /v1/chat/completions", chat_completions),
    ("POST /v1/responses", create_response),
    ("GET /v1/responses/{response_id}", get_response),
    ("POST /v1/embeddings", embeddings),
    ("POST /v1/audio/transcriptions", transcriptions),
    ("POST /v1/audio/speech", speech),
    ("POST /v1/images/generations", generate_image),
    ("POST /v1/moderations", moderations),
    ("GET /v1/models", list_models),
    ("GET /v1/models/{model}", get_model),
    ("POST /v1/videos", create_video),
    ("GET /v1/videos", list_videos),
    ("GET /v1/videos/{video_id}", get_video),
    ("DELETE /v1/videos/{video_id}", delete_video),
    ("GET /v1/videos/{video_id}/content", video_content),
    ("POST /v1/videos/{video_id}/remix", remix_video),
)


def _signature(request: Request) -> bool:
    """openai-python announces itself in its user agent; Azure's paths (`/openai/...`) are Azure's."""
    return (request.header("user-agent") or "").startswith("OpenAI/") and not request.path.startswith("/openai/")


PROVIDER = providers.register(
    Provider(
        name=NAME,
        base_url="https://api.openai.com",
        credential=Credential(env_vars=("OPENAI_API_KEY",), header="authorization", prefix="Bearer "),
        routes=tuple((route, authorized(serving(handler))) for route, handler in ROUTES),
        error=error,
        request_id_header="x-request-id",
        request_id=request_id,
        sdk=stainless("openai", "OpenAI", "AsyncOpenAI"),
        sdk_path="/v1",  # openai-python's base_url ends in /v1
        colour="#10a37f",
        secret_headers=("openai-organization", "openai-project"),
        signature=_signature,
        stream_end=("[DONE]", "response.completed", "response.incomplete"),
        header_formats={
            "x-request-id": non_empty,
            "openai-poll-after-ms": integer,
            "x-ratelimit-limit-requests": integer,
            "x-ratelimit-limit-tokens": integer,
            "x-ratelimit-remaining-requests": integer,
            "x-ratelimit-remaining-tokens": integer,
            "x-ratelimit-reset-requests": duration,
            "x-ratelimit-reset-tokens": duration,
        },
        headers=headers,
        failures=FAILURES,
        models=models,
        validate=validation.check,
    )
)
