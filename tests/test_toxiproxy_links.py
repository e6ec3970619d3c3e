"""The two ways a link forwards (`harness/chaos/toxiproxy/link.py`): straight on while no
toxic acts on its direction, through the toxic chain otherwise, switching chunk by chunk.

Driven in process, on one event loop (asyncio's, and uvloop's as `harness toxiproxy
serve` runs it), against upstreams of the test's own on 127.0.0.1, so that a toxic can
be added at a known point of a stream and each link's counts read.
"""

from __future__ import annotations

import asyncio
import itertools
from array import array
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from random import Random
from typing import Any

import pytest

from harness.chaos.toxiproxy.collection import ProxyCollection
from harness.chaos.toxiproxy.ledger import Ledger
from harness.chaos.toxiproxy.link import Link
from harness.chaos.toxiproxy.proxy import Proxy, ProxyConfig
from harness.chaos.toxiproxy.side import Side
from harness.chaos.toxiproxy.stream import Direction
from harness.chaos.toxiproxy.toxic import Toxic, ToxicSpec
from harness.chaos.toxiproxy.toxics.bandwidth import Bandwidth
from harness.chaos.toxiproxy.toxics.latency import Latency
from harness.chaos.toxiproxy.toxics.noop import Noop
from harness.chaos.toxiproxy.toxics.slicer import Slicer
from harness.double.loop import new_loop

DOWN, UP = Direction.DOWNSTREAM, Direction.UPSTREAM
Streams = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request) -> Callable[[Callable[[], Awaitable[Any]]], Any]:
    """run(main): main() on a fresh loop of the kind the test is parametrized with."""
    if request.param == "uvloop":
        pytest.importorskip("uvloop")

    def run_main(main: Callable[[], Awaitable[Any]]) -> Any:
        async def bounded() -> Any:
            async with asyncio.timeout(30):  # a wedged link fails the test instead of hanging it
                return await main()

        with asyncio.Runner(loop_factory=lambda: new_loop(request.param == "uvloop")) as runner:
            return runner.run(bounded())

    return run_main


