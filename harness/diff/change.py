"""A change between two API versions, and how bad it is.

`Found` is what a change unit reports from where it looks (a pointer relative
to the schema it was handed); the walk turns it into a `Change` by adding the
route, the location and the full pointer. Pointers are JSON pointers into the
body, with `*` standing for "any element" of an array (or value of a map).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

BREAKING, RISKY, HARMLESS = "breaking", "risky", "harmless"
LEVELS = (BREAKING, RISKY, HARMLESS)  # worst first
PLACES_LISTED = 20  # places of one change that JSON lists (`place_count` says how many in all)


@dataclass(frozen=True, slots=True)
class Hit:
    """What a unit's `detect` yields: where (relative to what it was handed) and old -> new.
    The location fields are set by units that look above the body (a status, a media type, an event)."""

    pointer: str = ""
    old: Any = None
    new: Any = None
    status: str | None = None
    media_type: str | None = None
    event: str | None = None


def field_pointer(name: str) -> str:
    """The pointer of property `name` one level down: `/name`, escaped."""
    return "/" + _escape(name)


@dataclass(frozen=True, slots=True)
class Found:
    kind: str
    pointer: str = ""
    old: Any = None
    new: Any = None
    # Where a unit saw it: the schema pair and the pointer within it. The same finding reached
    # through many places (a shared schema under many routes and pointers) has one origin.
    origin: Any = None

    def under(self, segment: str) -> Found:
        return Found(self.kind, f"/{_escape(segment)}{self.pointer}", self.old, self.new, self.origin)


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class Location:
    """Where in an operation a change sits."""

    part: str  # "operation", "request" or "response"
    status: str | None = None  # "200", "4XX", "default"
    media_type: str | None = None  # "application/json", "text/event-stream"
    event: str | None = None  # event type inside a stream
    section: str = "body"  # "body"; "query", "path", "header", "cookie" for parameters; "headers"

    def __str__(self) -> str:
        words = [self.part]
        if self.status:
            words.append(self.status)
        if self.section != "body":
            words.append(self.section)
        if self.media_type:
            words.append(self.media_type)
        if self.event:
            words.append(f"event {self.event}")
        return " ".join(words)


@dataclass(frozen=True)
class Place:
    """One place a change applies: a route, where in it, and the pointer there."""

    method: str
    path: str  # with the servers' base path
    location: Location
    pointer: str
    spec_path: str = ""  # as the spec writes it

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"

    def to_dict(self) -> dict[str, str]:
        return {"route": self.route, "location": str(self.location), "pointer": self.pointer}


@dataclass(frozen=True)
class Change:
    """One distinct change. `method` .. `pointer` name its first place; `places` lists every place
    it applies (a shared schema reached through many routes and pointers is one change)."""

    kind: str
    method: str  # "POST"
    path: str  # with the servers' base path: "/v1/chat/completions"
    location: Location
    pointer: str  # into the body (or parameter/header name), "" for the whole of it
    old: Any
    new: Any
    severity: str  # for any client of the provider: breaking, risky or harmless
    spec_path: str = ""  # the path as the spec writes it, without the base path
    places: tuple[Place, ...] = ()  # every place, the first one first; empty means only the one above

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def place(self) -> Place:
        return Place(self.method, self.path, self.location, self.pointer, self.spec_path)

    def everywhere(self) -> tuple[Place, ...]:
        return self.places or (self.place,)

    def at(self, place: Place) -> Change:
        """This change as seen at one of its places."""
        return replace(
            self,
            method=place.method,
            path=place.path,
            location=place.location,
            pointer=place.pointer,
            spec_path=place.spec_path,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "route": self.route,
            "location": str(self.location),
            "pointer": self.pointer,
            "old": _plain(self.old),
            "new": _plain(self.new),
            "severity": self.severity,
            # Bounded, so output grows with distinct changes, not with the places one reaches.
            "places": [p.to_dict() for p in self.everywhere()[:PLACES_LISTED]],
            "place_count": len(self.everywhere()),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, (frozenset, set, tuple)):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value
