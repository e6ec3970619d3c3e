"""Scenario files: the app, the doubles, a fault timeline on the virtual clock,
steps sent to the app, and expectations read from the journal.
`docs/scenarios.md` is the reference; every mistake is one error naming
file, line and column."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from harness import schemas, yamlfile
from harness.catalogue.config import MODELS as CATALOGUE_MODELS
from harness.catalogue.config import models_option
from harness.chaos.app import _PLACEHOLDER as PLACEHOLDER  # the one syntax of {name}s, requests and app alike
from harness.chaos.app import fill
from harness.chaos.fault import FAULTS, Fault, fault_type, load_faults, make
from harness.chaos.schedule import MAX_DAYS, PER_CALL_KEYS, Schedule, split_schedule
from harness.chaos.schedule import SCHEMA as SCHEDULE_SCHEMA
from harness.errors import InputError
from harness.fuzz.plan import FORMAT as FUZZ_FORMAT
from harness.fuzz.plan import Plan
from harness.providers import names as provider_names
from harness.routes import Route, RouteSyntaxError

# A run rehearses days to years; a day past a century is a typo (1e30), and reaches
# date arithmetic that overflows, so it is refused where it is written.
_DAYS = {"type": "number", "minimum": 0, "maximum": MAX_DAYS}
# `start` as epoch seconds: from 1970 up to the last second of year 9999, what dates can show.
MAX_EPOCH = 253_402_300_799
_STATUS = {"type": "integer", "minimum": 100, "maximum": 599}
_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["path"],
    "properties": {
        "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
        "path": {"type": "string", "pattern": "^/"},
        "json": {},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
        "timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_DAYS * 86_400},
    },
}
_STEP_EXPECT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "status": {"oneOf": [_STATUS, {"type": "array", "items": _STATUS}]},
        "json": {},
        "schema": {"type": ["object", "boolean"]},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
_SELECT = {
    "provider": {"type": "string"},
    "route": {"type": "string"},
    "steps": {"type": "array", "items": {"type": "integer", "minimum": 0}},
}
# Each expectation kind and its own keys, beside the selectors every kind accepts.
EXPECTATIONS: dict[str, dict[str, Any]] = {
    "served_by": {"served_by": {"type": ["string", "null"]}},
    "max_calls": {"max_calls": {"type": "integer", "minimum": 0}},
    "min_calls": {"min_calls": {"type": "integer", "minimum": 0}},
    "fault_acted": {"fault_acted": {"type": "string"}},
    "retry_after_honoured": {"retry_after_honoured": {"type": "boolean"}},
    "max_attempts": {"max_attempts": {"type": "integer", "minimum": 1}},
}
FORMAT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["scenario", "doubles", "app", "steps"],
    "properties": {
        "scenario": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "seed": {"type": "integer"},
        "start": {"type": ["string", "number"]},
        "doubles": {
            "oneOf": [
                {"type": "array", "items": {"enum": list(provider_names())}, "minItems": 1},
                {
                    "type": "object",
                    "propertyNames": {"enum": list(provider_names())},
                    "minProperties": 1,
                    "additionalProperties": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "job_seconds": {"type": "number", "exclusiveMinimum": 0},
                            "strict": {"type": "boolean"},
                            "models": CATALOGUE_MODELS,  # beyond the provider's catalogue (harness/catalogue/)
                        },
                    },
                },
            ]
        },
        "app": {
            "type": "object",
            "additionalProperties": False,
            "required": ["url"],
            "properties": {
                "command": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                "url": {"type": "string"},
                "env": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
                "cwd": {"type": "string"},
                "ready": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "path": {"type": "string", "pattern": "^/"},
                        "timeout": {"type": "number", "exclusiveMinimum": 0},
                    },
                },
            },
        },
        "timeline": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["fault"],
                "properties": {
                    "fault": {"type": "string"},
                    "provider": {"enum": list(provider_names())},
                    "route": {"type": "string"},
                    **SCHEDULE_SCHEMA,
                },
            },
        },
        "steps": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["request"],
                "properties": {
                    "name": {"type": "string"},
                    "at": _DAYS,
                    "request": _REQUEST,
                    "expect": _STEP_EXPECT,
                    "save": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
        "probes": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["request"],
                "properties": {"name": {"type": "string"}, "request": _REQUEST, "expect": _STEP_EXPECT},
            },
        },
        "expect": {"type": "array", "items": {"type": "object", "minProperties": 1}},
        "fuzz": FUZZ_FORMAT,
    },
}
_FORMAT = Draft202012Validator(FORMAT)
_WHERE_KEYS = ("fault", "provider", "route")


@dataclass(frozen=True)
class Entry:
    """One timeline entry: a fault, where and when."""

    fault: Fault
    schedule: Schedule
    provider: str | None
    route: Route | None
    line: int

    @property
    def network(self) -> bool:
        return self.fault.layer == "network"


@dataclass(frozen=True)
class Step:
    index: int
    name: str
    at: float  # virtual day
    request: dict[str, Any]
    expect: dict[str, Any]
    save: dict[str, str]
    line: int
    # `expect.schema` compiled at load: checked against the meta-schema, refs confined.
    schema: Draft202012Validator | None = field(default=None, compare=False, repr=False)

    def filled(self, saved: Mapping[str, str], kind: str = "step") -> tuple[dict[str, Any], dict[str, Any]]:
        """The request and the expect with each `{name}` replaced by the value an earlier
        step saved as `name`, so `expect: {json: {id: "{id}"}}` compares the saved id."""
        where = f"{kind} {self.index}"
        return fill(self.request, saved, where), fill(self.expect, saved, f"{where} expect")


@dataclass(frozen=True)
class Expectation:
    kind: str  # one of EXPECTATIONS
    value: Any
    provider: str | None
    route: Route | None
    steps: tuple[int, ...]  # empty: the whole run
    line: int
    text: str  # as written, for reports


@dataclass(frozen=True)
class Scenario:
    name: str
    source: str
    folder: Path
    seed: int
    start: float  # epoch seconds of virtual day 0
    doubles: dict[str, dict[str, Any]]
    app: dict[str, Any]
    timeline: tuple[Entry, ...]
    steps: tuple[Step, ...]
    probes: tuple[Step, ...] = ()
    expect: tuple[Expectation, ...] = ()
    description: str = ""
    positions: dict[str, int] = field(default_factory=dict, compare=False)
    fuzz: Plan | None = None  # generated requests after every step (harness/fuzz/)


def load(path: str | Path, *, seed: int | None = None) -> Scenario:
    doc = yamlfile.load(path)
    return _read(doc, Path(path).resolve().parent, seed)


def loads(text: str, source: str = "<scenario>", folder: Path = Path("."), *, seed: int | None = None) -> Scenario:
    return _read(yamlfile.loads(text, source), folder, seed)


def _read(doc: yamlfile.Document, folder: Path, seed: int | None) -> Scenario:
    confinement = schemas.Confinement(folder.resolve(), (folder.resolve(), *schemas.allowed_dirs()))
    if doc.data is None:
        raise doc.error("the file is empty; a scenario needs keys scenario, doubles, app, steps")
    yamlfile.check_format(doc, _FORMAT, "the scenario")
    data = doc.data
    from harness.chaos.faults._shared import epoch

    try:
        start = epoch(data.get("start", "2026-01-01"), "start")
    except ValueError as exc:
        raise doc.error(str(exc), "/start") from None
    assert start is not None  # the format takes a date or a number there, never null
    if not 0 <= start <= MAX_EPOCH:
        raise doc.error(f"start must be a date from 1970 to 9999, not {data['start']!r}", "/start")
    doubles = data["doubles"]
    doubles = {name: {} for name in doubles} if isinstance(doubles, list) else doubles
    for name, options in doubles.items():
        try:  # what the format cannot say: real dates, in order
            models_option(name, options.get("models"), doc.source)
        except InputError as exc:
            raise doc.error(exc.message, f"/doubles/{name}/models") from None
    timeline = tuple(_entry(doc, item, i, doubles, start) for i, item in enumerate(data.get("timeline", [])))
    steps = tuple(_step(doc, item, i, "steps", confinement) for i, item in enumerate(data["steps"]))
    for before, after in itertools.pairwise(steps):
        if after.at < before.at:
            raise doc.error(
                f"steps must go forward in time: step {after.index} is at day {after.at}, "
                f"before step {before.index} (day {before.at})",
                f"/steps/{after.index}/at",
            )
    probes = tuple(_step(doc, item, i, "probes", confinement) for i, item in enumerate(data.get("probes", [])))
    _check_saved_names(doc, steps, probes)
    expect = tuple(_expectation(doc, item, i, len(steps), doubles) for i, item in enumerate(data.get("expect", [])))
    return Scenario(
        name=data["scenario"],
        source=doc.source,
        folder=folder,
        seed=seed if seed is not None else data.get("seed", 0),
        start=start,
        doubles=doubles,
        app=_app(doc, data["app"], confinement, doubles),
        timeline=timeline,
        steps=steps,
        probes=probes,
        expect=expect,
        description=data.get("description", ""),
        fuzz=_fuzz(doc, data["fuzz"], folder) if "fuzz" in data else None,
    )


def _fuzz(doc: yamlfile.Document, item: dict[str, Any], folder: Path) -> Plan:
    """The fuzz block, its spec read now: a missing or broken spec fails the load, not the run."""
    from harness.fuzz import spec

    where = item["openapi"]
    if not spec.is_url(where):
        try:
            spec.locate(where, folder.resolve())
        except ValueError as exc:
            raise doc.error(f"fuzz.openapi: {exc}", "/fuzz/openapi") from None
    defaults = Plan(spec.Spec(where))
    return Plan(
        spec.read(where, folder.resolve()),
        item.get("max_examples", defaults.max_examples),
        item.get("seconds", defaults.seconds),
        doc.position("/fuzz")[0],
    )


def _route(doc: yamlfile.Document, text: str, pointer: str) -> Route:
    try:
        return Route.parse(text)
    except RouteSyntaxError as exc:
        raise doc.error(f"bad route pattern: {exc}", pointer) from None


def _entry(doc: yamlfile.Document, item: dict[str, Any], i: int, doubles: dict[str, Any], start: float) -> Entry:
    pointer = f"/timeline/{i}"
    provider = item.get("provider")
    if provider is not None and provider not in doubles:
        raise doc.error(
            f"provider {provider!r} has no double in this scenario (doubles: {', '.join(doubles)})",
            f"{pointer}/provider",
        )
    when, params = split_schedule({k: v for k, v in item.items() if k not in _WHERE_KEYS})
    name = item["fault"]
    try:
        # Days on the timeline become what the fault takes (deprecated: epoch seconds).
        fault = make(name, fault_type(name).on_timeline(params, item.get("at", 0), start))
    except InputError as exc:
        bad = next((k for k in params if f"parameter {k!r}" in exc.message), None)
        raise doc.error(exc.message, f"{pointer}/{bad}" if bad else f"{pointer}/fault", key=bool(bad)) from None
    if fault.layer == "network":
        # A toxic sits on the connection, not on a request: only the timeline window applies.
        for key in ("route", *PER_CALL_KEYS):
            if key in item:
                raise doc.error(
                    f"{key!r} does not apply to the network fault {name!r}: it acts on the "
                    f"provider's connection between `at` and `until`",
                    f"{pointer}/{key}",
                    key=True,
                )
    try:
        schedule = Schedule(**when)
    except ValueError as exc:
        raise doc.error(str(exc), pointer) from None
    route = _route(doc, item["route"], f"{pointer}/route") if "route" in item else None
    return Entry(fault=fault, schedule=schedule, provider=provider, route=route, line=doc.position(pointer)[0])


# What the runner fills into the app section (besides `{<double>.url}`).
APP_PLACEHOLDERS = ("port", "scenario_dir", "python")


def _app(
    doc: yamlfile.Document, app: dict[str, Any], confinement: schemas.Confinement, doubles: dict[str, Any]
) -> dict[str, Any]:
    """The app section, its `{name}`s known, and `cwd` made an absolute path inside the
    scenario's folder tree (or a folder allowed with --allow-dir): a scenario from
    elsewhere cannot start its command in any folder of this machine."""
    known = [*APP_PLACEHOLDERS, *(f"{name}.url" for name in doubles)]
    for part in ("command", "env", "url"):
        for pointer, name in _placeholders(app.get(part), f"/app/{part}"):
            if name not in known:
                listed = ", ".join(f"{{{k}}}" for k in known)
                raise doc.error(f"unknown placeholder {{{name}}} in app.{part}; known: {listed}", pointer)
    if "cwd" not in app:
        return app
    try:
        cwd = confinement.path(app["cwd"])
    except ValueError as exc:
        raise doc.error(f"app.cwd: {exc}", "/app/cwd") from None
    return {**app, "cwd": str(cwd)}


def _step(doc: yamlfile.Document, item: dict[str, Any], i: int, key: str, confinement: schemas.Confinement) -> Step:
    pointer = f"/{key}/{i}"
    request = {"method": "GET", **item["request"]}
    for name, path in item.get("save", {}).items():
        if not path.startswith(("json.", "headers.", "status")):
            raise doc.error(
                f"save {name!r}: say where from, e.g. json.id, headers.x-request-id or status", f"{pointer}/save/{name}"
            )
    return Step(
        index=i,
        name=item.get("name") or f"{request['method']} {request['path']}",
        at=item.get("at", 0),
        request=request,
        expect=item.get("expect", {}),
        save=item.get("save", {}),
        line=doc.position(pointer)[0],
        schema=(
            schemas.checked_schema(
                item["expect"]["schema"], doc, f"{pointer}/expect/schema", confinement=confinement
            ).validator()
            if "schema" in item.get("expect", {})
            else None
        ),
    )


def _check_saved_names(doc: yamlfile.Document, steps: tuple[Step, ...], probes: tuple[Step, ...]) -> None:
    """Every `{name}` in a step's request or expect is saved by an earlier step (in a
    probe's, by any step): caught here with its line, not as a failed step mid-run."""
    saved: list[str] = []
    for step in steps:
        _check_names(doc, step, "steps", saved, "saved by an earlier step")
        saved += [name for name in step.save if name not in saved]
    for probe in probes:
        _check_names(doc, probe, "probes", saved, "saved by a step")


