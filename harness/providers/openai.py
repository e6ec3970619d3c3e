"""OpenAI, as the double plays it: chat, responses, images, moderations, models, videos.

Shapes follow the OpenAI OpenAPI spec and what openai-python parses (see
PROVIDERS.md §1-§5, §9). Answers are deterministic: generated text depends
only on the seed, the model and the prompt; ids come from the double's seeded
generator; times from its clock. Video jobs move queued -> in_progress ->
completed in `job_seconds` of the double's clock.

What is deliberately not played here (the chaos layer's faults do it): rate
limiting, outages, model shutdowns after their `shutdown_date`, drift.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import random
import re
import zlib
from typing import Any

from harness import sse
from harness.double import media
from harness.double.body import FormFile
from harness.double.call import Call, Failures, Profile, Reply, State

NAME = "openai"

# --- models ----------------------------------------------------------------------------------

SORA_SHUTDOWN = "2026-09-24"  # PROVIDERS.md §1: the Videos API and sora-2* shut down then

# id -> (family, created, shutdown_date)
MODELS: dict[str, tuple[str, int, str | None]] = {
    **{
        m: ("chat", 1_754_425_777, None)
        for m in ("gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-5-pro", "gpt-5-chat-latest", "gpt-5.1", "gpt-5.2")
    },
    **{m: ("chat", 1_744_316_542, None) for m in ("gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano")},
    **{m: ("chat", 1_715_367_049, None) for m in ("gpt-4o", "gpt-4o-mini", "chatgpt-4o-latest")},
    **{m: ("chat", 1_712_361_441, None) for m in ("gpt-4-turbo", "gpt-4", "gpt-3.5-turbo")},
    **{m: ("chat", 1_734_326_976, None) for m in ("o1", "o1-mini", "o1-pro", "o3", "o3-mini", "o3-pro", "o4-mini")},
    **{m: ("image", 1_698_798_177, None) for m in ("dall-e-2", "dall-e-3")},
    **{
        m: ("image", 1_745_517_030, None)
        for m in ("gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-2", "gpt-image-2-2026-04-21")
    },
    **{
        m: ("moderation", 1_732_734_466, None)
        for m in (
            "omni-moderation-latest",
            "omni-moderation-2024-09-26",
            "text-moderation-latest",
            "text-moderation-stable",
        )
    },
    **{
        m: ("video", 1_759_708_800, SORA_SHUTDOWN)
        for m in ("sora-2", "sora-2-pro", "sora-2-2025-10-06", "sora-2-pro-2025-10-06", "sora-2-2025-12-08")
    },
}
# Dated snapshots (gpt-4o-2024-08-06, gpt-3.5-turbo-0125) and fine-tunes (ft:gpt-4o:org::id) of known models.
_SNAPSHOT = re.compile(r"^(?P<base>.+?)-(\d{4}-\d{2}-\d{2}|\d{4})$")


def model_family(model: str) -> str | None:
    """'chat', 'image', 'moderation', 'video', or None for a model this double does not know."""
    if model in MODELS:
        return MODELS[model][0]
    if model.startswith("ft:"):
        return model_family(model.split(":")[1]) if model.count(":") >= 1 else None
    m = _SNAPSHOT.match(model)
    return MODELS[m.group("base")][0] if m and m.group("base") in MODELS else None


def model_object(model: str) -> dict[str, Any]:
    _, created, shutdown = MODELS[model]
    return {"id": model, "object": "model", "created": created, "owned_by": "system", "shutdown_date": shutdown}


# --- the error envelope and headers ----------------------------------------------------------

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
    return f"req_{state.rng.getrandbits(128):032x}"


REQUESTS_PER_MINUTE = 10_000
TOKENS_PER_MINUTE = 30_000_000


def headers(call: Call) -> dict[str, str]:
    """Rate-limit and processing headers, counted per minute of the double's clock."""
    state, now = call.state, call.state.clock.now()
    window = int(now // 60)
    meter = state.settings.setdefault("openai.ratelimit", {"window": window, "requests": 0, "tokens": 0})
    if meter["window"] != window:
        meter.update(window=window, requests=0, tokens=0)
    meter["requests"] += 1
    meter["tokens"] += max(1, len(call.body) // 4)
    until_minute = 60 - (now % 60)
    return {
        "openai-version": "2020-10-01",
        "openai-processing-ms": str(20 + zlib.crc32(call.body or call.path.encode()) % 400),
        "x-ratelimit-limit-requests": str(REQUESTS_PER_MINUTE),
        "x-ratelimit-limit-tokens": str(TOKENS_PER_MINUTE),
        "x-ratelimit-remaining-requests": str(max(0, REQUESTS_PER_MINUTE - meter["requests"])),
        "x-ratelimit-remaining-tokens": str(max(0, TOKENS_PER_MINUTE - meter["tokens"])),
        "x-ratelimit-reset-requests": _go_duration(min(until_minute, 60 * meter["requests"] / REQUESTS_PER_MINUTE)),
        "x-ratelimit-reset-tokens": _go_duration(min(until_minute, 60 * meter["tokens"] / TOKENS_PER_MINUTE)),
    }


def _go_duration(seconds: float) -> str:
    """Go's time.Duration text, as OpenAI sends it: 6ms, 1.2s, 6m0s."""
    if seconds < 1:
        return f"{max(1, round(seconds * 1000))}ms"
    if seconds < 60:
        return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest}s"


# --- request checks: each returns an error Reply, or None when fine --------------------------


def _missing(param: str) -> Reply:
    return error(400, f"Missing required parameter: '{param}'.", param=param, code="missing_required_parameter")


def _invalid(param: str, value: Any, allowed: tuple[str, ...]) -> Reply:
    quoted = [f"'{a}'" for a in allowed]
    choices = ", ".join(quoted[:-1]) + f", and {quoted[-1]}" if len(quoted) > 1 else quoted[0]
    shown = f"'{value}'" if isinstance(value, str) else json.dumps(value)
    return error(400, f"Invalid value: {shown}. Supported values are: {choices}.", param=param, code="invalid_value")


def _invalid_type(param: str, expected: str, value: Any) -> Reply:
    got = {
        bool: "a boolean",
        int: "an integer",
        float: "a decimal",
        str: "a string",
        list: "an array",
        dict: "an object",
        type(None): "null",
    }.get(type(value), "a value")
    return error(
        400,
        f"Invalid type for '{param}': expected {expected}, but got {got} instead.",
        param=param,
        code="invalid_type",
    )


def _unknown_model(model: str) -> Reply:
    return error(404, f"The model `{model}` does not exist or you do not have access to it.", code="model_not_found")


def _check_model(fields: dict[str, Any], family: str, default: str | None = None) -> tuple[str | None, Reply | None]:
    model = fields.get("model", default)
    if model is None:
        if family == "chat":
            return None, error(400, "you must provide a model parameter")
        return None, _missing("model")
    if not isinstance(model, str):
        return None, _invalid_type("model", "a string", model)
    found = model_family(model)
    if found is None:
        return None, _unknown_model(model)
    if found != family:
        if family == "chat":
            return None, error(
                404,
                "This is not a chat model and thus not supported in the "
                "v1/chat/completions endpoint. Did you mean to use v1/completions?",
                param="model",
            )
        return None, error(
            400, f"The model `{model}` is not supported by this endpoint.", param="model", code="model_not_supported"
        )
    return model, None


def _json_fields(call: Call) -> tuple[dict[str, Any] | None, Reply | None]:
    if isinstance(call.json, dict):
        return call.json, None
    if call.form is not None:
        return call.form, None
    if call.json is None and not call.body.strip():
        return {}, None
    return None, error(
        400, "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload (an object)."
    )


def authorized(handler):
    """Every OpenAI route needs `Authorization: Bearer ...`; any non-empty key is accepted."""

    @functools.wraps(handler)
    def check(call: Call) -> Reply:
        value = call.header("authorization") or ""
        scheme, _, key = value.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return error(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        return handler(call)

    return check


# --- deterministic content -------------------------------------------------------------------

_WORDS = (
    "the",
    "double",
    "answers",
    "in",
    "a",
    "steady",
    "voice",
    "with",
    "plain",
    "words",
    "about",
    "your",
    "request",
    "and",
    "nothing",
    "else",
    "so",
    "tests",
    "can",
    "rely",
    "on",
    "it",
    "every",
    "time",
    "quietly",
    "short",
    "clear",
    "sentences",
    "follow",
)


def _content_rng(call: Call, *parts: Any) -> random.Random:
    """Randomness fixed by the seed and the request's content, not by call order."""
    return random.Random(json.dumps([call.state.settings.get("seed", 0), *parts], sort_keys=True, default=str))


def _excerpt(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reply_text(call: Call, model: str, prompt: str) -> str:
    rng = _content_rng(call, model, prompt)
    filler = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 16)))
    return f'You said: "{_excerpt(prompt)}". {filler.capitalize()}.'


