"""`harness record` and the live sender: examples go out with the right key,
cassettes come back with no key in them."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from harness.cassettes import load, load_path
from harness.cli import main
from harness.contracts import load_path as load_contracts
from harness.live import send_examples

REPO = Path(__file__).resolve().parents[1]

OPENAI = """\
contract: canary/openai-videos
consumer: canary
provider: openai
interactions:
  - name: create a video
    request: {method: POST, path: /v1/videos, json: {model: sora-2, prompt: a red fox}}
    response: {status: 200}
  - name: get the video
    request: {method: GET, path: "/v1/videos/{video_id}"}
    response: {status: 200}
  - name: chat
    request:
      method: POST
      path: /v1/chat/completions
      headers: {openai-project: proj_canary_project}
      json: {model: gpt-4o-mini, messages: [{role: user, content: hi}]}
    response: {status: 200}
"""
ANTHROPIC = """\
contract: canary/anthropic-messages
consumer: canary
provider: anthropic
interactions:
  - name: stream a message
    request: {method: POST, path: /v1/messages,
              json: {model: claude-sonnet-4-5, max_tokens: 16, stream: true, messages: [{role: user, content: hi}]}}
    response: {status: 200}
"""
GEMINI = """\
contract: canary/gemini
consumer: canary
provider: gemini
interactions:
  - name: generate
    request:
      method: POST
      path: "/v1beta/models/gemini-2.0-flash:generateContent"
      query: {key: query-key-from-the-contract, alt: json}
      json: {contents: [{role: user, parts: [{text: hi}]}]}
    response: {status: 200}
