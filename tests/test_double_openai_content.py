"""The OpenAI double's made-up content is drawn the same way however it is drawn quickly:
`picks` gives what `random.choice` gives, item for item, and leaves the generator where
`choice` leaves it; the text that seeds a prompt's generator is `json.dumps`'s."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.providers.openai import content


@given(st.integers(), st.integers(1, 300), st.integers(0, 60))
def test_picks_are_the_choices_random_makes(seed, size, count):
    population = tuple(f"w{i}" for i in range(size))
    fast, slow = random.Random(seed), random.Random(seed)
    assert content.picks(fast, population, count) == [slow.choice(population) for _ in range(count)]
    assert fast.getstate() == slow.getstate()


def test_picks_take_a_string_as_choice_does():
    fast, slow = random.Random(5), random.Random(5)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789"
    assert content.picks(fast, letters, 500) == [slow.choice(letters) for _ in range(500)]


def test_picks_from_nothing_raise_as_choice_does():
    """Not a draw of 0 bits again and again, without end."""
    with pytest.raises(IndexError):
        random.Random(1).choice(())
    with pytest.raises(IndexError):
        content.picks(random.Random(1), (), 3)


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@given(st.lists(values, max_size=4))
def test_the_seed_text_is_what_json_dumps_writes(parts):
    assert content._SEED_TEXT(parts) == json.dumps(parts, sort_keys=True, default=str)


def test_the_seed_text_writes_what_json_cannot_as_its_str():
    odd = [object.__new__(type("Thing", (), {"__str__": lambda self: "a thing"})), {"b": 1, "a": 2}]
    assert content._SEED_TEXT(odd) == json.dumps(odd, sort_keys=True, default=str) == '["a thing", {"a": 2, "b": 1}]'
