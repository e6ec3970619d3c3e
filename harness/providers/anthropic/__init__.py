"""Anthropic, as the double plays it: the Messages API (plain and streamed,
text or tool use), token counting and the models list.

What the SDK reads is what we send: a `Message` with typed content blocks and
usage, `event:`-named SSE frames that end in `message_stop` (no `[DONE]`), the
error envelope `{"type":"error","error":{type,message},"request_id"}` with a
`request-id` header, and `anthropic-ratelimit-*` headers with RFC 3339 resets.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - orjson has wheels wherever harness runs
    orjson = None  # type: ignore[assignment]

from harness import catalogue as catalogues
from harness import headers as signal_formats
from harness import providers
from harness.catalogue import Catalogue, Model, today
from harness.double.call import Call, Reply, State
from harness.double.clients import stainless
from harness.double.problem import RequestProblem
from harness.exchange import Request
from harness.provider import Credential, Failures, Provider
from harness.providers._answers import count_tokens, cut, pieces, reply_text
from harness.providers.anthropic import tools
from harness.sse import Event
from harness.validation import anthropic as validation

NAME = "anthropic"
REQUEST_ID_HEADER = "request-id"


@dataclass(frozen=True)
class ModelCard:
    """One entry of GET /v1/models (the SDK's `ModelInfo`), on one day."""

    id: str
    display_name: str
    created_at: str  # RFC 3339
    line: str | None  # opus | sonnet | haiku | ...
    max_input_tokens: int = 200_000
    max_tokens: int = 64_000
    lifecycle: str = "active"  # active | deprecated | retired
    deprecated_at: str | None = None
    retires_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "model",
            "id": self.id,
            "display_name": self.display_name,
            "created_at": self.created_at,
            "lifecycle": self.lifecycle,
            "line": self.line,
            "deprecated_at": self.deprecated_at,
            "retires_at": self.retires_at,
            "max_input_tokens": self.max_input_tokens,
            "max_tokens": self.max_tokens,
        }


# Anthropic announces a retirement at least this long ahead: the deprecation date
# shown when a source gives only the retirement date.
NOTICE_DAYS = 60


def card_of(model: Model, on: date) -> ModelCard:
    """`model` as the models list shows it on `on` (its catalogue entry: harness/catalogue/anthropic.yaml)."""
    # A card depends on the entry and the day alone, and every Messages call asks for one: kept per
    # (entry, day). The entry is held beside its card, so its id is never another entry's.
    key = (id(model), on)
    kept = _CARDS.get(key)
    if kept is not None and kept[0] is model:
        return kept[1]
    card = _card_of(model, on)
    if len(_CARDS) >= 1024:
        _CARDS.clear()
    _CARDS[key] = (model, card)
    return card


_CARDS: dict[tuple[int, date], tuple[Model, ModelCard]] = {}


def _card_of(model: Model, on: date) -> ModelCard:
    info, life = model.info, model.lifecycle(on)
    deprecated = life.deprecated_on
    if deprecated is None and life.shutdown_on is not None and life.state != "active":
        deprecated = life.shutdown_on - timedelta(days=NOTICE_DAYS)
    return ModelCard(
        id=model.id,
        display_name=str(info.get("display_name") or model.id),
        created_at=str(info.get("created") or "1970-01-01T00:00:00Z"),
        line=info.get("line"),
        max_input_tokens=int(info.get("max_input_tokens", 200_000)),
        max_tokens=int(info.get("max_tokens", 64_000)),
        lifecycle=life.state,
        deprecated_at=_day(deprecated) if life.state != "active" else None,
        retires_at=_day(life.shutdown_on) if life.state != "active" else None,
    )


def _day(day: date | None) -> str | None:
    return None if day is None else f"{day.isoformat()}T00:00:00Z"


# error.type by HTTP status: the types anthropic 2.15's ErrorResponse parses; others fall
# back by class. The docs name 413 `request_too_large`, a type the SDK's ErrorType does not
# have (its ErrorObject union would reject the body), so a 413 is an invalid_request_error,
# which the docs say the API also uses "for other 4XX status codes".
ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}

