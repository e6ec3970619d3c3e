"""Awkward answers: provider response bodies a contract (or the vendor's own
spec) allows but an app rarely sees: `content: null` beside tool calls,
`finish_reason: length`, an empty list where one is allowed, a string value
nobody listed, optional fields left out, huge unicode text, a video job born
`failed`.

    from harness.awkward import answers, answer_with

    CHAT = "provider:openai/chat-completions"

    @given(body=answers(CHAT))
    def test_summary_survives(body):
        with Testbed() as bed:
            openai = bed.double("openai")
            answer_with(openai, CHAT, body)          # the double's next answers: body over its own
            summarise(openai.client(max_retries=0))

Where a schema comes from (`response_schema`): a `Contract`, a contract file,
a shipped baseline (`provider:openai/chat-completions`), or an OpenAPI file
with a `route` ("any answer OpenAI's published spec allows for this route").
Every draw satisfies that schema. A drawn body is laid over the double's own
normal answer (`ResponseSchema.merge`), so fields the schema never mentions
stay realistic and the SDKs still parse it, while fields it mentions and the
draw left out stay out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from harness.awkward.schema import Walker
from harness.contracts.model import Contract, Interaction
from harness.double.call import Call, Reply
from harness.errors import InputError
from harness.routes import Route, RouteSyntaxError, most_specific

if TYPE_CHECKING:
    from harness.double.app import Double
    from harness.testbed import TestbedDouble

__all__ = ["AwkwardReply", "ResponseSchema", "answer_with", "answers", "awkward_double", "response_schema"]


@dataclass(frozen=True)
class ResponseSchema:
    """One route's success body schema, and the document its `$ref`s point into."""

    schema: Any
    root: Any
    label: str  # "openai/chat-completions / create a chat completion", "spec.yaml POST /chat/completions"
    route: Route
    validator: Draft202012Validator = field(compare=False, repr=False)

    def strategy(self) -> st.SearchStrategy[Any]:
        """Every body this schema allows, biased to the awkward ones."""
        return Walker(self.root).strategy(self.schema).filter(self.validator.is_valid)

    def merge(self, normal: Any, drawn: Any) -> Any:
        """`drawn` laid over `normal` (the double's own answer): what the schema mentions
        comes from `drawn` alone; what it does not comes from `normal`."""
        merged = _merge(normal, drawn, self.schema, self.root)
        return merged if self.validator.is_valid(merged) else drawn


def answers(
    source: Contract | str | Path, interaction: str | None = None, *, route: str | None = None
) -> st.SearchStrategy[Any]:
    """A Hypothesis strategy of awkward-but-valid bodies (see `response_schema`)."""
    return response_schema(source, interaction, route=route).strategy()


def response_schema(
    source: Contract | str | Path, interaction: str | None = None, *, route: str | None = None
) -> ResponseSchema:
    """The success body schema of `interaction` (by name) or of `route` ("POST /v1/chat/completions")
    in a contract, a baseline name, a contract file or an OpenAPI file; without either, the first
    interaction with a JSON body."""
    if isinstance(source, Contract):
        return _from_contract(source, interaction, route)
    from harness.contracts.loader import load_path
    from harness.diff.spec import read_data

    text = str(source)
    if not text.startswith("provider:"):
        data = read_data(Path(text), InputError)
        if isinstance(data, dict) and "openapi" in data:
            return _from_spec(data, text, route)
    contracts = load_path(text)
    if len(contracts) != 1:
        raise InputError(f"names {len(contracts)} contracts; name one file or baseline", text)
    return _from_contract(contracts[0], interaction, route)


def _from_contract(contract: Contract, interaction: str | None, route: str | None) -> ResponseSchema:
    chosen: Interaction | None = None
    if interaction is not None:
        try:
            chosen = contract.interaction(interaction)
        except KeyError:
            names = ", ".join(repr(i.name) for i in contract.interactions)
            raise InputError(f"no interaction {interaction!r}; it has {names}", contract.source) from None
    elif route is not None:
        wanted = _route(route, contract.source)
        found = most_specific(contract.interactions, wanted.method or "POST", wanted.template)
        chosen = found[0] if found else None
        if chosen is None:
            raise InputError(f"no interaction answers {route!r}", contract.source)
    else:
        chosen = next((i for i in contract.interactions if i.response.json is not None), None)
    if chosen is None or chosen.response.json is None:
        raise InputError(f"{contract.name}: no interaction with a JSON response body schema", contract.source)
    schema = chosen.response.json.schema
    return ResponseSchema(
        schema, schema, f"{contract.name} / {chosen.name}", chosen.route, Draft202012Validator(schema)
    )


def _from_spec(doc: dict[str, Any], source: str, route: str | None) -> ResponseSchema:
    if route is None:
        raise InputError("an OpenAPI spec needs a route, e.g. 'POST /v1/chat/completions'", source)
    wanted = _route(route, source)
    method = (wanted.method or "post").lower()
    prefixes = [""] + [_server_path(s) for s in doc.get("servers") or [] if isinstance(s, dict)]
    for template, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict) or method not in item:
            continue
        for prefix in prefixes:
            if Route.compile((prefix + template).replace("//", "/")).match(method, wanted.template) is None:
                continue
            schema = _success_schema(item[method])
            if schema is None:
                raise InputError(f"{method.upper()} {template} has no 2xx application/json body schema", source)
            rooted = {**schema, "components": doc.get("components", {})} if isinstance(schema, dict) else schema
            return ResponseSchema(
                schema, doc, f"{Path(source).name} {method.upper()} {template}", wanted, Draft202012Validator(rooted)
            )
    raise InputError(f"no path of the spec answers {route!r}", source)


