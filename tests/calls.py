"""Calling a provider's handlers directly, as the double would, for the provider tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness.double.app import problem_reply
from harness.double.call import Call, Reply, State
from harness.double.problem import RequestProblem
from harness.provider import Provider


def make_call(
    state: State,
    method: str,
    path: str,
    *,
    body: Any = None,
    route: str = "",
    params: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),),
) -> Call:
    """A JSON call as a handler receives it."""
    return Call(
        method=method,
        path=path,
        params=params or {},
        query=query or {},
        headers=headers,
        body=json.dumps(body).encode() if body is not None else b"",
        json=body,
        form=None,
        state=state,
        route=route,
    )


def answered(provider: Provider, handler: Callable[[Call], Reply], call: Call) -> Reply:
    """What the double answers: the handler's reply, or the problem it raised in the provider's envelope."""
    try:
        return handler(call)
    except RequestProblem as problem:
        return problem_reply(provider, call.state, problem)
