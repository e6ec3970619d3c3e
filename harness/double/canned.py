"""A canned answer: one test's own reply for one route pattern, given in the
provider's place, as respx and pytest-httpx users expect.

    canned = CannedReply(Route.parse("POST /v1/chat/completions"), Reply(status=200, json={...}), times=1)
    double.hooks.append(canned)       # the double records what it gave like any other answer

It is a hook (`harness.double.hooks`) that stands in for the provider: the
double runs faults' `before` first, so an outage still answers ahead of it,
and a fault's `after` (a drift) still changes it. `times` counts down; when
it reaches 0 the provider answers again. The double writes the hook's name,
`canned`, into `Exchange.fault`, so session-wide contract checks leave the
answer out: it is the test's, not the provider's.
"""

from __future__ import annotations

import copy
import difflib
import threading
from collections.abc import Iterable

from harness.double.call import Call, Reply
from harness.routes import Route


class CannedReply:
    """Answers calls matching `route` with a copy of `reply`, `times` times (None: every time)."""

    name = "canned"
    stands_in_for_provider = True  # run after the faults' `before` (see harness.double.hooks)

    def __init__(
        self, route: Route, reply: Reply, *, times: int | None = None, provider: str = "", optional: bool = False
    ) -> None:
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
            raise ValueError(
                f"times must be a whole number of calls, 1 or more (or None for every call), not {times!r}"
            )
        self.route, self.reply, self.times, self.provider = route, reply, times, provider
        self.optional = optional  # may rightly never be given (a test checks that when it ends)
        self.given = 0  # calls answered so far
        self._lock = threading.Lock()

    @property
    def remaining(self) -> int | None:
        """Calls it will still answer (None: no limit)."""
        return None if self.times is None else self.times - self.given

    def before(self, call: Call) -> Reply | None:
        if self.route.match(call.method, call.path) is None:
            return None
        with self._lock:
            if self.times is not None and self.given >= self.times:
                return None
            self.given += 1
        return copy.deepcopy(self.reply)  # faults edit their copy of a reply; ours stays as given

    def __repr__(self) -> str:
        left = "every call" if self.times is None else f"{self.remaining} of {self.times} left"
        return f"<CannedReply {self.route} status={self.reply.status} {left}>"


def routes_like(pattern: Route, routes: Iterable[Route]) -> list[Route]:
    """The routes a pattern can reach: it matches the route's template as if that were
    a request (`/v1/videos*` reaches `GET /v1/videos/{video_id}`), or the route
    matches the pattern's path (`GET /v1/videos/video_123` is one of its calls)."""
    found = []
    for route in routes:
        method = route.method or pattern.method or "GET"
        reaches = pattern.match(method, route.template) is not None
        if reaches or route.match(pattern.method or method, pattern.template) is not None:
            found.append(route)
    return found


def closest_route(pattern: Route, routes: Iterable[Route]) -> str | None:
    """The route written most like `pattern`, to suggest for a typo."""
    hint = difflib.get_close_matches(str(pattern), [str(r) for r in routes], n=1, cutoff=0.6)
    return hint[0] if hint else None
