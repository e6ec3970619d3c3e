"""One exception family. Every message names the thing a user must fix."""

from __future__ import annotations


class HarnessError(Exception):
    """Base of every error the harness raises on purpose."""


class InputError(HarnessError):
    """A file or argument a user gave us is wrong. The CLI exits 2 on these.

    `source` names the file (or thing), `line`/`column` are 1-based when known.
    """

    def __init__(
        self, message: str, source: str | None = None, line: int | None = None, column: int | None = None
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source or ""
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}" if where else self.message


class ContractError(InputError):
    """A contract file cannot be loaded."""


class CassetteError(InputError):
    """A cassette file cannot be read."""
