"""Property: a change to a field the contract does not read never breaks the consumer;
the same change to a field it reads always does."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from harness import contracts
from harness.diff import RISKY, diff_specs, judge, spec_from_data

NAMES = ("id", "status", "size", "progress", "usage", "model", "created", "text")
TYPES = ("string", "integer", "number", "boolean", "object")
# A retype that the consumer can still read (every integer is a number) is not a break; leave it out.
WIDER = {
    "string": TYPES,
    "integer": ("string", "number", "boolean", "object"),
    "number": ("string", "boolean", "object"),
    "boolean": TYPES,
    "object": TYPES,
}


def field_schema(json_type: str, nullable: bool, version: str) -> dict:
    schema: dict[str, Any] = {"type": json_type}
    if json_type == "object":
        schema["properties"] = {"inner": {"type": "string"}}
    if nullable:
        if version.startswith("3.0"):
            schema["nullable"] = True
        else:
            schema["type"] = [json_type, "null"]
    return schema


def api(fields: dict[str, dict], required: set[str], version: str, nested: bool) -> dict:
    body: dict[str, Any] = {"type": "object", "properties": fields}
    if required:
        body["required"] = sorted(required)
    if nested:
        body = {"type": "object", "properties": {"data": {"type": "array", "items": body}}}
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://x.test/v1"}],
        "paths": {
            "/things/{id}": {
                "get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": body}}}}}
            }
        },
    }


def consumer(reads: dict[str, str], nested: bool):
    body: dict[str, Any] = {"type": "object", "properties": {n: {"type": t} for n, t in reads.items()}}
    if reads:
        body["required"] = sorted(reads)
    if nested:
        body = {"type": "object", "properties": {"data": {"type": "array", "items": body}}}
    data = {
        "contract": "prop/consumer",
        "consumer": "prop",
        "provider": "openai",
        "interactions": [
            {
                "name": "get a thing",
                "request": {"method": "GET", "path": "/v1/things/t_1"},
                "response": {"status": 200, "json": body},
            }
        ],
    }
    return contracts.loads(json.dumps(data), "prop.json")


@st.composite
def scenarios(draw):
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique=True))
    types = {n: draw(st.sampled_from(TYPES)) for n in names}
    required = {n for n in names if draw(st.booleans())}
    read = {n for n in names if draw(st.booleans())}
    target = draw(st.sampled_from(names))
    mutations = ["remove", "retype", "nullable", "rename"] + (["optional"] if target in required else [])
    mutation = draw(st.sampled_from(mutations))
    new_type = draw(st.sampled_from([t for t in WIDER[types[target]] if t != types[target]]))
    return {
        "names": names,
        "types": types,
        "required": required,
        "read": read,
        "target": target,
        "mutation": mutation,
        "new_type": new_type,
        "version": draw(st.sampled_from(("3.0.3", "3.1.0"))),
        "new_version": draw(st.sampled_from(("3.0.3", "3.1.0"))),
        "nested": draw(st.booleans()),
    }


def mutate(s: dict) -> tuple[dict, dict]:
    old_fields = {n: field_schema(s["types"][n], False, s["version"]) for n in s["names"]}
    new_fields = {n: field_schema(s["types"][n], False, s["new_version"]) for n in s["names"]}
    required = set(s["required"])
    target, mutation = s["target"], s["mutation"]
    if mutation == "remove":
        del new_fields[target]
        required.discard(target)
    elif mutation == "retype":
        new_fields[target] = field_schema(s["new_type"], False, s["new_version"])
    elif mutation == "nullable":
        new_fields[target] = field_schema(s["types"][target], True, s["new_version"])
    elif mutation == "rename":
        new_fields[f"{target}_v2"] = new_fields.pop(target)
        required = {f"{target}_v2" if n == target else n for n in required}
    elif mutation == "optional":
        required.discard(target)
    return (
        api(old_fields, set(s["required"]), s["version"], s["nested"]),
        api(new_fields, required, s["new_version"], s["nested"]),
    )


@settings(max_examples=150, deadline=None, database=None)
@given(scenarios())
def test_a_change_breaks_the_consumer_exactly_when_it_reads_the_field(s):
    old, new = mutate(s)
    changes = diff_specs(spec_from_data(old, "old"), spec_from_data(new, "new"))
    assert changes, s
    result = judge(changes, [consumer({n: s["types"][n] for n in s["read"]}, s["nested"])])
    if s["target"] in s["read"]:
        assert result.breaking, (s, changes)
    else:
        assert not result.breaking, (s, result.breaking)
        assert result.provider_breaking, s


@settings(max_examples=60, deadline=None, database=None)
@given(
    values=st.lists(st.sampled_from(("queued", "running", "done", "failed")), min_size=1, unique=True),
    listed=st.booleans(),
    nested=st.booleans(),
)
def test_a_new_enum_value_is_never_breaking_and_risky_only_where_values_are_listed(values, listed, nested):
    def with_status(vals: list[str]) -> dict:
        return api({"status": {"type": "string", "enum": vals}}, set(), "3.1.0", nested)

    changes = diff_specs(spec_from_data(with_status(values)), spec_from_data(with_status(values + ["cancelled"])))
    reads = consumer({"status": "string"}, nested)
    if listed:
        body: dict[str, Any] = {"type": "object", "properties": {"status": {"enum": values}}}
        if nested:
            body = {"type": "object", "properties": {"data": {"type": "array", "items": body}}}
        data = {
            "contract": "prop/enum",
            "consumer": "prop",
            "provider": "openai",
            "interactions": [
                {
                    "name": "get",
                    "request": {"method": "GET", "path": "/v1/things/t_1"},
                    "response": {"status": 200, "json": body},
                }
            ],
        }
        reads = contracts.loads(json.dumps(data), "enum.json")
    result = judge(changes, [reads])
    assert not result.breaking
    assert [j.level for j in result.risky] == ([RISKY] if listed else [])
