"""Skip what did not change: schemas written identically in both versions.

Most of a new version is the old one unchanged; comparing equal data with
`==` (done in C) and skipping it is far cheaper than reading it shape by shape.
"""

from __future__ import annotations

import math

from harness.diff.shape import Schema
from harness.diff.spec import Node, Spec


class Twins:
    """Schemas written identically in both specs, down through every local $ref they reach.

    Most of a new version is the old one unchanged; comparing equal data with
    `==` (in C) and skipping it is far cheaper than reading it shape by shape.
    A $ref that loops back is taken as the same while it is being checked; a
    "same" that rested on such an assumption is not cached, a "different" is.
    """

    def __init__(self, old: Spec, new: Spec) -> None:
        self.old, self.new = old, new
        self.memo: dict[str, bool] = {}
        self.active: dict[str, int] = {}
        self.low = math.inf
        self.refs: dict[int, frozenset[str]] = {}

    def same(self, old: Schema, new: Schema) -> bool:
        if len(old.parts) != 1 or len(new.parts) != 1:
            return False
        o, n = old.parts[0], new.parts[0]
        if (
            not isinstance(o, Node)
            or not isinstance(n, Node)
            or o.doc is not self.old.root
            or n.doc is not self.new.root
        ):
            return False
        return o.data == n.data and all(self.same_ref(ref) for ref in self.refs_in(o.data))

    def same_ref(self, ref: str) -> bool:
        if not ref.startswith("#"):
            return False  # another file: compared the long way
        if ref in self.memo:
            return self.memo[ref]
        if ref in self.active:
            self.low = min(self.low, self.active[ref])
            return True
        mine = len(self.active)
        self.active[ref] = mine
        outer_low, self.low = self.low, math.inf
        try:
            o = _local(self.old, ref)
            n = _local(self.new, ref)
            result = o is not None and n is not None and o == n and all(self.same_ref(r) for r in self.refs_in(o))
        finally:
            del self.active[ref]
        if not result or self.low >= mine:
            self.memo[ref] = result
        self.low = min(outer_low, self.low)
        return result

    def refs_in(self, data: object) -> frozenset[str]:
        if isinstance(data, dict):
            known = self.refs.get(id(data))
            if known is None:
                own = data.get("$ref")
                known = frozenset({own} if isinstance(own, str) else ()).union(
                    *(self.refs_in(v) for v in data.values() if isinstance(v, (dict, list)))
                )
                self.refs[id(data)] = known
            return known
        if isinstance(data, list):
            return frozenset().union(*(self.refs_in(v) for v in data if isinstance(v, (dict, list))))
        return frozenset()


def _local(spec: Spec, ref: str) -> object | None:
    """The value a local $ref names in `spec`'s main document, or None (the long way reports the error)."""
    data: object = spec.root.data
    for raw in ref[1:].split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(data, dict) and key in data:
            data = data[key]
        else:
            return None
    return data
