"""job_fail: an async job (video, operation) that fails late, in the provider's own error shape.

The failure is written into the double's job record too, so every later
poll sees the job failed, also after the fault stops acting: terminal
states hold."""

from __future__ import annotations

from dataclasses import dataclass

from harness.chaos.fault import Fault, register
from harness.chaos.faults._shared import needs, reply_json, with_json
from harness.double.call import Call, Reply
from harness.provider import Provider


@register
@dataclass(frozen=True)
class JobFail(Fault):
    name = "job_fail"
    code: str = "internal_error"
    message: str = "Video generation failed due to an internal error."

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        body = reply_json(reply)
        job = needs(provider, "job_state", self.name)(body) if reply.status == 200 else None
        if not job:
            return reply
        record = call.state.jobs.get(job[0])
        if isinstance(record, dict):
            record["failure"] = {"code": self.code, "message": self.message}
        return with_json(reply, needs(provider, "job_fail", self.name)(body, self.code, self.message))
