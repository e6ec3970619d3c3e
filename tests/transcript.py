"""A fixed sequence of requests played through every provider's double, and what came back.

`play()` sends each request straight to the double's ASGI app (no transport, no server), on a
virtual clock with a fixed seed, and writes down every message the double sent (status,
headers in order, body bytes) and every journal record it made. The double is deterministic
for a seed and a request sequence, so the transcript is the same on every run: the double's
fast paths must give exactly what it gave before them.

The saved transcript (`data/double_transcript.json.gz`) was made by running this file on the
double as it was before its answering path was made faster:

    .venv/bin/python tests/transcript.py

Run it again only on purpose, when an answer is meant to change.

The doubles' catalogues are the repository's data files with the models the SDKs declared when
the transcript was made (`data/double_transcript_sdk_models.json`, written beside it), not the
installed SDKs': a release of `openai` that adds a model type changes the double's model list
(and so the bytes of `GET /v1/models`), which is the catalogue's business, not the answering
path's. Taking the models from a fresh install made this test fail on a clean machine the day
`openai` 3.60 came out.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

SAVED = Path(__file__).parent / "data" / "double_transcript.json.gz"
SDK_MODELS = Path(__file__).parent / "data" / "double_transcript_sdk_models.json"
CATALOGUES = ("openai", "anthropic", "gemini")  # Azure OpenAI serves OpenAI's
SEED = 11
START = 1_767_225_600.0  # 2026-01-01, before every shutdown the catalogues name
LATER = 1_795_000_000.0  # 2026-11-18: past the Videos API's shutdown and some models'

KEYS = {
    "openai": [(b"authorization", b"Bearer sk-transcript-secret")],
    "azure_openai": [(b"api-key", b"az-transcript-secret")],
    "anthropic": [(b"x-api-key", b"sk-ant-transcript-secret"), (b"anthropic-version", b"2023-06-01")],
    "gemini": [(b"x-goog-api-key", b"goog-transcript-secret")],
}

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "How fast is the double?"}]}
AZURE = "/openai/deployments/gpt-4o-mini/chat/completions"
MESSAGES = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 100,
    "messages": [{"role": "user", "content": "How fast is the double?"}],
}
GEMINI = "/v1beta/models/gemini-2.5-flash:generateContent"
CONTENTS = {"contents": [{"role": "user", "parts": [{"text": "How fast is the double?"}]}]}


def _multipart(fields: dict[str, str], file: bytes) -> tuple[bytes, bytes]:
    boundary = "transcriptboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n".encode()
        + file
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}".encode()


# (method, path, query, body: a JSON value, raw bytes, or None, extra headers, content type or None for JSON)
Request = tuple[str, str, bytes, Any, list[tuple[bytes, bytes]], bytes | None]


def requests(provider: str) -> list[Request]:
    """What each provider's double is asked, in order: the common answer again and again, then
    prompts, streams, errors, odd bodies and query strings."""
    if provider == "openai":
        transcription, form = _multipart({"model": "whisper-1", "response_format": "verbose_json"}, b"RIFF0000WAVE")
        return [
            *[("POST", "/v1/chat/completions", b"", CHAT, [], None)] * 3,
            (
                "POST",
                "/v1/chat/completions",
                b"",
                {**CHAT, "messages": [{"role": "user", "content": "Héllo ✓ 🦊"}]},
                [],
                None,
            ),
            ("POST", "/v1/chat/completions", b"", {**CHAT, "n": 2, "logprobs": True, "top_logprobs": 2}, [], None),
            (
                "POST",
                "/v1/chat/completions",
                b"",
                {**CHAT, "stream": True, "stream_options": {"include_usage": True}},
                [],
                None,
            ),
            ("POST", "/v1/chat/completions", b"", {**CHAT, "max_tokens": 3, "stop": ["fast"]}, [], None),
            ("POST", "/v1/chat/completions", b"", {**CHAT, "model": "gpt-unknown"}, [], None),
            ("POST", "/v1/chat/completions", b"", {**CHAT, "temperature": "hot"}, [], None),
            ("POST", "/v1/chat/completions", b"", {**CHAT, "bogus": 1}, [], None),
            ("POST", "/v1/chat/completions", b"", b'{"model": "gpt-4o-mini", "messages": [', [], None),
            (
                "POST",
                "/v1/chat/completions",
                b"",
                b'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "n"}], "temperature": NaN}',
                [],
                None,
            ),
            (
                "POST",
                "/v1/chat/completions",
                b"",
                b'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "big"}], "seed": 123456789012345678901234567890}',
                [],
                None,
            ),
            (
                "POST",
                "/v1/chat/completions",
                b"",
                b'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "\\ud83e\\udd8a \\u00e9"}], "temperature": 1.5e-1}',
                [],
                None,
            ),
            ("POST", "/v1/chat/completions", b"", b"", [], None),
            ("POST", "/v1/chat/completions", b"", CHAT, [(b"authorization", b"")], None),
            (
                "POST",
                "/v1/embeddings",
                b"",
                {"model": "text-embedding-3-small", "input": "fox", "encoding_format": "float", "dimensions": 8},
                [],
                None,
            ),
            ("POST", "/v1/embeddings", b"", {"model": "text-embedding-3-small", "input": ["a", "b"]}, [], None),
            ("POST", "/v1/moderations", b"", {"input": "I will kill the process"}, [], None),
            ("POST", "/v1/responses", b"", {"model": "gpt-4o-mini", "input": "Hello there"}, [], None),
            ("POST", "/v1/audio/transcriptions", b"", transcription, [], form),
            ("GET", "/v1/models", b"", None, [], None),
            ("GET", "/v1/models/gpt-4o", b"", None, [], None),
            ("GET", "/v1/videos", b"limit=2&order=asc", None, [], None),
            ("GET", "/v1/videos", b"limit=zzz", None, [], None),
            ("POST", "/v1/nowhere", b"", CHAT, [], None),
            ("POST", "/v1/chat/completions", b"", CHAT, [(b"content-type", b"text/plain")], b"text/plain"),
        ]
    if provider == "azure_openai":
        return [
            *[("POST", AZURE, b"api-version=2024-10-21", {"messages": CHAT["messages"]}, [], None)] * 3,
            ("POST", AZURE, b"api-version=2024-10-21", {"messages": CHAT["messages"], "stream": True}, [], None),
            ("POST", AZURE, b"", {"messages": CHAT["messages"]}, [], None),
            ("POST", AZURE, b"api-version=1999-01-01", {"messages": CHAT["messages"]}, [], None),
            (
                "POST",
                "/openai/deployments/nope/chat/completions",
                b"api-version=2024-10-21",
                {"messages": CHAT["messages"]},
                [],
                None,
            ),
            ("POST", "/openai/v1/chat/completions", b"api-key=querysecret", CHAT, [], None),
            (
                "POST",
                "/openai/deployments/text-embedding-3-small/embeddings",
                b"api-version=2024-10-21",
                {"input": "fox"},
                [],
                None,
            ),
        ]
    if provider == "anthropic":
        return [
            *[("POST", "/v1/messages", b"", MESSAGES, [], None)] * 3,
            (
                "POST",
                "/v1/messages",
                b"",
                {**MESSAGES, "messages": [{"role": "user", "content": "Grüße 🦊"}]},
                [],
                None,
            ),
            ("POST", "/v1/messages", b"", {**MESSAGES, "stream": True}, [], None),
            ("POST", "/v1/messages", b"", {**MESSAGES, "max_tokens": 2}, [], None),
            ("POST", "/v1/messages", b"", {**MESSAGES, "model": "claude-nope"}, [], None),
            ("POST", "/v1/messages", b"", {k: v for k, v in MESSAGES.items() if k != "max_tokens"}, [], None),
            ("POST", "/v1/messages", b"", MESSAGES, [(b"anthropic-version", b"")], None),
            (
                "POST",
                "/v1/messages/count_tokens",
                b"",
                {"model": MESSAGES["model"], "messages": MESSAGES["messages"]},
                [],
                None,
            ),
            ("GET", "/v1/models", b"limit=3", None, [], None),
            ("GET", "/v1/nowhere", b"", None, [], None),
        ]
    return [
        *[("POST", GEMINI, b"", CONTENTS, [], None)] * 3,
        ("POST", GEMINI, b"key=querysecret", CONTENTS, [], None),
        ("POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", b"alt=sse", CONTENTS, [], None),
        ("POST", GEMINI, b"", {"contents": []}, [], None),
        ("POST", GEMINI, b"", {**CONTENTS, "generationConfig": {"temperature": "hot"}}, [], None),
        ("POST", "/v1beta/models/gemini-nope:generateContent", b"", CONTENTS, [], None),
        (
            "POST",
            "/v1beta/models/text-embedding-004:embedContent",
            b"",
            {"content": {"parts": [{"text": "fox"}]}},
            [],
            None,
        ),
        ("GET", "/v1beta/models", b"pageSize=2", None, [], None),
        ("GET", "/v1beta/models/gemini-2.5-pro", b"", None, [], None),
    ]


class Marker:
    """A hook that acts on every third call after the provider: a header added, the body kept."""

    name = "marker"

    def __init__(self) -> None:
        self.calls = 0

    def after(self, call: Any, reply: Any) -> Any:
        from dataclasses import replace

        self.calls += 1
        if self.calls % 3:
            return reply
        return replace(reply, headers={**reply.headers, "X-Marked": str(self.calls)})


class Teapot:
    """A hook that answers in the provider's place for one path."""

    name = "teapot"

    def before(self, call: Any) -> Any:
        from harness.double.call import Reply

        return Reply(status=418, json={"tea": True}) if call.path.endswith("/teapot") else None


