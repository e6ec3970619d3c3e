"""The parts of an operation the walk pairs: parameters, statuses, media types,
headers and the event types of a stream, each resolved through its $refs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TypedDict

from harness.diff.shape import TAGS, Schema, Shape, pinned, schema, shape_of
from harness.diff.spec import METHODS, Node, Operation, Spec

STREAM = "text/event-stream"
EVENTS_EXTENSION = "x-harness-events"  # event type -> schema; written by the cassette diff
_TEMPLATE = re.compile(r"\{([^}/]*)\}")


class _Section(TypedDict):
    """The parameters of one section (query, header, cookie), as an object's fields."""

    properties: dict[str, Schema]
    required: set[str]


def parameters(spec: Spec, op: Operation) -> dict[str, Shape]:
    """Path, query, header and cookie parameters as one object shape per section, so the schema
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
        if param.data.get("required") is True or section == "path":  # a path parameter is always sent
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


def no_parameters(op: Operation, section: str) -> Shape:
    """The parameters of a section an operation does not have: an object with no fields."""
    return Shape(key=("parameters", id(op.node.data), section), types=frozenset({"object"}))


def renamed_path_parameters(new: Shape, new_path: str, old_path: str) -> Shape:
    """The new path parameters under the old names, paired by position in the template:
    `/videos/{id}` and `/videos/{video_id}` take the same value."""
    new_names, old_names = _TEMPLATE.findall(new_path), _TEMPLATE.findall(old_path)
    names = dict(zip(new_names, old_names, strict=False))
    if all(a == b for a, b in names.items()):
        return new
    return replace(
        new,
        properties={names.get(k, k): v for k, v in new.properties.items()},
        required=frozenset(names.get(k, k) for k in new.required),
    )


def security(spec: Spec, op: Operation) -> tuple[str, ...]:
    """The security requirements of an operation, one string per alternative, sorted."""
    own = op.node.data.get("security")
    requirements = own if isinstance(own, list) else spec.root.data.get("security")
    if not isinstance(requirements, list):
        return ()
    out = []
    for alternative in requirements:
        if isinstance(alternative, dict):
            out.append(
                " + ".join(
                    f"{name}({', '.join(map(str, scopes))})" if isinstance(scopes, list) and scopes else str(name)
                    for name, scopes in sorted(alternative.items(), key=lambda kv: str(kv[0]))
                )
                or "none"
            )
    return tuple(sorted(out))


def hooks(spec: Spec, operations: Iterable[Operation]) -> dict[tuple[str, str], Operation]:
    """(method, route) -> operation for each webhook (`webhook NAME`) and each callback of an
    operation (`callback NAME EXPRESSION`, with the operation's route after it)."""
    out: dict[tuple[str, str], Operation] = {}
    root = spec.node()
    webhooks = root.get("webhooks")
    if webhooks is not None and isinstance(webhooks.data, dict):
        for name in webhooks.data:
            out.update(_methods(spec, webhooks.child(name), f"webhook {name}"))
    for op in operations:
        callbacks = op.node.get("callbacks")
        if callbacks is None or not isinstance(callbacks.data, dict):
            continue
        for name in callbacks.data:
            callback = spec.resolve(callbacks.child(name))
            if isinstance(callback.data, dict):
                for expression in callback.data:
                    where = f"callback {name} {expression} of {op.method} {op.path}"
                    out.update(_methods(spec, callback.child(expression), where))
    return out


def _methods(spec: Spec, item: Node, route: str) -> dict[tuple[str, str], Operation]:
    item = spec.resolve(item)
    if not isinstance(item.data, dict):
        return {}
    return {
        (method.upper(), route): Operation(method.upper(), route, item.child(method), item)
        for method in METHODS
        if isinstance(item.data.get(method), dict)
    }


def request_body(spec: Spec, op: Operation) -> Node | None:
    body = op.node.get("requestBody")
    return spec.resolve(body) if body is not None else None


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
