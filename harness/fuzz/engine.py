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

# A double journals a call as its answer goes out, and a client may act on the status line
# before the body is in: a request's provider calls are read just before the next one is
# sent, and after the last, once this long has passed.
SETTLE = 0.05
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
        pending: list[Sent] = []  # the request last sent, judged once its provider calls are in

        def judge() -> None:
            calls = tuple(calls_since())
            if not pending:
                return  # before the first request: what came before the round is not its doing
            sent = dataclasses.replace(pending.pop(), calls=calls)
            status = sent.response.status_code if sent.response is not None else None
            for check, message in problems(sent):
                finding = Finding(check, sent.case.operation.label, message, status, self._curl(sent.case), day, calls)
                earlier = found.get(finding.key())
                found[finding.key()] = (
                    finding if earlier is None else dataclasses.replace(earlier, more=earlier.more + 1)
                )

        def send(case: Case) -> None:
            judge()
            left = self.deadline - time.monotonic()
            if left <= 0:
                result.cut_short = True
                return
            pending.append(self._send(case, min(REQUEST_TIMEOUT, left + 10.0), tuple(faults_on)))
            result.requests += 1
            self.requests += 1

        for operation in operations(self.schema):
            result.operations += 1
            self._hypothesis(send, operation, f"{self.seed}:{name}:{operation.label}")
        time.sleep(SETTLE)
        judge()
        result.findings = list(found.values())
        return result

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
