"""Where an async job (a background response, a video) stands on the double's clock."""

from __future__ import annotations

from typing import Any

from harness.double.call import Call


def job_phase(call: Call, job: dict[str, Any]) -> tuple[str, int]:
    """(status, progress): queued for the first tenth of `job_seconds`, completed once they have passed."""
    duration = max(1e-9, float(call.state.settings.get("job_seconds", 1.0)))
    elapsed = call.state.clock.now() - job["started"]
    if elapsed >= duration:
        return "completed", 100
    if elapsed < duration * 0.1:
        return "queued", 0
    return "in_progress", max(1, min(99, int(elapsed / duration * 100)))