def tokens(text: str) -> int:
    """A stable stand-in for a tokenizer: about four characters a token."""
    return max(1, math.ceil(len(text) / 4)) if text else 0


def _hex_id(state: State, prefix: str, digits: int = 48) -> str:
    state.counter += 1
    return f"{prefix}{state.rng.getrandbits(digits * 4):0{digits}x}"


def _now(call: Call) -> int:
    return int(call.state.clock.now())


def _text_of(content: Any) -> str:
    """The text in a message's content: a string, or parts with `text`."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def schema_instance(schema: Any, depth: int = 0) -> Any:
    """A small value that fits a JSON schema: what structured outputs promise."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return schema_instance(schema[key][0], depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        names = schema.get("required", list(props))
        return {name: schema_instance(props.get(name, {}), depth + 1) for name in names}
    if kind == "array":
        return [schema_instance(schema.get("items", {}), depth + 1)] if schema.get("minItems", 0) else []
    return {"string": "double", "integer": 0, "number": 0, "boolean": False, "null": None}.get(kind, "double")


# --- chat completions ------------------------------------------------------------------------

_ROLES = ("system", "developer", "user", "assistant", "tool", "function")


def _system_fingerprint(model: str) -> str:
    return "fp_" + hashlib.sha1(model.encode()).hexdigest()[:10]


def _chat_usage(prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _chat_answer(call: Call, body: dict[str, Any], model: str, prompt: str, index: int) -> dict[str, Any]:
    """One choice's message (content or tool call) and finish reason."""
    choice = body.get("tool_choice")
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict) and t.get("type") == "function"]
    forced = (choice.get("function") or {}).get("name") if isinstance(choice, dict) else None
    if tools and (choice == "required" or forced):
        tool = next((t for t in tools if t.get("function", {}).get("name") == forced), tools[0])
        function = tool.get("function", {})
        arguments = json.dumps(schema_instance(function.get("parameters") or {"type": "object"}))
        call_id = call.state.next_id("call_", 24)
        return {
            "content": None,
            "tool_calls": [
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": function.get("name", "tool"), "arguments": arguments},
                }
            ],
            "finish_reason": "tool_calls",
        }
    fmt = body.get("response_format") if isinstance(body.get("response_format"), dict) else {}
    if fmt.get("type") == "json_schema":
        text = json.dumps(schema_instance((fmt.get("json_schema") or {}).get("schema") or {}))
    elif fmt.get("type") == "json_object":
        text = json.dumps({"echo": _excerpt(prompt)})
    else:
        text = reply_text(call, model, prompt if index == 0 else f"{prompt}#{index}")
    limit = body.get("max_completion_tokens", body.get("max_tokens"))
    if isinstance(limit, int) and not isinstance(limit, bool) and tokens(text) > limit:
        return {"content": text[: limit * 4], "tool_calls": None, "finish_reason": "length"}
    return {"content": text, "tool_calls": None, "finish_reason": "stop"}


