"""Scenarios end to end: a small app with a fallback holds; without it the run
fails with verdicts that say why; bad input exits 2 naming the file and line;
the app is always stopped; reports are written."""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness import report
from harness.chaos import runner, scenario
from harness.cli import main

APP = Path(__file__).parent / "apps" / "ask"
SUNSET = (APP / "sunset.yaml").read_text()


@pytest.fixture
def workdir(tmp_path):
    shutil.copy(APP / "app.py", tmp_path / "app.py")
    return tmp_path


def write(workdir, text, name="s.yaml"):
    path = workdir / name
    path.write_text(text)
    return path


def test_the_app_with_a_fallback_holds_and_reports_are_written(workdir, capsys):
    path = write(workdir, SUNSET)
    assert main(["chaos", "run", str(path), "--report", str(workdir / "report")]) == 0
    names = sorted(p.name for p in (workdir / "report").iterdir())
    assert names == ["junit.xml", "report.html", "report.json", "report.md"]
    data = json.loads((workdir / "report" / "report.json").read_text())
    assert data["totals"] == {
        "scenarios": 1,
        "passed": 1,
        "failed": 0,
        "did_not_start": 0,
        "interrupted": 0,
        "verdicts": 8,
        "verdicts_failed": 0,
    }
    suite = ET.parse(workdir / "report" / "junit.xml").getroot().find("testsuite")
    assert suite.get("tests") == "8" and suite.get("failures") == "0"
    html = (workdir / "report" / "report.html").read_text()
    assert "<svg" in html and "http://" not in html.split("<body>")[0] and "<script" not in html


def test_without_the_fallback_the_run_fails_with_verdicts_that_say_why(workdir, capsys):
    fragile = SUNSET.replace(
        'ANTHROPIC_BASE_URL: "{anthropic.url}"}', 'ANTHROPIC_BASE_URL: "{anthropic.url}", FALLBACK: "0"}'
    )
    result = runner.run(scenario.load(write(workdir, fragile)))
    assert not result.ok
    failed = {v.name: v.message for v in result.failures}
    assert set(failed) == {"step 1: POST /ask", "served_by: anthropic, steps: [1]"}
    assert "expected status 200, got 502" in failed["step 1: POST /ask"]
    assert "no provider answered successfully (1× openai 410)" in failed["served_by: anthropic, steps: [1]"]
    evidence = next(v for v in result.failures if v.kind == "expect").evidence
    assert [(x.provider, x.status, x.fault) for x in evidence] == [("openai", 410, "gone,deprecated")]
    assert main(["chaos", "run", str(workdir / "s.yaml")]) == 1


def test_a_fault_that_never_acts_fails_the_run(workdir):
    never = SUNSET.replace(
        "  - {at: 30, fault: gone", "  - {at: 90, fault: outage, provider: anthropic}\n  - {at: 30, fault: gone"
    )
    result = runner.run(scenario.load(write(workdir, never)))
    (verdict,) = result.failures
    assert verdict.kind == "timeline" and "never acted" in verdict.message and verdict.line == 12


def test_the_app_is_stopped_even_when_the_run_is_interrupted(workdir):
    pid_file = workdir / "pid"
    text = SUNSET.replace('env: {PORT: "{port}"', f'env: {{PID_FILE: "{pid_file}", PORT: "{{port}}"')

    def interrupt(message):
        if "day 1" in message:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner.run(scenario.load(write(workdir, text)), progress=interrupt)
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.parametrize(
    "change, words, line",
    [
        (("fault: gone", "fault: gon"), "unknown fault 'gon'; did you mean 'gone'?", 12),
        (("sunset: 30}", "sunset: 30, sunsett: 4}"), "fault 'deprecated' has no parameter 'sunsett'", 11),
        (('route: "/v1/chat/completions"}', 'route: "/v1/{chat"}'), "bad route pattern", 12),
        (("ready: {path", "redy: {path"), "unknown key 'redy' in app; did you mean 'ready'?", 9),
        (("steps: [0]}", "steps: [7]}"), "there is no step 7", 18),
        (('{anthropic.url}"}', '{antropic.url}"}'), "unknown placeholder {antropic.url}", None),
    ],
)
def test_bad_scenarios_exit_2_naming_file_and_line(workdir, capsys, change, words, line):
    old, new = change
    assert old in SUNSET
    path = write(workdir, SUNSET.replace(old, new, 1))
    assert main(["chaos", "run", str(path)]) == 2
    err = capsys.readouterr().err
    assert words in err and str(path) in err and "Traceback" not in err
    if line:
        assert f"{path}:{line}:" in err


