"""The hook: how the chaos layer (or a test) acts inside a double.

A hook is any object with a `name` and either or both of
`before(call) -> Reply | None` (answer instead of the provider) and
`after(call, reply) -> Reply` (change the provider's answer). Either may be
async. The double runs the hooks in `double.hooks`, in order, around every
provider call and records in the exchange the names of those that acted
(a `before` that answered, an `after` whose reply differs from what it got).

The chaos layer's faults reach a double as hooks (`harness.chaos.attach`);
the double itself knows no fault by name.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any, Protocol

from harness.double.call import Call, Reply


class Hook(Protocol):
    """What the double runs around a provider call. Only `name` is required:
    `before` and `after` are each optional, so they are looked up, not declared.

    A hook whose class sets `stands_in_for_provider = True` answers in the
    provider's place (`harness.double.canned`): its `before` runs after every
    other hook's, so faults still act first.

    A hook whose class sets `same_reply_when_idle = True` promises that its
    `after` returns the very reply object it was given, untouched, whenever it
    does not act, so the double needs no copy to tell whether it acted."""

    @property
    def name(self) -> str: ...


def hook_name(hook: Any) -> str:
    return str(getattr(hook, "name", None) or type(hook).__name__)


async def _resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _stands_in(hook: Any) -> bool:
    return bool(getattr(hook, "stands_in_for_provider", False))


async def run_before(hooks: tuple[Hook, ...], call: Call) -> tuple[Reply | None, list[str]]:
    """The first short-circuit answer of a hook, if any, and who gave it. Hooks that stand
    in for the provider (a test's canned answer) are asked last, whenever they were added,
    so a fault acts on the call first, as it would on the provider's own answer."""
    if any(_stands_in(hook) for hook in hooks):
        hooks = tuple(sorted(hooks, key=_stands_in))  # stable: the order among each kind is kept
    for hook in hooks:
        before = getattr(hook, "before", None)
        if before is None:
            continue
        reply = await _resolve(before(call))
        if reply is not None:
            return reply, [hook_name(hook)]
    return None, []


async def run_after(hooks: tuple[Hook, ...], call: Call, reply: Reply) -> tuple[Reply, list[str]]:
    """The answer after every hook's `after`, and the names of those that changed it."""
    acted: list[str] = []
    for hook in hooks:
        after = getattr(hook, "after", None)
        if after is None:
            continue
        if getattr(hook, "same_reply_when_idle", False):
            # Idle, it hands back the very reply it got: no copy needed on every call.
            changed = await _resolve(after(call, reply))
            if changed is not reply:
                acted.append(hook_name(hook))
            reply = changed
            continue
        # A copy first, so a hook that edits the reply in place still counts as acting.
        before = copy.deepcopy(reply)
        changed = await _resolve(after(call, reply))
        if changed is None:
            changed = reply
        if changed is not reply or changed != before:
            acted.append(hook_name(hook))
        reply = changed
    return reply, acted
