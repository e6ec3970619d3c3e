"""One place a code base depends on a provider (`Finding`), and all of them (`Inventory`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.catalogue import Lifecycle

KINDS = ("sdk-call", "http-call", "model-string", "config")
DYNAMIC = "dynamic"  # a model chosen at run time that the source does not pin down


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the folder scanned, with forward slashes
    line: int
    kind: str  # one of KINDS
    provider: str
    route: str | None  # "POST /v1/videos"; None when the code does not say
    model: str | None  # a model id, DYNAMIC, or None when the call takes no model
    code: str  # what the line says, shortened
    model_from: str = ""  # how the model was found: "literal", "constant MODEL", "env VIDEO_MODEL (default)"
    column: int = 0
    # What `assess` adds:
    model_life: Lifecycle | None = None
    route_life: Lifecycle | None = None
    contracts: tuple[str, ...] = ()  # contracts in the repository that cover the route
    rehearsed: tuple[str, ...] = ()  # fault names a scenario or chaos mark in the repository rehearses on it

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def lifecycles(self) -> tuple[Lifecycle, ...]:
        return tuple(life for life in (self.model_life, self.route_life) if life is not None)

    @property
    def shutdown_on(self) -> date | None:
        """The earliest announced shutdown of its model or route."""
        days = [life.shutdown_on for life in self.lifecycles if life.shutdown_on is not None]
        return min(days) if days else None

    def state(self) -> str:
        """retired, deprecated or active: the worse of its model's and its route's."""
        states = [life.state for life in self.lifecycles]
        for worst in ("retired", "deprecated"):
            if worst in states:
                return worst
        return "active" if states else "unknown"


@dataclass(frozen=True)
class Inventory:
    findings: tuple[Finding, ...]
    roots: tuple[str, ...]
    on: date  # the day lifecycles were judged on
    files: int  # files read
    warnings: tuple[str, ...] = field(default=())  # files that could not be read, and why

    def retired(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.state() == "retired")

    def shutting_within(self, days: int) -> tuple[Finding, ...]:
        """Findings whose shutdown is announced within `days` of `on` (and not yet past)."""
        return tuple(
            f
            for f in self.findings
            if f.shutdown_on is not None and 0 <= (f.shutdown_on - self.on).days <= days and f.state() != "retired"
        )
