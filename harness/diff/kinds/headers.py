"""Response headers an operation documents (retry-after, x-request-id, ...)."""

from __future__ import annotations

from collections.abc import Iterator

from harness.diff.change import BREAKING, HARMLESS, RISKY, Change, Hit, field_pointer
from harness.diff.judge_parts import not_judged
from harness.diff.matching import bodies_at
from harness.diff.pairs import HeadersPair
from harness.diff.registry import Ruling, change_kind
from harness.diff.spec import Node
from harness.diff.usage import Use


def _reads_header(change: Change, use: Use) -> Ruling:
    name = change.pointer[1:].replace("~1", "/").replace("~0", "~")
    if not bodies_at(use, change.location.status, None, None):
        return None
    if name in use.required_signals:
        return BREAKING, f"requires the {name} header"
    if name in use.signals or any(name in b.headers for b in use.bodies):
        return RISKY, f"reads the {name} header"
    return None


def _required(header: Node) -> bool:
    return isinstance(header.data, dict) and header.data.get("required") is True


@change_kind(
    "response-header-removed",
    severity=RISKY,
    scope="headers",
    summary="a documented optional response header is gone",
    judge=_reads_header,
)
def header_removed(pair: HeadersPair) -> Iterator[Hit]:
    for name in sorted(pair.old.keys() - pair.new.keys()):
        if not _required(pair.old[name]):
            yield Hit(field_pointer(name), old=name)


@change_kind(
    "required-header-removed",
    severity=BREAKING,
    scope="headers",
    summary="a response header documented as always sent (required) is gone",
    judge=_reads_header,
)
def required_header_removed(pair: HeadersPair) -> Iterator[Hit]:
    for name in sorted(pair.old.keys() - pair.new.keys()):
        if _required(pair.old[name]):
            yield Hit(field_pointer(name), old=name)


def _relies_on_header(change: Change, use: Use) -> Ruling:
    ruling = _reads_header(change, use)
    return (ruling[0], ruling[1] + ", which may now be missing") if ruling else None


@change_kind(
    "response-header-optional",
    severity=BREAKING,
    scope="headers",
    summary="a response header is no longer always sent (no longer required)",
    judge=_relies_on_header,
)
def header_optional(pair: HeadersPair) -> Iterator[Hit]:
    for name in sorted(pair.old.keys() & pair.new.keys()):
        if _required(pair.old[name]) and not _required(pair.new[name]):
            yield Hit(field_pointer(name), old="required", new="optional")


@change_kind(
    "response-header-added",
    severity=HARMLESS,
    scope="headers",
    summary="a new response header is documented",
    judge=not_judged,
)
def header_added(pair: HeadersPair) -> Iterator[Hit]:
    for name in sorted(pair.new.keys() - pair.old.keys()):
        yield Hit(field_pointer(name), new=name)
