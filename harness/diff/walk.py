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
import sys
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from harness.diff import operation_parts as parts
from harness.diff.change import Change, Found, Location, Place
from harness.diff.kinds.enums import MODEL_FIELDS
from harness.diff.pairs import (
    BodyPair,
    ContentPair,
    HeadersPair,
    OperationPair,
    StatusesPair,
    StreamPair,
    pair_schemas,
)
from harness.diff.registry import ChangeKind, kind, units
from harness.diff.shape import MAX_NESTING, Schema, Shape, schema, shape_of
from harness.diff.spec import Node, Operation, Spec
from harness.diff.sunsets import SunsetPolicy
from harness.diff.twins import Twins
from harness.gc_pause import gc_paused

_PARAM = re.compile(r"\{[^}/]*\}")
# Deeper than any real API nests its schemas. Past it the walk stops and says so with a
# `depth-limit-reached` change at that pointer, rather than running Python out of stack.
MAX_DEPTH = 250
# (old schema's key, new schema's key, role, property name): a comparison, for the memo.
_PairKey = tuple[tuple[Any, ...], tuple[Any, ...], str, str | None]


# Python frames the walk may stack at most: MAX_DEPTH schema levels of a few frames each, plus
# shape.MAX_NESTING for reading one schema. The limits above are what stops a deep input, and
# they report where; this only makes sure Python's own limit is never the one reached.
_FRAMES = 8 * MAX_DEPTH + 8 * MAX_NESTING + 1000


