"""Run one scenario: doubles up, faults attached, app started and ready,
steps walked in virtual time, expectations judged from the journal.

With network faults, the journal is first joined with what the proxies
forwarded (`toxiproxy/delivery.py`), so every verdict, count and picture
reads what reached the app, not what the doubles sent.

Everything started is stopped on the way out, also on errors, Ctrl-C and
SIGTERM. A run always ends in one of four states (`ScenarioRun.state`):
held; failed (a verdict failed, among them an app that died mid-run, said
with how it ended and its last output); did not start (the app exited or
never became ready: the reason is the one failed verdict); interrupted (by
SIGINT or SIGTERM: `Interrupted` is raised again with the partial run, whose
steps so far keep their verdicts and whose expectations are not judged).
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from harness import schemas
from harness.chaos import interrupt
from harness.chaos.app import AppDidNotStart, AppProcess, fill, free_port
from harness.chaos.fault import Acted, Injection, attach
from harness.chaos.interrupt import Interrupted
from harness.chaos.scenario import Scenario, Step
from harness.chaos.schedule import DAY
from harness.chaos.verdicts import (
    APP,
    DID_NOT_START,
    FAILED,
    HELD,
    INTERRUPTED,
    START,
    STOP,
    Seen,
    Verdict,
    judge,
)
from harness.double import Double
from harness.double.clock import FlowingClock
from harness.errors import InputError
from harness.exchange import Exchange

if TYPE_CHECKING:
    from harness.chaos.hop import NetworkHop, NetworkLogEntry
    from harness.chaos.toxiproxy.delivery import Forwarded
    from harness.contracts.evidence import ContractEvidence
    from harness.fuzz import Finding, Fuzzer


@dataclass
class ScenarioRun:
    scenario: Scenario
    verdicts: list[Verdict] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    step_of: dict[int, int] = field(default_factory=dict)  # id(exchange) -> step index
    fault_log: list[Acted] = field(default_factory=list)
    network_log: list[NetworkLogEntry] = field(default_factory=list)
    network_acted: dict[int, int] = field(default_factory=dict)  # timeline entry -> calls its network fault acted on
    notes: list[str] = field(default_factory=list)  # what every report says once, e.g. deliveries unknown
    app_output: str = ""
    seconds: float = 0.0
    steps_run: int = 0
    interrupted: str | None = None  # the signal that cut the run short: SIGINT, SIGTERM
    # Per contract, how the journal's untouched exchanges held to it (`chaos run --contracts`).
    contract_evidence: list[ContractEvidence] = field(default_factory=list)
    fuzz_requests: int = 0  # generated requests sent (a scenario with a `fuzz` block)
    fuzz_findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts)

    @property
    def state(self) -> str:
        """What every report calls the run: held, failed, did not start or interrupted."""
        if self.interrupted:
            return INTERRUPTED
        if any(v.kind == START for v in self.verdicts):
            return DID_NOT_START
        return HELD if self.ok else FAILED

    def step(self, exchange: Exchange) -> int | None:
        """The index of the step `exchange` happened in; None between steps."""
        return self.step_of.get(id(exchange))

    # `step_of` is keyed by id(), which does not survive a trip to another process (--jobs):
    # it travels as a list beside `exchanges` and is keyed anew on arrival.
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["step_of"] = [self.step_of.get(id(x)) for x in self.exchanges]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        steps = state.pop("step_of")
        self.__dict__.update(state)
        self.step_of = {id(x): step for x, step in zip(self.exchanges, steps, strict=True) if step is not None}

    @property
    def failures(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.ok]


Progress = Callable[[str], None]

NO_ANSWER = "the app did not answer"


class Stage:
    """A scenario's world, without its steps: the doubles serving, the network hop, the
    faults attached, and the app started and ready. `with Stage(scenario) as stage:`;
    everything is stopped on the way out. `harness chaos run` walks the steps on it; the
    pytest plugin's `harness_fuzz` lends it to a test."""

    def __init__(self, scenario: Scenario, toxiproxy_url: str | None = None) -> None:
        self.scenario, self.toxiproxy_url = scenario, toxiproxy_url
        self.clock = FlowingClock(scenario.start)
        self.doubles: dict[str, Double] = {}
        self.injections: list[Injection] = []
        self.hop: NetworkHop | None = None
        self.app: AppProcess | None = None  # once ready
        self._stack = ExitStack()

    def __enter__(self) -> Stage:
        scenario = self.scenario
        try:
            for name, cfg in scenario.doubles.items():
                self.doubles[name] = Double(
                    name,
                    seed=scenario.seed,
                    clock=self.clock,
                    job_seconds=cfg.get("job_seconds", 1.0),
                    strict=cfg.get("strict", True),
                    models=cfg.get("models"),
                )
            stack = self._stack
            urls = {name: stack.enter_context(double.serve()) for name, double in self.doubles.items()}
            self.hop = _network_hop(scenario, urls, self.toxiproxy_url, stack)
            if self.hop is not None:
                urls.update(self.hop.urls)
            self.injections = _attach(scenario, self.doubles)
            self.app = _start_app(scenario, urls, stack)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self._stack.close()
        finally:
            with interrupt.held():  # a signal now waits until everything is stopped
                for double in self.doubles.values():
                    double.close()

    def faults_on(self, day: float) -> tuple[str, ...]:
        """The timeline's faults whose window covers `day`, as `fault on provider`."""
        on = []
        for entry in self.scenario.timeline:
            start, end = entry.schedule.at or 0, entry.schedule.until
            if start <= day and (end is None or day < end):
                on.append(entry.fault.name + (f" on {entry.provider}" if entry.provider else ""))
        return tuple(on)


