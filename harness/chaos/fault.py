"""What every fault shares, done once (like Toxiproxy's toxic stub), and the
one registry of faults by public name.

A fault (`harness/chaos/faults/<name>.py`) is a frozen dataclass whose fields
are its public parameters, with `before` (answer instead of the provider)
and/or `after` (change the provider's answer). An `Injection` adds where
(provider, route pattern) and when (`Schedule`), counts matching calls, and
keeps the log of what acted. Faults never decide *when*; injections never
decide *what*. Inside a double an injection works as an `Active`, one of the
double's hooks (`harness.double.hooks`).
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import importlib
import math
import pkgutil
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from harness.chaos.schedule import DAY, Schedule, split_schedule
from harness.double.call import Call, Reply
from harness.double.clock import Clock
from harness.errors import InputError
from harness.provider import Provider
from harness.routes import Route

if TYPE_CHECKING:
    from harness.double.app import Double

FAULTS: dict[str, type[Fault]] = {}
RANGE = "range"  # field metadata: the values a number parameter may take (a `Range`)


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    unit: str = ""  # what the number counts, as the docs say it: "seconds", "ms"
    whole: bool = False  # a count: no fractions

    def check(self, name: str, value: Any) -> None:
        """ValueError naming the parameter and what it may be, when `value` is not that."""
        kind = "a whole number" if self.whole else "a number"
        fits = isinstance(value, int) or (isinstance(value, float) and not self.whole and math.isfinite(value))
        if isinstance(value, bool) or not fits or not self.low <= value <= self.high:
            unit = f" {self.unit}" if self.unit else ""
            raise ValueError(
                f"parameter {name!r} must be {kind} from {_shown(self.low)} to {_shown(self.high)}{unit}, not {value!r}"
            )


def _shown(bound: float) -> str:
    return f"{int(bound):,}" if bound == int(bound) else f"{bound:g}"


def number(default: float | int | None, low: float, high: float, unit: str = "", *, whole: bool = False) -> Any:
    """A number parameter with the values it may take, checked whenever the fault is made."""
    return field(default=default, metadata={RANGE: Range(low, high, unit, whole)})


def _finite(name: str, value: Any) -> None:
    """NaN and infinities (YAML `.nan`, `.inf`, JSON `NaN`) have no place in any parameter."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"parameter {name!r} must be a finite number, not {value!r}")
    if isinstance(value, dict):
        for key, item in value.items():
            _finite(f"{name}.{key}", item)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _finite(f"{name}[{i}]", item)


def register(cls: type[Fault]) -> type[Fault]:
    FAULTS[cls.name] = cls
    return cls


