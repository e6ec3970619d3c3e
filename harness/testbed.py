"""Testbed: what one test runs against — provider doubles on one clock, the
faults injected into them, and one journal of everything they answered.

    with Testbed(seed=seed_for(0, "tests/test_app.py::test_fallback")) as bed:
        openai = bed.double("openai")                 # a Double, served on first `.url`
        bed.chaos.inject("rate_limit", provider="openai", first=2, retry_after=0.2)
        answer = my_app(openai.client())              # the official SDK, in-process
        bed.journal                                   # every exchange, all doubles, in order

The pytest plugin makes one per test (`harness_testbed`); nothing here
depends on pytest. Faults injected apply to the doubles there already and to
those made later; `close()` stops the doubles and with them their faults.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness import providers
from harness.chaos.fault import Acted, Fault, Injection, attach, fault_type, make
from harness.chaos.schedule import Schedule, split_schedule
from harness.double.app import Double
from harness.double.clients import sdk_client
from harness.double.clock import Clock, FlowingClock
from harness.errors import InputError
from harness.exchange import Exchange, Journal
from harness.routes import Route, RouteSyntaxError
from harness.testid import seed_for

if TYPE_CHECKING:
    from harness.contracts import Contract, Verification

__all__ = ["Chaos", "Testbed", "TestbedDouble", "injection", "seed_for"]


@dataclass
class _SharedJournal(Journal):
    """A double's own journal that also records into its testbed's."""

    testbed_journal: Journal | None = None

    def record(self, exchange: Exchange) -> Exchange:
        super().record(exchange)
        if self.testbed_journal is not None:
            self.testbed_journal.record(exchange)
        return exchange


class TestbedDouble(Double):
    """A `Double` that serves itself over HTTP on 127.0.0.1 the first time
    `.url` is read (never before), and hands out official SDK clients wired
    to it in-process."""

    __test__ = False  # not a pytest test class, despite its name

    def __init__(self, provider: str, **options: Any) -> None:
        super().__init__(provider, **options)
        self._served = ExitStack()
        self._url: str | None = None
        self._url_lock = threading.Lock()
        self._clients: list[Any] = []

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`: the double over real HTTP, started on first use."""
        with self._url_lock:
            if self._url is None:
                self._url = self._served.enter_context(self.serve())
            return self._url

    @property
    def base_url(self) -> str:
        """What the provider's SDK takes as `base_url` to reach `.url` (OpenAI's ends in /v1)."""
        return self.provider.sdk_base_url(self.url)

    def client(self, **options: Any) -> Any:
        """The official SDK's client (openai.OpenAI, anthropic.Anthropic, genai.Client),
        in-process; `options` go to its constructor (max_retries=0, timeout=...)."""
        made = sdk_client(self, **options)
        self._clients.append(made)
        return made

    def async_client(self, **options: Any) -> Any:
        """The SDK's async client (openai.AsyncOpenAI, anthropic.AsyncAnthropic, genai.Client.aio)."""
        return sdk_client(self, asynchronous=True, **options)

    def close(self) -> None:
        for made in self._clients:
            try:
                made.close()
            except Exception:  # a client the test closed or broke itself
                pass
        self._clients.clear()
        with self._url_lock:
            self._served.close()
            self._url = None
        super().close()


def injection(
    fault: str | Fault,
    *,
    provider: str | None = None,
    route: str | None = None,
    origin: float = 0.0,
    seed: int = 0,
    key: str = "",
    **options: Any,
) -> Injection:
    """An `Injection` from keywords: the fault's parameters, where (provider,
    route) and when (the `Schedule` keys; at/until in days after `origin`).
    The fault reads its parameters as on a scenario's timeline
    (`Fault.on_timeline`: numbers given to `deprecated` as sunset/since are
    days after `origin` too)."""
    if provider is not None and provider not in providers.names():
        raise InputError(f"unknown provider {provider!r}; known: {', '.join(providers.names())}")
    when, options = split_schedule(options)
    if isinstance(fault, str):
        made = make(fault, fault_type(fault).on_timeline(options, when.get("at") or 0, origin))
    elif isinstance(fault, Fault):
        if options:
            raise InputError(
                f"fault {fault.name!r} is already built; give its parameters to it, "
                f"not as keywords ({', '.join(options)})"
            )
        made = fault
    else:
        raise InputError(f"{fault!r} is not a fault; give a name like 'outage' or a harness.chaos Fault")
    if made.layer == "network":
        raise InputError(
            f"{made.name!r} is a network fault: it acts on a connection, not in the double. "
            f"Put a Toxiproxy hop in front of the double (the `toxiproxy` fixture: "
            f"toxiproxy.hop(openai_double).add_toxic(type={made.name!r}, ...))"
        )
    try:
        schedule = Schedule(**when)
    except ValueError as exc:
        raise InputError(f"fault {made.name!r}: {exc}") from None
    try:
        where = Route.parse(route) if route else None
    except RouteSyntaxError as exc:
        raise InputError(f"fault {made.name!r}: bad route pattern: {exc}") from None
    return Injection(made, provider=provider, route=where, schedule=schedule, origin=origin, seed=seed, key=key)


