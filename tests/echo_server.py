"""A tiny HTTP server on 127.0.0.1 that echoes each request back, for the
cassette and record tests.

It echoes every request header (keys included) in the body and the
Authorization header in a response header and a cookie, so a test that
finds no key in a cassette proves redaction, not luck. Binding happens in
the constructor, so the server is ready without any waiting.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

BINARY = bytes(range(256)) * 4


@dataclass
class EchoServer:
    url: str
    hits: list[str] = field(default_factory=list)  # "METHOD /path?query" of every request served
    headers: list[dict[str, str]] = field(default_factory=list)  # the headers of each, lower-case names


def _sse(echo: dict) -> bytes:
    events = [
        f"event: message_start\ndata: {json.dumps({'type': 'message_start', 'echo': echo})}\n\n",
        'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"hi"}}\n\n',
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ]
    return "".join(events).encode()


def _chat_completion(echo: dict) -> bytes:
    auth = echo["headers"].get("authorization", "")
    return json.dumps(
        {
            "id": "chatcmpl-echo",
            "object": "chat.completion",
            "created": 1700000000,
            "model": "gpt-4o-mini",
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "logprobs": None,
                    "message": {"role": "assistant", "content": f"you sent {auth}", "refusal": None},
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 3, "total_tokens": 4},
        }
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    server_version = "echo/1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
            # Read every chunk: closing on an unread upload races the client into a reset.
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self) -> None:
        body = self._body()
        parts = urlsplit(self.path)
        self.server.hits.append(f"{self.command} {self.path}")  # type: ignore[attr-defined]
        self.server.headers.append({k.lower(): v for k, v in self.headers.items()})  # type: ignore[attr-defined]
        echo = {
            "id": f"obj_{len(self.server.hits)}",  # type: ignore[attr-defined]
            "method": self.command,
            "path": parts.path,
            "query": dict(parse_qsl(parts.query)),
            "url": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", errors="replace"),
        }
        status, content_type, payload, extra = 200, "application/json", json.dumps(echo).encode(), []
        if parts.path.endswith("/chat/completions"):
            payload = _chat_completion(echo)
        elif parts.path == "/stream" or b'"stream": true' in body or b'"stream":true' in body:
            content_type, payload = "text/event-stream; charset=utf-8", _sse(echo)
        elif parts.path == "/binary":
            content_type, payload = "application/octet-stream", BINARY
        elif parts.path == "/gzip":
            payload, extra = gzip.compress(payload), [("Content-Encoding", "gzip")]
        elif parts.path.startswith("/status/"):
            status = int(parts.path.rsplit("/", 1)[1])
        auth = self.headers.get("authorization") or self.headers.get("x-api-key") or ""
        extra += [
            ("X-Echo-Authorization", auth),
            ("Set-Cookie", f"session={auth}; Path=/"),
            ("Set-Cookie", "theme=dark"),
        ]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer
