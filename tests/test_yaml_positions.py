"""A file read without positions (cassettes) finds them when an error first asks, and
they are the positions an eager read records; the remembered tags of plain scalars
change no value."""

from __future__ import annotations

import pytest
import yaml

from harness import yamlfile
from harness.errors import InputError

TEXT = """\
interactions:
- request:
    method: POST
    uri: https://api.openai.com/v1/chat/completions
    headers: {content-length: ['76'], x-flag: [yes, no, ~, 1.5, 0x1F, 2026-11-21]}
  response:
    status: {code: 200, message: OK}
    body: {string: "{}"}
version: 1
"""


def pointers(data, pointer=""):
    yield pointer
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from pointers(value, yamlfile.pointer_join(pointer, key))


def test_lazy_positions_are_the_eager_ones():
    eager = yamlfile.loads(TEXT, "c.yaml")
    lazy = yamlfile.loads(TEXT, "c.yaml", positions=False)
    assert lazy.data == eager.data
    assert lazy.values == {} and lazy.keys == {}  # nothing recorded until asked
    for pointer in pointers(eager.data):
        assert lazy.position(pointer) == eager.position(pointer)
        assert lazy.position(pointer, key=True) == eager.position(pointer, key=True)
    error = lazy.error("bad", "/interactions/0/request/uri")
    assert (error.source, error.line, error.column) == ("c.yaml", 4, 10)


def test_values_are_pyyamls_own():
    """Tags remembered per plain scalar give what PyYAML's safe loader gives, read twice over
    (dates stay text, as always)."""
    expected = yaml.safe_load(TEXT.replace("2026-11-21", "'2026-11-21'"))
    for _ in range(2):
        assert yamlfile.loads(TEXT).data == expected
        assert yamlfile.loads(TEXT, positions=False).data == expected
    assert yamlfile.loads("a: 'yes'\nb: yes\nc: \"1\"\nd: 1\n").data == {"a": "yes", "b": True, "c": "1", "d": 1}


@pytest.mark.parametrize(
    "text, line, words",
    [("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a'"), ("a: [1, .inf]\n", 1, "finite")],
)
def test_checks_made_while_reading_still_hold_without_positions(text, line, words):
    with pytest.raises(InputError) as caught:
        yamlfile.loads(text, "f.yaml", positions=False)
    assert caught.value.line == line and words in caught.value.message