def chat_completions(call: Call) -> Reply:
    body, problem = _json_fields(call)
    if problem:
        return problem
    model, problem = _check_model(body, "chat")
    if problem:
        return problem
    messages = body.get("messages")
    if messages is None:
        return _missing("messages")
    if not isinstance(messages, list):
        return _invalid_type("messages", "an array", messages)
    if not messages:
        return error(
            400,
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            param="messages",
            code="empty_array",
        )
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            return _invalid_type(f"messages[{i}]", "an object", message)
        if message.get("role") not in _ROLES:
            return _invalid(f"messages[{i}].role", message.get("role"), _ROLES)
    n = body.get("n", 1)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 128:
        return error(
            400,
            f"Invalid 'n': expected an integer between 1 and 128, got {json.dumps(n)}.",
            param="n",
            code="invalid_value",
        )
    prompt = next((_text_of(m.get("content")) for m in reversed(messages) if m.get("role") == "user"), "")
    prompt_tokens = sum(tokens(_text_of(m.get("content"))) + 3 for m in messages) + 3
    answers = [_chat_answer(call, body, model, prompt, i) for i in range(n)]
    completion_tokens = sum(tokens(a["content"] or "") + (10 if a["tool_calls"] else 0) for a in answers)
    head = {
        "id": call.state.next_id("chatcmpl-", 29),
        "created": _now(call),
        "model": model,
        "service_tier": "default",
        "system_fingerprint": _system_fingerprint(model),
    }
    if body.get("stream"):
        return Reply(events=_chat_stream(call, body, head, answers, _chat_usage(prompt_tokens, completion_tokens)))
    choices = []
    for i, answer in enumerate(answers):
        message = {"role": "assistant", "content": answer["content"], "refusal": None, "annotations": []}
        if answer["tool_calls"]:
            message["tool_calls"] = answer["tool_calls"]
        choices.append({"index": i, "message": message, "logprobs": None, "finish_reason": answer["finish_reason"]})
    return Reply(
        json={
            "id": head["id"],
            "object": "chat.completion",
            "created": head["created"],
            "model": model,
            "choices": choices,
            "usage": _chat_usage(prompt_tokens, completion_tokens),
            "service_tier": "default",
            "system_fingerprint": head["system_fingerprint"],
        }
    )


def _pieces(text: str) -> list[str]:
    """Stream deltas: a word and its following space at a time, as tokens come."""
    return re.findall(r"\S+\s*|\s+", text) or [""]