def pattern(size: int, start: int = 0) -> bytes:
    """Counting 32-bit words: a byte lost, doubled or moved shows as a wrong word."""
    return array("I", range(start, start + size // 4)).tobytes()


def spec(name: str, toxic: Toxic, stream: Direction = DOWN, toxicity: float = 1.0) -> ToxicSpec:
    kind = {Noop: "noop", Latency: "latency", Slicer: "slicer", Bandwidth: "bandwidth"}[type(toxic)]
    return ToxicSpec(name=name, type=kind, stream=stream, toxicity=toxicity, toxic=toxic)


class Hop:
    """A proxy in front of an upstream of the test's own: `upstream()` is the upstream's
    end of the next connection, `connect()` the app's end of a new one."""

    def __init__(self, proxy: Proxy, accepted: asyncio.Queue[Streams]) -> None:
        self.proxy = proxy
        self._accepted = accepted

    async def connect(self) -> Streams:
        host, port = self.proxy.listen.rsplit(":", 1)
        return await asyncio.open_connection(host, int(port))

    async def upstream(self) -> Streams:
        return await self._accepted.get()

    async def link(self, direction: Direction, index: int = 0) -> Link:
        """That direction of the index-th open connection, once the proxy has dialled the upstream."""
        while len(self.proxy.links(direction)) <= index:
            await asyncio.sleep(0.001)
        return self.proxy.links(direction)[index]


@asynccontextmanager
async def hop(seed: int = 0, echo: bool = False) -> AsyncIterator[Hop]:
    accepted: asyncio.Queue[Streams] = asyncio.Queue()
    echoes: list[asyncio.Future[Any]] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not echo:
            accepted.put_nowait((reader, writer))
            return
        echoes.append(asyncio.current_task())  # type: ignore[arg-type]
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    collection = ProxyCollection(seed)
    port = server.sockets[0].getsockname()[1]
    proxy = await collection.add(ProxyConfig(name="links", listen="127.0.0.1:0", upstream=f"127.0.0.1:{port}"))
    try:
        yield Hop(proxy, accepted)
    finally:
        await collection.close()  # drops the connections: the echoes end
        await asyncio.gather(*echoes)
        server.close()


async def until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.001)


# -- switching while data flows ------------------------------------------------------------


def test_toxics_coming_and_going_mid_stream_lose_double_and_reorder_nothing(run):
    # The app streams 4 MB to an echo upstream and reads the echo back, while toxics are
    # added and removed on both directions every 32 KB of echo: each switch happens
    # with chunks in flight, in line and in the chain.
    payload = pattern(4 * 1024 * 1024)
    toxics = itertools.cycle(
        [
            Latency(latency=1),
            Noop(),
            Slicer(average_size=700, size_variation=300, delay=0),
            Bandwidth(rate=200_000),
            Latency(latency=2, jitter=1),
        ]
    )

    async def main() -> tuple[bytes, int, list[int]]:
        async with hop(echo=True) as through:
            reader, writer = await through.connect()
            progress, sent_back = asyncio.Event(), asyncio.Event()
            echoed = bytearray()

            async def send() -> None:
                for start in range(0, len(payload), 16384):
                    while start - len(echoed) > 262144:  # at most 256 KB ahead: both ways flow all along
                        await sent_back.wait()
                        sent_back.clear()
                    writer.write(payload[start : start + 16384])
                    await writer.drain()

            async def receive() -> None:
                while len(echoed) < len(payload):
                    echoed.extend(await reader.read(65536))
                    progress.set()
                    sent_back.set()

            async def churn() -> int:
                switches = 0
                mark = 0
                while len(echoed) < len(payload):
                    await progress.wait()
                    progress.clear()
                    if len(echoed) < mark:
                        continue
                    mark = len(echoed) + 32768
                    names = through.proxy.toxics()
                    if names:
                        through.proxy.remove_toxics()
                    else:
                        stream = (UP, DOWN)[switches % 2]
                        through.proxy.add_toxic(spec(f"t{switches}", next(toxics), stream))
                        through.proxy.add_toxic(spec(f"u{switches}", next(toxics), (DOWN, UP)[switches % 2]))
                    switches += 1
                return switches

            links = [await through.link(UP), await through.link(DOWN)]
            *_, switches = await asyncio.gather(send(), receive(), churn())
            writer.close()
            return bytes(echoed), switches, [link.chained for link in links]

    echoed, switches, chained = run(main)
    assert len(echoed) == len(payload)
    assert echoed == payload
    assert switches >= 10
    assert all(count > 0 for count in chained)  # both directions went through the chain part of the time


def test_a_link_goes_straight_through_the_chain_and_straight_again(run):
    async def main() -> list[tuple[int, bool]]:
        async with hop() as through:
            reader, writer = await through.connect()
            _, answer = await through.upstream()
            link = await through.link(DOWN)
            seen = []
            for phase, step in enumerate(["none", "add", "remove"]):
                if step == "add":
                    through.proxy.add_toxic(spec("slow", Latency(latency=1)))
                elif step == "remove":
                    through.proxy.remove_toxic("slow")
                    await until(lambda: link.straight)  # what was in line has gone on
                before = link.chained
                block = pattern(1024 * 1024, start=phase * 1024 * 1024)
                answer.write(block)
                assert await reader.readexactly(len(block)) == block
                seen.append((link.chained - before, link.straight))
            writer.close()
            return seen

    (none, _), (chained, _), (after, straight) = run(main)
    assert none == 0
    assert chained > 0
    assert after == 0 and straight


def test_removing_the_last_toxic_while_chunks_wait_in_line_keeps_their_order(run):
    # The app reads nothing at first, so chunks pile up in the chain's line behind a full
    # destination; the toxic leaves, and more arrives: it must queue behind them, not overtake.
    first, then = pattern(8 * 1024 * 1024), pattern(1024 * 1024, start=2 * 1024 * 1024)

    async def main() -> tuple[bytearray, bool, int]:
        async with hop() as through:
            reader, writer = await through.connect()
            _, answer = await through.upstream()
            link = await through.link(DOWN)
            through.proxy.add_toxic(spec("slow", Latency(latency=5)))
            answer.write(first)
            await until(lambda: link.held_back)  # the line is full
            through.proxy.remove_toxic("slow")
            answer.write(then)
            got = bytearray()
            while len(got) < len(first) + len(then):
                # Slowly, so that the line drains a chunk at a time while more arrives.
                got += await reader.read(4096)
                await asyncio.sleep(0)
            await until(lambda: link.straight)
            chained = link.chained
            answer.write(b"after")
            assert await reader.readexactly(5) == b"after"
            writer.close()
            return got, link.chained == chained, chained

    got, straight_after, chained = run(main)
    assert got == first + then
    assert chained > 0 and straight_after


class _Transport:
    """Just what a link uses of a socket's transport; what was written, in order."""

    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return False

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def close(self) -> None:
        pass


class _Connection:
    def __init__(self) -> None:
        self.ledger = Ledger(client="127.0.0.1:1")

    def link_ended(self, link: Link) -> None:
        pass


def test_a_chunk_arriving_while_the_line_drains_after_the_last_toxic_left_waits_its_turn(run):
    # Step by step: "one" is held by a toxic, "two" waits in line; the app stops reading;
    # the toxic leaves ("one" goes on, the pump waits for the app with "two" still in line);
    # then "three" arrives. Straight on would put it before "two".
    async def main() -> tuple[list[bytes], int, bool]:
        source, dest = Side(), Side()
        source.connection_made(_Transport())  # type: ignore[arg-type]
        dest.connection_made(_Transport())  # type: ignore[arg-type]
        written = dest.transport.written  # type: ignore[attr-defined]
        link = Link(_Connection(), DOWN, source, dest, Random(0))  # type: ignore[arg-type]
        link.attach(spec("hold", Latency(latency=60_000)))
        link.received(b"one")
        link.received(b"two")
        await asyncio.sleep(0)  # the pump takes "one" into the toxic
        dest.pause_writing()
        link.detach("hold")
        await until(lambda: written == [b"one"])
        link.received(b"three")
        dest.resume_writing()
        await until(lambda: link.straight)
        link.received(b"four")
        return written, link.chained, link.straight

    written, chained, straight = run(main)
    assert written == [b"one", b"two", b"three", b"four"]
    assert chained == 3 and straight  # "four" went straight on


def test_what_the_app_sends_before_the_upstream_is_dialled_is_kept(run):
    # The app writes at once on connect; the proxy is still dialling the upstream
    # (uvloop reads an accepted socket once even if connection_made paused it).
    async def main() -> list[bytes]:
        async with hop(echo=True) as through:
            echoes = []
            for number in range(5):
                reader, writer = await through.connect()
                ask = f"GET /{number} HTTP/1.1\r\n\r\n".encode()
                writer.write(ask)
                echoes.append(await reader.readexactly(len(ask)))
                writer.close()
            return echoes

    assert run(main) == [f"GET /{number} HTTP/1.1\r\n\r\n".encode() for number in range(5)]


# -- toxicity ---------------------------------------------------------------------------


def test_a_toxic_that_toxicity_left_off_keeps_the_link_straight(run):
    async def main() -> list[tuple[bool, int, bytes]]:
        async with hop(seed=5) as through:
            through.proxy.add_toxic(spec("never", Latency(latency=60_000), toxicity=0.0))
            through.proxy.add_toxic(spec("sometimes", Noop(), toxicity=0.5))
            outcomes = []
            for _ in range(12):
                reader, writer = await through.connect()
                _, answer = await through.upstream()
                link = await through.link(DOWN, 0)
                answer.write(b"hello" * 1000)
                got = await reader.readexactly(5000)
                active = [stub.active for stub in link.stubs]
                assert active[0] is False  # toxicity 0: never on
                outcomes.append((active[1], link.chained, got))
                writer.close()
                answer.close()
                await until(lambda: not through.proxy.links(DOWN))
            return outcomes

    outcomes = run(main)
    assert all(got == b"hello" * 1000 for _, _, got in outcomes)
    assert {active for active, _, _ in outcomes} == {True, False}  # the seed draws some of each
    for active, chained, _ in outcomes:
        assert (chained > 0) == active


# -- ends, one way at a time -----------------------------------------------------------------


@pytest.mark.parametrize("way", ["straight", "chain"])
def test_the_upstream_closing_after_its_answer_delivers_it_whole_then_closes(run, way):
    payload = pattern(3 * 1024 * 1024)

    async def main() -> tuple[bytes, bytes, dict, int]:
        async with hop() as through:
            if way == "chain":
                through.proxy.add_toxic(spec("down", Noop()))
                through.proxy.add_toxic(spec("up", Noop(), UP))
            reader, writer = await through.connect()
            _, answer = await through.upstream()
            link = await through.link(DOWN)
            answer.write(payload)
            answer.write_eof()  # EOF one way, while the app's direction is still open
            got = await reader.read(-1)
            more = await reader.read(-1)
            writer.close()
            await until(lambda: through.proxy.connections()[0]["end"] != "open")
            return got, more, through.proxy.connections()[0], link.chained

    got, more, record, chained = run(main)
    assert got == payload and more == b""
    assert (record["received"], record["forwarded"], record["end"]) == (len(payload), len(payload), "closed")
    assert (chained > 0) == (way == "chain")


@pytest.mark.parametrize("way", ["straight", "chain"])
def test_the_app_closing_its_side_delivers_what_it_sent_then_the_connection_closes(run, way):
    # As in Toxiproxy, the end of one direction closes the connection (no half-close kept open):
    # the upstream gets every byte and then EOF, and the app's side is closed after it.
    payload = pattern(2 * 1024 * 1024)

    async def main() -> tuple[bytes, bytes, int]:
        async with hop() as through:
            if way == "chain":
                through.proxy.add_toxic(spec("up", Noop(), UP))
            reader, writer = await through.connect()
            request, _ = await through.upstream()
            link = await through.link(UP)
            writer.write(payload)
            writer.write_eof()
            got = await request.read(-1)
            closed = await reader.read(-1)
            writer.close()
            return got, closed, link.chained

    got, closed, chained = run(main)
    assert got == payload
    assert closed == b""
    assert (chained > 0) == (way == "chain")


# -- flow control ------------------------------------------------------------------------------


def test_an_app_that_does_not_read_holds_the_upstream_back(run):
    # Straight on, the hop must not read the upstream faster than the app takes it: its
    # memory would grow with the answer. 32 MB sent, none read: the hop stops reading.
    payload = pattern(32 * 1024 * 1024)

    async def main() -> tuple[int, bool, bytes]:
        async with hop() as through:
            reader, writer = await through.connect()
            _, answer = await through.upstream()
            link = await through.link(DOWN)
            answer.write(payload)
            await until(lambda: link.held_back)
            read_by_the_hop = through.proxy.connections()[0]["received"]
            held = link.straight
            got = await reader.readexactly(len(payload))
            writer.close()
            return read_by_the_hop, held, got

    read_by_the_hop, straight, got = run(main)
    assert straight
    assert read_by_the_hop < 16 * 1024 * 1024
    assert got == payload


# -- what the ledger counts -------------------------------------------------------------------


def test_the_ledger_counts_the_same_straight_and_through_the_chain(run):
    # Twenty whole answers on one keep-alive connection, then a request whose answer is half
    # sent when the proxy goes down: the same traffic, with and without (no-op) toxics.
    async def traffic(chain: bool) -> dict:
        async with hop() as through:
            if chain:
                through.proxy.add_toxic(spec("down", Noop()))
                through.proxy.add_toxic(spec("up", Noop(), UP))
            reader, writer = await through.connect()
            request, answer = await through.upstream()
            links = [await through.link(UP), await through.link(DOWN)]
            for number in range(21):
                ask = f"POST /v1/chat/completions {number:04}\r\n\r\n".encode()
                writer.write(ask)
                assert await request.readexactly(len(ask)) == ask
                body = pattern(1000 + number * 100, start=number)
                if number < 20:
                    answer.write(body)
                    assert await reader.readexactly(len(body)) == body
                else:
                    answer.write(body[:500])
                    assert await reader.readexactly(500) == body[:500]
                    await through.proxy.stop()
            (record,) = through.proxy.connections()
            writer.close()
            assert all((link.chained > 0) == chain for link in links)
            return {k: v for k, v in record.items() if k not in ("client", "opened")}

    straight = run(lambda: traffic(chain=False))
    chained = run(lambda: traffic(chain=True))
    assert straight == chained
    assert len(straight["requests"]) == 21 and all(r["reached"] for r in straight["requests"])
    assert straight["end"] == "down"
    assert straight["received"] - straight["requests"][-1]["answer_from"] == 500
