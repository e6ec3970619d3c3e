"""RequestProblem: a request the provider turns away, raised from anywhere in a handler.

A handler, or a check it calls, raises it instead of building an error reply;
the double catches it where it calls the handler and answers in the provider's
own envelope. A check says what is wrong, never how the provider words an error.
"""

from __future__ import annotations


class RequestProblem(Exception):
    """What is wrong with a request, as the arguments of a provider's error envelope.

    `type` overrides the kind the envelope picks for the status, `code` is a
    machine-readable reason, `param` names the field at fault; an envelope
    leaves out what its provider does not send.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param

    def __str__(self) -> str:
        return f"{self.status} {self.message}"
