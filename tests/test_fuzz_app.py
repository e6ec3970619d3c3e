"""`harness fuzz`: an app driven from its own OpenAPI spec while a scenario's
faults break its providers. Each check catches its bad case in a tiny app
(written into the test's folder, one process per run), the example app's
fragile twin is caught and clipstudio passes, a bad spec is exit 2 naming
file:line, and the same seed sends the same requests."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from harness import cli, schemas
from harness.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "fixtures" / "apps"
NIGHTLY_FUZZ = ROOT / "contracts" / "scenarios" / "nightly" / "openai-outage-fuzz.yaml"
CLIPSTUDIO_SPEC = APPS / "clipstudio" / "openapi.yaml"

# A tiny app: POST /ask asks OpenAI's chat completions and answers {"answer": ...}. MODE says
# how it fails: "sound" (a provider 5xx becomes a documented 503, a refusal a 422), "crash"
# (any provider trouble is a 500), "offspec" (/health answers a string where the spec says
# boolean), "hides-refusal" (a refusal comes back as 200). Every request it gets is logged.
TINY_APP = """
import json, os, sys, urllib.error, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE, OPENAI, LOG = os.environ["MODE"], os.environ["OPENAI_BASE_URL"], os.environ["LOG"]
SPEC = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "spec.yaml")).read()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, kind="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            return self.answer(200, {"ok": "yes" if MODE == "offspec" else True})
        if self.path == "/openapi.yaml":
            return self.answer(200, SPEC, "application/yaml")
        return self.answer(404, {"error": "no such route"})

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        with open(LOG, "a") as log:
            log.write(json.dumps([self.command, self.path, raw.decode("utf-8", "replace")]) + "\\n")
        try:
            prompt = json.loads(raw)["prompt"]
            assert isinstance(prompt, str) and prompt
        except Exception:
            return self.answer(400, {"error": "prompt must be a non-empty string"})
        body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": prompt}]}
        request = urllib.request.Request(OPENAI + "/chat/completions", json.dumps(body).encode(),
                                         {"content-type": "application/json", "authorization": "Bearer sk-test"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                completion = json.load(response)
        except urllib.error.HTTPError as error:
            if MODE == "crash":
                return self.answer(500, {"error": "provider trouble"})
            return self.answer(503 if error.code >= 500 else 400, {"error": f"provider said {error.code}"})
        choice = completion["choices"][0]
        if choice["finish_reason"] == "content_filter" and MODE != "hides-refusal":
            return self.answer(422, {"error": "refused"})
        return self.answer(200, {"answer": choice["message"]["content"] or ""})


ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"""

TINY_SPEC = """\
openapi: 3.0.3
info: {title: tiny, version: "1"}
paths:
  /health:
    get:
      responses:
        "200":
          description: up
          content:
            application/json:
              schema:
                type: object
                required: [ok]
                properties: {ok: {type: boolean}}
  /ask:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [prompt]
              properties: {prompt: {type: string, minLength: 1, maxLength: 50}}
      responses:
        "200": {description: answered, content: {application/json: {schema: {$ref: "#/components/schemas/Answer"}}}}
        "400": {description: not a prompt, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "422": {description: refused, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        "503": {description: providers down, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
components:
  schemas:
    Answer: {type: object, required: [answer], properties: {answer: {type: string}}}
    Error: {type: object, required: [error], properties: {error: {type: string}}}
"""


def tiny(tmp_path: Path, mode: str, fault: str | None = "outage", *, at: float = 1, seed: int = 7) -> Path:
    """The tiny app, its spec and a scenario (a step on day 0 and one on day 1, `fault` on
    OpenAI's chat completions on day `at` and after) in `tmp_path`; the scenario's path."""
    (tmp_path / "app.py").write_text(TINY_APP)
    (tmp_path / "spec.yaml").write_text(TINY_SPEC)
    timeline = f'timeline: [{{at: {at}, fault: {fault}, provider: openai, route: "POST /v1/chat/completions"}}]'
    scenario = f"""\
        scenario: tiny-{mode}
        seed: {seed}
        doubles: [openai]
        app:
          command: ["{{python}}", app.py]
          url: "http://127.0.0.1:{{port}}"
          env: {{PORT: "{{port}}", OPENAI_BASE_URL: "{{openai.url}}/v1", MODE: {mode}, LOG: requests.log}}
          ready: {{path: /health, timeout: 10}}
        {timeline if fault else ""}
        steps:
          - {{at: 0, request: {{path: /health}}}}
          - {{at: 1, request: {{path: /health}}}}
        """
    path = tmp_path / "scenario.yaml"
    path.write_text(textwrap.dedent(scenario))
    return path


def fuzz(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["fuzz", *args])
    out, err = capsys.readouterr()
    return code, out, err


def fuzz_tiny(capsys: pytest.CaptureFixture[str], tmp_path: Path, scenario: Path) -> tuple[int, str, str]:
    """`harness fuzz` of the tiny app in `tmp_path` under `scenario`, two examples per operation."""
    return fuzz(
        capsys, "--app-openapi", str(tmp_path / "spec.yaml"), "--scenario", str(scenario), "--max-examples", "2"
    )


def test_a_500_under_an_outage_is_found_with_the_request_that_reproduces_it(tmp_path, capsys):
    scenario = tiny(tmp_path, "crash")
    code, out, _ = fuzz(
        capsys, "--app-openapi", str(tmp_path / "spec.yaml"), "--scenario", str(scenario), "--max-examples", "3"
    )
    assert code == 1, out
    assert "POST /ask: server error: HTTP 500" in out
    assert re.search(
        r"reproduce with: curl -X POST http://127\.0\.0\.1:\d+/ask -H 'Content-Type: application/json' -d", out
    )
    assert "sk-test" not in out  # the app's key went to the provider, never into what is shown


def test_a_documented_503_while_the_outage_is_on_is_an_answer(tmp_path, capsys):
    scenario = tiny(tmp_path, "sound")
    code, out, _ = fuzz(
        capsys, "--app-openapi", str(tmp_path / "spec.yaml"), "--scenario", str(scenario), "--max-examples", "3"
    )
    assert code == 0, out
    assert "0 finding(s)" in out


def test_an_answer_off_its_spec_is_found(tmp_path, capsys):
    scenario = tiny(tmp_path, "offspec", fault=None)
    code, out, _ = fuzz_tiny(capsys, tmp_path, scenario)
    assert code == 1, out
    assert "GET /health: conformance: HTTP 200: Response violates schema" in out


def test_a_refusal_turned_into_a_200_is_found(tmp_path, capsys):
    scenario = tiny(tmp_path, "hides-refusal", fault="refusal", at=0)
    code, out, _ = fuzz_tiny(capsys, tmp_path, scenario)
    assert code == 1, out
    assert "POST /ask: refusal: openai refused POST /v1/chat/completions (fault refusal)" in out
    assert "answered HTTP 200: a refusal must reach the user as a 4xx" in out


def test_a_refusal_the_user_hears_as_a_422_holds(tmp_path, capsys):
    scenario = tiny(tmp_path, "sound", fault="refusal", at=0)
    code, out, _ = fuzz_tiny(capsys, tmp_path, scenario)
    assert code == 0, out


def test_the_same_seed_sends_the_same_requests(tmp_path, capsys):
    logs = []
    for run, seed in enumerate(("5", "5", "6")):
        folder = tmp_path / str(run)
        folder.mkdir()
        scenario = tiny(folder, "sound", fault=None)
        code, out, _ = fuzz(
            capsys,
            *("--app-openapi", str(folder / "spec.yaml"), "--scenario", str(scenario)),
            *("--max-examples", "6", "--seed", seed),
        )
        assert code == 0, out
        logs.append((folder / "requests.log").read_text())
    assert logs[0] == logs[1]
    assert len(logs[0].splitlines()) >= 6
    assert logs[0] != logs[2]


def test_a_url_spec_is_fetched_from_the_app_once_it_is_ready(tmp_path, capsys):
    scenario = tiny(tmp_path, "crash")
    code, out, _ = fuzz(
        capsys, "--app-openapi", "{app.url}/openapi.yaml", "--scenario", str(scenario), "--max-examples", "2"
    )
    assert code == 1, out
    assert "POST /ask: server error: HTTP 500" in out


def test_the_report_shows_the_findings(tmp_path, capsys):
    scenario = tiny(tmp_path, "crash")
    report = tmp_path / "report"
    code, out, _ = fuzz(
        capsys,
        *("--app-openapi", str(tmp_path / "spec.yaml"), "--scenario", str(scenario)),
        *("--max-examples", "2", "--report", str(report)),
    )
    assert code == 1, out
    run = json.loads((report / "report.json").read_text())["scenarios"][0]
    assert run["fuzz"]["requests"] > 0
    (finding,) = [f for f in run["fuzz"]["findings"] if f["check"] == "server error"]
    assert finding["operation"] == "POST /ask" and finding["status"] == 500 and finding["day"] == 1
    assert finding["curl"].startswith("curl -X POST")
    assert finding["calls"] and finding["calls"][0]["fault"] == "outage", json.dumps(run, indent=1)[:6000]
    html = (report / "report.html").read_text()
    assert "POST /ask: server error" in html and "curl -X POST" in html


# --- the checks, one answer at a time ------------------------------------------------------------


def sent(status: int, *, faults_on: tuple[str, ...] = (), fault: str | None = None, body: bytes = b"{}"):
    """A `Sent` for POST /ask of the tiny spec: the app answered `status`; one provider call,
    on which `fault` acted."""
    import requests
    import yaml
    from schemathesis import Response
    from schemathesis.openapi import from_dict

    from harness.exchange import Exchange, Request
    from harness.exchange import Response as Answer
    from harness.fuzz import Sent

    case = from_dict(yaml.safe_load(TINY_SPEC))["/ask"]["POST"].Case(body={"prompt": "hi"})
    prepared = requests.Request("POST", "http://127.0.0.1:1/ask", json={"prompt": "hi"}).prepare()
    response = Response(status, {"content-type": ["application/json"]}, body, prepared, 0.01, True)
    call = Exchange(
        request=Request(method="POST", url="http://127.0.0.1:2/v1/chat/completions"),
        response=Answer(status=200, body=b"{}"),
        provider="openai",
        fault=fault,
    )
    return Sent(case, response, None, faults_on, (call,))


@pytest.mark.parametrize(
    ("status", "faults_on", "finding"),
    [
        (503, ("outage on openai",), None),  # documented, during a fault: an answer
        (503, (), "a documented 503, but no fault of the scenario was on"),
        (500, ("outage on openai",), "HTTP 500: a server error"),
        (502, (), "HTTP 502: a server error"),
        (200, (), None),
    ],
)
def test_the_server_error_check(status, faults_on, finding):
    from harness.fuzz.checks import server_error

    body = b'{"error": "down"}' if status >= 500 else b'{"answer": "x"}'
    got = server_error(sent(status, faults_on=faults_on, body=body))
    assert (got is None) if finding is None else (finding in got)


def test_a_503_the_spec_does_not_document_is_a_finding_even_during_a_fault():
    import yaml

    from harness.fuzz.checks import server_error

    undocumented = sent(503, faults_on=("outage on openai",), body=b'{"error": "down"}')
    raw = yaml.safe_load(TINY_SPEC)
    del raw["paths"]["/ask"]["post"]["responses"]["503"]
    from schemathesis.openapi import from_dict

    case = from_dict(raw)["/ask"]["POST"].Case(body={"prompt": "hi"})
    got = server_error(type(undocumented)(case, undocumented.response, None, undocumented.faults_on))
    assert got is not None and "a 503 the spec does not document" in got


@pytest.mark.parametrize(("status", "caught"), [(200, True), (500, True), (422, False), (400, False)])
def test_the_refusal_check(status, caught):
    from harness.fuzz.checks import refusal

    assert (refusal(sent(status, fault="refusal", body=b'{"error": "x"}')) is not None) is caught
    assert refusal(sent(status, fault=None, body=b'{"error": "x"}')) is None  # no refusal, nothing to say


def test_the_conformance_check_names_what_is_off():
    from harness.fuzz.checks import conformance

    assert conformance(sent(200, body=b'{"answer": "x"}')) is None
    got = conformance(sent(200, body=b'{"answer": 5}'))
    assert got is not None and "Response violates schema" in got
    got = conformance(sent(418, body=b'{"error": "teapot"}'))
    assert got is not None and "Undocumented status code" in got


def test_the_curl_line_never_shows_a_secret():
    from harness.fuzz.curl import curl

    line = curl(
        "POST",
        "http://127.0.0.1:9/ask?key=AIza-secret&page=2",
        {"Authorization": "Bearer sk-secret", "X-Api-Key": "sk-ant-secret", "Cookie": "s=1", "X-Trace": "t1"},
        '{"prompt": "hi"}',
    )
    assert "secret" not in line and "s=1" not in line
    assert "Authorization: REDACTED" in line and "key=REDACTED" in line and "page=2" in line
    assert "X-Trace: t1" in line and '-d \'{"prompt": "hi"}\'' in line


# --- bad input: exit 2, naming the file and line -----------------------------------------------


def test_a_broken_spec_is_exit_2_naming_its_line(tmp_path, capsys):
    scenario = tiny(tmp_path, "sound")
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a: {get: [\n")
    code, _, err = fuzz(capsys, "--app-openapi", str(broken), "--scenario", str(scenario))
    assert code == 2
    assert f"{broken}:5" in err and "invalid YAML" in err


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("openapi: 2.0\ninfo: {}\npaths: {/a: {get: {}}}\n", 1, "openapi must be a 3.x version string"),
        ("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\n", 3, "paths must be a mapping"),
        (
            "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n"
            "      responses: {'200': {$ref: 'other.yaml#/x'}}\n",
            6,
            "only refs inside this document",
        ),
    ],
)
def test_a_spec_that_is_not_one_is_exit_2_naming_its_line(tmp_path, capsys, text, line, words):
    scenario = tiny(tmp_path, "sound")
    spec = tmp_path / "bad.yaml"
    spec.write_text(text)
    code, _, err = fuzz(capsys, "--app-openapi", str(spec), "--scenario", str(scenario))
    assert code == 2
    assert f"{spec}:{line}" in err and words in err


def test_a_missing_spec_is_exit_2_naming_it(tmp_path, capsys):
    scenario = tiny(tmp_path, "sound")
    code, _, err = fuzz(capsys, "--app-openapi", str(tmp_path / "nope.yaml"), "--scenario", str(scenario))
    assert code == 2 and "nope.yaml" in err and "no such file" in err


def test_a_url_spec_that_is_not_there_is_exit_2_naming_it(tmp_path, capsys):
    scenario = tiny(tmp_path, "sound")
    code, _, err = fuzz(capsys, "--app-openapi", "{app.url}/nope.yaml", "--scenario", str(scenario))
    assert code == 2
    assert re.search(r"http://127\.0\.0\.1:\d+/nope\.yaml: fetching the spec gave HTTP 404", err), err


def test_an_app_that_never_becomes_ready_is_exit_2(tmp_path, capsys):
    scenario = tiny(tmp_path, "sound")
    scenario.write_text(scenario.read_text().replace('["{python}", app.py]', '["{python}", "-c", "pass"]'))
    code, out, _ = fuzz(capsys, "--app-openapi", str(tmp_path / "spec.yaml"), "--scenario", str(scenario))
    assert code == 2, out
    assert "before it was ready" in out


def test_a_scenario_fuzz_block_reaches_only_inside_its_folders(tmp_path, monkeypatch):
    from harness.chaos import scenario

    monkeypatch.delenv(schemas.ALLOW_DIRS, raising=False)
    (tmp_path / "inner").mkdir()
    path = tiny(tmp_path / "inner", "sound")
    (tmp_path / "outside.yaml").write_text(TINY_SPEC)
    path.write_text(path.read_text() + "fuzz: {openapi: ../outside.yaml}\n")
    with pytest.raises(InputError) as caught:
        scenario.load(path)
    assert caught.value.line == path.read_text().splitlines().index("fuzz: {openapi: ../outside.yaml}") + 1
    assert "outside the folders files may reach" in caught.value.message


# --- the pytest form ----------------------------------------------------------------------------


PYTEST_FORM = """
import pytest
from hypothesis import settings
from harness.fuzz import schema

api = schema("spec.yaml")

@pytest.fixture(scope="module")
def app(harness_fuzz):
    with harness_fuzz("scenario.yaml", openapi="spec.yaml", day={day}) as rehearsal:
        yield rehearsal

@api.parametrize()
@settings(max_examples=3, database=None, deadline=None)
def test_api(case, app):
    app.check(case)

def test_the_bound_schema(app):
    assert app.schema.get_base_url() == app.url
"""


@pytest.mark.parametrize(
    ("mode", "day", "outcome"), [("crash", 1, "failed"), ("crash", 0, "passed"), ("sound", 1, "passed")]
)
def test_the_pytest_form_gives_a_schema_bound_to_the_app_under_chaos(pytester, mode, day, outcome):
    tiny(pytester.path, mode)
    pytester.makepyfile(PYTEST_FORM.format(day=day))
    result = pytester.runpytest_inprocess("-q", "-p", "no:cacheprovider", "-p", "no:xdist")
    outcomes = result.parseoutcomes()
    if outcome == "failed":  # /health holds; /ask answers 500 on the outage day
        assert outcomes.get("failed") == 1 and outcomes.get("passed") == 2, result.stdout.str()
        result.stdout.fnmatch_lines(
            ["*POST /ask on day 1:*", "*server error: HTTP 500*", "*reproduce with: curl -X POST*"]
        )
    else:
        assert outcomes.get("passed") == 3 and not outcomes.get("failed"), result.stdout.str()


# --- the example app -----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("app", "code"), [("clipstudio", 0), ("clipstudio_fragile", 1)])
def test_clipstudio_passes_and_its_fragile_twin_is_caught(app, code, capsys, monkeypatch):
    monkeypatch.setenv("CLIPSTUDIO_APP", app)
    monkeypatch.setenv(schemas.ALLOW_DIRS, str(APPS))
    got, out, _ = fuzz(
        capsys,
        *("--app-openapi", str(CLIPSTUDIO_SPEC), "--scenario", str(NIGHTLY_FUZZ)),
        *("--max-examples", "2", "--seconds", "15"),
    )
    assert got == code, out
    if code:
        assert "fuzz after step 0: POST /videos: server error: HTTP 502" in out
        assert "reproduce with: curl -X POST http://127.0.0.1:" in out


def test_clipstudio_spec_is_one_harness_fuzz_reads():
    from harness.fuzz import read

    spec = read(str(CLIPSTUDIO_SPEC))
    assert spec.document is not None and "/videos/{video_id}/content" in spec.document.data["paths"]
