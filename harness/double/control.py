"""The control API under `/__harness/` on every double: journal, clock, faults.

It lets a test, a scenario runner or a person with curl look inside a double
that runs in another process. Control calls are the harness's own business:
they are never journalled and never see faults. Bodies are plain JSON, with
errors as `{"error": message}`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from harness.double.body import read_body
from harness.double.clock import VirtualClock
from harness.double.hooks import hook_name
from harness.errors import InputError
from harness.exchange import Exchange

if TYPE_CHECKING:
    from harness.double.app import Double

PREFIX = "/__harness/"


def exchange_to_dict(exchange: Exchange) -> dict[str, Any]:
    def message(msg: Any, **extra: Any) -> dict[str, Any]:
        out = {**extra, "headers": [list(pair) for pair in msg.headers]}
        try:
            out["body"] = msg.body.decode("utf-8")
        except UnicodeDecodeError:  # media: keep it exact
            out["body_base64"] = base64.b64encode(msg.body).decode()
        return out

    response = exchange.response
    return {
        "request": message(exchange.request, method=exchange.request.method, url=exchange.request.url),
        "response": message(response, status=response.status) if response is not None else None,
        "provider": exchange.provider,
        "route": exchange.route,
        "started": exchange.started,
        "elapsed": exchange.elapsed,
        "fault": exchange.fault,
        "error": exchange.error,
        "source": exchange.source,
        "delivery": exchange.delivery,
        "delivered": exchange.delivered,
        "peer": exchange.peer,
    }


def _journal(double: Double, method: str, body: Any) -> tuple[int, Any]:
    if method == "GET":
        return 200, [exchange_to_dict(x) for x in double.journal]
    if method == "DELETE":
        count = len(double.journal)
        double.journal.clear()
        return 200, {"cleared": count}
    return 405, {"error": "use GET or DELETE on /__harness/journal"}


def _clock(double: Double, method: str, body: Any) -> tuple[int, Any]:
    clock = double.clock
    virtual = isinstance(clock, VirtualClock)
    if method == "GET":
        return 200, {"now": clock.now(), "virtual": virtual}
    if method != "POST":
        return 405, {"error": "use GET or POST on /__harness/clock"}
    if not isinstance(clock, VirtualClock):
        return 409, {
            "error": "this double runs on the real clock; start it with a virtual clock "
            "(harness serve --virtual-clock) to move time"
        }
    if not isinstance(body, dict) or len(body) != 1 or not set(body) <= {"advance", "advance_days", "set"}:
        return 400, {"error": 'send one of {"advance": seconds}, {"advance_days": days}, {"set": epoch}'}
    ((key, value),) = body.items()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 400, {"error": f"{key!r} takes a number, got {json.dumps(value)}"}
    try:
        if key == "set":
            clock.set(value)
        else:
            clock.advance(**({"seconds": value} if key == "advance" else {"days": value}))
    except ValueError as exc:
        return 400, {"error": str(exc)}
    return 200, {"now": clock.now(), "virtual": True}


def _describe(double: Double, index: int, hook: Any) -> dict[str, Any]:
    return {"index": index, "name": hook_name(hook), "description": double.fault_descriptions.get(id(hook))}


def _faults(double: Double, method: str, body: Any) -> tuple[int, Any]:
    """The double's hooks; POST adds one built from a fault description by the chaos layer."""
    if method == "GET":
        return 200, [_describe(double, i, h) for i, h in enumerate(double.hooks)]
    if method == "DELETE":
        count = len(double.hooks)
        double.hooks.clear()
        double.fault_descriptions.clear()
        return 200, {"removed": count}
    if method != "POST":
        return 405, {"error": "use GET, POST or DELETE on /__harness/faults"}
    # Imported here: the chaos layer is built on the double, and a double that is never sent a fault never loads it.
    from harness.chaos.fault import from_description

    try:
        hook = from_description(body, double)
    except InputError as exc:
        return 400, {"error": str(exc)}
    double.hooks.append(hook)
    double.fault_descriptions[id(hook)] = body
    return 201, _describe(double, len(double.hooks) - 1, hook)


ENDPOINTS: dict[str, Callable[[Double, str, Any], tuple[int, Any]]] = {
    "journal": _journal,
    "clock": _clock,
    "faults": _faults,
}


async def handle(double: Double, scope: dict, receive: Callable, send: Callable) -> None:
    name = scope["path"][len(PREFIX) :].strip("/")
    raw = await read_body(receive)
    endpoint = ENDPOINTS.get(name)
    if endpoint is None:
        status, answer = (
            404,
            {"error": f"no control endpoint {scope['path']!r}; known: {', '.join(PREFIX + n for n in ENDPOINTS)}"},
        )
    else:
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError as exc:
            status, answer = 400, {"error": f"the body is not valid JSON: {exc}"}
        else:
            status, answer = endpoint(double, scope["method"], body)
    payload = json.dumps(answer).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})
