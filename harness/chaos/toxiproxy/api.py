"""The HTTP API: Toxiproxy 2.x's paths, status codes and JSON, as a Starlette app.

Handlers run on the same event loop as the proxies, so they change proxies
directly; the collection's lock serialises the ones that await.

One path is the embedded server's own: `GET /proxies/{proxy}/connections`,
what each connection carried (`ledger.py`). A real Toxiproxy answers it 404,
which is how a client knows the deliveries through it are unknown.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from harness.chaos.toxiproxy import schema
from harness.chaos.toxiproxy.collection import ProxyCollection
from harness.chaos.toxiproxy.errors import ApiError

VERSION = "2.13.0"  # the Toxiproxy release whose API this server speaks


def build_app(collection: ProxyCollection) -> Starlette:
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
        try:
            configs = schema.proxy_configs(schema.parse_json(await request.body()))
            async with collection.lock:
                proxies = await collection.populate(configs)
        except ApiError as exc:
            return JSONResponse({**exc.to_json(), "proxies": None}, status_code=exc.status)
        return JSONResponse({"proxies": [p.to_json() for p in proxies]}, status_code=201)

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
    return Starlette(routes=routes, middleware=[Middleware(RefuseBrowsers)], exception_handlers={ApiError: api_error})


class RefuseBrowsers:
    """As Toxiproxy: a web page must not be able to drive a local proxy server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            agent = dict(scope["headers"]).get(b"user-agent", b"")
            if agent.startswith(b"Mozilla/"):
                await PlainTextResponse("User agent not allowed", status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)