def run(scenario: Scenario, *, toxiproxy_url: str | None = None, progress: Progress | None = None) -> ScenarioRun:
    say = progress or (lambda message: None)
    result = ScenarioRun(scenario)
    started = time.perf_counter()
    stage = Stage(scenario, toxiproxy_url)
    forwarded: list[Forwarded] = []
    hop_url = ""
    try:
        try:
            try:
                with stage:
                    assert stage.app is not None
                    hop_url = stage.hop.url if stage.hop is not None else ""
                    say(f"{scenario.name}: app ready at {stage.app.url}")
                    _walk(scenario, stage, result, say)
                    if stage.hop is not None:
                        forwarded = stage.hop.forwarded()  # before the proxies, and what they know, are gone
            except AppDidNotStart as exc:
                result.verdicts.append(Verdict(START, "app start", False, exc.message))
                result.app_output = exc.output
                return result
        finally:
            with interrupt.held():
                if stage.app is not None:
                    result.app_output = stage.app.output()
                result.fault_log = sorted((a for i in stage.injections for a in i.log), key=lambda a: (a.at, a.fault))
                result.seconds = time.perf_counter() - started
        if forwarded:
            _deliver(result, forwarded, hop_url)
        result.verdicts.extend(_timeline_verdicts(scenario, stage.injections, result, forwarded))
        for expectation in scenario.expect:
            chosen = [
                x
                for x in result.exchanges
                if (not expectation.steps or result.step_of.get(id(x)) in expectation.steps)
                and (expectation.provider is None or x.provider == expectation.provider)
                and (expectation.route is None or expectation.route.match(x.request.method, x.request.path) is not None)
            ]
            result.verdicts.append(judge(expectation, Seen(chosen, result.step_of)))
    except Interrupted as stop:
        result.interrupted = stop.name
        result.verdicts = [v for v in result.verdicts if v.kind in ("step", "probe", FUZZ, APP)]  # what ran
        result.verdicts.append(Verdict(STOP, "interrupted", False, _cut_short(stop, result, stage.app)))
        stop.runs.append(result)
        raise
    return result


def cut_short(scenario: Scenario, stop: Interrupted, why: str) -> ScenarioRun:
    """The run of a scenario a signal stopped before it could say more of it than `why`."""
    result = ScenarioRun(scenario, interrupted=stop.name)
    result.verdicts.append(Verdict(STOP, "interrupted", False, f"{stop}; {why}"))
    return result


