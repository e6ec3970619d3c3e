"""The request body itself: may a consumer leave it out?"""

from __future__ import annotations

from collections.abc import Iterator

from harness.diff.change import BREAKING, Change, Hit
from harness.diff.pairs import BodyPair
from harness.diff.registry import Ruling, change_kind
from harness.diff.usage import Use


def _required(body: object) -> bool:
    data = getattr(body, "data", None)
    return isinstance(data, dict) and data.get("required") is True


def _sends_no_body(change: Change, use: Use) -> Ruling:
    if use.body_sent:
        return None
    return BREAKING, "sends no request body, which is now required"


@change_kind(
    "request-body-required",
    severity=BREAKING,
    scope="body",
    summary="the request body became required, or a required body was added",
    judge=_sends_no_body,
)
def body_required(pair: BodyPair) -> Iterator[Hit]:
    if _required(pair.new) and not _required(pair.old):
        yield Hit(old="optional" if pair.old is not None else None, new="required")
