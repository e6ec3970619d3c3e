"""What is derived from a test's id: its seed and its file and folder names.

A test's seed is a hash of the session's base seed (`--harness-seed`) and
the test's id — never Python's `hash()`, which changes per process — so
every rerun, and every pytest-xdist worker that happens to run the test,
gives it the same seed, the same ids from its doubles and the same
probabilistic fault decisions.
"""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_.=\[\]-]+")


def seed_for(base: int, test_id: str) -> int:
    """The seed of the test `test_id` (a pytest node id) in a session seeded with `base`."""
    return int.from_bytes(_digest(f"{base}:{test_id}", 4), "big")


def file_name(text: str) -> str:
    """`text` (a test's name, maybe with parameters) made safe as a file name."""
    return _UNSAFE.sub("_", text).strip("_") or "_"


def folder_name(test_id: str) -> str:
    """A file-system-safe folder name for one test: readable, and unique per test id
    (a short hash keeps `a/b` and `a_b` apart), so pytest-xdist workers never share one."""
    readable = file_name(test_id)[-80:]
    return f"{readable}-{_digest(test_id, 4).hex()}"


def _digest(text: str, size: int) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=size).digest()
