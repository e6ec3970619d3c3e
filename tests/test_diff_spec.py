"""Reading specs: 3.0 and 3.1, YAML and JSON, $refs (local, relative files, loops),
one normal form for nullable/allOf/oneOf, and bad input named by file and pointer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from harness.cli import main
from harness.diff import SpecError, diff_specs, load_spec, spec_from_data
from harness.diff.shape import shape_of
from harness.diff.spec import Node

FIXTURES = Path(__file__).parent.parent / "fixtures" / "specs"
CONTRACTS = FIXTURES / "contracts"


def write(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False) if path.suffix != ".json" else json.dumps(data))
    return path


def spec_doc(schema, version="3.1.0", **components) -> dict:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/v": {
                "get": {
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
                }
            }
        },
        "components": {"schemas": components},
    }


def body_shape(data: dict):
    spec = spec_from_data(data)
    node = spec.node().child("paths", "/v", "get", "responses", "200", "content", "application/json", "schema")
    return spec, shape_of(spec, node)


# -- reading --------------------------------------------------------------------


def test_openapi_3_0_and_3_1_yaml_and_json_load(tmp_path):
    for version in ("3.0.3", "3.1.0", "3.0", "3.1.1"):
        for suffix in (".yaml", ".json"):
            path = write(tmp_path / f"s{version}{suffix}", spec_doc({"type": "object"}, version))
            spec = load_spec(path)
            assert spec.version == version and [op.route for op in spec.operations()] == ["GET /v"]


def test_the_servers_path_is_the_base_path():
    data = spec_doc({}) | {"servers": [{"url": "https://api.example.test/v1/"}]}
    assert spec_from_data(data).base_path == "/v1"
    data["servers"] = [
        {
            "url": "{scheme}://x.test/{version}",
            "variables": {"version": {"default": "v2"}, "scheme": {"default": "https"}},
        }
    ]
    assert spec_from_data(data).base_path == "/v2"
    data["servers"] = [{"url": "/api"}]
    assert spec_from_data(data).base_path == "/api"


def test_dates_stay_strings(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /v:\n    x-sunset: 2026-09-24\n")
    assert load_spec(path).root.data["paths"]["/v"]["x-sunset"] == "2026-09-24"


def test_relative_file_refs_resolve_against_the_file_that_holds_them(tmp_path):
    (tmp_path / "shared").mkdir()
    write(tmp_path / "shared" / "models.yaml", {"Usage": {"$ref": "#/Tokens"}, "Tokens": {"type": "integer"}})
    write(tmp_path / "api.yaml", spec_doc({"$ref": "shared/models.yaml#/Usage"}))
    loaded = load_spec(tmp_path / "api.yaml")
    node = loaded.node().child("paths", "/v", "get", "responses", "200", "content", "application/json", "schema")
    assert shape_of(loaded, node).types == frozenset({"integer"})


def test_refs_are_resolved_lazily_and_the_data_is_not_copied(tmp_path):
    data = spec_doc(
        {"$ref": "#/components/schemas/A"},
        A={"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
        B={"type": "string"},
        Unused={"$ref": "#/components/schemas/Nowhere"},
    )
    spec = spec_from_data(data)
    diff_specs(spec, spec_from_data(json.loads(json.dumps(data))))  # the broken, unused ref is never visited
    target = spec.resolve(Node({"$ref": "#/components/schemas/A"}, spec.root, "/x"))
    assert target.data is data["components"]["schemas"]["A"]
    assert "#/components/schemas/A" in {ref for _, ref in spec.refs}


def test_a_recursive_schema_terminates():
    node = {
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/N"}},
            "self": {"$ref": "#/components/schemas/N"},
        },
    }
    data = spec_doc({"$ref": "#/components/schemas/N"}, N=node)
    assert diff_specs(spec_from_data(data), spec_from_data(json.loads(json.dumps(data)))) == []


def test_an_allof_that_contains_itself_terminates():
    data = spec_doc(
        {"$ref": "#/components/schemas/A"}, A={"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object"}]}
    )
    assert diff_specs(spec_from_data(data), spec_from_data(json.loads(json.dumps(data)))) == []


# -- one normal form ----------------------------------------------------------------


@pytest.mark.parametrize(
    "schema",
    [
        {"type": ["string", "null"]},
        {"anyOf": [{"type": "string"}, {"type": "null"}]},
        {"oneOf": [{"type": "null"}, {"type": "string"}]},
        {"type": "string", "nullable": True},
        {"type": "string", "enum": ["a", None], "nullable": True},
    ],
)
def test_every_spelling_of_nullable_is_one_shape(schema):
    _, shape = body_shape(spec_doc(schema))
    assert shape.types == frozenset({"string"}) and shape.nullable


def test_nullable_next_to_allof_of_a_ref_is_3_0s_nullable_ref():
    _, shape = body_shape(
        spec_doc(
            {"nullable": True, "allOf": [{"$ref": "#/components/schemas/E"}]},
            "3.0.3",
            E={"type": "object", "properties": {"code": {"type": "string"}}},
        )
    )
    assert shape.nullable and set(shape.properties) == {"code"}


def test_allof_merges_properties_and_required():
    _, shape = body_shape(
        spec_doc(
            {
                "allOf": [
                    {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                    {"required": ["status"], "properties": {"status": {"type": "string"}}},
                ]
            }
        )
    )
    assert set(shape.properties) == {"id", "status"} and shape.required == {"id", "status"}
    assert shape.types == frozenset({"object"})


def test_const_is_a_one_value_enum():
    _, a = body_shape(spec_doc({"const": "video"}))
    _, b = body_shape(spec_doc({"type": "string", "enum": ["video"]}))
    assert (a.enum, a.types) == (b.enum, b.types) == (frozenset({"video"}), frozenset({"string"}))


def test_a_union_tagged_by_type_has_variants_and_an_untagged_one_is_merged():
    tagged = {
        "oneOf": [{"type": "object", "properties": {"type": {"const": t}, t: {"type": "string"}}} for t in ("a", "b")]
    }
    _, shape = body_shape(spec_doc(tagged))
    assert (shape.tag, set(shape.variants)) == ("type", {"a", "b"})
    _, merged = body_shape(spec_doc({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}))
    assert merged.types == frozenset({"string", "array"}) and not merged.variants


def test_an_open_list_of_values_is_marked_open():
    _, shape = body_shape(spec_doc({"anyOf": [{"type": "string"}, {"type": "string", "enum": ["m1", "m2"]}]}))
    assert shape.enum == {"m1", "m2"} and shape.open_enum


def test_the_same_api_in_3_0_and_3_1_words_has_no_changes():
    old = spec_doc(
        {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string"},
                "object": {"type": "string", "enum": ["video"]},
                "expires_at": {"type": "integer", "nullable": True},
                "error": {"nullable": True, "allOf": [{"$ref": "#/components/schemas/E"}]},
                "kind": {"type": "string", "enum": ["a", "b"]},
            },
        },
        "3.0.3",
        E={"type": "object", "properties": {"code": {"type": "string"}}},
    )
    new = spec_doc(
        {
            "allOf": [
                {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                {
                    "properties": {
                        "object": {"const": "video"},
                        "expires_at": {"type": ["integer", "null"]},
                        "error": {"anyOf": [{"$ref": "#/components/schemas/E"}, {"type": "null"}]},
                        "kind": {"enum": ["b", "a"]},
                    }
                },
            ]
        },
        "3.1.0",
        E={"type": "object", "properties": {"code": {"type": "string"}}},
    )
    assert diff_specs(spec_from_data(old), spec_from_data(new)) == []


# -- bad input: SpecError naming file, line and pointer; the CLI exits 2 ------------------------


def run_cli(capsys, *args) -> tuple[int, str]:
    code = main(["diff", *map(str, args), "--contracts", str(CONTRACTS)])
    return code, capsys.readouterr().err


def good(tmp_path: Path) -> Path:
    return write(tmp_path / "good.yaml", spec_doc({"type": "object"}))


def test_a_missing_file_exits_2_naming_it(tmp_path, capsys):
    code, err = run_cli(capsys, tmp_path / "nope.yaml", good(tmp_path))
    assert code == 2 and "nope.yaml" in err and "cannot read file" in err


def test_a_folder_instead_of_a_file_exits_2(tmp_path, capsys):
    code, err = run_cli(capsys, tmp_path, good(tmp_path))
    assert code == 2 and "is a folder" in err


def test_invalid_yaml_exits_2_with_its_line(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.1.0\npaths:\n  /v: [unclosed\n")
    code, err = run_cli(capsys, good(tmp_path), bad)
    assert code == 2 and "bad.yaml:" in err and "invalid YAML" in err


def test_invalid_json_exits_2_with_its_line(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"openapi": "3.1.0",\n "paths": }')
    code, err = run_cli(capsys, good(tmp_path), bad)
    assert code == 2 and "bad.json:2:" in err and "invalid JSON" in err


def test_a_document_that_is_not_openapi_exits_2(tmp_path, capsys):
    code, err = run_cli(capsys, write(tmp_path / "x.yaml", {"title": "not a spec"}), good(tmp_path))
    assert code == 2 and "x.yaml" in err and "no 'openapi' key (/openapi)" in err
    code, err = run_cli(capsys, write(tmp_path / "list.yaml", [1, 2]), good(tmp_path))
    assert code == 2 and "list.yaml" in err and "not an OpenAPI document" in err


def test_swagger_2_exits_2_naming_the_key(tmp_path, capsys):
    code, err = run_cli(capsys, write(tmp_path / "sw.yaml", {"swagger": "2.0", "paths": {}}), good(tmp_path))
    assert code == 2 and "sw.yaml:1:" in err and "Swagger 2.0" in err and "/swagger" in err


def test_a_wrong_version_exits_2_naming_the_pointer_and_line(tmp_path, capsys):
    path = tmp_path / "v4.yaml"
    path.write_text("info: {title: t}\nopenapi: 4.0.0\npaths: {}\n")
    code, err = run_cli(capsys, good(tmp_path), path)
    assert code == 2 and "v4.yaml:2:10" in err and "'4.0.0'" in err and "(at /openapi)" in err


def test_an_unresolved_local_ref_exits_2_naming_file_line_and_pointer(tmp_path, capsys):
    bad = write(tmp_path / "new.yaml", spec_doc({"$ref": "#/components/schemas/Missing"}, Present={"type": "string"}))
    code, err = run_cli(capsys, good(tmp_path), bad)
    assert code == 2
    assert "new.yaml:" in err and "'#/components/schemas/Missing' does not resolve" in err
    assert "no 'Missing' in #/components/schemas" in err
    assert "/paths/~1v/get/responses/200/content/application~1json/schema/$ref" in err
    line = bad.read_text().splitlines().index(next(line for line in bad.read_text().splitlines() if "$ref" in line)) + 1
    assert f"new.yaml:{line}:" in err


def test_an_unresolved_ref_in_the_old_spec_is_named_too(tmp_path, capsys):
    bad = write(
        tmp_path / "old.yaml",
        spec_doc({"type": "object", "properties": {"usage": {"$ref": "#/components/schemas/Usage"}}}),
    )
    code, err = run_cli(
        capsys,
        bad,
        write(tmp_path / "new.yaml", spec_doc({"type": "object", "properties": {"usage": {"type": "object"}}})),
    )
    assert code == 2 and "old.yaml" in err and "/properties/usage/$ref" in err


def test_a_ref_to_a_missing_file_exits_2(tmp_path, capsys):
    bad = write(tmp_path / "new.yaml", spec_doc({"$ref": "common/models.yaml#/Usage"}))
    code, err = run_cli(capsys, good(tmp_path), bad)
    assert code == 2 and "new.yaml" in err and "no file 'common/models.yaml'" in err and "/schema/$ref" in err


def test_a_ref_to_a_missing_pointer_in_another_file_exits_2(tmp_path, capsys):
    write(tmp_path / "models.yaml", {"Usage": {"type": "object"}})
    bad = write(tmp_path / "new.yaml", spec_doc({"$ref": "models.yaml#/Tokens"}))
    code, err = run_cli(capsys, good(tmp_path), bad)
    assert code == 2 and "no 'Tokens' in the document root of" in err and "models.yaml" in err


def test_a_loop_of_refs_exits_2(tmp_path, capsys):
    bad = write(
        tmp_path / "loop.yaml",
        spec_doc(
            {"$ref": "#/components/schemas/A"},
            A={"$ref": "#/components/schemas/B"},
            B={"$ref": "#/components/schemas/A"},
        ),
    )
    code, err = run_cli(capsys, good(tmp_path), bad)
    assert code == 2 and "loop.yaml" in err and "loop of $refs" in err


def test_a_remote_ref_exits_2(tmp_path, capsys):
    bad = write(tmp_path / "remote.yaml", spec_doc({"$ref": "https://example.test/models.yaml#/Usage"}))
    code, err = run_cli(capsys, good(tmp_path), bad)
    assert code == 2 and "refused: a $ref is never followed to a URL" in err and "remote.yaml:14:23" in err


def test_paths_that_are_not_a_mapping_exit_2(tmp_path, capsys):
    bad = write(tmp_path / "p.yaml", {"openapi": "3.1.0", "paths": ["/v"]})
    code, err = run_cli(capsys, good(tmp_path), bad)
    assert code == 2 and "p.yaml" in err and "'paths' must be a mapping" in err


def test_spec_error_is_an_input_error():
    with pytest.raises(SpecError) as caught:
        spec_from_data({"openapi": "2.0"}, "inline")
    assert caught.value.source == "inline" and "/openapi" in str(caught.value)


def test_a_json_spec_nested_too_deeply_is_bad_input_not_a_crash(tmp_path):
    from harness.diff import SpecError, load_spec

    deep = tmp_path / "deep.json"
    deep.write_text('{"openapi": "3.1.0", "x": ' + "[" * 50_000 + "]" * 50_000 + "}")
    with pytest.raises(SpecError, match="nested too deeply"):
        load_spec(deep)


PLAIN_AND_NOT = """
openapi: 3.1.0
shared: &shared {type: object, properties: {a: {type: integer, minimum: -1.5}}}
values: [1, 0x1F, 2.5, .inf, true, no, null, ~, '', 2026-09-24, !!binary aGk=, "200"]
responses: {200: {description: ok}, default: {description: err}}
again: *shared
deep: [[[{x: [y]}]]]
"""


@pytest.mark.parametrize(
    "extra",
    ["", "merged: {<<: *shared, title: t}\n", "tagged: !!set {a, b}\n"],
    ids=["plain", "merge-key", "tagged-collection"],
)
def test_the_spec_reader_builds_what_pyyaml_builds(extra):
    from harness.diff.spec import _Loader, parse

    text = (PLAIN_AND_NOT + extra).encode()
    ours = parse(text, "x.yaml")
    assert ours == yaml.load(text, Loader=_Loader)
    assert ours["values"][9] == "2026-09-24" and ours["responses"][200] == {"description": "ok"}
    assert ours["again"] is ours["shared"]  # an alias is one shared value, as PyYAML makes it


def test_a_key_that_is_a_list_is_still_invalid_yaml_with_its_line():
    from harness.diff.spec import parse

    with pytest.raises(SpecError, match=r"x.yaml:8:3: invalid YAML: found unhashable key"):
        parse((PLAIN_AND_NOT + "? [complex, key]\n: v\n").encode(), "x.yaml")


@pytest.mark.parametrize("extra", ["", "merged: {<<: *shared}\n"], ids=["plain", "merge-key"])
def test_a_tagged_value_that_cannot_be_read_is_bad_input_not_a_crash(extra):
    from harness.diff.spec import parse

    with pytest.raises(SpecError, match=r"x.yaml(:8:6)?: invalid YAML: .*'x'"):
        parse((PLAIN_AND_NOT + extra + "bad: !!int x\n").encode(), "x.yaml")
