"""What a consumer's contracts use, read off as pointers and values.

For every interaction: the route it calls, what its example request sends
(pointer -> values, the model), and for every response it handles (the main
one, each refusal and error, each stream event type) the pointers its schema
constrains with what it says there (required, types, listed values). A
lifecycle's states count as listed values of its state field: the consumer
switches on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from harness.contracts.checker import json_type
from harness.contracts.model import Contract, Interaction, ResponseSpec
from harness.diff.operation_parts import STREAM
from harness.routes import Route
from harness.yamlfile import pointer_join


@dataclass(frozen=True)
class Reading:
    """What a contract says about one pointer it reads."""

    required: bool = False
    types: frozenset[str] | None = None  # None: any type; may hold "null"
    enum: frozenset | None = None  # values it lists (enum/const)

    def accepts_type(self, json_type: str) -> bool:
        if self.types is None:
            return True
        return json_type in self.types or (json_type == "integer" and "number" in self.types)


@dataclass(frozen=True)
class Body:
    """One kind of response the consumer handles."""

    name: str  # "response", "refusal 'prompt blocked'", "event response.completed"
    statuses: tuple[int, ...]
    stream: bool = False
    event: str | None = None  # the event type, for a stream ("*": any event)
    content_type: str | None = None
    reads: Mapping[str, Reading] = field(default_factory=dict)
    headers: frozenset[str] = frozenset()  # lower-case response headers its schema reads


@dataclass(frozen=True)
class Use:
    """What one contract interaction relies on."""

    contract: str
    consumer: str
    interaction: str
    method: str
    path: str  # the contract's request path (a template or a literal)
    route: Route
    sent: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)  # pointer -> values the example request sends
    query: frozenset[str] = frozenset()
    request_headers: frozenset[str] = frozenset()
    body_sent: bool = False  # the example request has a body
    parameters: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (section, name) -> value sent
    bodies: tuple[Body, ...] = ()
    events: frozenset[str] = frozenset()  # event types it lists (and its last event)
    signals: frozenset[str] = frozenset()  # response headers it reads
    required_signals: frozenset[str] = frozenset()

    @property
    def model(self) -> Any:
        values = self.sent.get("/model")
        return values[0] if values else None


def uses_of(contracts: Iterable[Contract]) -> list[Use]:
    return [use_of(c, i) for c in contracts for i in c.interactions]


def use_of(contract: Contract, interaction: Interaction) -> Use:
    request = interaction.request
    bodies = list(_bodies("response", interaction.response))
    for outcome in contract.outcomes:
        if outcome.applies_to(interaction.name):
            bodies.extend(_bodies(f"{outcome.kind} {outcome.name!r}", outcome.response))
    life = contract.lifecycle
    if life is not None and (not life.interactions or interaction.name in life.interactions):
        states = Reading(enum=frozenset(life.states))
        bodies = [
            replace(b, reads=_merge_reads(b.reads, {life.field: states}, "all"))
            if b.name == "response" and not b.stream
            else b
            for b in bodies
        ]
    signals = [s for s in contract.signals if not s.interactions or interaction.name in s.interactions]
    response = interaction.response
    return Use(
        contract=contract.name,
        consumer=contract.consumer,
        interaction=interaction.name,
        method=request.method.upper(),
        path=request.path,
        route=interaction.route,
        sent=_sent(request.json),
        query=frozenset(request.query),
        request_headers=frozenset(h.lower() for h in request.headers),
        body_sent=request.json is not None,
        parameters={
            **{("query", k): v for k, v in request.query.items()},
            **{("header", k.lower()): v for k, v in request.headers.items()},
            **{("path", k): v for k, v in request.params.items()},
        },
        bodies=tuple(bodies),
        events=frozenset(response.events) | ({response.last_event} if response.last_event else frozenset()),
        signals=frozenset(s.header for s in signals) | frozenset(response.headers),
        required_signals=frozenset(s.header for s in signals if s.required),
    )


def _bodies(name: str, spec: ResponseSpec) -> Iterable[Body]:
    headers = frozenset(spec.headers)
    stream_only = spec.content_type is not None and spec.content_type.lower().startswith(STREAM)
    if spec.json is not None or not (spec.events or stream_only):
        reads = reads_of(spec.json.schema) if spec.json is not None else {}
        yield Body(name, spec.status, False, None, spec.content_type, reads, headers)
    for event, validator in spec.events.items():
        yield Body(
            f"{name} event {event}", spec.status, True, event, spec.content_type, reads_of(validator.schema), headers
        )
    if stream_only and not spec.events:
        yield Body(f"{name} stream", spec.status, True, "*", spec.content_type, {}, headers)


# -- reading contract schemas ------------------------------------------------------


def reads_of(schema: Any) -> dict[str, Reading]:
    """Pointer -> Reading for every place a contract schema constrains."""
    return _reads(schema, schema, "", ())


def _reads(node: Any, root: Any, pointer: str, active: tuple[str, ...]) -> dict[str, Reading]:
    if node is True:
        return {pointer: Reading()}
    if not isinstance(node, dict):
        return {}
    out: dict[str, Reading] = {pointer: _own(node)}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#") and ref not in active:
        target = _local(root, ref)
        if target is not None:
            out = _merge_reads(out, _reads(target, root, pointer, active + (ref,)), "all")
    props = node.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            out = _merge_reads(out, _reads(sub, root, pointer_join(pointer, name), active), "all")
    required = node.get("required")
    if isinstance(required, list):
        for name in required:
            if isinstance(name, str):
                child = pointer_join(pointer, name)
                out[child] = replace(out.get(child, Reading()), required=True)
    for word in ("items", "additionalProperties"):
        if isinstance(node.get(word), dict):
            out = _merge_reads(out, _reads(node[word], root, pointer + "/*", active), "all")
    for sub in node.get("prefixItems", []) if isinstance(node.get("prefixItems"), list) else []:
        out = _merge_reads(out, _reads(sub, root, pointer + "/*", active), "all")
    for sub in node.get("allOf", []) if isinstance(node.get("allOf"), list) else []:
        out = _merge_reads(out, _reads(sub, root, pointer, active), "all")
    for word in ("anyOf", "oneOf"):
        branches = node.get(word)
        if isinstance(branches, list) and branches:
            union = _reads(branches[0], root, pointer, active)
            for sub in branches[1:]:
                union = _merge_reads(union, _reads(sub, root, pointer, active), "any")
            out = _merge_reads(out, union, "all")
    return out


def _own(node: dict[str, Any]) -> Reading:
    raw = node.get("type")
    types = frozenset([raw]) if isinstance(raw, str) else frozenset(raw) if isinstance(raw, list) else None
    values = [node["const"]] if "const" in node else node.get("enum") if isinstance(node.get("enum"), list) else None
    enum = frozenset(v for v in values if isinstance(v, (str, int, float, bool))) if values is not None else None
    if types is None and values is not None:
        # `{const: x}` or `{enum: [...]}` alone still fixes the type; null is allowed only if listed.
        types = frozenset(json_type(v) for v in values)
    return Reading(False, types, enum)


def _local(root: Any, ref: str) -> Any:
    node = root
    for raw in ref[1:].split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def _merge_reads(a: Mapping[str, Reading], b: Mapping[str, Reading], mode: str) -> dict[str, Reading]:
    """ "all": both hold (allOf, nesting); "any": one of them holds (anyOf/oneOf branches)."""
    out = dict(a)
    for pointer, rb in b.items():
        ra = out.get(pointer)
        if ra is None:
            out[pointer] = rb if mode == "all" else replace(rb, required=False)
        else:
            out[pointer] = _merge(ra, rb, mode)
    if mode == "any":
        for pointer in a.keys() - b.keys():
            out[pointer] = replace(out[pointer], required=False)
    return out


def _merge(a: Reading, b: Reading, mode: str) -> Reading:
    if mode == "all":
        types = b.types if a.types is None else a.types if b.types is None else (a.types & b.types or a.types | b.types)
        enum = b.enum if a.enum is None else a.enum if b.enum is None else a.enum & b.enum
        return Reading(a.required or b.required, types, enum)
    types = None if a.types is None or b.types is None else a.types | b.types
    enum = None if a.enum is None or b.enum is None else a.enum | b.enum
    return Reading(a.required and b.required, types, enum)


def _sent(value: Any, pointer: str = "", out: dict[str, tuple[Any, ...]] | None = None) -> dict[str, tuple[Any, ...]]:
    out = {} if out is None else out
    if pointer:
        out[pointer] = out.get(pointer, ()) + (value,)
    if isinstance(value, dict):
        for key, sub in value.items():
            _sent(sub, pointer_join(pointer, key), out)
    elif isinstance(value, list):
        for sub in value:
            _sent(sub, pointer + "/*", out)
    return out
