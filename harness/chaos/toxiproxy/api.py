"""The HTTP API: Toxiproxy 2.x's paths, status codes and JSON, as a Starlette app.

Handlers run on the same event loop as the proxies, so they change proxies
directly; the collection's lock serialises the ones that await.

One path is the embedded server's own: `GET /proxies/{proxy}/connections`,
what each connection carried (`ledger.py`). A real Toxiproxy answers it 404,
which is how a client knows the deliveries through it are unknown.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from harness.chaos.toxiproxy import schema
from harness.chaos.toxiproxy.address import is_loopback
from harness.chaos.toxiproxy.collection import ProxyCollection
from harness.chaos.toxiproxy.errors import ApiError
from harness.chaos.toxiproxy.proxy import Proxy

VERSION = "2.13.0"  # the Toxiproxy release whose API this server speaks
REQUEST_ID = b"x-toxiproxy-request-id"


def build_app(collection: ProxyCollection, token: str | None = None) -> Starlette:
    async def version(request: Request) -> Response:
        return JSONResponse({"version": VERSION})

    async def proxy_index(request: Request) -> Response:
        return JSONResponse({name: p.to_json() for name, p in collection.proxies.items()})

    async def proxy_create(request: Request) -> Response:
        config = schema.proxy_config(schema.parse_json(await request.body()))
        async with collection.lock:
            proxy = await collection.add(config)
        return JSONResponse(proxy.to_json(), status_code=201)

    async def populate(request: Request) -> Response:
        made: list[Proxy] = []
        try:
            items = schema.populate_items(schema.parse_json(await request.body()))
            async with collection.lock:
                for i, item in enumerate(items, 1):
                    made.append(await collection.add_or_replace(schema.proxy_config(item, f" at proxy {i}")))
        except ApiError as exc:
            # As Toxiproxy: the proxies made before the bad item stay, and are listed (null if none).
            return JSONResponse(
                {**exc.to_json(), "proxies": [p.to_json() for p in made] or None}, status_code=exc.status
            )
        return JSONResponse({"proxies": [p.to_json() for p in made]}, status_code=201)

    async def proxy_show(request: Request) -> Response:
        return JSONResponse(collection.get(request.path_params["proxy"]).to_json())

    async def proxy_update(request: Request) -> Response:
        body = schema.parse_json(await request.body())
        async with collection.lock:
            proxy = collection.get(request.path_params["proxy"])
            await proxy.update(*schema.proxy_update(body, proxy))
        return JSONResponse(proxy.to_json())

    async def proxy_delete(request: Request) -> Response:
        async with collection.lock:
            await collection.remove(request.path_params["proxy"])
        return Response(status_code=204)

    async def proxy_connections(request: Request) -> Response:
        # Not in Toxiproxy: what each connection carried, so a journal can tell which answers reached the app.
        return JSONResponse(collection.get(request.path_params["proxy"]).connections())

    async def toxic_index(request: Request) -> Response:
        proxy = collection.get(request.path_params["proxy"])
        return JSONResponse([spec.to_json() for spec in proxy.toxics()])

    async def toxic_create(request: Request) -> Response:
        body = schema.parse_json(await request.body())
        proxy = collection.get(request.path_params["proxy"])
        spec = schema.toxic_spec(body, taken=[t.name for t in proxy.toxics()])
        proxy.add_toxic(spec)
        return JSONResponse(spec.to_json())

    async def toxic_show(request: Request) -> Response:
        proxy = collection.get(request.path_params["proxy"])
        return JSONResponse(proxy.toxic(request.path_params["toxic"]).to_json())

    async def toxic_update(request: Request) -> Response:
        body = schema.parse_json(await request.body())
        proxy = collection.get(request.path_params["proxy"])
        spec = schema.toxic_update(body, proxy.toxic(request.path_params["toxic"]))
        proxy.update_toxic(spec)
        return JSONResponse(spec.to_json())

    async def toxic_delete(request: Request) -> Response:
        collection.get(request.path_params["proxy"]).remove_toxic(request.path_params["toxic"])
        return Response(status_code=204)

    async def reset(request: Request) -> Response:
        async with collection.lock:
            await collection.reset()
        return Response(status_code=204)

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return JSONResponse(exc.to_json(), status_code=exc.status)

    routes = [
        Route("/version", version, methods=["GET"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/populate", populate, methods=["POST"]),
        Route("/proxies", proxy_index, methods=["GET"]),
        Route("/proxies", proxy_create, methods=["POST"]),
        Route("/proxies/{proxy}", proxy_show, methods=["GET"]),
        Route("/proxies/{proxy}", proxy_update, methods=["POST", "PATCH"]),
        Route("/proxies/{proxy}", proxy_delete, methods=["DELETE"]),
        Route("/proxies/{proxy}/connections", proxy_connections, methods=["GET"]),
        Route("/proxies/{proxy}/toxics", toxic_index, methods=["GET"]),
        Route("/proxies/{proxy}/toxics", toxic_create, methods=["POST"]),
        Route("/proxies/{proxy}/toxics/{toxic}", toxic_show, methods=["GET"]),
        Route("/proxies/{proxy}/toxics/{toxic}", toxic_update, methods=["POST", "PATCH"]),
        Route("/proxies/{proxy}/toxics/{toxic}", toxic_delete, methods=["DELETE"]),
    ]
    return Starlette(
        routes=routes, middleware=[Middleware(Guard, token=token)], exception_handlers={ApiError: api_error}
    )


class Guard:
    """Who may drive the server: not a web page, and only with the token when one is set.

    Toxiproxy refuses browser user agents (403). A page can still send a "simple"
    cross-origin POST without a browser agent check biting (fetch from a page always
    carries `Origin`), or reach 127.0.0.1 through a DNS name it controls (its `Host`
    then names that domain). So a request with an `Origin`, or whose `Host` is not a
    loopback address, is refused too. With `TOXIPROXY_AUTH_TOKEN` set, every request
    needs `Authorization: Bearer <token>`. Every answer carries an
    `X-Toxiproxy-Request-Id`, as Toxiproxy's do.
    """

    def __init__(self, app: ASGIApp, token: str | None = None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(10)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (REQUEST_ID, request_id.encode())]}
            await send(message)

        refusal = self.refusal(dict(scope["headers"]))
        if refusal is not None:
            await refusal(scope, receive, send_with_id)
            return
        await self.app(scope, receive, send_with_id)

    def refusal(self, headers: dict[bytes, bytes]) -> Response | None:
        if headers.get(b"user-agent", b"").startswith(b"Mozilla/"):
            return PlainTextResponse("User agent not allowed", status_code=403)
        if b"origin" in headers:
            return PlainTextResponse("Cross-origin requests not allowed", status_code=403)
        if not _loopback_host(headers.get(b"host", b"").decode("latin-1")):
            return PlainTextResponse("Host not allowed: this server answers on loopback only", status_code=403)
        if self.token is not None:
            given = headers.get(b"authorization", b"").decode("latin-1")
            if not hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
                return JSONResponse({"error": "missing or wrong token (TOXIPROXY_AUTH_TOKEN)", "status": 401}, 401)
        return None


def _loopback_host(host: str) -> bool:
    """A Host header naming a loopback address (with or without its port)."""
    if not host:
        return False
    name = host.rsplit(":", 1)[0] if not host.endswith("]") and host.count(":") == 1 else host
    if name.startswith("[") and "]" in name:
        name = name[1 : name.index("]")]
    return is_loopback(name)