def _digest(body: bytes) -> Any:
    """Short bodies as text, long ones (media, vectors) as their length and hash."""
    if len(body) <= 600:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return {"hex": body.hex()}
    return {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def _pairs(pairs: Any) -> list[list[str]]:
    return [
        [k.decode("latin-1") if isinstance(k, bytes) else k, v.decode("latin-1") if isinstance(v, bytes) else v]
        for k, v in pairs
    ]


def _exchange(x: Any) -> dict[str, Any]:
    """A journal record, all of it but the real time it took."""
    response = x.response
    return {
        "request": {
            "method": x.request.method,
            "url": x.request.url,
            "headers": _pairs(x.request.headers),
            "body": _digest(x.request.body),
        },
        "response": None
        if response is None
        else {"status": response.status, "headers": _pairs(response.headers), "body": _digest(response.body)},
        **{
            key: getattr(x, key)
            for key in ("provider", "route", "started", "fault", "error", "source", "delivery", "delivered", "peer")
        },
    }


def _scope(provider: str, method: str, path: str, query: bytes, body: bytes, extra: list, kind: bytes | None) -> dict:
    given = {name for name, _ in extra}
    headers = [(b"host", b"api.example.test")]
    if body:
        headers.append((b"content-type", kind or b"application/json"))
    headers += [pair for pair in KEYS[provider] if pair[0] not in given]
    headers += [pair for pair in extra if pair[0] != b"content-type"]
    headers += [(b"content-length", str(len(body)).encode()), (b"user-agent", b"transcript/1")]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "server": ("api.example.test", 443),
        "client": ("127.0.0.1", 40000),
    }


