"""`harness chaos run` under its own faults: SIGINT and SIGTERM stop every app and
all it started (a `setsid` child and a double-forked daemon of an app that
ignores SIGTERM), queued scenarios do not start, and every report says what
ran and which scenario was interrupted; an app that does not start is a
scenario that did not start, not the end of the run; an app that dies
mid-run is reported with how it ended and its last output."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.chaos import interrupt, process_tree, runner, scenario
from harness.chaos.app import AppProcess, free_port
from harness.cli import main

APP = Path(__file__).parent / "apps" / "stubborn" / "app.py"
TEST_MARK = "HARNESS_SIGNALS_TEST_MARK"  # every process the run under test starts inherits it


def scenario_text(name: str, middle: str = "/health", env: str = "") -> str:
    return f"""\
scenario: {name}
doubles: [openai]
app:
  command: ["{{python}}", app.py]
  url: "http://127.0.0.1:{{port}}"
  env: {{PORT: "{{port}}", NAME: {name}, PID_DIR: "{{scenario_dir}}"{env}}}
  ready: {{path: /health, timeout: 15}}
steps:
  - {{request: {{method: GET, path: /health}}, expect: {{status: 200}}}}
  - {{request: {{method: GET, path: "{middle}"}}, expect: {{status: 200}}}}
  - {{request: {{method: GET, path: /health}}, expect: {{status: 200}}}}