# Per-minute budgets the rate-limit headers report (a mid-tier organisation).
RATE_LIMITS: dict[str, int] = {
    "requests": 4_000,
    "input-tokens": 2_000_000,
    "output-tokens": 400_000,
    "tokens": 400_000,
}


def error_type(status: int) -> str:
    """The `error.type` Anthropic sends with a status: 4xx default to invalid_request_error."""
    if status in ERROR_TYPES:
        return ERROR_TYPES[status]
    return "invalid_request_error" if status < 500 else "api_error"


def error(
    status: int,
    message: str,
    *,
    type: str | None = None,
    code: str | None = None,
    param: str | None = None,
    request_id: str | None = None,
) -> Reply:
    """Anthropic's error envelope. It has no `code` or `param`; they are ignored.

    `request_id` goes in the body and the `request-id` header alike. Left None (a
    fault, an unknown route), the double fills in the exchange's id in both when it
    answers (`harness.double.app.stamp_request_id`).
    """
    body = {
        "type": "error",
        "error": {"type": type or error_type(status), "message": message},
        "request_id": request_id,
    }
    headers = {REQUEST_ID_HEADER: request_id} if request_id else {}
    return Reply(status=status, json=body, headers=headers)


def request_id(state: State) -> str:
    return state.next_id("req_", 24)


def _fail(call: Call, status: int, message: str, type: str | None = None) -> Reply:
    # The body names the same request id as the header, as the real API does.
    return error(status, message, type=type, request_id=request_id(call.state))


def text_of(content: Any) -> str:
    """The text of a message's `content`: a string, or a list of blocks (a tool result's text counts)."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    texts = []
    for block in content:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            texts.append(block["text"])
        elif block.get("type") == "tool_result":
            texts.append(text_of(block.get("content")))
    return " ".join(texts)


def input_tokens(body: dict[str, Any]) -> int:
    """What a request's input costs: its system prompt, turns, tool calls and tool definitions.

    One count for the Messages route's `usage` and for count_tokens, so they agree.
    """
    turns = [m for m in body["messages"] if isinstance(m, dict)]
    prompt = text_of(body.get("system")) + " " + " ".join(text_of(m.get("content")) for m in turns)
    calls = [b for m in turns if isinstance(m.get("content"), list) for b in m["content"] if _is_tool_use(b)]
    extra = json.dumps([[b.get("name"), b.get("input")] for b in calls]) if calls else ""
    defined = json.dumps(body["tools"]) if isinstance(body.get("tools"), list) and body["tools"] else ""
    return count_tokens(prompt) + count_tokens(extra) + count_tokens(defined) + 4 * len(turns)  # role markers


def _is_tool_use(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "tool_use"


def known_models(call: Call | None = None) -> Catalogue:
    """The catalogue: the double's own when there is a call, else the process-wide one."""
    return catalogues.for_double(call.state.settings, NAME) if call else catalogues.catalogue(NAME)


def find_model(model_id: str, call: Call | None = None) -> ModelCard | None:
    """The model a request names (an alias answers as its target), or None when the API
    has no such model. With a call, a model retired on its double's clock is None too:
    after retirement Anthropic answers as for a model it never had."""
    model = known_models(call).resolve(model_id)
    if model is None or model.family != "chat":
        return None
    on = today(call.state.clock) if call else datetime.now(UTC).date()
    if call is not None and model.retired(on):
        return None
    return card_of(model, on)


# --- POST /v1/messages -------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """What the made-up model says (text, or one tool call), and why it stopped."""

    text: str
    stop_reason: str  # end_turn | max_tokens | stop_sequence | tool_use
    stop_sequence: str | None
    input_tokens: int
    output_tokens: int
    tool_use: dict[str, Any] | None = None  # a tool_use block, in place of the text

    @property
    def content(self) -> list[dict[str, Any]]:
        return [self.tool_use] if self.tool_use else [{"type": "text", "text": self.text}]


STOP_REASONS = {"end": "end_turn", "stop_sequence": "stop_sequence", "max_tokens": "max_tokens"}


