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
- `gemini/embed_content.json` (`:embedContent`, and `:batchEmbedContents`
  whose `requests` are a list of the same) and `gemini/count_tokens.json`
  (`:countTokens`): the fields google-genai's converters write for
  `EmbedContentConfig` and `CountTokensParameters`, typed by those models,
  with `Content` and a whole GenerateContentRequest as above.
- `gemini/predict_long_running.json` (Veo's `instances`/`parameters`): every
  field of `GenerateVideosConfig` and `GenerateVideosSource` is given a sample
  value of its declared type and run through google-genai's own request
  converter; where each lands on the wire, and the JSON type it lands as, make
  the schema. google-genai 3.6 sends this request only in Vertex mode (its
  Developer API method raises before sending), and the Developer API's body
  has the same `instances`/`parameters` shape. These are free-form values to
  Google's parser, read by the model as written: camelCase only, and a number
  must be a JSON number.

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


def gemini_embed_schema() -> dict[str, Any]:
    """EmbedContentRequest, and BatchEmbedContentsRequest as a list of them."""
    from google.genai import types

    base = gemini_schema()
    defs = base["$defs"]
    config = types.EmbedContentConfig.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
    wire = {"task_type": "taskType", "title": "title", "output_dimensionality": "outputDimensionality"}
    request: dict[str, Any] = {"model": {"type": "string"}, "content": {"$ref": "#/$defs/Content"}}
    for wire_name in wire.values():
        request[wire_name] = _non_null(config["properties"][wire_name])
    defs["EmbedContentRequest"] = proto_json(closed(plain({"type": "object", "properties": request})))
    document = {
        "type": "object",
        "properties": {"requests": {"type": "array", "items": {"$ref": "#/$defs/EmbedContentRequest"}}},
        "$defs": defs,
        "additionalProperties": False,
    }
    return proto_json(document) | {"$defs": defs}


def gemini_count_schema() -> dict[str, Any]:
    """CountTokensRequest: `contents`, or a whole `generateContentRequest` (with its `model`)."""
    base = gemini_schema()
    request = dict(base["properties"])
    request["model"] = {"type": "string"}
    defs = base["$defs"]
    defs["GenerateContentRequest"] = {"type": "object", "properties": request, "additionalProperties": False}
    contents = base["properties"]["contents"]
    properties = {"contents": contents, "generateContentRequest": {"$ref": "#/$defs/GenerateContentRequest"}}
    return proto_json({"type": "object", "properties": properties, "additionalProperties": False}) | {"$defs": defs}


def _non_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`Optional[X]`'s schema without its null branch."""
    branches = [b for b in schema.get("anyOf", ()) if b.get("type") != "null"]
    return branches[0] if len(branches) == 1 else schema


MAP_KEY = "(any key)"  # the one key of a sample map: its schema takes any key
# Config fields the SDK keeps for itself: they never reach the request body.
CLIENT_SIDE = frozenset({"http_options", "abort_signal"})


def sample(annotation: Any) -> Any:
    """A value of `annotation`'s type (a pydantic model filled in whole), for the request converters."""
    import enum
    import typing

    from pydantic import BaseModel

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        real = [a for a in args if a is not type(None)]
        return sample(real[0])
    if origin is list:
        return [sample(args[0])]
    if origin is dict:
        return {MAP_KEY: sample(args[1])}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        values = {}
        for name, info in annotation.model_fields.items():
            if name in CLIENT_SIDE:
                continue
            try:  # a field only the client reads (an httpx client, a callback) takes no sample: it is not sent
                annotation(**{name: sample(info.annotation)})
            except (ValueError, TypeError):
                continue
            values[name] = sample(info.annotation)
        return annotation(**values)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return list(annotation)[-1]
    return {bool: True, int: 1, float: 0.5, str: "text", bytes: b"\x00"}.get(annotation, "text")


def shape(value: Any) -> dict[str, Any]:
    """The schema of a JSON value the converter wrote: objects closed, lists of their first item."""
    if isinstance(value, dict) and list(value) == [MAP_KEY]:
        return {"type": "object", "additionalProperties": shape(value[MAP_KEY])}
    if isinstance(value, dict):
        return {"type": "object", "properties": {k: shape(v) for k, v in value.items()}, "additionalProperties": False}
    if isinstance(value, list):
        return {"type": "array", "items": shape(value[0]) if value else {}}
    kinds = {bool: "boolean", int: "integer", float: "number", str: "string"}
    return {"type": kinds.get(type(value), "string")}


def gemini_video_schema() -> dict[str, Any]:
    """predictLongRunning's body, as google-genai's own converter writes every field it knows."""
    from types import SimpleNamespace

    from google.genai import models, types

    client = SimpleNamespace(vertexai=True, project="p", location="l")
    config = sample(types.GenerateVideosConfig)
    while True:
        parameters = types._GenerateVideosParameters(
            model="veo", source=sample(types.GenerateVideosSource), config=config
        )
        try:
            body = models._GenerateVideosParameters_to_vertex(client, parameters, None, parameters)
            break
        except ValueError as refused:  # "webhook_config parameter is only supported in ... mode": not sent here
            name = str(refused).split(" parameter ", 1)[0]
            if getattr(config, name, None) is None:
                raise
            config = config.model_copy(update={name: None})
    body = {k: v for k, v in body.items() if not k.startswith("_")}
    document = shape(body)
    instance = document["properties"]["instances"]["items"]
    instance["properties"]["image"]["properties"].setdefault("mimeType", {"type": "string"})
    # `instances` and `parameters` are free-form values (google.protobuf.Value) to Google's parser, read
    # by the model as they are: one spelling, and a number must be a number ("8" is refused).
    return plain(document)


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
    config = "google-genai {} {}".format
    write("gemini/embed_content.json", gemini_embed_schema(), config(google.genai.__version__, "EmbedContentConfig"))
    write("gemini/count_tokens.json", gemini_count_schema(), config(google.genai.__version__, "CountTokensParameters"))
    write(
        "gemini/predict_long_running.json",
        gemini_video_schema(),
        config(google.genai.__version__, "GenerateVideosSource, GenerateVideosConfig via its Vertex converter"),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
