"""The contract loader: the format of docs/contracts.md loads as written; every bad file
is one ContractError naming file, line and column — never anything else."""

from __future__ import annotations

import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.contracts import load, load_path, loads
from harness.errors import ContractError

DESIGN_SKETCH = textwrap.dedent("""\
    contract: clipstudio/openai-videos
    consumer: clipstudio
    provider: openai            # a provider profile
    capability: text-to-video
    interactions:
      - name: create a video job
        request: {method: POST, path: /v1/videos, json: {model: sora-2, prompt: a red fox}}
        response:
          status: 200
          json: {type: object, required: [id, status],
                 properties: {id: {type: string}, status: {enum: [queued, in_progress, completed, failed]}}}
    lifecycle:
      states: [queued, in_progress, completed, failed]
      terminal: [completed, failed]
    refusals:
      - name: prompt blocked
        response: {status: 400, json: {properties: {error: {properties: {code: {const: moderation_blocked}}}}}}
    signals: [x-request-id, retry-after, deprecation, sunset]
    """)


def test_the_design_sketch_loads_as_written():
    contract = loads(DESIGN_SKETCH, "design.yaml")
    assert contract.name == "clipstudio/openai-videos"
    assert contract.capability == "text-to-video"
    assert [i.name for i in contract.interactions] == ["create a video job"]
    assert contract.interactions[0].response.status == (200,)
    assert contract.lifecycle.terminal == ("completed", "failed")
    assert contract.refusals[0].kind == "refusal"
    assert [s.header for s in contract.signals] == ["x-request-id", "retry-after", "deprecation", "sunset"]


def error_for(text: str) -> ContractError:
    with pytest.raises(ContractError) as info:
        loads(text, "bad.yaml")
    return info.value


@pytest.mark.parametrize(
    "change, line, words",
    [
        (
            ("interactions:", "interactons:"),
            5,
            "unknown key 'interactons' in the contract; did you mean 'interactions'",
        ),
        (("provider: openai ", "provider: opnai "), 3, "unknown provider 'opnai'"),
        (("status: 200", "status: '200'"), 9, "interactions[0].response.status has the wrong type"),
        (("path: /v1/videos", "path: v1/videos"), 7, "must start with '/'"),
        (("type: object, required", "type: objekt, required"), 10, "invalid JSON Schema"),
        (("terminal: [completed, failed]", "terminal: [completed, done]"), 14, "terminal state 'done'"),
        (("consumer: clipstudio\n", ""), 1, "missing the required key 'consumer'"),
        (("method: POST", "method: FETCH"), 7, "must be one of GET, POST"),
        (
            ("signals: [x-request-id", "signals: [{header: x-request-id, requried: true}"),
            18,
            "unknown key 'requried' in signals[0]; did you mean 'required'",
        ),
    ],
)
def test_each_mistake_names_its_line(change, line, words):
    old, new = change
    assert old in DESIGN_SKETCH
    error = error_for(DESIGN_SKETCH.replace(old, new, 1))
    assert error.source == "bad.yaml"
    assert error.line == line, str(error)
    assert words in str(error)


def test_unknown_key_points_at_the_key_itself():
    error = error_for(
        DESIGN_SKETCH.replace("  - name: prompt blocked\n", "  - name: prompt blocked\n    respnse: {}\n")
    )
    assert (error.line, error.column) == (17, 5)
    assert "did you mean 'response'" in str(error)


def test_duplicate_interaction_names_are_rejected():
    second = "  - name: create a video job\n    request: {method: GET, path: /v1/videos}\n    response: {status: 200}\n"
    error = error_for(DESIGN_SKETCH.replace("lifecycle:", second + "lifecycle:", 1))
    assert "duplicate interaction name 'create a video job'" in str(error)
    assert error.line == 12


def test_duplicate_yaml_keys_are_rejected():
    error = error_for(DESIGN_SKETCH.replace("consumer: clipstudio\n", "consumer: clipstudio\nconsumer: other\n"))
    assert (error.line, "duplicate key 'consumer'") == (3, "duplicate key 'consumer'")


def test_a_ref_that_does_not_resolve_is_named():
    error = error_for(
        DESIGN_SKETCH.replace("json: {type: object, required", "json: {$ref: '#/$defs/video', type: object, required")
    )
    assert "'#/$defs/video' does not resolve" in str(error)


