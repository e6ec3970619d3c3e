"""Two sets of recordings, compared by the shapes they show.

Each set of exchanges becomes a small OpenAPI document that says only what
was seen: per route (named by the contract interaction that calls it) and
status, the JSON types of every field, which fields were always there, the
event types of streams, the headers a consumer watches (Deprecation and
Sunset among them) and, for fields a contract lists values for, the values
seen. Values that always differ between runs (ids, timestamps, generated
text) are never compared, only their types. The two documents then go
through the same walk and catalogue as two published specs.

Absence in recordings is weak evidence: a route or an error status that was
simply not exercised in the new run is not reported as removed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from harness.contracts.model import Contract
from harness.diff.change import Change
from harness.diff.operation_parts import EVENTS_EXTENSION
from harness.diff.spec import Spec, spec_from_data
from harness.diff.sunsets import SunsetPolicy
from harness.diff.usage import Use, uses_of
from harness.diff.walk import diff_specs
from harness.exchange import Exchange, Response
from harness.yamlfile import pointer_join

WATCHED_HEADERS = ("deprecation", "sunset")
# Not seeing something in the new run is not the provider removing it.
_NOT_EVIDENCE = ("path-removed", "operation-removed", "enum-value-removed")


def diff_exchanges(
    old: Iterable[Exchange], new: Iterable[Exchange], contracts: Iterable[Contract], sunsets: SunsetPolicy | None = None
) -> list[Change]:
    """Changes in what the provider sent, from the `old` recordings to the `new` ones."""
    uses = uses_of(contracts)
    before = spec_from_exchanges(old, uses, "old recordings")
    after = spec_from_exchanges(new, uses, "new recordings")
    return [c for c in diff_specs(before, after, sunsets) if _is_evidence(c)]


def _is_evidence(change: Change) -> bool:
    if change.kind in _NOT_EVIDENCE:
        return False
    # An error status seen only in the old run (a 429 that day) says nothing about the new API.
    return not (change.kind == "status-removed" and not str(change.old).startswith("2"))


def spec_from_exchanges(exchanges: Iterable[Exchange], uses: list[Use], source: str) -> Spec:
    groups: dict[tuple[str, str], list[Response]] = defaultdict(list)
    callers: dict[tuple[str, str], list[Use]] = {}
    for exchange in exchanges:
        if exchange.response is None:
            continue
        method, path = exchange.request.method.upper(), exchange.request.path
        matching = [u for u in uses if u.route.match(method, path) is not None]
        best = max(matching, key=lambda u: u.route.specificity, default=None)
        template = best.route.template if best is not None else path
        key = (method, template)
        groups[key].append(exchange.response)
        if key not in callers:
            callers[key] = [u for u in matching if best is not None and u.route.template == template]
    paths: dict[str, dict[str, Any]] = {}
    for (method, template), items in sorted(groups.items()):
        paths.setdefault(template, {})[method.lower()] = _operation(items, callers[(method, template)])
    return spec_from_data(
        {"openapi": "3.1.0", "info": {"title": source, "version": "observed"}, "paths": paths}, source
    )


def _operation(responses: list[Response], uses: list[Use]) -> dict[str, Any]:
    # Requests are left out: they show what the app sent, not what the provider changed.
    op: dict[str, Any] = {"responses": {}}
    watched = set(WATCHED_HEADERS)
    for use in uses:
        watched |= use.signals | use.required_signals | {h for b in use.bodies for h in b.headers}
    by_status: dict[int, list[Response]] = defaultdict(list)
    for response in responses:
        by_status[response.status].append(response)
        notice = response.header("deprecation")
        if notice is not None:
            op["deprecated"] = True
            sunset = response.header("sunset")
            if sunset:
                op["x-sunset"] = sunset
    for status, group in sorted(by_status.items()):
        op["responses"][str(status)] = _response(status, group, uses, watched)
    return op


def _response(status: int, group: list[Response], uses: list[Use], watched: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"description": f"seen {len(group)} times"}
    headers = {name for name in watched if all(response.header(name) is not None for response in group)}
    if headers:
        out["headers"] = {name: {"schema": {"type": "string"}} for name in sorted(headers)}
    by_media: dict[str, list[Response]] = defaultdict(list)
    for response in group:
        if not response.body:
            continue
        media = response.content_type or "application/octet-stream"
        by_media[media].append(response)
    content: dict[str, Any] = {}
    for media, responses in by_media.items():
        if responses[0].is_stream:
            content[media] = {EVENTS_EXTENSION: _events(responses, status, uses)}
            continue
        bodies = [r.json for r in responses if r.json is not None]
        content[media] = {"schema": infer(bodies, _listed(uses, status, None))} if bodies else {}
    if content:
        out["content"] = content
    return out


def _events(responses: list[Response], status: int, uses: list[Use]) -> dict[str, Any]:
    by_type: dict[str, list[Any]] = defaultdict(list)
    for response in responses:
        for event in response.events:
            by_type[event.type].append(event.json if event.json is not None else event.data)
    return {name: infer(values, _listed(uses, status, name)) for name, values in sorted(by_type.items())}


def _listed(uses: list[Use], status: int, event: str | None) -> frozenset[str]:
    """Pointers whose values the contracts list (enum/const): only there are string values compared."""
    out: set[str] = set()
    for use in uses:
        for body in use.bodies:
            if status in body.statuses and body.stream == (event is not None) and body.event in (event, "*", None):
                out.update(p for p, reading in body.reads.items() if reading.enum is not None)
    return frozenset(out)


def infer(values: list[Any], listed: frozenset[str] = frozenset(), pointer: str = "") -> dict[str, Any]:
    """A JSON Schema that says what `values` have in common: types, fields always present,
    item shapes, and for pointers in `listed`, the string values seen."""
    types: set[str] = set()
    objects: list[dict[str, Any]] = []
    arrays: list[list[Any]] = []
    strings: set[str] = set()
    for value in values:
        if value is None:
            types.add("null")
        elif isinstance(value, bool):
            types.add("boolean")
        elif isinstance(value, int):
            types.add("integer")
        elif isinstance(value, float):
            types.add("number")
        elif isinstance(value, str):
            types.add("string")
            strings.add(value)
        elif isinstance(value, list):
            types.add("array")
            arrays.append(value)
        elif isinstance(value, dict):
            types.add("object")
            objects.append(value)
    if "number" in types:
        types.discard("integer")  # 1 and 0.5 in one field: a number
    schema: dict[str, Any] = {}
    if types:
        schema["type"] = sorted(types) if len(types) > 1 else next(iter(types))
    if objects:
        names = list(dict.fromkeys(k for o in objects for k in o))
        schema["properties"] = {
            name: infer([o[name] for o in objects if name in o], listed, pointer_join(pointer, name)) for name in names
        }
        always = [name for name in names if all(name in o for o in objects)]
        if always:
            schema["required"] = always
    elements = [item for a in arrays for item in a]
    if elements:
        schema["items"] = infer(elements, listed, pointer + "/*")
    if strings and pointer in listed:
        schema["enum"] = sorted(strings)
    return schema
