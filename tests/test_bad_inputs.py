"""Every kind of bad input issue 13 lists is a clean error (exit 2) naming
file:line, caught when the file is loaded: a few through the real CLI, the
rest in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from documents import MODELS_CONTRACT

from harness import cassettes, yamlfile
from harness.chaos import scenario
from harness.cli import main
from harness.contracts import loader
from harness.errors import CassetteError, ContractError, InputError

ROOT = Path(__file__).resolve().parent.parent
SUNSET = (Path(__file__).parent / "apps" / "ask" / "sunset.yaml").read_text()
CONTRACT = MODELS_CONTRACT
CASSETTE = """\
interactions:
- request:
    method: POST
    uri: %(uri)s
    body: %(body)s
    headers: {}
  response:
    status: {code: 200, message: OK}
    headers: %(headers)s
    body: {string: %(string)s}
version: 1
"""


def cassette_text(**changes: str) -> str:
    fields = {"uri": "https://api.openai.com/v1/models", "body": "null", "headers": "{}", "string": "'{}'"}
    return CASSETTE % {**fields, **changes}


def write(tmp_path: Path, text: str, name: str = "f.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# -- contracts ---------------------------------------------------------------


@pytest.mark.parametrize(
    "schema, words",
    [
        ('{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}', "a loop"),
        ('{"$ref": "#"}', "a loop"),
        ('{"$defs": {"a": {"anyOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}', "a loop"),
        ('{"required": [x], "properties": {"x": {"$ref": "#/required/0"}}}', "not a schema"),
        ('{"$ref": "#/nowhere"}', "does not resolve"),
        ('{"type": 5}', "invalid JSON Schema"),
        ('{"$dynamicRef": "http://127.0.0.1:9/x"}', "another host"),
    ],
)
def test_a_bad_contract_schema_is_exit_2_at_its_line(tmp_path, capsys, schema, words):
    path = write(tmp_path, CONTRACT % schema)
    cassette = write(tmp_path, cassette_text(), "k.yaml")
    assert main(["verify", "--contracts", str(path), "--cassettes", str(cassette)]) == 2
    err = capsys.readouterr().err
    assert words in err and f"{path}:9:" in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_a_recursive_schema_that_consumes_the_instance_is_fine(tmp_path):
    path = write(tmp_path, CONTRACT % '{"type": object, "properties": {"child": {"$ref": "#"}}}')
    validator = loader.load(path).interactions[0].response.json
    assert not list(validator.iter_errors({"child": {"child": {}}}))


def test_a_meta_schema_error_names_the_line_of_the_bad_keyword(tmp_path):
    schema = "\n        type: object\n        properties:\n          n: {minimum: ten}"
    with pytest.raises(ContractError, match="invalid JSON Schema") as caught:
        loader.load(write(tmp_path, CONTRACT % schema))
    assert caught.value.line == 12


@pytest.mark.parametrize("text", ["status: 100000000000000000000", "status: [200, 10000]", "status: 99"])
def test_a_status_out_of_range_is_refused(tmp_path, text):
    with pytest.raises(ContractError, match="status"):
        loader.load(write(tmp_path, (CONTRACT % "{}").replace("status: 200", text)))


def test_duplicate_keys_name_both_lines(tmp_path):
    text = (CONTRACT % "{}").replace("consumer: me\n", "consumer: me\nconsumer: you\n")
    with pytest.raises(ContractError, match="duplicate key 'consumer': also written on line 2") as caught:
        loader.load(write(tmp_path, text))
    assert caught.value.line == 3


def test_verify_on_the_repositorys_own_contracts_folder_skips_its_scenarios(capsys):
    cassettes_dir = ROOT / "fixtures" / "cassettes" / "clean"
    assert main(["verify", "--contracts", str(ROOT / "contracts"), "--cassettes", str(cassettes_dir)]) == 0
    scenario_file = ROOT / "contracts" / "scenarios" / "nightly" / "network-latency.yaml"
    assert main(["verify", "--contracts", str(scenario_file), "--cassettes", str(cassettes_dir)]) == 2
    assert "this is a chaos scenario, not a contract" in capsys.readouterr().err


# -- scenarios ---------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, words, line",
    [
        ("expect: {status: 200}}", "expect: {status: 200, schema: {type: 5}}}", "invalid JSON Schema", 15),
        ("{at: 31, request: {method: POST", "{at: .inf, request: {method: POST", "numbers must be finite", 15),
        ("{at: 31, request: {method: POST", "{at: .nan, request: {method: POST", "numbers must be finite", 15),
        ("{at: 31, request: {method: POST", "{at: 1.0e+30, request: {method: POST", "36525", 15),
        ("seed: 7", "seed: 7\nstart: 1.0e+30", "start must be a date from 1970 to 9999", 4),
        ("seed: 7", "seed: 7\nstart: 1e30", "start must be epoch seconds or an ISO date", 4),
        ("{at: 30, fault: gone", "{at: 1.0e+300, fault: gone", "36525", 12),
        ("expect: {status: 200}}", "expect: {status: 100000000000000000000}}", "status", 15),
        ('ANTHROPIC_BASE_URL: "{anthropic.url}"', 'ANTHROPIC_BASE_URL: "{antropic.url}"', "unknown placeholder", 8),
        ("seed: 7", "seed: 7\nseed: 8", "duplicate key 'seed': also written on line 3", 4),
    ],
)
def test_a_bad_scenario_is_an_error_at_its_line(tmp_path, old, new, words, line):
    assert old in SUNSET
    with pytest.raises(InputError) as caught:
        scenario.load(write(tmp_path, SUNSET.replace(old, new, 1)))
    assert words in caught.value.message and caught.value.line == line


def test_a_network_fault_with_a_nan_parameter_is_exit_2_through_the_cli(tmp_path, capsys):
    text = SUNSET.replace(
        "timeline:\n", "timeline:\n  - {at: 2, until: 3, fault: latency, provider: openai, latency: .nan}\n"
    )
    path = write(tmp_path, text)
    assert main(["chaos", "run", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:11:" in err and "finite" in err and "Traceback" not in err


def test_a_step_schema_of_the_wrong_type_is_exit_2_through_the_cli(tmp_path, capsys):
    path = write(tmp_path, SUNSET.replace("expect: {status: 200}}", "expect: {status: 200, schema: {type: 5}}}"))
    assert main(["chaos", "run", str(path), "--report", str(tmp_path / "r")]) == 2
    assert f"{path}:15:" in capsys.readouterr().err and not (tmp_path / "r").exists()


# -- cassettes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, words, line",
    [
        ({"uri": "'http://[::1'"}, "the request 'uri' is not a URL", 4),
        ({"uri": "'/v1/models'"}, "must be an http(s) URL with a host", 4),
        ({"body": "[{a: 1}]"}, "the request 'body' must be text", 5),
        ({"body": "[-1]"}, "the request 'body' must be text", 5),
        ({"body": "[1099511627776]"}, "the request 'body' must be text", 5),
        ({"body": "!!float 1e400"}, "numbers must be finite", 5),
        ({"string": "!!float 1e400"}, "numbers must be finite", 10),
        ({"headers": "{Content-Encoding: [gzip]}"}, "says content-encoding: gzip, but its body is not gzip", 10),
        ({"headers": "{Content-Encoding: [deflate]}"}, "not deflate data", 10),
    ],
)
def test_a_bad_cassette_is_an_error_at_its_line(tmp_path, changes, words, line):
    with pytest.raises(CassetteError) as caught:
        cassettes.load(write(tmp_path, cassette_text(**changes)))
    assert words in caught.value.message and caught.value.line == line


@pytest.mark.parametrize(
    "text, words, line",
    [
        ("just: text\n", "not a vcrpy cassette", 1),
        ("- 1\n- 2\n", "not a vcrpy cassette", 1),
        ("version: 1\ninteractions: 7\n", "not a vcrpy cassette", 2),
        ("version: 1\ninteractions: []\n\x07\n", "invalid character", 3),
        ("version: 1\ninteractions: []\nversion: 2\n", "duplicate key 'version': also written on line 1", 3),
        ("version: 1\ninteractions: []\n---\nmore: 1\n", "found another document", 3),
    ],
)
def test_not_a_cassette_or_stray_bytes_name_a_line(tmp_path, text, words, line):
    with pytest.raises(CassetteError) as caught:
        cassettes.load(write(tmp_path, text))
    assert words in caught.value.message and caught.value.line == line


def test_invalid_utf8_in_a_cassette_names_its_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_bytes(b"version: 1\ninteractions: []\n# \xff\n")
    with pytest.raises(CassetteError, match="not valid UTF-8") as caught:
        cassettes.load(path)
    assert caught.value.line == 3


def test_a_bad_cassette_is_exit_2_through_the_cli(tmp_path, capsys):
    path = write(tmp_path, cassette_text(uri="'http://[::1'"))
    contracts = str(ROOT / "contracts" / "examples")
    assert main(["verify", "--contracts", contracts, "--cassettes", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:4:" in err and "Traceback" not in err


def test_cassettes_vcrpy_wrote_with_python_tags_still_load(tmp_path):
    text = cassette_text(body="!!python/unicode 'hello'", string="!!binary aGk=")
    (exchange,) = cassettes.load(write(tmp_path, text))
    assert exchange.request.body == b"hello" and exchange.response is not None and exchange.response.body == b"hi"


def test_a_python_object_tag_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    text = cassette_text(body=f"!!python/object/apply:os.system ['touch {marker}']")
    with pytest.raises(CassetteError, match="unsupported tag") as caught:
        cassettes.load(write(tmp_path, text))
    assert caught.value.line == 5 and not marker.exists()


# -- numbers in any file -------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("a: .inf", "finite"),
        ("a: -.inf", "finite"),
        ("a: .nan", "finite"),
        ("a: 1e400", None),  # YAML 1.1 reads this as a string: no number, no problem
        ("a: !!float 1e400", "finite"),
        ("a: " + "9" * 400, "out of range"),
        ("a: " + "9" * 5000, "cannot read|out of range"),  # which, depends on sys.set_int_max_str_digits
    ],
)
def test_numbers_are_finite_and_in_range(text, words):
    if words is None:
        assert yamlfile.loads(text).data == {"a": "1e400"}
        return
    with pytest.raises(InputError, match=words) as caught:
        yamlfile.loads(text, "n.yaml")
    assert caught.value.line == 1


def test_an_int64_bound_as_real_specs_write_it_is_a_number():
    assert yamlfile.loads("a: -9223372036854776000").data == {"a": -9223372036854776000}