def test_refusal_naming_an_unknown_interaction():
    error = error_for(
        DESIGN_SKETCH.replace(
            "  - name: prompt blocked\n", "  - name: prompt blocked\n    interactions: [create a vdeo job]\n"
        )
    )
    assert "no interaction named 'create a vdeo job'; did you mean 'create a video job'" in str(error)


def test_folders_load_recursively_and_names_must_be_unique(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.yaml").write_text(DESIGN_SKETCH)
    assert [c.name for c in load_path(tmp_path)] == ["clipstudio/openai-videos"]
    (tmp_path / "two.yml").write_text(DESIGN_SKETCH)
    with pytest.raises(ContractError, match="also used by"):
        load_path(tmp_path)


def test_one_file_reached_twice_is_one_contract(tmp_path, monkeypatch):
    (tmp_path / "contracts").mkdir()
    file = tmp_path / "contracts" / "videos.yaml"
    file.write_text(DESIGN_SKETCH)
    (tmp_path / "linked.yaml").symlink_to(file)
    monkeypatch.chdir(tmp_path)

    loaded = load_path("contracts", file, "contracts/../contracts/videos.yaml", tmp_path / "linked.yaml")

    assert [c.name for c in loaded] == ["clipstudio/openai-videos"]


def test_two_files_with_one_name_are_an_error_naming_both(tmp_path):
    (tmp_path / "one.yaml").write_text(DESIGN_SKETCH)
    (tmp_path / "two.yaml").write_text(DESIGN_SKETCH)  # the same text, but another file

    with pytest.raises(ContractError) as error:
        load_path(tmp_path / "one.yaml", tmp_path / "two.yaml")

    assert str(error.value) == (
        f"{tmp_path / 'two.yaml'}:1: contract name 'clipstudio/openai-videos' is also used by {tmp_path / 'one.yaml'}"
    )


def test_missing_and_empty_paths(tmp_path):
    with pytest.raises(ContractError, match="no such file or folder"):
        load_path(tmp_path / "nope.yaml")
    with pytest.raises(ContractError, match="cannot read file"):
        load(tmp_path / "nope.yaml")
    with pytest.raises(ContractError, match="no contract files"):
        load_path(tmp_path)


def test_json_contract_files_load(tmp_path):
    import json

    path = tmp_path / "c.json"
    path.write_text(json.dumps(yaml.safe_load(DESIGN_SKETCH), indent=2))
    assert load(path).name == "clipstudio/openai-videos"


# -- property tests: nothing but ContractError, always with a line ------------


def assert_loads_or_names_a_line(text: str | bytes) -> None:
    try:
        loads(text, "fuzz.yaml")
    except ContractError as error:
        assert error.source == "fuzz.yaml"
        assert isinstance(error.line, int) and error.line >= 1, repr(error)
        assert str(error).startswith("fuzz.yaml:")


VOCABULARY = [
    "contract",
    "consumer",
    "provider",
    "capability",
    "interactions",
    "name",
    "request",
    "response",
    "method",
    "path",
    "json",
    "status",
    "headers",
    "events",
    "last_event",
    "lifecycle",
    "states",
    "terminal",
    "refusals",
    "errors",
    "signals",
    "header",
    "required",
    "type",
    "properties",
    "enum",
    "$ref",
    "openai",
    "POST",
    "/v1/x",
    "{id}",
    "<<",
    "*a",
    "&a",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.sampled_from(VOCABULARY),
    st.text(max_size=8),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=6)), inner, max_size=5),
    ),
    max_leaves=30,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.binary(max_size=200),
        st.lists(
            st.sampled_from(VOCABULARY + [":", " ", "\n", "- ", "[", "]", "{", "}", "'", '"', "\t"]), max_size=60
        ).map("".join),
    )
)
def test_random_text_never_raises_anything_else(text):
    assert_loads_or_names_a_line(text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents)
def test_random_documents_never_raise_anything_else(data):
    assert_loads_or_names_a_line(yaml.safe_dump(data))


