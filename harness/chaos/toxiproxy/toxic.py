"""What every toxic shares, done once (Toxiproxy's ToxicWrapper and ToxicStub).

A toxic (`toxics/<type>.py`) is a frozen dataclass whose fields are its public
attributes. It overrides only what it changes:

- `pipe(chunk, stub, send)`: pass the chunk on with `await send(...)`, change
  it, split it, hold it, or drop it (not calling `send`);
- `at_end(stub)`: the source has closed; return when the close may go on;
- `attached(stub)` / `detached(stub)`: the toxic joined or left a live link
  (timers; what removing it must undo);
- `new_state()`: per-connection state, kept on the stub;
- `validate()`: raise ValueError for attribute values it cannot work with.

`changes_data` says whether every chunk it pipes comes out changed (delayed,
paced, sliced, dropped, or held for a reset): then a request or answer it
piped counts as acted on. A toxic that acts only by ending the connection
(`limit_data`) sets it False; `stub.close()` and `stub.reset()` count it
as acting when they cut an answer short, and so does an `at_end` of its own.

Toxicity, direction and chaining are not a toxic's business: the stub and
the link do them, the same way for every toxic.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

from harness.chaos.toxiproxy.stream import Chunk, Direction

if TYPE_CHECKING:
    from harness.chaos.toxiproxy.link import Link

Send = Callable[[Chunk], Awaitable[None]]


class ToxicBody(TypedDict):
    """A toxic as the API's JSON shows it."""

    attributes: dict[str, Any]
    name: str
    type: str
    stream: str
    toxicity: float


@dataclass(frozen=True)
class Toxic:
    changes_data: ClassVar[bool] = True

    def new_state(self) -> Any:
        return None

    def validate(self) -> None:
        pass

    def attached(self, stub: ToxicStub) -> None:
        pass

    def detached(self, stub: ToxicStub) -> None:
        pass

    async def pipe(self, chunk: Chunk, stub: ToxicStub, send: Send) -> None:
        await send(chunk)

    async def at_end(self, stub: ToxicStub) -> None:
        pass

    def attributes(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ToxicSpec:
    """A toxic as the API shows it: its name, type, direction, toxicity and attributes."""

    name: str
    type: str
    stream: Direction
    toxicity: float
    toxic: Toxic

    def to_json(self) -> ToxicBody:
        return {
            "attributes": self.toxic.attributes(),
            "name": self.name,
            "type": self.type,
            "stream": self.stream.value,
            "toxicity": self.toxicity,
        }


class ToxicStub:
    """One toxic on one link: whether it applies there, its state, its timers."""

    def __init__(self, spec: ToxicSpec, link: Link, active: bool, state: Any = None) -> None:
        self.spec = spec
        self.link = link
        self.active = active
        self.state = spec.toxic.new_state() if state is None else state
        self.retired = False
        self._loop = asyncio.get_running_loop()
        self._sleepers: set[asyncio.Future[bool]] = set()
        self._timers: list[asyncio.TimerHandle] = []

    @property
    def toxic(self) -> Toxic:
        return self.spec.toxic

    @property
    def rng(self) -> Random:
        """The connection's seeded RNG: jitter and slicing repeat with the server's seed."""
        return self.link.rng

    def now(self) -> float:
        return self._loop.time()

    async def sleep(self, seconds: float) -> bool:
        """Wait `seconds` (`math.inf`: until the toxic leaves); True if the whole time passed, False if
        the toxic left the link first (then it should let its data go on at once rather than hold or drop it)."""
        if self.retired:
            return False
        if seconds <= 0:
            return True
        woken: asyncio.Future[bool] = self._loop.create_future()
        timer = None if math.isinf(seconds) else self._loop.call_later(seconds, _wake, woken, True)
        self._sleepers.add(woken)
        try:
            return await woken
        finally:
            if timer is not None:
                timer.cancel()
            self._sleepers.discard(woken)

    async def sleep_until(self, when: float) -> bool:
        return await self.sleep(when - self.now())

    def after(self, seconds: float, action: Callable[[], None]) -> asyncio.TimerHandle:
        """Run `action` in `seconds` unless the toxic leaves the link first (or the handle is cancelled)."""
        self._timers = [t for t in self._timers if not t.cancelled()]
        timer = self._loop.call_later(seconds, action)
        self._timers.append(timer)
        return timer

    def close(self) -> None:
        """End this direction: what was sent is delivered, then the destination closes."""
        self.link.connection.ledger.ended(self.spec.type, self.spec)
        self.link.close()

    def reset(self) -> None:
        """Reset both sockets of the connection (TCP RST)."""
        self.link.connection.reset(self.spec)

    def retire(self) -> None:
        """The toxic leaves this link (removed, replaced, or the link ended)."""
        self.retired = True
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        for woken in list(self._sleepers):
            _wake(woken, False)


def _wake(future: asyncio.Future[bool], value: bool) -> None:
    if not future.done():
        future.set_result(value)
