"""`harness verify` on bodies that fit never imports jsonschema or referencing; a misfit
and a broken schema are still explained in jsonschema's words."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from harness import schemas, yamlfile
from harness.contracts import loads
from harness.errors import ContractError

ROOT = Path(__file__).resolve().parent.parent
_SLOW = ("jsonschema", "referencing", "jsonschema_specifications")

_PROBE = """
import json, sys
from harness.cassettes import load_path as load_cassettes
from harness.contracts import load_path, verify
result = verify(load_path(sys.argv[1]), load_cassettes(sys.argv[2]))
messages = [str(v) for v in result.violations]
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.argv[3])))
print(json.dumps({"messages": messages, "loaded": loaded}))
"""


def _probe(cassettes: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, "contracts/providers", cassettes, json.dumps(_SLOW)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_fitting_bodies_are_checked_without_jsonschema() -> None:
    found = _probe("fixtures/cassettes/clean")
    assert found == {"messages": [], "loaded": []}


def test_a_misfit_is_explained_with_jsonschema() -> None:
    found = _probe("fixtures/cassettes/drifted")
    assert "jsonschema" in found["loaded"]
    assert any('body /progress: expected type integer, got string "0"' in m for m in found["messages"])
    assert any("/choices/0/message/content: expected present, got missing" in m for m in found["messages"])


_CONTRACT = """\
contract: lazy
consumer: t
provider: openai
interactions:
  - name: x
    request: {method: POST, path: /v1/chat/completions}
    response:
      status: 200
      json: %s
"""


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ("{type: objekt}", "invalid JSON Schema: 'objekt' is not valid under any of the given schemas"),
        ('{type: string, pattern: "(open"}', "invalid JSON Schema: '(open' is not a 'regex'"),
        ('{patternProperties: {"[z-a]": {}}}', "invalid JSON Schema: '[z-a]' is not a 'regex'"),
        ('{$ref: "#/$defs/gone"}', "$ref '#/$defs/gone' does not resolve (nothing is there)"),
    ],
)
def test_a_broken_schema_keeps_its_message(schema: str, message: str) -> None:
    with pytest.raises(ContractError) as caught:
        loads(_CONTRACT % schema, "c.yaml")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "value", ["a+", "(open", "[z-a]", "\\", "(?P<x>a)(?P=x)", "", 3, None, ["("], "(?<!a)b", "a{2,1}"]
)
def test_regex_check_agrees_with_jsonschema(value: object) -> None:
    assert schemas._regex_conforms(value) == Draft202012Validator.FORMAT_CHECKER.conforms(value, "regex")


def test_a_ref_or_id_anywhere_is_found() -> None:
    keys = schemas._RESOLVER_KEYS
    shared: dict = {"type": "string"}
    assert not schemas._mentions({"properties": {"a": shared, "b": shared}, "items": [shared]}, keys)
    assert schemas._mentions({"properties": {"a": {"items": [{"$ref": "#"}]}}}, keys)
    assert schemas._mentions({"$defs": {"x": {"$id": "x"}}}, keys)
    assert schemas._mentions({"const": {"$dynamicRef": "#a"}}, keys)  # data too: the walk then decides
    looped: dict = {"type": "object"}
    looped["properties"] = {"self": looped}  # what a YAML alias can make
    assert not schemas._mentions(looped, keys)


def test_a_lazily_built_validator_reaches_what_the_schema_refs(tmp_path: Path) -> None:
    (tmp_path / "shared.yaml").write_text("type: integer\n")
    (tmp_path / "main.yaml").write_text("{$ref: shared.yaml}")
    doc = yamlfile.load(tmp_path / "main.yaml")
    checked = schemas.checked_schema(doc.data, doc, "")
    validator = checked.validator()
    assert validator.is_valid(3) and not validator.is_valid("3")
    assert [e.message for e in validator.iter_errors("3")] == ["'3' is not of type 'integer'"]
