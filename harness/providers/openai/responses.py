"""POST /v1/responses and GET /v1/responses/{response_id}: plain, streamed as typed
events, or in the background, moving on the double's clock."""

from __future__ import annotations

import json
from typing import Any

from harness import sse
from harness.double.call import Call, Reply
from harness.double.problem import RequestProblem
from harness.providers.openai.content import (
    excerpt,
    hex_id,
    now,
    object_field,
    pieces,
    reply_text,
    schema_instance,
    text_of,
    tokens,
    within_budget,
)
from harness.providers.openai.errors import check_model, invalid_type, json_fields, missing
from harness.providers.openai.jobs import job_phase


def _input_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        texts = [
            text_of(item.get("content"))
            if isinstance(item, dict) and "content" in item
            else item.get("text", "")
            if isinstance(item, dict)
            else ""
            for item in value
        ]
        return " ".join(t for t in texts if t)
    return ""


def _text_format(body: dict[str, Any]) -> dict[str, Any]:
    fmt = object_field(body, "text").get("format")
    return fmt if isinstance(fmt, dict) else {"type": "text"}


def _given(body: dict[str, Any], name: str, default: Any) -> Any:
    """A request field echoed in the response: null or absent gives the API's default."""
    value = body.get(name)
    return default if value is None else value


def _strict_schema(schema: Any) -> Any:
    """A function's parameters as strict mode reads them: every object closed, every property required."""
    if isinstance(schema, list):
        return [_strict_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _strict_schema(value) for key, value in schema.items()}
    if out.get("type") == "object" or "properties" in out:
        out.setdefault("additionalProperties", False)
        out["required"] = list(out.get("properties") or {})
    return out


def _echoed_tools(body: dict[str, Any]) -> list[Any]:
    """`tools` as the response echoes them. A function tool always has `strict`: the Responses API
    makes a function strict unless it says `strict: false`, and normalises its schema to match."""
    tools = body.get("tools")
    if not isinstance(tools, list):
        return []
    echoed: list[Any] = []
    for tool in tools:
        if isinstance(tool, dict) and tool.get("type") == "function":
            strict = tool.get("strict") is not False
            parameters = tool.get("parameters")
            echoed.append(
                {
                    "type": "function",
                    "name": tool.get("name"),
                    "description": tool.get("description"),
                    "parameters": _strict_schema(parameters) if strict else parameters,
                    "strict": strict,
                }
            )
        else:
            echoed.append(tool)
    return echoed


def _output_item(call: Call, body: dict[str, Any], model: str, prompt: str) -> dict[str, Any]:
    """The one output item: a function call when a tool is required, else a message,
    cut short (status `incomplete`) when it would run past `max_output_tokens`."""
    choice = body.get("tool_choice")
    tools = [t for t in _echoed_tools(body) if isinstance(t, dict) and t.get("type") == "function"]
    forced = choice.get("name") if isinstance(choice, dict) else None
    if tools and (choice == "required" or forced):
        tool = next((t for t in tools if t.get("name") == forced), tools[0])
        return {
            "id": hex_id(call.state, "fc_"),
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
        text = json.dumps({"echo": excerpt(prompt)})
    else:
        text = reply_text(call, model, prompt)
    text, cut = within_budget(text, body.get("max_output_tokens"))
    return {
        "id": hex_id(call.state, "msg_"),
        "type": "message",
        "status": "incomplete" if cut else "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
    }


def _item_text(item: dict[str, Any]) -> str:
    if item["type"] == "function_call":
        return item["arguments"]
    return "".join(part["text"] for part in item["content"])


def _response_object(job: dict[str, Any], status: str) -> dict[str, Any]:
    """The response as it stands; `completed` means finished, which is `incomplete` when the
    output ran out of `max_output_tokens`."""
    body, done = job["body"], status == "completed"
    cut = done and job["item"]["status"] == "incomplete"
    return {
        "id": job["id"],
        "object": "response",
        "created_at": job["created"],
        "status": "incomplete" if cut else status,
        "background": job["background"],
        "completed_at": job["created"] if done and not cut else None,
        "error": None,
        "incomplete_details": {"reason": "max_output_tokens"} if cut else None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": None,
        "model": job["model"],
        "output": [job["item"]] if done else [],
        "parallel_tool_calls": _given(body, "parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "prompt_cache_key": None,
        "reasoning": {"effort": None, "summary": None},
        "safety_identifier": None,
        "service_tier": "default",
        "store": _given(body, "store", True),
        "temperature": _given(body, "temperature", 1.0),
        "text": {"format": _text_format(body), "verbosity": "medium"},
        "tool_choice": _given(body, "tool_choice", "auto"),
        "tools": _echoed_tools(body),
        "top_logprobs": _given(body, "top_logprobs", 0),
        "top_p": _given(body, "top_p", 1.0),
        "truncation": "disabled",
        "usage": job["usage"] if done else None,
        "user": None,
        "metadata": body.get("metadata") or {},
    }


def _usage(input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": input_tokens + output_tokens,
    }


def create_response(call: Call) -> Reply:
    body = json_fields(call)
    if "model" not in body:
        raise missing("model")
    model = check_model(body, "chat")
    if "input" in body and not isinstance(body["input"], (str, list)):
        raise invalid_type("input", "a string or an array", body["input"])
    prompt = _input_text(body.get("input", ""))
    rid = hex_id(call.state, "resp_")
    item = _output_item(call, body, model, prompt)
    job = {
        "kind": "response",
        "id": rid,
        "body": body,
        "model": model,
        "item": item,
        "usage": _usage(tokens(prompt) + tokens(body.get("instructions") or "") + 7, tokens(_item_text(item))),
        "created": now(call),
        "started": call.state.clock.now(),
        "background": bool(body.get("background")),
    }
    call.state.jobs[rid] = job
    if job["background"]:
        return Reply(json=_response_view(call, job))
    if body.get("stream"):
        return Reply(events=_stream(job))
    return Reply(json=_response_object(job, "completed"))


def _response_view(call: Call, job: dict[str, Any]) -> dict[str, Any]:
    """A stored response as it stands now; background ones move on the double's clock."""
    return _response_object(job, job_phase(call, job)[0] if job["background"] else "completed")


def get_response(call: Call) -> Reply:
    job = call.state.jobs.get(call.params["response_id"])
    if not job or job.get("kind") != "response":
        raise RequestProblem(404, f"Response with id '{call.params['response_id']}' not found.", param="response_id")
    return Reply(json=_response_view(call, job))


def _stream(job: dict[str, Any]) -> list[sse.Event]:
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
        for piece in pieces(item["arguments"]):
            emit("response.function_call_arguments.delta", item_id=item["id"], output_index=0, delta=piece)
        emit(
            "response.function_call_arguments.done",
            item_id=item["id"],
            name=item["name"],
            output_index=0,
            arguments=item["arguments"],
        )
    else:
        text, ids = _item_text(item), {"item_id": item["id"], "output_index": 0, "content_index": 0}
        part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
        emit("response.output_item.added", output_index=0, item={**item, "status": "in_progress", "content": []})
        emit("response.content_part.added", **ids, part=part)
        for piece in pieces(text):
            emit("response.output_text.delta", **ids, delta=piece, logprobs=[])
        emit("response.output_text.done", **ids, text=text, logprobs=[])
        emit("response.content_part.done", **ids, part={**part, "text": text})
    emit("response.output_item.done", output_index=0, item=item)
    emit(f"response.{final['status']}", response=final)  # completed, or incomplete when cut short
    return events
