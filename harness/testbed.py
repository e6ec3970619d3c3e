"""Testbed: what one test runs against — provider doubles on one clock, the
faults injected into them, and one journal of everything they answered.

    with Testbed(seed=seed_for(0, "tests/test_app.py::test_fallback")) as bed:
        openai = bed.double("openai")                 # a Double, served on first `.url`
        bed.chaos.inject("rate_limit", provider="openai", first=2, retry_after=0.2)
        openai.respond("GET /v1/models", json={"object": "list", "data": []}, times=1)
        answer = my_app(openai.client())              # the official SDK, in-process
        bed.journal                                   # every exchange, all doubles, in order
        bed.unmet()                                   # what was set up and never happened

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
from harness.double.call import Reply
from harness.double.canned import CannedReply, closest_route, routes_like
from harness.double.clients import sdk_client
from harness.double.clock import Clock, FlowingClock
from harness.errors import InputError
from harness.exchange import Deferred, Exchange, Journal
from harness.routes import Route, RouteSyntaxError
from harness.testid import seed_for

if TYPE_CHECKING:
    from harness.contracts import Contract, Verification

__all__ = ["Chaos", "Testbed", "TestbedDouble", "injection", "seed_for"]


class _SharedJournal(Journal):
    """A double's own journal that also records into its testbed's: the same entries, so an
    exchange read from either is the same one, and an amended answer is amended in both."""

    def __init__(self, testbed_journal: Journal) -> None:
        super().__init__()
        self.testbed_journal = testbed_journal

    def record_deferred(self, entry: Exchange | Deferred) -> None:
        super().record_deferred(entry)
        self.testbed_journal.record_deferred(entry)

    def amend(self, recorded: Exchange | Deferred, exchange: Exchange) -> Exchange:
        super().amend(recorded, exchange)
        return self.testbed_journal.amend(recorded, exchange)


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
        self.canned: list[CannedReply] = []

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

    def respond(
        self,
        route: str,
        *,
        json: Any = None,
        body: bytes | str | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str | None = None,
        times: int | None = None,
        optional: bool = False,
    ) -> CannedReply:
        """Answer calls matching `route` (a pattern as faults take: "POST /v1/chat/completions",
        "/v1/videos*") with this reply instead of the provider's, `times` times (None: every
        call). The journal records it like any other answer, with `fault="canned"`; faults
        still act first. Unless `optional`, an answer never given fails the test.

            openai_double.respond("POST /v1/moderations", json={"results": [{"flagged": True}]}, times=1)
        """
        try:
            pattern = Route.parse(route)
        except RouteSyntaxError as exc:
            raise InputError(f"{self.name} double: bad route pattern: {exc}") from None
        known = [entry.route for entry in self.routes]
        if not routes_like(pattern, known):
            hint = closest_route(pattern, known)
            raise InputError(
                f"{self.name} double: no {self.name} route matches {route!r}"
                + (f"; did you mean {hint!r}?" if hint else f"; its routes: {', '.join(map(str, known))}")
            )
        if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
            raise InputError(f"{self.name} double: status must be an HTTP status (100-599), not {status!r}")
        if json is not None and body is not None:
            raise InputError(f"{self.name} double: give json= or body=, not both")
        raw = body.encode() if isinstance(body, str) else body
        reply = Reply(status=status, json=json, body=raw, headers=dict(headers or {}), content_type=content_type)
        try:
            canned = CannedReply(pattern, reply, times=times, provider=self.name, optional=optional)
        except ValueError as exc:
            raise InputError(f"{self.name} double: {exc}") from None
        self.canned.append(canned)
        self.hooks.append(canned)
        return canned

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
        self.optional: set[int] = set()  # ids of the injections that may rightly never act
        self.expected: list[ExpectedFault] = []

    def inject(
        self,
        fault: str | Fault,
        /,
        *,
        provider: str | None = None,
        route: str | None = None,
        optional: bool = False,
        **options: Any,
    ) -> Injection:
        """Make `fault` act on the test's doubles; returns the `Injection` (its `.log`
        says which calls it acted on). A fault that never acts fails the test
        (`Testbed.unmet`) unless it is `optional`.

            chaos.inject("rate_limit", provider="openai", route="POST /v1/chat/completions",
                         first=2, retry_after=0.2)
        """
        if not isinstance(optional, bool):
            raise InputError(f"optional is True or False, not {optional!r}")
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
        if optional:
            self.optional.add(id(made))
        for double in bed.doubles.values():
            if made.provider in (None, double.name):
                attach(made, double)
        return made

    def expect_acted(self, fault: str, /, *, provider: str | None = None, times: int | None = None) -> ExpectedFault:
        """Say that `fault` must act in this test — on `times` calls exactly, else on one or
        more — on `provider`'s calls, or anyone's. Checked when the test ends (`Testbed.unmet`).

            chaos.expect_acted("rate_limit", provider="openai", times=2)
        """
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 0):
            raise InputError(f"expect_acted({fault!r}): times must be a whole number of calls, not {times!r}")
        fault_type(fault)  # an unknown name is said now, with the known ones
        expected = ExpectedFault(fault, provider, times)
        self.expected.append(expected)
        return expected

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
        self.optional.clear()

    def unmet(self) -> list[str]:
        """A sentence for each fault that never acted (unless optional) and each
        expectation of `expect_acted` that did not come true."""
        found = [_never_acted(i, self._testbed) for i in self.injections if not i.log and id(i) not in self.optional]
        for expected in self.expected:
            acted = [a for a in self.log if a.fault == expected.fault and expected.provider in (None, a.provider)]
            if not expected.met(len(acted)):
                found.append(expected.unmet(acted, injected=any(i.name == expected.fault for i in self.injections)))
        return found


@dataclass(frozen=True)
class ExpectedFault:
    """`chaos.expect_acted(fault, provider=, times=)`: a fault this test must see act."""

    fault: str
    provider: str | None = None
    times: int | None = None  # None: once or more

    def met(self, count: int) -> bool:
        return count >= 1 if self.times is None else count == self.times

    def unmet(self, acted: list[Acted], *, injected: bool) -> str:
        whose = f" (provider {self.provider})" if self.provider else ""
        wanted = "to act" if self.times is None else f"to act on {_calls(self.times)}"
        if not injected:
            return f"expected {self.fault}{whose} {wanted}, but no {self.fault} fault was injected"
        if not acted:
            return f"expected {self.fault}{whose} {wanted}; it never acted"
        on = ", ".join(f"{a.route} (call {a.call})" for a in acted[:5]) + (", ..." if len(acted) > 5 else "")
        return f"expected {self.fault}{whose} {wanted}; it acted on {_calls(len(acted))}: {on}"


def _calls(n: int) -> str:
    return f"{n} call{'' if n == 1 else 's'}"


def _where(route: Route | None, provider: str | None) -> str:
    return f"on {route or 'every route'} ({f'provider {provider}' if provider else 'any provider'})"


def _never_acted(injected: Injection, bed: Testbed) -> str:
    """Why an injection never acted, as a sentence naming the fault, its route and provider."""
    head = f"{injected.name} {_where(injected.route, injected.provider)} never acted"
    if injected.provider is not None and injected.provider not in bed.doubles:
        return f"{head}: the test made no {injected.provider} double"
    if not bed.doubles:
        return f"{head}: the test made no provider double"
    if injected.calls:
        schedule = injected.describe()["schedule"]
        when = ", ".join(f"{k}={v}" for k, v in schedule.items())
        return f"{head}: {_calls(injected.calls)} matched it, but its schedule ({when}) chose none of them"
    names = [injected.provider] if injected.provider else list(bed.doubles)
    return f"{head}: no call matched it" + _route_hint(injected.route, [bed.doubles[n] for n in names])


def _route_hint(route: Route | None, doubles: list[TestbedDouble]) -> str:
    """For a route no double of the test serves: the one written most like it (a typo)."""
    if route is None:
        return ""
    known = [entry.route for double in doubles for entry in double.routes]
    if routes_like(route, known):
        return ""
    whose = doubles[0].name if len(doubles) == 1 else "provider"
    hint = closest_route(route, known)
    return f"; no {whose} route is like it" + (f" (did you mean {hint}?)" if hint else "")


class Testbed:
    """The doubles, clock, faults and journal of one test."""

    __test__ = False  # not a pytest test class, despite its name

    def __init__(
        self, *, seed: int = 0, clock: Clock | None = None, job_seconds: float = 1.0, strict: bool = True
    ) -> None:
        self.seed = seed
        self.strict = strict  # its doubles turn away what the real APIs would (False: lenient)
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
        clock, job_seconds, strict) apply when it is made; asking again with other
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
            unknown = set(options) - {"seed", "clock", "job_seconds", "strict"}
            if unknown:
                raise InputError(
                    f"unknown double option(s) {', '.join(sorted(unknown))}; "
                    f"a double takes seed, clock, job_seconds and strict"
                )
            made = TestbedDouble(
                provider,
                seed=options.get("seed", self.seed),
                clock=options.get("clock", self.clock),
                job_seconds=options.get("job_seconds", self.job_seconds),
                strict=options.get("strict", self.strict),
                journal=_SharedJournal(testbed_journal=self.journal),
            )
            for injected in self.chaos.injections:
                if injected.provider in (None, made.name):
                    attach(injected, made)
            self.doubles[provider] = made
            self._options[provider] = dict(options)
            return made

    def exchanges(self) -> list[Exchange]:
        """The journal, each exchange told what of it reached the app: through a `toxiproxy` hop
        in front of a double, a network fault may have reset or cut what the double sent."""
        hops = [hop.forwarded() for double in self.doubles.values() for hop in double.hops]
        if not hops:
            return list(self.journal)
        from harness.chaos.toxiproxy.delivery import join

        return join(self.journal, hops)

    def unmet(self) -> list[str]:
        """What the test set up or expected that did not happen, a sentence each: faults
        that never acted, canned answers never given, `expect_acted` that did not come
        true. A rehearsal with any of these rehearsed less than it says."""
        found = self.chaos.unmet()
        for double in self.doubles.values():
            for canned in double.canned:
                if not canned.given and not canned.optional:
                    found.append(
                        f"the answer {_where(canned.route, double.name)} was never given: no call matched it"
                        + _route_hint(canned.route, [double])
                    )
        return found

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
