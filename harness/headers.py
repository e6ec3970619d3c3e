"""Formats of the signal headers providers send and apps read.

The same functions write these headers in faults and check them in
contracts, so what we emit is what we accept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

_SF_DATE = re.compile(r"^@-?\d{1,15}$")
_IMF_FIXDATE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} GMT$"
)
_GO_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")


def sf_date(epoch: float) -> str:
    """RFC 9745 `Deprecation` value: `@` and Unix seconds."""
    return f"@{int(epoch)}"


def http_date(epoch: float) -> str:
    """RFC 8594 `Sunset` value (IMF-fixdate, literal GMT)."""
    return format_datetime(datetime.fromtimestamp(int(epoch), UTC), usegmt=True)


def parse_http_date(value: str) -> float | None:
    if not _IMF_FIXDATE.match(value.strip()):
        return None
    return parsedate_to_datetime(value).timestamp()


def parse_sf_date(value: str) -> float | None:
    return float(value.strip()[1:]) if _SF_DATE.match(value.strip()) else None


def _deprecation(value: str) -> str | None:
    if parse_sf_date(value) is None:
        return "an RFC 9745 sf-date like '@1688169599' ('true' is from old drafts and invalid)"
    return None


def _sunset(value: str) -> str | None:
    if parse_http_date(value) is None:
        return "an RFC 8594 HTTP-date like 'Sat, 31 Dec 2018 23:59:59 GMT'"
    return None


def _retry_after(value: str) -> str | None:
    value = value.strip()
    if value.isdigit() or parsedate_to_datetime_safe(value):
        return None
    return "delay-seconds (a non-negative integer) or an HTTP-date"


def non_negative_number(value: str) -> str | None:
    try:
        if float(value) >= 0:
            return None
    except ValueError:
        pass
    return "a non-negative number"


def non_empty(value: str) -> str | None:
    return None if value.strip() else "a non-empty value"


def integer(value: str) -> str | None:
    return None if value.strip().isdigit() else "a non-negative integer"


def duration(value: str) -> str | None:
    return None if _GO_DURATION.match(value.strip()) else "a duration like '6m0s' or '12ms'"


def rfc3339(value: str) -> str | None:
    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return None
    except ValueError:
        return "an RFC 3339 timestamp"


def parsedate_to_datetime_safe(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


# The signal headers every provider may send: header name -> check(value) returning
# what was expected, or None when valid. Each provider adds its own (request ids,
# rate-limit headers) in its `Provider` record's `header_formats`.
HEADER_FORMATS: dict[str, Callable[[str], str | None]] = {
    "deprecation": _deprecation,
    "sunset": _sunset,
    "retry-after": _retry_after,
    "retry-after-ms": non_negative_number,
}


def check_format(name: str, value: str) -> str | None:
    """What the header should look like, when `value` does not; None when fine or unknown."""
    check = format_of(name)
    return check(value) if check else None


def format_of(name: str) -> Callable[[str], str | None] | None:
    """The check of header `name`'s values (see `check_format`), or None when it has none:
    what a caller checking many values of one header looks up once."""
    name = name.lower()
    return HEADER_FORMATS.get(name) or _provider_format(name)


# The providers' formats by lower-case header name, made once for each state of the registry
# (`registered()` gives a new tuple when a provider is added or removed): a check of
# thousands of exchanges asks for the same few names each time.
_by_name: tuple[object, dict[str, Callable[[str], str | None] | None]] = ((), {})


def _provider_format(name: str) -> Callable[[str], str | None] | None:
    global _by_name
    from harness import providers

    registered = providers.registered()
    if _by_name[0] is not registered:
        _by_name = (registered, {})
    found = _by_name[1]
    try:
        return found[name]
    except KeyError:
        check = found[name] = next((p.header_formats[name] for p in registered if name in p.header_formats), None)
        return check
