"""What a fuzz run holds every answer of the app to, while faults break its
providers. Each check reads one `Sent` (the request, the app's answer, the
faults on at that moment, and the provider calls the request caused) and
says what is wrong in a sentence, or None.

- `server error`: no 5xx, except a 503 the spec documents for the operation,
  answered while a fault of the scenario is on. A 503 is how an app says
  "my providers are failing me, try later"; outside a fault it has no
  reason to, and any other 5xx is a crash or an outage passed on raw.
- `refusal`: when a provider refused the request (the `refusal` fault acted
  on one of its calls), the user hears it as a 4xx: not a 2xx that hides it,
  not a 5xx that blames the server.
- `conformance`: the status code, content type and body the spec documents
  for the operation (Schemathesis' own checks).
- `no answer`: the app answered at all, within the request's time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.exchange import Exchange

if TYPE_CHECKING:
    from schemathesis import Case, Response

REFUSAL = "refusal"  # the fault whose calls must come back to the user as a 4xx


@dataclass(frozen=True)
class Sent:
    case: Case
    response: Response | None  # None: the app did not answer
    error: str | None = None  # why not
    faults_on: tuple[str, ...] = ()  # the scenario's faults whose window covers this moment
    calls: tuple[Exchange, ...] = ()  # what the app asked its providers while it worked on it

    @property
    def documented(self) -> set[str]:
        """The status codes the spec lists for the operation ("200", "5XX", "default")."""
        responses = self.case.operation.definition.raw.get("responses") or {}
        return {str(code).upper() for code in responses}


Check = Callable[[Sent], "str | None"]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def add(function: Check) -> Check:
        CHECKS[name] = function
        return function

    return add


@check("no answer")
def no_answer(sent: Sent) -> str | None:
    if sent.response is None:
        return f"the app did not answer: {sent.error}"
    return None


@check("server error")
def server_error(sent: Sent) -> str | None:
    if sent.response is None or sent.response.status_code < 500:
        return None
    status = sent.response.status_code
    if status == 503 and "503" in sent.documented and sent.faults_on:
        return None
    if status != 503:
        why = "a server error; only a 503 the spec documents, while a fault is on, is an answer"
    elif "503" not in sent.documented:
        why = "a 503 the spec does not document for this operation"
    else:
        why = "a documented 503, but no fault of the scenario was on"
    faults = f" (faults on: {', '.join(sent.faults_on)})" if sent.faults_on else ""
    return f"HTTP {status}: {why}{faults}{_body(sent.response)}"


@check("refusal")
def refusal(sent: Sent) -> str | None:
    refused = [x for x in sent.calls if REFUSAL in (x.fault or "").split(",")]
    if not refused or sent.response is None or 400 <= sent.response.status_code < 500:
        return None
    first = refused[0]
    return (
        f"{first.provider} refused {first.request.method} {first.request.path} (fault {REFUSAL}), "
        f"and the app answered HTTP {sent.response.status_code}: a refusal must reach the user as a 4xx"
        f"{_body(sent.response)}"
    )


@check("conformance")
def conformance(sent: Sent) -> str | None:
    """Status code, content type and body against the operation's spec, as Schemathesis checks them."""
    if sent.response is None:
        return None
    from schemathesis.core.failures import Failure, FailureGroup
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    try:
        sent.case.validate_response(
            sent.response, checks=[status_code_conformance, content_type_conformance, response_schema_conformance]
        )
    except (FailureGroup, Failure) as exc:
        failures: list[Any] = list(exc.exceptions) if isinstance(exc, FailureGroup) else [exc]
        texts = [_failure(f) for f in failures]
        return f"HTTP {sent.response.status_code}: " + "; ".join(texts)
    return None


def problems(sent: Sent) -> list[tuple[str, str]]:
    """(check, what is wrong) for each check `sent` fails."""
    found = [(name, run(sent)) for name, run in CHECKS.items()]
    return [(name, message) for name, message in found if message]


def _failure(failure: Any) -> str:
    message = " ".join(str(failure.message or "").split())
    return f"{failure.title}: {message[:300]}" if message else str(failure.title)


def _body(response: Response, limit: int = 200) -> str:
    text = response.content.decode("utf-8", errors="replace").strip()
    if not text:
        return ""
    return f"; body: {text if len(text) <= limit else text[: limit - 1] + '…'}"
