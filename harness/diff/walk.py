"""Walk two specs side by side and collect every change the units find.

Operations are paired by method and path (parameter names ignored, so
`/videos/{id}` is `/videos/{video_id}`); then statuses, media types,
headers, stream events and schemas, level by level. A schema pair is compared
once and its findings reused wherever it appears again (a `Response` schema
is in many operations and events). A schema that contains itself is cut where
it recurs: what it holds was already reported one level up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from harness.diff import operation_parts as parts
from harness.diff.change import Change, Found, Location
from harness.diff.pairs import ContentPair, HeadersPair, OperationPair, StatusesPair, StreamPair, pair_schemas
from harness.diff.registry import ChangeKind, kind, units
from harness.diff.shape import Schema, Shape, schema, shape_of
from harness.diff.spec import Node, Operation, Spec
from harness.diff.twins import Twins

_PARAM = re.compile(r"\{[^}/]*\}")
# Deeper than any real API nests its schemas; past it, a chain of $refs is cut like a cycle
# rather than running Python out of stack.
MAX_DEPTH = 150
# (old schema's key, new schema's key, role, property name): a comparison, for the memo.
_PairKey = tuple[tuple[Any, ...], tuple[Any, ...], str, str | None]


def diff_specs(old: Spec, new: Spec) -> list[Change]:
    """Every change from `old` to `new`, sorted by route, location and pointer."""
    return _Walk(old, new).run()


def operation_key(op: Operation) -> tuple[str, str]:
    return op.method, _PARAM.sub("{}", op.path.rstrip("/") or "/")


class _Walk:
    def __init__(self, old: Spec, new: Spec) -> None:
        self.old, self.new = old, new
        self.memo: dict[_PairKey, tuple[Found, ...]] = {}
        self.active: dict[_PairKey, int] = {}  # pairs being compared -> depth
        self.low = math.inf
        self.changes: dict[tuple[str, ...], Change] = {}
        self.has_new = True
        self.twins = Twins(old, new)

    # -- collecting ------------------------------------------------------------
    def emit(self, scope: str, pair: object, op: Operation, location: Location) -> None:
        for unit in units(scope):
            for hit in unit.detect(pair):
                where = replace(
                    location,
                    status=hit.status or location.status,
                    media_type=hit.media_type or location.media_type,
                    event=hit.event or location.event,
                )
                self.add(unit, Found(unit.name, hit.pointer, hit.old, hit.new), op, where)

    def add_all(self, found: Iterable[Found], op: Operation, location: Location) -> None:
        for f in found:
            self.add(kind(f.kind), f, op, location)

    def add(self, unit: ChangeKind, found: Found, op: Operation, location: Location) -> None:
        # A route is named by the side that serves it: a removed one under the old base path.
        base = self.new.base_path if self.has_new else self.old.base_path
        change = Change(
            unit.name, op.method, base + op.path, location, found.pointer, found.old, found.new, unit.severity, op.path
        )
        key = (
            change.kind,
            change.method,
            change.path,
            str(change.location),
            change.pointer,
            repr(change.old),
            repr(change.new),
        )
        self.changes.setdefault(key, change)

    # -- operations ------------------------------------------------------------
    def run(self) -> list[Change]:
        old_ops = {operation_key(op): op for op in self.old.operations()}
        new_ops = {operation_key(op): op for op in self.new.operations()}
        new_paths = {path for _, path in new_ops}
        for key in sorted(old_ops.keys() | new_ops.keys(), key=lambda k: (k[1], k[0])):
            o, n = old_ops.get(key), new_ops.get(key)
            pair = OperationPair(o, n, path_gone=n is None and key[1] not in new_paths)
            self.has_new = n is not None
            op = n or o
            assert op is not None  # the key came from one side or the other
            self.emit("operation", pair, op, Location("operation"))
            if o is not None and n is not None:
                self.parameters(o, n)
                self.request(o, n)
                self.responses(o, n)
        return sorted(
            self.changes.values(), key=lambda c: (c.path, c.method, str(c.location), c.pointer, c.kind, repr(c.new))
        )

    def parameters(self, o: Operation, n: Operation) -> None:
        old_params, new_params = parts.parameters(self.old, o), parts.parameters(self.new, n)
        for section in ("query", "header", "cookie"):
            if section in old_params and section in new_params:
                found = self.compare_shapes(old_params[section], new_params[section], "request", None)
                self.add_all(found, n, Location("request", section=section))

    def request(self, o: Operation, n: Operation) -> None:
        old_content = parts.content(self.old, o.node.get("requestBody"))
        new_content = parts.content(self.new, n.node.get("requestBody"))
        if not old_content and not new_content:
            return
        self.emit("content", ContentPair("request", old_content, new_content), n, Location("request"))
        for media in old_content.keys() & new_content.keys():
            self.body(old_content[media], new_content[media], "request", n, Location("request", media_type=media))

    def responses(self, o: Operation, n: Operation) -> None:
        old_statuses, new_statuses = parts.statuses(self.old, o), parts.statuses(self.new, n)
        self.emit("statuses", StatusesPair(old_statuses, new_statuses), n, Location("response"))
        for status in sorted(old_statuses.keys() & new_statuses.keys()):
            old_resp, new_resp = old_statuses[status], new_statuses[status]
            self.emit(
                "headers",
                HeadersPair(parts.headers(self.old, old_resp), parts.headers(self.new, new_resp)),
                n,
                Location("response", status, section="headers"),
            )
            old_content, new_content = parts.content(self.old, old_resp), parts.content(self.new, new_resp)
            self.emit("content", ContentPair("response", old_content, new_content), n, Location("response", status))
            for media in sorted(old_content.keys() & new_content.keys()):
                where = Location("response", status, media)
                if media.startswith(parts.STREAM):
                    self.stream(old_content[media], new_content[media], n, where)
                else:
                    self.body(old_content[media], new_content[media], "response", n, where)

    def stream(self, old_media: Node, new_media: Node, op: Operation, where: Location) -> None:
        old_events, new_events = parts.stream_events(self.old, old_media), parts.stream_events(self.new, new_media)
        self.emit("stream", StreamPair(old_events, new_events), op, where)
        for event in sorted(old_events.keys() & new_events.keys()):
            found = self.compare(old_events[event], new_events[event], "response", None)
            self.add_all(found, op, Location(where.part, where.status, where.media_type, event))

    def body(self, old_media: Node, new_media: Node, role: str, op: Operation, where: Location) -> None:
        old_schema, new_schema = old_media.get("schema"), new_media.get("schema")
        if old_schema is not None and new_schema is not None:
            self.add_all(self.compare(schema(old_schema), schema(new_schema), role, None), op, where)

    # -- schemas -----------------------------------------------------------------
    def compare(self, old: Schema, new: Schema, role: str, name: str | None) -> tuple[Found, ...]:
        key = (old.key, new.key, role, name)
        done = self.memo.get(key)
        if done is not None:
            return done
        depth = self.active.get(key)
        if depth is not None:  # recursion: the same pair is being compared further up
            self.low = min(self.low, depth)
            return ()
        mine = len(self.active)
        if mine >= MAX_DEPTH:
            self.low = min(self.low, 0)  # incomplete: never cache what was cut here
            return ()
        self.active[key] = mine
        outer_low, self.low = self.low, math.inf
        found: tuple[Found, ...]
        try:
            if self.twins.same(old, new):
                found = ()
            else:
                found = self.compare_shapes(shape_of(self.old, old), shape_of(self.new, new), role, name)
        finally:
            del self.active[key]
        if self.low >= mine:  # complete: it did not stop at a pair still open above it
            self.memo[key] = found
        self.low = min(outer_low, self.low)
        return found

    def compare_shapes(self, o: Shape, n: Shape, role: str, name: str | None) -> tuple[Found, ...]:
        pair = pair_schemas(o, n, role, name, self.old, self.new)
        out: list[Found] = [
            Found(unit.name, hit.pointer, hit.old, hit.new) for unit in units("schema") for hit in unit.detect(pair)
        ]
        if _may_be(o, "object") and _may_be(n, "object"):
            for prop in pair.matched:
                out.extend(f.under(prop) for f in self.compare(o.properties[prop], n.properties[prop], role, prop))
            if o.additional is not None and n.additional is not None:
                out.extend(f.under("*") for f in self.compare(o.additional, n.additional, role, None))
        if o.items is not None and n.items is not None and _may_be(o, "array") and _may_be(n, "array"):
            out.extend(f.under("*") for f in self.compare(o.items, n.items, role, None))
        if o.variants and n.variants and o.tag == n.tag:
            for value in o.variants.keys() & n.variants.keys():
                out.extend(self.compare(o.variants[value], n.variants[value], role, name))
        elif pair.old_variants and pair.new_variants and bool(o.variants) != bool(n.variants):
            for value in pair.old_variants.keys() & pair.new_variants.keys():
                out.extend(self.compare_shapes(pair.old_variants[value], pair.new_variants[value], role, name))
        return tuple(out)


def _may_be(shape: Shape, json_type: str) -> bool:
    return shape.types is None or json_type in shape.types
