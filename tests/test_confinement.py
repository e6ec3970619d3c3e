"""References and working folders stay inside the file's own folder tree (or a
folder the user allows): never the network, never file:// or an absolute path,
never a `../` or a symlink out. Each refusal is a clean error naming file:line."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from documents import MODELS_CONTRACT
from referencing.exceptions import Unresolvable

from harness import yamlfile
from harness.chaos import scenario
from harness.cli import main
from harness.contracts import loader
from harness.errors import ContractError, InputError

CONTRACT = MODELS_CONTRACT
SCENARIO = """\
scenario: s
doubles: [openai]
app:
  url: "http://127.0.0.1:9"
  cwd: %s
steps:
  - request: {path: /x}
    expect: {schema: %s}
"""


@pytest.fixture(autouse=True)
def no_network_and_a_record_of_reads(monkeypatch):
    """Any attempt to fetch a URL fails the test; every file yamlfile reads is recorded."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"tried to fetch {args[0]!r}")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setenv("HARNESS_ALLOW_DIRS", "")  # none; and restored after a command sets it
    reads: list[Path] = []
    real = yamlfile.read

    def read(path, **kwargs):
        reads.append(Path(path).resolve())
        return real(path, **kwargs)

    monkeypatch.setattr(yamlfile, "read", read)
    return reads


@pytest.fixture
def tree(tmp_path):
    """tmp/c (the contract's folder, with defs/), tmp/outside (a schema the refs must not reach)."""
    (tmp_path / "c" / "defs").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "schema.yaml").write_text("type: object\nrequired: [secret]\n")
    (tmp_path / "c" / "defs" / "model.yaml").write_text(
        "Model:\n  type: object\n  required: [id]\nEscape:\n  $ref: ../../outside/schema.yaml\n"
    )
    (tmp_path / "c" / "link").symlink_to(tmp_path / "outside")
    return tmp_path


def contract(tree: Path, schema: str) -> Path:
    path = tree / "c" / "contract.yaml"
    path.write_text(CONTRACT % schema)
    return path


@pytest.mark.parametrize(
    "schema, words",
    [
        ('{"$ref": "http://127.0.0.1:9/s.json"}', "would be read from another host"),
        ('{"$ref": "https://example.com/s.json#/a"}', "would be read from another host"),
        ('{"$dynamicRef": "http://127.0.0.1:9/s.json"}', "would be read from another host"),
        ('{"$ref": "file:///etc/passwd"}', "read through a file: URL"),
        ('{"$dynamicRef": "file:///proc/self/environ"}', "read through a file: URL"),
        ('{"$ref": "/proc/self/environ"}', "is an absolute path"),
        ('{"$ref": "../outside/schema.yaml"}', "is outside the folders files may reach"),
        ('{"$ref": "link/schema.yaml"}', "is outside the folders files may reach"),
        ('{"$id": "file:///proc/self/", "$ref": "environ"}', "is outside the folders files may reach"),
    ],
)
def test_a_contract_ref_out_of_its_tree_is_refused_at_its_line(tree, no_network_and_a_record_of_reads, schema, words):
    path = contract(tree, schema)
    with pytest.raises(ContractError, match=r"does not resolve|refs reach only") as caught:
        loader.load(path)
    assert words in caught.value.message and caught.value.source == str(path) and caught.value.line == 9
    assert no_network_and_a_record_of_reads == [path.resolve()]  # nothing but the contract was opened


def test_a_ref_in_a_file_reached_by_a_ref_may_not_climb_out(tree, no_network_and_a_record_of_reads):
    with pytest.raises(ContractError, match="may not climb") as caught:
        loader.load(contract(tree, '{"$ref": "defs/model.yaml#/Escape"}'))
    assert caught.value.source.endswith("model.yaml") and caught.value.line == 5
    assert tree / "outside" / "schema.yaml" not in no_network_and_a_record_of_reads


def test_a_ref_inside_the_tree_is_read_and_checks_exchanges(tree):
    found = loader.load(contract(tree, '{"$ref": "defs/model.yaml#/Model"}'))
    validator = found.interactions[0].response.json
    assert not list(validator.iter_errors({"id": "m"}))
    assert [e.validator for e in validator.iter_errors({})] == ["required"]


def test_an_allowed_folder_may_be_reached(tree, monkeypatch):
    monkeypatch.setenv("HARNESS_ALLOW_DIRS", str(tree / "outside"))
    found = loader.load(contract(tree, '{"$ref": "../outside/schema.yaml"}'))
    assert [e.validator for e in found.interactions[0].response.json.iter_errors({})] == ["required"]


