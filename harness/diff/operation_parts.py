"""The parts of an operation the walk pairs: parameters, statuses, media types,
headers and the event types of a stream, each resolved through its $refs."""

from __future__ import annotations

from typing import TypedDict

from harness.diff.shape import TAGS, Schema, Shape, pinned, schema, shape_of
from harness.diff.spec import Node, Operation, Spec

STREAM = "text/event-stream"
EVENTS_EXTENSION = "x-harness-events"  # event type -> schema; written by the cassette diff


class _Section(TypedDict):
    """The parameters of one section (query, header, cookie), as an object's fields."""

    properties: dict[str, Schema]
    required: set[str]


def parameters(spec: Spec, op: Operation) -> dict[str, Shape]:
    """Query, header and cookie parameters as one object shape per section, so the schema
    units judge "a required query parameter was added" like "a required field was added"."""
    by_name: dict[tuple[str, str], Node] = {}
    for holder in (op.path_item, op.node):  # the operation's own list overrides the path item's
        params = holder.get("parameters")
        if params is None or not isinstance(params.data, list):
            continue
        for i in range(len(params.data)):
            param = spec.resolve(params.child(i))
            if isinstance(param.data, dict) and isinstance(param.data.get("name"), str):
                by_name[(str(param.data.get("in")), param.data["name"])] = param
    sections: dict[str, _Section] = {}
    for (section, name), param in by_name.items():
        entry = sections.setdefault(section, {"properties": {}, "required": set()})
        sub = param.get("schema")
        entry["properties"][name] = schema(sub) if sub is not None else Schema((param,))
        if param.data.get("required") is True:
            entry["required"].add(name)
    return {
        section: Shape(
            key=("parameters", id(op.node.data), section),
            types=frozenset({"object"}),
            properties=entry["properties"],
            required=frozenset(entry["required"]),
        )
        for section, entry in sections.items()
    }


def statuses(spec: Spec, op: Operation) -> dict[str, Node]:
    responses = op.node.get("responses")
    if responses is None or not isinstance(responses.data, dict):
        return {}
    return {
        str(status).upper() if str(status).lower() != "default" else "default": spec.resolve(responses.child(status))
        for status in responses.data
    }


def content(spec: Spec, holder: Node | None) -> dict[str, Node]:
    if holder is None:
        return {}
    holder = spec.resolve(holder)
    content = holder.get("content")
    if content is None or not isinstance(content.data, dict):
        return {}
    return {str(media).split(";")[0].strip().lower(): spec.resolve(content.child(media)) for media in content.data}


def headers(spec: Spec, response: Node) -> dict[str, Node]:
    headers = response.get("headers")
    if headers is None or not isinstance(headers.data, dict):
        return {}
    return {str(name).lower(): spec.resolve(headers.child(name)) for name in headers.data}


def stream_events(spec: Spec, media: Node) -> dict[str, Schema]:
    """Event type -> data schema of a text/event-stream body.

    The types come from the stream's schema: a oneOf/anyOf of objects whose
    `type` (or `object`) is a constant, or one such object. A stream whose
    schema names no type is one kind of event, SSE's default `message`.
    """
    listed = media.get(EVENTS_EXTENSION)
    if listed is not None and isinstance(listed.data, dict):
        return {str(name): schema(listed.child(name)) for name in listed.data}
    node = media.get("schema")
    if node is None:
        return {}
    whole = schema(node)
    shape = shape_of(spec, whole)
    if shape.variants:
        return {str(value): sub for value, sub in shape.variants.items()}
    for tag in TAGS:
        values = pinned(spec, shape, tag)
        if values:
            return {str(value): whole for value in values}
    return {"message": whole}