def complete(state: State, body: dict[str, Any]) -> Completion:
    """A deterministic answer that quotes the last user turn, or calls the tool `tool_choice` picks."""
    turns = [m for m in body["messages"] if isinstance(m, dict)]
    asked = next((text_of(m.get("content")) for m in reversed(turns) if m.get("role") == "user"), "")
    tool = tools.chosen_tool(body, asked)
    if tool is not None:
        block = tools.tool_use(state, tool)
        spent = count_tokens(json.dumps(block["input"])) + count_tokens(tool["name"]) + 8
        if spent > body["max_tokens"]:
            # Cut off mid-call: the block comes with what input was complete, here none.
            return Completion("", "max_tokens", None, input_tokens(body), body["max_tokens"], {**block, "input": {}})
        return Completion("", "tool_use", None, input_tokens(body), spent, block)
    answer = cut(reply_text(state.rng, asked), body.get("stop_sequences") or (), body["max_tokens"])
    return Completion(answer.text, STOP_REASONS[answer.reason], answer.stop_sequence, input_tokens(body), answer.tokens)


def check_message_request(body: Any) -> dict[str, Any]:
    """A valid Messages request body; else a 400 that says why, in the API's own words."""
    body = check_conversation(body, ("model", "max_tokens", "messages"))
    tokens = body["max_tokens"]
    if not isinstance(tokens, int) or isinstance(tokens, bool):
        raise RequestProblem(400, "max_tokens: Input should be a valid integer")
    if tokens < 1:
        raise RequestProblem(400, "max_tokens: Input should be greater than or equal to 1")
    return body


def check_conversation(body: Any, required: tuple[str, ...]) -> dict[str, Any]:
    """The parts a Messages request and a count_tokens request share: model, messages, tools."""
    if not isinstance(body, dict):
        raise RequestProblem(400, "Request body must be a JSON object")
    for name in required:
        if name not in body:
            raise RequestProblem(400, f"{name}: Field required")
    if not isinstance(body["model"], str):
        raise RequestProblem(400, "model: Input should be a valid string")
    messages = body["messages"]
    if not isinstance(messages, list):
        raise RequestProblem(400, "messages: Input should be a valid list")
    if not messages:
        raise RequestProblem(400, "messages: at least one message is required")
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            raise RequestProblem(400, f"messages.{index}.role: Input should be 'user' or 'assistant'")
    tools.check_tools(body)
    return body


def known_model(body: dict[str, Any], call: Call | None = None) -> ModelCard:
    """The model a request names, or the 404 for one the API does not have (or has retired, on the call's clock)."""
    card = find_model(body["model"], call)
    if card is None:
        raise RequestProblem(404, f"model: {body['model']}")
    return card


def _usage(completion: Completion) -> dict[str, Any]:
    return {
        "input_tokens": completion.input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "output_tokens": completion.output_tokens,
        "service_tier": "standard",
    }


def _message(
    message_id: str,
    model: str,
    content: list[dict[str, Any]],
    usage: dict[str, Any],
    stop_reason: str | None,
    stop_sequence: str | None,
) -> dict[str, Any]:
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": stop_sequence,
        "usage": usage,
    }


def create_message(call: Call) -> Reply:
    body = check_message_request(call.json)
    card = known_model(body, call)
    if body["max_tokens"] > card.max_tokens:
        raise RequestProblem(
            400,
            f"max_tokens: {body['max_tokens']} > {card.max_tokens}, which is the "
            f"maximum allowed number of output tokens for {card.id}",
        )
    message_id = call.state.next_id("msg_01", 22)
    completion = complete(call.state, body)
    if body.get("stream"):
        return Reply(events=message_events(message_id, body["model"], completion))
    return Reply(
        json=_message(
            message_id,
            body["model"],
            completion.content,
            _usage(completion),
            completion.stop_reason,
            completion.stop_sequence,
        )
    )


def count_message_tokens(call: Call) -> Reply:
    """POST /v1/messages/count_tokens: what the same request would cost as input, without an answer."""
    body = check_conversation(call.json, ("messages", "model"))
    known_model(body, call)
    return Reply(json={"input_tokens": input_tokens(body)})


