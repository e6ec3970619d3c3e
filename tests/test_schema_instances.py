"""Made-up values that fit a schema (harness/providers/_instances.py): what the
Anthropic tool inputs, Gemini function args and Gemini JSON mode are made of."""

from __future__ import annotations

import datetime
import enum
import random
from typing import Literal

import jsonschema
import pydantic
import pytest

from harness.providers._instances import instance


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Item(pydantic.BaseModel):
    name: str = pydantic.Field(min_length=5, max_length=8)
    quantity: int = pydantic.Field(ge=3, le=7)
    price: float = pydantic.Field(gt=0, lt=1)
    delivered: datetime.date
    colour: Colour
    kind: Literal["box", "bag"]
    note: str | None = None


class Order(pydantic.BaseModel):
    items: list[Item] = pydantic.Field(min_length=3)
    tags: set[str]
    gift_for: Item | None


JSON_SCHEMAS = {
    "pydantic with $defs": Order.model_json_schema(),
    "multipleOf and a required name without a schema": {
        "type": "object",
        "properties": {"n": {"type": "integer", "multipleOf": 5, "minimum": 7, "maximum": 40}},
        "required": ["n", "m"],
    },
    "nullable type list": {"type": ["string", "null"], "format": "email"},
    "oneOf with an open bound": {"oneOf": [{"type": "null"}, {"type": "number", "exclusiveMinimum": 10}]},
    "draft 4 exclusive bounds": {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "integer",
        "minimum": 0,
        "exclusiveMinimum": True,
        "maximum": 2,
    },
    "allOf merged": {
        "allOf": [
            {"type": "object", "properties": {"a": {"const": 1}}, "required": ["a"]},
            {"properties": {"b": {"type": "boolean"}}, "required": ["b"]},
        ]
    },
    "unique enum items": {"type": "array", "items": {"enum": ["x", "y"]}, "uniqueItems": True, "minItems": 2},
}


@pytest.mark.parametrize("name", JSON_SCHEMAS)
@pytest.mark.parametrize("seed", range(25))
def test_a_value_fits_its_json_schema(name, seed):
    schema = JSON_SCHEMAS[name]
    jsonschema.validate(instance(schema, random.Random(seed)), schema)


def test_the_same_seed_gives_the_same_value_and_others_differ():
    schema = Order.model_json_schema()
    made = [instance(schema, random.Random(seed)) for seed in (1, 1, 2)]
    assert made[0] == made[1] != made[2]


def test_geminis_schema_is_read_with_its_upper_case_types_and_property_order():
    schema = {
        "type": "OBJECT",
        "properties": {
            "minutes": {"type": "INTEGER", "minimum": 5, "maximum": 9},
            "name": {"type": "STRING"},
            "tags": {"type": "ARRAY", "items": {"type": "STRING"}, "maxItems": 1},
        },
        "property_ordering": ["name", "minutes", "tags"],
        "required": ["name", "minutes"],
    }
    value = instance(schema, random.Random(3))
    assert list(value) == ["name", "minutes", "tags"]
    assert isinstance(value["name"], str) and 5 <= value["minutes"] <= 9 and len(value["tags"]) == 1
