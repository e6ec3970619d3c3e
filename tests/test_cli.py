"""The `harness` command itself: its version, from the installed package's metadata."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from harness.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_version_is_the_installed_distributions(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])

    assert done.value.code == 0
    assert capsys.readouterr().out == f"harness {version('harness')}\n"


def test_version_from_a_fresh_interpreter():
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, f"harness {version('harness')}\n")


def test_an_internal_error_is_exit_3_with_one_line_and_the_traceback_in_a_file(monkeypatch, capsys, tmp_path):
    """A bug of ours must never look like a finding (1) or bad input (2)."""
    from harness.commands import serve

    def broken(args):
        raise ZeroDivisionError("division by zero in the double")

    monkeypatch.setattr(serve, "run", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR

    assert main(["serve", "openai"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("internal error: ZeroDivisionError: division by zero in the double")
    (written,) = tmp_path.glob("harness-internal-error-*.txt")
    assert f"(traceback in {written})" in err
    assert "Traceback (most recent call last)" in written.read_text() and "def broken" not in err


def test_an_error_raised_on_purpose_is_bad_input(monkeypatch, capsys):
    from harness.commands import serve
    from harness.errors import HarnessError

    def refuses(args):
        raise HarnessError("the test needs exactly one scenario")

    monkeypatch.setattr(serve, "run", refuses)
    assert main(["serve", "openai"]) == 2
    assert capsys.readouterr().err == "error: the test needs exactly one scenario\n"


VERIFY = ["verify", "--contracts", "contracts/providers", "--cassettes", "fixtures/cassettes/clean"]


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, cwd=ROOT)


def test_verify_as_a_process_says_what_main_says(capsys):
    """`harness verify` ends its process without the interpreter's teardown: the same output,
    every byte of it written, and the same exit code, clean run or not."""
    for args in (VERIFY, [*VERIFY[:-1], "fixtures/cassettes/drifted"], [*VERIFY, "--format", "json"]):
        code = main(args)
        expected = capsys.readouterr()
        done = subprocess.run(
            [sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True, check=False, cwd=ROOT
        )
        assert (done.returncode, done.stdout, done.stderr) == (code, expected.out, expected.err)
    assert code == 0 and expected.out.startswith("{")


def test_an_exit_handler_still_runs_after_verify():
    """With an exit handler registered (coverage's, a temporary folder's), the process ends the
    usual way, and the handler runs after the answer."""
    code = (
        "import atexit, sys; from harness import cli; "
        "atexit.register(lambda: print('handler ran')); sys.argv = ['harness', *sys.argv[1:]]; cli.entry()"
    )
    done = _run(code, *VERIFY)
    assert done.returncode == 0 and done.stdout.endswith("all contracts hold\n" + "handler ran\n")


def test_another_thread_is_waited_for_after_verify():
    """A thread still at work when the answer is out (here: it prints a moment after `main`
    returns) is waited for, as the interpreter always did."""
    code = (
        "import sys, threading, time; from harness import cli; done = threading.Event(); real = cli.main; "
        "cli.main = lambda argv: (real(argv), done.set())[0]; "
        "threading.Thread(target=lambda: (done.wait(), time.sleep(0.2), print('thread done'))).start(); "
        "sys.argv = ['harness', *sys.argv[1:]]; cli.entry()"
    )
    done = _run(code, *VERIFY)
    assert done.returncode == 0 and done.stdout.endswith("thread done\n")


def test_a_closed_stdout_after_verify_is_the_usual_exit():
    """Output into a pipe nobody reads: the same exit code and message as `sys.exit(main())` gives."""
    entry = "import sys; from harness import cli; sys.argv = ['harness', *sys.argv[1:]]; cli.entry()"
    plain = "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))"
    outcomes = []
    for code in (entry, plain):
        reader, writer = os.pipe()
        os.close(reader)
        done = subprocess.run(
            [sys.executable, "-c", code, *VERIFY],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            cwd=ROOT,
        )
        os.close(writer)
        outcomes.append((done.returncode, re.sub(r"harness-internal-error-\w+", "FILE", done.stderr)))
    assert outcomes[0] == outcomes[1] and "BrokenPipeError" in outcomes[0][1]
