"""`harness exposure` on a made-up code base (fixtures/exposure/acme): each finding, one by one."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from harness import providers
from harness.cli import main as harness_main
from harness.exposure import scan
from harness.exposure.python_source import scan_source
from harness.exposure.render import as_sarif
from harness.exposure.sdk_calls import METHODS, UNSERVED
from harness.routes import Route

ACME = Path(__file__).parent.parent / "fixtures" / "exposure" / "acme"
ON = date(2026, 12, 1)


@pytest.fixture(scope="module")
def inventory():
    return scan([ACME], on=ON)


def found(inventory, path: str, line: int):
    hits = [f for f in inventory.findings if f.path.endswith(path) and f.line == line]
    assert hits, f"nothing found at {path}:{line}: {[(f.path, f.line) for f in inventory.findings]}"
    return hits


def test_an_sdk_call_with_its_model_from_an_environment_default(inventory):
    (f,) = found(inventory, "app/chat.py", 11)
    assert (f.kind, f.provider, f.route, f.model, f.model_from) == (
        "sdk-call",
        "openai",
        "POST /v1/chat/completions",
        "gpt-4o-mini",
        "env CHAT_MODEL (default)",
    )
    assert f.contracts == ("acme/openai-chat",)  # contracts/chat.yaml covers it
    assert f.rehearsed == ("gone", "outage", "rate_limit")  # the scenario's outage and the test's chaos mark


def test_a_model_shut_down_on_the_catalogues_date_on_a_route_no_contract_covers(inventory):
    (f,) = found(inventory, "app/video.py", 7)
    assert (f.provider, f.route, f.model) == ("openai", "POST /v1/videos", "sora-2")
    assert f.state() == "retired"
    assert f.shutdown_on == date(2026, 9, 24)
    assert (f.contracts, f.rehearsed) == ((), ())


def test_a_client_kept_on_self_with_a_model_chosen_at_run_time(inventory):
    (f,) = found(inventory, "app/writer.py", 9)
    assert (f.provider, f.route, f.model, f.model_from) == (
        "anthropic",
        "POST /v1/messages",
        "dynamic",
        "variable model",
    )


def test_gemini_calls_name_their_routes(inventory):
    (generate,) = found(inventory, "app/gemini.py", 7)
    (embed,) = found(inventory, "app/gemini.py", 11)
    assert (generate.route, generate.model) == ("POST /v1beta/models/{model}:generateContent", "gemini-2.5-flash")
    assert (embed.route, embed.model) == ("POST /v1beta/models/{model}:embedContent", "gemini-embedding-001")


def test_a_client_passed_in_is_known_by_its_annotation(inventory):
    (f,) = found(inventory, "app/passed_in.py", 5)
    assert (f.provider, f.route, f.model) == ("openai", "POST /v1/moderations", "omni-moderation-latest")


def test_a_raw_httpx_call_to_a_provider_host(inventory):
    (f,) = found(inventory, "app/raw.py", 7)
    assert (f.kind, f.provider, f.route, f.model) == (
        "http-call",
        "openai",
        "POST /v1/embeddings",
        "text-embedding-3-small",
    )


def test_litellm_strings_name_their_provider(inventory):
    listed = {(f.provider, f.model) for f in found(inventory, "app/router.py", 3)}
    assert listed == {("openai", "gpt-4o"), ("gemini", "gemini-2.5-pro")}
    (call,) = found(inventory, "app/router.py", 7)
    assert (call.kind, call.provider, call.model, call.route) == (
        "model-string",
        "anthropic",
        "claude-sonnet-4-5",
        None,
    )


def test_config_files_give_models_and_provider_urls(inventory):
    (video,) = found(inventory, "config/settings.yaml", 3)
    assert (video.kind, video.provider, video.model, video.state()) == ("config", "openai", "sora-2-pro", "retired")
    (base,) = found(inventory, "config/settings.yaml", 4)
    assert (base.provider, base.route, base.model) == ("openai", None, None)
    (env_model,) = found(inventory, ".env.example", 1)
    assert (env_model.provider, env_model.model) == ("openai", "gpt-4.1")
    (env_url,) = found(inventory, ".env.example", 2)
    assert env_url.provider == "gemini"


def test_contracts_and_scenarios_are_not_counted_as_dependencies(inventory):
    assert not [f for f in inventory.findings if "contracts/" in f.path or "scenarios/" in f.path]


def test_exit_1_for_something_shut_down_and_the_window_option(tmp_path, capsys):
    assert harness_main(["exposure", str(ACME), "--date", "2026-12-01", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {f["model"] for f in data["findings"] if f["state"] == "retired"} >= {"sora-2", "sora-2-pro"}
    clean = tmp_path / "clean.py"
    clean.write_text("from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-4o', messages=[])\n")
    assert harness_main(["exposure", str(clean), "--date", "2026-09-01"]) == 0
    sunsetting = tmp_path / "sunsetting.py"
    sunsetting.write_text("from openai import OpenAI\nOpenAI().videos.create(model='sora-2', prompt='x')\n")
    assert harness_main(["exposure", str(sunsetting), "--date", "2026-09-01"]) == 0
    assert harness_main(["exposure", str(sunsetting), "--date", "2026-09-01", "--fail-within", "30d"]) == 1
    assert harness_main(["exposure", str(sunsetting), "--date", "2026-09-01", "--fail-within", "2w"]) == 0


@pytest.mark.parametrize(
    "argv, message",
    [
        (["exposure", "no/such/folder"], "no such file or folder"),
        (["exposure", ".", "--date", "tomorrow"], "is not a date"),
        (["exposure", ".", "--fail-within", "soon"], "give days"),
    ],
)
def test_bad_input_is_exit_2(argv, message, capsys):
    assert harness_main(argv) == 2
    assert message in capsys.readouterr().err


def test_code_is_read_never_run(tmp_path):
    bomb = tmp_path / "bomb.py"
    bomb.write_text("raise SystemExit('ran!')\nfrom openai import OpenAI\nOpenAI().models.list()\n")
    (f,) = scan([tmp_path], on=ON).findings
    assert (f.route, f.model) == ("GET /v1/models", None)


def test_a_link_out_of_the_tree_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("from openai import OpenAI\nOpenAI().models.list()\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "link.py").symlink_to(outside / "secret.py")
    (tree / "folder").symlink_to(outside)
    assert scan([tree], on=ON).findings == ()


def test_unparseable_python_is_a_warning_not_a_crash(tmp_path):
    (tmp_path / "broken.py").write_text("def (:\n")
    inventory = scan([tmp_path], on=ON)
    assert inventory.findings == ()
    assert any("broken.py" in w for w in inventory.warnings)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import openai\nopenai.chat.completions.create(model='gpt-4o', messages=[])", ("openai", "gpt-4o")),
        (
            "from openai import OpenAI as O\nc = O()\nc.with_raw_response.chat.completions.create(model='o3')",
            ("openai", "o3"),
        ),
        (
            "import anthropic\nc = anthropic.AsyncAnthropic()\nc.beta.messages.create(model='claude-opus-4-1')",
            ("anthropic", "claude-opus-4-1"),
        ),
        (
            "import google.genai as g\nc = g.Client()\nc.aio.models.generate_content(model='gemini-2.0-flash')",
            ("gemini", "gemini-2.0-flash"),
        ),
        (
            "from openai import OpenAI\nwith OpenAI() as c:\n    c.embeddings.create(model=M, input='x')",
            ("openai", "dynamic"),
        ),
        (
            "import os\nfrom anthropic import Anthropic\nM = os.environ['MODEL']\nAnthropic().messages.create(model=M)",
            ("anthropic", "dynamic"),
        ),
        (
            "from openai import OpenAI\nM = 'gpt-4o'\nM = 'gpt-5'\nOpenAI().responses.create(model=M)",
            ("openai", "dynamic"),
        ),
    ],
)
def test_sdk_call_forms(source, expected):
    calls = [f for f in scan_source(source, "x.py") if f.kind == "sdk-call"]
    assert [(f.provider, f.model) for f in calls] == [expected]


def test_an_unknown_method_or_an_unrelated_client_is_not_a_finding():
    source = "import redis\nclient = redis.Redis()\nclient.messages.create(model='x')\nclient.get('k')\n"
    assert scan_source(source, "x.py") == []


def test_every_sdk_method_calls_a_route_its_provider_serves_or_is_listed_unserved():
    for provider_name, methods in METHODS.items():
        served = [Route.parse(template) for template, _ in providers.get(provider_name).routes]
        for method, route in methods.items():
            if (provider_name, route) in UNSERVED:
                continue
            verb, _, path = route.partition(" ")
            example = path.replace("{model}", "m").replace("{model_id}", "m").replace("{name}", "operations/x")
            example = example.replace("{response_id}", "r").replace("{video_id}", "v").replace("{file_id}", "f")
            assert any(r.match(verb, example) is not None for r in served), f"{provider_name} {method}: {route}"


# -- SARIF 2.1.0 -----------------------------------------------------------------------


def test_sarif_is_valid_sarif_2_1_0(inventory):
    from jsonschema import Draft4Validator, FormatChecker

    schema = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json").read_text())
    log = as_sarif(inventory)
    errors = sorted(Draft4Validator(schema, format_checker=FormatChecker()).iter_errors(log), key=str)
    assert errors == []
    results = log["runs"][0]["results"]
    video = next(r for r in results if r["properties"]["model"] == "sora-2")
    assert (video["ruleId"], video["level"]) == ("ai-shut-down", "error")
    location = video["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("app/video.py")
    assert not location["artifactLocation"]["uri"].startswith("/")
    assert location["region"]["startLine"] == 7


def test_strings_say_where_no_call_does():
    source = (
        'API = "/v1beta"\n'
        'BASE = "https://generativelanguage.googleapis.com"\n'
        "class Settings:\n"
        '    video_model: str = "veo-3.1-fast-generate-preview"\n'
        "def start(self, body):\n"
        '    return self._json("POST", f"{API}/models/{self.model}:predictLongRunning", json=body)\n'
        'GENERIC = "/v1/models"  # OpenAI and Anthropic both serve it: says nothing\n'
    )
    found_here = {(f.line, f.kind, f.provider, f.route, f.model) for f in scan_source(source, "x.py")}
    assert found_here == {
        (2, "url", "gemini", None, None),
        (4, "model-string", "gemini", None, "veo-3.1-fast-generate-preview"),
        (6, "http-call", "gemini", "POST /v1beta/models/{model}:predictLongRunning", "dynamic"),
    }


def test_contracts_and_rehearsals_beside_the_code_count_with_the_with_option(tmp_path):
    code = tmp_path / "src"
    code.mkdir()
    (code / "app.py").write_text(
        "from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-4o', messages=[])\n"
    )
    (bare,) = scan([code], on=ON).findings
    assert bare.contracts == ()
    (covered,) = scan([code], on=ON, context=[ACME / "contracts", ACME / "scenarios"]).findings
    assert (covered.contracts, covered.rehearsed) == (("acme/openai-chat",), ("outage",))
