"""Schedules: when a fault acts. Same seed, same sequence — in any process."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.chaos import Schedule
from harness.chaos.schedule import KEYS, PER_CALL_KEYS, SCHEMA, WINDOW_KEYS, split_schedule


def sequence(schedule, calls=200, seed=7, key="k"):
    return [n for n in range(1, calls + 1) if schedule.acts(n, 0.0, seed=seed, key=key)]


def test_always_first_after_every():
    assert sequence(Schedule(), 5) == [1, 2, 3, 4, 5]
    assert sequence(Schedule(first=2), 5) == [1, 2]
    assert sequence(Schedule(after=3), 5) == [4, 5]
    assert sequence(Schedule(every=2), 7) == [2, 4, 6]
    assert sequence(Schedule(first=4, every=2), 9) == [2, 4]


def test_window_on_the_virtual_clock_in_days():
    window = Schedule(at=30, until=41)
    assert [d for d in (0, 29.99, 30, 40.99, 41, 90) if window.acts(1, d)] == [30, 40.99]


@given(st.floats(0, 1), st.integers(0, 2**32))
def test_probability_is_a_pure_function_of_seed_key_and_call(p, seed):
    schedule = Schedule(probability=p)
    assert sequence(schedule, 50, seed) == sequence(schedule, 50, seed)


def test_probability_is_roughly_p_and_differs_by_seed():
    schedule = Schedule(probability=0.3)
    hits = sequence(schedule, 2000)
    assert 480 < len(hits) < 720
    assert hits != sequence(schedule, 2000, seed=8)
    assert hits != sequence(schedule, 2000, key="other")


def test_same_seed_same_faults_in_another_process():
    """PYTHONHASHSEED differs between processes (and xdist workers); decisions must not."""
    code = (
        "from harness.chaos import Schedule;"
        "print([n for n in range(1, 300) if Schedule(probability=0.25).acts(n, 0, seed=42, key='outage#0')])"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": str(h)}
        ).stdout
        for h in (1, 2)
    }
    assert len(runs) == 1
    assert runs.pop().strip() == str(sequence(Schedule(probability=0.25), 299, 42, "outage#0"))


@pytest.mark.parametrize(
    "bad", [dict(first=-1), dict(every=0), dict(probability=1.5), dict(at=5, until=5), dict(first=1.5)]
)
def test_bad_schedules_say_why(bad):
    with pytest.raises(ValueError):
        Schedule(**bad)


def test_the_schedule_keys_are_the_schedule_fields_and_scenario_files_take_them():
    from harness.chaos.scenario import FORMAT

    assert KEYS == ("first", "after", "every", "probability", "at", "until")
    assert (PER_CALL_KEYS, WINDOW_KEYS) == (("first", "after", "every", "probability"), ("at", "until"))
    assert split_schedule({"first": 2, "at": 1, "retry_after": 0.2}) == ({"first": 2, "at": 1}, {"retry_after": 0.2})
    timeline = FORMAT["properties"]["timeline"]["items"]["properties"]
    assert {key: timeline[key] for key in KEYS} == SCHEMA
    assert SCHEMA["at"] == {"type": "number", "minimum": 0, "maximum": 36_525} and SCHEMA["first"] == {
        "type": "integer"
    }
