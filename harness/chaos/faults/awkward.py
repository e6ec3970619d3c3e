"""awkward: the provider answers with bodies its contract allows but an app rarely
sees (`harness.awkward`). A fixed pool is drawn once; each call picks from it
with the double's seeded random numbers, so the scenario's seed gives the same
answers. Each is laid over the double's own answer, so fields the contract does
not mention stay realistic. Only whole 2xx JSON answers change."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from harness.chaos.fault import Fault, register
from harness.chaos.faults._shared import reply_json, with_json
from harness.contracts.baselines import PREFIX, resolve
from harness.double.call import Call, Reply
from harness.errors import ContractError
from harness.provider import Provider


@register
@dataclass(frozen=True)
class Awkward(Fault):
    name = "awkward"
    contract: str = ""  # a baseline (provider:openai/chat-completions), a contract file or an OpenAPI file
    interaction: str | None = None  # its name; default: the one the call's route matches
    route: str | None = None  # for an OpenAPI file: the route whose answers to draw
    examples: int = 20  # how many bodies to draw; calls pick among them

    def __post_init__(self) -> None:
        if not self.contract:
            raise ValueError("needs `contract`: a baseline name like provider:openai/chat-completions, or a file")
        if isinstance(self.examples, bool) or not isinstance(self.examples, int) or not 1 <= self.examples <= 1000:
            raise ValueError(f"parameter 'examples' must be a whole number from 1 to 1,000, not {self.examples!r}")
        if self.contract.startswith(PREFIX):  # a mistyped baseline is refused now, not at the first call
            try:
                resolve(self.contract[len(PREFIX) :])
            except ContractError as exc:
                raise ValueError(exc.message) from None

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        if reply.events is not None or not 200 <= reply.status < 300:
            return reply
        normal = reply_json(reply)
        if normal is None:
            return reply
        schema, pool = _drawn(self.contract, self.interaction, self.route or call.route, self.examples)
        if schema.route.match(call.method, call.path) is None:
            return reply
        return with_json(reply, schema.merge(normal, pool[call.state.rng.randrange(len(pool))]))


@functools.cache
def _drawn(contract: str, interaction: str | None, route: str, examples: int) -> tuple[Any, list[Any]]:
    """The schema and `examples` bodies drawn from it, the same every time."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded

    from harness.awkward import response_schema

    schema = response_schema(contract, interaction, route=route if interaction is None else None)
    pool: list[Any] = []

    @seeded(0)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(schema.strategy())
    def collect(body: Any) -> None:
        pool.append(body)

    collect()
    return schema, pool
