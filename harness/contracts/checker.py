"""check(contract, exchanges) -> violations.

An exchange is matched to an interaction by method and path template. Its
response must fit the interaction's response, or one of the contract's
refusals or errors that apply to that interaction. Signals (headers the
consumer reads) must be well-formed when present, and present when required.
A lifecycle must only use its states and never leave a terminal state.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from harness.contracts.compiled import CompiledSchema
from harness.contracts.model import Contract, Interaction, Outcome, ResponseSpec
from harness.exchange import Exchange, Response
from harness.headers import format_of
from harness.routes import most_specific
from harness.yamlfile import pointer_join

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]


@dataclass(frozen=True)
class Violation:
    contract: str
    interaction: str
    location: str  # status, header, body, event 3 (message_start), stream, lifecycle
    pointer: str  # JSON pointer inside that location ("" for the whole of it)
    expected: str
    actual: str
    exchange: Exchange | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        where = f"{self.location} {self.pointer}".strip() if self.pointer else self.location
        via = f" in {self.exchange.describe()}" if self.exchange else ""
        return f"{self.contract} / {self.interaction}: {where}: expected {self.expected}, got {self.actual}{via}"

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("contract", "interaction", "location", "pointer", "expected", "actual")}
        if self.exchange is not None:
            out["exchange"] = {
                "request": f"{self.exchange.request.method} {self.exchange.request.url}",
                "status": self.exchange.status,
                "source": self.exchange.source,
            }
        return out


@dataclass
class Verification:
    """The result of checking many exchanges against many contracts."""

    contracts: list[Contract]
    checked: int = 0  # exchanges matched to at least one interaction
    unmatched: list[Exchange] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    per_contract: dict[str, int] = field(default_factory=dict)  # contract -> exchanges matched

    @property
    def ok(self) -> bool:
        return not self.violations


# (location, pointer, expected, actual) before it is labelled with contract and interaction.
_Finding = tuple[str, str, str, str]


def match(contract: Contract, exchange: Exchange) -> Interaction | None:
    if exchange.provider not in (None, contract.provider):
        return None
    found = most_specific(contract.interactions, exchange.request.method, exchange.request.path)
    return found[0] if found else None


def check(contract: Contract, exchanges: Iterable[Exchange]) -> list[Violation]:
    return verify([contract], exchanges).violations


def verify(contracts: Sequence[Contract], exchanges: Iterable[Exchange]) -> Verification:
    result = Verification(contracts=list(contracts), per_contract={c.name: 0 for c in contracts})
    matched: dict[str, list[tuple[Interaction, Exchange]]] = {c.name: [] for c in contracts}
    # What a request matches depends only on its provider, method and path: each is looked
    # up once, not once per exchange and contract.
    # With each hit, the contract's refusals and errors that apply to the interaction.
    routed: dict[tuple[str | None, str, str], list[tuple[Contract, Interaction, tuple[Outcome, ...]]]] = {}
    # Each signal header's format, looked up once for the whole run rather than per exchange.
    formats = {signal.header: format_of(signal.header) for contract in contracts for signal in contract.signals}
    for exchange in exchanges:
        request = exchange.request
        key = (exchange.provider, request.method, request.path)
        hits = routed.get(key)
        if hits is None:
            hits = routed[key] = [
                (c, i, tuple(o for o in c.outcomes if o.applies_to(i.name)))
                for c in contracts
                if (i := match(c, exchange)) is not None
            ]
        if not hits or exchange.response is None:
            result.unmatched.append(exchange)
            continue
        result.checked += 1
        for contract, interaction, applicable in hits:
            matched[contract.name].append((interaction, exchange))
            result.violations.extend(_check_exchange(contract, interaction, applicable, exchange, formats))
    for contract in contracts:
        result.per_contract[contract.name] = len(matched[contract.name])
        if contract.lifecycle:
            # A state the body schema already rejected is reported once, by the schema.
            seen = {(id(v.exchange), v.pointer) for v in result.violations}
            result.violations.extend(
                v for v in _check_lifecycle(contract, matched[contract.name]) if (id(v.exchange), v.pointer) not in seen
            )
    return result


_Formats = dict[str, Callable[[str], str | None] | None]


def _check_exchange(
    contract: Contract,
    interaction: Interaction,
    applicable: tuple[Outcome, ...],
    exchange: Exchange,
    formats: _Formats,
) -> list[Violation]:
    def label(findings: list[_Finding], name: str) -> list[Violation]:
        return [Violation(contract.name, name, *f, exchange=exchange) for f in findings]

    response = exchange.response
    assert response is not None
    return label(_check_response(contract, interaction, applicable, response), interaction.name) + label(
        _check_signals(contract, interaction, response, formats), interaction.name
    )


def _check_response(
    contract: Contract, interaction: Interaction, applicable: tuple[Outcome, ...], response: Response
) -> list[_Finding]:
    """`applicable`: the contract's outcomes that apply to `interaction`, in their order."""
    outcomes = [o for o in applicable if response.status in o.response.status]
    primary = interaction.response
    if response.status in primary.status:
        findings = _fit(primary, response)
        if findings and any(not _fit(o.response, response) for o in outcomes):
            return []  # e.g. a failed video job matching the moderation refusal
        return findings
    if not outcomes:
        allowed = sorted(
            set(primary.status).union(*(o.response.status for o in contract.outcomes if o.applies_to(interaction.name)))
        )
        return [("status", "", f"one of {allowed}" if len(allowed) > 1 else str(allowed[0]), str(response.status))]
    tried = [(o, _fit(o.response, response)) for o in outcomes]
    if any(not findings for _, findings in tried):
        return []
    outcome, findings = min(tried, key=lambda t: len(t[1]))
    return [(f"{loc} ({outcome.kind} {outcome.name!r})", ptr, exp, act) for loc, ptr, exp, act in findings]


