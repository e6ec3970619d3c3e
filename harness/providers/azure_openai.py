"""Azure OpenAI, as the double plays it: OpenAI's models behind Azure's gateway.

The answers are the OpenAI double's (`harness/providers/openai/`); what Azure adds
in front of them is played here: deployments in the path
(`/openai/deployments/{deployment}/chat/completions`), the `api-version` query
parameter, the `api-key` header, Azure's error envelope (`{"error": {"code",
"message"}}`), its content-filter annotations and its prompt filter. openai-python's
`AzureOpenAI(azure_endpoint=..., api_version=..., api_key=...)` talks to it, and so
does a plain `OpenAI(base_url=".../openai/v1/")` for Azure's v1 API.

A deployment named after a model the OpenAI double knows (`gpt-4o`, `gpt-4o-2024-08-06`,
`text-embedding-3-small`) serves that model; any other name gets Azure's
`DeploymentNotFound`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness import catalogue as catalogues
from harness import providers, sse
from harness.double.call import Call, Handler, Reply, State
from harness.double.problem import RequestProblem
from harness.exchange import Request
from harness.headers import integer, non_empty
from harness.provider import Credential, Failures, Provider
from harness.providers.openai import errors as openai_errors
from harness.providers.openai.audio import speech, transcriptions
from harness.providers.openai.chat import chat_completions
from harness.providers.openai.embeddings import embeddings
from harness.providers.openai.images import generate_image
from harness.providers.openai.models import get_model, list_models, models, serving
from harness.providers.openai.models import of as catalogue_of
from harness.providers.openai.responses import create_response, get_response

NAME = "azure_openai"

# The inference API versions Azure's published specs list (azure-rest-api-specs,
# specification/cognitiveservices/data-plane/AzureOpenAI/inference): GA, then previews.
API_VERSIONS = (
    "2022-12-01",
    "2023-05-15",
    "2024-02-01",
    "2024-06-01",
    "2024-10-21",
    "2022-03-01-preview",
    "2022-06-01-preview",
    "2023-03-15-preview",
    "2023-06-01-preview",
    "2023-07-01-preview",
    "2023-08-01-preview",
    "2023-09-01-preview",
    "2023-10-01-preview",
    "2023-12-01-preview",
    "2024-02-15-preview",
    "2024-03-01-preview",
    "2024-04-01-preview",
    "2024-05-01-preview",
    "2024-07-01-preview",
    "2024-08-01-preview",
    "2024-09-01-preview",
    "2024-10-01-preview",
    "2024-12-01-preview",
    "2025-01-01-preview",
    "2025-02-01-preview",
    "2025-03-01-preview",
    "2025-04-01-preview",
)
V1_VERSIONS = ("v1", "preview")  # the v1 API takes no version, or one of these

# --- the error envelope, request ids, headers -----------------------------------------------

_CODES = {
    400: "BadRequest",
    401: "401",
    403: "403",
    404: "404",
    408: "Timeout",
    429: "429",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}
ACCESS_DENIED = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid "
    "key for an active subscription and use a correct regional API endpoint for your resource."
)
DEPLOYMENT_NOT_FOUND = (
    "The API deployment for this resource does not exist. If you created the deployment within the "
    "last 5 minutes, please wait a moment and try again."
)


def error(
    status: int, message: str, *, type: str | None = None, code: str | None = None, param: str | None = None
) -> Reply:
    """Azure's `{"error": {"code", "message"}}`; an error from the model behind it also names
    its `param` and `type`, as OpenAI's do."""
    inner: dict[str, Any] = {"code": code or _CODES.get(status, str(status)), "message": message}
    if param is not None:
        inner["param"] = param
    if type is not None:
        inner["type"] = type
    return Reply(status=status, json={"error": inner})


def request_id(state: State) -> str:
    """A UUID, as Azure's `x-request-id` and `apim-request-id` are."""
    digits = f"{state.rng.getrandbits(128):032x}"
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-a{digits[17:20]}-{digits[20:]}"


def headers(call: Call) -> dict[str, str]:
    """Azure sends the remaining budgets of the deployment and the region that answered."""
    limits = openai_errors.headers(call)
    return {
        "x-ms-region": "East US",
        "x-ratelimit-remaining-requests": limits["x-ratelimit-remaining-requests"],
        "x-ratelimit-remaining-tokens": limits["x-ratelimit-remaining-tokens"],
    }


