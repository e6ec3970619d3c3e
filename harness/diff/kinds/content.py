"""Media types of a request or response body."""

from __future__ import annotations

from collections.abc import Iterator

from harness.diff.change import BREAKING, HARMLESS, Change, Hit
from harness.diff.judge_parts import not_judged
from harness.diff.matching import bodies_at
from harness.diff.pairs import ContentPair
from harness.diff.registry import Ruling, change_kind
from harness.diff.usage import Use


def _uses_media(change: Change, use: Use) -> Ruling:
    gone = change.old
    if change.location.part == "request":
        if use.sent and "json" in gone:
            return BREAKING, f"sends a JSON body; {gone} is no longer accepted"
        return None
    for body in bodies_at(use, change.location.status, gone, None):
        return BREAKING, f"{body.name} is read as {gone}"
    return None


@change_kind(
    "content-type-changed",
    severity=BREAKING,
    scope="content",
    summary="a media type of a body is gone (new: what replaced it, if anything)",
    judge=_uses_media,
)
def content_type_changed(pair: ContentPair) -> Iterator[Hit]:
    added = sorted(pair.new.keys() - pair.old.keys())
    for media in sorted(pair.old.keys() - pair.new.keys()):
        yield Hit(old=media, new=", ".join(added) or None, media_type=media)


@change_kind(
    "content-type-added",
    severity=HARMLESS,
    scope="content",
    summary="a body can also come (or be sent) as another media type",
    judge=not_judged,
)
def content_type_added(pair: ContentPair) -> Iterator[Hit]:
    for media in sorted(pair.new.keys() - pair.old.keys()):
        yield Hit(new=media, media_type=media)