@dataclass(frozen=True)
class Fault:
    name: ClassVar[str] = ""
    layer: ClassVar[str] = "http"  # "http": in the double; "network": a Toxiproxy toxic

    def __post_init__(self) -> None:
        """Every parameter finite, and each `number(...)` in its range (a subclass with a
        `__post_init__` of its own calls this first)."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            _finite(f.name, value)
            bounds = f.metadata.get(RANGE)
            if bounds is not None and not (value is None and f.default is None):
                bounds.check(f.name, value)

    def before(self, call: Call, provider: Provider) -> Reply | None:
        return None

    def after(self, call: Call, reply: Reply, provider: Provider) -> Reply:
        return reply

    @classmethod
    def on_timeline(cls, params: dict[str, Any], at: float, origin: float) -> dict[str, Any]:
        """`params` as written on a timeline (whose day 0 is `origin`, epoch seconds) for an
        entry that starts on day `at`, turned into what the fault takes; most take them as written."""
        return params


def load_faults() -> None:
    """Import every module of `harness/chaos/faults/`: each registers its faults."""
    from harness.chaos import faults

    for module in pkgutil.iter_modules(faults.__path__):
        importlib.import_module(f"harness.chaos.faults.{module.name}")


def fault_type(name: str) -> type[Fault]:
    """The fault class registered under `name`; an unknown name says what is known."""
    if name not in FAULTS:
        load_faults()
    cls = FAULTS.get(name)
    if cls is None:
        hint = difflib.get_close_matches(name, FAULTS, n=1)
        extra = f"; did you mean {hint[0]!r}?" if hint else f"; known: {', '.join(sorted(FAULTS))}"
        raise InputError(f"unknown fault {name!r}{extra}")
    return cls


def make(name: str, params: dict[str, Any] | None = None) -> Fault:
    """A fault from its public name and parameters; bad names or values say what is allowed."""
    params = dict(params or {})
    cls = fault_type(name)
    allowed = [f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")]
    for key in params:
        if key not in allowed:
            hint = difflib.get_close_matches(key, allowed, n=1)
            extra = (
                f"; did you mean {hint[0]!r}?"
                if hint
                else (f"; it takes {', '.join(allowed)}" if allowed else "; it takes no parameters")
            )
            raise InputError(f"fault {name!r} has no parameter {key!r}{extra}")
    try:
        return cls(**params)
    except (TypeError, ValueError) as exc:
        raise InputError(f"fault {name!r}: {exc}") from None


@dataclass(frozen=True)
class Acted:
    """One entry of the fault log: which injection acted on which call, when."""

    fault: str
    provider: str
    route: str
    call: int  # matching-call number for this injection (1-based)
    at: float  # clock time, epoch seconds


@dataclass
class Injection:
    fault: Fault
    provider: str | None = None  # None: every double it is attached to
    route: Route | None = None  # None: every route
    schedule: Schedule = field(default_factory=Schedule)
    origin: float = 0.0  # epoch seconds that `at`/`until` days count from
    seed: int = 0
    key: str = ""  # identity for seeded decisions (stable across runs)
    calls: int = 0
    log: list[Acted] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def name(self) -> str:
        return self.fault.name

    def decide(self, provider: str, call: Call, now: float) -> bool:
        """Count the call if it matches where; then say whether the schedule acts on it."""
        if self.provider is not None and self.provider != provider:
            return False
        if self.route is not None and self.route.match(call.method, call.path) is None:
            return False
        with self._lock:
            self.calls += 1
            number = self.calls
        if not self.schedule.acts(number, (now - self.origin) / DAY, seed=self.seed, key=self.key):
            return False
        with self._lock:
            self.log.append(Acted(self.name, provider, f"{call.method} {call.path}", number, now))
        return True

    def describe(self) -> dict[str, Any]:
        return {
            "fault": self.name,
            "params": dataclasses.asdict(self.fault),
            "provider": self.provider,
            "route": str(self.route) if self.route else None,
            "schedule": {k: v for k, v in dataclasses.asdict(self.schedule).items() if v is not None},
        }


class Active:
    """An injection at work inside one double: one of the double's hooks.

    `before` counts the call and asks the schedule once; `after` acts only
    on calls the schedule chose and `before` did not already answer.
    """

    # `after` hands back the reply it got on calls it does not act on (see harness.double.hooks).
    same_reply_when_idle = True

    def __init__(self, injection: Injection, provider: Provider, clock: Clock) -> None:
        self.injection, self.provider, self.clock = injection, provider, clock
        self._chosen: set[int] = set()
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.injection.name

    def before(self, call: Call) -> Reply | None:
        if not self.injection.decide(self.provider.name, call, self.clock.now()):
            return None
        reply = self.injection.fault.before(call, self.provider)
        if reply is None:
            with self._lock:
                self._chosen.add(id(call))
        return reply

    def after(self, call: Call, reply: Reply) -> Reply:
        with self._lock:
            if id(call) not in self._chosen:
                return reply
            self._chosen.discard(id(call))
        # Faults get their own copy: some provider shapes are edited in place.
        changed = self.injection.fault.after(call, copy.deepcopy(reply), self.provider)
        return reply if changed == reply else changed


def attach(injection: Injection, double: Double) -> Active:
    """Make `injection` act inside `double` (a `harness.double.Double`)."""
    active = Active(injection, double.provider, double.clock)
    double.hooks.append(active)
    return active


def from_description(description: Any, double: Double) -> Active:
    """The hook for `double` that a JSON description asks for (the control API's
    `POST /__harness/faults`): `{"fault": NAME, "route": ..., "first": 2, ...params}`,
    on the double's clock and seed. InputError when it cannot be built."""
    if not isinstance(description, dict) or not isinstance(description.get("fault"), str):
        raise InputError('a fault description is a JSON object with a "fault" name, e.g. {"fault": "outage"}')
    name = description["fault"]
    load_faults()
    if name not in FAULTS or FAULTS[name].layer != "http":  # network faults belong to a Toxiproxy hop
        known = ", ".join(sorted(n for n, cls in FAULTS.items() if cls.layer == "http"))
        raise InputError(f"unknown fault {name!r}; known: {known}")
    when, settings = split_schedule({k: v for k, v in description.items() if k != "fault"})
    route = settings.pop("route", None)
    try:
        injection = Injection(
            make(name, settings),
            route=Route.parse(route) if route else None,
            schedule=Schedule(**when),
            origin=double.clock.now(),
            seed=double.seed,
            key=f"control:{name}",
        )
    except (TypeError, ValueError) as exc:
        raise InputError(f"fault {name!r}: {exc}") from None
    return Active(injection, double.provider, double.clock)