def _cut_short(stop: Interrupted, result: ScenarioRun, app: AppProcess | None) -> str:
    """Where the run was when the signal came, and what it did not do."""
    steps = result.scenario.steps
    if app is None:
        where = "before the app was ready"
    elif result.steps_run < len(steps):
        step = steps[result.steps_run]
        where = f"during step {step.index} (day {step.at:g}: {step.name})"
    else:
        where = "after the last step"
    left = len(steps) - result.steps_run
    return (
        f"{stop} {where}; {result.steps_run} of {len(steps)} steps ran"
        + (f", {left} did not" if left else "")
        + "; the expectations and the timeline were not judged"
    )


def _deliver(result: ScenarioRun, forwarded: list[Forwarded], hop_url: str) -> None:
    """Tell each exchange what of it reached the app; the steps and the evidence follow."""
    from harness.chaos.toxiproxy.delivery import join

    joined = join(result.exchanges, forwarded)
    revised = {id(old): new for old, new in zip(result.exchanges, joined, strict=True)}
    result.step_of = {id(revised[key]): step for key, step in result.step_of.items() if key in revised}
    result.exchanges = joined
    result.verdicts = [
        dataclasses.replace(v, evidence=tuple(revised.get(id(x), x) for x in v.evidence)) for v in result.verdicts
    ]
    if any(proxy.records is None for proxy in forwarded):
        result.notes.append(
            f"The Toxiproxy at {hop_url} cannot say what it forwarded: answers through it have delivery "
            f"'unknown' and count as received, and its network faults count as on, not as acted."
        )


def _attach(scenario: Scenario, doubles: dict[str, Double]) -> list[Injection]:
    injections: list[Injection] = []
    for i, entry in enumerate(scenario.timeline):
        if entry.network:
            continue
        injection = Injection(
            entry.fault,
            provider=entry.provider,
            route=entry.route,
            schedule=entry.schedule,
            origin=scenario.start,
            seed=scenario.seed,
            key=f"{i}:{entry.fault.name}",
        )
        for name, double in doubles.items():
            if entry.provider in (None, name):
                attach(injection, double)
        injections.append(injection)
    return injections


def _network_hop(
    scenario: Scenario, urls: dict[str, str], toxiproxy_url: str | None, stack: ExitStack
) -> NetworkHop | None:
    entries = [e for e in scenario.timeline if e.network]
    if not entries:
        return None
    from harness.chaos.hop import NetworkHop  # only scenarios with network faults need Toxiproxy

    providers = sorted({e.provider for e in entries if e.provider} or set(urls))
    return stack.enter_context(NetworkHop(scenario.name, {p: urls[p] for p in providers}, toxiproxy_url))


# `{port}` is a port that was free a moment before the app binds it: another process (a parallel
# run, a test worker) can take it in between. That clash is ours, not the app's: another port.
PORT_ATTEMPTS = 3


def _start_app(scenario: Scenario, urls: dict[str, str], stack: ExitStack) -> AppProcess:
    spec = scenario.app
    ours = "{port}" in str(spec["url"])  # a port the user wrote is theirs to free
    for _ in range(PORT_ATTEMPTS - 1):
        try:
            return stack.enter_context(_app_process(scenario, urls, str(free_port())))
        except AppDidNotStart as exc:
            if not (ours and exc.port_taken):
                raise
    return stack.enter_context(_app_process(scenario, urls, str(free_port())))


def _app_process(scenario: Scenario, urls: dict[str, str], port: str) -> AppProcess:
    spec = scenario.app
    values = {"port": port, "scenario_dir": str(scenario.folder), "python": sys.executable}
    values.update({f"{name}.url": url for name, url in urls.items()})
    where = f"{scenario.source} (app)"
    env = {k: str(fill(str(v), values, f"{where}.env.{k}")) for k, v in spec.get("env", {}).items()}
    command = fill(spec.get("command"), values, f"{where}.command") if spec.get("command") else None
    cwd = scenario.folder / spec.get("cwd", ".")
    ready = spec.get("ready", {})
    return AppProcess(
        command,
        cwd,
        env,
        fill(spec["url"], values, f"{where}.url"),
        ready.get("path", "/health"),
        ready.get("timeout", 20.0),
        name=f"{scenario.source}: app of scenario {scenario.name!r}",
    )