def did_not_start(result: runner.ScenarioRun) -> str:
    """The reason a run that did not start gives: its one verdict."""
    assert result.state == "did not start"
    (verdict,) = result.verdicts
    assert verdict.kind == "start" and not verdict.ok
    return verdict.message


def test_an_app_that_exits_or_never_gets_ready_did_not_start(workdir, capsys):
    crashing = SUNSET.replace('command: ["{python}", app.py]', 'command: ["{python}", "-c", "raise SystemExit(3)"]')
    assert "exited with code 3 before it was ready" in did_not_start(
        runner.run(scenario.load(write(workdir, crashing)))
    )
    assert main(["chaos", "run", str(workdir / "s.yaml")]) == 2  # the run could not judge it
    assert "DID NOT START" in capsys.readouterr().out
    silent = SUNSET.replace(
        'command: ["{python}", app.py]', 'command: ["{python}", "-c", "import time; time.sleep(30)"]'
    )
    silent = silent.replace("timeout: 20}", "timeout: 0.5}")
    assert "never became ready" in did_not_start(runner.run(scenario.load(write(workdir, silent))))


def test_a_port_already_taken_means_the_app_did_not_start(workdir):
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        taken = SUNSET.replace('url: "http://127.0.0.1:{port}"', f'url: "http://127.0.0.1:{port}"')
        taken = taken.replace('PORT: "{port}"', f'PORT: "{port}"')
        message = did_not_start(runner.run(scenario.load(write(workdir, taken))))
        assert f"port {port} on 127.0.0.1 is already taken" in message


@pytest.mark.parametrize("listening", [True, False], ids=["answering", "bound"])
def test_a_port_of_ours_taken_before_the_app_binds_it_is_traded_for_another(workdir, monkeypatch, listening):
    # `{port}` was free when chosen; another process took it before the app bound it. Answering
    # there, our check finds it; only bound, the app fails to bind and says so. Either way the
    # clash is ours: the app gets another port, and the run goes on.
    import socket

    from harness.chaos import app as app_module

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        if listening:
            holder.listen()
        ports = iter([holder.getsockname()[1]])
        monkeypatch.setattr(runner, "free_port", lambda: next(ports, None) or app_module.free_port())
        result = runner.run(scenario.load(write(workdir, SUNSET)))
    assert result.state != "did not start", result.verdicts
    assert next(ports, None) is None  # the taken port was offered first


@pytest.mark.parametrize(
    "output, taken",
    [
        ("OSError: [Errno 98] Address already in use", True),  # Python
        (
            "ERROR:    [Errno 98] error while attempting to bind on address ('127.0.0.1', 8000): address already in use",
            True,
        ),
        ("Error: listen EADDRINUSE: address already in use 127.0.0.1:3000", True),  # Node
        ("listen tcp 127.0.0.1:8080: bind: address already in use", True),  # Go
        ("java.net.BindException: Cannot assign requested address", False),  # a wrong host, not a taken port
        ("KeyError: 'OPENAI_API_KEY'", False),
    ],
)
def test_an_app_that_says_its_port_is_taken_is_told_apart(output, taken):
    from harness.chaos.app import AppDidNotStart

    assert AppDidNotStart("the app exited", "s.yaml", output).port_taken is taken


def test_a_port_taken_again_and_again_is_given_up_on(workdir, monkeypatch):
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        offered = []
        monkeypatch.setattr(runner, "free_port", lambda: offered.append(port) or port)
        message = did_not_start(runner.run(scenario.load(write(workdir, SUNSET))))
    assert f"port {port} on 127.0.0.1 is already taken" in message
    assert len(offered) == runner.PORT_ATTEMPTS


def test_a_dead_toxiproxy_url_is_bad_input(workdir, capsys):
    text = SUNSET.replace(
        "  - {at: 30, fault: gone",
        "  - {at: 1, fault: latency, provider: openai, latency: 10}\n  - {at: 30, fault: gone",
    )
    path = write(workdir, text)
    assert main(["chaos", "run", str(path), "--toxiproxy-url", "http://127.0.0.1:9"]) == 2
    assert "Toxiproxy at http://127.0.0.1:9 is not answering" in capsys.readouterr().err