class Chaos:
    """The faults injected into a testbed's doubles, now and for doubles made later."""

    def __init__(self, testbed: Testbed) -> None:
        self._testbed = testbed
        self.injections: list[Injection] = []

    def inject(
        self, fault: str | Fault, /, *, provider: str | None = None, route: str | None = None, **options: Any
    ) -> Injection:
        """Make `fault` act on the test's doubles; returns the `Injection` (its `.log`
        says which calls it acted on).

            chaos.inject("rate_limit", provider="openai", route="POST /v1/chat/completions",
                         first=2, retry_after=0.2)
        """
        bed = self._testbed
        made = injection(
            fault,
            provider=provider,
            route=route,
            origin=bed.origin,
            seed=bed.seed,
            key=f"{len(self.injections)}:{fault if isinstance(fault, str) else fault.name}",
            **options,
        )
        self.injections.append(made)
        for double in bed.doubles.values():
            if made.provider in (None, double.name):
                attach(made, double)
        return made

    @property
    def log(self) -> list[Acted]:
        """Every time a fault acted, in clock order."""
        return sorted((acted for i in self.injections for acted in i.log), key=lambda a: a.at)

    def acted(self) -> dict[str, int]:
        """How many calls each fault acted on, by fault name."""
        counts: dict[str, int] = {}
        for i in self.injections:
            if i.log:
                counts[i.name] = counts.get(i.name, 0) + len(i.log)
        return counts

    def clear(self) -> None:
        """Take every injected fault out of the doubles."""
        mine = {id(i) for i in self.injections}
        for double in self._testbed.doubles.values():
            double.hooks[:] = [h for h in double.hooks if id(getattr(h, "injection", None)) not in mine]
        self.injections.clear()


class Testbed:
    """The doubles, clock, faults and journal of one test."""

    __test__ = False  # not a pytest test class, despite its name

    def __init__(self, *, seed: int = 0, clock: Clock | None = None, job_seconds: float = 1.0) -> None:
        self.seed = seed
        # Virtual days jump on `advance(days=...)`; between jumps time flows, so a
        # video job finishes while the code under test polls and retry-after waits pass.
        self.clock = clock if clock is not None else FlowingClock()
        self.origin = self.clock.now()
        self.job_seconds = job_seconds
        self.journal = Journal()
        self.doubles: dict[str, TestbedDouble] = {}
        self.chaos = Chaos(self)
        self._options: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def double(self, provider: str, **options: Any) -> TestbedDouble:
        """The test's double of `provider`, made on first use. `options` (seed,
        clock, job_seconds) apply when it is made; asking again with other
        options is an error, since a test has one double per provider."""
        with self._lock:
            existing = self.doubles.get(provider)
            if existing is not None:
                if options and options != self._options[provider]:
                    raise InputError(
                        f"this test's {provider} double already exists (made with "
                        f"{self._options[provider] or 'no options'}); a test has one double "
                        f"per provider, so ask for it with the same options or none"
                    )
                return existing
            unknown = set(options) - {"seed", "clock", "job_seconds"}
            if unknown:
                raise InputError(
                    f"unknown double option(s) {', '.join(sorted(unknown))}; a double takes seed, clock and job_seconds"
                )
            made = TestbedDouble(
                provider,
                seed=options.get("seed", self.seed),
                clock=options.get("clock", self.clock),
                job_seconds=options.get("job_seconds", self.job_seconds),
                journal=_SharedJournal(testbed_journal=self.journal),
            )
            for injected in self.chaos.injections:
                if injected.provider in (None, made.name):
                    attach(injected, made)
            self.doubles[provider] = made
            self._options[provider] = dict(options)
            return made

    def exchanges(self) -> list[Exchange]:
        return list(self.journal)

    def verify(self, contracts: Iterable[Contract]) -> Verification:
        """Check every exchange of this test against `contracts`; a `Verification`."""
        from harness.contracts import verify

        return verify(list(contracts), self.exchanges())

    def close(self) -> None:
        for double in self.doubles.values():
            double.close()

    def __enter__(self) -> Testbed:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
