"""Event types of a text/event-stream body."""

from __future__ import annotations

from collections.abc import Iterator

from harness.diff.change import BREAKING, RISKY, Change, Hit
from harness.diff.matching import bodies_at
from harness.diff.pairs import StreamPair
from harness.diff.registry import Ruling, change_kind
from harness.diff.usage import Use


def _streams(change: Change, use: Use) -> bool:
    return bool(bodies_at(use, change.location.status, change.location.media_type, None))


def _listens_for(change: Change, use: Use) -> Ruling:
    if _streams(change, use) and change.old in use.events:
        return BREAKING, f"handles the {change.old} event"
    return None


def _switches_on_events(change: Change, use: Use) -> Ruling:
    # A consumer that lists event types switches on them; one it has never seen goes to its default branch.
    if _streams(change, use) and use.events and "*" not in use.events and change.new not in use.events:
        return RISKY, f"switches on {len(use.events)} event types and does not list {change.new}"
    return None


@change_kind(
    "event-type-removed",
    severity=BREAKING,
    scope="stream",
    summary="a stream no longer sends an event type",
    judge=_listens_for,
)
def event_type_removed(pair: StreamPair) -> Iterator[Hit]:
    for event in sorted(pair.old.keys() - pair.new.keys()):
        yield Hit(old=event, event=event)


@change_kind(
    "event-type-added",
    severity=RISKY,
    scope="stream",
    summary="a stream sends a new event type",
    judge=_switches_on_events,
)
def event_type_added(pair: StreamPair) -> Iterator[Hit]:
    for event in sorted(pair.new.keys() - pair.old.keys()):
        yield Hit(new=event, event=event)
