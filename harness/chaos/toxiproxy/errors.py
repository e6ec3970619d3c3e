"""The API's errors: Toxiproxy's messages and status codes, as {"error", "status"}."""

from __future__ import annotations

from typing import TypedDict


class ErrorBody(TypedDict):
    error: str
    status: int


class ApiError(Exception):
    status = 500
    message = "internal error"

    def __init__(self, detail: str | None = None) -> None:
        self.text = f"{self.message}: {detail}" if detail else self.message
        super().__init__(self.text)

    def to_json(self) -> ErrorBody:
        return {"error": self.text, "status": self.status}


class BadRequestBody(ApiError):
    status, message = 400, "bad request body"


class MissingField(ApiError):
    status, message = 400, "missing required field"


class ProxyNotFound(ApiError):
    status, message = 404, "proxy not found"


class ProxyExists(ApiError):
    status, message = 409, "proxy already exists"


class InvalidStream(ApiError):
    status, message = 400, "stream was invalid, can be either upstream or downstream"


class InvalidToxicType(ApiError):
    status, message = 400, "invalid toxic type"


class ToxicExists(ApiError):
    status, message = 409, "toxic already exists"


class ToxicNotFound(ApiError):
    status, message = 404, "toxic not found"


class ListenFailed(ApiError):
    status, message = 500, "cannot listen"
