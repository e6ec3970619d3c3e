"""What each official SDK's client classes are, and which API route each of their methods calls.

A method is written as the attribute path after the client (`chat.completions.create`).
`tests/test_exposure.py` checks every route here against the provider's own route list
(the routes its double serves), so the table cannot drift from the providers silently;
routes the doubles do not serve are listed in `UNSERVED`.
"""

from __future__ import annotations

# (module, class) -> provider. `AzureOpenAI` talks to Azure's deployment of the same API.
CLIENTS: dict[tuple[str, str], str] = {
    ("openai", "OpenAI"): "openai",
    ("openai", "AsyncOpenAI"): "openai",
    ("openai", "AzureOpenAI"): "openai",
    ("openai", "AsyncAzureOpenAI"): "openai",
    ("anthropic", "Anthropic"): "anthropic",
    ("anthropic", "AsyncAnthropic"): "anthropic",
    ("anthropic", "AnthropicBedrock"): "anthropic",
    ("anthropic", "AnthropicVertex"): "anthropic",
    ("google.genai", "Client"): "gemini",
}
# Modules that are themselves a client (openai-python's module-level client: `openai.chat.completions.create`).
MODULE_CLIENTS = {"openai": "openai", "anthropic": "anthropic"}
# Path segments that change how a call returns, not what it calls.
TRANSPARENT = ("with_raw_response", "with_streaming_response", "aio", "beta")

_GEMINI = "/v1beta/models/{model}"

METHODS: dict[str, dict[str, str]] = {
    "openai": {
        "chat.completions.create": "POST /v1/chat/completions",
        "chat.completions.parse": "POST /v1/chat/completions",
        "chat.completions.stream": "POST /v1/chat/completions",
        "responses.create": "POST /v1/responses",
        "responses.parse": "POST /v1/responses",
        "responses.stream": "POST /v1/responses",
        "responses.retrieve": "GET /v1/responses/{response_id}",
        "images.generate": "POST /v1/images/generations",
        "images.edit": "POST /v1/images/edits",
        "moderations.create": "POST /v1/moderations",
        "models.list": "GET /v1/models",
        "models.retrieve": "GET /v1/models/{model}",
        "videos.create": "POST /v1/videos",
        "videos.create_and_poll": "POST /v1/videos",
        "videos.retrieve": "GET /v1/videos/{video_id}",
        "videos.poll": "GET /v1/videos/{video_id}",
        "videos.list": "GET /v1/videos",
        "videos.delete": "DELETE /v1/videos/{video_id}",
        "videos.download_content": "GET /v1/videos/{video_id}/content",
        "videos.remix": "POST /v1/videos/{video_id}/remix",
        "embeddings.create": "POST /v1/embeddings",
        "audio.transcriptions.create": "POST /v1/audio/transcriptions",
        "audio.translations.create": "POST /v1/audio/translations",
        "audio.speech.create": "POST /v1/audio/speech",
        "completions.create": "POST /v1/completions",
        "files.create": "POST /v1/files",
        "batches.create": "POST /v1/batches",
        "fine_tuning.jobs.create": "POST /v1/fine_tuning/jobs",
        "assistants.create": "POST /v1/assistants",
        "threads.create": "POST /v1/threads",
        "threads.runs.create": "POST /v1/threads/{thread_id}/runs",
    },
    "anthropic": {
        "messages.create": "POST /v1/messages",
        "messages.stream": "POST /v1/messages",
        "messages.parse": "POST /v1/messages",
        "messages.count_tokens": "POST /v1/messages/count_tokens",
        "messages.batches.create": "POST /v1/messages/batches",
        "models.list": "GET /v1/models",
        "models.retrieve": "GET /v1/models/{model_id}",
        "completions.create": "POST /v1/complete",
    },
    "gemini": {
        "models.generate_content": f"POST {_GEMINI}:generateContent",
        "models.generate_content_stream": f"POST {_GEMINI}:streamGenerateContent",
        "chats.create": f"POST {_GEMINI}:generateContent",
        "models.generate_videos": f"POST {_GEMINI}:predictLongRunning",
        "models.embed_content": f"POST {_GEMINI}:embedContent",
        "models.count_tokens": f"POST {_GEMINI}:countTokens",
        "models.generate_images": f"POST {_GEMINI}:predict",
        "models.list": "GET /v1beta/models",
        "models.get": f"GET {_GEMINI}",
        "operations.get": "GET /v1beta/{name}",
        "files.download": "GET /v1beta/files/{file_id}:download",
    },
}

# Routes above that no double serves (yet): a finding on them is still reported.
UNSERVED = frozenset(
    {
        ("openai", "POST /v1/images/edits"),
        ("openai", "POST /v1/audio/translations"),
        ("openai", "POST /v1/completions"),
        ("openai", "POST /v1/files"),
        ("openai", "POST /v1/batches"),
        ("openai", "POST /v1/fine_tuning/jobs"),
        ("openai", "POST /v1/assistants"),
        ("openai", "POST /v1/threads"),
        ("openai", "POST /v1/threads/{thread_id}/runs"),
        ("anthropic", "POST /v1/messages/batches"),
        ("anthropic", "POST /v1/complete"),
        ("gemini", f"POST {_GEMINI}:countTokens"),
        ("gemini", f"POST {_GEMINI}:predict"),
    }
)


def route_of(provider: str, path: tuple[str, ...]) -> str | None:
    """The route a method path calls (`("chat", "completions", "create")`), or None."""
    return METHODS.get(provider, {}).get(".".join(p for p in path if p not in TRANSPARENT))


def providers_of(path: tuple[str, ...]) -> tuple[str, ...]:
    """The providers whose SDK has this method path (to attribute a call on a client of unknown origin)."""
    method = ".".join(p for p in path if p not in TRANSPARENT)
    return tuple(provider for provider, methods in METHODS.items() if method in methods)
