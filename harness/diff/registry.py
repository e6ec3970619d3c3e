"""The catalogue of change kinds: small named units, registered by decorator.

Each unit looks at one kind of pair (an operation, the statuses of a
response, its media types, its headers, the events of a stream, or one schema
level), reports what it finds with `detect`, and says with `judge` what that
change means for one consumer interaction. The walk over two specs, the
pairing of operations and properties and the reading of contracts are shared
and live outside the units (walk.py, pairs.py, usage.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from harness.diff.change import LEVELS, Change, Hit

if TYPE_CHECKING:
    from harness.diff.usage import Use

SCOPES = ("operation", "body", "statuses", "content", "headers", "stream", "schema")

# Handed the pair of its scope (OperationPair, BodyPair, StatusesPair, ... SchemaPair; see SCOPES), so its
# argument is typed by each unit itself.
Detect = Callable[[Any], Iterable[Hit]]
# (level for this consumer, why) when the change touches what the interaction uses; None when it does not.
Ruling = tuple[str, str] | None
Judge = Callable[[Change, "Use"], Ruling]
D = TypeVar("D", bound=Detect)


@dataclass(frozen=True)
class ChangeKind:
    name: str
    severity: str  # for any client of the provider
    scope: str  # which pair `detect` is handed (see SCOPES)
    summary: str  # one line, for docs and reports
    detect: Detect
    judge: Judge


KINDS: dict[str, ChangeKind] = {}
_BY_SCOPE: dict[str, tuple[ChangeKind, ...]] = {}


def change_kind(name: str, *, severity: str, scope: str, summary: str, judge: Judge) -> Callable[[D], D]:
    """Register the decorated `detect` function as the change kind `name`."""
    if severity not in LEVELS or scope not in SCOPES:
        raise ValueError(f"change kind {name!r}: bad severity {severity!r} or scope {scope!r}")

    def register(detect: D) -> D:
        if name in KINDS:
            raise ValueError(f"change kind {name!r} is registered twice")
        KINDS[name] = ChangeKind(name, severity, scope, summary, detect, judge)
        _BY_SCOPE.clear()
        return detect

    return register


def units(scope: str) -> tuple[ChangeKind, ...]:
    """The registered kinds that look at `scope`, in registration order."""
    if not _BY_SCOPE:
        import harness.diff.kinds  # noqa: F401  (registers the catalogue)

        for s in SCOPES:
            _BY_SCOPE[s] = tuple(k for k in KINDS.values() if k.scope == s)
    return _BY_SCOPE[scope]


def kind(name: str) -> ChangeKind:
    units("schema")
    return KINDS[name]
