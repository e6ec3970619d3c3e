"""OpenAI's bad days, for the chaos layer: rate limits and spent quota, retired
models, moderation refusals route by route, and async jobs that stall or fail."""

from __future__ import annotations

import json
import math
from typing import Any

from harness import sse
from harness.double.call import Call, Reply
from harness.providers.openai.content import now, pieces, token_logprobs
from harness.providers.openai.errors import REQUESTS_PER_MINUTE, error, go_duration
from harness.providers.openai.models import retired_problem
from harness.providers.openai.videos import MODERATION_BLOCKED, video_view

QUOTA_MESSAGE = (
    "You exceeded your current quota, please check your plan and billing details. For more "
    "information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors."
)


def rate_limited(call: Call, retry_after: float, quota: bool) -> Reply:
    """429 rate_limit_exceeded with retry-after(-ms) and spent budgets; or, with `quota`,
    429 insufficient_quota with no retry-after and `x-should-retry: false` — the header
    openai-python obeys, so the SDK gives up at once as retrying cannot help."""
    if quota:
        reply = error(429, QUOTA_MESSAGE, type="insufficient_quota", code="insufficient_quota")
        reply.headers["x-should-retry"] = "false"
        return reply
    model = (call.fields.get("model") if isinstance(call.fields, dict) else None) or "gpt-4o"
    ms = max(1, int(retry_after * 1000))
    reply = error(
        429,
        f"Rate limit reached for {model} in organization org-harness on requests per min (RPM): "
        f"Limit {REQUESTS_PER_MINUTE}, Used {REQUESTS_PER_MINUTE}, Requested 1. Please try again "
        f"in {ms}ms. Visit https://platform.openai.com/account/rate-limits to learn more.",
        type="requests",
        code="rate_limit_exceeded",
    )
    reply.headers.update(
        {
            # Whole seconds of at least 1 (OpenAPI: integer >= 1): a wait under a second rounds up.
            "retry-after": str(max(1, math.ceil(retry_after))),
            "retry-after-ms": str(ms),
            "x-ratelimit-limit-requests": str(REQUESTS_PER_MINUTE),
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-reset-requests": go_duration(retry_after),
        }
    )
    return reply


def model_retired(call: Call, model: str) -> Reply:
    """What OpenAI sends after a model's shutdown date: a 404 model_not_found that says it is deprecated."""
    problem = retired_problem(model)
    return error(problem.status, problem.message, type=problem.type, code=problem.code)


def mark_retired(call: Call, reply: Reply, model: str, shutdown_date: str) -> Reply:
    """`shutdown_date` on the model in GET /v1/models and /v1/models/{model}."""
    body = reply.json
    if reply.status != 200 or not isinstance(body, dict):
        return reply
    entries = body.get("data") if body.get("object") == "list" else [body]
    for entry in entries or []:
        if isinstance(entry, dict) and entry.get("id") == model:
            entry["shutdown_date"] = shutdown_date
    return reply


def refusal(call: Call, reply: Reply, code: str | None) -> Reply:
    """This route's own moderation refusal; `code` replaces the refusal's code (refusal_drift)."""
    route = call.route
    if route == "POST /v1/chat/completions" and reply.status == 200:
        return _refused_chat(call, reply, code or "content_filter")
    if route in ("POST /v1/videos", "POST /v1/videos/{video_id}/remix") and isinstance(reply.json, dict):
        job = _job_of(call, reply.json)
        if job is not None:  # the job is accepted, then fails once generation is checked
            job["blocked"] = code or "moderation_blocked"
        return reply
    if route == "GET /v1/videos/{video_id}" and isinstance(reply.json, dict):
        job = _job_of(call, reply.json)
        if job is not None:
            job["failure"] = {"code": code or "moderation_blocked", "message": MODERATION_BLOCKED}
            job["failed_at"] = now(call)
            return Reply(json=video_view(call, job))
        return reply
    if route == "POST /v1/responses" and reply.status == 200:
        return _refused_response(reply, code or "content_filter")
    if route == "POST /v1/moderations" and isinstance(reply.json, dict):
        for result in reply.json.get("results", []):
            result["flagged"] = True
            result["categories"]["violence"] = True
            result["category_scores"]["violence"] = 0.97
        return reply
    if route == "POST /v1/images/generations":
        model = call.fields.get("model", "dall-e-2") if isinstance(call.fields, dict) else "dall-e-2"
        if str(model).startswith("dall-e"):
            return error(
                400,
                "Your request was rejected as a result of our safety system. Your prompt may "
                "contain text that is not allowed by our safety system.",
                type="invalid_request_error",
                code=code or "content_policy_violation",
            )
    return error(
        400,
        "Your request was rejected by the safety system. If you believe this is an error, contact "
        "us at help.openai.com. safety_violations=[violence].",
        type="image_generation_user_error",
        code=code or "moderation_blocked",
    )