"""


def _contracts(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text)
    return folder


def _canaries(monkeypatch) -> dict[str, str]:
    keys = {
        "OPENAI_API_KEY": f"sk-canary-{secrets.token_hex(12)}",
        "ANTHROPIC_API_KEY": f"sk-ant-canary-{secrets.token_hex(12)}",
        "GEMINI_API_KEY": f"AIza-canary-{secrets.token_hex(12)}",
    }
    for name, value in keys.items():
        monkeypatch.setenv(name, value)
    return keys


def _every_byte_under(folder: Path) -> bytes:
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files, f"nothing was written under {folder}"
    return b"".join(p.read_bytes() for p in files)


def _record_args(contracts: Path, cassettes: Path, url: str, *extra: str) -> list[str]:
    return [
        "record",
        "--contracts",
        str(contracts),
        "--cassettes",
        str(cassettes),
        "--base-url",
        f"openai={url}",
        "--base-url",
        f"anthropic={url}",
        "--base-url",
        f"gemini={url}",
        *extra,
    ]


def _assert_no_canary(data: bytes, keys: dict[str, str]) -> None:
    for value in keys.values():
        for form in (value, quote(value, safe=""), value.split("-canary-")[1]):
            assert form.encode() not in data, f"a key leaked: {form}"


# -- the canary ---------------------------------------------------------------


def test_canary_keys_never_reach_a_cassette(tmp_path, echo_server, monkeypatch, capsys):
    keys = _canaries(monkeypatch)
    contracts = _contracts(tmp_path / "contracts", openai=OPENAI, anthropic=ANTHROPIC, gemini=GEMINI)
    cassettes = tmp_path / "cassettes"

    code = main(_record_args(contracts, cassettes, echo_server.url))

    out = capsys.readouterr()
    assert code == 0, out
    # The server really got every key (and echoed it back), so the cassettes had something to hide.
    received = " ".join(value for headers in echo_server.headers for value in headers.values())
    assert all(key in received for key in keys.values())
    assert len(echo_server.hits) == 5
    _assert_no_canary(_every_byte_under(cassettes), keys)
    _assert_no_canary((out.out + out.err).encode(), keys)
    assert sorted(p.name for p in cassettes.iterdir()) == [
        "canary__anthropic-messages.yaml",
        "canary__gemini.yaml",
        "canary__openai-videos.yaml",
    ]


def test_canary_shapes_stay_and_query_key_is_redacted(tmp_path, echo_server, monkeypatch):
    _canaries(monkeypatch)
    contracts = _contracts(tmp_path / "contracts", openai=OPENAI, anthropic=ANTHROPIC, gemini=GEMINI)
    cassettes = tmp_path / "cassettes"

    assert main(_record_args(contracts, cassettes, echo_server.url)) == 0

    gemini_text = (cassettes / "canary__gemini.yaml").read_text()
    assert "key=REDACTED" in gemini_text and "alt=json" in gemini_text
    assert "query-key-from-the-contract" not in gemini_text
    (gemini,) = load(cassettes / "canary__gemini.yaml")
    assert gemini.request.header("x-goog-api-key") == "REDACTED"
    assert gemini.response.json["headers"]["x-goog-api-key"] == "REDACTED"  # the echo, scrubbed
    (anthropic,) = load(cassettes / "canary__anthropic-messages.yaml")
    assert anthropic.request.header("x-api-key") == "REDACTED"
    assert anthropic.request.header("anthropic-version") == "2023-06-01"
    assert next(e.type for e in anthropic.response.events) == "message_start"
    openai_ = load(cassettes / "canary__openai-videos.yaml")
    assert all(x.request.header("authorization") == "REDACTED" for x in openai_)
    assert openai_[2].request.header("openai-project") == "REDACTED"


def test_canary_in_a_subprocess(tmp_path, echo_server):
    keys = {
        "OPENAI_API_KEY": f"sk-canary-{secrets.token_hex(12)}",
        "ANTHROPIC_API_KEY": f"sk-ant-canary-{secrets.token_hex(12)}",
        "GEMINI_API_KEY": f"AIza-canary-{secrets.token_hex(12)}",
    }
    contracts = _contracts(tmp_path / "contracts", openai=OPENAI, anthropic=ANTHROPIC, gemini=GEMINI)
    cassettes = tmp_path / "cassettes"
    env = {**os.environ, **keys, "PYTHONPATH": str(REPO)}

    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", *_record_args(contracts, cassettes, echo_server.url)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr.decode()
    assert b"wrote" in done.stdout
    _assert_no_canary(_every_byte_under(cassettes), keys)
    _assert_no_canary(done.stdout + done.stderr, keys)
    received = " ".join(value for headers in echo_server.headers for value in headers.values())
    assert all(key in received for key in keys.values())


# -- what record does ---------------------------------------------------------


def test_ids_from_earlier_answers_fill_path_parameters(tmp_path, echo_server, monkeypatch, capsys):
    _canaries(monkeypatch)
    contracts = _contracts(tmp_path / "contracts", openai=OPENAI)

    assert main(_record_args(contracts, tmp_path / "cassettes", echo_server.url)) == 0

    # The echo server answers the create with id obj_1; the get asks for it.
    assert echo_server.hits[:2] == ["POST /v1/videos", "GET /v1/videos/obj_1"]
    assert "wrote" in capsys.readouterr().out


def test_unfillable_path_parameter_is_skipped_with_a_reason(tmp_path, echo_server, monkeypatch, capsys):
    _canaries(monkeypatch)
    only_get = OPENAI.split("  - name: create a video")[0] + OPENAI.split("response: {status: 200}\n", 1)[1]
    contracts = _contracts(tmp_path / "contracts", openai=only_get)

    assert main(_record_args(contracts, tmp_path / "cassettes", echo_server.url)) == 0

    out = capsys.readouterr().out
    assert "skipped canary/openai-videos / 'get the video': nothing gives {video_id} in /v1/videos/{video_id}" in out
    assert echo_server.hits == ["POST /v1/chat/completions"]


def test_a_provider_without_a_key_is_bad_input_naming_its_variable(tmp_path, echo_server, monkeypatch, capsys):
    _canaries(monkeypatch)
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    contracts = _contracts(tmp_path / "contracts", openai=OPENAI, anthropic=ANTHROPIC)
    cassettes = tmp_path / "cassettes"

    assert main(_record_args(contracts, cassettes, echo_server.url)) == 2

    err = capsys.readouterr().err
    assert err.startswith("error: no key for anthropic: set ANTHROPIC_API_KEY") and "--skip-missing-keys" in err
    assert "openai" not in err.split("(")[0]  # its key is set
    assert echo_server.hits == [] and not cassettes.exists()  # refused before anything was sent


def test_skip_missing_keys_skips_that_provider_with_a_clear_line(tmp_path, echo_server, monkeypatch, capsys):
    _canaries(monkeypatch)
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    contracts = _contracts(tmp_path / "contracts", openai=OPENAI, anthropic=ANTHROPIC)
    cassettes = tmp_path / "cassettes"

    assert main(_record_args(contracts, cassettes, echo_server.url, "--skip-missing-keys")) == 0

    assert "skipped anthropic: ANTHROPIC_API_KEY is not set" in capsys.readouterr().out
    assert [p.name for p in cassettes.iterdir()] == ["canary__openai-videos.yaml"]


def test_budget_caps_requests_across_contracts(tmp_path, echo_server, monkeypatch, capsys):
    _canaries(monkeypatch)
    contracts = _contracts(tmp_path / "contracts", openai=OPENAI, anthropic=ANTHROPIC)

    assert main(_record_args(contracts, tmp_path / "cassettes", echo_server.url, "--budget", "2")) == 0

    out = capsys.readouterr().out
    assert len(echo_server.hits) == 2  # contracts go in file order: anthropic's one, then openai's first
    assert "not sent: 2 example(s) of canary/openai-videos: the request budget is used up" in out


def test_second_run_replays_and_sends_nothing(tmp_path, echo_server, monkeypatch, capsys):
    _canaries(monkeypatch)
    contracts = _contracts(tmp_path / "contracts", anthropic=ANTHROPIC)
    cassettes = tmp_path / "cassettes"
    assert main(_record_args(contracts, cassettes, echo_server.url)) == 0
    first = (cassettes / "canary__anthropic-messages.yaml").read_bytes()

    assert main(_record_args(contracts, cassettes, echo_server.url)) == 0

    assert len(echo_server.hits) == 1
    assert "kept" in capsys.readouterr().out
    assert (cassettes / "canary__anthropic-messages.yaml").read_bytes() == first


def test_record_mode_none_without_a_cassette_fails_clearly(tmp_path, echo_server, monkeypatch, capsys):
    _canaries(monkeypatch)
    contracts = _contracts(tmp_path / "contracts", anthropic=ANTHROPIC)

    code = main(_record_args(contracts, tmp_path / "cassettes", echo_server.url, "--record-mode", "none"))

    assert code == 1
    assert "no recorded answer for POST /v1/messages" in capsys.readouterr().err
    assert echo_server.hits == []


def test_unreachable_provider_is_a_failure_not_a_traceback(tmp_path, monkeypatch, capsys):
    _canaries(monkeypatch)
    contracts = _contracts(tmp_path / "contracts", anthropic=ANTHROPIC)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    code = main(
        [
            "record",
            "--contracts",
            str(contracts),
            "--cassettes",
            str(tmp_path / "c"),
            "--base-url",
            f"anthropic=http://127.0.0.1:{port}",
        ]
    )

    assert code == 1
    assert "failed canary/anthropic-messages: POST /v1/messages -> no response (ConnectError" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--base-url", "openai"], "--base-url takes PROVIDER=URL"),
        (["--base-url", "mistral=http://127.0.0.1:1"], "unknown provider 'mistral'"),
        (["--base-url", "openai=ftp://x"], "must start with http:// or https://"),
    ],
)
def test_bad_base_url_is_bad_input(tmp_path, capsys, args, message):
    contracts = _contracts(tmp_path / "contracts", openai=OPENAI)

    assert main(["record", "--contracts", str(contracts), *args]) == 2
    assert message in capsys.readouterr().err


def test_missing_contracts_and_bad_budget_are_bad_input(tmp_path, capsys):
    assert main(["record", "--contracts", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["record", "--contracts", str(tmp_path), "--budget", "-1"])
    assert caught.value.code == 2


# -- the live sender on its own -----------------------------------------------


def test_each_provider_gets_its_own_key_header_and_default_host(tmp_path):
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "x_1", "echo": request.headers.get("authorization", "")})

    contracts = load_contracts(_contracts(tmp_path, openai=OPENAI, anthropic=ANTHROPIC, gemini=GEMINI))
    env = {"OPENAI_API_KEY": "sk-openai-key-1", "ANTHROPIC_API_KEY": "sk-ant-key-1", "GEMINI_API_KEY": "AIza-key-1"}

    run = send_examples(contracts, env=env, transport=httpx.MockTransport(answer))

    by_host = {r.url.host: r for r in seen}
    assert by_host["api.openai.com"].headers["authorization"] == "Bearer sk-openai-key-1"
    assert by_host["api.anthropic.com"].headers["x-api-key"] == "sk-ant-key-1"
    assert by_host["api.anthropic.com"].headers["anthropic-version"] == "2023-06-01"
    assert by_host["generativelanguage.googleapis.com"].headers["x-goog-api-key"] == "AIza-key-1"
    assert {x.provider for x in run.exchanges} == {"openai", "anthropic", "gemini"}
    assert all(x.elapsed >= 0 and x.started > 0 for x in run.exchanges)
    assert [x.route for x in run.exchanges if x.provider == "openai"] == [
        "POST /v1/videos",
        "GET /v1/videos/{video_id}",
        "POST /v1/chat/completions",
    ]
    # What is handed back carries no key, not even the echoed one.
    for exchange in run.exchanges:
        assert b"sk-openai-key-1" not in exchange.response.body
        assert all("key-1" not in value for _, value in exchange.request.headers)


def test_base_urls_override_per_provider_and_absent_keys_skip(tmp_path):
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={})

    contracts = load_contracts(_contracts(tmp_path, openai=OPENAI, anthropic=ANTHROPIC, gemini=GEMINI))
    run = send_examples(
        contracts,
        env={"OPENAI_API_KEY": "sk-openai-key-1"},
        base_urls={"openai": "http://127.0.0.1:9/proxy/"},
        transport=httpx.MockTransport(answer),
    )

    assert seen[0] == "http://127.0.0.1:9/proxy/v1/videos"
    assert run.skipped == (
        "skipped anthropic: ANTHROPIC_API_KEY is not set",
        "skipped gemini: GOOGLE_API_KEY or GEMINI_API_KEY is not set",
        "skipped canary/openai-videos / 'get the video': nothing gives {video_id} in "
        "/v1/videos/{video_id} (no param, no earlier answer)",
    )


def test_load_path_reads_what_record_wrote(tmp_path, echo_server, monkeypatch):
    _canaries(monkeypatch)
    contracts = _contracts(tmp_path / "contracts", openai=OPENAI, anthropic=ANTHROPIC, gemini=GEMINI)
    assert main(_record_args(contracts, tmp_path / "cassettes", echo_server.url)) == 0

    exchanges = load_path(tmp_path / "cassettes")

    assert len(exchanges) == 5 and all(x.status == 200 for x in exchanges)


VEO = """\
contract: canary/veo
consumer: canary
provider: gemini
interactions:
  - name: start
    request: {method: POST, path: "/v1beta/models/{model}:predictLongRunning", json: {instances: [{prompt: a fox}]}}
    response: {status: 200}
  - name: poll
    request: {method: GET, path: "/v1beta/models/{model}/operations/{operation}"}
    response: {status: 200}