async def _one(double: Any, scope: dict, body: bytes) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    given = [False]

    async def receive() -> dict:
        if given[0]:
            await asyncio.Event().wait()  # a client that stays until the answer is whole
        given[0] = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            sent.append({"status": message["status"], "headers": _pairs(message["headers"])})
        else:
            sent.append({"body": _digest(message.get("body", b"")), "more": message.get("more_body", False)})

    await double(scope, receive, send)
    return sent


def declared_models() -> dict[str, list[dict[str, Any]]]:
    """What the installed SDKs declare, per catalogue, as JSON (dates as ISO text)."""
    from dataclasses import asdict

    from harness.catalogue import sdk

    def written(model: Any) -> dict[str, Any]:
        fields = asdict(model)
        for name in ("deprecated_on", "shutdown_on"):
            fields[name] = fields[name] and fields[name].isoformat()
        return fields

    return {name: [written(model) for model in sdk.declared(name)] for name in CATALOGUES}


def _catalogue(name: str) -> Any:
    """`name`'s data file with the SDK models saved beside the transcript, as `_shipped` merges them."""
    from datetime import date

    from harness.catalogue import Model, data_file, with_declared

    def read(fields: dict[str, Any]) -> Model:
        dates = {key: fields[key] and date.fromisoformat(fields[key]) for key in ("deprecated_on", "shutdown_on")}
        return Model(**{**fields, **dates})

    saved = json.loads(SDK_MODELS.read_text())
    return with_declared(data_file(name), [read(fields) for fields in saved[name]])


def play_provider(provider: str) -> dict[str, Any]:
    from harness.double import Double
    from harness.double.clock import VirtualClock

    clock = VirtualClock(START)
    plain, hooked = Double(provider, seed=SEED, clock=clock), Double(provider, seed=SEED + 1, clock=clock)
    hooked.hooks += [Marker(), Teapot()]
    for double in (plain, hooked):  # before its first request: the catalogue it was made with
        double.state.settings["catalogue"] = _catalogue(double.served)
    try:
        asked = requests(provider)
        teapot = asked[0][:1] + (asked[0][1].rsplit("/", 1)[0] + "/teapot",) + asked[0][2:]
        rounds: list[tuple[Any, list[Request]]] = [(plain, asked), (hooked, [*asked[:4], teapot])]
        messages = []
        for double, sequence in rounds:
            for when in (START, LATER):
                clock.set(when)
                for method, path, query, value, extra, kind in sequence:
                    body = value if isinstance(value, bytes) else b"" if value is None else json.dumps(value).encode()
                    scope = _scope(provider, method, path, query, body, extra, kind)
                    messages.append(asyncio.run(_one(double, scope, body)))
        journal = [_exchange(x) for double in (plain, hooked) for x in double.journal]
        return {"messages": messages, "journal": journal}
    finally:
        plain.close()
        hooked.close()


def play() -> dict[str, Any]:
    return {provider: play_provider(provider) for provider in ("openai", "azure_openai", "anthropic", "gemini")}


def saved() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(gzip.decompress(SAVED.read_bytes()))
    return loaded


if __name__ == "__main__":
    SDK_MODELS.write_text(json.dumps(declared_models(), ensure_ascii=False, indent=1) + "\n")
    text = json.dumps(play(), ensure_ascii=False, separators=(",", ":"))
    SAVED.write_bytes(gzip.compress(text.encode(), mtime=0))
    print(f"wrote {SAVED} ({len(text):,} characters)", file=sys.stderr)
