"""Google API Discovery documents (how Gemini publishes its API), read as OpenAPI and diffed like it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.diff import SpecError, diff_specs, load_spec, spec_from_data
from harness.diff.shape import shape_of

DISCOVERY = Path(__file__).parent.parent / "fixtures" / "specs" / "discovery"
V1, V2 = DISCOVERY / "gemini-v1.json", DISCOVERY / "gemini-v2.json"
GEMINI_BASELINES = Path(__file__).parent.parent / "harness" / "baselines" / "gemini"


def changes(old: Path = V1, new: Path = V2) -> set[tuple[str, str, str, str]]:
    return {(c.kind, c.route, str(c.location), c.pointer) for c in diff_specs(load_spec(old), load_spec(new))}


def test_methods_are_operations_at_their_flat_path_under_the_root_url():
    spec = load_spec(V1)
    assert spec.version == "3.0.3" and spec.base_path == ""
    assert [op.route for op in spec.operations()] == [
        "POST /v1beta/models/{modelsId}:generateContent",
        "POST /v1beta/models/{modelsId}:streamGenerateContent",
        "POST /v1beta/models/{modelsId}:embedContent",
        "POST /v1beta/models/{modelsId}:countTokens",
        "GET /v1beta/models/{modelsId}",
        "GET /v1beta/models",
        "GET /v1beta/models/{modelsId}/operations/{operationsId}",
    ]


def test_parameters_bodies_and_schemas_are_mapped():
    spec = load_spec(V2)
    embed = next(op for op in spec.operations() if op.path.endswith(":embedContent"))
    params = {p["name"]: p for p in embed.node.data["parameters"] if "name" in p}
    assert params["modelsId"] == {"name": "modelsId", "in": "path", "required": True, "schema": {"type": "string"}}
    assert params["region"]["in"] == "query" and params["region"]["required"] is True
    assert "model" not in params  # the {+model} parameter of `path` is the flat path's {modelsId}
    shared = [p["$ref"] for p in embed.node.data["parameters"] if "$ref" in p]
    assert shared == [
        "#/components/parameters/alt",
        "#/components/parameters/key",
        "#/components/parameters/prettyPrint",
    ]
    components = spec.root.data["components"]
    assert components["parameters"]["prettyPrint"]["schema"] == {"type": "boolean", "default": True}
    body = embed.node.child("requestBody")
    assert body.data["required"] is True
    request = spec.resolve(body.child("content", "application/json", "schema"))
    assert request.pointer == "/components/schemas/EmbedContentRequest"
    assert shape_of(spec, request).required == {"content"}  # from the property's `required: true`
    temperature = components["schemas"]["GenerationConfig"]["properties"]["temperature"]
    assert temperature == {"type": "number", "format": "float", "minimum": 0, "maximum": 2}
    assert "id" not in components["schemas"]["Part"]


def test_a_removed_field_and_a_new_required_parameter_are_reported():
    found = changes()
    generate = "POST /v1beta/models/{modelsId}:generateContent"
    embed = "POST /v1beta/models/{modelsId}:embedContent"
    assert ("response-field-removed", generate, "response 200 application/json", "/candidates/*/tokenCount") in found
    assert ("request-field-required", embed, "request query", "/region") in found
    assert ("request-field-required", embed, "request application/json", "/content") in found
    assert ("path-removed", "POST /v1beta/models/{modelsId}:countTokens", "operation", "") in found
    assert ("operation-deprecated", generate, "operation", "") in found
    assert ("enum-value-added", generate, "response 200 application/json", "/candidates/*/finishReason") in found


def test_the_same_document_has_no_changes():
    assert changes(V1, V1) == set()


def test_a_gemini_update_is_judged_against_gemini_contracts(capsys):
    code = main(["diff", str(V1), str(V2), "--contracts", str(GEMINI_BASELINES), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    breaking = {(c["kind"], c["pointer"], c["interaction"]) for c in out["breaking"]}
    assert ("response-field-renamed", "/usageMetadata/candidatesTokenCount", "generate content") in breaking
    assert {(c["kind"], c["interaction"]) for c in out["risky"]} == {("operation-deprecated", "generate content")}


def discovery(**methods) -> dict:
    return {
        "discoveryVersion": "v1",
        "rootUrl": "https://x.test/",
        "servicePath": "api/",
        "schemas": {"R": {"id": "R", "type": "object", "properties": {"a": {"type": "any"}}}},
        "resources": {"things": {"methods": methods}},
    }


def test_path_templates_without_a_flat_path_and_the_service_path():
    spec = spec_from_data(discovery(get={"httpMethod": "GET", "path": "v1/{+name}", "response": {"$ref": "R"}}))
    (op,) = spec.operations()
    assert (spec.base_path, op.route) == ("/api", "GET /v1/{name}")
    schema = spec.resolve(op.node.child("responses", "200", "content", "application/json", "schema"))
    assert schema.data["properties"]["a"] == {}  # type any


@pytest.mark.parametrize(
    ("method", "message", "pointer"),
    [
        ({"path": "v1/x"}, "httpMethod must be one of", "/resources/things/methods/m/httpMethod"),
        ({"httpMethod": "GET"}, "a method needs a path", "/resources/things/methods/m"),
        ({"httpMethod": "GET", "path": "v1", "request": "R"}, "expected {$ref: SchemaId}", "/methods/m/request"),
        (
            {"httpMethod": "GET", "path": "v1", "parameters": {"p": {"location": "header"}}},
            "location must be 'query' or 'path', not 'header'",
            "/methods/m/parameters/p/location",
        ),
        ({"httpMethod": "GET", "path": "v1", "parameters": []}, "must be a mapping", "/methods/m/parameters"),
    ],
)
def test_a_malformed_discovery_document_names_file_line_and_pointer(tmp_path, method, message, pointer):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(discovery(m=method), indent=1))
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert message in caught.value.message and pointer in caught.value.message
    assert caught.value.source == str(path) and caught.value.line is not None and caught.value.line > 1


def test_two_methods_at_one_route_are_an_error(tmp_path):
    same = {"httpMethod": "GET", "path": "v1/x"}
    with pytest.raises(SpecError, match=r"GET /v1/x is defined twice \(also by .*methods/a\)"):
        spec_from_data(discovery(a=same, b=same))


def test_a_ref_to_a_schema_that_is_not_there_does_not_resolve(tmp_path, capsys):
    path = tmp_path / "new.json"
    path.write_text(json.dumps(discovery(get={"httpMethod": "GET", "path": "v1", "response": {"$ref": "Gone"}})))
    old = tmp_path / "old.json"
    old.write_text(json.dumps(discovery(get={"httpMethod": "GET", "path": "v1", "response": {"$ref": "R"}})))
    code = main(["diff", str(old), str(path), "--contracts", str(GEMINI_BASELINES)])
    err = capsys.readouterr().err
    assert code == 2 and f"{path}: $ref '#/components/schemas/Gone' does not resolve" in err
