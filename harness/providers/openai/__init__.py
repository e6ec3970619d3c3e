"""OpenAI, as the double plays it: chat, responses, images, moderations, models, videos.

Shapes follow OpenAI's OpenAPI spec and what openai-python parses, one module
per part of the API. Answers are deterministic: generated text depends only on
the seed, the model and the prompt; ids come from the double's seeded
generator; times from its clock. Video jobs move queued -> in_progress ->
completed in `job_seconds` of the double's clock.

What is deliberately not played here (the chaos layer's faults do it, with the
answers in `failures`): rate limiting, outages, model shutdowns after their
`shutdown_date`, drift.
"""

from __future__ import annotations

from harness.double.call import Failures, Profile
from harness.providers.openai.chat import chat_completions
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
from harness.providers.openai.models import MODELS, SORA_SHUTDOWN, get_model, list_models, model_family
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

__all__ = [
    "CATEGORIES",
    "FAILURES",
    "MODELS",
    "NAME",
    "PROFILE",
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

PROFILE = Profile(
    name=NAME,
    routes=tuple((route, authorized(handler)) for route, handler in ROUTES),
    error=error,
    request_id_header="x-request-id",
    request_id=request_id,
    headers=headers,
    failures=FAILURES,
)