def _success_schema(operation: Any) -> Any:
    responses = operation.get("responses") or {} if isinstance(operation, dict) else {}
    for status in sorted(str(s) for s in responses):
        if status.startswith("2"):
            content = (responses[status] or {}).get("content") or {}
            media = content.get("application/json")
            if isinstance(media, dict) and "schema" in media:
                return media["schema"]
    return None


def _server_path(server: dict[str, Any]) -> str:
    url = str(server.get("url", ""))
    path = url.split("://", 1)[-1]
    return "/" + path.split("/", 1)[1].rstrip("/") if "/" in path else ""


def _route(text: str, source: str) -> Route:
    try:
        return Route.parse(text)
    except RouteSyntaxError as exc:
        raise InputError(f"bad route: {exc}", source) from None


def _merge(normal: Any, drawn: Any, schema: Any, root: Any) -> Any:
    schema = _deref(schema, root)
    if isinstance(drawn, dict) and isinstance(normal, dict):
        mentioned = _properties(schema, root)
        closed = isinstance(schema, dict) and schema.get("additionalProperties") is False
        out = {} if closed else {k: v for k, v in normal.items() if k not in mentioned}
        for key, value in drawn.items():
            out[key] = _merge(normal.get(key), value, mentioned.get(key, True), root)
        return out
    if isinstance(drawn, list) and isinstance(normal, list) and normal:
        items = schema.get("items", True) if isinstance(schema, dict) else True
        return [_merge(normal[min(i, len(normal) - 1)], value, items, root) for i, value in enumerate(drawn)]
    return drawn


def _deref(schema: Any, root: Any, depth: int = 0) -> Any:
    while isinstance(schema, dict) and "$ref" in schema and depth < 20:
        node = root
        for part in schema["$ref"].lstrip("#").lstrip("/").split("/"):
            node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
        schema, depth = node, depth + 1
    return schema


def _properties(schema: Any, root: Any) -> dict[str, Any]:
    """The property names a schema mentions, in it or its branches, with their schemas."""
    schema = _deref(schema, root)
    if not isinstance(schema, dict):
        return {}
    found = dict(schema.get("properties") or {})
    for key in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(key) or []:
            for name, sub in _properties(branch, root).items():
                found.setdefault(name, sub)
    return found


class AwkwardReply:
    """A double's hook that lays drawn bodies over its answers on `schema.route`.

    `bodies` are used in turn and the last one repeats; `given` keeps what each
    call got, for a report to show beside the app's reaction. Only whole JSON
    answers with a 2xx status change: errors and streams stay the provider's."""

    name = "awkward"

    def __init__(self, schema: ResponseSchema, bodies: list[Any]) -> None:
        if not bodies:
            raise ValueError("no bodies to answer with")
        self.schema, self.bodies = schema, list(bodies)
        self.given: list[Any] = []
        self._lock = threading.Lock()

    def after(self, call: Call, reply: Reply) -> Reply:
        if self.schema.route.match(call.method, call.path) is None:
            return reply
        if reply.events is not None or reply.body is not None or not 200 <= reply.status < 300:
            return reply
        with self._lock:
            body = self.bodies[min(len(self.given), len(self.bodies) - 1)]
            merged = self.schema.merge(reply.json, body)
            self.given.append(merged)
        return Reply(status=reply.status, json=merged, headers=dict(reply.headers), content_type=reply.content_type)


def answer_with(
    double: Double,
    source: Contract | str | Path | ResponseSchema,
    *bodies: Any,
    interaction: str | None = None,
    route: str | None = None,
) -> AwkwardReply:
    """Make `double` lay `bodies` (drawn from `answers(source, ...)`) over its answers on the
    schema's route, in turn, the last repeating. Returns the hook (its `given` lists what went out)."""
    schema = source if isinstance(source, ResponseSchema) else response_schema(source, interaction, route=route)
    hook = AwkwardReply(schema, list(bodies))
    double.hooks.append(hook)
    return hook


@contextmanager
def awkward_double(
    provider: str,
    source: Contract | str | Path | ResponseSchema,
    *bodies: Any,
    interaction: str | None = None,
    route: str | None = None,
    seed: int = 0,
) -> Iterator[TestbedDouble]:
    """A fresh double of `provider`, in its own testbed, that answers with `bodies` on the
    schema's route: one per Hypothesis example, so nothing leaks from one example to the next.

        @given(body=answers(CHAT))
        def test_summary_survives(harness_awkward, body):
            with harness_awkward("openai", CHAT, body) as openai:
                summarise(openai.client(max_retries=0))
    """
    from harness.testbed import Testbed

    with Testbed(seed=seed) as bed:
        double = bed.double(provider)
        answer_with(double, source, *bodies, interaction=interaction, route=route)
        yield double