def _event(kind: str, **data: Any) -> Event:
    return Event(event=kind, data=json.dumps({"type": kind, **data}))


def message_events(message_id: str, model: str, completion: Completion) -> list[Event]:
    """The streamed form of one answer, in the order the API sends it."""
    usage = _usage(completion)
    started = dict(usage, output_tokens=1)  # the start event only knows the first token
    events = [_event("message_start", message=_message(message_id, model, [], started, None, None))]
    block = completion.tool_use
    if block is not None:
        events += [
            _event("content_block_start", index=0, content_block={**block, "input": {}}),
            _event("ping"),
        ]
        events += [
            _event("content_block_delta", index=0, delta={"type": "input_json_delta", "partial_json": piece})
            for piece in tools.input_pieces(block)
        ]
    else:
        events += [
            _event("content_block_start", index=0, content_block={"type": "text", "text": ""}),
            _event("ping"),
        ]
        events += [
            _event("content_block_delta", index=0, delta={"type": "text_delta", "text": piece})
            for piece in pieces(completion.text)
        ]
    final_usage = {
        k: usage[k] for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens")
    }
    events += [
        _event("content_block_stop", index=0),
        _event(
            "message_delta",
            delta={"stop_reason": completion.stop_reason, "stop_sequence": completion.stop_sequence},
            usage=final_usage,
        ),
        _event("message_stop"),
    ]
    return events


# --- GET /v1/models ----------------------------------------------------------


def _limit(call: Call) -> int:
    raw = call.query.get("limit", "20")
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise RequestProblem(400, "limit: Input should be between 1 and 1000")
    return int(raw)


def _lifecycles(call: Call) -> set[str]:
    """The lifecycles the list shows: `lifecycle` (or `lifecycle[]`, as the SDK writes it), comma-separated
    values allowed; by default active and deprecated, as the API does. The double keeps one value per key."""
    asked = call.query.get("lifecycle[]", call.query.get("lifecycle"))
    if asked is None:
        return {"active", "deprecated"}
    wanted = {v.strip() for v in asked.split(",") if v.strip()}
    unknown = sorted(wanted - set(catalogues.STATES))
    if unknown:
        raise RequestProblem(400, f"lifecycle: Input should be 'active', 'deprecated' or 'retired', not {unknown[0]!r}")
    return wanted


def list_models(call: Call) -> Reply:
    """A page of the catalogue, newest first, with cursor pagination by id."""
    limit, wanted = _limit(call), _lifecycles(call)
    on = today(call.state.clock)
    cards = [card_of(m, on) for m in known_models(call).listed(on, retired=True) if m.family == "chat"]
    cards = [card for card in cards if card.lifecycle in wanted]
    ids = [card.id for card in cards]
    start, stop = 0, len(ids)
    for cursor, bound in (("after_id", "start"), ("before_id", "stop")):
        value = call.query.get(cursor)
        if value is None:
            continue
        if value not in ids:
            raise RequestProblem(400, f"{cursor}: no model with id {value!r}")
        if bound == "start":
            start = ids.index(value) + 1
        else:
            stop = ids.index(value)
    window = cards[start:stop]
    # before_id pages backwards: the page is the one just before the cursor.
    page = window[-limit:] if "before_id" in call.query and "after_id" not in call.query else window[:limit]
    more = len(page) < len(window)
    data = [card.to_json() for card in page]
    return Reply(
        json={
            "data": data,
            "has_more": more,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
        }
    )


def get_model(call: Call) -> Reply:
    """By id or alias; a retired model is still there, as the record of its retirement."""
    model = known_models(call).resolve(call.params["model_id"])
    if model is None or model.family != "chat":
        raise RequestProblem(404, f"model: {call.params['model_id']}")
    return Reply(json=card_of(model, today(call.state.clock)).to_json())


# --- headers on every answer -------------------------------------------------


def rfc3339(epoch: float) -> str:
    return _rfc3339(math.ceil(epoch))


