"""What readiness found, as frozen data every output format reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

VERDICTS = ("ready", "at risk", "not ready")
# Fault families that take the primary provider away, as opposed to making it slow or odd.
REMOVING = frozenset({"gone", "model_retired", "outage", "down"})


@dataclass(frozen=True)
class Evidence:
    """One provider's contract under a capability, and whether traffic ever held to it."""

    provider: str
    contract: str
    verified: bool
    how: str  # "fixtures/cassettes/clean: 9 exchanges, no violations", "never checked", ...


@dataclass(frozen=True)
class Rehearsal:
    """A fault on the primary provider in a chaos run, and whether the scenario held."""

    fault: str
    scenario: str
    held: bool
    report: str

    @property
    def removes(self) -> bool:
        return self.fault in REMOVING


@dataclass(frozen=True)
class Shutdown:
    """An announced end of something a contract uses: a model or a route."""

    provider: str
    what: str  # "model sora-2", "route POST /v1/videos"
    state: str  # active, deprecated, retired
    shutdown_on: date | None
    days_left: int | None


@dataclass(frozen=True)
class Capability:
    name: str
    primary: str
    evidence: tuple[Evidence, ...]
    rehearsals: tuple[Rehearsal, ...]
    shutdowns: tuple[Shutdown, ...]
    verdict: str  # one of VERDICTS
    reasons: tuple[str, ...]

    @property
    def providers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.provider for e in self.evidence))

    def alternatives(self) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.provider != self.primary)


@dataclass(frozen=True)
class Readiness:
    on: date
    capabilities: tuple[Capability, ...]
    reports: tuple[str, ...]  # chaos reports read
    cassettes: tuple[str, ...]  # cassette folders read

    @property
    def ready(self) -> bool:
        return all(c.verdict == "ready" for c in self.capabilities)
