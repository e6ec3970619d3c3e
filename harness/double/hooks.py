"""The fault hook: how the chaos layer acts inside a double.

A fault is any object with a `name` and either or both of
`before(call) -> Reply | None` (answer instead of the provider) and
`after(call, reply) -> Reply` (change the provider's answer). Either may be
async. The double runs the faults in `double.faults`, in order, around every
provider call and records in the exchange the names of those that acted
(a `before` that answered, an `after` whose reply differs from what it got).
A fault that sets `returns_new_reply = True` promises to return the reply it
was given, untouched, when it did not act, so the double skips copying it.

Faults named in a JSON description (`POST /__harness/faults`, scenario
files) are built by the builders registered here; the chaos layer fills this
registry, the double only looks names up.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any, Protocol

from harness.double.call import Call, Reply
from harness.errors import InputError


class Fault(Protocol):
    name: str


FaultBuilder = Callable[[dict[str, Any], Any], Fault]  # (settings, the double) -> fault
BUILDERS: dict[str, FaultBuilder] = {}


def register_fault(name: str, build: FaultBuilder | None = None):
    """Register `build(settings, double) -> fault` under `name`; usable as a decorator."""

    def add(builder: FaultBuilder) -> FaultBuilder:
        BUILDERS[name] = builder
        return builder

    return add(build) if build is not None else add


def build_fault(description: Any, double: Any = None) -> Fault:
    """A fault for `double` from `{"fault": NAME, ...its settings}`; InputError when it cannot be built."""
    if not isinstance(description, dict) or not isinstance(description.get("fault"), str):
        raise InputError('a fault description is a JSON object with a "fault" name, e.g. {"fault": "outage"}')
    name = description["fault"]
    builder = BUILDERS.get(name)
    if builder is None:
        known = ", ".join(sorted(BUILDERS)) or "none registered"
        raise InputError(f"unknown fault {name!r}; known: {known}")
    settings = {k: v for k, v in description.items() if k != "fault"}
    try:
        return builder(settings, double)
    except (TypeError, ValueError) as exc:
        raise InputError(f"fault {name!r}: {exc}") from None


def fault_name(fault: Any) -> str:
    return str(getattr(fault, "name", None) or type(fault).__name__)


async def _resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def run_before(faults: tuple[Any, ...], call: Call) -> tuple[Reply | None, list[str]]:
    """The first short-circuit answer of a fault, if any, and who gave it."""
    for fault in faults:
        before = getattr(fault, "before", None)
        if before is None:
            continue
        reply = await _resolve(before(call))
        if reply is not None:
            return reply, [fault_name(fault)]
    return None, []


async def run_after(faults: tuple[Any, ...], call: Call, reply: Reply) -> tuple[Reply, list[str]]:
    """The answer after every fault's `after`, and the names of those that changed it."""
    acted: list[str] = []
    for fault in faults:
        after = getattr(fault, "after", None)
        if after is None:
            continue
        if getattr(fault, "returns_new_reply", False):
            # It hands back the very reply it got unless it acted: no copy needed on every call.
            changed = await _resolve(after(call, reply))
            if changed is not reply:
                acted.append(fault_name(fault))
            reply = changed
            continue
        # A copy first, so a fault that edits the reply in place still counts as acting.
        before = copy.deepcopy(reply)
        changed = await _resolve(after(call, reply))
        if changed is None:
            changed = reply
        if changed is not reply or changed != before:
            acted.append(fault_name(fault))
        reply = changed
    return reply, acted
