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
