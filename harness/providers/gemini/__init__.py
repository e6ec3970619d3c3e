"""Google Gemini API (generativelanguage, v1beta and v1), as the double plays it.

generateContent answers a `GenerateContentResponse` (text, JSON mode or
function calls: `structured.py`); streamGenerateContent sends the same shape
in pieces, as `data:` SSE lines with `?alt=sse` (no
`[DONE]`) or as one JSON array without it. Veo's predictLongRunning starts an
Operation that GET /v1beta/{name} polls until `done`, about `job_seconds`
later on the double's clock; the finished video's uri points at a download
route served here too. countTokens counts a prompt as generateContent does.
Embeddings are in `embeddings.py`. Errors are
google.rpc.Status envelopes.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from harness import catalogue as catalogues
from harness import providers
from harness.catalogue import Catalogue, Model, today
from harness.double import media
from harness.double.call import LOWER_ALPHANUMERIC, Call, Reply, State
from harness.double.clients import google_genai
from harness.double.problem import RequestProblem
from harness.exchange import Request
from harness.provider import Credential, Failures, Provider
from harness.providers._answers import count_tokens, cut, pieces, reply_text
from harness.providers.gemini import embeddings, structured
from harness.sse import Event
from harness.validation import gemini as validation

NAME = "gemini"
HOST = "generativelanguage.googleapis.com"
# Google's front end sends no request id. The double sends its own under a name
# that says so, for journals and reports; an app must not come to rely on it.
REQUEST_ID_HEADER = "x-harness-request-id"


@dataclass(frozen=True)
class ModelCard:
    """One model the double knows, and which methods it answers."""

    id: str
    display_name: str
    methods: tuple[str, ...]
    input_token_limit: int = 1_048_576
    output_token_limit: int = 65_536

    def to_json(self) -> dict[str, Any]:
        return {
            "name": f"models/{self.id}",
            "version": "001",
            "displayName": self.display_name,
            "inputTokenLimit": self.input_token_limit,
            "outputTokenLimit": self.output_token_limit,
            "supportedGenerationMethods": list(self.methods),
        }


# google.rpc.Code names by HTTP status; unlisted statuses fall back by class.
STATUSES: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_DETAIL = "type.googleapis.com/google.rpc."
_API_TYPE = "type.googleapis.com/google.ai.generativelanguage."
HARM_CATEGORIES = (
    "HARM_CATEGORY_SEXUALLY_EXPLICIT",
    "HARM_CATEGORY_HATE_SPEECH",
    "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_DANGEROUS_CONTENT",
)
FINISH_REASONS = {"end": "STOP", "stop_sequence": "STOP", "max_tokens": "MAX_TOKENS"}


def status_name(status: int) -> str:
    if status in STATUSES:
        return STATUSES[status]
    return "FAILED_PRECONDITION" if status < 500 else "INTERNAL"


def error_details(
    status: int, message: str, *, code: str | None = None, param: str | None = None, retry_delay: float | None = None
) -> list[dict[str, Any]]:
    """The typed `details` a google.rpc.Status carries for this error."""
    details: list[dict[str, Any]] = []
    if code:
        details.append(
            {"@type": _DETAIL + "ErrorInfo", "reason": code, "domain": "googleapis.com", "metadata": {"service": HOST}}
        )
    if param:
        details.append({"@type": _DETAIL + "BadRequest", "fieldViolations": [{"field": param, "description": message}]})
    if status == 429:
        details.append(
            {
                "@type": _DETAIL + "QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": f"{HOST}/generate_content_requests",
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel",
                    }
                ],
            }
        )
        details.append(
            {"@type": _DETAIL + "RetryInfo", "retryDelay": f"{math.ceil(30 if retry_delay is None else retry_delay)}s"}
        )
    return details


def error(
    status: int,
    message: str,
    *,
    type: str | None = None,
    code: str | None = None,
    param: str | None = None,
    retry_delay: float | None = None,
) -> Reply:
    """A google.rpc.Status envelope. `type` overrides the status name (e.g.
    FAILED_PRECONDITION), `code` becomes an ErrorInfo reason (API_KEY_INVALID),
    `param` a BadRequest field violation; a 429 says when to retry."""
    details = error_details(status, message, code=code, param=param, retry_delay=retry_delay)
    return Reply(
        status=status,
        json={"error": {"code": status, "message": message, "status": type or status_name(status), "details": details}},
    )


def request_id(state: State) -> str:
    return state.next_id("", 32)


def headers(call: Call) -> dict[str, str]:
    # What Google's front end adds to every answer; apps do not read these.
    return {
        "server": "scaffolding on HTTPServer2",
        "vary": "Origin, X-Origin, Referer",
        "x-content-type-options": "nosniff",
    }


def known_models(call: Call | None = None) -> Catalogue:
    """The catalogue: the double's own when there is a call, else the process-wide one."""
    return catalogues.for_double(call.state.settings, NAME) if call else catalogues.catalogue(NAME)


