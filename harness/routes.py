"""Route templates: `POST /v1/videos/{video_id}` matched against a request.

One matcher for contracts, doubles and fault schedules. Parameters match one
path segment (`{id}`), or any rest of the path (`{name:path}`, for Gemini's
operation names that contain slashes). A trailing `*` matches any suffix
(`/v1/chat/*`). The method is optional: a bare path matches every method.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::(path|segment))?\}")


class RouteSyntaxError(ValueError):
    """A route template that cannot be compiled; the message says why."""


@dataclass(frozen=True)
class Route:
    template: str
    method: str | None = None
    literal: int = field(compare=False, repr=False, default=0)  # literal characters: more is more specific
    # Keyword-only and without a default: a Route is made by `compile`, never without its pattern.
    pattern: re.Pattern[str] = field(compare=False, repr=False, kw_only=True)

    @classmethod
    def parse(cls, text: str) -> Route:
        """`"POST /v1/videos/{id}"`, `"/v1/chat/*"` or `"GET /v1beta/{name:path}"`."""
        text = text.strip()
        method, _, path = text.partition(" ")
        if not _:
            method, path = "", text
        elif method.upper() not in METHODS:
            raise RouteSyntaxError(f"unknown HTTP method {method!r} in route {text!r}")
        return cls.compile(path.strip(), method.upper() or None)

    @classmethod
    def compile(cls, template: str, method: str | None = None) -> Route:
        if not template.startswith("/"):
            raise RouteSyntaxError(f"route path must start with '/': {template!r}")
        body, wildcard = (template[:-1], True) if template.endswith("*") else (template, False)
        regex, pos, literal = "", 0, 0
        names: set[str] = set()
        for m in _PARAM.finditer(body):
            chunk = body[pos : m.start()]
            regex += re.escape(chunk)
            literal += len(chunk)
            name = m.group(1)
            if name in names:
                raise RouteSyntaxError(f"parameter {{{name}}} appears twice in {template!r}")
            names.add(name)
            regex += f"(?P<{name}>.+)" if m.group(2) == "path" else f"(?P<{name}>[^/]+)"
            pos = m.end()
        rest = body[pos:]
        leftover = _PARAM.sub("", body)
        if "{" in leftover or "}" in leftover:
            raise RouteSyntaxError(f"unbalanced or invalid '{{...}}' parameter in {template!r}")
        if "*" in body:
            raise RouteSyntaxError(f"'*' may only end a route, in {template!r}")
        regex += re.escape(rest)
        literal += len(rest)
        regex = "^" + regex + (".*" if wildcard else "") + "$"
        return cls(template=template, method=method, pattern=re.compile(regex), literal=literal)

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """Path parameters when the request matches, else None."""
        if self.method and self.method != method.upper():
            return None
        m = self.pattern.match(path)
        return m.groupdict() if m else None

    @property
    def specificity(self) -> tuple[int, int]:
        """Sort key: a method and more literal text win over templates."""
        return (self.literal, 1 if self.method else 0)

    def __str__(self) -> str:
        return f"{self.method} {self.template}" if self.method else self.template


class Routed(Protocol):
    """Anything served by one route: a contract interaction, a double's handler."""

    @property
    def route(self) -> Route: ...


R = TypeVar("R", bound=Routed)


def most_specific(routes: Iterable[R], method: str, path: str) -> tuple[R, dict[str, str]] | None:
    """The (item, params) whose route matches best, for items with `.route`; or None."""
    best: tuple[R, dict[str, str]] | None = None
    for item in routes:
        params = item.route.match(method, path)
        if params is not None and (best is None or item.route.specificity > best[0].route.specificity):
            best = (item, params)
    return best


class RouteTable(Generic[R]):
    """`most_specific` over a fixed tuple of items, for a server that asks it on every request.

    The items are grouped by method once, and the answer for each (method, path) is kept
    (up to `remember` of them, then the memory starts again), so a path asked before costs
    one dict look-up. The answers are exactly `most_specific(items, method, path)`'s.
    """

    def __init__(self, items: Iterable[R], remember: int = 2048) -> None:
        self.items = tuple(items)
        self.remember = remember
        # A route without a method serves every method, so it sits in every group, in its place.
        self._by_method = {
            method: tuple(item for item in self.items if item.route.method in (None, method)) for method in METHODS
        }
        self._any_method = tuple(item for item in self.items if item.route.method is None)
        self._answers: dict[tuple[str, str], tuple[R, dict[str, str]] | None] = {}

    def find(self, method: str, path: str) -> tuple[R, dict[str, str]] | None:
        """The (item, params) whose route matches best, or None; the params are the caller's own."""
        key = (method, path)
        try:
            found = self._answers[key]
        except KeyError:
            found = most_specific(self._by_method.get(method.upper(), self._any_method), method, path)
            if len(self._answers) >= self.remember:
                self._answers.clear()
            self._answers[key] = found
        return None if found is None else (found[0], dict(found[1]))
