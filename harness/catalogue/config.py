"""Model entries as people write them: the shipped data files, a team's
`[tool.harness.models.<provider>]` in pyproject.toml, and the `models` of a
double (`Double(models=...)`, a scenario's `doubles:` block).

One schema checks all of them, so a mistake anywhere is one error naming the
file and the key, and the command exits 2.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from harness import yamlfile
from harness.catalogue import FAMILIES, Catalogue, Model, RouteLife, parse_day
from harness.errors import InputError

_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
# What one model entry may say. Provider-specific keys (display_name, line, ...) go to `Model.info`.
ENTRY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "anyOf": [{"required": ["family"]}, {"required": ["alias_of"]}],
    "properties": {
        "family": {"enum": list(FAMILIES)},
        "deprecated": _DATE,
        "shutdown": _DATE,
        "source": {"type": "string"},
        "alias_of": {"type": "string", "minLength": 1},
        "display_name": {"type": "string"},
        "created": {"type": ["integer", "string"]},
        "line": {"type": "string"},
        "max_tokens": {"type": "integer", "minimum": 1},
        "max_input_tokens": {"type": "integer", "minimum": 1},
        "input_token_limit": {"type": "integer", "minimum": 1},
        "output_token_limit": {"type": "integer", "minimum": 1},
        "methods": {"type": "array", "items": {"type": "string"}},
    },
}
MODELS: dict[str, Any] = {"type": "object", "additionalProperties": ENTRY}
_DATA_FILE = Draft202012Validator(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["models"],
        "properties": {
            "sources": {"type": "object", "additionalProperties": {"type": "string"}},
            "routes": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"deprecated": _DATE, "shutdown": _DATE, "source": {"type": "string"}},
                },
            },
            "methods": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            "models": MODELS,
        },
    }
)
_ENTRIES = Draft202012Validator(MODELS)
_COMMON = {"family", "deprecated", "shutdown", "source", "alias_of"}


def entry_model(
    model_id: str, entry: Mapping[str, Any], origin: str, sources: Mapping[str, str] | None = None
) -> Model:
    """A checked entry as a `Model`; `source` is looked up in `sources` when it names one."""
    source = str(entry.get("source", origin))
    return Model(
        id=model_id,
        family=str(entry.get("family", "")),
        deprecated_on=parse_day(entry["deprecated"]) if "deprecated" in entry else None,
        shutdown_on=parse_day(entry["shutdown"]) if "shutdown" in entry else None,
        source=(sources or {}).get(source, source),
        origin=origin,
        alias_of=entry.get("alias_of"),
        info={k: v for k, v in entry.items() if k not in _COMMON},
    )


def read_data_file(provider: str, path: Path) -> Catalogue:
    """A shipped `<provider>.yaml`; a mistake in it is an InputError naming file, line and key."""
    doc = yamlfile.load(path)
    yamlfile.check_format(doc, _DATA_FILE, f"the {provider} catalogue")
    _check_dates(doc.data.get("models", {}), str(path), "models", doc)
    sources = doc.data.get("sources", {})
    for pointer, named in _named_sources(doc.data):
        if named not in sources:
            raise doc.error(f"source {named!r} is not one of the file's sources: {', '.join(sources)}", pointer)
    models = {m: entry_model(m, e, f"harness/catalogue/{path.name}", sources) for m, e in doc.data["models"].items()}
    _check_aliases(models, lambda model_id: doc.error(_alias_message(models, model_id), f"/models/{model_id}"))
    routes = tuple(
        RouteLife(
            pattern,
            parse_day(e["deprecated"]) if "deprecated" in e else None,
            parse_day(e["shutdown"]) if "shutdown" in e else None,
            sources.get(e.get("source", ""), e.get("source", "")),
        )
        for pattern, e in doc.data.get("routes", {}).items()
    )
    methods = {family: tuple(names) for family, names in doc.data.get("methods", {}).items()}
    return Catalogue(provider, models, routes, methods)


def _named_sources(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    named = []
    for section in ("models", "routes"):
        for key, entry in data.get(section, {}).items():
            if "source" in entry:
                named.append((f"/{section}/{key}/source", entry["source"]))
    return named


def models_option(provider: str, given: Mapping[str, Any] | None, where: str) -> dict[str, Model]:
    """A double's `models` option (a mapping id -> entry), checked; `where` names it in errors."""
    if not given:
        return {}
    if not isinstance(given, Mapping):
        raise InputError(
            f"models for {provider} must be a mapping of model id to entry, not {type(given).__name__}", where
        )
    entries = {str(k): _plain(v) for k, v in given.items()}
    _check(entries, where, f"models for {provider}")
    models = {m: entry_model(m, e, where) for m, e in entries.items()}
    _check_aliases(models, lambda model_id: InputError(_alias_message(models, model_id), where))
    return models


