"""Verdicts: what held and what did not, each with its evidence (exchanges).

Journal expectations are a registry of small checks by kind; each reads the
exchanges of the steps it names and says, in a sentence, why it failed.

An answer counts as given only when the app received it (`Exchange.received`):
a 200 the double sent into a reset connection served nobody. Checks that
count calls count every call the app made, delivered or not, and say how
many answers did not arrive.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from harness.chaos.scenario import Expectation
from harness.exchange import Exchange

# Verdicts about the run itself rather than the app's answers: the app did not start, the
# app died mid-run, the run was interrupted (by SIGINT or SIGTERM).
START, APP, STOP = "start", "app", "interrupted"
# What a scenario's run comes to (`ScenarioRun.state`).
HELD, FAILED, DID_NOT_START, INTERRUPTED = "held", "failed", "did not start", "interrupted"


@dataclass(frozen=True)
class Verdict:
    kind: str  # step, probe, fuzz, expect, timeline; start, app, interrupted
    name: str
    ok: bool
    message: str  # what happened, in a sentence
    evidence: tuple[Exchange, ...] = ()
    line: int | None = None  # where in the scenario file it is written


@dataclass(frozen=True)
class Seen:
    """The exchanges an expectation reads, and the step each happened in."""

    exchanges: list[Exchange]
    step_of: dict[int, int]  # id(exchange) -> step index

    def step(self, exchange: Exchange) -> int | None:
        return self.step_of.get(id(exchange))


# (held, why in a sentence, the exchanges that show it)
Finding = tuple[bool, str, list[Exchange]]
Check = Callable[[Expectation, Seen], Finding]
CHECKS: dict[str, Check] = {}


def check(kind: str) -> Callable[[Check], Check]:
    def add(function: Check) -> Check:
        CHECKS[kind] = function
        return function

    return add


def ok_status(x: Exchange) -> bool:
    """A successful answer that reached the app."""
    return x.received and x.response is not None and 200 <= x.response.status < 300


def _outcome(x: Exchange) -> str:
    if x.response is None:
        return "no response"
    return f"{x.status}" if x.received else f"{x.status} {x.delivery}, not received"


def _summary(exchanges: list[Exchange]) -> str:
    counts = Counter(f"{x.provider} {_outcome(x)}" for x in exchanges)
    return ", ".join(f"{n}× {what}" for what, n in sorted(counts.items())) or "no calls"


def _calls(exchanges: list[Exchange]) -> str:
    lost = sum(1 for x in exchanges if x.response is not None and not x.received)
    return f"{len(exchanges)} call(s)" + (f" ({lost} answer(s) did not reach the app)" if lost else "")


@check("served_by")
def served_by(expectation: Expectation, seen: Seen) -> Finding:
    exchanges = seen.exchanges
    want = expectation.value
    # Doubles always name their provider; `is not None` only tells the type checker so.
    served = sorted({x.provider for x in exchanges if ok_status(x) and x.provider is not None})
    if want is None:
        return (
            not served,
            "no provider answered successfully"
            if not served
            else f"expected no provider to serve, but {', '.join(served)} did ({_summary(exchanges)})",
            exchanges,
        )
    if served == [want]:
        return True, f"served by {want} ({_summary(exchanges)})", exchanges
    if not served:
        return (
            False,
            f"expected {want} to serve, but no provider answered successfully ({_summary(exchanges)})",
            exchanges,
        )
    return False, f"expected only {want} to serve, but {', '.join(served)} did ({_summary(exchanges)})", exchanges


@check("max_calls")
def max_calls(expectation: Expectation, seen: Seen) -> Finding:
    exchanges = seen.exchanges
    n = len(exchanges)
    return n <= expectation.value, f"{_calls(exchanges)}, at most {expectation.value} allowed", exchanges


@check("min_calls")
def min_calls(expectation: Expectation, seen: Seen) -> Finding:
    exchanges = seen.exchanges
    n = len(exchanges)
    return n >= expectation.value, f"{_calls(exchanges)}, at least {expectation.value} needed", exchanges


@check("fault_acted")
def fault_acted(expectation: Expectation, seen: Seen) -> Finding:
    exchanges = seen.exchanges
    hit = [x for x in exchanges if x.fault and expectation.value in x.fault.split(",")]
    if hit:
        return True, f"{expectation.value} acted on {len(hit)} call(s)", hit
    return False, f"{expectation.value} never acted on these calls: the rehearsal did not happen", exchanges


@check("max_attempts")
def max_attempts(expectation: Expectation, seen: Seen) -> Finding:
    """No retry storm: calls per step to one provider route stay within the limit."""
    exchanges = seen.exchanges
    per: Counter[tuple[int | None, str | None, str]] = Counter(
        (seen.step(x), x.provider, x.route or x.request.path) for x in exchanges
    )
    worst = max(per.values(), default=0)
    if worst <= expectation.value:
        return True, f"at most {worst} attempt(s) per step and route (limit {expectation.value})", exchanges
    key = max(per, key=lambda k: per[k])
    storm = [x for x in exchanges if (seen.step(x), x.provider, x.route or x.request.path) == key]
    return False, (f"retry storm: {worst} calls to {key[1]} {key[2]} in one step (limit {expectation.value})"), storm


def retry_after_seconds(x: Exchange) -> float | None:
    if x.response is None:
        return None
    ms = x.response.header("retry-after-ms")
    if ms is not None:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = x.response.header("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


@check("retry_after_honoured")
def retry_after_honoured(expectation: Expectation, seen: Seen) -> Finding:
    exchanges = seen.exchanges
    by_route: dict[tuple[str | None, str], list[Exchange]] = defaultdict(list)
    for x in exchanges:
        by_route[(x.provider, x.route or x.request.path)].append(x)
    waited = 0
    for calls in by_route.values():
        calls.sort(key=lambda x: x.started)
        for this, following in itertools.pairwise(calls):
            # A 429 that never reached the app asked it nothing.
            asked = retry_after_seconds(this) if this.status == 429 and this.received else None
            if asked is None:
                continue
            gap = following.started - (this.started + this.elapsed)
            waited += 1
            if gap < asked * 0.9:
                ok = not expectation.value
                return (
                    ok,
                    (
                        f"retried {this.provider} {this.request.path} after {gap:.2f}s although "
                        f"retry-after asked for {asked:g}s"
                    ),
                    [this, following],
                )
    if expectation.value and waited == 0:
        return False, "no 429 with retry-after was followed by a retry: nothing showed the wait", exchanges
    return bool(expectation.value), f"{waited} retry(ies) waited as asked", exchanges


def judge(expectation: Expectation, seen: Seen) -> Verdict:
    ok, message, evidence = CHECKS[expectation.kind](expectation, seen)
    steps = f" during steps {list(expectation.steps)}" if expectation.steps else ""
    return Verdict("expect", f"{expectation.text}", ok, message + steps, tuple(evidence), expectation.line)
