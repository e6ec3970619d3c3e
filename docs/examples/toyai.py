"""toyai: a made-up provider with an OpenAI-compatible API, as a provider module.

This is the recipe of docs/providers.md, whole. Saved as
`harness/providers/toyai.py` (or registered from a package of your own
through the `harness.providers` entry-point group), it gives harness a
`toyai` double that the official `openai` SDK accepts, a `toyai_double`
pytest fixture, `harness serve toyai`, live checks against its real API,
redaction of its key, and a colour in the reports. The test suite runs it
as written (tests/test_providers.py).
"""

from __future__ import annotations

from harness import providers
from harness.double.call import Call, Reply, State
from harness.double.clients import stainless
from harness.double.problem import RequestProblem
from harness.provider import Credential, Failures, Provider

MODELS = ("toy-1", "toy-1-mini")


def error(
    status: int, message: str, *, type: str | None = None, code: str | None = None, param: str | None = None
) -> Reply:
    """Its error envelope: OpenAI's shape, since its SDK is the openai one."""
    kind = type or ("server_error" if status >= 500 else "invalid_request_error")
    return Reply(status=status, json={"error": {"message": message, "type": kind, "param": param, "code": code}})


def request_id(state: State) -> str:
    return state.next_id("req_", 16)


def chat(call: Call) -> Reply:
    body = call.json if isinstance(call.json, dict) else {}
    model = body.get("model")
    if model not in MODELS:
        raise RequestProblem(404, f"The model `{model}` does not exist.", code="model_not_found", param="model")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not isinstance(messages[-1], dict):
        raise RequestProblem(400, "messages must be a non-empty list of messages.", param="messages")
    asked = str(messages[-1].get("content", ""))
    return Reply(
        json={
            "id": call.state.next_id("chatcmpl-", 12),
            "object": "chat.completion",
            "created": int(call.state.clock.now()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": f"toy says: {asked}"},
                    "finish_reason": "stop",
                }
            ],
        }
    )


def list_models(call: Call) -> Reply:
    return Reply(
        json={
            "object": "list",
            "data": [{"id": m, "object": "model", "created": 0, "owned_by": "toyai"} for m in MODELS],
        }
    )


def rate_limited(call: Call, retry_after: float, quota: bool) -> Reply:
    reply = error(429, "Slow down.", code="insufficient_quota" if quota else "rate_limit_exceeded")
    reply.headers["retry-after"] = str(max(1, round(retry_after)))
    return reply


def model_retired(call: Call, model: str) -> Reply:
    return error(404, f"The model `{model}` has been retired.", code="model_not_found", param="model")


def mark_retired(call: Call, reply: Reply, model: str, shutdown_date: str) -> Reply:
    return reply  # its models list has no lifecycle fields


def refusal(call: Call, reply: Reply, code: str | None) -> Reply:
    return error(400, "The request was refused by the safety system.", code=code or "content_policy_violation")


PROVIDER = providers.register(
    Provider(
        name="toyai",
        base_url="https://api.toyai.example",
        credential=Credential(env_vars=("TOYAI_API_KEY",), header="toyai-key"),
        routes=(("POST /v1/chat/completions", chat), ("GET /v1/models", list_models)),
        error=error,
        request_id_header="x-request-id",
        request_id=request_id,
        sdk=stainless("openai", "OpenAI", "AsyncOpenAI"),
        sdk_path="/v1",
        colour="#8a2be2",
        failures=Failures(
            rate_limited=rate_limited, model_retired=model_retired, mark_retired=mark_retired, refusal=refusal
        ),
        models=lambda: MODELS,
    )
)
