"""What the repository itself says about a finding's route: the contracts that cover it, and
the faults its scenarios and chaos marks rehearse on it."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from harness.routes import Route, RouteSyntaxError

_PARAM = re.compile(r"\{([^{}:]+)(?::path)?\}")


@dataclass(frozen=True)
class Rehearsal:
    fault: str
    provider: str | None  # None: any provider
    route: Route | None  # None: every route
    where: str  # file:line


@dataclass(frozen=True)
class Coverage:
    provider: str
    contract: str
    route: Route


@dataclass
class RepositoryContext:
    coverage: list[Coverage]
    rehearsals: list[Rehearsal]
    warnings: list[str]

    def contracts_for(self, provider: str, route: str | None, model: str | None = None) -> tuple[str, ...]:
        if route is None:
            return ()
        method, path = _example(route, model)
        names = {
            c.contract for c in self.coverage if c.provider == provider and c.route.match(method, path) is not None
        }
        return tuple(sorted(names))

    def faults_for(self, provider: str, route: str | None, model: str | None = None) -> tuple[str, ...]:
        if route is None:
            return ()
        method, path = _example(route, model)
        found = {
            r.fault
            for r in self.rehearsals
            if (r.provider in (None, provider)) and (r.route is None or r.route.match(method, path) is not None)
        }
        return tuple(sorted(found))


def read_context(yaml_files: list[tuple[Path, str]], python_files: list[tuple[Path, str]]) -> RepositoryContext:
    """Contracts and scenarios among `yaml_files` ((path, display name)), chaos marks in `python_files`."""
    context = RepositoryContext([], [], [])
    for path, shown in yaml_files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if not re.search(r"^(contract|scenario):", text, re.MULTILINE):
            continue
        if re.search(r"^contract:", text, re.MULTILINE):
            _read_contract(path, shown, context)
        else:
            _read_scenario(text, shown, context)
    for path, shown in python_files:
        try:
            text = path.read_text(encoding="utf-8")
            if "mark.chaos" not in text:
                continue  # most files: no need to parse them a second time
            tree = ast.parse(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        _read_marks(tree, shown, context)
    return context


def _read_contract(path: Path, shown: str, context: RepositoryContext) -> None:
    from harness.contracts import loader
    from harness.errors import HarnessError

    try:
        contract = loader.load(path)
    except HarnessError as exc:
        context.warnings.append(f"{shown}: not read as a contract ({str(exc).splitlines()[0]})")
        return
    for interaction in contract.interactions:
        context.coverage.append(Coverage(contract.provider, contract.name, interaction.route))


def _read_scenario(text: str, shown: str, context: RepositoryContext) -> None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        context.warnings.append(f"{shown}: not read as a scenario ({exc})")
        return
    timeline = data.get("timeline") if isinstance(data, dict) else None
    for entry in timeline if isinstance(timeline, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("fault"), str):
            context.rehearsals.append(
                Rehearsal(entry["fault"], _text(entry.get("provider")), _route(entry.get("route")), shown)
            )


def _read_marks(tree: ast.Module, shown: str, context: RepositoryContext) -> None:
    """`@pytest.mark.chaos("outage", provider="openai", route=...)`, one fault or a list."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("mark.chaos")):
            continue
        faults: list[str] = []
        if node.args:
            first = node.args[0]
            items = first.elts if isinstance(first, (ast.List, ast.Tuple)) else [first]
            faults = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        provider = keywords.get("provider")
        route = keywords.get("route")
        for fault in faults:
            context.rehearsals.append(
                Rehearsal(
                    fault,
                    provider.value if isinstance(provider, ast.Constant) and isinstance(provider.value, str) else None,
                    _route(route.value if isinstance(route, ast.Constant) else None),
                    f"{shown}:{node.lineno}",
                )
            )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _route(value: object) -> Route | None:
    if not isinstance(value, str):
        return None
    try:
        return Route.parse(value)
    except RouteSyntaxError:
        return None


def _example(route: str, model: str | None = None) -> tuple[str, str]:
    """A concrete request for a route template: `POST /v1/videos/{video_id}` -> ("POST", "/v1/videos/x");
    a `{model}` is the finding's model when it is known, so a contract written for that model matches."""
    method, _, path = route.partition(" ")
    if not path:
        method, path = "GET", route

    def fill(match: re.Match[str]) -> str:
        return model if model and match.group(1) in ("model", "model_id") and "/" not in model else "x"

    return method, _PARAM.sub(fill, path)
