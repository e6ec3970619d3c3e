"""model_retired: what providers really send for a shut-down model
(OpenAI 404 model_not_found "has been deprecated", Anthropic 404
not_found_error, Gemini 404 NOT_FOUND), and `shutdown_date` in the models list."""

from __future__ import annotations

from dataclasses import dataclass

from harness.chaos.fault import Fault, register
from harness.chaos.faults._shared import model_of, needs
from harness.double.call import Call, Reply
from harness.provider import Provider


@register
@dataclass(frozen=True)
class ModelRetired(Fault):
    name = "model_retired"
    model: str | None = None  # None: whatever model a request names
    shutdown_date: str | None = None  # "YYYY-MM-DD", shown in the models list

    def before(self, call: Call, provider: Provider) -> Reply | None:
        asked = model_of(call)
        if asked and (self.model is None or asked == self.model):
            return needs(provider, "model_retired", self.name)(call, asked)
        return None

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        mark = provider.failures.mark_retired
        if mark and self.model and self.shutdown_date:
            return mark(call, reply, self.model, self.shutdown_date)
        return reply