def _walk(scenario: Scenario, stage: Stage, result: ScenarioRun, say: Progress) -> None:
    app, clock, doubles, hop = stage.app, stage.clock, stage.doubles, stage.hop
    assert app is not None
    saved: dict[str, str] = {}
    marks = {name: 0 for name in doubles}
    fuzzer = None

    def collect(step: int | None, began: float = 0.0) -> None:
        """Move what the doubles answered since the last look into the run, as part of `step`
        if it started once the step's day had begun (else between steps: an app's background
        polling, a call still in flight when the clock jumped, calls made while probes run)."""
        for name, double in doubles.items():
            seen = list(double.journal)
            for exchange in seen[marks[name] :]:
                result.exchanges.append(exchange)
                if step is not None and exchange.started >= began:
                    result.step_of[id(exchange)] = step
            marks[name] = len(seen)

    def calls_since() -> list[Exchange]:
        before = len(result.exchanges)
        collect(None)
        return result.exchanges[before:]

    def died(verdict: Verdict, during: str) -> list[Verdict]:
        """`verdict`, and if the app has died, the verdict that says how (then the walk stops);
        a step the dead app did not answer says why."""
        how = app.ended(wait=0.5 if verdict.message.startswith(NO_ANSWER) else 0.0)
        if how is None:
            return [verdict]
        left = len(scenario.steps) - result.steps_run
        not_sent = f"; {left} later step(s) not sent" if left else ""
        death = Verdict(APP, "app process", False, f"the app {how} {during}{not_sent}{app.tail()}")
        if verdict.ok or not verdict.message.startswith(NO_ANSWER):
            return [verdict, death]
        return [dataclasses.replace(verdict, message=f"{NO_ANSWER}: it {how}"), death]

    try:
        with httpx.Client(base_url=app.url, timeout=120.0) as client:
            for step in scenario.steps:
                collect(None)
                # Toxics first: a background call must never see the new day without its network fault.
                if hop is not None:
                    result.network_log.extend(hop.apply(scenario, step.at))
                began = clock.set(scenario.start + step.at * DAY)
                verdict = _send(client, step, saved, "step")
                collect(step.index, began)
                evidence = tuple(x for x in result.exchanges if result.step_of.get(id(x)) == step.index)
                verdict = Verdict(verdict.kind, verdict.name, verdict.ok, verdict.message, evidence, verdict.line)
                result.steps_run += 1
                result.verdicts.extend(died(verdict, f"during step {step.index} ({step.name})"))
                say(f"{scenario.name}: day {step.at:g} {step.name}: {'ok' if verdict.ok else 'FAILED'}")
                for probe in scenario.probes:
                    if result.verdicts[-1].kind == APP:
                        break
                    probe_verdict = _send(client, probe, dict(saved), "probe")
                    if not probe_verdict.ok:
                        probe_verdict = Verdict(
                            "probe",
                            f"{probe.name} after step {step.index}",
                            False,
                            probe_verdict.message,
                            (),
                            probe.line,
                        )
                        result.verdicts.extend(died(probe_verdict, f"while probes ran after step {step.index}"))
                if scenario.fuzz is not None and result.verdicts[-1].kind != APP:
                    if fuzzer is None:
                        from harness.fuzz import Fuzzer

                        fuzzer = Fuzzer(scenario.fuzz, app.url, scenario.seed)
                    verdicts = _fuzz(fuzzer, stage, step, result, calls_since)
                    say(f"{scenario.name}: day {step.at:g} fuzz: {verdicts[-1].message}")
                    result.verdicts.extend(verdicts[:-1])
                    result.verdicts.extend(died(verdicts[-1], f"while the fuzz ran after step {step.index}"))
                if result.verdicts[-1].kind == APP:
                    break
            collect(None)
            if not any(v.kind == APP for v in result.verdicts):
                final = died(Verdict(APP, "app process", True, "it ran to the end"), "after the last step")
                result.verdicts.extend(final[1:])
            if scenario.probes and not any(v.kind == "probe" for v in result.verdicts):
                result.verdicts.append(
                    Verdict("probe", "steady state", True, f"{len(scenario.probes)} probe(s) held after every step")
                )
    finally:
        if fuzzer is not None:
            fuzzer.close()