@gc_paused()
def diff_specs(old: Spec, new: Spec, sunsets: SunsetPolicy | None = None) -> list[Change]:
    """Every change from `old` to `new`, sorted by route, location and pointer. With `sunsets`,
    a deprecation whose sunset comes sooner than its minimum notice is `sunset-too-soon`."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _FRAMES))
    try:
        return _Walk(old, new, sunsets).run()
    finally:
        sys.setrecursionlimit(limit)


def operation_key(op: Operation) -> tuple[str, str]:
    return op.method, _PARAM.sub("{}", op.path.rstrip("/") or "/")


class _Walk:
    def __init__(self, old: Spec, new: Spec, sunsets: SunsetPolicy | None = None) -> None:
        self.old, self.new = old, new
        self.sunsets = sunsets
        self.memo: dict[_PairKey, tuple[Found, ...]] = {}
        self.active: dict[_PairKey, int] = {}  # pairs being compared -> depth
        self.low = math.inf
        self.changes: dict[tuple[Any, ...], Change] = {}
        self.places: dict[tuple[Any, ...], dict[Place, None]] = {}
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
        if not op.path.startswith("/"):
            base = ""  # a webhook or callback is named, not served under the base path
        place = Place(op.method, base + op.path, location, found.pointer, op.path)
        # A finding inside a schema is one change wherever that schema is used; one above the
        # body (an operation, a status, a header) is one per route.
        where: tuple[Any, ...] = (found.origin,) if found.origin is not None else (place,)
        key = (unit.name, *where, repr(found.old), repr(found.new))
        if key not in self.changes:
            self.changes[key] = Change(
                unit.name,
                place.method,
                place.path,
                location,
                found.pointer,
                found.old,
                found.new,
                unit.severity,
                op.path,
            )
            self.places[key] = {}
        self.places[key][place] = None

    # -- operations ------------------------------------------------------------
    def run(self) -> list[Change]:
        old_ops = {operation_key(op): op for op in self.old.operations()}
        new_ops = {operation_key(op): op for op in self.new.operations()}
        new_paths = {path for _, path in new_ops}
        for key in sorted(old_ops.keys() | new_ops.keys(), key=lambda k: (k[1], k[0])):
            o, n = old_ops.get(key), new_ops.get(key)
            pair = OperationPair(
                o,
                n,
                path_gone=n is None and key[1] not in new_paths,
                old_security=parts.security(self.old, o) if o is not None else (),
                new_security=parts.security(self.new, n) if n is not None else (),
                sunsets=self.sunsets,
            )
            self.has_new = n is not None
            op = n or o
            assert op is not None  # the key came from one side or the other
            self.emit("operation", pair, op, Location("operation"))
            if o is not None and n is not None:
                self.parameters(o, n)
                self.request(o, n)
                self.responses(o, n)
        self.hooks(parts.hooks(self.old, old_ops.values()), parts.hooks(self.new, new_ops.values()))
        return sorted((self.grouped(key, c) for key, c in self.changes.items()), key=_order)

    def hooks(self, old: dict[tuple[str, str], Operation], new: dict[tuple[str, str], Operation]) -> None:
        """Webhooks and callbacks: requests the provider sends to the consumer. Their bodies are
        read by the consumer (compared as responses); what it answers is what it sends."""
        for key in sorted(old.keys() | new.keys(), key=lambda k: (k[1], k[0])):
            o, n = old.get(key), new.get(key)
            self.has_new = n is not None
            op = n or o
            assert op is not None
            self.emit("operation", OperationPair(o, n, hook=True), op, Location("operation"))
            if o is None or n is None:
                continue
            old_content = parts.content(self.old, parts.request_body(self.old, o))
            new_content = parts.content(self.new, parts.request_body(self.new, n))
            for media in sorted(old_content.keys() & new_content.keys()):
                where = Location("request", media_type=media)
                self.body(old_content[media], new_content[media], "response", n, where)

    def grouped(self, key: tuple[Any, ...], change: Change) -> Change:
        places = sorted(self.places[key], key=_place_order)
        if len(places) == 1:
            return change
        return replace(change.at(places[0]), places=tuple(places))

    def parameters(self, o: Operation, n: Operation) -> None:
        old_params, new_params = parts.parameters(self.old, o), parts.parameters(self.new, n)
        if "path" in new_params:
            new_params["path"] = parts.renamed_path_parameters(new_params["path"], n.path, o.path)
        for section in ("path", "query", "header", "cookie"):
            if section in old_params or section in new_params:
                # A section only one side has is compared against an empty one: the first
                # required query parameter is a change like any other.
                old_section = old_params.get(section) or parts.no_parameters(o, section)
                new_section = new_params.get(section) or parts.no_parameters(n, section)
                found = self.compare_shapes(old_section, new_section, "request", None)
                self.add_all(found, n, Location("request", section=section))

    def request(self, o: Operation, n: Operation) -> None:
        old_body, new_body = parts.request_body(self.old, o), parts.request_body(self.new, n)
        self.emit("body", BodyPair(old_body, new_body), n, Location("request"))
        old_content = parts.content(self.old, old_body)
        new_content = parts.content(self.new, new_body)
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
            old_headers, new_headers = parts.headers(self.old, old_resp), parts.headers(self.new, new_resp)
            where = Location("response", status, section="headers")
            self.emit("headers", HeadersPair(old_headers, new_headers), n, where)
            for name in sorted(old_headers.keys() & new_headers.keys()):
                old_schema, new_schema = old_headers[name].get("schema"), new_headers[name].get("schema")
                if old_schema is not None and new_schema is not None:
                    found = self.compare(schema(old_schema), schema(new_schema), "response", name)
                    self.add_all((f.under(name) for f in found), n, where)
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
        elif (old_schema is None) != (new_schema is None):
            # A body that had no schema got one (a request now checked), or lost it (a response
            # that may now hold anything).
            gained = new_schema is not None
            unit = "request-constraint-tightened" if role == "request" else "response-constraint-loosened"
            if gained == (role == "request"):
                self.add(kind(unit), Found(unit, "", *_schema_presence(gained)), op, where)

    # -- schemas -----------------------------------------------------------------
    def compare(self, old: Schema, new: Schema, role: str, name: str | None) -> tuple[Found, ...]:
        # A bare `$ref` is the schema it names, and units care only whether a level is a field
        # (and whether it is `model`): so one shared schema under 10^5 properties is compared once.
        old, new = _through_ref(self.old, old), _through_ref(self.new, new)
        if role == "response":
            parts = _same_parts(old, new)
            if parts is not None:
                # A field that several variants of a union declare: each declaration is compared
                # with its own next version, so an edit to one is reported as that edit (and is
                # the same change as where that variant is read on its own), not as the blur of
                # all of them. A value read there may come from any of them, so nothing is lost.
                return tuple(f for a, b in parts for f in self.compare(schema(a), schema(b), role, name))
        name = _name_class(name)
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
            return (Found("depth-limit-reached", "", None, {"levels": MAX_DEPTH}, (old.key, new.key, role)),)
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
            Found(unit.name, hit.pointer, hit.old, hit.new, _origin(o, n, role, hit.pointer))
            for unit in units("schema")
            for hit in unit.detect(pair)
        ]
        if _may_be(o, "object") and _may_be(n, "object"):
            for prop in pair.matched:
                out.extend(f.under(prop) for f in self.compare(o.properties[prop], n.properties[prop], role, prop))
            if o.additional is not None and n.additional is not None:
                out.extend(f.under("*") for f in self.compare(o.additional, n.additional, role, None))
            for pattern in o.patterns.keys() & n.patterns.keys():
                out.extend(f.under("*") for f in self.compare(o.patterns[pattern], n.patterns[pattern], role, None))
        if o.items is not None and n.items is not None and _may_be(o, "array") and _may_be(n, "array"):
            out.extend(f.under("*") for f in self.compare(o.items, n.items, role, None))
        if o.variants and n.variants and o.tag == n.tag:
            for value in o.variants.keys() & n.variants.keys():
                out.extend(self.compare(o.variants[value], n.variants[value], role, name))
        elif pair.old_variants and pair.new_variants and bool(o.variants) != bool(n.variants):
            for value in pair.old_variants.keys() & pair.new_variants.keys():
                out.extend(self.compare_shapes(pair.old_variants[value], pair.new_variants[value], role, name))
        return tuple(out)


def _origin(o: Shape, n: Shape, role: str, pointer: str) -> tuple[Any, ...]:
    """What a finding is a change of, so that one edit seen from many places is one change.

    A finding about one property (gone, added, now optional) is a change of that property's
    declaration, not of the object around it: an object that takes the property through `allOf`
    (`FunctionToolCallOutputResource` from `FunctionToolCallOutput`) sees the same edit. Anything
    else is a change of the schema pair, whether that pair was reached as a field's value, an
    array's items or a variant."""
    name = pointer[1:].replace("~1", "/").replace("~0", "~") if pointer.count("/") == 1 else None
    if name is not None and (name in o.properties or name in n.properties):
        old, new = o.properties.get(name), n.properties.get(name)
        return ("property", old.key if old else None, new.key if new else None, role, pointer)
    return (o.key, n.key, role, pointer)


