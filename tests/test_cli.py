"""The `harness` command itself: its version, from the installed package's metadata."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest

from harness.cli import main


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
