"""Contract checks ask jsonschema-rs whether a body fits, and walk jsonschema's errors
only for a body that does not: same verdicts, same messages, a fraction of the time."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import yaml
from documents import MODELS_CONTRACT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.cassettes import load_path as load_cassettes
from harness.contracts import check, load_path, loads
from harness.contracts.compiled import CompiledSchema
from harness.errors import ContractError
from harness.exchange import Exchange, Request, Response

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [ROOT / "contracts" / "providers", ROOT / "contracts" / "examples"]
CASSETTES = [ROOT / "fixtures" / "cassettes" / "clean", ROOT / "fixtures" / "cassettes" / "drifted"]


def schemas_of(contracts) -> list[CompiledSchema]:
    out = []
    for contract in contracts:
        specs = [i.response for i in contract.interactions] + [o.response for o in contract.outcomes]
        for spec in specs:
            out += [*spec.headers.values(), *spec.events.values()]
            if spec.json is not None:
                out.append(spec.json)
    return out


def instances() -> list[object]:
    found: list[object] = []
    for exchange in load_cassettes(*CASSETTES):
        if exchange.response is None:
            continue
        found.append(exchange.response.json)
        found += [e.json if e.json is not None else e.data for e in exchange.response.events]
        found += [value for _, value in exchange.response.headers]
    # Values the two engines could read differently: big and whole-valued numbers, odd text.
    found += [2**70, -(2**70), 1.0, 1e300, "", "\u0663", "line\n", {"id": 2**64}, [None, True, 0]]
    return found


def test_every_shipped_schema_has_the_fast_engine():
    compiled = schemas_of(load_path(*SHIPPED))
    assert compiled
    assert {s.engine for s in compiled} == {"jsonschema-rs"}


def test_the_fast_verdict_never_passes_what_jsonschema_fails():
    """Differential: on every recorded body, event, header and awkward value, against every
    shipped schema, `fits` is true only where jsonschema finds no error; and it is the same
    verdict both ways, so the fast path is not merely saying 'ask jsonschema' every time."""
    values = instances()
    disagreements = []
    fitted = 0
    for schema in schemas_of(load_path(*SHIPPED)):
        for value in values:
            fast = schema.fits(value)
            slow = not list(schema.iter_errors(value))
            fitted += fast
            if fast != slow:
                disagreements.append((schema.schema, value, fast, slow))
    assert not disagreements
    assert fitted > 100


CONTRACT = MODELS_CONTRACT % (
    '{type: object, required: [count], properties: {count: {type: integer, maximum: 5}, name: {type: string, pattern: "^[a-z]+$"}}}'
)


def answer(body: bytes) -> Exchange:
    request = Request(method="GET", url="https://api.openai.com/v1/models")
    response = Response(status=200, headers=(("content-type", "application/json"),), body=body)
    return Exchange(request, response, provider="openai")


def test_a_fitting_body_is_never_walked_with_jsonschema(monkeypatch):
    contract = loads(CONTRACT)
    walked = []
    real = CompiledSchema.iter_errors

    def counting(self, instance):
        walked.append(instance)
        return real(self, instance)

    monkeypatch.setattr(CompiledSchema, "iter_errors", counting)
    assert check(contract, [answer(b'{"count": 3, "name": "abc"}')]) == []
    assert walked == []
    [violation] = check(contract, [answer(b'{"count": 9}')])
    assert walked == [{"count": 9}]
    assert (violation.pointer, violation.expected, violation.actual) == ("/count", "maximum 5", "9")


@pytest.mark.parametrize(
    "body, expected",
    [
        # Past 64 bits jsonschema-rs cannot read the number; jsonschema still judges it.
        (b'{"count": 100000000000000000000000}', [("/count", "maximum 5", "100000000000000000000000")]),
        (b'{"count": -100000000000000000000000}', []),
        (b'{"count": 1, "name": "ABC"}', [("/name", 'pattern "^[a-z]+$"', '"ABC"')]),
    ],
)
def test_verdicts_are_jsonschemas_where_the_fast_engine_cannot_read(body, expected):
    found = check(loads(CONTRACT), [answer(body)])
    assert [(v.pointer, v.expected, v.actual) for v in found] == expected


def test_without_jsonschema_rs_jsonschema_answers_alone(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)  # as on a platform with no wheel
    contract = loads(CONTRACT)
    assert contract.interactions[0].response.json.engine == "jsonschema"
    assert check(contract, [answer(b'{"count": 3}')]) == []
    [violation] = check(contract, [answer(b'{"count": 9}')])
    assert violation.expected == "maximum 5"


META_CASES = [
    {"type": "object", "properties": {"id": {"type": "string", "pattern": "^[a-z]+$"}}},
    {"type": "strin"},
    {"pattern": "["},
    {"pattern": "\\p{L}"},  # a class jsonschema-rs reads and Python's re refuses
    {"patternProperties": {"(": {}}},
    {"properties": {"pattern": {"type": "string"}}},
    {"required": "id"},
    {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"},
    {"$defs": {"a": {"minLength": -1}}},
    {"enum": []},
    True,
    {"items": [{"type": "string"}]},
    {"$ref": 5},
    {"$anchor": "1bad"},
]


@pytest.mark.parametrize("schema", META_CASES, ids=range(len(META_CASES)))
def test_the_fast_meta_check_passes_only_what_jsonschema_passes(schema):
    import jsonschema
    from jsonschema import Draft202012Validator

    from harness.schemas import _surely_meta_valid

    try:
        Draft202012Validator.check_schema(schema)
        valid = True
    except jsonschema.SchemaError:
        valid = False
    fast = _surely_meta_valid(schema)
    assert valid or not fast  # never passes what jsonschema refuses
    if not (isinstance(schema, dict) and "$schema" in schema):  # another draft: jsonschema is asked
        assert fast == valid


def test_shipped_contracts_load_without_jsonschemas_meta_walk(monkeypatch):
    from jsonschema import Draft202012Validator

    walked = []
    monkeypatch.setattr(Draft202012Validator, "check_schema", classmethod(lambda cls, s: walked.append(s)))
    assert load_path(*SHIPPED)
    assert walked == []


def _leaves(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _leaves(child, (*prefix, i))


_FORMAT_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([200.0, 599, 600, 99, "", "/", "/x\n", "x/", "GET", "FETCH", [], {}, [200], ["a"], {"a": 1}]),
    st.text(max_size=8),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_the_fast_format_check_never_passes_what_jsonschema_fails(data):
    """A contract file's format is asked of jsonschema-rs first: whatever it passes,
    jsonschema passes too, so no file loses the error it would have had."""
    from harness.contracts.loader import _FORMAT

    files = sorted(path for folder in SHIPPED for path in folder.rglob("*.yaml"))
    tree = yaml.safe_load(data.draw(st.sampled_from(files)).read_text())
    assert _FORMAT.fits(tree) and not list(_FORMAT.iter_errors(tree))  # the shipped files fit
    path = data.draw(st.sampled_from(list(_leaves(tree))[1:]))
    parent = tree
    for part in path[:-1]:
        parent = parent[part]
    if data.draw(st.booleans()):
        parent[path[-1]] = data.draw(_FORMAT_VALUES)
    else:
        del parent[path[-1]]
    if _FORMAT.fits(tree):
        assert not list(_FORMAT.iter_errors(tree))


def test_shipped_contracts_load_without_jsonschemas_format_walk(monkeypatch):
    from harness import yamlfile

    walked = []
    monkeypatch.setattr(yamlfile, "check_format", lambda *args, **kwargs: walked.append(args))
    assert load_path(*SHIPPED)
    assert walked == []
    with contextlib.suppress(ContractError):  # an empty list of interactions: the fast check doubts it
        loads("contract: x\nconsumer: y\nprovider: openai\ninteractions: []\n")
    assert len(walked) == 1