NETWORK = """\
scenario: ask-network
seed: 3
doubles: [openai, anthropic]
app:
  command: ["{python}", app.py]
  url: "http://127.0.0.1:{port}"
  env: {PORT: "{port}", OPENAI_BASE_URL: "{openai.url}/v1", ANTHROPIC_BASE_URL: "{anthropic.url}"}
timeline:
  - {at: 1, until: 2, fault: latency, provider: openai, latency: 300}
  - {at: 2, until: 3, fault: down, provider: openai}
steps:
  - {at: 1, request: {method: POST, path: /ask, json: {q: slow}}, expect: {status: 200, json: {provider: openai}}}
  - {at: 2, request: {method: POST, path: /ask, json: {q: down}}, expect: {status: 200, json: {provider: anthropic}}}
  - {at: 3, request: {method: POST, path: /ask, json: {q: back}}, expect: {status: 200, json: {provider: openai}}}
expect:
  - {served_by: anthropic, steps: [1]}
  - {max_calls: 0, provider: openai, steps: [1]}
"""


def test_network_faults_act_through_the_toxiproxy_hop(workdir):
    result = runner.run(scenario.load(write(workdir, NETWORK)))
    assert result.ok, [f"{v.name}: {v.message}" for v in result.failures]
    slow = [x for x in result.exchanges if result.step_of[id(x)] == 0]
    assert [x.provider for x in slow] == ["openai"]
    assert {(n["fault"], n["day"]) for n in result.network_log} == {("latency", 1), ("down", 2)}


def test_jobs_run_scenarios_in_worker_processes_with_the_same_verdicts(workdir, capsys):
    write(workdir, SUNSET, "a.yaml")
    write(
        workdir,
        SUNSET.replace("scenario: ask-openai-sunset", "scenario: ask-fragile").replace(
            'ANTHROPIC_BASE_URL: "{anthropic.url}"}', 'ANTHROPIC_BASE_URL: "{anthropic.url}", FALLBACK: "0"}'
        ),
        "b.yaml",
    )
    assert (
        main(
            [
                "chaos",
                "run",
                str(workdir / "a.yaml"),
                str(workdir / "b.yaml"),
                "--jobs",
                "2",
                "--report",
                str(workdir / "r"),
            ]
        )
        == 1
    )
    data = json.loads((workdir / "r" / "report.json").read_text())
    assert data["totals"] == {
        "scenarios": 2,
        "passed": 1,
        "failed": 1,
        "did_not_start": 0,
        "interrupted": 0,
        "verdicts": 16,
        "verdicts_failed": 2,
    }
    # Each exchange still knows its step after the trip back from the worker process.
    steps = [[x["step"] for x in run["exchanges"]] for run in data["scenarios"]]
    assert steps == [[0, 1, 1], [0, 1]], steps


# The ask app with OpenAI chat streamed: a reset under a stream is where writes into a
# closed connection used to pile up.
STREAMED = """
def ask_openai(question: str) -> str:
    stream = primary.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": question}], stream=True
    )
    return "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
"""

RESET = """\
scenario: ask-reset
seed: 3
doubles: [openai, anthropic]
app:
  command: ["{python}", app.py]
  url: "http://127.0.0.1:{port}"
  env: {PORT: "{port}", OPENAI_BASE_URL: "{openai.url}/v1", ANTHROPIC_BASE_URL: "{anthropic.url}"}
timeline:
  - {at: 1, until: 2, fault: reset_peer, provider: openai}
steps:
  - {at: 1, request: {method: POST, path: /ask, json: {q: reset}}, expect: {status: 200, json: {provider: anthropic}}}
  - {at: 2, request: {method: POST, path: /ask, json: {q: back}}, expect: {status: 200, json: {provider: openai}}}
expect:
  - {served_by: anthropic, steps: [0]}
  - {served_by: openai, steps: [1]}
"""


def streamed_app(workdir: Path) -> None:
    source = (APP / "app.py").read_text()
    start = source.index("def ask_openai(")
    end = source.index("def ask_anthropic(")
    (workdir / "app.py").write_text(source[:start] + STREAMED.lstrip() + "\n\n" + source[end:])