def _job_of(call: Call, body: dict[str, Any]) -> dict[str, Any] | None:
    job_id = body.get("id")
    return call.state.jobs.get(job_id) if isinstance(job_id, str) else None


REFUSAL_TEXT = "I'm sorry, but I can't help with that."


def _refused_chat(call: Call, reply: Reply, finish_reason: str) -> Reply:
    """The model's refusal in place of its answer: `message.refusal`, or streamed as
    `delta.refusal` pieces, as a streamed answer sends its content."""
    if reply.events is None:
        body = json.loads(json.dumps(reply.json))
        for choice in body.get("choices", []):
            choice["finish_reason"] = finish_reason
            choice["message"].update(content=None, refusal=REFUSAL_TEXT)
            choice["message"].pop("tool_calls", None)
            if choice.get("logprobs"):
                choice["logprobs"] = {"content": None, "refusal": token_logprobs(call, REFUSAL_TEXT, 0)}
        return Reply(json=body, headers=reply.headers)
    events: list[sse.Event] = []
    refused: set[int] = set()  # choices whose refusal has been sent
    for event in reply.events:
        data = event.json
        if not (isinstance(data, dict) and data.get("choices")):
            events.append(event)
            continue
        choice = data["choices"][0]  # the double sends one choice per chunk
        delta = choice.get("delta") or {}
        if choice.get("finish_reason"):
            choice["finish_reason"] = finish_reason
        elif "role" in delta:
            delta.update(content=None, refusal=None)
        elif "content" in delta or "tool_calls" in delta:
            # The answer's pieces give way to the refusal's, sent once per choice.
            if choice.get("index", 0) not in refused:
                refused.add(choice.get("index", 0))
                for piece in pieces(REFUSAL_TEXT):
                    part = json.loads(json.dumps(data))
                    part["choices"][0].update(delta={"refusal": piece}, logprobs=None)
                    events.append(sse.Event(json.dumps(part, separators=(",", ":")), event.event, event.id))
            continue
        events.append(sse.Event(json.dumps(data, separators=(",", ":")), event.event, event.id))
    return Reply(events=events, headers=reply.headers)


def _refused_response(reply: Reply, reason: str) -> Reply:
    """A Responses answer the content filter stopped: `incomplete` with `incomplete_details.reason`
    and no output; streamed, the events up to the first output item, then `response.incomplete`."""
    if reply.events is None:
        body = dict(reply.json or {})
        body.update(status="incomplete", incomplete_details={"reason": reason}, output=[], completed_at=None)
        return Reply(json=body, headers=reply.headers)
    kept = [e for e in reply.events if e.event in ("response.created", "response.in_progress")]
    final: dict[str, Any] = next(
        (e.json["response"] for e in reversed(reply.events) if isinstance(e.json, dict) and "response" in e.json), {}
    )
    response = dict(final, status="incomplete", incomplete_details={"reason": reason}, output=[], completed_at=None)
    data = {"type": "response.incomplete", "sequence_number": len(kept), "response": response}
    ending = sse.Event(json.dumps(data, separators=(",", ":")), "response.incomplete")
    return Reply(events=[*kept, ending], headers=reply.headers)


def job_state(body: Any) -> tuple[str, str] | None:
    """(id, status) of a video or a background response; None for any other body."""
    if isinstance(body, dict) and body.get("object") in ("video", "response") and isinstance(body.get("status"), str):
        return body["id"], body["status"]
    return None


def job_stall(body: Any) -> Any:
    """Stuck short of done: a job that would have completed still shows in progress."""
    if body.get("status") != "completed":
        return body
    stuck = dict(body, status="in_progress")
    if body.get("object") == "video":
        stuck.update(progress=min(int(body.get("progress") or 0), 99), completed_at=None, expires_at=None)
    return stuck


def job_fail(body: Any, code: str, message: str) -> Any:
    """The job failed with `code` and `message`, as a poll then sees it."""
    failed = dict(body, status="failed", error={"code": code, "message": message})
    if body.get("object") == "video":
        failed.update(completed_at=body.get("completed_at") or body.get("created_at"), expires_at=None)
    return failed
