"""job_stall: an async job (video, operation) stuck in its current state."""

from __future__ import annotations

from dataclasses import dataclass

from harness.chaos.fault import Fault, register
from harness.chaos.faults._shared import needs, reply_json, with_json
from harness.double.call import Call, Reply
from harness.provider import Provider


@register
@dataclass(frozen=True)
class JobStall(Fault):
    name = "job_stall"

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        body = reply_json(reply)
        if reply.status != 200 or not needs(provider, "job_state", self.name)(body):
            return reply
        return with_json(reply, needs(provider, "job_stall", self.name)(body))
