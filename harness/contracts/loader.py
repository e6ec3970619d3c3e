"""Load contract files into `Contract`s; every mistake is one `ContractError`
naming file, line, column and the rule broken."""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from harness import providers, schemas, yamlfile
from harness.contracts import baselines
from harness.contracts.compiled import CompiledSchema
from harness.contracts.format import CONTRACT
from harness.contracts.model import Contract, Interaction, Lifecycle, Outcome, RequestSpec, ResponseSpec, Signal
from harness.errors import ContractError
from harness.routes import Route, RouteSyntaxError

SUFFIXES = (".yaml", ".yml", ".json")
# jsonschema-rs says in microseconds that a file has the format; only a file it doubts is
# walked with jsonschema, whose errors the message is made of (and which has the last word).
_FORMAT = CompiledSchema(schemas.CheckedSchema(CONTRACT))
# A part of a contract file as parsed; `_FORMAT` has checked its keys and types before it is read.
Raw = dict[str, Any]


def load(path: str | Path) -> Contract:
    """One contract file."""
    doc = yamlfile.load(path, kind=ContractError)
    return _Reader(doc).contract()


def is_scenario(data: Any) -> bool:
    """A chaos scenario file, which may live beside contracts (`contracts/scenarios/`):
    recognised by what it says, `scenario:` at the top and no `contract:`, so a folder of
    contracts can hold scenarios wherever they are kept, under any folder name."""
    return isinstance(data, dict) and "scenario" in data and "contract" not in data


def loads(text: str | bytes, source: str = "<string>") -> Contract:
    return _Reader(yamlfile.loads(text, source, kind=ContractError)).contract()


def load_path(*paths: str | Path) -> list[Contract]:
    """Every contract in the given files and folders (folders searched recursively),
    and in the shipped baselines named `provider:<name>` (see `baselines`).

    A file reached twice (through a folder and by its own path, relative or
    absolute, through a symlink) is loaded once; two files that give one
    contract name are an error naming both."""
    contracts: list[Contract] = []
    compiled: dict[bytes, CompiledSchema] = {}  # shared by the files: see `_Reader._schema`
    seen: dict[str, Path] = {}  # contract name -> the file it came from
    done: set[Path] = set()
    expanded = _expanded(paths)
    named = {Path(p).resolve() for p in expanded if Path(p).is_file()}
    for file in yamlfile.files_in(expanded, SUFFIXES, "contract", kind=ContractError):
        real = file.resolve()
        if real in done:
            continue
        done.add(real)
        doc = yamlfile.load(file, kind=ContractError)
        if is_scenario(doc.data) and real not in named:
            continue  # a scenario found in a folder of contracts; named on its own, it is an error
        contract = _Reader(doc, compiled).contract()
        if contract.name in seen:
            raise ContractError(
                f"contract name {contract.name!r} is also used by {seen[contract.name]}", contract.source, 1
            )
        seen[contract.name] = file
        contracts.append(contract)
    return contracts


def _expanded(paths: Iterable[str | Path]) -> list[str | Path]:
    """The paths with each baseline name replaced by its files."""
    out: list[str | Path] = []
    for path in paths:
        name = baselines.name_in(path)
        out += baselines.resolve(name) if name is not None else [path]
    return out


