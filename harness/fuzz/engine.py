"""Send the requests Schemathesis generates from the app's spec, one at a time,
and hold each answer to the checks (`checks.py`).

Every operation gets its own Hypothesis run of `max_examples` requests, seeded
from the scenario's seed, the round and the operation, with no example
database: the same seed sends the same requests. A failing request is not
shrunk (under chaos each one can cost seconds of retries): the request as it
was sent is the reproduction, printed as a curl line. Findings of the same
check, operation and status are counted once, with how many more there were.
The wall-clock cap stops sending, not the request in flight.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from harness.exchange import Exchange
from harness.fuzz import curl
from harness.fuzz.checks import Sent, problems
from harness.fuzz.plan import Plan

if TYPE_CHECKING:
    from schemathesis import Case
    from schemathesis.specs.openapi.schemas import OpenApiSchema

REQUEST_TIMEOUT = 120.0  # seconds one request may take, at most (also capped by what is left of the run)


@dataclass(frozen=True)
class Finding:
    """One thing a fuzz run found: which check, on which operation, the request that shows it."""

    check: str
    operation: str  # "POST /videos"
    message: str
    status: int | None  # the app's answer; None when it gave none
    curl: str  # the request, secrets redacted
    day: float  # on the scenario's virtual clock
    calls: tuple[Exchange, ...] = ()  # the provider calls it caused
    more: int = 0  # further requests that failed the same way

    def key(self) -> tuple[str, str, int | None]:
        return (self.check, self.operation, self.status)


@dataclass
class Round:
    """What one round of requests (after one step) sent and found."""

    day: float
    requests: int = 0
    operations: int = 0
    findings: list[Finding] = field(default_factory=list)
    cut_short: bool = False  # the wall-clock cap was reached


class Fuzzer:
    """The app's spec loaded once, bound to the app; `round(...)` sends one round."""

    def __init__(self, plan: Plan, app_url: str, seed: int) -> None:
        import requests

        from harness.fuzz.spec import load

        self.plan, self.app_url, self.seed = plan, app_url.rstrip("/"), seed
        self.schema: OpenApiSchema = load(plan.spec.resolved(self.app_url))
        self.deadline = time.monotonic() + plan.seconds
        self.session = requests.Session()
        self.requests = 0

    def close(self) -> None:
        self.session.close()

    def round(
        self,
        day: float,
        faults_on: Sequence[str],
        calls_since: Callable[[], list[Exchange]],
        name: str = "",
    ) -> Round:
        """Send up to `max_examples` requests to each operation; `calls_since()` gives what the
        providers answered since it was last asked, so each request gets its own calls."""
        from harness.fuzz.spec import operations

        found: dict[tuple[str, str, int | None], Finding] = {}
        result = Round(day)
        for operation in operations(self.schema):
            result.operations += 1
            label = operation.label

            def send(case: Case) -> None:
                self._one(case, result, found, tuple(faults_on), calls_since)

            self._hypothesis(send, operation, f"{self.seed}:{name}:{label}")
        result.findings = list(found.values())
        return result

    def _one(
        self,
        case: Case,
        result: Round,
        found: dict[tuple[str, str, int | None], Finding],
        faults_on: tuple[str, ...],
        calls_since: Callable[[], list[Exchange]],
    ) -> None:
        """Send one generated request, unless the cap is reached, and keep what it found."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            result.cut_short = True
            return
        calls_since()  # what came before this request is not its doing
        sent = self._send(case, min(REQUEST_TIMEOUT, left + 10.0), faults_on)
        sent = Sent(sent.case, sent.response, sent.error, sent.faults_on, tuple(calls_since()))
        result.requests += 1
        self.requests += 1
        status = sent.response.status_code if sent.response is not None else None
        for check, message in problems(sent):
            finding = Finding(check, case.operation.label, message, status, self._curl(case), result.day, sent.calls)
            earlier = found.get(finding.key())
            found[finding.key()] = finding if earlier is None else dataclasses.replace(earlier, more=earlier.more + 1)

    def _hypothesis(self, send: Callable[[Case], None], operation: object, seed: str) -> None:
        import hypothesis

        strategy = operation.as_strategy()  # type: ignore[attr-defined]
        test = hypothesis.given(strategy)(send)
        test = hypothesis.seed(seed)(test)
        test = hypothesis.settings(
            max_examples=self.plan.max_examples,
            database=None,
            deadline=None,
            derandomize=False,
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
            report_multiple_bugs=False,
        )(test)
        test()

    def _send(self, case: Case, timeout: float, faults_on: tuple[str, ...]) -> Sent:
        try:
            response = case.call(base_url=self.app_url, session=self.session, timeout=timeout)
        except Exception as exc:  # a connection the app refused, reset or never answered
            return Sent(case, None, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", faults_on)
        return Sent(case, response, None, faults_on)

    def _curl(self, case: Case) -> str:
        return curl.from_transport(case.as_transport_kwargs(base_url=self.app_url))
