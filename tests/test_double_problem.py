"""A request a handler turns away: `RequestProblem`, raised anywhere in a handler,
is answered in one place (the double) in the provider's own envelope."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from harness.double import Call, Double, Reply
from harness.double.problem import RequestProblem
from harness.provider import Provider


def toy_error(
    status: int, message: str, *, type: str | None = None, code: str | None = None, param: str | None = None
) -> Reply:
    return Reply(status=status, json={"problem": {"message": message, "type": type, "code": code, "param": param}})


def check_x(fields: dict[str, Any]) -> None:
    if "x" in fields:
        raise RequestProblem(400, "Field 'x' is not welcome here.", param="x")


def fussy(call: Call) -> Reply:
    check_x(call.fields)  # raised a call deeper than the handler
    return Reply(json={"ok": True})


async def picky(call: Call) -> Reply:
    raise RequestProblem(409, "Not now.", type="conflict", code="busy")


TOY = Provider(
    name="toy",
    routes=(("POST /v1/fussy", fussy), ("POST /v1/picky", picky)),
    error=toy_error,
    request_id_header="toy-request-id",
    request_id=lambda state: "req_toy",
)


def test_a_raised_problem_comes_back_in_the_profiles_envelope(caplog):
    caplog.set_level(logging.ERROR, logger="harness.double")
    with Double(TOY) as double, httpx.Client(base_url="http://toy.test", transport=double.transport()) as http:
        turned_away = http.post("/v1/fussy", json={"x": 1})
        welcome = http.post("/v1/fussy", json={"y": 1})
        busy = http.post("/v1/picky", json={})
    assert turned_away.status_code == 400
    assert turned_away.json() == {
        "problem": {"message": "Field 'x' is not welcome here.", "type": None, "code": None, "param": "x"}
    }
    assert turned_away.headers["toy-request-id"] == "req_toy"
    assert welcome.json() == {"ok": True}
    assert busy.status_code == 409
    assert busy.json()["problem"] == {"message": "Not now.", "type": "conflict", "code": "busy", "param": None}
    exchange = double.journal[0]
    assert (exchange.route, exchange.response.status) == ("POST /v1/fussy", 400)
    assert not caplog.records  # a turned-away request is an answer, not a handler failure


def test_an_anthropic_bad_request_names_one_request_id_in_body_and_header():
    headers = {"x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01"}
    with (
        Double("anthropic") as double,
        httpx.Client(base_url="http://api.anthropic.test", transport=double.transport(), headers=headers) as http,
    ):
        missing = http.post("/v1/messages", json={"model": "claude-haiku-4-5", "messages": []})
        unknown = http.get("/v1/models/claude-imaginary-9")
    assert missing.status_code == 400
    assert missing.json()["error"] == {"type": "invalid_request_error", "message": "max_tokens: Field required"}
    assert unknown.status_code == 404 and unknown.json()["error"]["type"] == "not_found_error"
    for answer in (missing, unknown):
        request_id = answer.json()["request_id"]
        assert request_id.startswith("req_") and answer.headers["request-id"] == request_id
    assert missing.json()["request_id"] != unknown.json()["request_id"]


def test_a_problem_says_what_it_is():
    problem = RequestProblem(400, "Missing 'model'.", code="missing_required_parameter", param="model")
    assert (problem.status, problem.message, problem.type, problem.code, problem.param) == (
        400,
        "Missing 'model'.",
        None,
        "missing_required_parameter",
        "model",
    )
    assert str(problem) == "400 Missing 'model'."