def _check_names(doc: yamlfile.Document, step: Step, key: str, saved: list[str], rule: str) -> None:
    for part in ("request", "expect"):
        for pointer, name in _placeholders(getattr(step, part), f"/{key}/{step.index}/{part}"):
            if name not in saved:
                known = ", ".join(f"{{{n}}}" for n in saved) or "none"
                raise doc.error(f"{{{name}}} is not {rule} (saved before it: {known})", pointer)


def _placeholders(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """(pointer, name) of each `{name}` in the strings of `value`."""
    if isinstance(value, str):
        for match in PLACEHOLDER.finditer(value):
            yield pointer, match.group(1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _placeholders(item, f"{pointer}/{i}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholders(item, yamlfile.pointer_join(pointer, key))


def _expectation(
    doc: yamlfile.Document, item: dict[str, Any], i: int, step_count: int, doubles: dict[str, Any]
) -> Expectation:
    pointer = f"/expect/{i}"
    kinds = [k for k in item if k in EXPECTATIONS]
    if len(kinds) != 1:
        what = f"has {', '.join(kinds)}" if kinds else "has none"
        raise doc.error(f"an expectation needs exactly one of {', '.join(EXPECTATIONS)}; this one {what}", pointer)
    kind = kinds[0]
    allowed = set(_SELECT) | {kind}
    for key in item:
        if key not in allowed:
            import difflib

            hint = difflib.get_close_matches(key, sorted(allowed), n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else f"; allowed here: {', '.join(sorted(allowed))}"
            raise doc.error(f"unknown key {key!r} in expect[{i}]{extra}", f"{pointer}/{key}", key=True)
    schema = Draft202012Validator({"type": "object", "properties": {**_SELECT, **EXPECTATIONS[kind]}})
    sub = yamlfile.Document(
        doc.source,
        item,
        {k[len(pointer) :]: v for k, v in doc.values.items() if k.startswith(pointer)},
        {k[len(pointer) :]: v for k, v in doc.keys.items() if k.startswith(pointer)},
    )
    yamlfile.check_format(sub, schema, f"expect[{i}]")
    for n, step in enumerate(item.get("steps", [])):
        if step >= step_count:
            raise doc.error(
                f"there is no step {step} (steps are numbered 0 to {step_count - 1})", f"{pointer}/steps/{n}"
            )
    provider = item.get("provider")
    if kind == "served_by" and item[kind] is not None:
        provider = None
        if item[kind] not in doubles:
            raise doc.error(f"{item[kind]!r} has no double in this scenario", f"{pointer}/served_by")
    if kind == "fault_acted":
        load_faults()
        if item[kind] not in FAULTS:
            raise doc.error(f"unknown fault {item[kind]!r}", f"{pointer}/fault_acted")
    route = _route(doc, item["route"], f"{pointer}/route") if "route" in item else None
    text = ", ".join(f"{k}: {v}" for k, v in item.items())
    return Expectation(
        kind=kind,
        value=item[kind],
        provider=provider,
        route=route,
        steps=tuple(item.get("steps", [])),
        line=doc.position(pointer)[0],
        text=text,
    )
