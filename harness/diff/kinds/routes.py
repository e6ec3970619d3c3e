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
from harness.diff.sunsets import parse_date, says_when_it_goes, sunset_date
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


def _dates(notice: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in notice.items() if k != "deprecated"}


def _notices(pair: OperationPair) -> tuple[dict[str, Any], dict[str, Any]] | None:
    if pair.old is None or pair.new is None:
        return None
    return deprecation(pair.old), deprecation(pair.new)


def _moved_earlier(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(extension, old date, new date or None) for each sunset date of a still-deprecated operation
    that was dropped or moved earlier."""
    if not new["deprecated"] and not _dates(new):
        return []  # no longer deprecated at all: nothing is going away
    before, after = _dates(old), _dates(new)
    out: list[tuple[str, Any, Any]] = []
    for key, when in sorted(before.items()):
        if not says_when_it_goes(key):
            continue  # `x-deprecation-date` dates the notice, not the end
        if key not in after:
            out.append((key, when, None))
            continue
        was, now = parse_date(when), parse_date(after[key])
        if was is not None and now is not None and now < was:
            out.append((key, when, after[key]))
    return out


def _too_soon(pair: OperationPair, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """How a new or changed sunset falls short of the policy's notice (a date moved earlier is
    `sunset-shortened`'s, which says so itself)."""
    if pair.sunsets is None or not new["deprecated"] or _moved_earlier(old, new):
        return None
    if old["deprecated"] and sunset_date(old) == sunset_date(new):
        return None  # nothing new was announced: the policy judges notices as they are given
    return pair.sunsets.shortfall(new)


def _deprecated_route(change: Change, use: Use) -> tuple[str, str]:
    """Advice about a sunset only when the notice gives its date."""
    dates = _dates(change.new or {})
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
    notices = _notices(pair)
    if notices is None:
        return
    old, new = notices
    dates_old, dates_new = _dates(old), _dates(new)
    if (new["deprecated"] and not old["deprecated"]) or (dates_new and dates_new != dates_old):
        # One entry per notice: a sunset moved earlier is `sunset-shortened`'s, one too soon `sunset-too-soon`'s.
        if not _moved_earlier(old, new) and _too_soon(pair, old, new) is None:
            yield Hit(old=old, new=new)


def _short_notice(change: Change, use: Use) -> tuple[str, str]:
    new = change.new or {}
    return BREAKING, (
        f"calls a route deprecated with its sunset on {sunset_date(new)}, "
        f"less notice than asked for (notice: {new.get('notice')})"
    )


@change_kind(
    "sunset-too-soon",
    severity=RISKY,
    scope="operation",
    summary="an operation was deprecated (or given a sunset date) with less notice than the minimum asked for",
    judge=_short_notice,
)
def sunset_too_soon(pair: OperationPair) -> Iterator[Hit]:
    notices = _notices(pair)
    if notices is None:
        return
    old, new = notices
    short = _too_soon(pair, old, new)
    if short is not None:
        yield Hit(old=_dates(old) or None, new={**_dates(new), "notice": short})


def _shortened_for(change: Change, use: Use) -> tuple[str, str]:
    new = change.new or {}
    if "notice" in new:
        return BREAKING, (
            f"calls a deprecated route whose sunset moved earlier, to {sunset_date(new)}: "
            f"less notice than asked for (notice: {new['notice']})"
        )
    return RISKY, "calls a deprecated route whose announced sunset is gone or sooner"


@change_kind(
    "sunset-shortened",
    severity=BREAKING,
    scope="operation",
    summary="a deprecated operation's sunset date was removed (it may go at any time) or moved earlier",
    judge=_shortened_for,
)
def sunset_shortened(pair: OperationPair) -> Iterator[Hit]:
    notices = _notices(pair)
    if notices is None:
        return
    old, new = notices
    for key, was, now in _moved_earlier(old, new):
        if now is None:
            yield Hit(old={key: was}, new=None)
            continue
        short = pair.sunsets.shortfall({key: now}) if pair.sunsets is not None else None
        yield Hit(old={key: was}, new={key: now, "notice": short} if short else {key: now})


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