def _fit(spec: ResponseSpec, response: Response) -> list[_Finding]:
    """How `response` falls short of `spec`; empty when it fits."""
    findings: list[_Finding] = []
    if spec.content_type and not response.content_type.startswith(spec.content_type.lower()):
        findings.append(("header", "/content-type", spec.content_type, response.content_type or "none"))
    for name, validator in spec.headers.items():
        value = response.header(name)
        if value is None:
            findings.append(("header", f"/{name}", "present", "missing"))
        else:
            findings.extend(("header", f"/{name}" + p, e, a) for p, e, a in _schema_findings(validator, value))
    # `json` describes a plain body and `events` (with `last_event`) a streamed one. Given both,
    # each applies to its own kind of body; given one, the other kind of body does not fit.
    wants_events = bool(spec.events) or spec.last_event is not None
    if wants_events and (spec.json is None or response.is_stream):
        findings.extend(_fit_events(spec, response))
    if spec.json is not None and not (wants_events and response.is_stream):
        findings.extend(_fit_json(spec.json, response))
    return findings


def _fit_json(validator: CompiledSchema, response: Response) -> list[_Finding]:
    if response.is_stream:
        return [("body", "", "a JSON body", f"an event stream (text/event-stream) of {len(response.events)} events")]
    body = response.json
    if body is None and response.body.strip() not in (b"null",):
        if validator.schema in (True, {}):
            return []
        got = f"{response.content_type or 'untyped'} body of {len(response.body)} bytes"
        return [("body", "", "a JSON body", got)]
    return [("body", p, e, a) for p, e, a in _schema_findings(validator, body)]


def _fit_events(spec: ResponseSpec, response: Response) -> list[_Finding]:
    if not response.is_stream:
        return [("body", "", "an event stream (text/event-stream)", response.content_type or "no content type")]
    findings: list[_Finding] = []
    events = response.events
    validators, anything = spec.events, spec.events.get("*")
    for i, event in enumerate(events):
        validator = validators.get(event.type) or anything
        if validator is None:
            continue
        data = event.json
        instance = data if data is not None else event.data
        if validator.fits(instance):  # the usual case, asked here: a stream has dozens of events
            continue
        findings.extend((f"event {i} ({event.type})", p, e, a) for p, e, a in _schema_findings(validator, instance))
    if spec.last_event:
        last = events[-1].type if events else "no events"
        if last != spec.last_event:
            findings.append(("stream", "", f"last event {spec.last_event!r}", repr(last)))
    return findings