# --- the gateway: key, api-version, deployment ------------------------------------------------


def _authorized(call: Call) -> None:
    """An `api-key`, or an Entra ID token as `Authorization: Bearer`; any non-empty one passes."""
    scheme, _, token = (call.header("authorization") or "").partition(" ")
    if not (call.header("api-key") or "").strip() and not (scheme.lower() == "bearer" and token.strip()):
        raise RequestProblem(401, ACCESS_DENIED, code="401")


def _api_version(call: Call, versions: tuple[str, ...], required: bool) -> None:
    version = call.query.get("api-version")
    if version is None:
        if required:  # Azure answers a missing version as a path it does not have
            raise RequestProblem(404, "Resource not found", code="404")
        return
    if version not in versions:
        raise RequestProblem(400, "API version not supported", code="BadRequest")


def _with_model(call: Call, model: str) -> Call:
    """The call as the OpenAI handler reads it: the deployment's model in its body."""
    if call.form is not None:
        return _copy(call, form={**call.form, "model": model})
    if isinstance(call.json, dict) or call.json is None:
        return _copy(call, json={**(call.json or {}), "model": model})
    return call


def _copy(call: Call, **changes: Any) -> Call:
    """A shallow copy of `call` with `changes`: `dataclasses.replace`'s result, at a fifth of its
    cost (it reads every field's definition again), on every deployment call."""
    copied = object.__new__(type(call))
    copied.__dict__.update(call.__dict__)
    copied.__dict__.update(changes)
    return copied


def deployed(handler: Callable[[Call], Reply]) -> Handler:
    """An OpenAI handler behind `/openai/deployments/{deployment}/...?api-version=...`."""
    handler = serving(handler)  # its model checks read this double's catalogue

    def serve(call: Call) -> Reply:
        _authorized(call)
        _api_version(call, API_VERSIONS, required=True)
        deployment = call.params["deployment"]
        # The double's own catalogue (with the models it was given), not the process-wide one.
        if catalogues.find(catalogue_of(call), deployment) is None:
            raise RequestProblem(404, DEPLOYMENT_NOT_FOUND, code="DeploymentNotFound")
        return annotated(call, handler(_with_model(call, deployment)))

    return serve


def gateway(handler: Callable[[Call], Reply], versions: tuple[str, ...], required: bool) -> Handler:
    """An OpenAI handler behind `/openai/...` (the model in the body names the deployment)."""
    handler = serving(handler)

    def serve(call: Call) -> Reply:
        _authorized(call)
        _api_version(call, versions, required)
        return annotated(call, handler(call))

    return serve


# --- content filtering ------------------------------------------------------------------------

_CATEGORIES = ("hate", "self_harm", "sexual", "violence")


def _results(flagged: str | None = None) -> dict[str, Any]:
    return {c: {"filtered": c == flagged, "severity": "medium" if c == flagged else "safe"} for c in _CATEGORIES}


def annotated(call: Call, reply: Reply) -> Reply:
    """Azure's content-filter results on a chat answer: `prompt_filter_results`, and
    `content_filter_results` on each choice; streamed, a first chunk with no choices
    carries the prompt's (an app that reads `choices[0]` of every chunk meets it)."""
    if not call.path.endswith("/chat/completions") or reply.status != 200:
        return reply
    prompt = [{"prompt_index": 0, "content_filter_results": _results()}]
    if reply.events is None and isinstance(reply.json, dict):
        reply.json["prompt_filter_results"] = prompt
        for choice in reply.json.get("choices", []):
            choice["content_filter_results"] = _results()
        return reply
    if reply.events:
        first = {"choices": [], "created": 0, "id": "", "model": "", "object": "", "prompt_filter_results": prompt}
        reply.events.insert(0, sse.Event(data=json.dumps(first, separators=(",", ":"))))
    return reply


# --- its bad days -----------------------------------------------------------------------------


