"""POST /v1/chat/completions: plain, with n choices, tool calls, structured outputs, streamed."""

from __future__ import annotations

import functools
import json
from typing import Any

from harness import sse
from harness.double.call import Call, Reply
from harness.double.problem import RequestProblem
from harness.double.replay import SECONDS, ident
from harness.providers.openai.content import (
    content_rng,
    cut_at_stop,
    excerpt,
    now,
    object_field,
    picks,
    pieces,
    reply_text,
    schema_instance,
    text_of,
    token_logprobs,
    tokens,
    within_budget,
)
from harness.providers.openai.errors import check_model, invalid, invalid_type, json_fields, missing, out_of_range

ROLES = ("system", "developer", "user", "assistant", "tool", "function")
COMPLETION_ID = ident("chatcmpl-", 29)
_PADDING = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789"  # what a streamed chunk's obfuscation is made of


@functools.lru_cache(maxsize=256)  # one per model: the same few are asked again and again
def _system_fingerprint(model: str) -> str:
    import hashlib  # here: loading OpenSSL costs every command that only reads provider records

    return "fp_" + hashlib.sha1(model.encode()).hexdigest()[:10]


def _usage(prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
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


def _answer(call: Call, body: dict[str, Any], model: str, prompt: str, index: int) -> dict[str, Any]:
    """One choice's message (content or tool call) and finish reason."""
    choice = body.get("tool_choice")
    given = body.get("tools")
    tools = [t for t in given if isinstance(t, dict) and t.get("type") == "function"] if given else []
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
    fmt = object_field(body, "response_format")
    if fmt.get("type") == "json_schema":
        text = json.dumps(schema_instance((fmt.get("json_schema") or {}).get("schema") or {}))
    elif fmt.get("type") == "json_object":
        text = json.dumps({"echo": excerpt(prompt)})
    else:
        text = reply_text(call, model, prompt if index == 0 else f"{prompt}#{index}")
    text, _ = cut_at_stop(text, body.get("stop"))
    limit = body.get("max_completion_tokens")
    text, cut = within_budget(text, body.get("max_tokens") if limit is None else limit)
    return {"content": text, "tool_calls": None, "finish_reason": "length" if cut else "stop"}


def _logprobs(call: Call, body: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any] | None:
    """`logprobs: true` gives each content token's log probability (and `top_logprobs` alternatives)."""
    if body.get("logprobs") is not True:
        return None
    return {"content": token_logprobs(call, answer["content"] or "", body.get("top_logprobs")), "refusal": None}


def _messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    messages = body.get("messages")
    if messages is None:
        raise missing("messages")
    if not isinstance(messages, list):
        raise invalid_type("messages", "an array", messages)
    if not messages:
        raise RequestProblem(
            400,
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            param="messages",
            code="empty_array",
        )
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            raise invalid_type(f"messages[{i}]", "an object", message)
        if message.get("role") not in ROLES:
            raise invalid(f"messages[{i}].role", message.get("role"), ROLES)
    return messages


def chat_completions(call: Call) -> Reply:
    body = json_fields(call)
    model = check_model(body, "chat")
    messages = _messages(body)
    n = 1 if body.get("n") is None else body["n"]  # null is the default, as the spec allows
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 128:
        raise out_of_range("n", 1, 128, n)
    prompt = next((text_of(m.get("content")) for m in reversed(messages) if m.get("role") == "user"), "")
    prompt_tokens = 3
    for message in messages:
        prompt_tokens += tokens(text_of(message.get("content"))) + 3
    answers = [_answer(call, body, model, prompt, i) for i in range(n)]
    completion_tokens = 0
    for answer in answers:
        completion_tokens += tokens(answer["content"] or "") + (10 if answer["tool_calls"] else 0)
    head = {
        "id": COMPLETION_ID.draw(call.state),
        "created": now(call),
        "model": model,
        "service_tier": "default",
        "system_fingerprint": _system_fingerprint(model),
    }
    if body.get("stream"):
        return Reply(events=_stream(call, body, head, answers, _usage(prompt_tokens, completion_tokens)))
    choices = []
    for i, answer in enumerate(answers):
        message = {"role": "assistant", "content": answer["content"], "refusal": None, "annotations": []}
        if answer["tool_calls"]:
            message["tool_calls"] = answer["tool_calls"]
        choices.append(
            {
                "index": i,
                "message": message,
                "logprobs": _logprobs(call, body, answer),
                "finish_reason": answer["finish_reason"],
            }
        )
    # An answer without tool calls draws only its id and time: the same request again can be
    # replayed (harness.double.replay). Tool calls draw their own ids.
    drawn = (
        ()
        if any(answer["tool_calls"] for answer in answers)
        else ((COMPLETION_ID, head["id"]), (SECONDS, head["created"]))
    )
    return Reply(
        drawn=drawn,
        json={
            "id": head["id"],
            "object": "chat.completion",
            "created": head["created"],
            "model": model,
            "choices": choices,
            "usage": _usage(prompt_tokens, completion_tokens),
            "service_tier": "default",
            "system_fingerprint": head["system_fingerprint"],
        },
    )


def _stream(
    call: Call, body: dict[str, Any], head: dict[str, Any], answers: list[dict[str, Any]], usage: dict[str, Any]
) -> list[sse.Event]:
    options = object_field(body, "stream_options")
    with_usage = bool(options.get("include_usage"))
    obfuscate = options.get("include_obfuscation", True) is not False
    rng = content_rng(call, "obfuscation", head["id"])

    # What every chunk of one completion repeats.
    shared = {"id": head["id"], "object": "chat.completion.chunk"} | {
        key: head[key] for key in ("created", "model", "service_tier", "system_fingerprint")
    }

    def chunk(
        index: int, delta: dict[str, Any], finish: str | None = None, logprobs: dict[str, Any] | None = None
    ) -> sse.Event:
        data: dict[str, Any] = {
            **shared,
            "choices": [{"index": index, "delta": delta, "logprobs": logprobs, "finish_reason": finish}],
        }
        if with_usage:
            data["usage"] = None
        if obfuscate:  # padding so that chunk sizes do not leak token lengths
            data["obfuscation"] = "".join(picks(rng, _PADDING, rng.randint(2, 12)))
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
            for piece in pieces(tool["function"]["arguments"]):
                events.append(chunk(i, {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
        else:
            # With logprobs, each content chunk carries the entry of the piece it sends.
            logprobs = _logprobs(call, body, answer)
            entries = logprobs["content"] if logprobs else []
            for n, piece in enumerate(pieces(answer["content"])):
                own = {"content": entries[n : n + 1], "refusal": None} if logprobs else None
                events.append(chunk(i, {"content": piece}, logprobs=own))
        events.append(chunk(i, {}, answer["finish_reason"]))
    if with_usage:
        events.append(sse.Event(data=json.dumps({**shared, "choices": [], "usage": usage}, separators=(",", ":"))))
    events.append(sse.Event(data="[DONE]"))
    return events
