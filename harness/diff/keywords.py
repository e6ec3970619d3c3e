"""Validation keywords, and which way a change of one moves what a schema accepts.

A request schema that accepts less breaks a consumer whose values fall
outside; a response schema that accepts more breaks a consumer that relied on
the old bounds. So every keyword change is classed "tighter" (fewer values
valid), "looser" (more values valid) or "changed" (some of each, or cannot
tell), and the change units pick the direction that hurts each role.
"""

from __future__ import annotations

from typing import Any

# Upper bounds: lower (or newly set) is tighter.
UPPER = ("maxLength", "maximum", "maxItems", "maxProperties", "maxContains")
# Lower bounds: higher (or newly set) is tighter.
LOWER = ("minLength", "minimum", "minItems", "minProperties", "minContains")
# Keywords whose presence restricts values: added is tighter, removed is looser, changed is both.
PRESENCE = (
    "format",
    "pattern",
    "multipleOf",
    "not",
    "if",  # with its then/else: one rule (shape.py keeps them together)
    "dependentRequired",
    "dependentSchemas",
    "propertyNames",
    "contains",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
    "patternProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalProperties",  # only `false` is kept (a schema is compared as `*`)
    "uniqueItems",
    "prefixItems",
)
# Union and intersection members, counted when there are two or more real ones. allOf parts
# are also merged into the schema (shape.py), so what a new part requires is compared field by
# field; a part added or dropped is reported too, since it may carry what the merge cannot see.
MEMBERS = ("anyOf", "oneOf", "allOf")
EXCLUSIVE = ("exclusiveMinimum", "exclusiveMaximum")
KEYWORDS = UPPER + LOWER + PRESENCE + EXCLUSIVE + MEMBERS
# What a response can drop or loosen without a consumer noticing: annotations more than limits.
ANNOTATIONS = ("format", "pattern", "contentMediaType", "uniqueItems", "allOf")

TIGHTER, LOOSER, CHANGED = "tighter", "looser", "changed"
MISSING: Any = object()


def direction(keyword: str, old: Any, new: Any) -> str:
    """Which way `keyword` going from `old` to `new` (either may be MISSING) moves the accepted values."""
    if keyword == "uniqueItems":
        old, new = old is True, new is True
        return TIGHTER if new and not old else LOOSER
    if keyword == "additionalProperties":  # kept only as `false`
        return TIGHTER if old is MISSING else LOOSER
    if (
        keyword in UPPER
        or keyword in LOWER
        or (keyword in EXCLUSIVE and _number(*(v for v in (old, new) if v is not MISSING)))
    ):
        if old is MISSING:
            return TIGHTER
        if new is MISSING:
            return LOOSER
        if not _number(old, new):
            return CHANGED
        upper = keyword in UPPER or keyword == "exclusiveMaximum"
        return TIGHTER if (new < old) == upper else LOOSER
    if keyword in EXCLUSIVE:  # 3.0's boolean form: true moves the bound in by a hair
        return TIGHTER if new is True and old is not True else LOOSER
    if keyword == "allOf":
        return CHANGED  # a part added may restrict more; one dropped may have been all that did
    if keyword in MEMBERS:
        return _count(new, old)
    if keyword == "prefixItems":
        return CHANGED
    if old is MISSING:
        return TIGHTER
    if new is MISSING:
        return LOOSER
    return CHANGED


def _number(*values: Any) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _count(new: Any, old: Any) -> str:
    """A union with fewer members accepts fewer values."""
    a = 0 if new is MISSING else new
    b = 0 if old is MISSING else old
    return TIGHTER if a < b else LOOSER