# Keywords beside a `$ref` that change nothing about the values it takes.
_ANNOTATIONS = frozenset({"$ref", "description", "title", "example", "examples", "$comment"})


def _through_ref(spec: Spec, sch: Schema) -> Schema:
    if len(sch.parts) != 1:
        return sch
    node = sch.parts[0]
    if not isinstance(node, Node) or not isinstance(node.data, dict) or "$ref" not in node.data:
        return sch
    if any(k not in _ANNOTATIONS and not str(k).startswith("x-") for k in node.data):
        return sch
    return schema(spec.resolve(node))


def _same_parts(old: Schema, new: Schema) -> list[tuple[Node, Node]] | None:
    """The parts of two unions paired by where each is written, when both list the same places
    (a part added or dropped changes what the union means, so it is compared whole)."""
    if old.mode != "any" or new.mode != "any" or len(old.parts) != len(new.parts):
        return None
    olds = {p.pointer: p for p in old.parts if isinstance(p, Node)}
    news = {p.pointer: p for p in new.parts if isinstance(p, Node)}
    if len(olds) != len(old.parts) or olds.keys() != news.keys():
        return None
    return [(olds[k], news[k]) for k in olds]


def _name_class(name: str | None) -> str | None:
    """What a unit may ask of a level's property name: is there one, and is it `model`?"""
    return name if name is None or name in MODEL_FIELDS else "(field)"


def _schema_presence(gained: bool) -> tuple[Any, Any]:
    return (None, {"schema": "given"}) if gained else ({"schema": "given"}, None)


def _place_order(p: Place) -> tuple[str, ...]:
    return (p.path, p.method, str(p.location), p.pointer)


def _order(c: Change) -> tuple[str, ...]:
    return (c.path, c.method, str(c.location), c.pointer, c.kind, repr(c.new))


def _may_be(shape: Shape, json_type: str) -> bool:
    return shape.types is None or json_type in shape.types
