"""How much of a file harness will read: every cap in one place.

Files come from elsewhere (a vendor's spec, a teammate's scenario, a cassette
from another repository), so each reader stops at a cap with a clean error
instead of eating the machine. The defaults fit real files with room to
spare: the OpenAI OpenAPI spec is 3 MB, 61,000 values, 21 levels deep and
uses no YAML aliases. Raise a cap with its environment variable, or on the
command line with `--limit NAME=VALUE` (which sets the same variable, so
`chaos run --jobs` workers see it too).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from harness.errors import InputError


@dataclass(frozen=True)
class Limit:
    name: str  # what `--limit NAME=VALUE` calls it
    default: int
    what: str  # for messages: "... is over the cap of N <what>"

    @property
    def variable(self) -> str:
        return f"HARNESS_MAX_{self.name.upper()}"

    def value(self) -> int:
        """The cap now: its variable when set, else the default. Read on each use, so a
        test or a command can raise it without reloading anything."""
        raw = os.environ.get(self.variable)
        if raw is None or not raw.strip():
            return self.default
        return parse(self, raw, self.variable)


MIB = 1024 * 1024
LIMITS = {
    limit.name: limit
    for limit in (
        Limit("document_bytes", 32 * MIB, "bytes in one file"),
        Limit("alias_values", 100_000, "values made by YAML aliases"),
        Limit("depth", 64, "levels of nesting"),
        Limit("body_bytes", 64 * MIB, "bytes in one decompressed cassette body"),
        Limit("interactions", 20_000, "interactions in one cassette"),
        Limit("journal", 50_000, "exchanges kept in one journal"),
    )
}
DOCUMENT_BYTES = LIMITS["document_bytes"]
ALIAS_VALUES = LIMITS["alias_values"]
DEPTH = LIMITS["depth"]
BODY_BYTES = LIMITS["body_bytes"]
INTERACTIONS = LIMITS["interactions"]
JOURNAL = LIMITS["journal"]

_UNITS = {"": 1, "k": 1024, "kib": 1024, "m": MIB, "mib": MIB, "g": 1024 * MIB, "gib": 1024 * MIB}


def parse(limit: Limit, raw: str, where: str) -> int:
    """`100000`, `100_000`, `64MiB`, `2g`: a positive whole number, with an optional binary unit."""
    text = raw.strip().lower().replace("_", "")
    digits = text.rstrip("kmgib")
    unit = text[len(digits) :]
    if not digits.isascii() or not digits.isdigit() or unit not in _UNITS or len(digits) > 15 or int(digits) < 1:
        raise InputError(
            f"{limit.name} must be a positive whole number (a unit k, MiB or GiB allowed), not {raw!r}", where
        )
    return int(digits) * _UNITS[unit]


def set_from_option(text: str) -> None:
    """Apply one `--limit NAME=VALUE` for this process and the processes it starts."""
    name, equals, raw = text.partition("=")
    limit = LIMITS.get(name.strip().replace("-", "_"))
    if limit is None or not equals:
        raise InputError(f"--limit {text!r}: give NAME=VALUE, NAME one of {', '.join(LIMITS)}")
    os.environ[limit.variable] = str(parse(limit, raw, f"--limit {name}"))


def over(limit: Limit, cap: int) -> str:
    """The end of every cap message: what the cap is and how to raise it."""
    return f"over the cap of {cap:,} {limit.what} (raise it with --limit {limit.name}=N or {limit.variable})"
