"""A journal's exchanges appended to a file, one JSON line each, as they are recorded.

`harness serve` keeps a small ring in memory; with `--journal-file` every
exchange also goes here, in the shape `GET /__harness/journal` serves, so a
long run can be read back whole without the double holding it. What a journal
holds is already redacted (secret headers and query keys never reach it), so
what reaches the file is too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

from harness.double.control import exchange_to_dict
from harness.errors import InputError
from harness.exchange import Exchange


class JournalFile:
    """Call it with an exchange to append it; `close()` when done."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            # Line-buffered: each exchange is on disk once recorded, even if the process is killed.
            self.file: IO[str] = open(self.path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"cannot write the journal file: {exc.strerror or exc}", str(path)) from None

    def __call__(self, exchange: Exchange) -> None:
        self.file.write(json.dumps(exchange_to_dict(exchange), ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.file.close()
