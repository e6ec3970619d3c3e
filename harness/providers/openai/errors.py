"""How OpenAI answers besides the answer: the error envelope, request ids, the
headers on every answer, and the request checks, which raise `RequestProblem`."""

from __future__ import annotations

import functools
import json
import zlib
from collections.abc import Callable
from typing import Any

from harness.double.call import Call, Reply, State
from harness.double.problem import RequestProblem
from harness.providers.openai.models import model_family

# --- the error envelope, request ids, headers -----------------------------------------------

_TYPES = {
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    409: "invalid_request_error",
    422: "invalid_request_error",
    429: "requests",
}


def error(
    status: int, message: str, *, type: str | None = None, code: str | None = None, param: str | None = None
) -> Reply:
    """OpenAI's `{"error": {message, type, param, code}}` (all four keys always present)."""
    kind = type or _TYPES.get(status) or ("server_error" if status >= 500 else "invalid_request_error")
    return Reply(status=status, json={"error": {"message": message, "type": kind, "param": param, "code": code}})


def request_id(state: State) -> str:
    # 32 hex digits, zero-padded: the same text as f"{bits:032x}", in a fifth fewer steps.
    return "req_" + state.rng.getrandbits(128).to_bytes(16, "big").hex()


REQUESTS_PER_MINUTE = 10_000
TOKENS_PER_MINUTE = 30_000_000
_LIMIT_REQUESTS, _LIMIT_TOKENS = str(REQUESTS_PER_MINUTE), str(TOKENS_PER_MINUTE)
_PROCESSING_MS = tuple(str(20 + n) for n in range(400))  # 20-419: the text of each, made once
_METER = "openai.ratelimit"  # where a double's state keeps its meter


class _Meter:
    """Requests and tokens counted in one minute of the double's clock."""

    __slots__ = ("requests", "tokens", "window")

    def __init__(self, window: int) -> None:
        self.window, self.requests, self.tokens = window, 0, 0


def headers(call: Call) -> dict[str, str]:
    """Rate-limit and processing headers, counted per minute of the double's clock."""
    state = call.state
    now = state.clock.now()
    window = int(now // 60)
    meter = state.settings.get(_METER)
    if meter is None or meter.window != window:
        meter = state.settings[_METER] = _Meter(window)
    body = call.body
    requests = meter.requests = meter.requests + 1
    tokens = meter.tokens = meter.tokens + (len(body) // 4 or 1)
    until_minute = 60 - (now % 60)
    return {
        "openai-version": "2020-10-01",
        "openai-processing-ms": _PROCESSING_MS[zlib.crc32(body or call.path.encode()) % 400],
        "x-ratelimit-limit-requests": _LIMIT_REQUESTS,
        "x-ratelimit-limit-tokens": _LIMIT_TOKENS,
        "x-ratelimit-remaining-requests": str(REQUESTS_PER_MINUTE - requests)
        if requests < REQUESTS_PER_MINUTE
        else "0",
        "x-ratelimit-remaining-tokens": str(TOKENS_PER_MINUTE - tokens) if tokens < TOKENS_PER_MINUTE else "0",
        "x-ratelimit-reset-requests": go_duration(min(until_minute, 60 * requests / REQUESTS_PER_MINUTE)),
        "x-ratelimit-reset-tokens": go_duration(min(until_minute, 60 * tokens / TOKENS_PER_MINUTE)),
    }


# Under a second, the text of each whole millisecond (1ms for 0), made once. From one second to
# a minute, each millisecond's text as it is first needed: under load the resets are new floats
# on every request (the time left in the minute), but about ten requests share each millisecond,
# and the text is a function of the millisecond alone, whatever came before.
_MILLISECONDS = ("1ms", *(f"{n}ms" for n in range(1, 1001)))
_SECONDS: dict[int, str] = {}
_SECONDS_KEPT = 4096


def go_duration(seconds: float) -> str:
    """Go's time.Duration text, as OpenAI sends it, to the millisecond: 6ms, 1.2s, 6m0s."""
    if seconds < 1:
        return _MILLISECONDS[round(seconds * 1000)] if seconds >= 0 else "1ms"
    if seconds < 60:
        milliseconds = round(seconds * 1000)
        text = _SECONDS.get(milliseconds)
        if text is None:
            if len(_SECONDS) >= _SECONDS_KEPT:
                _SECONDS.clear()
            text = _SECONDS[milliseconds] = f"{milliseconds / 1000:.3f}".rstrip("0").rstrip(".") + "s"
        return text
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest}s"


# --- request checks --------------------------------------------------------------------------


def missing(param: str) -> RequestProblem:
    return RequestProblem(
        400, f"Missing required parameter: '{param}'.", param=param, code="missing_required_parameter"
    )


def invalid(param: str, value: Any, allowed: tuple[str, ...]) -> RequestProblem:
    quoted = [f"'{a}'" for a in allowed]
    choices = ", ".join(quoted[:-1]) + f", and {quoted[-1]}" if len(quoted) > 1 else quoted[0]
    shown = f"'{value}'" if isinstance(value, str) else json.dumps(value)
    return RequestProblem(
        400, f"Invalid value: {shown}. Supported values are: {choices}.", param=param, code="invalid_value"
    )


def invalid_type(param: str, expected: str, value: Any) -> RequestProblem:
    got = {
        bool: "a boolean",
        int: "an integer",
        float: "a decimal",
        str: "a string",
        list: "an array",
        dict: "an object",
        type(None): "null",
    }.get(type(value), "a value")
    return RequestProblem(
        400,
        f"Invalid type for '{param}': expected {expected}, but got {got} instead.",
        param=param,
        code="invalid_type",
    )


def out_of_range(param: str, low: int, high: int, value: Any) -> RequestProblem:
    return RequestProblem(
        400,
        f"Invalid '{param}': expected an integer between {low} and {high}, got {json.dumps(value)}.",
        param=param,
        code="invalid_value",
    )


def check_model(fields: dict[str, Any], family: str, default: str | None = None) -> str:
    """The requested model, known and of `family`."""
    model = default if fields.get("model") is None else fields["model"]  # null: the default, where one exists
    if model is None:
        if family == "chat":
            raise RequestProblem(400, "you must provide a model parameter")
        raise missing("model")
    if not isinstance(model, str):
        raise invalid_type("model", "a string", model)
    found = model_family(model)
    if found is None:
        raise RequestProblem(
            404, f"The model `{model}` does not exist or you do not have access to it.", code="model_not_found"
        )
    if found != family:
        if family == "chat":
            raise RequestProblem(
                404,
                "This is not a chat model and thus not supported in the "
                "v1/chat/completions endpoint. Did you mean to use v1/completions?",
                param="model",
            )
        raise RequestProblem(
            400, f"The model `{model}` is not supported by this endpoint.", param="model", code="model_not_supported"
        )
    return model


def json_fields(call: Call) -> dict[str, Any]:
    """The request's fields, from a JSON object or a form; an empty body has none."""
    if isinstance(call.json, dict):
        return call.json
    if call.form is not None:
        return call.form
    if call.json is None and not call.body.strip():
        return {}
    raise RequestProblem(
        400, "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload (an object)."
    )


def authorized(handler: Callable[[Call], Reply]) -> Callable[[Call], Reply]:
    """Every OpenAI route needs `Authorization: Bearer ...`; any non-empty key is accepted."""

    @functools.wraps(handler)
    def check(call: Call) -> Reply:
        value = call.header("authorization") or ""
        scheme, _, key = value.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise RequestProblem(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        return handler(call)

    return check
