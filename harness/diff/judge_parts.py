"""The parts change kinds build their `judge` from: judges several kinds share,
and the questions a judge asks of one interaction's use (does it read or send
what changed?).

A judge is called only with interactions that call the change's route; it
answers (level, why) when the change touches what the interaction uses, or
None when it does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from harness.diff.change import Change
from harness.diff.matching import bodies_at, sends, touches
from harness.diff.registry import Judge
from harness.diff.usage import Body, Reading, Use


def calls_route(level: str, why: str) -> Judge:
    """Any interaction that calls the route is affected."""

    def judge(change: Change, use: Use) -> tuple[str, str] | None:
        return level, why

    return judge


def not_judged(change: Change, use: Use) -> None:
    """The change cannot hurt a consumer (something added or loosened)."""
    return None


def response_bodies(change: Change, use: Use) -> list[Body]:
    loc = change.location
    return bodies_at(use, loc.status, loc.media_type, loc.event)


def reads_field(level: str) -> Judge:
    """Affected when a response body the interaction handles reads the field or anything in it."""

    def judge(change: Change, use: Use) -> tuple[str, str] | None:
        for body in response_bodies(change, use):
            if touches(body, change.pointer):
                return level, f"{body.name} reads {change.pointer or 'the body'}"
        return None

    return judge


def sends_field(level: str, why: str) -> Judge:
    """Affected when the example request sends the field."""

    def judge(change: Change, use: Use) -> tuple[str, str] | None:
        if change.location.part == "request" and sends(use, change.location.section, change.pointer):
            return level, f"sends {change.pointer} ({why})"
        return None

    return judge


def readings(change: Change, use: Use) -> Iterable[tuple[Body, Reading | None]]:
    """(body, what it says at exactly the change's pointer) for every body that reads in there."""
    for body in response_bodies(change, use):
        if touches(body, change.pointer):
            yield body, body.reads.get(change.pointer)


def types_named(name: object) -> set[str] | None:
    """`"integer|null"` -> {"integer", "null"}; `"any"` -> None (the inverse of pairs.type_name)."""
    return None if name in (None, "any") else set(str(name).split("|"))


def sent_values(change: Change, use: Use, *, parameters: bool = False) -> tuple[Any, ...]:
    """The values the example request sends where the change is: at a pointer of its body, or
    (with `parameters`) as a query, header or path parameter, whose values are text."""
    if change.location.part != "request":
        return ()
    section = change.location.section
    if section == "body":
        return use.sent.get(change.pointer, ())
    if not parameters or change.pointer.count("/") != 1:
        return ()
    name = change.pointer[1:].replace("~1", "/").replace("~0", "~")
    value = use.parameters.get((section, name.lower() if section == "header" else name))
    return (value,) if value is not None else ()


def encloser_sent(change: Change, use: Use) -> bool:
    """Is the object that holds this field sent at all (the body itself always is)?"""
    parent = change.pointer.rsplit("/", 1)[0]
    return parent == "" or sends(use, change.location.section, parent)
