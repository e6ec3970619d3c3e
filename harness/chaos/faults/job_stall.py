"""job_stall: an async job (video, operation) stuck in its current state."""

from __future__ import annotations

from dataclasses import dataclass

from harness.chaos.fault import Fault, register
from harness.chaos.faults._shared import needs, reply_json, with_json
from harness.double.call import Call, Profile, Reply


@register
@dataclass(frozen=True)
class JobStall(Fault):
    name = "job_stall"

    def after(self, call: Call, reply: Reply, profile: Profile) -> Reply:
        body = reply_json(reply)
        if reply.status != 200 or not needs(profile, "job_state", self.name)(body):
            return reply
        return with_json(reply, needs(profile, "job_stall", self.name)(body))