"""


@pytest.fixture
def workdir(tmp_path):
    shutil.copy(APP, tmp_path / "app.py")
    return tmp_path


def pids_of(folder: Path) -> list[int]:
    return [int(p) for f in folder.glob("*.pids") for p in f.read_text().split()]


def wait_for(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.parametrize(
    "signum, jobs, to_group",
    [
        (signal.SIGTERM, 1, False),  # `kill PID`, as CI runners cancel a job
        (signal.SIGINT, 1, False),
        (signal.SIGTERM, 2, False),
        (signal.SIGINT, 2, True),  # Ctrl-C in a terminal: the whole foreground group, workers too
    ],
    ids=["SIGTERM-jobs1", "SIGINT-jobs1", "SIGTERM-jobs2", "SIGINT-group-jobs2"],
)
def test_a_signal_stops_every_app_and_what_it_started_and_reports_what_ran(workdir, signum, jobs, to_group):
    # a holds; b (and with two jobs, c) is in a step that takes a minute when the signal comes;
    # the rest are queued and must not start.
    blocking = {"b"} if jobs == 1 else {"b", "c"}
    names = ["a", "b", "c", "d"]
    for name in names:
        (workdir / f"{name}.yaml").write_text(scenario_text(name, "/wait" if name in blocking else "/health"))
    mark = uuid.uuid4().hex
    env = {**os.environ, TEST_MARK: mark, process_tree.GRACE_VARIABLE: "1"}
    command = [sys.executable, "-m", "harness.cli", "chaos", "run", *[f"{n}.yaml" for n in names]]
    command += ["--jobs", str(jobs), "--report", "r"]
    run = subprocess.Popen(
        command, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        try:
            wait_for(lambda: all((workdir / f"{n}.waiting").exists() for n in blocking), 60, "the blocking steps")
        except AssertionError as timed_out:  # say what the run was doing instead
            os.killpg(run.pid, signal.SIGINT)  # stopped as a user would stop it, it prints what ran
            said = run.communicate(timeout=40)[0].decode()
            waiting = sorted(p.name for p in workdir.glob("*.waiting"))
            raise AssertionError(f"{timed_out}; waiting: {waiting}; the run said:\n{said}") from None
        if to_group:
            os.killpg(run.pid, signum)
        else:
            os.kill(run.pid, signum)
        output = run.communicate(timeout=40)[0].decode()
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        left = process_tree.marked(TEST_MARK, mark)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
    assert run.returncode == 128 + signum, output
    assert not left, f"processes outlived the run: {left}\n{output}"
    started = pids_of(workdir)
    assert len(started) == 3 * (1 + len(blocking))  # each app, its setsid child and its daemon
    assert not [pid for pid in started if process_tree.alive(pid)]
    assert not (workdir / "d.pids").exists(), "a queued scenario was started after the signal"
    name = signal.Signals(signum).name
    assert f"interrupted by {name}" in output and re.search(r"not started: (c, )?d\n", output)

    data = json.loads((workdir / "r" / "report.json").read_text())
    states = {s["scenario"]: s["state"] for s in data["scenarios"]}
    assert states == {"a": "held", **{n: "interrupted" for n in blocking}}
    assert data["totals"]["interrupted"] == len(blocking) and data["totals"]["passed"] == 1
    interrupted = next(s for s in data["scenarios"] if s["scenario"] == "b")
    assert interrupted["interrupted"] == name and interrupted["steps_run"] == 1
    (stop,) = [v for v in interrupted["verdicts"] if v["kind"] == "interrupted"]
    assert f"interrupted by {name} during step 1 (day 0: GET /wait)" in stop["message"]
    assert "b started: pids" in interrupted["app_output"]

    markdown = (workdir / "r" / "report.md").read_text()
    assert "| b | **interrupted** |" in markdown and f"interrupted ({name})" in markdown.splitlines()[0]
    html = (workdir / "r" / "report.html").read_text()
    assert "b — <span class=bad>interrupted</span>" in html and f"interrupted ({name})" in html
    suite = next(s for s in ET.parse(workdir / "r" / "junit.xml").getroot() if s.get("name") == "b")
    assert suite.get("errors") == "1" and suite.get("skipped") == "2"
    (error,) = suite.iter("error")
    assert error.get("type") == "interrupted" and name in error.get("message")


def test_an_app_that_does_not_start_is_a_scenario_that_did_not_start_and_the_run_goes_on(workdir, capsys, monkeypatch):
    monkeypatch.setenv(process_tree.GRACE_VARIABLE, "0.5")  # the stubborn apps ignore SIGTERM
    for name in ("a", "c"):
        (workdir / f"{name}.yaml").write_text(scenario_text(name))
    (workdir / "b.yaml").write_text(scenario_text("b", env=', BROKEN: "1"'))
    files = [str(workdir / f"{n}.yaml") for n in "abc"]
    code = main(["chaos", "run", *files, "--report", str(workdir / "r")])
    out = capsys.readouterr().out
    assert code == 2, out
    data = json.loads((workdir / "r" / "report.json").read_text())
    assert [(s["scenario"], s["state"]) for s in data["scenarios"]] == [
        ("a", "held"),
        ("b", "did not start"),
        ("c", "held"),
    ]
    assert data["totals"]["did_not_start"] == 1
    (verdict,) = data["scenarios"][1]["verdicts"]
    assert verdict["kind"] == "start" and "the app exited with code 3 before it was ready" in verdict["message"]
    assert "boom: the app cannot read its settings" in verdict["message"]
    assert "boom" in data["scenarios"][1]["app_output"]
    assert "DID NOT START b" in out
    suite = next(s for s in ET.parse(workdir / "r" / "junit.xml").getroot() if s.get("name") == "b")
    assert suite.get("errors") == "1" and suite.get("skipped") == "3"


@pytest.mark.parametrize(
    "path, how",
    [("/die", "was killed by SIGKILL"), ("/exit?code=4", "exited with code 4")],
)
def test_an_app_that_dies_mid_run_is_reported_with_how_it_ended_and_its_last_output(workdir, path, how, monkeypatch):
    monkeypatch.setenv(process_tree.GRACE_VARIABLE, "0.5")  # its children ignore SIGTERM
    (workdir / "s.yaml").write_text(scenario_text("s", path))
    result = runner.run(scenario.load(workdir / "s.yaml"))
    assert result.state == "failed"
    step, death = result.failures
    assert step.name == "step 1: GET " + path and step.message == f"the app did not answer: it {how}"
    assert death.kind == "app"
    assert death.message.startswith(f"the app {how} during step 1 (GET {path}); 1 later step(s) not sent")
    assert "s started: pids" in death.message  # its last output
    assert [v.name for v in result.verdicts] == ["step 0: GET /health", "step 1: GET " + path, "app process"]
    assert not [pid for pid in pids_of(workdir) if process_tree.alive(pid)]  # its children did not outlive it


def test_stopping_an_app_reaches_its_setsid_child_and_its_daemon(workdir):
    # Before: only the app's process group was signalled, and both of these kept running.
    port = free_port()
    env = {"PORT": str(port), "NAME": "x", "PID_DIR": str(workdir)}
    app = AppProcess([sys.executable, "app.py"], workdir, env, f"http://127.0.0.1:{port}", "/health", 15)
    app.grace = 0.5
    with app:
        started = pids_of(workdir)
        assert len(started) == 3 and all(process_tree.alive(pid) for pid in started)
    assert not [pid for pid in started if process_tree.alive(pid)]
    assert app.ended() == "was killed by SIGKILL"  # it ignored SIGTERM


def test_an_app_that_cannot_bind_its_port_says_so_and_leaves_nothing_behind(workdir):
    # The stubborn app starts its setsid child and daemon before it binds: the port is held.
    import socket

    from harness.chaos.app import AppDidNotStart

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))  # bound, not listening: nothing answers, the bind fails
        port = holder.getsockname()[1]
        env = {"PORT": str(port), "NAME": "z", "PID_DIR": str(workdir)}
        app = AppProcess([sys.executable, "app.py"], workdir, env, f"http://127.0.0.1:{port}", "/health", 15)
        app.grace = 0.5
        with pytest.raises(AppDidNotStart) as failed:
            app.__enter__()
    assert failed.value.port_taken and "Address already in use" in failed.value.output
    started = pids_of(workdir)
    assert len(started) == 3 and not [pid for pid in started if process_tree.alive(pid)]
    assert app.output() == ""  # its log is closed: an app that never entered is never exited


def test_a_signal_while_an_app_is_being_stopped_waits_until_it_and_its_children_are_gone(workdir):
    # The first signal is turned into an exception; raised in the middle of stopping an app that
    # ignores SIGTERM, it would skip the SIGKILL that its setsid child and daemon need.
    port = free_port()
    env = {"PORT": str(port), "NAME": "y", "PID_DIR": str(workdir)}
    app = AppProcess([sys.executable, "app.py"], workdir, env, f"http://127.0.0.1:{port}", "/health", 15)
    app.grace = 2.0
    with interrupt.stop_on_signals(), pytest.raises(interrupt.Interrupted), app:
        started = pids_of(workdir)
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
        app.stop()  # at least the 2 s grace: the app ignores SIGTERM
    assert len(started) == 3 and not [pid for pid in started if process_tree.alive(pid)]
