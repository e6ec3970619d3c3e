"""refusal: the provider's own moderation refusal for this route
(OpenAI 400 moderation_blocked / content_policy_violation, a video job that
fails with moderation_blocked, chat `finish_reason: content_filter`,
Anthropic `stop_reason: refusal`, Gemini `blockReason: SAFETY`).
refusal_drift: the same refusal under a changed code."""

from __future__ import annotations

from dataclasses import dataclass

from harness.chaos.fault import Fault, register
from harness.chaos.faults._shared import needs
from harness.double.call import Call, Reply
from harness.provider import Provider


@register
@dataclass(frozen=True)
class Refusal(Fault):
    name = "refusal"

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        return needs(provider, "refusal", self.name)(call, reply, None)


@register
@dataclass(frozen=True)
class RefusalDrift(Fault):
    name = "refusal_drift"
    code: str = "content_policy_violation"  # the refusal's new code / reason / category

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        return needs(provider, "refusal", self.name)(call, reply, self.code)