def card_of(model: Model, known: Catalogue) -> ModelCard:
    """`model` as the API describes it (its catalogue entry: harness/catalogue/gemini.yaml)."""
    info = model.info
    methods = info.get("methods") or known.methods.get(model.family, ())
    return ModelCard(
        id=model.id,
        display_name=str(info.get("display_name") or model.id),
        methods=tuple(methods),
        input_token_limit=int(info.get("input_token_limit", 1_048_576)),
        output_token_limit=int(info.get("output_token_limit", 65_536)),
    )


def find_model(model_id: str, call: Call | None = None) -> ModelCard | None:
    """The model a path names, or None when the API has none. With a call, a model shut
    down on its double's clock is None too: Google answers as for a model it never had."""
    known = known_models(call)
    model = known.resolve(model_id.removeprefix("models/"))
    if model is None or (call is not None and model.retired(today(call.state.clock))):
        return None
    return card_of(model, known)


def model_not_found(call: Call, model: str, method: str) -> RequestProblem:
    """The 404 for a model the API does not have, or that does not answer `method`."""
    return RequestProblem(
        404,
        f"models/{model.removeprefix('models/')} is not found for API version "
        f"{api_version(call)}, or is not supported for {method}. Call ListModels to "
        f"see the list of available models and their supported methods.",
    )


def _model_for(call: Call, method: str) -> ModelCard:
    """The model the path names, if it answers `method`."""
    card = find_model(call.params["model"], call)
    if card is None or method not in card.methods:
        raise model_not_found(call, call.params["model"], method)
    return card


def api_version(call: Call) -> str:
    """v1beta or v1: the first segment of the path the call came in on."""
    return call.path.strip("/").split("/", 1)[0]


def _lower_id(state: State, length: int) -> str:
    # Operation and file ids are lower-case: the SDK reads a file id from a
    # download uri with [a-z0-9]+.
    return state.next_id("", length, LOWER_ALPHANUMERIC)


# --- generateContent and streamGenerateContent -------------------------------


def check_content_request(body: Any) -> dict[str, Any]:
    """A valid GenerateContentRequest; else a 400 that says why, as the API words it."""
    if not isinstance(body, dict) or not body.get("contents"):
        raise RequestProblem(400, "* GenerateContentRequest.contents: contents is not specified\n")
    if not isinstance(body["contents"], list):
        raise RequestProblem(400, "Invalid value at 'contents': expected a list of Content")
    for index, content in enumerate(body["contents"]):
        parts = content.get("parts") if isinstance(content, dict) else None
        if not isinstance(parts, list) or not parts:
            raise RequestProblem(
                400, f"* GenerateContentRequest.contents[{index}].parts: contents.parts must not be empty.\n"
            )
        if content.get("role", "user") not in ("user", "model", "function"):
            raise RequestProblem(400, "Please use a valid role: user, model.")
    return body


def _text_of(content: dict[str, Any]) -> str:
    """A content's text; a function's response counts as its JSON."""
    texts = []
    for part in content.get("parts", []):
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("text"), str):
            texts.append(part["text"])
        response = structured.field(part, "functionResponse")
        if isinstance(response, dict):
            texts.append(json.dumps(response.get("response"), ensure_ascii=False))
    return " ".join(texts)


def _answers_a_call(content: dict[str, Any]) -> bool:
    return any(structured.field(p, "functionResponse") for p in content.get("parts", []) if isinstance(p, dict))


@dataclass(frozen=True)
class Answer:
    """One made-up answer: its text (or function calls), why it ended, and what it cost."""

    text: str
    finish_reason: str
    prompt_tokens: int
    answer_tokens: int
    calls: tuple[dict[str, Any], ...] = ()  # functionCall parts, in place of the text

    @property
    def parts(self) -> list[dict[str, Any]]:
        return list(self.calls) if self.calls else [{"text": self.text}]


