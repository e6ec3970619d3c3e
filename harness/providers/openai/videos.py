"""The Videos API (Sora): create, list, retrieve, delete, download, remix.

A job moves queued -> in_progress -> completed in `job_seconds` of the
double's clock. A prompt the moderation check flags is accepted, then fails
once generation has run, as the real API does.
"""

from __future__ import annotations

import functools
from typing import Any

from harness.double import media
from harness.double.body import FormFile
from harness.double.call import Call, Reply
from harness.double.problem import RequestProblem
from harness.providers.openai.content import colour, hex_id, now
from harness.providers.openai.errors import check_model, invalid, invalid_type, json_fields, missing, out_of_range
from harness.providers.openai.jobs import job_phase
from harness.providers.openai.moderations import classify

VIDEO_SECONDS = ("4", "8", "12")
VIDEO_SIZES = ("720x1280", "1280x720", "1024x1792", "1792x1024")
VIDEO_VARIANTS = ("video", "thumbnail", "spritesheet")
VIDEO_EXPIRY = 86_400
MODERATION_BLOCKED = "Your request was blocked by our moderation system."


def _poll_after_ms(call: Call) -> str:
    """How long the SDK should wait between polls: a fifth of a job, so a job takes ~5 polls."""
    return str(max(1, int(float(call.state.settings.get("job_seconds", 1.0)) * 1000 / 5)))


def video_view(call: Call, job: dict[str, Any]) -> dict[str, Any]:
    """The video object as a poll sees it now."""
    status, progress = job_phase(call, job)
    video = {
        "id": job["id"],
        "object": "video",
        "model": job["model"],
        "status": status,
        "progress": progress,
        "created_at": job["created_at"],
        "completed_at": None,
        "expires_at": None,
        "prompt": job["prompt"],
        "size": job["size"],
        "seconds": job["seconds"],
        "remixed_from_video_id": job["remixed_from"],
        "error": None,
    }
    if job.get("failure"):  # failed late by a fault (job_fail): a terminal state that holds
        video.update(status="failed", error=dict(job["failure"]), completed_at=job.setdefault("failed_at", now(call)))
        return video
    if status == "completed":
        finished = int(job["started"] + float(call.state.settings.get("job_seconds", 1.0)))
        video["completed_at"] = finished
        if job["blocked"]:  # generation ran, then moderation stopped it
            code = job["blocked"] if isinstance(job["blocked"], str) else "moderation_blocked"
            video.update(status="failed", error={"code": code, "message": MODERATION_BLOCKED})
        else:
            video["expires_at"] = finished + VIDEO_EXPIRY
    return video


def _video_reply(call: Call, job: dict[str, Any]) -> Reply:
    video = video_view(call, job)
    extra = {} if video["status"] in ("completed", "failed") else {"openai-poll-after-ms": _poll_after_ms(call)}
    return Reply(json=video, headers=extra)


def _new_video(
    call: Call, model: str, prompt: str, seconds: str, size: str, remixed_from: str | None
) -> dict[str, Any]:
    vid = hex_id(call.state, "video_")
    job = {
        "kind": "video",
        "id": vid,
        "model": model,
        "prompt": prompt,
        "seconds": seconds,
        "size": size,
        "remixed_from": remixed_from,
        "started": call.state.clock.now(),
        "created_at": now(call),
        "order": call.state.counter,
        "blocked": classify(call, prompt)["flagged"],
    }
    call.state.jobs[vid] = job
    return job


def _video_job(call: Call) -> dict[str, Any]:
    vid = call.params["video_id"]
    job = call.state.jobs.get(vid)
    if not job or job.get("kind") != "video" or job.get("deleted"):
        raise RequestProblem(404, f"Video with id '{vid}' not found.", param="video_id")
    return job


def _prompt(fields: dict[str, Any]) -> str:
    prompt = fields.get("prompt")
    if prompt is None:
        raise missing("prompt")
    if not isinstance(prompt, str):
        raise invalid_type("prompt", "a string", prompt)
    if not prompt.strip():
        raise RequestProblem(
            400,
            "Invalid 'prompt': string too short. Expected a string with minimum length 1, "
            "but got an empty string instead.",
            param="prompt",
            code="string_below_min_length",
        )
    if len(prompt) > 32_000:
        raise RequestProblem(
            400,
            f"Invalid 'prompt': string too long. Expected a string with maximum length 32000, "
            f"but got a string with length {len(prompt)} instead.",
            param="prompt",
            code="string_above_max_length",
        )
    return prompt


