"""A spec stays in its folder: `$ref`s that leave it (absolute paths, `../`, symlinks, file: and
http(s): URLs) are refused, naming file and line; hostile documents (duplicate keys, alias bombs,
huge or deeply nested files, odd pointer segments) are clean errors, never a crash or a read."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import yaml

from harness.cli import main
from harness.diff import SpecError, diff_specs, load_spec, spec_from_data
from harness.diff.shape import shape_of
from harness.diff.spec import Limits, Node

FIXTURES = Path(__file__).parent.parent / "fixtures" / "specs"
CONTRACTS = FIXTURES / "contracts"
REAL = Path(__file__).parent.parent / "benchmarks" / "specs"


def spec_text(ref: str) -> str:
    return (
        "openapi: 3.1.0\n"
        "info: {title: t, version: '1'}\n"
        "paths:\n"
        "  /v:\n"
        "    get:\n"
        "      responses:\n"
        "        '200':\n"
        "          description: ok\n"
        "          content:\n"
        "            application/json:\n"
        f"              schema: {{$ref: '{ref}'}}\n"
    )


def diff_cli(capsys, old: Path, new: Path, *options: object) -> tuple[int, str, str]:
    code = main(["diff", str(old), str(new), "--contracts", str(CONTRACTS), "--format", "json", *map(str, options)])
    out = capsys.readouterr()
    return code, out.out, out.err


def folder_with(tmp_path: Path, ref: str) -> tuple[Path, Path]:
    """A spec in tmp_path/api/ whose one schema is `ref`, and a plain old version next to it."""
    api = tmp_path / "api"
    api.mkdir(exist_ok=True)
    (api / "old.yaml").write_text(spec_text("#/components/schemas/X") + "components: {schemas: {X: {type: object}}}\n")
    (api / "new.yaml").write_text(spec_text(ref))
    return api / "old.yaml", api / "new.yaml"


SECRET = {"Leak": {"type": "object", "properties": {"SECRET_FIELD_NAME": {"enum": ["SECRET_VALUE"]}}}}


def assert_refused(code: int, out: str, err: str, new: Path, why: str) -> None:
    assert code == 2 and out == ""
    assert err.startswith(f"error: {new}:11:") and ": $ref " in err and "refused" in err and why in err, err
    assert "SECRET" not in err


# -- $refs leaving the folder ------------------------------------------------------------------------


def test_an_absolute_path_is_refused(tmp_path, capsys):
    outside = tmp_path / "outside.yaml"
    outside.write_text(yaml.safe_dump(SECRET))
    old, new = folder_with(tmp_path, f"{outside}#/Leak")
    assert_refused(*diff_cli(capsys, old, new), new, "an absolute path is never followed")


def test_proc_self_environ_is_never_opened(tmp_path, capsys):
    old, new = folder_with(tmp_path, "/proc/self/environ#/X")
    assert_refused(*diff_cli(capsys, old, new), new, "an absolute path")


def test_dot_dot_out_of_the_folder_is_refused(tmp_path, capsys):
    (tmp_path / "outside.yaml").write_text(yaml.safe_dump(SECRET))
    old, new = folder_with(tmp_path, "../outside.yaml#/Leak")
    assert_refused(*diff_cli(capsys, old, new), new, f"outside the folders specs may read ({tmp_path / 'api'})")


def test_dot_dot_that_stays_inside_is_followed(tmp_path, capsys):
    api = tmp_path / "api"
    (api / "common").mkdir(parents=True)
    (api / "common" / "models.yaml").write_text(yaml.safe_dump({"X": {"type": "string"}}))
    old, new = folder_with(tmp_path, "common/../common/models.yaml#/X")
    code, out, err = diff_cli(capsys, old, new)
    assert code in (0, 1) and err == "" and json.loads(out)["counts"]


def test_a_symlink_out_of_the_folder_is_refused(tmp_path, capsys):
    (tmp_path / "outside.yaml").write_text(yaml.safe_dump(SECRET))
    old, new = folder_with(tmp_path, "models.yaml#/Leak")
    os.symlink(tmp_path / "outside.yaml", tmp_path / "api" / "models.yaml")
    assert_refused(*diff_cli(capsys, old, new), new, f"it leads to {tmp_path / 'outside.yaml'}")


@pytest.mark.parametrize(
    "ref",
    [
        "file:///etc/passwd#/X",
        "file:models.yaml#/X",
        "http://127.0.0.1:9/models.yaml#/X",
        "https://example.test/models.yaml#/X",
        "//example.test/models.yaml#/X",
    ],
)
def test_urls_are_refused(tmp_path, capsys, ref):
    old, new = folder_with(tmp_path, ref)
    assert_refused(*diff_cli(capsys, old, new), new, "never followed to a URL")


def test_allow_refs_names_another_folder(tmp_path, capsys):
    common = tmp_path / "common"
    common.mkdir()
    (common / "models.yaml").write_text(yaml.safe_dump({"X": {"type": "string"}}))
    old, new = folder_with(tmp_path, "../common/models.yaml#/X")
    assert diff_cli(capsys, old, new)[0] == 2
    code, out, err = diff_cli(capsys, old, new, "--allow-refs", common)
    assert err == "" and code in (0, 1)
    found = json.loads(out)
    assert [c["kind"] for level in ("breaking", "provider_breaking", "harmless") for c in found[level]] == [
        "response-field-retyped"
    ]


def test_allow_refs_must_be_a_folder(tmp_path, capsys):
    old, new = folder_with(tmp_path, "#/X")
    code, _, err = diff_cli(capsys, old, new, "--allow-refs", tmp_path / "nope")
    assert code == 2 and "--allow-refs: not a folder" in err


def test_a_spec_made_from_data_cannot_read_files(tmp_path, monkeypatch):
    (tmp_path / "models.yaml").write_text(yaml.safe_dump({"X": {"type": "string"}}))
    monkeypatch.chdir(tmp_path)
    spec = spec_from_data(yaml.safe_load(spec_text("models.yaml#/X")))
    node = spec.node().child("paths", "/v", "get", "responses", "200", "content", "application/json", "schema")
    with pytest.raises(SpecError, match="not read from a file, so it cannot refer to other files"):
        spec.resolve(node)


def test_a_ref_with_a_nul_byte_is_a_clean_error(tmp_path, capsys):
    old, new = folder_with(tmp_path, "models\\0.yaml#/X")
    new.write_text(new.read_text().replace("\\0", "\0").replace("'models", '"models').replace("X'}", 'X"}'))
    code, _, err = diff_cli(capsys, old, new)
    assert code == 2 and "new.yaml" in err


# -- pointers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("segment", ["²", "٣", "0x1", "-1", "1.0", "99999999999999999999999"])
def test_an_index_that_is_not_ascii_digits_does_not_resolve(tmp_path, capsys, segment):
    """`"²".isdigit()` is True but `int("²")` raises: the pointer must say 'does not resolve', not crash."""
    old, new = folder_with(tmp_path, f"#/components/schemas/X/allOf/{segment}")
    new.write_text(new.read_text() + "components: {schemas: {X: {allOf: [{type: object}, {type: string}]}}}\n")
    code, _, err = diff_cli(capsys, old, new)
    assert code == 2 and f"no '{segment}' in #/components/schemas/X/allOf" in err


def test_an_ascii_index_resolves():
    data = yaml.safe_load(spec_text("#/components/schemas/X/allOf/01"))
    data["components"] = {"schemas": {"X": {"allOf": [{"type": "object"}, {"type": "string"}]}}}
    spec = spec_from_data(data)
    target = spec.resolve(Node({"$ref": "#/components/schemas/X/allOf/01"}, spec.root, "/x"))
    assert shape_of(spec, target).types == frozenset({"string"}) and target.pointer.endswith("/allOf/1")


# -- duplicate keys --------------------------------------------------------------------------------------


def test_a_duplicate_key_in_yaml_names_both_lines(tmp_path, capsys):
    path = tmp_path / "dup.yaml"
    path.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nopenapi: 3.1.0\n")
    code, _, err = diff_cli(capsys, path, path)
    assert code == 2
    assert f"{path}:4:1: duplicate key 'openapi' (first on line 1, again on line 4)" in err


def test_a_duplicate_key_deep_in_json_names_both_lines(tmp_path, capsys):
    path = tmp_path / "dup.json"
    path.write_text('{"openapi": "3.1.0",\n "info": {"title": "t",\n  "version": "1",\n  "title": "u"},\n "paths": {}}')
    code, _, err = diff_cli(capsys, path, path)
    assert code == 2 and f"{path}:4:3: duplicate key 'title' (first on line 2, again on line 4)" in err


def test_merge_keys_are_not_duplicates(tmp_path):
    path = tmp_path / "merge.yaml"
    path.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nx-base: &b {a: 1, b: 2}\nx-use: {<<: *b, b: 3}\npaths: {}\n"
    )
    assert load_spec(path).root.data["x-use"] == {"a": 1, "b": 3}


@pytest.mark.skipif(not REAL.is_dir(), reason="the published OpenAI specs are not in this checkout")
def test_the_published_openai_specs_have_no_duplicate_keys_and_load_within_the_limits():
    for path in sorted(REAL.glob("*.yaml")):
        assert load_spec(path).version.startswith("3.1")


# -- size, aliases, depth ---------------------------------------------------------------------------------


def alias_bomb() -> str:
    lines = [
        "openapi: 3.1.0",
        "info: {title: t, version: '1'}",
        "paths: {}",
        "x-l0: &l0 [" + ",".join(["x"] * 40) + "]",
    ]
    for level in range(1, 10):
        lines.append(f"x-l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 40) + "]")
    return "\n".join(lines) + "\n"


def test_a_16_kb_alias_bomb_fails_fast(tmp_path, capsys):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb() * 1)
    assert path.stat().st_size < 16_384
    started = time.perf_counter()
    code, _, err = diff_cli(capsys, path, path)
    assert code == 2 and "expands to more than 1,000,000 values through YAML aliases" in err and f"{path}:" in err
    assert time.perf_counter() - started < 30  # a guard against hanging, not a speed measure


def test_an_alias_inside_itself_is_refused(tmp_path):
    path = tmp_path / "self.yaml"
    path.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-loop: &a [1, *a]\n")
    with pytest.raises(SpecError, match=r"self\.yaml:4:.*(nested more than 1,000 levels|through YAML aliases)"):
        load_spec(path, limits=Limits(max_values=10_000))


def test_the_value_cap_can_be_raised(tmp_path, capsys):
    path = tmp_path / "shared.yaml"
    path.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "x-a: &a [" + ",".join(["1"] * 100) + "]\nx-b: [" + ",".join(["*a"] * 100) + "]\n"
    )
    assert diff_cli(capsys, path, path, "--max-spec-values", "5000")[0] == 2
    assert diff_cli(capsys, path, path, "--max-spec-values", "20000")[0] == 0


def test_a_file_larger_than_the_cap_is_refused_before_it_is_parsed(tmp_path, capsys):
    path = tmp_path / "big.yaml"
    path.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n" + "#" * 2**20 + "\n")
    code, _, err = diff_cli(capsys, path, path, "--max-spec-size", "1")
    assert code == 2 and f"{path}: the document is larger than 1,048,576 bytes" in err
    assert diff_cli(capsys, path, path, "--max-spec-size", "2")[0] == 0


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_deep_nesting_is_a_clean_error(tmp_path, capsys, suffix):
    path = tmp_path / f"deep{suffix}"
    deep = "[" * 20_000 + "]" * 20_000
    path.write_text('{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, "x": ' + deep + "}")
    code, _, err = diff_cli(capsys, path, path)
    assert code == 2 and "nested" in err and str(path) in err


def test_the_limits_apply_to_files_a_ref_reads(tmp_path):
    api = tmp_path / "api"
    api.mkdir()
    (api / "models.yaml").write_text(alias_bomb())
    (api / "new.yaml").write_text(spec_text("models.yaml#/x-l1"))
    spec = load_spec(api / "new.yaml")
    old = spec_from_data(yaml.safe_load(spec_text("#/components/schemas/X")) | {"components": {"schemas": {"X": {}}}})
    with pytest.raises(SpecError, match=r"models\.yaml.*through YAML aliases"):
        diff_specs(old, spec)