def _schema_findings(validator: CompiledSchema, instance: Any) -> list[tuple[str, str, str]]:
    if validator.fits(instance):
        return []
    from jsonschema.exceptions import best_match  # only a misfit is explained

    out: list[tuple[str, str, str]] = []
    for error in validator.iter_errors(instance):
        if error.context:
            error = best_match(error.context)
        out.append(_describe_error(error))
    return out


def _describe_error(error: ValidationError) -> tuple[str, str, str]:
    pointer = ""
    for part in error.absolute_path:
        pointer = pointer_join(pointer, part)
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if error.message.count("'") >= 2 else "?"
        return pointer_join(pointer, missing), "present", "missing"
    if kind == "type":
        want = error.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        actual = "null" if error.instance is None else f"{json_type(error.instance)} {_short(error.instance)}"
        return pointer, f"type {want}", actual
    if kind == "enum":
        return pointer, f"one of {_short(error.validator_value, 120)}", _short(error.instance)
    if kind == "const":
        return pointer, _short(error.validator_value), _short(error.instance)
    return pointer, f"{kind} {_short(error.validator_value)}", _short(error.instance)


def json_type(value: Any) -> str:
    """The JSON Schema type name of a parsed JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string" if isinstance(value, str) else "array" if isinstance(value, list) else "object"


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_signals(
    contract: Contract, interaction: Interaction, response: Response, formats: _Formats
) -> list[_Finding]:
    findings: list[_Finding] = []
    for signal in contract.signals:
        if signal.interactions and interaction.name not in signal.interactions:
            continue
        if signal.status and response.status not in signal.status:
            continue
        value = response.header(signal.header)
        if value is None:
            if signal.required:
                findings.append(("header", f"/{signal.header}", "present", "missing"))
            continue
        check = formats[signal.header]
        expected = check(value) if check else None
        if expected:
            findings.append(("header", f"/{signal.header}", expected, repr(value)))
    return findings


def resolve(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer, or raise KeyError."""
    if not pointer:
        return document
    for raw in pointer.lstrip("/").split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(document, list):
            ok = part.isascii() and part.isdigit() and int(part) < len(document)  # not "²", which int() refuses
            document = document[int(part)] if ok else _missing(pointer)
        elif isinstance(document, dict) and part in document:
            document = document[part]
        else:
            _missing(pointer)
    return document


def _missing(pointer: str) -> NoReturn:
    raise KeyError(pointer)


def _check_lifecycle(contract: Contract, matched: list[tuple[Interaction, Exchange]]) -> list[Violation]:
    life = contract.lifecycle
    assert life is not None
    jobs: dict[str, list[tuple[str, Exchange]]] = {}
    for interaction, exchange in matched:
        if life.interactions and interaction.name not in life.interactions:
            continue
        body = exchange.response.json if exchange.response else None
        try:
            job, state = resolve(body, life.id), resolve(body, life.field)
        except (KeyError, TypeError):
            continue
        if isinstance(job, str) and isinstance(state, str):
            jobs.setdefault(job, []).append((state, exchange))
    out: list[Violation] = []

    def add(job: str, expected: str, actual: str, exchange: Exchange) -> None:
        out.append(
            Violation(
                contract.name, f"lifecycle of {job}", "lifecycle", life.field, expected, actual, exchange=exchange
            )
        )

    for job, seen in jobs.items():
        terminal_at: tuple[str, Exchange] | None = None
        first = seen[0][1].started
        for state, exchange in seen:
            if state not in life.states:
                add(job, f"one of {list(life.states)}", repr(state), exchange)
            elif terminal_at and state != terminal_at[0]:
                add(job, f"to stay {terminal_at[0]!r} (a terminal state)", f"{state!r} afterwards", exchange)
            if state in life.terminal and terminal_at is None:
                terminal_at = (state, exchange)
        if life.timeout is not None:
            end = terminal_at[1] if terminal_at else seen[-1][1]
            waited = end.started - first
            if waited > life.timeout:
                what = (
                    f"{terminal_at[0]!r} after {waited:.0f}s"
                    if terminal_at
                    else f"still {seen[-1][0]!r} after {waited:.0f}s"
                )
                add(job, f"a terminal state within {life.timeout:g}s", what, end)
    return out
