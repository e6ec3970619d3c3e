"""Double: a provider record played as an ASGI app, with a journal.

Route matching, body parsing, the fault hook, rendering and the journal are
done here once; what a provider says is in its `Provider` record. Every answer is in
the provider's own envelope: an unknown route, a body that does not parse
and a handler that raises all come back as the provider would say them,
never as a bare 500.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import random
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from harness import jsoncodec, secrets, sse
from harness.catalogue import day_of, for_double, today
from harness.double import control, wire
from harness.double.body import BodyError, parse_body, read_body, whole_body
from harness.double.call import Call, ErrorEnvelope, Handler, Reply, State
from harness.double.clock import Clock, RealClock
from harness.double.hooks import Hook, run_after, run_before
from harness.double.loop import LoopThread
from harness.double.problem import RequestProblem
from harness.double.replay import PLANS_KEPT, Plan, make_plan, request_key, snapshot
from harness.exchange import Deferred, Exchange, Journal, Request, Response, made
from harness.routes import Route, RouteTable

if TYPE_CHECKING:
    from harness.provider import Provider

log = logging.getLogger("harness.double")

# Requests that passed validation, kept so that the same one sent again is not checked again:
# how many, and up to what body size (a load test repeats a few small bodies).
PASSED_KEPT = 256
PASSED_BODY_BYTES = 4096

# Keys in query strings never reach the journal either.
SECRET_QUERY = frozenset(secrets.QUERY)
REDACTED = secrets.PLACEHOLDER


@dataclass(frozen=True)
class RouteHandler:
    route: Route
    handler: Handler


class Double:
    """An ASGI app that plays `provider`; `double.journal` holds what it answered.

    `seed` fixes ids and generated content, `clock` (default: real time) moves
    jobs and timestamps and decides which models, and which whole APIs (the
    catalogue's `routes:`), are past their shutdown date,
    `job_seconds` is how long an async job (a video) takes on that clock,
    `models` adds models to the provider's catalogue (id -> `{family, deprecated,
    shutdown}`, as in pyproject.toml's `[tool.harness.models.<provider>]`).
    `strict` (the default) turns away, in the provider's own 400, a request the
    real API would reject (`harness/validation/`); `strict=False` lets the
    handlers take whatever they can read. `replay` (the default) answers a request seen
    twice before from its rendered answer, with its ids and time drawn anew: the same bytes,
    for less work (`harness.double.replay`); `replay=False` answers every request afresh.
    """

    def __init__(
        self,
        provider: str | Provider,
        *,
        seed: int = 0,
        clock: Clock | None = None,
        job_seconds: float = 1.0,
        journal: Journal | None = None,
        strict: bool = True,
        models: Mapping[str, Any] | None = None,
        uvloop: bool = False,
        replay: bool = True,
    ) -> None:
        if isinstance(provider, str):
            from harness import providers

            provider = providers.get(provider)
        self.provider: Provider = provider
        self.name = self.provider.name
        # Credentials never reach the journal, which is served on /__harness/journal.
        self.secret_headers = frozenset(secrets.request_headers())
        self.seed = seed
        self.strict = strict
        self.clock: Clock = clock if clock is not None else RealClock()
        self.journal = journal if journal is not None else Journal()
        self.hooks: list[Hook] = []  # what acts around every provider call (harness.double.hooks)
        # Proxies in front of it that can say what they forwarded, so a journal can be told which
        # answers reached the app (harness.chaos.toxiproxy.delivery.ProxyLedger).
        self.hops: list[Any] = []
        self.state = State(
            rng=random.Random(seed), clock=self.clock, settings={"job_seconds": float(job_seconds), "seed": seed}
        )
        from harness.catalogue import for_double
        from harness.catalogue.config import models_option

        served = self.served = self.provider.catalogue or self.name
        if models:  # models this double serves beyond its provider's catalogue (harness/catalogue/)
            self.state.settings["models"] = models_option(served, models, "Double(models=...)")
        # Built here, at start: reading the SDKs' model types (once per process) must not hold up
        # a first request on the loop, and a mistake in [tool.harness.models] fails now.
        for_double(self.state.settings, served)
        self.routes = tuple(RouteHandler(Route.parse(template), handler) for template, handler in self.provider.routes)
        # uvloop for a double served on its own (`harness serve`); tests keep asyncio's loop.
        self.loop = LoopThread(name=f"harness-double-{self.name}", uvloop=uvloop)
        # A double dropped without close() must not leave its loop thread behind.
        weakref.finalize(self, self.loop.stop)
        self.fault_descriptions: dict[int, Any] = {}  # id(fault) -> the JSON it was built from
        self._passed: dict[tuple[Any, ...], None] = {}  # requests that passed validation (`_validate`)
        self.replay = replay
        self._plans: dict[tuple[Any, ...], Plan] = {}  # requests seen twice, and their answers
        self._seen: dict[tuple[Any, ...], str] = {}  # requests seen once, or watched for a plan
        # A validator with a large schema to read (OpenAI's spec, once per process) reads it now,
        # before the app starts, rather than inside the first request the app times.
        warm = getattr(self.provider.validate, "warm", None) if strict else None
        if callable(warm):
            warm()

    def __repr__(self) -> str:
        lenient = "" if self.strict else " lenient"
        return f"<Double {self.name} seed={self.seed} clock={self.clock!r}{lenient}>"

    # --- ways in -------------------------------------------------------------------------

    def transport(self, flavour: str = "httpx") -> Any:
        """A sync transport for `httpx.Client` (or `httpx2.Client` with flavour="httpx2")."""
        from harness.double.transport import sync_transport

        return sync_transport(self, flavour)

    def async_transport(self, flavour: str = "httpx") -> Any:
        """An async transport for `httpx.AsyncClient` (or `httpx2.AsyncClient`)."""
        from harness.double.transport import async_transport

        return async_transport(self, flavour)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> AbstractContextManager[str]:
        """`with double.serve() as url:` real HTTP on a loopback address, in the background."""
        from harness.double.server import serve

        return serve(self, host, port)

    def close(self) -> None:
        """Stop the double's loop thread (and any server on it)."""
        self.loop.stop()

    def __enter__(self) -> Double:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- ASGI ----------------------------------------------------------------------------

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await _lifespan(receive, send)
        elif kind == "http":
            if scope["path"].startswith(control.PREFIX):
                await control.handle(self, scope, receive, send)
            else:
                await self._exchange(scope, receive, send)

    async def _exchange(self, scope: dict, receive: Callable, send: Callable) -> None:
        started, t0 = self.clock.now(), time.perf_counter()
        message = await receive()
        body = whole_body(message)
        if body is None:
            body = await read_body(receive, message)
        key = request_key(scope, body) if self.replay and not self.hooks else None
        before: tuple[Any, ...] | None = None
        answered: tuple[Deferred, Sequence[Any]] | None = None
        if key is not None:
            try:
                plan = self._plans.get(key)
            except TypeError:  # an unhashable part (headers as lists): not a request to keep a plan for
                plan = key = None
            # The day from `started`: the clock as read for this request, not read again.
            if (
                plan is not None
                and plan.made_under == self._made_under()
                and (plan.opens <= started <= plan.closes or plan.day == day_of(started))
            ):
                answered = self._replay(plan, scope, started, t0)
            elif key is not None:
                seen = self._seen.get(key)
                if plan is not None or seen is _SEEN_ONCE:
                    # The second time, or the first since its plan gave way: watch the handler draw,
                    # for a plan made under what holds now. Once: an answer that cannot be replayed
                    # (a stream, tool calls, a provider that names no draws) is not watched again.
                    self._plans.pop(key, None)
                    _keep(self._seen, key, _WATCHED)
                    before = (snapshot(self.state), self._made_under(), today(self.clock))
                elif seen is None:
                    _keep(self._seen, key, _SEEN_ONCE)
        if answered is None:
            answered = await self._afresh(scope, receive, send, body, key, before, started, t0)
            if answered is None:
                return  # sent in parts
        entry, raw = answered
        # The common answer, one body with nothing to wait for: two sends, no watcher.
        # Recorded before the first byte goes out, so an app that has its whole answer (or a
        # proxy that passed it on) can already read the exchange from the journal. Nothing here
        # waits, so there is no moment to hear a disconnect in: a `send` that raises (an
        # in-process client that closed) is the sign the client went away, and the record is
        # then amended to say what it got.
        self.journal.record_deferred(entry)
        began = False
        try:
            await send({"type": "http.response.start", "status": entry[_STATUS], "headers": raw})
            began = True
            await send({"type": "http.response.body", "body": entry[_BODY], "more_body": False})
        except Exception as exc:  # the body never left: the record must not say the app got it
            exchange = made(entry)
            assert exchange.response is not None
            self.journal.amend(
                entry,
                exchange.with_(
                    response=Response(headers=exchange.response.headers, body=b"", status=exchange.response.status),
                    error=_disconnected(exc),
                    delivery="cut" if began else "unsent",
                    delivered=0,
                ),
            )

    async def _afresh(
        self,
        scope: dict,
        receive: Callable,
        send: Callable,
        body: bytes,
        key: Any,
        before: tuple[Any, ...] | None,
        started: float,
        t0: float,
    ) -> tuple[Deferred, Sequence[Any]] | None:
        """Answer through the routes, the hooks and the handler. A whole answer is given back as
        its journal entry (`_entry`) and its head as ASGI's header pairs, for `_exchange` to send;
        any other is sent here, and None given back. `before` is set when this request is watched
        for a plan (`_plan`)."""
        headers = wire.request_headers(scope.get("headers", ()))
        query_string = scope.get("query_string", b"").decode("latin-1")
        call, reply, acted = await self.answer(scope["method"], scope["path"], query_string, headers, body)
        request = Request._of(
            _redact_headers(headers, self.secret_headers), body, scope["method"], _url(scope, headers, query_string)
        )
        journey = _Journey(self, scope, call, request, ",".join(acted) or None, started, t0)
        if not self._in_one_piece(reply):
            await self._send_in_parts(journey, reply, receive, send)
            return None
        payload = render_body(reply)
        provided = self._provided(call)
        status, pairs = self._head(provided, reply.status, content_type(reply), reply.headers, payload)
        if before is not None and reply.drawn and not acted and not self.hooks:
            self._plan(key, before, call, reply, payload, request, tuple(provided), pairs)
        return journey.entry(status, pairs, payload), wire.response_headers(pairs)

    @staticmethod
    def _in_one_piece(reply: Reply) -> bool:
        """Is this an answer with nothing to wait for: not streamed, delayed, stalled or cut?"""
        return reply.events is None and not (reply.delay or reply.pauses or reply.abort)

    def _made_under(self) -> tuple[Any, ...]:
        """What a replayed answer was made under: while all of it is the same (`is`, or equal),
        the answer to the same request is the same but for its drawn values."""
        state = self.state
        settings = state.settings
        return (
            self.routes,
            self.provider,
            state,
            self.clock,
            state.clock,
            self.strict,
            self.secret_headers,
            settings.get("catalogue"),
            settings.get("seed"),
        )

    def _plan(
        self,
        key: Any,
        before: tuple[Any, ...],
        call: Call,
        reply: Reply,
        payload: bytes,
        request: Request,
        provided: tuple[str, ...],
        pairs: tuple[tuple[str, str], ...],
    ) -> None:
        """Keep a plan for the request `key`, if its answer can be shown to be replayable."""
        snapshot, made_under, day = before
        if self.strict and not getattr(self.provider.validate, "request_only", False):
            return  # a check that looks beyond the request would be skipped by a replay
        if made_under != self._made_under() or day != today(self.clock):
            return
        plan = make_plan(
            snapshot,
            self.state,
            self.provider.request_id,
            reply,
            wire.lower(self.provider.request_id_header),
            payload,
            content_type(reply),
            call,
            request,
            made_under,
            day,
            provided,
            pairs,
        )
        if plan is not None:
            _keep(self._plans, key, plan)

    def _replay(self, plan: Plan, scope: dict, started: float, t0: float) -> tuple[Deferred, Sequence[Any]]:
        """The answer `plan` keeps, with its values drawn anew in the order the handler drew them,
        then the request id, as `answer` draws them: its journal entry and its head, as `_afresh` gives."""
        state = self.state
        values = [draw.draw(state) for draw in plan.draws]
        request_id = self.provider.request_id(state)
        payload = plan.body(values)
        provided = self._provided(plan.call)
        head = plan.layout.head(provided, plan.content_type, payload, request_id) if plan.layout else None
        pairs: tuple[Any, ...]
        if head is None:
            given = {**plan.headers, wire.lower(self.provider.request_id_header): request_id}
            _, pairs = self._head(provided, plan.status, plan.content_type, given, payload)
            raw, names = wire.response_headers(pairs), None
        else:
            pairs, raw = head
            names = plan.layout.names  # type: ignore[union-attr]
        route = plan.call.route or None
        client = scope.get("client")
        entry = _entry(
            plan.request,
            plan.status,
            pairs,
            names,
            payload,
            self.name,
            route,
            started,
            t0,
            None,
            None,
            "whole",
            None,
            client,
        )
        return entry, raw

    async def _send_in_parts(self, journey: _Journey, reply: Reply, receive: Callable, send: Callable) -> None:
        """A stream, or an answer a fault delays, stalls or aborts: chunk by chunk, listening for
        the client going away between them."""
        payload = None if reply.events is not None else render_body(reply)
        status, pairs = self.head(journey.call, reply, payload)
        chunks = list(body_chunks(reply, payload))
        # An aborted answer sends every chunk as "more to come", then drops the connection.
        last = chunks.pop() if chunks and not reply.abort else b""
        # A server says the client went away by answering `receive` with http.disconnect (uvicorn's
        # `send` then does nothing, silently): listen for it, and stop writing to a closed connection.
        gone = asyncio.Event()
        watcher = asyncio.ensure_future(_hear_disconnect(receive, gone))
        sent: list[bytes] = []
        began = False  # the status line and headers went out
        error = None
        try:
            if reply.delay:  # slow_first_byte: real time, for the app's timeouts
                await asyncio.sleep(reply.delay)
            _check(gone)
            await send({"type": "http.response.start", "status": status, "headers": wire.response_headers(pairs)})
            began = True
            for index, chunk in enumerate(chunks):
                if index in reply.pauses:  # stream_stall: a quiet gap before this event
                    await asyncio.sleep(reply.pauses[index])
                _check(gone)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                sent.append(chunk)
                # Let the loop run once: a connection reset under this write is noticed (and
                # `gone` set) before the next one, instead of after a burst of writes into nothing.
                await asyncio.sleep(0)
            if len(chunks) in reply.pauses and last:
                await asyncio.sleep(reply.pauses[len(chunks)])
            _check(gone)
        except Exception as exc:  # the client went away mid-answer; keep what it got
            error = _disconnected(exc)
        else:
            sent.append(last)
            if reply.abort:
                error = "connection dropped by a fault before the answer ended"
        if error is None:
            delivery, delivered = "whole", None
        else:
            watcher.cancel()
            sent_body = sum(len(chunk) for chunk in sent)
            delivery, delivered = ("cut", sent_body) if began else ("unsent", 0)
        # Recorded before the last chunk goes out, so a client that has its whole
        # answer can already read the exchange from the journal.
        self.journal.record_deferred(journey.entry(status, pairs, b"".join(sent), error, delivery, delivered))
        if reply.abort and error is not None and error.startswith("connection dropped"):
            raise StreamAborted(error)
        if error is None:
            try:
                await send({"type": "http.response.body", "body": last, "more_body": False})
            except Exception:  # gone at the last moment; what it was sent is already recorded
                pass
            finally:
                watcher.cancel()

    # --- answering (no HTTP below here) --------------------------------------------------

    async def answer(
        self, method: str, path: str, query_string: str, headers: tuple[tuple[str, str], ...], body: bytes
    ) -> tuple[Call, Reply, list[str]]:
        """The call as a handler sees it, the reply after faults, and the faults that acted."""
        found = self._route_table().find(method, path)
        if found:
            entry, params = found
            handler, route = entry.handler, str(entry.route)
        else:
            handler, params, route = self._not_found, {}, ""
        content_type = None
        for name, value in headers:
            # Names are lower case from a server; only a name of the right length is lowered.
            if name == "content-type" or (len(name) == 12 and name.lower() == "content-type"):
                content_type = value
                break
        # The real API's checks, before the handler: only for a known route whose body parsed.
        validate = self.provider.validate if self.strict and found else None
        shut = self._shut_down(path)
        if shut is not None:  # a whole API past its shutdown: nothing of the request is looked at
            handler, validate = shut, None
        try:
            parsed, form = parse_body(content_type, body)
        except BodyError as exc:
            parsed, form, validate = None, None, None
            handler = _bad_body(self.provider, str(exc))
        call = Call(
            method=method,
            path=path,
            params=params,
            query=_query(query_string) if query_string else {},
            headers=headers,
            body=body,
            json=parsed,
            form=form,
            state=self.state,
            route=route,
        )
        faults = tuple(self.hooks)
        reply: Reply | None = None
        acted: list[str] = []
        try:
            if faults:
                reply, acted = await run_before(faults, call)
        except Exception:
            log.exception("fault failed before %s %s", method, path)
            return call, stamp_request_id(self.provider, self.state, self._server_error()), []
        if reply is None:
            try:
                if validate is not None:
                    self._validate(validate, call, query_string, bool(faults))
                given = handler(call)
                reply = given if isinstance(given, Reply) else await _resolved(given)
                if not isinstance(reply, Reply):
                    raise TypeError(f"handler for {route or path} returned {type(reply).__name__}, not Reply")
            except RequestProblem as problem:  # the one place a turned-away request gets its envelope
                reply = problem_reply(self.provider, self.state, problem)
            except Exception:
                log.exception("handler failed on %s %s", method, path)
                reply = self._server_error()
        if not faults:  # nothing acts around the provider: no hook machinery to run
            return call, stamp_request_id(self.provider, self.state, reply), acted
        try:
            reply, acted_after = await run_after(faults, call, reply)
        except Exception:
            log.exception("fault failed after %s %s", method, path)
            return call, stamp_request_id(self.provider, self.state, self._server_error()), acted
        return call, stamp_request_id(self.provider, self.state, reply), acted + acted_after

    def _validate(self, validate: Callable[[Call], None], call: Call, query_string: str, hooked: bool) -> None:
        """`validate(call)`, skipped for a request exactly like one that passed before.

        Only for a check that says its verdict depends on the request alone (the shipped ones:
        `harness.validation.request_only`), and only when no hook ran before it: then the call
        is what the request's method, path, query, headers and body made it, so the same five
        give the same verdict. A request turned away is checked again each time (it raises)."""
        if hooked or len(call.body) > PASSED_BODY_BYTES or not getattr(validate, "request_only", False):
            validate(call)
            return
        key = (call.method, call.path, query_string, call.headers, call.body)
        if key in self._passed:
            return
        validate(call)
        _keep(self._passed, key, limit=PASSED_KEPT)

    def head(self, call: Call, reply: Reply, payload: bytes | None) -> tuple[int, tuple[tuple[str, str], ...]]:
        """Status and headers: content type, the provider's own, the reply's, a request id.

        `payload` is the rendered body, or None for a stream (no length then).
        """
        return self._head(self._provided(call), reply.status, content_type(reply), reply.headers, payload)

    def _provided(self, call: Call) -> Mapping[str, object]:
        """The provider's headers for this call; none when they fail (asked once a call: they count)."""
        try:
            return self.provider.headers(call)
        except Exception:
            log.exception("provider headers failed on %s %s", call.method, call.path)
            return {}

    def _head(
        self,
        provided: Mapping[str, object],
        status: int,
        media_type: str,
        given: Mapping[str, object],
        payload: bytes | None,
    ) -> tuple[int, tuple[tuple[str, str], ...]]:
        # Names lowered by `wire`, one shared str per name: records hold no copies of their own.
        headers: dict[str, str] = {"content-type": media_type}
        if payload is not None:
            headers["content-length"] = str(len(payload))
        try:
            # Made whole before any is set: a provider whose headers fail, or will not be text, adds none.
            headers.update(wire.text_pairs(provided))
        except Exception:
            log.exception("provider headers failed to be text: %r", list(provided))
        if given:
            headers.update(wire.text_pairs(given))
        id_header = wire.lower(self.provider.request_id_header)
        if id_header not in headers:
            headers[id_header] = self.provider.request_id(self.state)
        return status, tuple(headers.items())  # as the record holds them

    def _route_table(self) -> RouteTable[RouteHandler]:
        """`self.routes` as a table, made again when they are replaced (a test may swap a handler)."""
        made: tuple[Any, RouteTable[RouteHandler]] | None = getattr(self, "_routes_made", None)
        if made is None or made[0] is not self.routes:
            made = self._routes_made = (self.routes, RouteTable(self.routes))
        return made[1]

    def _shut_down(self, path: str) -> Handler | None:
        """The answer for every call under an API shut down on the double's clock (the catalogue's
        `routes:`), served or not; None while it is still up."""
        life = for_double(self.state.settings, self.served).route(path)
        if life is None or life.shutdown_on is None or today(self.clock) < life.shutdown_on:
            return None
        message = (
            f"This API ({life.pattern.rstrip('*')}) was shut down on {life.shutdown_on.isoformat()} "
            "and is no longer available."
        )
        return lambda call: self.provider.error(410, message)

    def _not_found(self, call: Call) -> Reply:
        return self.provider.error(404, f"Invalid URL ({call.method} {call.path})")

    def _server_error(self) -> Reply:
        return self.provider.error(500, "The server had an error while processing your request. Sorry about that!")


# What `Double._seen` says of a request: seen once, or already watched for a plan.
_SEEN_ONCE, _WATCHED = "seen once", "watched"


def _keep(table: dict[Any, Any], key: Any, value: Any = None, limit: int = PLANS_KEPT) -> None:
    """`table[key] = value`, in a table of at most `limit` entries: emptied when full."""
    if len(table) >= limit:
        table.clear()
    table[key] = value


def _query(query_string: str) -> dict[str, str]:
    """The query's fields, a new dict each call (a handler may change it)."""
    return dict(_query_pairs(query_string))


@functools.lru_cache(maxsize=wire.LIMIT)  # a client sends the same few (`api-version=...`, `alt=sse`) again and again
def _query_pairs(query_string: str) -> tuple[tuple[str, str], ...]:
    return tuple(parse_qsl(query_string, keep_blank_values=True))


def _bad_body(provider: Provider, reason: str) -> Handler:
    def bad_body(call: Call) -> Reply:
        return provider.error(400, f"We could not parse the body of your request: {reason}.")

    return bad_body


def problem_reply(provider: Provider, state: State, problem: RequestProblem) -> Reply:
    """`problem` in the provider's own error envelope.

    An envelope that names the request id in its body (Anthropic's) is given a
    fresh one, and puts it in its header too, so body and header agree.
    """
    named = {"request_id": provider.request_id(state)} if _names_request_id(provider.error) else {}
    return provider.error(
        problem.status, problem.message, type=problem.type, code=problem.code, param=problem.param, **named
    )


def stamp_request_id(provider: Provider, state: State, reply: Reply) -> Reply:
    """The reply with the exchange's request id in its header, and in its error body too
    when the provider's envelope names one there (Anthropic's), so the two always agree,
    whoever made the reply: a handler, a fault, or the double for an unknown route."""
    id_header = wire.lower(provider.request_id_header)
    given = next((v for k, v in reply.headers.items() if k.lower() == id_header), None) if reply.headers else None
    request_id = given or provider.request_id(state)
    headers = reply.headers if given else {**reply.headers, id_header: request_id}
    body = reply.json
    if (
        isinstance(body, dict)
        and "request_id" in body
        and body["request_id"] is None
        and _names_request_id(provider.error)
    ):
        body = {**body, "request_id": request_id}
    if given is not None and body is reply.json:
        return reply
    # A shallow copy with two fields set: half what `dataclasses.replace` costs, which
    # re-reads every field's definition. The reply itself may be shared (a canned answer).
    stamped = object.__new__(type(reply))
    stamped.__dict__.update(reply.__dict__)
    stamped.headers, stamped.json = headers, body
    return stamped


@functools.cache
def _names_request_id(envelope: ErrorEnvelope) -> bool:
    return "request_id" in inspect.signature(envelope).parameters


async def _resolved(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


# --- rendering -----------------------------------------------------------------------------


def content_type(reply: Reply) -> str:
    if reply.content_type:
        return reply.content_type
    if reply.events is not None:
        return "text/event-stream; charset=utf-8"
    if reply.body is not None:
        return "application/octet-stream"
    return "application/json"


def render_body(reply: Reply) -> bytes:
    """The whole body of a non-streamed reply: raw bytes win over JSON; None -> empty."""
    if reply.body is not None:
        return reply.body
    if reply.json is None:
        return b""
    return jsoncodec.dumps(reply.json)


class Disconnected(ConnectionError):
    """The server reported the client gone before the answer was finished."""


def _check(gone: asyncio.Event) -> None:
    if gone.is_set():
        raise Disconnected("the connection was closed")


async def _hear_disconnect(receive: Callable, gone: asyncio.Event) -> None:
    """Set `gone` when the server reports the client disconnected (after the body was read)."""
    try:
        while (await receive())["type"] != "http.disconnect":
            pass
    except Exception:  # a server that cannot say; the writes will tell
        return
    gone.set()


def _disconnected(exc: BaseException) -> str:
    return f"client disconnected: {exc or type(exc).__name__}"


class _Journey:
    """One request on its way to the journal: what is known before the answer is sent, so
    each way of sending it records the exchange from what it managed to send."""

    __slots__ = ("call", "double", "fault", "request", "scope", "started", "t0")

    def __init__(
        self, double: Double, scope: dict, call: Call, request: Request, fault: str | None, started: float, t0: float
    ) -> None:
        self.double, self.scope, self.call, self.request = double, scope, call, request
        self.fault, self.started, self.t0 = fault, started, t0

    def entry(
        self,
        status: int,
        pairs: tuple[tuple[str, str], ...],
        body: bytes,
        error: str | None = None,
        delivery: str = "whole",
        delivered: int | None = None,
    ) -> Deferred:
        """The journal entry of the answer as far as it was sent."""
        return _entry(
            self.request,
            status,
            pairs,
            None,
            body,
            self.double.name,
            self.call.route or None,
            self.started,
            self.t0,
            self.fault,
            error,
            delivery,
            delivered,
            self.scope.get("client"),
        )


def _entry(
    request: Request,
    status: int,
    pairs: tuple[tuple[str, str], ...] | tuple[str, ...],
    names: tuple[str, ...] | None,
    body: bytes,
    provider: str,
    route: str | None,
    started: float,
    t0: float,
    fault: str | None,
    error: str | None,
    delivery: str,
    delivered: int | None,
    client: tuple[str, int] | None,
) -> Deferred:
    """A `Deferred` journal entry: the few fields an answer's Exchange is made of when first read
    (`_recorded`), most never are. `pairs` are the header values alone when `names` (a replay's
    layout) gives their names. `t0` is `time.perf_counter()` as the request came in."""
    elapsed = time.perf_counter() - t0
    return [
        _recorded,
        request,
        status,
        pairs,
        names,
        body,
        provider,
        route,
        started,
        elapsed,
        fault,
        error,
        delivery,
        delivered,
        client,
    ]


# Where `_entry` puts the fields a double reads back before the entry is made.
_STATUS, _BODY = 2, 5


def _recorded(entry: Deferred) -> Exchange:
    """The Exchange of an `_entry`. Every field, in `Exchange`'s order: request, response,
    provider, route, started, elapsed, fault, error, source, delivery, delivered, peer."""
    (
        _,
        request,
        status,
        pairs,
        names,
        body,
        provider,
        route,
        started,
        elapsed,
        fault,
        error,
        delivery,
        delivered,
        client,
    ) = entry
    if names is not None:
        pairs = tuple(zip(names, pairs, strict=True))
    return Exchange._of(
        request,
        Response._of(pairs, body, status),
        provider,
        route,
        started,
        elapsed,
        fault,
        error,
        "double",
        delivery,
        delivered,
        _peer(client),
    )


def _peer(client: tuple[str, int] | None) -> str | None:
    """The client address as the double saw it, `host:port`; None in-process (port 0, no socket)."""
    if not client or not client[1]:
        return None
    return _address(client[0], client[1])


@functools.lru_cache(maxsize=wire.LIMIT)  # a kept-alive connection: one str for all its requests
def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class StreamAborted(ConnectionAbortedError):
    """Raised to the server on purpose: the only way an ASGI app can drop a connection mid-answer."""


def body_chunks(reply: Reply, payload: bytes | None) -> Iterator[bytes]:
    """What goes on the wire, one chunk per SSE event so a stream really streams."""
    if reply.events is None:
        if payload:
            yield payload
        return
    for event in reply.events:
        yield sse.frame(event)


async def _lifespan(receive: Callable, send: Callable) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _url(scope: dict, headers: tuple[tuple[str, str], ...], query_string: str) -> str:
    host = next((v for k, v in headers if k == "host"), None)
    if host is None:
        server = scope.get("server") or ("localhost", None)
        host = f"{server[0]}:{server[1]}" if server[1] else server[0]
    base = _base_url(scope.get("scheme", "http"), host, scope.get("raw_path", b""), scope["path"])
    if not query_string:
        return base
    query = "&".join(
        f"{part.partition('=')[0]}={REDACTED}" if part.partition("=")[0].lower() in SECRET_QUERY else part
        for part in query_string.split("&")
        if part
    )
    return base + (f"?{query}" if query else "")


@functools.lru_cache(maxsize=wire.LIMIT)  # the same few URLs again and again: one shared str for each
def _base_url(scheme: str, host: str, raw_path: bytes, path: str) -> str:
    """The URL without its query: the path as sent (`raw_path`) where the server gives it."""
    return f"{scheme}://{host}{raw_path.decode('latin-1') or path}"


# A client sends the same headers again and again (the same key, the same length for the same
# body): those redacted once are looked up, and their records share one tuple.
@functools.lru_cache(maxsize=wire.LIMIT)
def _redact_headers(headers: tuple[tuple[str, str], ...], secret: frozenset[str]) -> tuple[tuple[str, str], ...]:
    # `secret` is lower case, as a server gives names: only a name that is not is lowered.
    for name, _ in headers:
        if name in secret or (not name.islower() and name.lower() in secret):
            break
    else:
        return headers
    # The pairs without a secret are kept as they are: a record holds no copies of them.
    return tuple([(pair[0], _redacted(pair[1])) if pair[0].lower() in secret else pair for pair in headers])


def _redacted(value: str) -> str:
    scheme, _, rest = value.partition(" ")
    if not (rest and scheme.lower() in ("bearer", "basic")):
        return REDACTED
    # One str per scheme as written ("Bearer REDACTED"), shared by every record.
    return _SCHEME_REDACTED.get(scheme) or _SCHEME_REDACTED.setdefault(scheme, f"{scheme} {REDACTED}")


_SCHEME_REDACTED: dict[str, str] = {}  # at most the spellings of "bearer" and "basic" clients use


class _QuietAborts(logging.Filter):
    """An aborted stream is a fault doing its job, not a server error worth a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], StreamAborted))


logging.getLogger("uvicorn.error").addFilter(_QuietAborts())
