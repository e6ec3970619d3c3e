"""`cached_value`: computed on the first read of each instance, kept there, never shared."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from harness import sse
from harness.cached import cached_value
from harness.exchange import Response


@dataclass(frozen=True)
class _Counted:
    seed: int
    calls: list[int]

    @cached_value
    def doubled(self) -> int:
        """Twice the seed."""
        self.calls.append(self.seed)
        return self.seed * 2


def test_computed_once_per_instance_and_kept_apart() -> None:
    calls: list[int] = []
    one, two = _Counted(1, calls), _Counted(5, calls)
    assert (one.doubled, one.doubled, two.doubled, two.doubled) == (2, 2, 10, 10)
    assert calls == [1, 5]
    assert one.__dict__["doubled"] == 2 and two.__dict__["doubled"] == 10


def test_on_the_class_it_is_the_descriptor_with_its_doc() -> None:
    descriptor = _Counted.__dict__["doubled"]
    assert _Counted.doubled is descriptor
    assert descriptor.__doc__ == "Twice the seed."


def test_an_exception_is_not_cached() -> None:
    @dataclass(frozen=True)
    class Flaky:
        attempts: list[int]

        @cached_value
        def value(self) -> int:
            self.attempts.append(1)
            if len(self.attempts) == 1:
                raise ValueError("first read fails")
            return 7

    flaky = Flaky([])
    with pytest.raises(ValueError, match="first read fails"):
        _ = flaky.value
    assert flaky.value == 7 and flaky.attempts == [1, 1]


def test_response_json_and_events_are_per_instance_values() -> None:
    a = Response(body=b'{"n": 1}')
    b = Response(body=b'{"n": 2}')
    assert a.json == {"n": 1} and b.json == {"n": 2}
    assert a.json is a.json  # parsed once, the same object on every read
    assert Response(body=b"not json").json is None and Response().json is None
    stream = Response(headers=(("Content-Type", "text/event-stream"),), body=b'data: {"type": "x"}\n\ndata: [DONE]\n\n')
    events = stream.events
    assert events is stream.events
    assert [e.type for e in events] == ["x", "[DONE]"]
    assert events[0].json == {"type": "x"} and events[0].json is events[0].json and events[1].json is None
    assert Response(body=b"data: 1\n\n").events == ()


def test_event_json_is_kept_per_event() -> None:
    one, two = sse.Event(data='{"a": 1}'), sse.Event(data='{"a": 1}')
    assert one.json == two.json == {"a": 1}
    assert one.json is one.json and one.json is not two.json
