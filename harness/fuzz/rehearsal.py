"""The pytest form: an app under a scenario's faults, with its own spec bound to
it as a Schemathesis schema, held open for a test to drive.

    with rehearse("scenarios/outage-fuzz.yaml", day=1) as app:
        app.schema            # a Schemathesis OpenAPI schema whose base URL is the app
        app.check(case)       # send the case, hold the answer to `harness fuzz`'s checks

It stands on the same `Stage` as `harness chaos run` (doubles, faults, app),
with the virtual clock set to `day`; the spec is the `openapi` given, else the
scenario's `fuzz.openapi`. The pytest plugin hands `rehearse` to tests as the
`harness_fuzz` fixture.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import InputError
from harness.exchange import Exchange
from harness.fuzz import curl
from harness.fuzz.checks import Sent, problems
from harness.fuzz.engine import SETTLE
from harness.fuzz.spec import load, read

if TYPE_CHECKING:
    from schemathesis import Case, Response
    from schemathesis.specs.openapi.schemas import OpenApiSchema

    from harness.chaos.runner import Stage
    from harness.chaos.scenario import Scenario


class Rehearsal:
    def __init__(self, stage: Stage, schema: OpenApiSchema, day: float) -> None:
        assert stage.app is not None
        self.stage, self.schema, self.day = stage, schema, day
        self.url = stage.app.url
        self._marks = {name: double.journal.recorded for name, double in stage.doubles.items()}

    @property
    def faults_on(self) -> tuple[str, ...]:
        return self.stage.faults_on(self.day)

    def calls_since(self) -> list[Exchange]:
        """What the app asked its providers since this was last asked."""
        new: list[Exchange] = []
        for name, double in self.stage.doubles.items():
            calls, self._marks[name] = double.journal.since(self._marks[name])
            new += calls
        return sorted(new, key=lambda x: x.started)

    def problems(self, case: Case, response: Any = None) -> list[tuple[str, str]]:
        """(check, what is wrong) for the case's answer: `response` if given (from any client),
        else the case is sent now. The provider calls read are those since the last check."""
        if response is None:
            self.calls_since()
            try:
                response = case.call(base_url=self.url)
            except Exception as exc:
                return problems(Sent(case, None, f"{type(exc).__name__}: {exc}", self.faults_on))
        from schemathesis import Response

        time.sleep(SETTLE)  # the double journals a call as its answer goes out
        answer = response if isinstance(response, Response) else Response.from_any(response)
        return problems(Sent(case, answer, None, self.faults_on, tuple(self.calls_since())))

    def check(self, case: Case, response: Response | Any = None) -> None:
        """`problems`, raised as one AssertionError with the curl line that reproduces them."""
        found = self.problems(case, response)
        if found:
            line = curl.from_transport(case.as_transport_kwargs(base_url=self.url))
            text = "\n".join(f"  {name}: {message}" for name, message in found)
            raise AssertionError(f"{case.operation.label} on day {self.day:g}:\n{text}\nreproduce with: {line}")


@contextmanager
def rehearse(
    scenario: str | Path | Scenario,
    *,
    openapi: str | None = None,
    day: float = 0.0,
    seed: int | None = None,
    toxiproxy_url: str | None = None,
) -> Iterator[Rehearsal]:
    """The scenario's app ready under its faults, the clock at `day`, its spec bound to it."""
    from harness.chaos import scenario as scenarios
    from harness.chaos.runner import Stage
    from harness.chaos.schedule import DAY

    loaded = scenario if not isinstance(scenario, (str, Path)) else scenarios.load(scenario, seed=seed)
    if openapi is not None:
        spec = read(openapi)
    elif loaded.fuzz is not None:
        spec = loaded.fuzz.spec
    else:
        raise InputError("give openapi=..., or a scenario with a fuzz block", loaded.source)
    with Stage(loaded, toxiproxy_url) as stage:
        assert stage.app is not None
        if stage.hop is not None:
            stage.hop.apply(loaded, day)
        stage.clock.set(loaded.start + day * DAY)
        schema = load(spec.resolved(stage.app.url))
        schema.config.update(base_url=stage.app.url)
        yield Rehearsal(stage, schema, day)