def _check_input_reference(fields: dict[str, Any]) -> None:
    """A file, or an object with exactly one of image_url / file_id (flat `input_reference[x]` in forms)."""
    value = fields.get("input_reference")
    nested = {
        k[len("input_reference[") : -1]: v
        for k, v in fields.items()
        if k.startswith("input_reference[") and k.endswith("]")
    }
    if value is None and not nested:
        return
    if isinstance(value, FormFile):
        return
    ref = value if isinstance(value, dict) else nested
    if not isinstance(ref, dict) or len([k for k in ("image_url", "file_id") if ref.get(k)]) != 1:
        raise RequestProblem(
            400,
            "Invalid 'input_reference': provide exactly one of 'image_url' or 'file_id'.",
            param="input_reference",
            code="invalid_value",
        )


def create_video(call: Call) -> Reply:
    fields = json_fields(call)
    prompt = _prompt(fields)
    model = check_model(fields, "video", default="sora-2")
    seconds = fields.get("seconds", "4")
    if seconds not in VIDEO_SECONDS:
        if isinstance(seconds, str):
            raise invalid("seconds", seconds, VIDEO_SECONDS)
        raise invalid_type("seconds", "one of '4', '8', or '12'", seconds)
    size = fields.get("size", "720x1280")
    if size not in VIDEO_SIZES:
        raise invalid("size", size, VIDEO_SIZES)
    _check_input_reference(fields)
    return _video_reply(call, _new_video(call, model, prompt, seconds, size, None))


def get_video(call: Call) -> Reply:
    return _video_reply(call, _video_job(call))


def list_videos(call: Call) -> Reply:
    order = call.query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise invalid("order", order, ("asc", "desc"))
    try:
        limit = int(call.query.get("limit", "20"))
    except ValueError:
        raise invalid_type("limit", "an integer", call.query["limit"]) from None
    if not 0 <= limit <= 100:
        raise out_of_range("limit", 0, 100, limit)
    jobs = sorted(
        (j for j in call.state.jobs.values() if j.get("kind") == "video" and not j.get("deleted")),
        key=lambda j: (j["started"], j["order"]),
        reverse=order == "desc",
    )
    after = call.query.get("after")
    if after:
        ids = [j["id"] for j in jobs]
        if after not in ids:
            raise RequestProblem(404, f"Video with id '{after}' not found.", param="after")
        jobs = jobs[ids.index(after) + 1 :]
    page = jobs[:limit]
    data = [video_view(call, j) for j in page]
    return Reply(
        json={
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": len(jobs) > len(page),
        }
    )


def delete_video(call: Call) -> Reply:
    job = _video_job(call)
    job["deleted"] = True
    return Reply(json={"id": job["id"], "object": "video.deleted", "deleted": True})


def _frame_size(size: str) -> tuple[int, int]:
    """The stored clip's pixels: the requested shape, scaled so its long side is 64 (even sides)."""
    width, height = (int(v) for v in size.split("x"))
    scale = 64 / max(width, height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


@functools.lru_cache(maxsize=32)
def _video_bytes(size: str, seconds: str, rgb: tuple[int, int, int], created: int) -> bytes:
    width, height = _frame_size(size)
    return media.mp4(width, height, int(seconds), rgb, created=created)


def video_content(call: Call) -> Reply:
    job = _video_job(call)
    variant = call.query.get("variant", "video")
    if variant not in VIDEO_VARIANTS:
        raise invalid("variant", variant, VIDEO_VARIANTS)
    video = video_view(call, job)
    if video["status"] != "completed":
        state = "failed" if video["status"] == "failed" else "not ready yet"
        raise RequestProblem(
            400,
            f"Video '{job['id']}' is {state}; its content can be downloaded once its status is 'completed'.",
            param="video_id",
        )
    rgb = colour(call.state.settings.get("seed", 0), job["model"], job["prompt"])
    if variant == "video":
        return Reply(body=_video_bytes(job["size"], job["seconds"], rgb, job["created_at"]), content_type="video/mp4")
    width, height = _frame_size(job["size"])
    if variant == "spritesheet":
        width *= int(job["seconds"])
    return Reply(body=media.webp(width, height, rgb), content_type="image/webp")


def remix_video(call: Call) -> Reply:
    source = _video_job(call)
    prompt = _prompt(json_fields(call))
    if video_view(call, source)["status"] != "completed":
        raise RequestProblem(
            400,
            f"Video '{source['id']}' must be completed before it can be remixed.",
            param="video_id",
            code="invalid_value",
        )
    job = _new_video(call, source["model"], prompt, source["seconds"], source["size"], source["id"])
    return _video_reply(call, job)
