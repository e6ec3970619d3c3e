"""What a consumer relies on, as frozen data. Schemas are compiled once, at load."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.contracts.compiled import CompiledSchema
from harness.routes import Route


@dataclass(frozen=True)
class ResponseSpec:
    status: tuple[int, ...]
    headers: dict[str, CompiledSchema] = field(default_factory=dict)  # lower-case name -> value schema
    json: CompiledSchema | None = None
    content_type: str | None = None
    events: dict[str, CompiledSchema] = field(default_factory=dict)  # event type -> data schema
    last_event: str | None = None


@dataclass(frozen=True)
class RequestSpec:
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None  # the example body: any JSON value
    params: dict[str, str] = field(default_factory=dict)  # example values for the path's {parameters}


@dataclass(frozen=True)
class Interaction:
    name: str
    request: RequestSpec
    response: ResponseSpec
    route: Route
    line: int = 0


@dataclass(frozen=True)
class Outcome:
    """A refusal or error the consumer handles, on some or all interactions."""

    name: str
    kind: str  # "refusal" or "error"
    response: ResponseSpec
    interactions: tuple[str, ...] = ()  # empty: every interaction
    line: int = 0

    def applies_to(self, interaction: str) -> bool:
        return not self.interactions or interaction in self.interactions


@dataclass(frozen=True)
class Lifecycle:
    states: tuple[str, ...]
    terminal: tuple[str, ...]
    interactions: tuple[str, ...] = ()
    id: str = "/id"
    field: str = "/status"
    timeout: float | None = None  # seconds from first sight to a terminal state


@dataclass(frozen=True)
class Signal:
    header: str  # lower-case
    required: bool = False
    status: tuple[int, ...] = ()  # empty: any status
    interactions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contract:
    name: str
    consumer: str
    provider: str
    interactions: tuple[Interaction, ...]
    capability: str | None = None
    description: str | None = None
    lifecycle: Lifecycle | None = None
    refusals: tuple[Outcome, ...] = ()
    errors: tuple[Outcome, ...] = ()
    signals: tuple[Signal, ...] = ()
    source: str = "<contract>"

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        return self.refusals + self.errors

    def interaction(self, name: str) -> Interaction:
        for item in self.interactions:
            if item.name == name:
                return item
        raise KeyError(name)