def test_a_ref_to_a_missing_file_or_a_non_schema_names_the_line(tree):
    with pytest.raises(ContractError, match="no such file") as caught:
        loader.load(contract(tree, '{"$ref": "defs/none.yaml"}'))
    assert caught.value.line == 9
    with pytest.raises(ContractError, match="points at the string 'x', not a schema"):
        loader.load(contract(tree, '{"required": [x], "properties": {"x": {"$ref": "#/required/0"}}}'))


def test_verify_refuses_a_remote_ref_with_exit_2_and_allows_a_named_folder(tree, capsys):
    cassette = tree / "cassette.yaml"
    cassette.write_text("interactions: []\nversion: 1\n")
    path = contract(tree, '{"$ref": "../outside/schema.yaml"}')
    assert main(["verify", "--contracts", str(path), "--cassettes", str(cassette)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:9:" in err and "--allow-dir" in err and "Traceback" not in err
    args = ["verify", "--contracts", str(path), "--cassettes", str(cassette), "--allow-dir", str(tree / "outside")]
    assert main(args) == 0


# -- scenarios ---------------------------------------------------------------


def write_scenario(tree: Path, cwd: str, schema: str) -> Path:
    path = tree / "c" / "s.yaml"
    path.write_text(SCENARIO % (cwd, schema))
    return path


@pytest.mark.parametrize(
    "schema, words",
    [
        ('{"$ref": "http://127.0.0.1:9/s.json"}', "would be read from another host"),
        ('{"$ref": "/proc/self/environ"}', "is an absolute path"),
        ('{"$dynamicRef": "../outside/schema.yaml"}', "is outside the folders"),
    ],
)
def test_a_step_schema_ref_out_of_the_tree_is_refused(tree, no_network_and_a_record_of_reads, schema, words):
    path = write_scenario(tree, ".", schema)
    with pytest.raises(InputError) as caught:
        scenario.load(path)
    assert words in caught.value.message and caught.value.line == 8
    assert no_network_and_a_record_of_reads == [path.resolve()]


def test_a_step_schema_ref_inside_the_tree_is_checked_at_run_time_with_the_same_registry(tree):
    from harness.chaos.runner import expectation_problems

    loaded = scenario.load(write_scenario(tree, ".", '{"$ref": "defs/model.yaml#/Model"}'))
    step = loaded.steps[0]
    import httpx

    bad = httpx.Response(200, json={})
    assert expectation_problems(step.expect, bad, step.schema)[0].startswith("body does not fit the schema")
    assert expectation_problems(step.expect, httpx.Response(200, json={"id": "m"}), step.schema) == []


@pytest.mark.parametrize(
    "cwd, words", [("/tmp", "is outside the folders"), ("../outside", "is outside"), ("link", "is outside")]
)
def test_app_cwd_is_confined_to_the_scenario_folder(tree, cwd, words):
    with pytest.raises(InputError, match=words) as caught:
        scenario.load(write_scenario(tree, cwd, "{}"))
    assert caught.value.line == 5 and "app.cwd" in caught.value.message


def test_app_cwd_inside_or_allowed_becomes_an_absolute_path(tree, monkeypatch):
    assert scenario.load(write_scenario(tree, "defs", "{}")).app["cwd"] == str((tree / "c" / "defs").resolve())
    monkeypatch.setenv("HARNESS_ALLOW_DIRS", str(tree / "outside"))
    assert scenario.load(write_scenario(tree, "../outside", "{}")).app["cwd"] == str((tree / "outside").resolve())


def test_a_checker_never_fetches_at_check_time(tree):
    """The compiled validator keeps the confining registry: a ref it meets is refused, not fetched."""
    found = loader.load(contract(tree, '{"$ref": "defs/model.yaml#/Model"}'))
    validator = found.interactions[0].response.json.validator
    from harness.schemas import with_registry_of

    sneaky = with_registry_of(validator, {"$ref": "http://127.0.0.1:9/x.json"})
    with pytest.raises(Unresolvable):
        list(sneaky.iter_errors({}))


def test_the_fast_engine_reaches_a_ref_in_the_tree_and_nothing_else(tree):
    """jsonschema-rs reads another file only through the confining registry: the file in
    the tree is read, and it is the same schema jsonschema sees."""
    found = loader.load(contract(tree, '{"$ref": "defs/model.yaml#/Model"}'))
    schema = found.interactions[0].response.json
    assert schema.engine == "jsonschema-rs"
    assert schema.fits({"id": "m"})
    assert not schema.fits({})
