"""Values as a spec writes them, for people: `true`, `null`, `[a, b]`; never Python's `True`, `None`, `'a'`.

`written` is for a table cell (text unquoted); `quoted` is for a value inside a sentence, where a
string must be told from a number (`sends "4" at /seconds`), so strings get JSON's double quotes.
"""

from __future__ import annotations

import json
from typing import Any


def written(value: Any, *, top: bool = True) -> str:
    """`deprecated: false, x-sunset: 2026-09-24`; nested lists and mappings in brackets."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return " ".join(value.splitlines()) if value else '""'
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{written(k, top=False)}: {written(v, top=False)}" for k, v in value.items())
        return inner if top and inner else "{" + inner + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        inner = ", ".join(written(v, top=False) for v in items)
        return inner if top and inner else "[" + inner + "]"
    return str(value)


def quoted(value: Any) -> str:
    """A value inside a sentence: `"vid-1"`, `4`, `true`, `null`."""
    if isinstance(value, str):
        return json.dumps(" ".join(value.splitlines()), ensure_ascii=False)
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        return written(value, top=False)
    return written(value)