def test_a_primary_reset_on_the_way_back_did_not_serve_and_its_calls_are_drawn_failed(workdir, capfd, caplog):
    streamed_app(workdir)
    path = write(workdir, RESET)
    assert main(["chaos", "run", str(path), "--report", str(workdir / "report")]) == 0, capfd.readouterr().out
    # asyncio's warning for a write into a closed connection; pytest catches log records, so look there too.
    out, err = capfd.readouterr()
    assert "socket.send() raised exception" not in out + err + caplog.text
    run = json.loads((workdir / "report" / "report.json").read_text())["scenarios"][0]
    verdicts = {v["name"]: v["message"] for v in run["verdicts"]}
    assert verdicts["timeline[0] reset_peer on openai"] == "acted on 2 call(s) through the proxy"
    assert verdicts["served_by: anthropic, steps: [0]"].startswith(
        "served by anthropic (1× anthropic 200, 2× openai 200 reset, not received)"
    )
    reset = [x for x in run["exchanges"] if x["step"] == 0 and x["provider"] == "openai"]
    assert [(x["status"], x["delivery"], x["received"], x["fault"]) for x in reset] == [
        (200, "reset", False, "reset_peer")
    ] * 2
    # The timeline draws the primary's reset calls as failed (hollow red rings), the others filled.
    html = (workdir / "report" / "report.html").read_text()
    marks = re.findall(r"<circle [^>]*?(fill='[^']*')[^>]*><title>([^<]*)</title>", html)
    failed = [title for fill, title in marks if fill == "fill='#fff'"]
    assert len(failed) == 2 and all("(reset: not received)" in title for title in failed)
    assert len(marks) == 4


QUIET = """\
scenario: ask-quiet-proxy
seed: 3
doubles: [openai, anthropic]
app:
  command: ["{python}", app.py]
  url: "http://127.0.0.1:{port}"
  env: {PORT: "{port}", OPENAI_BASE_URL: "{openai.url}/v1", ANTHROPIC_BASE_URL: "{anthropic.url}"}
timeline:
  - {at: 1, until: 2, fault: latency, provider: openai, latency: 50}
  - {at: 1, until: 2, fault: latency, provider: anthropic, latency: 300}
steps:
  - {at: 1, request: {method: POST, path: /ask, json: {q: hi}}, expect: {status: 200, json: {provider: openai}}}
"""


def test_a_network_fault_no_call_went_through_never_acted(workdir):
    # Both proxies are slow on day 1, but OpenAI serves: no call meets Anthropic's latency.
    result = runner.run(scenario.load(write(workdir, QUIET)))
    failed = {v.name: v.message for v in result.failures}
    assert failed == {
        "timeline[1] latency on anthropic": "never acted: it was on during 1 step(s), but no call through "
        "the proxy met it, so nothing was rehearsed"
    }
    passed = {v.name: v.message for v in result.verdicts if v.ok}
    assert passed["timeline[0] latency on openai"] == "acted on 1 call(s) through the proxy"
    assert result.network_acted == {0: 1, 1: 0}


def test_through_a_toxiproxy_that_cannot_say_deliveries_are_unknown_and_reports_say_so_once(workdir, monkeypatch):
    from harness.chaos.toxiproxy.client import ToxiproxyClient

    # A real Toxiproxy has no ledger of what it forwarded: its answer to the embedded server's own path.
    monkeypatch.setattr(ToxiproxyClient, "connections", lambda self, proxy: None)
    result = runner.run(scenario.load(write(workdir, QUIET)))
    assert result.ok, [f"{v.name}: {v.message}" for v in result.failures]
    assert {x.delivery for x in result.exchanges} == {"unknown"} and all(x.received for x in result.exchanges)
    timeline = [v.message for v in result.verdicts if v.kind == "timeline"]
    assert timeline == ["on during 1 step(s); what it did is unknown (this Toxiproxy cannot say)"] * 2
    (note,) = result.notes
    assert note.startswith("The Toxiproxy at http://127.0.0.1:") and "delivery 'unknown'" in note
    report.write([result], workdir / "report")
    for name in ("report.md", "report.html", "report.json", "junit.xml"):
        text = (workdir / "report" / name).read_text()
        assert text.count("cannot say what it forwarded") == 1, name