@functools.lru_cache(maxsize=256)  # whole seconds: the four reset headers of an answer share a few
def _rfc3339(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _spent(call: Call) -> dict[str, int]:
    """What this request costs against each budget (tokens only for a Messages call)."""
    body = call.json if call.route == "POST /v1/messages" and isinstance(call.json, dict) else {}
    input_tokens = _messages_tokens(body.get("messages", "")) if body else 0
    output_tokens = body.get("max_tokens", 0) if isinstance(body.get("max_tokens"), int) else 0
    return {"requests": 1, "input-tokens": input_tokens, "output-tokens": output_tokens, "tokens": output_tokens}


def _messages_tokens(messages: Any) -> int:
    """`count_tokens(json.dumps(messages))`, kept per conversation: a client sends the same one
    again and again, and `json.dumps` costs more than the rest of the headers together.

    Kept by orjson's bytes of it, which read back to the same values (a float and an int,
    `-0.0` and `0.0` stay apart) except NaN and the infinities, which orjson writes as `null`:
    a conversation with a `null` in it, a long one, or one orjson does not write, is counted
    each time."""
    try:
        key = orjson.dumps(messages) if orjson is not None else None
    except TypeError:
        key = None
    if key is None or b"null" in key or len(key) > 4096:  # a long document is rarely sent twice
        return count_tokens(json.dumps(messages))
    return _tokens_of(key)


@functools.lru_cache(maxsize=256)
def _tokens_of(written: bytes) -> int:
    """The tokens of the conversation orjson wrote as `written`, as `json.dumps` spells it."""
    return count_tokens(json.dumps(orjson.loads(written)))


def ratelimit_headers(call: Call) -> dict[str, str]:
    """Budgets refill continuously over a minute; a reset is when this call's share is back."""
    now, spent_by_kind = call.state.clock.now(), _spent(call)
    headers: dict[str, str] = {}
    for kind, limit in RATE_LIMITS.items():
        spent = min(spent_by_kind[kind], limit)
        names = _RATELIMIT_NAMES[kind]
        headers[names[0]] = names[3]
        headers[names[1]] = str(limit - spent)
        headers[names[2]] = rfc3339(now + 60 * spent / limit)
    return headers


# Per budget: the names of its limit, remaining and reset headers, and its limit as text.
_RATELIMIT_NAMES = {
    kind: (
        f"anthropic-ratelimit-{kind}-limit",
        f"anthropic-ratelimit-{kind}-remaining",
        f"anthropic-ratelimit-{kind}-reset",
        str(limit),
    )
    for kind, limit in RATE_LIMITS.items()
}


# --- bad days, for the chaos layer --------------------------------------------


def rate_limited(call: Call, retry_after: float, quota: bool) -> Reply:
    """A 429 with `retry-after` and spent budgets; `quota` is the monthly spend limit,
    which Anthropic reports as a 400 invalid_request_error (seen in client logs) that
    retrying cannot fix."""
    now = call.state.clock.now()
    if quota:
        month = datetime.fromtimestamp(now, UTC)
        first = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1, day=1)
        return _fail(
            call,
            400,
            "You have reached your specified API usage limits. You will regain "
            f"access on {first:%Y-%m-%d} at 00:00 UTC.",
        )
    reply = _fail(
        call,
        429,
        f"This request would exceed your organization's rate limit of "
        f"{RATE_LIMITS['requests']:,} requests per minute. Please try again later.",
    )
    reply.headers["retry-after"] = str(math.ceil(retry_after))
    for kind, limit in RATE_LIMITS.items():
        reply.headers[f"anthropic-ratelimit-{kind}-limit"] = str(limit)
        reply.headers[f"anthropic-ratelimit-{kind}-remaining"] = "0" if kind == "requests" else str(limit)
        reply.headers[f"anthropic-ratelimit-{kind}-reset"] = rfc3339(now + retry_after)
    return reply


def model_retired(call: Call, model: str) -> Reply:
    # After retirement the API answers as for a model it never had.
    return _fail(call, 404, f"model: {model}")


