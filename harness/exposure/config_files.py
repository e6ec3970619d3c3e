"""Config files (YAML, JSON, TOML, `.env`), read line by line for provider URLs and model ids.

Line by line rather than parsed: the question is only where a provider is named, the
line is the answer, and a file that does not parse (a template, a partial `.env`)
still says where it depends on a provider.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from harness.exposure import model_ids
from harness.exposure.finding import Finding

SUFFIXES = (".yaml", ".yml", ".json", ".toml", ".env", ".ini", ".cfg")
_URL = re.compile(r"https?://[^\s\"'<>`,;)\]}]+")


def is_config(path: PurePosixPath) -> bool:
    name = path.name.lower()
    return path.suffix.lower() in SUFFIXES or name == ".env" or name.startswith(".env.")


def scan_config(text: str, path: str) -> Iterator[Finding]:
    from harness import providers
    from harness.exposure.python_source import _route_for

    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "//", ";")):
            continue
        code = stripped if len(stripped) <= 120 else stripped[:117] + "..."
        taken: list[tuple[int, int]] = []
        for url in _URL.finditer(line):
            parts = urlsplit(url.group(0))
            provider = providers.provider_for_host(parts.hostname or "")
            if provider is None:
                continue
            taken.append(url.span())
            route = _route_for(provider, "", parts.path, unknown_as_path=False)  # a base URL names no route
            yield Finding(path, number, "config", provider, route, None, code, "", url.start())
        for offset, provider, model in model_ids.find_all(line):
            if any(start <= offset < end for start, end in taken):
                continue  # part of a URL already reported
            yield Finding(path, number, "config", provider, None, model, code, "literal", offset)