def answer(state: State, body: dict[str, Any]) -> Answer:
    contents = body["contents"]
    last: dict[str, Any] = next((c for c in reversed(contents) if c.get("role", "user") in ("user", "function")), {})
    asked = _text_of(last)
    config = structured.field(body, "generationConfig") or {}
    prompt = _text_of(structured.field(body, "systemInstruction") or {}) + " " + " ".join(_text_of(c) for c in contents)
    prompt_tokens = count_tokens(prompt) + (count_tokens(json.dumps(body["tools"])) if body.get("tools") else 0)
    function = structured.chosen_function(body, asked, _answers_a_call(last))
    if function is not None:
        call = structured.function_call(state, function)
        return Answer("", "STOP", prompt_tokens, count_tokens(json.dumps(call)), (call,))
    said = reply_text(state.rng, asked)
    said = structured.structured_text(state, config, said) or said
    stops = structured.field(config, "stopSequences") or ()
    kept = cut(said, stops, structured.whole(config, "maxOutputTokens"))
    return Answer(kept.text, FINISH_REASONS[kept.reason], prompt_tokens, kept.tokens)


def _usage(prompt_tokens: int, answer_tokens: int | None) -> dict[str, Any]:
    usage: dict[str, Any] = {"promptTokenCount": prompt_tokens}
    if answer_tokens is not None:
        usage["candidatesTokenCount"] = answer_tokens
    usage["totalTokenCount"] = prompt_tokens + (answer_tokens or 0)
    usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt_tokens}]
    return usage


def _safety_ratings() -> list[dict[str, str]]:
    return [{"category": category, "probability": "NEGLIGIBLE"} for category in HARM_CATEGORIES]


def _candidate(parts: list[dict[str, Any]], finish_reason: str | None) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}}
    if finish_reason:
        candidate["finishReason"] = finish_reason
        candidate["safetyRatings"] = _safety_ratings()
    candidate["index"] = 0
    return candidate


def _response(card: ModelCard, response_id: str, candidate: dict[str, Any], usage: dict[str, Any]) -> dict[str, Any]:
    return {"candidates": [candidate], "usageMetadata": usage, "modelVersion": card.id, "responseId": response_id}


def _started(call: Call, method: str) -> tuple[ModelCard, Answer, str]:
    """Model, answer and response id for a valid request."""
    card = _model_for(call, method)
    body = check_content_request(call.json)
    structured.check_tools(body)
    return card, answer(call.state, body), call.state.next_id("", 22)


def generate_content(call: Call) -> Reply:
    card, said, response_id = _started(call, "generateContent")
    candidate = _candidate(said.parts, said.finish_reason)
    usage = _usage(said.prompt_tokens, said.answer_tokens)
    return Reply(json=_response(card, response_id, candidate, usage))


def stream_chunks(card: ModelCard, said: Answer, response_id: str) -> list[dict[str, Any]]:
    """The answer as the API streams it: text pieces, the last one with the finish and full usage.
    Function calls come whole, in one chunk."""
    parts = [[{"text": text}] for text in pieces(said.text, words=4)] if not said.calls else [said.parts]
    chunks = [
        _response(card, response_id, _candidate(part, None), _usage(said.prompt_tokens, None)) for part in parts[:-1]
    ]
    chunks.append(
        _response(
            card, response_id, _candidate(parts[-1], said.finish_reason), _usage(said.prompt_tokens, said.answer_tokens)
        )
    )
    return chunks


def stream_generate_content(call: Call) -> Reply:
    chunks = stream_chunks(*_started(call, "streamGenerateContent"))
    if call.query.get("alt") == "sse":
        return Reply(events=[Event(data=json.dumps(chunk)) for chunk in chunks])
    return Reply(json=chunks)  # without alt=sse the API streams one JSON array