def mark_retired(call: Call, reply: Reply, model: str, shutdown_date: str) -> Reply:
    """The models list showing `model` deprecated, or retired once the date has passed."""
    if reply.status != 200 or not isinstance(reply.json, dict):
        return reply
    retires = datetime.fromisoformat(shutdown_date).replace(tzinfo=UTC)
    lifecycle = "retired" if call.state.clock.now() >= retires.timestamp() else "deprecated"
    # Anthropic announces retirements at least 60 days ahead.
    deprecated = rfc3339(retires.timestamp() - 60 * 86_400)

    def marked(entry: Any) -> Any:
        if not isinstance(entry, dict) or entry.get("id") != model:
            return entry
        return {
            **entry,
            "lifecycle": lifecycle,
            "deprecated_at": deprecated,
            "retires_at": rfc3339(retires.timestamp()),
        }

    body = reply.json
    body = {**body, "data": [marked(e) for e in body["data"]]} if isinstance(body.get("data"), list) else marked(body)
    return replace(reply, json=body)


def refusal(call: Call, reply: Reply, category: str | None) -> Reply:
    """A Message the model declined: stop_reason `refusal` with stop_details; no text.
    `category` (refusal_drift) replaces the policy category."""
    details = {
        "type": "refusal",
        "category": category or "general_harms",
        "explanation": "This request was declined under the usage policy.",
    }
    if reply.events is not None:
        return replace(reply, events=_refused_events(reply.events, details))
    message = reply.json
    if reply.status != 200 or not isinstance(message, dict) or message.get("type") != "message":
        return reply
    usage = {**message.get("usage", {}), "output_tokens": 0}
    return replace(
        reply,
        json={
            **message,
            "content": [],
            "stop_reason": "refusal",
            "stop_sequence": None,
            "stop_details": details,
            "usage": usage,
        },
    )


def _refused_events(events: list[Event], details: dict[str, Any]) -> list[Event]:
    """The stream without its content blocks (as the plain answer has none), ending in a refusal."""
    kept = [e for e in events if e.event in ("message_start", "ping")]
    delta = next((e.json for e in events if e.event == "message_delta"), None) or {"usage": {}}
    usage = {**delta.get("usage", {}), "output_tokens": 0}
    return kept + [
        _event(
            "message_delta",
            delta={"stop_reason": "refusal", "stop_sequence": None, "stop_details": details},
            usage=usage,
        ),
        _event("message_stop"),
    ]


FAILURES = Failures(
    outage_status=529,
    outage_message="Overloaded",
    rate_limited=rate_limited,
    model_retired=model_retired,
    mark_retired=mark_retired,
    refusal=refusal,
)


def _signature(request: Request) -> bool:
    """Every Anthropic SDK sends the API version it speaks."""
    return bool(request.header("anthropic-version"))


def _models() -> tuple[str, ...]:
    return known_models().ids()


PROVIDER = providers.register(
    Provider(
        name=NAME,
        base_url="https://api.anthropic.com",
        credential=Credential(
            env_vars=("ANTHROPIC_API_KEY",), header="x-api-key", extra_headers=(("anthropic-version", "2023-06-01"),)
        ),
        routes=(
            ("POST /v1/messages", create_message),
            ("POST /v1/messages/count_tokens", count_message_tokens),
            ("GET /v1/models", list_models),
            ("GET /v1/models/{model_id}", get_model),
        ),
        error=error,
        request_id_header=REQUEST_ID_HEADER,
        request_id=request_id,
        sdk=stainless("anthropic", "Anthropic", "AsyncAnthropic"),
        colour="#d97757",
        signature=_signature,
        stream_end=("message_stop",),
        header_formats={
            "request-id": signal_formats.non_empty,
            **{
                f"anthropic-ratelimit-{kind}-{part}": check
                for kind in ("requests", "tokens", "input-tokens", "output-tokens")
                for part, check in (
                    ("limit", signal_formats.integer),
                    ("remaining", signal_formats.integer),
                    ("reset", signal_formats.rfc3339),
                )
            },
        },
        headers=ratelimit_headers,
        failures=FAILURES,
        models=_models,
        validate=validation.check,
    )
)
