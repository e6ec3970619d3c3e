"""The control API under `/__harness/` on every double: journal, clock, faults.

It lets a test, a scenario runner or a person with curl look inside a double
that runs in another process. Control calls are the harness's own business:
they are never journalled and never see faults. Bodies are plain JSON, with
errors as `{"error": message}`.

A web page must not drive it: a cross-origin `text/plain` POST needs no CORS
preflight, and DNS rebinding lets a page's own host name point at 127.0.0.1.
So a control request is refused (403) when it carries a browser's `Origin`
(or a `Sec-Fetch-Site` other than `none`), or when its `Host` is not the
double's own address: the loopback address and port it listens on
(`127.0.0.1:P`, `localhost:P`, `[::1]:P`), or in process the host the client
was given. With `HARNESS_CONTROL_TOKEN` set, it also needs
`Authorization: Bearer <token>` (401 without). Provider routes are not
checked: SDKs, and the Toxiproxy hop in front of a double, send their own Host.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harness.double.body import read_body
from harness.double.clock import VirtualClock
from harness.double.hooks import hook_name
from harness.errors import InputError
from harness.exchange import Exchange

if TYPE_CHECKING:
    from harness.double.app import Double

PREFIX = "/__harness/"
TOKEN_VARIABLE = "HARNESS_CONTROL_TOKEN"


def auth_headers() -> dict[str, str]:
    """What a client of the control API sends: the bearer token, when one is set."""
    token = os.environ.get(TOKEN_VARIABLE)
    return {"Authorization": f"Bearer {token}"} if token else {}


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _addressed_to_us(host: str, scope: dict) -> bool:
    """Whether `Host` names the server itself: its own host name (in process), or a loopback
    name for the loopback address it listens on, with its port."""
    from harness.double.server import is_loopback

    default = 443 if scope.get("scheme") == "https" else 80
    try:
        parts = urlsplit("//" + host)
        name, port = (parts.hostname or ""), parts.port or default
    except ValueError:
        return False
    if parts.username is not None or parts.path or parts.query:
        return False
    server = scope.get("server")
    if not server:  # no address known (a Unix socket): only loopback names
        return is_loopback(name)
    server_host, server_port = str(server[0]).lower(), int(server[1] or default)
    if port != server_port:
        return False
    return name == server_host.strip("[]") or (is_loopback(server_host) and is_loopback(name))


def refusal(scope: dict) -> tuple[int, str] | None:
    """Why a control request must not be answered (status, message), or None."""
    origin = _header(scope, b"origin")
    if origin is not None:
        return 403, (
            f"the control API does not answer browsers: this request carries Origin {origin!r}; "
            "a web page must not install faults or read the journal"
        )
    fetch_site = _header(scope, b"sec-fetch-site")
    if fetch_site not in (None, "none"):
        return 403, f"the control API does not answer browsers: this request carries Sec-Fetch-Site {fetch_site!r}"
    host = _header(scope, b"host")
    if host is None or not _addressed_to_us(host, scope):
        server = scope.get("server") or ("127.0.0.1", "PORT")
        return 403, (
            f"the control API answers only requests addressed to the double itself "
            f"(Host 127.0.0.1:{server[1]}, localhost:{server[1]} or [::1]:{server[1]}), not Host {host!r}"
        )
    token = os.environ.get(TOKEN_VARIABLE)
    if token:
        given = _header(scope, b"authorization") or ""
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return 401, f"${TOKEN_VARIABLE} is set: send Authorization: Bearer <that token>"
    return None


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
    refused = refusal(scope)
    extra: list[tuple[bytes, bytes]] = []
    if refused is not None:
        status, answer = refused[0], {"error": refused[1]}
        if status == 401:
            extra.append((b"www-authenticate", b'Bearer realm="harness control"'))
    elif endpoint is None:
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
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
