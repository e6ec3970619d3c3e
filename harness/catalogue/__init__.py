"""The model catalogue: which models each provider's double serves, their family,
and their lifecycle (active, deprecated since, shut down on).

A provider's catalogue is built once per process, lazily, from three layers,
each filling what the one before left out:

1. its data file, `harness/catalogue/<provider>.yaml`, with a source for each date;
2. the installed SDK: every id of its model `Literal` types and the lifecycle
   dates it carries (`sdk.py`), so upgrading the SDK never makes a model 404;
3. the team's `[tool.harness.models.<provider>]` in `pyproject.toml`, found from
   the current directory upward (`config.py`), which overrides both.

A double adds its own extra models on top (`Double(models=...)`, a scenario's
`doubles:` block). `lifecycle()` and `route_lifecycle()` answer "is this still
served, and until when" for anything that reads the catalogue.
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

# What a model does, which decides the routes that take it. Adding a family is one line here.
FAMILIES = (
    "chat",
    "image",
    "moderation",
    "video",
    "embedding",
    "audio-transcription",
    "tts",
    "realtime",
    "music",
)
STATES = ("active", "deprecated", "retired")
_DATA = Path(__file__).parent
ROUTES_REMEMBERED = 2048


@dataclass(frozen=True)
class Lifecycle:
    """Where a model or route stands on a day.

    `state` is `active`, `deprecated` (a shutdown is announced, or the
    deprecation date has passed) or `retired` (on or after `shutdown_on`).
    `source` says where the dates come from.
    """

    state: str
    deprecated_on: date | None
    shutdown_on: date | None
    source: str

    def days_left(self, on: date) -> int | None:
        """Days from `on` to the shutdown (negative once past), or None when none is announced."""
        return None if self.shutdown_on is None else (self.shutdown_on - on).days


@dataclass(frozen=True)
class Model:
    """One model id a double knows."""

    id: str
    family: str
    deprecated_on: date | None = None
    shutdown_on: date | None = None
    source: str = ""  # where the dates come from
    origin: str = ""  # where the id comes from: a data file, an SDK, a pyproject.toml, a double's options
    alias_of: str | None = None  # an alias is answered as the model it names, and never listed
    info: Mapping[str, Any] = field(default_factory=dict)  # what one provider's answers show (display_name, ...)

    def lifecycle(self, on: date) -> Lifecycle:
        if self.shutdown_on is not None and on >= self.shutdown_on:
            state = "retired"
        elif self.deprecated_on is not None:
            state = "deprecated" if on >= self.deprecated_on else "active"
        else:
            # OpenAI: "when we announce that a model is being deprecated, it immediately becomes deprecated".
            state = "deprecated" if self.shutdown_on is not None else "active"
        return Lifecycle(state, self.deprecated_on, self.shutdown_on, self.source)

    def retired(self, on: date) -> bool:
        return self.shutdown_on is not None and on >= self.shutdown_on


@dataclass(frozen=True)
class RouteLife:
    """A route pattern (`/v1/videos*`) that shuts down as a whole."""

    pattern: str
    deprecated_on: date | None
    shutdown_on: date | None
    source: str

    def lifecycle(self, on: date) -> Lifecycle:
        model = Model(self.pattern, "", self.deprecated_on, self.shutdown_on, self.source)
        return model.lifecycle(on)


@dataclass(frozen=True)
class Catalogue:
    """One provider's models, in the order its list shows them, and its routes' lifecycles."""

    provider: str
    models: Mapping[str, Model]
    routes: tuple[RouteLife, ...] = ()
    methods: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # Gemini: family -> generation methods
    # What `route` found for each path asked: a catalogue never changes, and a double asks on every request.
    _routes_found: dict[str, RouteLife | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    def get(self, model_id: str) -> Model | None:
        """The entry for `model_id`, an alias's own entry included."""
        return self.models.get(model_id)

    def resolve(self, model_id: str) -> Model | None:
        """The model `model_id` names, following an alias."""
        model = self.models.get(model_id)
        while model is not None and model.alias_of is not None:
            model = self.models.get(model.alias_of)
        return model

    def listed(self, on: date, *, retired: bool = False) -> list[Model]:
        """What the models list shows on `on`: no aliases, and no retired model unless asked."""
        return [m for m in self.models.values() if m.alias_of is None and (retired or not m.retired(on))]

    def ids(self) -> tuple[str, ...]:
        return tuple(self.models)

    def with_models(self, extra: Mapping[str, Model]) -> Catalogue:
        """This catalogue with `extra` added; an extra entry replaces one of the same id."""
        if not extra:
            return self
        merged = dict(self.models)
        for model_id, model in extra.items():
            merged[model_id] = _overlay(merged.get(model_id), model)
        return replace(self, models=merged)

    def lifecycle(self, model_id: str, on: date) -> Lifecycle | None:
        """`lifecycle()` on this catalogue: for many lookups, get the catalogue once and ask it."""
        found = find(self, model_id)
        return None if found is None else found.lifecycle(on)

    def route(self, route: str) -> RouteLife | None:
        """The lifecycle entry whose pattern matches `route` ("POST /v1/videos" or a bare path)."""
        path = route.split(" ", 1)[1] if " " in route else route
        try:
            return self._routes_found[path]
        except KeyError:
            found = next((r for r in self.routes if fnmatch.fnmatchcase(path, r.pattern)), None)
            if len(self._routes_found) >= ROUTES_REMEMBERED:  # paths with ids in them are without end
                self._routes_found.clear()
            self._routes_found[path] = found
            return found


