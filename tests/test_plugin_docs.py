"""docs/pytest.md's example test files, run as written: every ```python block
that starts with `# test_<name>.py` is written to a fresh project and run with
pytest. It must pass, unless its first line says it `fails, as it should`;
then it must fail, and every line of the ```console block after it must be in
the output."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from test_pytest_plugin import CHAT_CONTRACT, _modules_the_runs_share

__all__ = ["_modules_the_runs_share"]  # its module-scoped fixture serves a double once for these runs too

DOC = Path(__file__).resolve().parent.parent / "docs" / "pytest.md"
EXAMPLE = re.compile(
    r"```python\n# (?P<name>test_\w+\.py)(?P<fails> — fails, as it should)?\n(?P<code>.*?)```"
    r"(?:\s*```console\n(?P<console>.*?)```)?",
    re.S,
)


def examples() -> list[re.Match[str]]:
    return list(EXAMPLE.finditer(DOC.read_text(encoding="utf-8")))


def test_the_guide_has_runnable_examples_of_each_feature():
    names = {m["name"] for m in examples()}
    assert {"test_moderation.py", "test_typo.py", "test_retry_count.py", "test_combined.py"} <= names
    assert {"test_blocked.py", "test_contract_guard.py"} <= names


@pytest.mark.parametrize("example", examples(), ids=lambda m: m["name"])
def test_an_example_of_the_guide_runs_as_written(pytester, example):
    (pytester.path / "contracts").mkdir()
    shutil.copy(CHAT_CONTRACT, pytester.path / "contracts" / "chat.yaml")
    pytester.makepyfile(**{example["name"][:-3]: example["code"]})
    console = (example["console"] or "").splitlines()
    command = next((line for line in console if line.startswith("$ pytest")), f"$ pytest -q {example['name']}")
    result = pytester.runpytest(*shlex.split(command)[2:])
    outcomes = result.parseoutcomes()
    if not example["fails"]:
        assert outcomes.get("passed") and not outcomes.get("failed") and not outcomes.get("errors"), result.outlines
        return
    assert outcomes.get("failed"), result.outlines
    shown = [line for line in console[1:] if line and not re.match(r"[F.]+ +\[|[=_-]{3}", line)]
    assert shown
    for line in shown:
        assert line in result.outlines, line
