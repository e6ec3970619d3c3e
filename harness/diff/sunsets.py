"""When a deprecated operation goes away, and whether that leaves its callers enough time.

A deprecation notice (routes.py) is `deprecated` plus the sunset-like extensions an operation
or its path item carries. Its sunset date is the earliest date among the extensions that say
when the operation goes (`x-sunset`, `x-retire...`, `x-shutdown...`, `x-removal...`; not
`x-deprecation-date`, which says when it was deprecated), written as an ISO date
(`2026-09-24`, with or without a time) or as the HTTP date of a `Sunset` header (RFC 8594:
`Sat, 31 Dec 2026 23:59:59 GMT`), which is how recordings carry it.

`SunsetPolicy` is the minimum notice a caller is owed: a sunset sooner than `min_days` after
`on` is too soon. oasdiff has the same policy (`--deprecation-days-stable`); its documentation's
example asks for 180 days, the default here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

DEFAULT_MIN_DAYS = 180
_GOING_WORDS = ("sunset", "retire", "shutdown", "removal")  # not "deprecat": that dates the notice


@dataclass(frozen=True)
class SunsetPolicy:
    on: dt.date  # the day notice is counted from (the day of the diff)
    min_days: int = DEFAULT_MIN_DAYS

    def shortfall(self, notice: Mapping[str, Any]) -> str | None:
        """The notice given, when it is less than asked for (`39 of 180 days`, `past, 180 days
        asked`); None when the sunset is far enough, or there is no sunset date."""
        when = sunset_date(notice)
        if when is None:
            return None
        left = (when - self.on).days
        if left >= self.min_days:
            return None
        return f"{left} of {self.min_days} days" if left >= 0 else f"past, {self.min_days} days asked"


def sunset_date(notice: Mapping[str, Any]) -> dt.date | None:
    """The earliest date at which the notice says the operation goes, if it gives one."""
    dates = [
        d for key, value in notice.items() if says_when_it_goes(key) for d in (parse_date(value),) if d is not None
    ]
    return min(dates, default=None)


def says_when_it_goes(key: Any) -> bool:
    """`x-sunset`, `x-retirement-date`, ...: an extension that dates the end, not the notice."""
    return isinstance(key, str) and any(w in key.lower() for w in _GOING_WORDS)


def parse_date(value: Any) -> dt.date | None:
    """An ISO date or date-time, or an HTTP date; None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None
