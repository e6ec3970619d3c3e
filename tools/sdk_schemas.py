"""Derive the Anthropic and Gemini request schemas from the installed SDKs' own types.

    .venv/bin/python -m tools.sdk_schemas

writes one JSON Schema per route under `harness/validation/schemas/`:

- `anthropic/messages.json` and `anthropic/count_tokens.json`, from
  `anthropic.types.MessageCreateParamsBase` and `MessageCountTokensParams`
  (TypedDicts), through pydantic's JSON Schema generator. Every object that
  lists its properties gets `additionalProperties: false`: the Messages API
  answers an unknown field with "Extra inputs are not permitted".
- `gemini/generate_content.json`, the body of `:generateContent` and
  `:streamGenerateContent`, assembled from google-genai's pydantic models
  (`Content`, `Tool`, `ToolConfig`, `SafetySetting`, `GenerationConfig`) with
  their camelCase wire names. Google parses JSON into protocol buffers, so
  every field is also accepted under its snake_case proto name, a number may
  come as a numeric string, and an unknown field is an error.

Run it after upgrading an SDK, and commit what it writes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

TARGET = Path(__file__).resolve().parent.parent / "harness" / "validation" / "schemas"

# Fields the Messages API takes that anthropic 2.15's param types no longer declare.
# Anthropic's API reference lists them (sampling settings, ranges as documented there).
ANTHROPIC_SAMPLING = {
    "temperature": {"type": "number", "minimum": 0, "maximum": 1},
    "top_p": {"type": "number", "minimum": 0, "maximum": 1},
    "top_k": {"type": "integer", "minimum": 0},
}

# The fields of a GenerateContentRequest body the Gemini API reads, and the SDK type of each.
GEMINI_REQUEST = {
    "contents": ("list", "Content"),
    "systemInstruction": ("one", "Content"),
    "tools": ("list", "Tool"),
    "toolConfig": ("one", "ToolConfig"),
    "safetySettings": ("list", "SafetySetting"),
    "generationConfig": ("one", "GenerationConfig"),
    "cachedContent": ("string", None),
    # google-genai 3.6 sends these beside the generation settings
    "labels": ("map", None),
    "serviceTier": ("string", None),
    "store": ("boolean", None),
}

NUMERIC_TEXT = r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"  # proto JSON reads "0.5" and "12" as numbers


def closed(node: Any) -> Any:
    """Every object schema that lists properties refuses others, unless it says otherwise."""
    if isinstance(node, list):
        return [closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: closed(value) for key, value in node.items()}
    if "properties" in out and out.get("type", "object") == "object" and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def plain(node: Any) -> Any:
    """Drop documentation (titles, descriptions, defaults): the schemas are for checking, not reading."""
    if isinstance(node, list):
        return [plain(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: (
            {name: plain(sub) for name, sub in value.items()}
            if key in ("properties", "$defs", "patternProperties")
            else plain(value)
        )
        for key, value in node.items()
        if key not in ("title", "description", "default", "examples")
    }


def anthropic_schema(params: Any, *, stream: bool) -> dict[str, Any]:
    schema = TypeAdapter(params).json_schema()
    schema["properties"].update(ANTHROPIC_SAMPLING)
    if stream:
        schema["properties"]["stream"] = {"type": "boolean"}
    return closed(plain(schema))


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def proto_json(node: Any) -> Any:
    """What Google's proto JSON parser takes: both field spellings, numbers also as numeric text."""
    if isinstance(node, list):
        return [proto_json(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: proto_json(value) for key, value in node.items()}
    if isinstance(out.get("properties"), dict):
        twins = dict(out["properties"])
        for name, sub in out["properties"].items():
            twins.setdefault(snake(name), sub)
        out["properties"] = twins
    if out.get("type") in ("number", "integer"):
        kind = out["type"]
        number = {k: v for k, v in out.items() if k != "type"}
        return {
            "anyOf": [{"type": kind, **number}, {"type": "string", "pattern": NUMERIC_TEXT}],
            "x-proto-type": "TYPE_FLOAT" if kind == "number" else "TYPE_INT32",
        }
    return out


def gemini_schema() -> dict[str, Any]:
    from google.genai import types

    defs: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for field, (shape, type_name) in GEMINI_REQUEST.items():
        if type_name is not None:
            model = getattr(types, type_name)
            schema = model.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
            defs.update(schema.pop("$defs", {}))
            defs[type_name] = schema
            ref = {"$ref": f"#/$defs/{type_name}"}
            properties[field] = {"type": "array", "items": ref} if shape == "list" else ref
        elif shape == "map":
            properties[field] = {"type": "object", "additionalProperties": {"type": "string"}}
        else:
            properties[field] = {"type": shape}
    document = {"type": "object", "properties": properties, "$defs": defs}
    return proto_json(closed(plain(document)))


def write(relative: str, schema: dict[str, Any], source: str) -> None:
    path = TARGET / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"$comment": f"Generated by tools/sdk_schemas.py from {source}; do not edit.", **schema}
    path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{relative}: {len(json.dumps(schema)):,} bytes")


def main() -> int:
    import anthropic
    import google.genai
    from anthropic.types import message_count_tokens_params, message_create_params

    made_from = f"anthropic {anthropic.__version__}"
    write(
        "anthropic/messages.json",
        anthropic_schema(message_create_params.MessageCreateParamsBase, stream=True),
        f"{made_from} MessageCreateParamsBase",
    )
    write(
        "anthropic/count_tokens.json",
        anthropic_schema(message_count_tokens_params.MessageCountTokensParams, stream=False),
        f"{made_from} MessageCountTokensParams",
    )
    write(
        "gemini/generate_content.json",
        gemini_schema(),
        f"google-genai {google.genai.__version__} Content, Tool, ToolConfig, SafetySetting, GenerationConfig",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
