"""Does a change land on what a use relies on? Routes, statuses, bodies, pointers.

The spec names a route `/chat/completions` under a servers' base path `/v1`;
contracts write `/v1/chat/completions` (or a template, or a wildcard). A
status may be written `200`, `4XX` or `default`. A pointer is touched when
the contract reads it or anything inside it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from harness.diff.operation_parts import STREAM
from harness.diff.usage import Body, Use

_VERSION_PREFIX = re.compile(r"^/v\d+[a-z0-9]*(?=/)")
_SPEC_PARAM = re.compile(r"\{[^}/]*\}")


@lru_cache(maxsize=4096)
def _path_pattern(template: str) -> re.Pattern[str]:
    regex, pos = "", 0
    for m in _SPEC_PARAM.finditer(template):
        regex += re.escape(template[pos : m.start()]) + r"[^/]+"
        pos = m.end()
    return re.compile("^" + regex + re.escape(template[pos:]).rstrip("/") + "/?$")


def route_matches(method: str, path: str, spec_path: str, use: Use) -> bool:
    """Does the spec's route (`path` has the servers' base path, `spec_path` has not) serve `use`?"""
    if method != use.method:
        return False
    candidates = {use.path, _VERSION_PREFIX.sub("", use.path)}
    if any(_path_pattern(p).match(c) for p in (path, spec_path) if p for c in candidates):
        return True
    return use.route.match(method, path) is not None


def status_matches(status: str, statuses: tuple[int, ...]) -> bool:
    if status == "default":
        return True
    if len(status) == 3 and status[1:].upper() == "XX" and status[0].isdigit():
        return any(s // 100 == int(status[0]) for s in statuses)
    return status.isdigit() and int(status) in statuses


def bodies_at(use: Use, status: str | None, media_type: str | None, event: str | None) -> list[Body]:
    """The bodies of `use` that a change at this status / media type / event lands in."""
    out: list[Body] = []
    for body in use.bodies:
        if status is not None and not status_matches(status, body.statuses):
            continue
        if media_type is not None:
            if media_type.startswith(STREAM) != body.stream:
                continue
            if not body.stream:
                if body.content_type:
                    if not media_type.startswith(body.content_type.lower().split(";")[0]):
                        continue
                elif body.reads and "json" not in media_type:
                    continue
        if event is not None and body.event not in (event, "*"):
            continue
        out.append(body)
    return out


def touches(body: Body, pointer: str) -> bool:
    """Does the body read `pointer` or anything inside it?"""
    if pointer == "":
        return bool(body.reads)
    inside = pointer + "/"
    return any(p == pointer or p.startswith(inside) for p in body.reads)


def sends(use: Use, section: str, pointer: str) -> bool:
    """Does the example request send the field at `pointer` (or anything inside it)?"""
    name = pointer[1:].replace("~1", "/").replace("~0", "~")
    if section == "query":
        return name in use.query
    if section == "header":
        return name.lower() in use.request_headers
    if section != "body":
        return False
    inside = pointer + "/"
    return any(p == pointer or p.startswith(inside) for p in use.sent)