def _chat_stream(
    call: Call, body: dict[str, Any], head: dict[str, Any], answers: list[dict[str, Any]], usage: dict[str, Any]
) -> list[sse.Event]:
    options = body.get("stream_options") if isinstance(body.get("stream_options"), dict) else {}
    with_usage = bool(options.get("include_usage"))
    obfuscate = options.get("include_obfuscation", True) is not False
    rng = _content_rng(call, "obfuscation", head["id"])

    def chunk(index: int, delta: dict[str, Any], finish: str | None = None) -> sse.Event:
        data: dict[str, Any] = {
            "id": head["id"],
            "object": "chat.completion.chunk",
            "created": head["created"],
            "model": head["model"],
            "service_tier": head["service_tier"],
            "system_fingerprint": head["system_fingerprint"],
            "choices": [{"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        if with_usage:
            data["usage"] = None
        if obfuscate:  # padding so that chunk sizes do not leak token lengths
            data["obfuscation"] = "".join(
                rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789") for _ in range(rng.randint(2, 12))
            )
        return sse.Event(data=json.dumps(data, separators=(",", ":")))

    events = []
    for i, answer in enumerate(answers):
        events.append(
            chunk(i, {"role": "assistant", "content": "" if not answer["tool_calls"] else None, "refusal": None})
        )
        if answer["tool_calls"]:
            tool = answer["tool_calls"][0]
            opening = {
                "index": 0,
                "id": tool["id"],
                "type": "function",
                "function": {"name": tool["function"]["name"], "arguments": ""},
            }
            events.append(chunk(i, {"tool_calls": [opening]}))
            for piece in _pieces(tool["function"]["arguments"]):
                events.append(chunk(i, {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
        else:
            events.extend(chunk(i, {"content": piece}) for piece in _pieces(answer["content"]))
        events.append(chunk(i, {}, answer["finish_reason"]))
    if with_usage:
        events.append(
            sse.Event(
                data=json.dumps(
                    {
                        "id": head["id"],
                        "object": "chat.completion.chunk",
                        "created": head["created"],
                        "model": head["model"],
                        "service_tier": head["service_tier"],
                        "system_fingerprint": head["system_fingerprint"],
                        "choices": [],
                        "usage": usage,
                    },
                    separators=(",", ":"),
                )
            )
        )
    events.append(sse.Event(data="[DONE]"))
    return events


# --- responses -------------------------------------------------------------------------------


def _input_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        texts = [
            _text_of(item.get("content"))
            if isinstance(item, dict) and "content" in item
            else item.get("text", "")
            if isinstance(item, dict)
            else ""
            for item in value
        ]
        return " ".join(t for t in texts if t)
    return ""


def _text_format(body: dict[str, Any]) -> dict[str, Any]:
    text = body.get("text") if isinstance(body.get("text"), dict) else {}
    return text.get("format") if isinstance(text.get("format"), dict) else {"type": "text"}


def _output_item(call: Call, body: dict[str, Any], model: str, prompt: str) -> dict[str, Any]:
    """The one output item: a function call when a tool is required, else a message."""
    choice = body.get("tool_choice")
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict) and t.get("type") == "function"]
    forced = choice.get("name") if isinstance(choice, dict) else None
    if tools and (choice == "required" or forced):
        tool = next((t for t in tools if t.get("name") == forced), tools[0])
        return {
            "id": _hex_id(call.state, "fc_"),
            "type": "function_call",
            "status": "completed",
            "call_id": call.state.next_id("call_", 24),
            "name": tool.get("name", "tool"),
            "arguments": json.dumps(schema_instance(tool.get("parameters") or {"type": "object"})),
        }
    fmt = _text_format(body)
    if fmt.get("type") == "json_schema":
        text = json.dumps(schema_instance(fmt.get("schema") or {}))
    elif fmt.get("type") == "json_object":
        text = json.dumps({"echo": _excerpt(prompt)})
    else:
        text = reply_text(call, model, prompt)
    return {
        "id": _hex_id(call.state, "msg_"),
        "type": "message",
        "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
    }


def _item_text(item: dict[str, Any]) -> str:
    if item["type"] == "function_call":
        return item["arguments"]
    return "".join(part["text"] for part in item["content"])


def _response_object(job: dict[str, Any], status: str) -> dict[str, Any]:
    body, done = job["body"], status == "completed"
    return {
        "id": job["id"],
        "object": "response",
        "created_at": job["created"],
        "status": status,
        "background": job["background"],
        "completed_at": job["created"] if done else None,
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": None,
        "model": job["model"],
        "output": [job["item"]] if done else [],
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "prompt_cache_key": None,
        "reasoning": {"effort": None, "summary": None},
        "safety_identifier": None,
        "service_tier": "default",
        "store": body.get("store", True),
        "temperature": body.get("temperature", 1.0),
        "text": {"format": _text_format(body), "verbosity": "medium"},
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools", []),
        "top_logprobs": 0,
        "top_p": body.get("top_p", 1.0),
        "truncation": "disabled",
        "usage": job["usage"] if done else None,
        "user": None,
        "metadata": body.get("metadata") or {},
    }


def _response_usage(input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": input_tokens + output_tokens,
    }


def create_response(call: Call) -> Reply:
    body, problem = _json_fields(call)
    if problem:
        return problem
    if "model" not in body:
        return _missing("model")
    model, problem = _check_model(body, "chat")
    if problem:
        return problem
    if "input" in body and not isinstance(body["input"], (str, list)):
        return _invalid_type("input", "a string or an array", body["input"])
    prompt = _input_text(body.get("input", ""))
    rid = _hex_id(call.state, "resp_")
    item = _output_item(call, body, model, prompt)
    job = {
        "kind": "response",
        "id": rid,
        "body": body,
        "model": model,
        "item": item,
        "usage": _response_usage(tokens(prompt) + tokens(body.get("instructions") or "") + 7, tokens(_item_text(item))),
        "created": _now(call),
        "started": call.state.clock.now(),
        "background": bool(body.get("background")),
    }
    call.state.jobs[rid] = job
    if job["background"]:
        return Reply(json=_response_view(call, job))
    if body.get("stream"):
        return Reply(events=_response_stream(job))
    return Reply(json=_response_object(job, "completed"))


def _response_view(call: Call, job: dict[str, Any]) -> dict[str, Any]:
    """A stored response as it stands now; background ones move on the double's clock."""
    return _response_object(job, _job_phase(call, job)[0] if job["background"] else "completed")


def get_response(call: Call) -> Reply:
    job = call.state.jobs.get(call.params["response_id"])
    if not job or job.get("kind") != "response":
        return error(404, f"Response with id '{call.params['response_id']}' not found.", param="response_id")
    return Reply(json=_response_view(call, job))


def _response_stream(job: dict[str, Any]) -> list[sse.Event]:
    """The typed event sequence, each event with its `sequence_number`; no [DONE]."""
    events: list[sse.Event] = []

    def emit(kind: str, **fields: Any) -> None:
        data = {"type": kind, "sequence_number": len(events), **fields}
        events.append(sse.Event(event=kind, data=json.dumps(data, separators=(",", ":"))))

    starting, final, item = _response_object(job, "in_progress"), _response_object(job, "completed"), job["item"]
    emit("response.created", response=starting)
    emit("response.in_progress", response=starting)
    if item["type"] == "function_call":
        emit("response.output_item.added", output_index=0, item={**item, "status": "in_progress", "arguments": ""})
        for piece in _pieces(item["arguments"]):
            emit("response.function_call_arguments.delta", item_id=item["id"], output_index=0, delta=piece)
        emit("response.function_call_arguments.done", item_id=item["id"], output_index=0, arguments=item["arguments"])
    else:
        text, ids = _item_text(item), {"item_id": item["id"], "output_index": 0, "content_index": 0}
        part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
        emit("response.output_item.added", output_index=0, item={**item, "status": "in_progress", "content": []})
        emit("response.content_part.added", **ids, part=part)
        for piece in _pieces(text):
            emit("response.output_text.delta", **ids, delta=piece, logprobs=[])
        emit("response.output_text.done", **ids, text=text, logprobs=[])
        emit("response.content_part.done", **ids, part={**part, "text": text})
    emit("response.output_item.done", output_index=0, item=item)
    emit("response.completed", response=final)
    return events


# --- images ----------------------------------------------------------------------------------

_IMAGE_SIZES = {
    "dall-e-2": ("256x256", "512x512", "1024x1024"),
    "dall-e-3": ("1024x1024", "1792x1024", "1024x1792"),
}
_GPT_IMAGE_SIZES = ("auto", "1024x1024", "1536x1024", "1024x1536")


def _colour(*parts: Any) -> tuple[int, int, int]:
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).digest()
    return digest[0], digest[1], digest[2]


def generate_image(call: Call) -> Reply:
    body, problem = _json_fields(call)
    if problem:
        return problem
    prompt = body.get("prompt")
    if prompt is None:
        return _missing("prompt")
    if not isinstance(prompt, str):
        return _invalid_type("prompt", "a string", prompt)
    model, problem = _check_model(body, "image", default="dall-e-2")
    if problem:
        return problem
    gpt_image = model.startswith("gpt-image")
    n = body.get("n", 1)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10:
        return error(
            400,
            f"Invalid 'n': expected an integer between 1 and 10, got {json.dumps(n)}.",
            param="n",
            code="invalid_value",
        )
    sizes = _GPT_IMAGE_SIZES if gpt_image else _IMAGE_SIZES.get(model.split("-20")[0], _IMAGE_SIZES["dall-e-2"])
    size = body.get("size", "auto" if gpt_image else "1024x1024")
    if size not in sizes:
        return _invalid("size", size, sizes)
    output_format = body.get("output_format", "png")
    if output_format not in ("png", "jpeg", "webp"):
        return _invalid("output_format", output_format, ("png", "jpeg", "webp"))
    rgb = _colour(call.state.settings.get("seed", 0), model, prompt)
    # JPEG is not made here; a PNG stands in for it (decoders sniff the bytes).
    image = media.webp(16, 16, rgb) if output_format == "webp" else media.png(16, 16, rgb)
    encoded = base64.b64encode(image).decode()
    created = _now(call)
    if gpt_image:
        quality = {"auto": "medium", "standard": "medium", "hd": "high"}.get(
            body.get("quality", "auto"), body.get("quality", "medium")
        )
        text_tokens = tokens(prompt)
        usage = {
            "input_tokens": text_tokens,
            "input_tokens_details": {"image_tokens": 0, "text_tokens": text_tokens},
            "output_tokens": 1056 * n,
            "total_tokens": text_tokens + 1056 * n,
            "output_tokens_details": {"image_tokens": 1056 * n, "text_tokens": 0},
        }
        shape = {
            "background": "opaque",
            "output_format": output_format,
            "quality": quality,
            "size": "1024x1024" if size == "auto" else size,
        }
        if body.get("stream"):
            return Reply(events=_image_stream(body, encoded, created, shape, usage))
        return Reply(
            json={"created": created, "data": [{"b64_json": encoded} for _ in range(n)], **shape, "usage": usage}
        )
    as_url = body.get("response_format", "url") == "url"
    item: dict[str, Any] = {"url": f"data:image/png;base64,{encoded}"} if as_url else {"b64_json": encoded}
    if model.startswith("dall-e-3"):
        item["revised_prompt"] = _excerpt(prompt, 400)
    return Reply(json={"created": created, "data": [dict(item) for _ in range(n)]})


def _image_stream(
    body: dict[str, Any], encoded: str, created: int, shape: dict[str, Any], usage: dict[str, Any]
) -> list[sse.Event]:
    """`partial_images` partial frames (0-3), then the finished image with usage."""
    partials = body.get("partial_images") or 0
    partials = partials if isinstance(partials, int) and 0 <= partials <= 3 else 0

    def event(kind: str, **fields: Any) -> sse.Event:
        data = {"type": kind, "b64_json": encoded, "created_at": created, **shape, **fields}
        return sse.Event(event=kind, data=json.dumps(data, separators=(",", ":")))

    return [event("image_generation.partial_image", partial_image_index=i) for i in range(partials)] + [
        event("image_generation.completed", usage=usage)
    ]


# --- moderations -----------------------------------------------------------------------------

CATEGORIES = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)
_IMAGE_CATEGORIES = {
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "violence",
    "violence/graphic",
}
# Words that make the double flag a text: enough for an app to rehearse a flagged input.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "violence": ("kill", "murder", "attack", "stab"),
    "violence/graphic": ("gore", "dismember"),
    "harassment": ("idiot", "loser"),
    "harassment/threatening": ("i will hurt you",),
    "hate": ("subhuman",),
    "self-harm": ("hurt myself", "suicide"),
    "self-harm/intent": ("i want to die",),
    "illicit": ("shoplift", "counterfeit"),
    "illicit/violent": ("build a bomb",),
    "sexual": ("explicit sex",),
}


def classify(call: Call, text: str, images: int = 0) -> dict[str, Any]:
    lowered = text.lower()
    rng = _content_rng(call, "moderation", text)
    flags = {c: any(w in lowered for w in TRIGGERS.get(c, ())) for c in CATEGORIES}
    scores = {
        c: round(rng.uniform(0.9, 0.99), 6) if flags[c] else round(rng.uniform(1e-6, 2e-3), 9) for c in CATEGORIES
    }
    kinds = {
        c: (["text"] if text else []) + (["image"] if images and c in _IMAGE_CATEGORIES else []) for c in CATEGORIES
    }
    return {
        "flagged": any(flags.values()),
        "categories": flags,
        "category_scores": scores,
        "category_applied_input_types": kinds,
    }


def moderations(call: Call) -> Reply:
    body, problem = _json_fields(call)
    if problem:
        return problem
    if "input" not in body:
        return _missing("input")
    model, problem = _check_model(body, "moderation", default="omni-moderation-latest")
    if problem:
        return problem
    value = body["input"]
    if isinstance(value, str):
        results = [classify(call, value)]
    elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        results = [classify(call, v) for v in value]
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        text = " ".join(v.get("text", "") for v in value if v.get("type") == "text")
        images = sum(1 for v in value if v.get("type") == "image_url")
        results = [classify(call, text, images)]
    else:
        return _invalid_type("input", "a string, an array of strings or an array of objects", value)
    return Reply(json={"id": _hex_id(call.state, "modr-", 32), "model": model, "results": results})


# --- models ----------------------------------------------------------------------------------


def list_models(call: Call) -> Reply:
    return Reply(json={"object": "list", "data": [model_object(m) for m in MODELS]})


def get_model(call: Call) -> Reply:
    model = call.params["model"]
    if model not in MODELS:
        return error(404, f"The model '{model}' does not exist", param="model", code="model_not_found")
    return Reply(json=model_object(model))


# --- videos ----------------------------------------------------------------------------------

VIDEO_SECONDS = ("4", "8", "12")
VIDEO_SIZES = ("720x1280", "1280x720", "1024x1792", "1792x1024")
VIDEO_VARIANTS = ("video", "thumbnail", "spritesheet")
VIDEO_EXPIRY = 86_400
MODERATION_BLOCKED = "Your request was blocked by our moderation system."


def _job_phase(call: Call, job: dict[str, Any]) -> tuple[str, int]:
    """(status, progress) of a job on the double's clock: queued for the first tenth of its time."""
    duration = max(1e-9, float(call.state.settings.get("job_seconds", 1.0)))
    elapsed = call.state.clock.now() - job["started"]
    if elapsed >= duration:
        return "completed", 100
    if elapsed < duration * 0.1:
        return "queued", 0
    return "in_progress", max(1, min(99, int(elapsed / duration * 100)))


def _poll_after_ms(call: Call) -> str:
    """How long the SDK should wait between polls: a fifth of a job, so a job takes ~5 polls."""
    return str(max(1, int(float(call.state.settings.get("job_seconds", 1.0)) * 1000 / 5)))


def _video_view(call: Call, job: dict[str, Any]) -> dict[str, Any]:
    status, progress = _job_phase(call, job)
    video = {
        "id": job["id"],
        "object": "video",
        "model": job["model"],
        "status": status,
        "progress": progress,
        "created_at": job["created_at"],
        "completed_at": None,
        "expires_at": None,
        "prompt": job["prompt"],
        "size": job["size"],
        "seconds": job["seconds"],
        "remixed_from_video_id": job["remixed_from"],
        "error": None,
    }
    if job.get("failure"):  # failed late by a fault (job_fail): a terminal state that holds
        video.update(status="failed", error=dict(job["failure"]), completed_at=job.setdefault("failed_at", _now(call)))
        return video
    if status == "completed":
        finished = int(job["started"] + float(call.state.settings.get("job_seconds", 1.0)))
        video["completed_at"] = finished
        if job["blocked"]:  # generation ran, then moderation stopped it (PROVIDERS.md §1)
            code = job["blocked"] if isinstance(job["blocked"], str) else "moderation_blocked"
            video.update(status="failed", error={"code": code, "message": MODERATION_BLOCKED})
        else:
            video["expires_at"] = finished + VIDEO_EXPIRY
    return video


def _video_reply(call: Call, job: dict[str, Any]) -> Reply:
    video = _video_view(call, job)
    extra = {} if video["status"] in ("completed", "failed") else {"openai-poll-after-ms": _poll_after_ms(call)}
    return Reply(json=video, headers=extra)


def _new_video(call: Call, model: str, prompt: str, seconds: str, size: str, remixed_from: str | None) -> dict:
    vid = _hex_id(call.state, "video_")
    job = {
        "kind": "video",
        "id": vid,
        "model": model,
        "prompt": prompt,
        "seconds": seconds,
        "size": size,
        "remixed_from": remixed_from,
        "started": call.state.clock.now(),
        "created_at": _now(call),
        "order": call.state.counter,
        "blocked": classify(call, prompt)["flagged"],
    }
    call.state.jobs[vid] = job
    return job


def _video_job(call: Call) -> tuple[dict[str, Any] | None, Reply | None]:
    vid = call.params["video_id"]
    job = call.state.jobs.get(vid)
    if not job or job.get("kind") != "video" or job.get("deleted"):
        return None, error(404, f"Video with id '{vid}' not found.", param="video_id")
    return job, None


def _prompt(fields: dict[str, Any]) -> tuple[str | None, Reply | None]:
    prompt = fields.get("prompt")
    if prompt is None:
        return None, _missing("prompt")
    if not isinstance(prompt, str):
        return None, _invalid_type("prompt", "a string", prompt)
    if not prompt.strip():
        return None, error(
            400,
            "Invalid 'prompt': string too short. Expected a string with minimum length 1, "
            "but got an empty string instead.",
            param="prompt",
            code="string_below_min_length",
        )
    if len(prompt) > 32_000:
        return None, error(
            400,
            f"Invalid 'prompt': string too long. Expected a string with maximum length 32000, "
            f"but got a string with length {len(prompt)} instead.",
            param="prompt",
            code="string_above_max_length",
        )
    return prompt, None


def _input_reference(fields: dict[str, Any]) -> Reply | None:
    """A file, or an object with exactly one of image_url / file_id (flat `input_reference[x]` in forms)."""
    value = fields.get("input_reference")
    nested = {
        k[len("input_reference[") : -1]: v
        for k, v in fields.items()
        if k.startswith("input_reference[") and k.endswith("]")
    }
    if value is None and not nested:
        return None
    if isinstance(value, FormFile):
        return None
    ref = value if isinstance(value, dict) else nested
    if not isinstance(ref, dict) or len([k for k in ("image_url", "file_id") if ref.get(k)]) != 1:
        return error(
            400,
            "Invalid 'input_reference': provide exactly one of 'image_url' or 'file_id'.",
            param="input_reference",
            code="invalid_value",
        )
    return None


def create_video(call: Call) -> Reply:
    fields, problem = _json_fields(call)
    if problem:
        return problem
    prompt, problem = _prompt(fields)
    if problem:
        return problem
    model, problem = _check_model(fields, "video", default="sora-2")
    if problem:
        return problem
    seconds = fields.get("seconds", "4")
    if seconds not in VIDEO_SECONDS:
        return (
            _invalid("seconds", seconds, VIDEO_SECONDS)
            if isinstance(seconds, str)
            else _invalid_type("seconds", "one of '4', '8', or '12'", seconds)
        )
    size = fields.get("size", "720x1280")
    if size not in VIDEO_SIZES:
        return _invalid("size", size, VIDEO_SIZES)
    problem = _input_reference(fields)
    if problem:
        return problem
    return _video_reply(call, _new_video(call, model, prompt, seconds, size, None))


def get_video(call: Call) -> Reply:
    job, problem = _video_job(call)
    return problem or _video_reply(call, job)


def list_videos(call: Call) -> Reply:
    order = call.query.get("order", "desc")
    if order not in ("asc", "desc"):
        return _invalid("order", order, ("asc", "desc"))
    try:
        limit = int(call.query.get("limit", "20"))
    except ValueError:
        return _invalid_type("limit", "an integer", call.query["limit"])
    if not 0 <= limit <= 100:
        return error(
            400,
            f"Invalid 'limit': expected an integer between 0 and 100, got {limit}.",
            param="limit",
            code="invalid_value",
        )
    jobs = sorted(
        (j for j in call.state.jobs.values() if j.get("kind") == "video" and not j.get("deleted")),
        key=lambda j: (j["started"], j["order"]),
        reverse=order == "desc",
    )
    after = call.query.get("after")
    if after:
        ids = [j["id"] for j in jobs]
        if after not in ids:
            return error(404, f"Video with id '{after}' not found.", param="after")
        jobs = jobs[ids.index(after) + 1 :]
    page = jobs[:limit]
    data = [_video_view(call, j) for j in page]
    return Reply(
        json={
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": len(jobs) > len(page),
        }
    )


def delete_video(call: Call) -> Reply:
    job, problem = _video_job(call)
    if problem:
        return problem
    job["deleted"] = True
    return Reply(json={"id": job["id"], "object": "video.deleted", "deleted": True})


def _frame_size(size: str) -> tuple[int, int]:
    """The stored clip's pixels: the requested shape, scaled so its long side is 64 (even sides)."""
    width, height = (int(v) for v in size.split("x"))
    scale = 64 / max(width, height)
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


@functools.lru_cache(maxsize=32)
def _video_bytes(size: str, seconds: str, rgb: tuple[int, int, int], created: int) -> bytes:
    width, height = _frame_size(size)
    return media.mp4(width, height, int(seconds), rgb, created=created)


def video_content(call: Call) -> Reply:
    job, problem = _video_job(call)
    if problem:
        return problem
    variant = call.query.get("variant", "video")
    if variant not in VIDEO_VARIANTS:
        return _invalid("variant", variant, VIDEO_VARIANTS)
    video = _video_view(call, job)
    if video["status"] != "completed":
        state = "failed" if video["status"] == "failed" else "not ready yet"
        return error(
            400,
            f"Video '{job['id']}' is {state}; its content can be downloaded once its status is 'completed'.",
            param="video_id",
        )
    rgb = _colour(call.state.settings.get("seed", 0), job["model"], job["prompt"])
    if variant == "video":
        return Reply(body=_video_bytes(job["size"], job["seconds"], rgb, job["created_at"]), content_type="video/mp4")
    width, height = _frame_size(job["size"])
    if variant == "spritesheet":
        width *= int(job["seconds"])
    return Reply(body=media.webp(width, height, rgb), content_type="image/webp")


def remix_video(call: Call) -> Reply:
    source, problem = _video_job(call)
    if problem:
        return problem
    fields, problem = _json_fields(call)
    if problem:
        return problem
    prompt, problem = _prompt(fields)
    if problem:
        return problem
    if _video_view(call, source)["status"] != "completed":
        return error(
            400,
            f"Video '{source['id']}' must be completed before it can be remixed.",
            param="video_id",
            code="invalid_value",
        )
    job = _new_video(call, source["model"], prompt, source["seconds"], source["size"], source["id"])
    return _video_reply(call, job)


# --- bad days, for the chaos layer -----------------------------------------------------------

QUOTA_MESSAGE = (
    "You exceeded your current quota, please check your plan and billing details. For more "
    "information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors."
)
DEPRECATIONS = "https://platform.openai.com/docs/deprecations"


def rate_limited(call: Call, retry_after: float, quota: bool) -> Reply:
    """429 rate_limit_exceeded with retry-after(-ms) and spent budgets; or, with `quota`,
    429 insufficient_quota with no retry-after and `x-should-retry: false` — the header
    openai-python obeys, so the SDK gives up at once as retrying cannot help."""
    if quota:
        reply = error(429, QUOTA_MESSAGE, type="insufficient_quota", code="insufficient_quota")
        reply.headers["x-should-retry"] = "false"
        return reply
    model = (call.fields.get("model") if isinstance(call.fields, dict) else None) or "gpt-4o"
    ms = max(1, int(retry_after * 1000))
    reply = error(
        429,
        f"Rate limit reached for {model} in organization org-harness on requests per min (RPM): "
        f"Limit {REQUESTS_PER_MINUTE}, Used {REQUESTS_PER_MINUTE}, Requested 1. Please try again "
        f"in {ms}ms. Visit https://platform.openai.com/account/rate-limits to learn more.",
        type="requests",
        code="rate_limit_exceeded",
    )
    reply.headers.update(
        {
            "retry-after": str(max(1, math.ceil(retry_after))) if retry_after >= 1 else "0",
            "retry-after-ms": str(ms),
            "x-ratelimit-limit-requests": str(REQUESTS_PER_MINUTE),
            "x-ratelimit-remaining-requests": "0",
            "x-ratelimit-reset-requests": _go_duration(retry_after),
        }
    )
    return reply


def model_retired(call: Call, model: str) -> Reply:
    """What OpenAI sends after a model's shutdown date (PROVIDERS.md §8)."""
    return error(
        404,
        f"The model `{model}` has been deprecated, learn more here: {DEPRECATIONS}",
        type="invalid_request_error",
        code="model_not_found",
    )


def mark_retired(call: Call, reply: Reply, model: str, shutdown_date: str) -> Reply:
    """`shutdown_date` on the model in GET /v1/models and /v1/models/{model}."""
    body = reply.json
    if reply.status != 200 or not isinstance(body, dict):
        return reply
    entries = body.get("data") if body.get("object") == "list" else [body]
    for entry in entries or []:
        if isinstance(entry, dict) and entry.get("id") == model:
            entry["shutdown_date"] = shutdown_date
    return reply


def refusal(call: Call, reply: Reply, code: str | None) -> Reply:
    """This route's own moderation refusal; `code` replaces the refusal's code (refusal_drift)."""
    route = call.route
    if route == "POST /v1/chat/completions" and reply.status == 200:
        return _refused_chat(reply, code or "content_filter")
    if route in ("POST /v1/videos", "POST /v1/videos/{video_id}/remix") and isinstance(reply.json, dict):
        job = call.state.jobs.get(reply.json.get("id"))
        if job is not None:  # the job is accepted, then fails once generation is checked
            job["blocked"] = code or "moderation_blocked"
        return reply
    if route == "GET /v1/videos/{video_id}" and isinstance(reply.json, dict):
        job = call.state.jobs.get(reply.json.get("id"))
        if job is not None:
            job["failure"] = {"code": code or "moderation_blocked", "message": MODERATION_BLOCKED}
            job["failed_at"] = _now(call)
            return Reply(json=_video_view(call, job))
        return reply
    if route == "POST /v1/responses" and reply.status == 200 and reply.events is None:
        body = dict(reply.json or {})
        body.update(status="incomplete", incomplete_details={"reason": code or "content_filter"}, output=[])
        return Reply(json=body, headers=reply.headers)
    if route == "POST /v1/moderations" and isinstance(reply.json, dict):
        for result in reply.json.get("results", []):
            result["flagged"] = True
            result["categories"]["violence"] = True
            result["category_scores"]["violence"] = 0.97
        return reply
    if route == "POST /v1/images/generations":
        model = call.fields.get("model", "dall-e-2") if isinstance(call.fields, dict) else "dall-e-2"
        if str(model).startswith("dall-e"):
            return error(
                400,
                "Your request was rejected as a result of our safety system. Your prompt may "
                "contain text that is not allowed by our safety system.",
                type="invalid_request_error",
                code=code or "content_policy_violation",
            )
    return error(
        400,
        "Your request was rejected by the safety system. If you believe this is an error, contact "
        "us at help.openai.com. safety_violations=[violence].",
        type="image_generation_user_error",
        code=code or "moderation_blocked",
    )


def _refused_chat(reply: Reply, finish_reason: str) -> Reply:
    refusal_text = "I'm sorry, but I can't help with that."
    if reply.events is None:
        body = json.loads(json.dumps(reply.json))
        for choice in body.get("choices", []):
            choice["finish_reason"] = finish_reason
            choice["message"].update(content=None, refusal=refusal_text)
        return Reply(json=body, headers=reply.headers)
    events = []
    for event in reply.events:
        data = event.json
        if isinstance(data, dict) and data.get("choices"):
            for choice in data["choices"]:
                delta = choice.get("delta", {})
                if "content" in delta:
                    delta.pop("content")
                    delta["refusal"] = refusal_text if choice.get("finish_reason") is None else None
                if choice.get("finish_reason"):
                    choice["finish_reason"] = finish_reason
            event = sse.Event(json.dumps(data), event.event, event.id)
        events.append(event)
    return Reply(events=events, headers=reply.headers)


def job_state(body: Any) -> tuple[str, str] | None:
    if isinstance(body, dict) and body.get("object") in ("video", "response") and isinstance(body.get("status"), str):
        return body["id"], body["status"]
    return None


def job_stall(body: Any) -> Any:
    """Stuck short of done: a job that would have completed still shows in progress."""
    if body.get("status") != "completed":
        return body
    stuck = dict(body, status="in_progress")
    if body.get("object") == "video":
        stuck.update(progress=min(int(body.get("progress") or 0), 99), completed_at=None, expires_at=None)
    return stuck


def job_fail(body: Any, code: str, message: str) -> Any:
    failed = dict(body, status="failed", error={"code": code, "message": message})
    if body.get("object") == "video":
        failed.update(completed_at=body.get("completed_at") or body.get("created_at"), expires_at=None)
    return failed


FAILURES = Failures(
    outage_status=503,
    outage_message="The server is overloaded or not ready yet.",
    rate_limited=rate_limited,
    model_retired=model_retired,
    mark_retired=mark_retired,
    refusal=refusal,
    job_state=job_state,
    job_stall=job_stall,
    job_fail=job_fail,
)


# --- the profile -----------------------------------------------------------------------------

ROUTES = (
    ("POST /v1/chat/completions", chat_completions),
    ("POST /v1/responses", create_response),
    ("GET /v1/responses/{response_id}", get_response),
    ("POST /v1/images/generations", generate_image),
    ("POST /v1/moderations", moderations),
    ("GET /v1/models", list_models),
    ("GET /v1/models/{model}", get_model),
    ("POST /v1/videos", create_video),
    ("GET /v1/videos", list_videos),
    ("GET /v1/videos/{video_id}", get_video),
    ("DELETE /v1/videos/{video_id}", delete_video),
    ("GET /v1/videos/{video_id}/content", video_content),
    ("POST /v1/videos/{video_id}/remix", remix_video),
)

PROFILE = Profile(
    name=NAME,
    routes=tuple((route, authorized(handler)) for route, handler in ROUTES),
    error=error,
    request_id_header="x-request-id",
    request_id=request_id,
    headers=headers,
    failures=FAILURES,
)