class _Reader:
    def __init__(self, doc: yamlfile.Document, compiled: dict[bytes, CompiledSchema] | None = None) -> None:
        self.doc = doc
        self.compiled = {} if compiled is None else compiled
        self.confinement = schemas.Confinement.around(None if doc.source.startswith("<") else doc.source)

    def fail(self, message: str, pointer: str = "", *, key: bool = False) -> ContractError:
        return self.doc.error(message, pointer, key=key, kind=ContractError)

    # -- structure ---------------------------------------------------------
    def contract(self) -> Contract:
        data = self.doc.data
        if data is None:
            raise self.fail("the file is empty; a contract needs keys contract, consumer, provider, interactions")
        if is_scenario(data):
            raise self.fail(
                "this is a chaos scenario, not a contract: run it with `harness chaos run`", "/scenario", key=True
            )
        if not _FORMAT.fits(data):
            yamlfile.check_format(self.doc, _FORMAT.validator, "the contract", kind=ContractError)
        known = providers.names()
        if data["provider"] not in known:
            raise self.fail(f"unknown provider {data['provider']!r}; known: {', '.join(known)}", "/provider")
        interactions = tuple(
            self._interaction(item, f"/interactions/{i}") for i, item in enumerate(data["interactions"])
        )
        names = self._unique(interactions, "/interactions", "interaction")
        refusals = self._outcomes(data.get("refusals", []), "refusals", names)
        errors_ = self._outcomes(data.get("errors", []), "errors", names)
        return Contract(
            name=data["contract"],
            consumer=data["consumer"],
            provider=data["provider"],
            capability=data.get("capability"),
            description=data.get("description"),
            interactions=interactions,
            refusals=refusals,
            errors=errors_,
            lifecycle=self._lifecycle(data.get("lifecycle"), names),
            signals=tuple(self._signal(s, f"/signals/{i}", names) for i, s in enumerate(data.get("signals", []))),
            source=self.doc.source,
        )

    def _unique(self, items: Iterable[Interaction | Outcome], pointer: str, what: str) -> set[str]:
        names: set[str] = set()
        for i, item in enumerate(items):
            if item.name in names:
                raise self.fail(f"duplicate {what} name {item.name!r}", f"{pointer}/{i}/name")
            names.add(item.name)
        return names

    def _known(self, names: list[str], pointer: str, known: set[str]) -> tuple[str, ...]:
        for i, name in enumerate(names):
            if name not in known:
                import difflib  # only to word an error

                hint = difflib.get_close_matches(name, sorted(known), n=1)
                extra = f"; did you mean {hint[0]!r}?" if hint else ""
                raise self.fail(f"no interaction named {name!r}{extra}", f"{pointer}/{i}")
        return tuple(names)

    # -- parts -------------------------------------------------------------
    def _interaction(self, item: Raw, pointer: str) -> Interaction:
        req = item["request"]
        try:
            route = Route.compile(req["path"], req["method"])
        except RouteSyntaxError as exc:
            raise self.fail(str(exc), f"{pointer}/request/path") from None
        names = set(route.pattern.groupindex)
        for name in req.get("params", {}):
            if name not in names:
                raise self.fail(
                    f"params: the path {req['path']!r} has no parameter {{{name}}}",
                    f"{pointer}/request/params/{name}",
                    key=True,
                )
        request = RequestSpec(
            method=req["method"],
            path=req["path"],
            params={k: str(v) for k, v in req.get("params", {}).items()},
            query={k: str(v) for k, v in req.get("query", {}).items()},
            headers=dict(req.get("headers", {})),
            json=req.get("json"),
        )
        return Interaction(
            name=item["name"],
            request=request,
            route=route,
            response=self._response(item["response"], f"{pointer}/response"),
            line=self.doc.position(pointer)[0],
        )

    def _response(self, data: Raw, pointer: str) -> ResponseSpec:
        status = data["status"]
        return ResponseSpec(
            status=tuple(status) if isinstance(status, list) else (status,),
            headers={
                name.lower(): self._schema(s, f"{pointer}/headers/{name}")
                for name, s in data.get("headers", {}).items()
            },
            json=self._schema(data["json"], f"{pointer}/json") if "json" in data else None,
            content_type=data.get("content_type"),
            events={
                name: self._schema(s, yamlfile.pointer_join(f"{pointer}/events", name))
                for name, s in data.get("events", {}).items()
            },
            last_event=data.get("last_event"),
        )

    def _schema(self, schema: Any, pointer: str) -> CompiledSchema:
        # The shipped contracts write 193 schemas, 68 of them different (an error envelope, a
        # usage block, ...): a schema whose content was checked already is that schema again.
        content = _content(schema)
        known = self.compiled.get(content) if content is not None else None
        if known is not None:
            return known
        made = CompiledSchema(
            schemas.checked_schema(schema, self.doc, pointer, kind=ContractError, confinement=self.confinement)
        )
        if content is not None:
            self.compiled[content] = made
        return made

    def _outcomes(self, items: list[Raw], key: str, names: set[str]) -> tuple[Outcome, ...]:
        outcomes = tuple(
            Outcome(
                name=item["name"],
                kind=key[:-1],
                response=self._response(item["response"], f"/{key}/{i}/response"),
                interactions=self._known(item.get("interactions", []), f"/{key}/{i}/interactions", names),
                line=self.doc.position(f"/{key}/{i}")[0],
            )
            for i, item in enumerate(items)
        )
        self._unique(outcomes, f"/{key}", key[:-1])
        return outcomes

    def _lifecycle(self, data: Raw | None, names: set[str]) -> Lifecycle | None:
        if data is None:
            return None
        states = data["states"]
        for i, state in enumerate(data["terminal"]):
            if state not in states:
                raise self.fail(
                    f"terminal state {state!r} is not one of the states ({', '.join(states)})",
                    f"/lifecycle/terminal/{i}",
                )
        return Lifecycle(
            states=tuple(states),
            terminal=tuple(data["terminal"]),
            interactions=self._known(data.get("interactions", []), "/lifecycle/interactions", names),
            id=data.get("id", "/id"),
            field=data.get("field", "/status"),
            timeout=data.get("timeout"),
        )

    def _signal(self, data: str | Raw, pointer: str, names: set[str]) -> Signal:
        if isinstance(data, str):
            return Signal(header=data.lower())
        status = data.get("status", [])
        return Signal(
            header=data["header"].lower(),
            required=data.get("required", False),
            status=tuple(status) if isinstance(status, list) else (status,),
            interactions=self._known(data.get("interactions", []), f"{pointer}/interactions", names),
        )


# A schema whose content alone says whether it is valid: with a reference or an `$id` anywhere
# (in data too), what it reaches depends on the file it is written in.
_RESOLVER_BYTES = tuple(key.encode() for key in (*schemas.REF_KEYWORDS, "$id"))


def _content(schema: Any) -> bytes | None:
    """`schema` as marshal writes it (equal bytes: equal keys, values and types, in the same
    order), or None when its content is not all that decides its checks."""
    try:
        packed = marshal.dumps(schema)
    except ValueError:  # a type marshal does not take
        return None
    return None if any(key in packed for key in _RESOLVER_BYTES) else packed
