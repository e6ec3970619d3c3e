"""Request bodies as handlers see them: parsed JSON, or form fields and files.

The whole body is already in memory (the journal keeps it), so multipart is
parsed synchronously with python-multipart rather than through Starlette's
spooled, thread-pooled upload files.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from harness import jsoncodec


class BodyError(ValueError):
    """The body does not parse as its content type says; the message says how."""


@dataclass(frozen=True)
class FormFile:
    """An uploaded file from a multipart body."""

    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"FormFile({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


def whole_body(message: dict) -> bytes | None:
    """The body, when this first ASGI message holds all of it (as it almost always does)."""
    if message["type"] == "http.request" and not message.get("more_body", False):
        body = message.get("body", b"")
        return body if type(body) is bytes else bytes(body)
    return None


async def read_body(receive: Callable[[], Awaitable[dict]], message: dict | None = None) -> bytes:
    """The whole request body from an ASGI `receive` (`message`: the first, if already received)."""
    if message is None:
        message = await receive()
    body = whole_body(message)
    if body is not None:
        return body
    chunks: list[bytes] = []
    while True:
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
        message = await receive()
    return b"".join(chunks)


@functools.lru_cache(maxsize=256)  # a client sends a few content types
def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def is_json_type(content_type: str | None) -> bool:
    return _is_json_media(media_type(content_type))


def _is_json_media(kind: str) -> bool:
    return kind == "application/json" or kind.endswith("+json")


def parse_body(content_type: str | None, body: bytes) -> tuple[Any, dict[str, Any] | None]:
    """(json, form) for a body; raises BodyError when it is malformed."""
    kind = media_type(content_type)
    if kind == "multipart/form-data":
        return None, parse_multipart(content_type or "", body)
    if kind == "application/x-www-form-urlencoded":
        return None, _collect(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if not body.strip():
        return None, None
    if _is_json_media(kind) or not kind:
        try:
            return jsoncodec.loads(body), None
        except ValueError as exc:
            if kind:  # declared JSON but is not: the caller's bug, a 400
                raise BodyError(f"the body is not valid JSON: {exc}") from None
    return None, None


def parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    # Imported on the first multipart body: reading provider records (verify) never parses one.
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise BodyError("multipart body without a boundary in its Content-Type")
    items: list[tuple[str, Any]] = []
    part: dict[str, Any] = {}
    header: list[bytes] = [b"", b""]

    def on_part_begin() -> None:
        part.clear()
        part.update(headers={}, data=bytearray())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header[0] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header[1] += data[start:end]

    def on_header_end() -> None:
        part["headers"][header[0].decode("latin-1").lower()] = header[1].decode("latin-1")
        header[0], header[1] = b"", b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part["data"] += data[start:end]

    def on_part_end() -> None:
        _, disposition = parse_options_header(part["headers"].get("content-disposition", ""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        data = bytes(part["data"])
        if b"filename" in disposition:
            items.append(
                (
                    name,
                    FormFile(
                        disposition[b"filename"].decode("utf-8", "replace"), part["headers"].get("content-type"), data
                    ),
                )
            )
        else:
            items.append((name, data.decode("utf-8", "replace")))

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except FormParserError as exc:
        raise BodyError(f"the multipart body does not parse: {exc}") from None
    return _collect(items)


def _collect(items: list[tuple[str, Any]]) -> dict[str, Any]:
    """Fields by name; a name sent more than once keeps all its values, in order."""
    out: dict[str, Any] = {}
    for name, value in items:
        if name in out:
            out[name] = (out[name] if isinstance(out[name], list) else [out[name]]) + [value]
        else:
            out[name] = value
    return out
