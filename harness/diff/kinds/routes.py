"""Whole operations: gone, new, or on their way out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.diff.change import BREAKING, HARMLESS, RISKY, Change, Hit
from harness.diff.judge_parts import calls_route, not_judged
from harness.diff.pairs import OperationPair
from harness.diff.registry import change_kind
from harness.diff.shape import sunset_extensions
from harness.diff.spec import Operation
from harness.diff.usage import Use


@change_kind(
    "path-removed",
    severity=BREAKING,
    scope="operation",
    summary="a path is gone, with every operation on it",
    judge=calls_route(BREAKING, "calls this route"),
)
def path_removed(pair: OperationPair) -> Iterator[Hit]:
    if not pair.hook and pair.new is None and pair.path_gone and pair.old is not None:
        yield Hit(old=pair.old.route)


@change_kind(
    "operation-removed",
    severity=BREAKING,
    scope="operation",
    summary="one method of a path is gone",
    judge=calls_route(BREAKING, "calls this route"),
)
def operation_removed(pair: OperationPair) -> Iterator[Hit]:
    if not pair.hook and pair.new is None and not pair.path_gone and pair.old is not None:
        yield Hit(old=pair.old.route)


@change_kind("operation-added", severity=HARMLESS, scope="operation", summary="a new path or method", judge=not_judged)
def operation_added(pair: OperationPair) -> Iterator[Hit]:
    if not pair.hook and pair.old is None and pair.new is not None:
        yield Hit(new=pair.new.route)


def deprecation(op: Operation) -> dict[str, Any]:
    """`deprecated` plus any sunset-like extension (x-sunset, x-deprecation-date, ...) on the
    operation or its path item: what a deprecation notice says."""
    notice: dict[str, Any] = {"deprecated": op.node.data.get("deprecated") is True}
    for holder in (op.path_item.data, op.node.data):
        notice.update(sunset_extensions(holder))
    return notice


def _deprecated_route(change: Change, use: Use) -> tuple[str, str]:
    """Advice about a sunset only when the notice gives its date."""
    dates = {k: v for k, v in (change.new or {}).items() if k != "deprecated"}
    if not dates:
        return RISKY, "calls a deprecated route (no sunset date announced)"
    when = ", ".join(f"{k} {v}" for k, v in dates.items())
    return RISKY, f"calls a deprecated route; plan the move before its sunset ({when})"


@change_kind(
    "operation-deprecated",
    severity=RISKY,
    scope="operation",
    summary="an operation is newly deprecated, or its sunset date was set or moved",
    judge=_deprecated_route,
)
def operation_deprecated(pair: OperationPair) -> Iterator[Hit]:
    if pair.old is None or pair.new is None:
        return
    old, new = deprecation(pair.old), deprecation(pair.new)
    dates_old = {k: v for k, v in old.items() if k != "deprecated"}
    dates_new = {k: v for k, v in new.items() if k != "deprecated"}
    if (new["deprecated"] and not old["deprecated"]) or (dates_new and dates_new != dates_old):
        yield Hit(old=old, new=new)


def _dates(notice: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in notice.items() if k != "deprecated"}


@change_kind(
    "sunset-shortened",
    severity=BREAKING,
    scope="operation",
    summary="a deprecated operation's sunset date was removed (it may go at any time) or moved earlier",
    judge=calls_route(RISKY, "calls a deprecated route whose announced sunset is gone or sooner"),
)
def sunset_shortened(pair: OperationPair) -> Iterator[Hit]:
    if pair.old is None or pair.new is None:
        return
    old, new = deprecation(pair.old), deprecation(pair.new)
    before, after = _dates(old), _dates(new)
    if not new["deprecated"] and not after:
        return  # no longer deprecated at all: nothing is going away
    for key, when in sorted(before.items()):
        if key not in after:
            yield Hit(old={key: when}, new=None)
        elif str(after[key]) < str(when) and _is_date(when) and _is_date(after[key]):
            yield Hit(old={key: when}, new={key: after[key]})


def _is_date(value: Any) -> bool:
    """ISO dates (2026-09-24, with or without a time) sort as text."""
    text = str(value)
    return len(text) >= 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit()


@change_kind(
    "security-changed",
    severity=RISKY,
    scope="operation",
    summary="the security requirements of an operation changed (a scheme or scope added, removed or replaced)",
    judge=calls_route(RISKY, "calls a route whose authentication changed"),
)
def security_changed(pair: OperationPair) -> Iterator[Hit]:
    if pair.old is not None and pair.new is not None and pair.old_security != pair.new_security:
        yield Hit(old=", ".join(pair.old_security) or None, new=", ".join(pair.new_security) or None)


@change_kind(
    "webhook-removed",
    severity=BREAKING,
    scope="operation",
    summary="a webhook or callback the provider sent is gone",
    judge=not_judged,  # a contract describes calls to the provider, never calls from it
)
def webhook_removed(pair: OperationPair) -> Iterator[Hit]:
    if pair.hook and pair.new is None and pair.old is not None:
        yield Hit(old=pair.old.route)


@change_kind(
    "webhook-added",
    severity=HARMLESS,
    scope="operation",
    summary="the provider sends a new webhook or callback",
    judge=not_judged,
)
def webhook_added(pair: OperationPair) -> Iterator[Hit]:
    if pair.hook and pair.old is None and pair.new is not None:
        yield Hit(new=pair.new.route)
