"""Does a value a consumer sends fall outside a validation keyword's new setting?

Answers True (it does: the consumer breaks), False (it meets it) or None
(cannot tell here: a format, a union member count, or a keyword whose
subschemas point elsewhere with `$ref`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import SchemaError  # type: ignore[import-untyped]

from harness.diff.keywords import MEMBERS
from harness.diff.shape import hashable

_UNKNOWABLE = ("format", "contentMediaType", "contentEncoding", "contentSchema", "schema", *MEMBERS)
_NUMERIC = ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "multipleOf")


def violates(new: Any, old: Any, value: Any) -> bool | None:
    """`new` / `old`: `{keyword: setting}` as the change reports them (None when absent)."""
    if not isinstance(new, dict) or len(new) != 1:
        return None  # the keyword was dropped, leaving only what else the schema says
    ((key, setting),) = new.items()
    if key in _NUMERIC and isinstance(value, str):
        try:
            value = float(value)  # a query or path parameter is sent as text
        except ValueError:
            return None
    if key == "nullable":
        return value is None and setting is False
    if key == "enum":
        return hashable(value) not in set(setting) and str(value) not in {str(v) for v in setting}
    if key in _UNKNOWABLE:
        return None
    if isinstance(setting, str) and key not in ("pattern", "const"):
        try:
            setting = json.loads(setting)  # subschemas are kept as JSON text, so they hash
        except ValueError:
            return None
    if "$ref" in json.dumps(setting, default=str):
        return None
    if key == "const" and isinstance(setting, str):
        try:
            setting = json.loads(setting) if isinstance(value, (dict, list)) else setting
        except ValueError:
            return None
    rule = setting if key == "if" else {key: setting}  # `if` is kept with its then/else
    try:
        return not Draft202012Validator(rule).is_valid(value)
    except (
        SchemaError,
        re.error,
        TypeError,
        ValueError,
    ):  # a pattern Python cannot read, a setting of the wrong type: not ours to judge
        return None
