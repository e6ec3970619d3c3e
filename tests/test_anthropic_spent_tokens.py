"""Anthropic's rate-limit headers count a conversation's tokens as `json.dumps` spells it,
whether the count was kept from an earlier request or made now."""

from __future__ import annotations

import json
import math

import pytest

from harness.providers import anthropic
from harness.providers._answers import count_tokens

CONVERSATIONS = [
    [{"role": "user", "content": "Héllo — how are you?"}],
    [{"role": "user", "content": [{"type": "text", "text": "a"}], "n": 1}],
    [{"role": "user", "content": [{"type": "text", "text": "a"}], "n": 1.0}],
    [{"role": "user", "content": "x", "n": -0.0}],
    [{"role": "user", "content": "x", "n": 0.0}],
    [{"role": "user", "content": "x", "n": None}],
    [{"role": "user", "content": "x", "n": math.nan}],
    [{"role": "user", "content": "x", "n": -math.inf}],
    [{"role": "user", "content": "x", "n": 2**70}],
    "",
]


@pytest.mark.parametrize("rounds", [1, 2])
def test_every_conversation_counts_as_json_dumps_spells_it_again_and_again(rounds: int) -> None:
    anthropic._tokens_of.cache_clear()
    for _ in range(rounds):
        for messages in CONVERSATIONS + list(reversed(CONVERSATIONS)):
            assert anthropic._messages_tokens(messages) == count_tokens(json.dumps(messages)), messages


def test_values_orjson_writes_alike_are_not_mistaken_for_each_other() -> None:
    anthropic._tokens_of.cache_clear()
    # null first, then NaN and -Infinity, which orjson also writes as null
    null, nan, minus_infinity = CONVERSATIONS[5], CONVERSATIONS[6], CONVERSATIONS[7]
    counts = [anthropic._messages_tokens(m) for m in (null, nan, minus_infinity)]
    assert counts == [count_tokens(json.dumps(m)) for m in (null, nan, minus_infinity)]
    assert counts[2] != counts[0]  # "-Infinity" is two tokens, "null" one