def today(clock: Any) -> date:
    """The UTC day a clock (anything with `.now()` in epoch seconds) is on."""
    return day_of(clock.now())


def day_of(epoch: float) -> date:
    """`datetime.fromtimestamp(epoch, UTC).date()`, kept per day: a double asks on every request."""
    try:
        day = int(epoch // 86_400)
    except (ValueError, OverflowError):  # NaN, infinity: let datetime say what is wrong
        return datetime.fromtimestamp(epoch, UTC).date()
    # Within a second of midnight, datetime's rounding to microseconds could land on the next day.
    if not 1.0 <= epoch - day * 86_400 <= 86_399.0:
        return datetime.fromtimestamp(epoch, UTC).date()
    found = _DAYS.get(day)
    if found is None:
        found = datetime.fromtimestamp(epoch, UTC).date()
        if len(_DAYS) < 4096:  # a clock moved through years of days still keeps a bounded table
            _DAYS[day] = found
    return found


_DAYS: dict[int, date] = {}  # days since the epoch -> that UTC day


def parse_day(text: str | date) -> date:
    return text if isinstance(text, date) else date.fromisoformat(text)


def _overlay(base: Model | None, top: Model) -> Model:
    """`top` over `base`: what `top` leaves unset keeps `base`'s value."""
    if base is None:
        return top
    return Model(
        id=top.id,
        family=top.family or base.family,
        deprecated_on=top.deprecated_on or base.deprecated_on,
        shutdown_on=top.shutdown_on or base.shutdown_on,
        source=top.source if (top.deprecated_on or top.shutdown_on) else base.source,
        origin=top.origin,
        alias_of=top.alias_of if top.alias_of is not None else base.alias_of,
        info={**base.info, **top.info},
    )


def _fill(base: Model, sdk: Model) -> Model:
    """A data-file entry with the SDK's dates where the file gives none."""
    if base.deprecated_on or base.shutdown_on or not (sdk.deprecated_on or sdk.shutdown_on):
        return base
    return replace(base, deprecated_on=sdk.deprecated_on, shutdown_on=sdk.shutdown_on, source=sdk.source)


@functools.cache
def _shipped(provider: str) -> Catalogue:
    """The data file and the installed SDK, merged; cached for the process."""
    from harness.catalogue import sdk

    return with_declared(data_file(provider), sdk.declared(provider))


def data_file(provider: str) -> Catalogue:
    """`provider`'s catalogue as its data file gives it (empty for a provider without one)."""
    from harness.catalogue import config

    path = _DATA / f"{provider}.yaml"
    return config.read_data_file(provider, path) if path.exists() else Catalogue(provider, {})


def with_declared(shipped: Catalogue, declared: Iterable[Model]) -> Catalogue:
    """`shipped` with the models an SDK declares: new ids added, and dates the data file
    leaves out taken from the SDK."""
    models = dict(shipped.models)
    for model in declared:
        known = models.get(model.id)
        models[model.id] = model if known is None else _fill(known, model)
    return replace(shipped, models=models)


def catalogue(provider: str, *, cwd: Path | None = None) -> Catalogue:
    """`provider`'s catalogue: its data file, its installed SDK, and the team's pyproject.toml
    (the nearest one at or above `cwd`, default the current directory)."""
    from harness.catalogue import config

    found = config.find_pyproject((cwd or Path.cwd()).resolve())
    return _with_team(provider, found, found.stat().st_mtime if found else 0.0)


@functools.lru_cache(maxsize=64)
def _with_team(provider: str, pyproject: Path | None, mtime: float) -> Catalogue:
    # Keyed by the file's modification time, so an edited pyproject.toml is read again.
    from harness.catalogue import config

    team = config.team_models(provider, pyproject.parent) if pyproject else {}
    return _shipped(provider).with_models(team)


def for_double(settings: dict[str, Any], provider: str) -> Catalogue:
    """The catalogue of one double (its `State.settings`): `provider`'s, plus the double's own
    `models`; built on first use and kept there, so a double reads it once."""
    found = settings.get("catalogue")
    if found is None:
        found = settings["catalogue"] = catalogue(provider).with_models(settings.get("models") or {})
    return found


def lifecycle(provider: str, model: str, on: date | None = None, *, cwd: Path | None = None) -> Lifecycle | None:
    """Where `model` of `provider` stands on `on` (default: today, UTC); None for a model no catalogue knows.

    An alias answers for the model it names; a dated snapshot or a fine-tune the
    catalogue does not list answers for its base model (OpenAI's `gpt-4o-2024-08-06`,
    `ft:gpt-4o-mini:acme::id`).
    """
    return catalogue(provider, cwd=cwd).lifecycle(model, on or datetime.now(UTC).date())


def route_lifecycle(provider: str, route: str, on: date | None = None, *, cwd: Path | None = None) -> Lifecycle | None:
    """Where an API route of `provider` stands on `on`; None when no shutdown of it is known."""
    found = catalogue(provider, cwd=cwd).route(route)
    return None if found is None else found.lifecycle(on or datetime.now(UTC).date())


def find(catalogue: Catalogue, model_id: str) -> Model | None:
    """The model `model_id` names: itself, an alias's target, or the base of a snapshot or fine-tune."""
    found = catalogue.resolve(model_id)
    if found is not None:
        return found
    base = base_of(model_id)
    return catalogue.resolve(base) if base else None


def base_of(model_id: str) -> str | None:
    """`gpt-4o` for `gpt-4o-2024-08-06` or `gpt-4o-0613`, `gpt-4o-mini` for `ft:gpt-4o-mini:org::id`."""
    if model_id.startswith("ft:"):
        parts = model_id.split(":")
        return parts[1] if len(parts) > 1 and parts[1] else None
    head, sep, tail = model_id.rpartition("-")
    if sep and tail.isdigit() and len(tail) == 4:
        return head
    pieces = model_id.rsplit("-", 3)
    if len(pieces) == 4 and all(p.isdigit() for p in pieces[1:]) and len(pieces[1]) == 4:
        return pieces[0]
    return None


__all__ = [
    "FAMILIES",
    "STATES",
    "Catalogue",
    "Lifecycle",
    "Model",
    "RouteLife",
    "base_of",
    "catalogue",
    "day_of",
    "find",
    "for_double",
    "lifecycle",
    "parse_day",
    "route_lifecycle",
    "today",
]
