"""The provider baselines ship inside the package and answer to `provider:<name>`:
every provider with a double has some, a name loads its files, an unknown name
is one line listing the known ones (exit 2), and a harness built from the
package declaration (not this clone) still finds them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import harness
from harness import providers
from harness.cli import main
from harness.contracts import baselines, load_path
from harness.errors import ContractError

ROOT = Path(__file__).resolve().parent.parent


def test_the_baselines_live_in_the_package_one_folder_per_shipped_provider():
    assert baselines.folder() == ROOT / "harness" / "baselines"
    shipped = {"openai", "anthropic", "gemini", "azure_openai"}
    assert {p.name for p in baselines.folder().iterdir()} == shipped
    assert set(providers.names()) >= shipped


def test_a_providers_name_loads_all_its_baselines_and_a_files_name_loads_one():
    everything = [c.name for c in load_path("provider:openai")]
    assert everything == [c.name for c in load_path(baselines.folder() / "openai")]
    assert "openai/chat-completions" in everything and len(everything) == 9

    (one,) = load_path("provider:openai/chat-completions")
    assert one.name == "openai/chat-completions"
    assert one.source == str(baselines.folder() / "openai" / "chat-completions.yaml")
    assert [c.name for c in load_path("provider:gemini/veo.yaml")] == ["gemini/veo"]


def test_a_name_at_the_end_of_a_joined_path_still_counts(tmp_path):
    """pytest joins ini values and mark arguments to a folder before harness sees them."""
    (one,) = load_path(tmp_path / "provider:anthropic" / "messages")
    assert one.name == "anthropic/messages"
    shipped = len(list((Path(harness.__file__).parent / "baselines" / "gemini").glob("*.yaml")))
    assert [c.provider for c in load_path(tmp_path / "provider:gemini")] == ["gemini"] * shipped


def test_a_real_file_is_never_taken_for_a_name(tmp_path):
    odd = tmp_path / "provider:openai"
    odd.mkdir()
    (odd / "mine.yaml").write_text(
        (baselines.folder() / "openai" / "models.yaml").read_text().replace("openai/models", "me/models")
    )
    assert [c.name for c in load_path(odd)] == ["me/models"]


def test_names_and_baselines_overlap_into_one_contract():
    names = [c.name for c in load_path("provider:openai", "provider:openai/videos", baselines.folder() / "openai")]
    assert len(names) == len(set(names)) == 9


@pytest.mark.parametrize(
    "name, hint",
    [
        ("provider:opnai", "did you mean 'provider:openai'? "),
        ("provider:openai/chat-completion", "did you mean 'provider:openai/chat-completions'? "),
        ("provider:toyai", None),
        ("provider:", None),
        ("provider:openai/../anthropic/messages", None),  # names, not paths
        ("provider:..", None),
        ("provider:../baselines/openai", None),
    ],
)
def test_an_unknown_name_lists_the_known_ones(name, hint):
    with pytest.raises(ContractError) as error:
        load_path(name)
    message = str(error.value)
    assert message.startswith(f"unknown baseline contract {name!r}; {hint or ''}")
    assert message.endswith(", ".join(baselines.names()))
    assert "provider:openai/chat-completions" in baselines.names()


def test_verify_takes_names_and_an_unknown_one_is_exit_2(capsys):
    cassette = str(ROOT / "fixtures" / "cassettes" / "clean" / "anthropic-messages.yaml")
    assert main(["verify", "--contracts", "provider:anthropic", "--cassettes", cassette]) == 0
    assert "all contracts hold" in capsys.readouterr().out

    assert main(["verify", "--contracts", "provider:anthropc", "--cassettes", cassette]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown baseline contract 'provider:anthropc'; did you mean 'provider:anthropic'?")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_built_package_carries_its_baselines(tmp_path):
    """Build the package as its declaration says (setuptools' build_py, what a wheel holds),
    then load the baselines by name from that copy, away from this clone."""
    pytest.importorskip("setuptools")
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "harness", source / "harness", ignore=shutil.ignore_patterns("__pycache__"))
    built = tmp_path / "built"
    subprocess.run(
        [sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "build_py", "-d", str(built)],
        cwd=source,
        check=True,
        capture_output=True,
    )
    assert sorted(p.name for p in (built / "harness" / "baselines" / "openai").iterdir()) == sorted(
        p.name for p in (ROOT / "harness" / "baselines" / "openai").iterdir()
    )
    shutil.rmtree(source)  # nothing left to find but the built copy

    script = "import harness.contracts as c; print(c.load_path('provider:openai/chat-completions')[0].source)"
    env = {**os.environ, "PYTHONPATH": str(built)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == str(built / "harness" / "baselines" / "openai" / "chat-completions.yaml")