FUZZ = "fuzz"


def _fuzz(
    fuzzer: Fuzzer, stage: Stage, step: Step, result: ScenarioRun, calls_since: Callable[[], list[Exchange]]
) -> list[Verdict]:
    """One round of generated requests after `step`, on its day: a failed verdict per finding
    (the curl line that reproduces it in its message, the provider calls it caused as its
    evidence), then one that sums the round up."""
    plan = fuzzer.plan
    done = fuzzer.round(step.at, stage.faults_on(step.at), calls_since, name=str(step.index))
    result.fuzz_requests += done.requests
    result.fuzz_findings.extend(done.findings)
    verdicts = []
    for finding in done.findings:
        more = f" ({finding.more} more request(s) like it)" if finding.more else ""
        verdicts.append(
            Verdict(
                FUZZ,
                f"fuzz after step {step.index}: {finding.operation}: {finding.check}",
                False,
                f"{finding.message}{more}; reproduce with: {finding.curl}",
                finding.calls,
                plan.line,
            )
        )
    cap = f"; stopped at the {plan.seconds:g}s cap" if done.cut_short else ""
    summary = (
        f"{done.requests} request(s) to {done.operations} operation(s) on day {step.at:g}: "
        + (f"{len(done.findings)} finding(s)" if done.findings else "every answer held")
        + cap
    )
    verdicts.append(Verdict(FUZZ, f"fuzz after step {step.index}", not done.findings, summary, (), plan.line))
    return verdicts


def _send(client: httpx.Client, step: Step, saved: dict[str, str], kind: str) -> Verdict:
    name = f"{kind} {step.index}: {step.name}"
    try:
        request, expect = step.filled(saved, kind)
    except InputError as exc:
        return Verdict(kind, name, False, f"{exc.message} (was an earlier save missing?)", line=step.line)
    try:
        response = client.request(
            request["method"],
            request["path"],
            json=request.get("json"),
            headers=request.get("headers"),
            timeout=request.get("timeout", 120.0),
        )
    except httpx.HTTPError as exc:
        return Verdict(kind, name, False, f"{NO_ANSWER}: {type(exc).__name__}: {exc}", line=step.line)
    problems = expectation_problems(expect, response, step.schema)
    body = _json(response)
    for key, where in step.save.items():
        value = _pick(where, response, body)
        if value is None:
            problems.append(f"could not save {key!r} from {where}")
        else:
            saved[key] = str(value)
    message = f"HTTP {response.status_code} {_shown(response)}".strip()
    if problems:
        message = "; ".join(problems) + f" (the app answered {message})"
    return Verdict(kind, name, not problems, message, line=step.line)


def _shown(response: httpx.Response, limit: int = 300) -> str:
    """The body as a report shows it: text cut short, anything else as its size and type."""
    kind = response.headers.get("content-type", "").split(";")[0].strip()
    if kind and not (kind.startswith("text/") or "json" in kind or "xml" in kind):
        return f"<{len(response.content):,} bytes of {kind}>"
    text = response.text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def expectation_problems(
    expect: dict[str, Any], response: httpx.Response, schema: Draft202012Validator | None = None
) -> list[str]:
    """What in `response` breaks `expect`. `schema` is the step's `expect.schema` as the
    scenario compiled it (meta-schema checked, refs confined); the filled-in schema is
    checked with its registry, so a ref can never reach past what the load allowed."""
    problems: list[str] = []
    status = expect.get("status")
    allowed = status if isinstance(status, list) else [status] if status is not None else None
    if allowed is not None and response.status_code not in allowed:
        problems.append(f"expected status {' or '.join(map(str, allowed))}, got {response.status_code}")
    body = _json(response)
    if "json" in expect:
        mismatch = _subset_mismatch(expect["json"], body, "")
        if mismatch:
            problems.append(mismatch)
    if "schema" in expect:
        error = next(iter(schemas.with_registry_of(schema, expect["schema"]).iter_errors(body)), None)
        if error is not None:
            problems.append(
                f"body does not fit the schema at /{'/'.join(map(str, error.absolute_path))}: {error.message}"
            )
    for header, value in expect.get("headers", {}).items():
        if response.headers.get(header) != value:
            problems.append(f"expected header {header}: {value!r}, got {response.headers.get(header)!r}")
    return problems