@functools.cache
def _pyproject(path: Path, mtime: float) -> Mapping[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", str(path)) from None


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start`."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def team_models(provider: str, cwd: Path) -> dict[str, Model]:
    """`[tool.harness.models.<provider>]` of the nearest pyproject.toml, checked."""
    path = find_pyproject(cwd)
    if path is None:
        return {}
    data = _pyproject(path, path.stat().st_mtime)
    tool = data.get("tool", {}).get("harness", {})
    if not tool:
        return {}
    text = path.read_text(encoding="utf-8")
    models = tool.get("models", {})
    if not isinstance(models, dict):
        raise InputError("[tool.harness.models] must be a table of providers", str(path), _line_of(text, "models"))
    section = models.get(provider, {})
    if not isinstance(section, dict):
        raise InputError(
            f"[tool.harness.models.{provider}] must be a table of model ids", str(path), _line_of(text, provider)
        )
    entries = {str(k): _plain(v) for k, v in section.items()}
    _check(entries, str(path), f"[tool.harness.models.{provider}]", text)
    result = {m: entry_model(m, e, str(path)) for m, e in entries.items()}
    _check_aliases(
        result, lambda model_id: InputError(_alias_message(result, model_id), str(path), _line_of(text, model_id))
    )
    return result


def _plain(value: Any) -> Any:
    """TOML dates (and YAML ones, where a loader made them) as the YYYY-MM-DD text the schema reads."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _check(entries: dict[str, Any], source: str, what: str, text: str = "") -> None:
    errors = sorted(_ENTRIES.iter_errors(entries), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        error = errors[0]
        path = [str(p) for p in error.absolute_path]
        key = ".".join(f'"{p}"' if "." in p else p for p in path)
        message, _, _ = yamlfile._explain(error, what)
        raise InputError(
            f"{key}: {message}" if key and key not in message else message, source, _line_of(text, *path[:1])
        )
    _check_dates(entries, source, what, text=text)


def _check_dates(
    entries: Mapping[str, Any], source: str, what: str, doc: yamlfile.Document | None = None, text: str = ""
) -> None:
    for model_id, entry in entries.items():
        for key in ("deprecated", "shutdown"):
            if key in entry:
                try:
                    parse_day(entry[key])
                except ValueError:
                    message = f"{model_id}.{key} in {what}: {entry[key]!r} is not a date (YYYY-MM-DD)"
                    if doc is not None:
                        raise doc.error(message, f"/models/{model_id}/{key}") from None
                    raise InputError(message, source, _line_of(text, model_id)) from None
        if (
            "deprecated" in entry
            and "shutdown" in entry
            and parse_day(entry["shutdown"]) < parse_day(entry["deprecated"])
        ):
            message = (
                f"{model_id} in {what}: shutdown {entry['shutdown']} comes before deprecated {entry['deprecated']}"
            )
            if doc is not None:
                raise doc.error(message, f"/models/{model_id}")
            raise InputError(message, source, _line_of(text, model_id))


def _alias_message(models: Mapping[str, Model], model_id: str) -> str:
    return f"{model_id}: alias_of {models[model_id].alias_of!r} leads back to {model_id!r}"


def _check_aliases(models: Mapping[str, Model], fail: Any) -> None:
    # An alias may name a model from another layer (the SDK's, the data file's): only
    # a chain that loops back on itself is wrong here.
    for model_id, model in models.items():
        seen = {model_id}
        target = model.alias_of
        while target is not None and target in models:
            if target in seen:
                raise fail(model_id)
            seen.add(target)
            target = models[target].alias_of


def _line_of(text: str, *keys: str) -> int | None:
    """The first line that writes `keys[0]` as a TOML key: a best effort, since tomllib keeps no positions."""
    if not text or not keys:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        for form in (f'"{keys[0]}"', f"'{keys[0]}'", keys[0]):
            if stripped.startswith(form) and stripped[len(form) :].lstrip().startswith(("=", ".")):
                return number
            if stripped.startswith("[") and stripped.rstrip("]").endswith((f".{form}", f"[{form}")):
                return number
    return None