def count_content_tokens(call: Call) -> Reply:
    """countTokens: what `contents` (or a whole `generateContentRequest`) would cost as a prompt,
    counted as generateContent counts its prompt."""
    _model_for(call, "countTokens")
    body = call.json if isinstance(call.json, dict) else {}
    request = structured.field(body, "generateContentRequest")
    if request is None:
        request = {"contents": body.get("contents")}
    if not isinstance(request, dict) or not request.get("contents"):
        raise RequestProblem(400, "* CountTokensRequest.contents: contents is not specified\n")
    request = check_content_request(request)
    prompt = _text_of(structured.field(request, "systemInstruction") or {}) + " "
    prompt += " ".join(_text_of(c) for c in request["contents"])
    tools = request.get("tools")
    total = count_tokens(prompt) + (count_tokens(json.dumps(tools)) if tools else 0)
    return Reply(json={"totalTokens": total, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": total}]})


# --- embeddings (embeddings.py) ------------------------------------------------


def embed_content(call: Call) -> Reply:
    card = _model_for(call, "embedContent")
    return Reply(json=embeddings.embed_content(call, card.id))


def batch_embed_contents(call: Call) -> Reply:
    card = _model_for(call, "batchEmbedContents")
    return Reply(json=embeddings.batch_embed_contents(call, card.id))


# --- Veo: predictLongRunning, operations, file download ----------------------


def check_video_request(body: Any) -> dict[str, Any]:
    """A valid PredictLongRunningRequest for Veo; else a 400 that says why."""
    if not isinstance(body, dict) or not isinstance(body.get("instances"), list) or not body["instances"]:
        raise RequestProblem(400, "* PredictLongRunningRequest.instances: instances is not specified\n")
    instance = body["instances"][0]
    if not isinstance(instance, dict) or not (instance.get("prompt") or instance.get("image")):
        raise RequestProblem(400, "A prompt or an image is required.")
    parameters = body.get("parameters") or {}
    if parameters.get("aspectRatio", "16:9") not in ("16:9", "9:16"):
        raise RequestProblem(
            400, f"Unsupported aspect ratio: {parameters['aspectRatio']}. Supported values are 16:9, 9:16."
        )
    count = parameters.get("sampleCount", 1)
    if not isinstance(count, int) or not 1 <= count <= 4:
        raise RequestProblem(400, "sampleCount must be between 1 and 4.")
    seconds = parameters.get("durationSeconds", 8)
    if not isinstance(seconds, int) or not 4 <= seconds <= 8:
        raise RequestProblem(400, "durationSeconds must be between 4 and 8.")
    return body


def rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def predict_long_running(call: Call) -> Reply:
    card = _model_for(call, "predictLongRunning")
    body = check_video_request(call.json)
    state, now = call.state, call.state.clock.now()
    operation_id = _lower_id(state, 12)
    parameters = body.get("parameters") or {}
    # The job record: `ready_at` is when it is done; the job_fail fault marks
    # it with `failure` ({code, message}) so that every later poll fails too.
    job = {
        "provider": NAME,
        "kind": "operation",
        "name": f"models/{card.id}/operations/{operation_id}",
        "model": card.id,
        "prompt": body["instances"][0].get("prompt", ""),
        "created_at": now,
        "ready_at": now + float(state.settings.get("job_seconds", 1.0)),
        "seconds": int(parameters.get("durationSeconds", 8)),
        "aspect_ratio": parameters.get("aspectRatio", "16:9"),
        "files": [_lower_id(state, 12) for _ in range(parameters.get("sampleCount", 1))],
        "host": call.header("host") or HOST,
        "version": api_version(call),
    }
    state.jobs[operation_id] = job
    return Reply(json=operation(job, now))


def _progress(job: dict[str, Any], now: float) -> int:
    span = job["ready_at"] - job["created_at"]
    return 100 if span <= 0 or now >= job["ready_at"] else int(100 * (now - job["created_at"]) / span)


def download_uri(job: dict[str, Any], file_id: str) -> str:
    """Where the video is, on the host the client reached the double by.

    Always https, as the real API's uris are: google-genai's files.download
    only reads a file id out of an https uri (then fetches it from its own
    base URL), so this is the form that works for SDK apps.
    """
    return f"https://{job['host']}/{job['version']}/files/{file_id}:download?alt=media"


def operation(job: dict[str, Any], now: float) -> dict[str, Any]:
    """The Operation as a poll sees it at `now`."""
    body: dict[str, Any] = {
        "name": job["name"],
        "done": False,
        "metadata": {"createTime": rfc3339(job["created_at"]), "progressPercent": _progress(job, now)},
    }
    if job.get("failure"):
        return failed_operation(body, job["failure"]["code"], job["failure"]["message"])
    if now < job["ready_at"]:
        return body
    samples = [{"video": {"uri": download_uri(job, file_id)}} for file_id in job["files"]]
    return {
        **body,
        "done": True,
        "response": {
            "@type": f"{_API_TYPE}{job['version']}.PredictLongRunningResponse",
            "generateVideoResponse": {"generatedSamples": samples},
        },
    }


_OPERATION = re.compile(r"^models/[^/]+/operations/([^/]+)$")


def get_resource(call: Call) -> Reply:
    """GET /v1beta/{name}: an operation by its name (what the SDK polls); else 404."""
    found = _OPERATION.match(call.params["name"])
    job = call.state.jobs.get(found.group(1)) if found else None
    if job is None or job.get("provider") != NAME or job["name"] != call.params["name"]:
        raise RequestProblem(404, "Requested entity was not found.")
    return Reply(json=operation(job, call.state.clock.now()))


def video_bytes(file_id: str, job: dict[str, Any]) -> bytes:
    """A real, playable MP4 of the job's length and shape, 64 pixels on its long side
    (small enough to keep in a journal), in a colour of its own."""
    import hashlib  # here: loading OpenSSL costs every command that only reads provider records

    width, height = (64, 36) if job["aspect_ratio"] == "16:9" else (36, 64)
    digest = hashlib.sha256(file_id.encode()).digest()
    colour = (digest[0], digest[1], digest[2])
    return media.mp4(width, height, job["seconds"], colour, created=int(job["created_at"]))


def download_file(call: Call) -> Reply:
    """The bytes of a finished video; a file of an unfinished or unknown job is not found."""
    file_id, now = call.params["file_id"], call.state.clock.now()
    for job in call.state.jobs.values():
        if job.get("provider") == NAME and file_id in job.get("files", ()):
            if now >= job["ready_at"] and not job.get("failure"):
                return Reply(body=video_bytes(file_id, job), content_type="video/mp4")
    raise RequestProblem(404, f"File files/{file_id} does not exist or it is not ready.")


# --- models ------------------------------------------------------------------


def list_models(call: Call) -> Reply:
    """Every model not shut down on the double's clock, in catalogue order."""
    known = known_models(call)
    return Reply(json={"models": [card_of(m, known).to_json() for m in known.listed(today(call.state.clock))]})


def get_model(call: Call) -> Reply:
    card = find_model(call.params["model"], call)
    if card is None:
        raise RequestProblem(404, f"models/{call.params['model']} is not found for API version {api_version(call)}.")
    return Reply(json=card.to_json())


# --- bad days, for the chaos layer --------------------------------------------

# google.rpc.Code numbers: an Operation's `error` carries the number, not the name.
RPC_CODES = {
    "CANCELLED": 1,
    "UNKNOWN": 2,
    "INVALID_ARGUMENT": 3,
    "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5,
    "ALREADY_EXISTS": 6,
    "PERMISSION_DENIED": 7,
    "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9,
    "ABORTED": 10,
    "OUT_OF_RANGE": 11,
    "UNIMPLEMENTED": 12,
    "INTERNAL": 13,
    "UNAVAILABLE": 14,
    "DATA_LOSS": 15,
    "UNAUTHENTICATED": 16,
}


def rate_limited(call: Call, retry_after: float, quota: bool) -> Reply:
    """429 RESOURCE_EXHAUSTED. The wait is only in RetryInfo: Google sends no
    Retry-After header. `quota` is the daily free-tier quota, not a per-minute rate."""
    reply = error(
        429, "You exceeded your current quota, please check your plan and billing details.", retry_delay=retry_after
    )
    if quota:
        for detail in reply.json["error"]["details"]:
            for violation in detail.get("violations", ()):
                violation["quotaId"] = "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
    return reply


def model_retired(call: Call, model: str) -> Reply:
    method = call.route.rpartition(":")[2] if ":" in call.route else "generateContent"
    problem = model_not_found(call, model, method)
    return error(problem.status, problem.message)


def refusal(call: Call, reply: Reply, reason: str | None) -> Reply:
    """A blocked prompt (no candidates, promptFeedback.blockReason), or for Veo a
    finished operation whose videos the safety filter removed. `reason`
    (refusal_drift) replaces SAFETY, or the filter's reason text."""
    if reply.status != 200:
        return reply
    if reply.events is not None:
        first = reply.events[0].json if reply.events else None
        return replace(reply, events=[Event(data=json.dumps(_blocked(first, reason)))]) if first else reply
    if isinstance(reply.json, list) and reply.json:
        return replace(reply, json=[_blocked(reply.json[0], reason)])
    if isinstance(reply.json, dict) and "candidates" in reply.json:
        return replace(reply, json=_blocked(reply.json, reason))
    if isinstance(reply.json, dict) and reply.json.get("done") and "response" in reply.json:
        return replace(reply, json=_filtered(reply.json, reason))
    return reply


def _blocked(answer: dict[str, Any], reason: str | None) -> dict[str, Any]:
    ratings = [
        dict(r, probability="HIGH", blocked=True) if r["category"].endswith("DANGEROUS_CONTENT") else r
        for r in _safety_ratings()
    ]
    prompt_tokens = (answer.get("usageMetadata") or {}).get("promptTokenCount", 0)
    return {
        "promptFeedback": {"blockReason": reason or "SAFETY", "safetyRatings": ratings},
        "usageMetadata": _usage(prompt_tokens, None),
        "modelVersion": answer.get("modelVersion"),
        "responseId": answer.get("responseId"),
    }


def _filtered(operation_body: dict[str, Any], reason: str | None) -> dict[str, Any]:
    video = operation_body["response"].get("generateVideoResponse", {})
    removed = len(video.get("generatedSamples", ())) or 1
    why = reason or ("Veo could not generate videos because the input prompt may violate the usage guidelines.")
    return {
        **operation_body,
        "response": {
            **operation_body["response"],
            "generateVideoResponse": {"raiMediaFilteredCount": removed, "raiMediaFilteredReasons": [why]},
        },
    }


def job_state(body: Any) -> tuple[str, str] | None:
    """(operation id, running | succeeded | failed) for an Operation body; None for anything else."""
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        return None
    found = _OPERATION.match(body["name"])
    if not found:
        return None
    if not body.get("done"):
        return found.group(1), "running"
    return found.group(1), "failed" if body.get("error") else "succeeded"


def job_stall(body: dict[str, Any]) -> dict[str, Any]:
    """The Operation still running, short of done however long it has been."""
    metadata = dict(body.get("metadata") or {})
    if "progressPercent" in metadata:
        metadata["progressPercent"] = min(metadata["progressPercent"], 99)
    return {"name": body["name"], "done": False, "metadata": metadata}


def failed_operation(body: dict[str, Any], code: str, message: str) -> dict[str, Any]:
    """A done Operation with a google.rpc.Status error; a non-RPC `code` becomes its ErrorInfo reason."""
    number = RPC_CODES.get(code.upper(), RPC_CODES["INTERNAL"])
    status: dict[str, Any] = {"code": number, "message": message}
    if code.upper() not in RPC_CODES:
        status["details"] = [{"@type": _DETAIL + "ErrorInfo", "reason": code, "domain": HOST}]
    return {"name": body["name"], "done": True, "metadata": body.get("metadata", {}), "error": status}


FAILURES = Failures(
    outage_status=503,
    outage_message="The model is overloaded. Please try again later.",
    rate_limited=rate_limited,
    model_retired=model_retired,
    refusal=refusal,
    job_state=job_state,
    job_stall=job_stall,
    job_fail=failed_operation,
)

# The API answers under v1beta (what the docs use) and v1 (google-genai 3.x's
# default api_version); the double serves both the same way.
API_VERSIONS = ("v1beta", "v1")
ROUTES = (
    ("POST /{version}/models/{{model}}:generateContent", generate_content),
    ("POST /{version}/models/{{model}}:streamGenerateContent", stream_generate_content),
    ("POST /{version}/models/{{model}}:predictLongRunning", predict_long_running),
    ("POST /{version}/models/{{model}}:embedContent", embed_content),
    ("POST /{version}/models/{{model}}:batchEmbedContents", batch_embed_contents),
    ("POST /{version}/models/{{model}}:countTokens", count_content_tokens),
    ("GET /{version}/models", list_models),
    ("GET /{version}/models/{{model}}", get_model),
    ("GET /{version}/files/{{file_id}}:download", download_file),
    ("GET /{version}/{{name:path}}", get_resource),
)


def _signature(request: Request) -> bool:
    """google-genai sends its key and client headers; raw callers at least use v1beta paths."""
    return bool(request.header("x-goog-api-key") or request.header("x-goog-api-client")) or request.path.startswith(
        "/v1beta/"
    )


def _models() -> tuple[str, ...]:
    return known_models().ids()


PROVIDER = providers.register(
    Provider(
        name=NAME,
        base_url=f"https://{HOST}",
        # google-genai prefers GOOGLE_API_KEY when both are set (its get_env_api_key).
        credential=Credential(env_vars=("GOOGLE_API_KEY", "GEMINI_API_KEY"), header="x-goog-api-key"),
        routes=tuple(
            (template.format(version=version), handler) for version in API_VERSIONS for template, handler in ROUTES
        ),
        error=error,
        request_id_header=REQUEST_ID_HEADER,
        request_id=request_id,
        sdk=google_genai,
        colour="#4285f4",
        signature=_signature,
        headers=headers,
        failures=FAILURES,
        models=_models,
        validate=validation.check,
    )
)