def _subset_mismatch(want: Any, got: Any, pointer: str) -> str | None:
    """Where `got` fails to contain `want` (mappings by key, lists item by item), or None."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"expected an object at {pointer or '/'}, got {json.dumps(got)[:60]}"
        for key, value in want.items():
            if key not in got:
                return f"expected {pointer}/{key} in the body, it is missing"
            problem = _subset_mismatch(value, got[key], f"{pointer}/{key}")
            if problem:
                return problem
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) < len(want):
            return f"expected a list of at least {len(want)} at {pointer or '/'}, got {json.dumps(got)[:60]}"
        for i, value in enumerate(want):
            problem = _subset_mismatch(value, got[i], f"{pointer}/{i}")
            if problem:
                return problem
        return None
    if want != got:
        return f"expected {pointer or '/'} = {json.dumps(want)}, got {json.dumps(got)[:60]}"
    return None


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _pick(where: str, response: httpx.Response, body: Any) -> Any:
    if where == "status":
        return response.status_code
    source, _, path = where.partition(".")
    if source == "headers":
        return response.headers.get(path)
    value = body
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isascii() and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _timeline_verdicts(
    scenario: Scenario, injections: list[Injection], result: ScenarioRun, forwarded: list[Forwarded]
) -> list[Verdict]:
    """Each timeline entry must have acted: a fault that never fired rehearsed nothing."""
    verdicts: list[Verdict] = []
    http = iter(injections)
    never = "never acted: no call matched its provider, route and window, so nothing was rehearsed"
    for i, entry in enumerate(scenario.timeline):
        name = f"timeline[{i}] {entry.fault.name}" + (f" on {entry.provider}" if entry.provider else "")
        if entry.network:
            ok, message = _network_verdict(i, entry.fault.name, entry.provider, result, forwarded)
        else:
            count = len(next(http).log)
            ok, message = count > 0, f"acted {count} time(s)" if count else never
        verdicts.append(Verdict("timeline", name, ok, message, line=entry.line))
    return verdicts


def _network_verdict(
    index: int, fault: str, provider: str | None, result: ScenarioRun, forwarded: list[Forwarded]
) -> tuple[bool, str]:
    """A network fault acted when it changed what some call through its proxy carried; being
    switched on for a step is not enough. Two cases are judged by being on: `down`, whose refused
    connections never reach the proxy, and a proxy that cannot say what it forwarded."""
    from harness.chaos.hop import NetworkHop
    from harness.chaos.toxiproxy.delivery import acted, dropped_by_down

    steps = sum(1 for n in result.network_log if n["entry"] == index)
    if not steps:
        return False, "never acted: it was not on during any step, so nothing was rehearsed"
    proxies = [f for f in forwarded if provider in (None, f.provider)]
    if any(f.records is None for f in proxies):
        return True, f"on during {steps} step(s); what it did is unknown (this Toxiproxy cannot say)"
    records = [record for f in proxies for record in f.records or []]
    if fault == "down":
        dropped = dropped_by_down(records)
        result.network_acted[index] = dropped
        cut = f"; {dropped} call(s) in flight cut off" if dropped else ""
        return True, f"down during {steps} step(s): connections refused (a down proxy cannot count them){cut}"
    count = acted(records)[NetworkHop.toxic_name(fault, index)]
    result.network_acted[index] = count
    if count:
        return True, f"acted on {count} call(s) through the proxy"
    return False, (
        f"never acted: it was on during {steps} step(s), but no call through the proxy met it, so nothing was rehearsed"
    )