def rate_limited(call: Call, retry_after: float, quota: bool) -> Reply:
    """429 with `retry-after` (whole seconds, at least 1) and `retry-after-ms`; with `quota`, the
    403 Azure sends when a resource's call volume quota is spent, which retrying cannot fix."""
    if quota:
        return error(403, "Out of call volume quota for OpenAI API. Quota will be replenished in 1.00:00:00.")
    seconds = max(1, -int(-retry_after // 1))
    version = call.query.get("api-version", "v1")
    reply = error(
        429,
        f"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version {version} have "
        f"exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after {seconds} "
        "second. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase "
        "the default rate limit.",
    )
    reply.headers.update(
        {
            "retry-after": str(seconds),
            "retry-after-ms": str(max(1, int(retry_after * 1000))),
            "x-ratelimit-remaining-requests": "0",
        }
    )
    return reply


def model_retired(call: Call, model: str) -> Reply:
    """A retired model's deployment is gone: Azure answers as for a deployment it never had."""
    return error(404, DEPLOYMENT_NOT_FOUND, code="DeploymentNotFound")


def refusal(call: Call, reply: Reply, code: str | None) -> Reply:
    """Azure's prompt filter: 400 `content_filter`, with the category that tripped it."""
    body = error(
        400,
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. "
        "Please modify your prompt and retry. To learn more about our content filtering policies please "
        "read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
        code=code or "content_filter",
        param="prompt",
    )
    assert isinstance(body.json, dict)
    body.json["error"].update(
        status=400,
        innererror={"code": "ResponsibleAIPolicyViolation", "content_filter_result": _results("violence")},
    )
    return body


# --- the record -------------------------------------------------------------------------------

DEPLOYMENT_ROUTES = (
    ("chat/completions", chat_completions),
    ("embeddings", embeddings),
    ("audio/transcriptions", transcriptions),
    ("audio/speech", speech),
    ("images/generations", generate_image),
)
V1_ROUTES = (
    ("POST", "chat/completions", chat_completions),
    ("POST", "embeddings", embeddings),
    ("POST", "responses", create_response),
    ("GET", "responses/{response_id}", get_response),
    ("GET", "models", list_models),
    ("GET", "models/{model}", get_model),
)
ROUTES: tuple[tuple[str, Handler], ...] = (
    *((f"POST /openai/deployments/{{deployment}}/{path}", deployed(h)) for path, h in DEPLOYMENT_ROUTES),
    ("POST /openai/responses", gateway(create_response, API_VERSIONS, required=True)),
    ("GET /openai/responses/{response_id}", gateway(get_response, API_VERSIONS, required=True)),
    *((f"{method} /openai/v1/{path}", gateway(h, V1_VERSIONS, required=False)) for method, path, h in V1_ROUTES),
)


def _signature(request: Request) -> bool:
    """openai-python's AzureOpenAI names itself; any client of Azure's paths is Azure's."""
    agent = request.header("user-agent") or ""
    return agent.startswith("AzureOpenAI/") or request.path.startswith("/openai/")


def sdk(double: Any, asynchronous: bool, options: dict[str, Any]) -> Any:
    """openai-python's `AzureOpenAI` (or `AsyncAzureOpenAI`) on the double, in process."""
    import httpx2
    import openai

    transport = double.async_transport("httpx2") if asynchronous else double.transport("httpx2")
    options.setdefault("api_key", "test-key")
    options.setdefault("api_version", "2024-10-21")
    options.setdefault("azure_endpoint", double.provider.base_url)
    options.setdefault("http_client", (httpx2.AsyncClient if asynchronous else httpx2.Client)(transport=transport))
    return (openai.AsyncAzureOpenAI if asynchronous else openai.AzureOpenAI)(**options)


PROVIDER = providers.register(
    Provider(
        name=NAME,
        base_url="https://your-resource.openai.azure.com",  # each Azure resource has its own host
        credential=Credential(env_vars=("AZURE_OPENAI_API_KEY",), header="api-key"),
        routes=ROUTES,
        error=error,
        request_id_header="x-request-id",
        request_id=request_id,
        sdk=sdk,
        colour="#0078d4",
        signature=_signature,
        stream_end=("[DONE]", "response.completed", "response.incomplete"),
        header_formats={
            "x-request-id": non_empty,
            "x-ratelimit-remaining-requests": integer,
            "x-ratelimit-remaining-tokens": integer,
        },
        headers=headers,
        failures=Failures(
            outage_status=503,
            outage_message="The service is temporarily unable to process your request. Please try again later.",
            rate_limited=rate_limited,
            model_retired=model_retired,
            refusal=refusal,
        ),
        models=models,
        catalogue="openai",  # Azure deploys OpenAI's models
    )
)

__all__ = ["API_VERSIONS", "NAME", "PROVIDER", "ROUTES", "deployed", "error"]
