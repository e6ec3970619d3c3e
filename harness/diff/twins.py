"""Skip what did not change: schemas written identically in both versions.

Most of a new version is the old one unchanged; comparing equal data with
`==` (done in C) and skipping it is far cheaper than reading it shape by shape.
"""

from __future__ import annotations

from harness.diff.shape import Schema
from harness.diff.spec import Node, Spec


class Twins:
    """Schemas written identically in both specs, down through every local $ref they reach.

    Most of a new version is the old one unchanged; comparing equal data with
    `==` (in C) and skipping it is far cheaper than reading it shape by shape.
    Every walk here is iterative, so no nesting depth of input can exhaust the
    stack: a schema is a twin when its data is equal and so is the data of
    every $ref reachable from it (a loop of $refs is simply visited once).
    """

    def __init__(self, old: Spec, new: Spec) -> None:
        self.old, self.new = old, new
        self.memo: dict[str, bool] = {}  # ref -> equal, with everything it reaches (True) / differs (False)
        self.refs: dict[int, frozenset[str]] = {}  # id of a dict or list -> the $refs written inside it

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
        return equal(o.data, n.data) and self.same_refs(self.refs_in(o.data))

    def same_refs(self, start: frozenset[str]) -> bool:
        """Is every $ref reachable from `start` written the same in both specs?"""
        todo, seen = list(start), set(start)
        came_from: dict[str, str] = {}
        while todo:
            ref = todo.pop()
            known = self.memo.get(ref)
            if known is True:
                continue  # it and everything it reaches were found equal before
            if known is not False:
                o, n = _local(self.old, ref), _local(self.new, ref)
                # Another file is compared the long way.
                known = ref.startswith("#") and o is not None and n is not None and equal(o, n)
            if known is False:
                while ref is not None:  # every ref on the way here reaches a difference too
                    self.memo[ref] = False
                    ref = came_from.get(ref)  # type: ignore[assignment]
                return False
            for inner in self.refs_in(o) - seen:
                seen.add(inner)
                came_from[inner] = ref
                todo.append(inner)
        for ref in seen:
            self.memo[ref] = True
        return True

    def refs_in(self, data: object) -> frozenset[str]:
        """The $refs written anywhere inside `data`, cached for every dict and list on the way."""
        if not isinstance(data, (dict, list)):
            return frozenset()
        known = self.refs.get(id(data))
        if known is not None:
            return known
        stack: list[tuple[dict | list, bool]] = [(data, False)]
        while stack:
            node, children_done = stack.pop()
            if id(node) in self.refs:
                continue
            children = [c for c in (node.values() if isinstance(node, dict) else node) if isinstance(c, (dict, list))]
            if children_done:
                own = node.get("$ref") if isinstance(node, dict) else None
                found = frozenset({own} if isinstance(own, str) else ()).union(*(self.refs[id(c)] for c in children))
                self.refs[id(node)] = found
            else:
                stack.append((node, True))
                stack.extend((c, False) for c in children if id(c) not in self.refs)
        return self.refs[id(data)]


def equal(a: object, b: object) -> bool:
    """`a == b`; data nested deeper than Python's `==` recurses is taken as different, which is
    always safe: it is then compared the long way, level by level, within the walk's depth limit."""
    try:
        return a == b
    except RecursionError:
        return False


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