"""


def test_params_and_google_resource_names_fill_gemini_paths(tmp_path):
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json={"name": "models/veo-3.1-generate-preview/operations/op123", "done": False})

    contracts = load_contracts(_contracts(tmp_path, veo=VEO))
    run = send_examples(
        contracts,
        env={"GEMINI_API_KEY": "AIza-key-123"},
        params={"model": "veo-3.1-generate-preview"},
        transport=httpx.MockTransport(answer),
    )

    assert seen == [
        "/v1beta/models/veo-3.1-generate-preview:predictLongRunning",
        "/v1beta/models/veo-3.1-generate-preview/operations/op123",
    ]
    assert run.skipped == ()


def test_record_takes_params_from_the_command_line(tmp_path, echo_server, monkeypatch, capsys):
    _canaries(monkeypatch)
    contracts = _contracts(tmp_path / "contracts", veo=VEO)

    code = main(_record_args(contracts, tmp_path / "cassettes", echo_server.url, "--param", "model=veo-x"))

    assert code == 0
    # The echo answer has no operation name, so the poll is skipped, and says why.
    assert echo_server.hits == ["POST /v1beta/models/veo-x:predictLongRunning"]
    assert "nothing gives {operation}" in capsys.readouterr().out
    assert main(["record", "--contracts", str(contracts), "--param", "model"]) == 2


def test_broken_existing_cassette_is_bad_input_and_left_alone(tmp_path, echo_server, monkeypatch, capsys):
    _canaries(monkeypatch)
    contracts = _contracts(tmp_path / "contracts", anthropic=ANTHROPIC)
    broken = tmp_path / "cassettes" / "canary__anthropic-messages.yaml"
    broken.parent.mkdir()
    broken.write_text("interactions:\n- request: {method: GET\n")

    assert main(_record_args(contracts, tmp_path / "cassettes", echo_server.url)) == 2

    assert f"{broken}:3:" in capsys.readouterr().err
    assert broken.read_text() == "interactions:\n- request: {method: GET\n"
    assert echo_server.hits == []