def mutate_text(text: str, data: st.DataObject) -> str:
    lines = text.splitlines(keepends=True)
    if not lines:
        return data.draw(st.text(max_size=20))
    op = data.draw(st.sampled_from(["delete", "insert", "duplicate", "swap", "truncate", "indent"]))
    i = data.draw(st.integers(0, len(lines) - 1))
    if op == "delete":
        del lines[i]
    elif op == "insert":
        col = data.draw(st.integers(0, len(lines[i])))
        junk = data.draw(st.one_of(st.sampled_from(VOCABULARY + [": ", "- ", "{", "]", "  "]), st.text(max_size=5)))
        lines[i] = lines[i][:col] + junk + lines[i][col:]
    elif op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "swap":
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "truncate":
        return "".join(lines)[: data.draw(st.integers(0, len(text)))]
    else:
        lines[i] = "  " + lines[i]
    return "".join(lines)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_mutated_contract_text_never_raises_anything_else(data):
    text = DESIGN_SKETCH
    for _ in range(data.draw(st.integers(1, 3))):
        text = mutate_text(text, data)
    assert_loads_or_names_a_line(text)


def paths_of(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths_of(child, prefix + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from paths_of(child, prefix + (i,))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_mutated_contract_structure_never_raises_anything_else(data):
    tree = yaml.safe_load(DESIGN_SKETCH)
    path = data.draw(st.sampled_from(list(paths_of(tree))[1:]))
    parent = tree
    for part in path[:-1]:
        parent = parent[part]
    op = data.draw(st.sampled_from(["replace", "delete", "add_key"]))
    if op == "replace":
        parent[path[-1]] = data.draw(documents)
    elif op == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.sampled_from(VOCABULARY + ["extra"]))] = data.draw(scalars)
    assert_loads_or_names_a_line(yaml.safe_dump(tree, sort_keys=False))


def _two_contracts(folder, second_schema: str) -> None:
    first = DESIGN_SKETCH
    second = DESIGN_SKETCH.replace("clipstudio/openai-videos", "clipstudio/other").replace(
        "json: {properties: {error: {properties: {code: {const: moderation_blocked}}}}}", second_schema
    )
    (folder / "a.yaml").write_text(first)
    (folder / "b.yaml").write_text(second)


def test_a_schema_written_again_is_checked_and_compiled_once(tmp_path):
    """The same content in two files is one compiled schema; a different one is its own."""
    _two_contracts(tmp_path, "json: {properties: {error: {properties: {code: {const: moderation_blocked}}}}}")
    a, b = load_path(tmp_path)
    assert a.outcomes[0].response.json is b.outcomes[0].response.json
    assert a.interactions[0].response.json is b.interactions[0].response.json
    _two_contracts(tmp_path, "json: {properties: {error: {properties: {code: {const: other}}}}}")
    a, b = load_path(tmp_path)
    assert a.outcomes[0].response.json is not b.outcomes[0].response.json
    assert b.outcomes[0].response.json.schema["properties"]["error"]["properties"]["code"] == {"const": "other"}


def test_a_schema_with_a_reference_is_checked_in_each_file(tmp_path):
    """What a `$ref` reaches depends on the file it is in: no sharing, and each file's own
    broken reference is its own error."""
    (tmp_path / "shared.yaml").write_text("type: object\n")
    ref = "json: {$ref: 'shared.yaml'}"
    _two_contracts(tmp_path, ref)
    (tmp_path / "a.yaml").write_text(
        DESIGN_SKETCH.replace("json: {properties: {error: {properties: {code: {const: moderation_blocked}}}}}", ref)
    )
    a, b = load_path(tmp_path / "a.yaml", tmp_path / "b.yaml")
    assert a.outcomes[0].response.json is not b.outcomes[0].response.json
    (tmp_path / "b.yaml").write_text((tmp_path / "b.yaml").read_text().replace("shared.yaml", "missing.yaml"))
    with pytest.raises(ContractError, match=r"b\.yaml.*missing\.yaml|missing\.yaml.*b\.yaml"):
        load_path(tmp_path / "a.yaml", tmp_path / "b.yaml")


def test_a_bad_schema_written_again_is_an_error_in_each_file(tmp_path):
    bad = "json: {type: 12}"
    _two_contracts(tmp_path, bad)
    (tmp_path / "a.yaml").write_text(tmp_path.joinpath("b.yaml").read_text().replace("clipstudio/other", "c/a"))
    for name in ("a.yaml", "b.yaml"):
        with pytest.raises(ContractError) as error:
            load_path(tmp_path / name)
        assert error.value.source.endswith(name) and "invalid JSON Schema" in str(error.value)
