"""`@pytest.mark.contract`, `--harness-contracts` and the `harness_contracts`
ini key together, driven through pytester as a user's suite would be: one file
reached by a folder and by its own path is one contract, two files with one
contract name are an error naming both, and the shipped baselines answer to
`provider:<name>` everywhere a contract path goes."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

# Imported here, not only inside the runs: pytester takes modules first imported during an
# in-process run out of sys.modules again, and two copies of httpx/httpcore must not meet.
import httpcore  # noqa: F401
import httpx
import openai  # noqa: F401
import pytest

import harness.contracts
import harness.report.failures
import harness.testbed  # noqa: F401
from harness.contracts import baselines

CHAT = (
    (baselines.folder() / "openai" / "chat-completions.yaml")
    .read_text()
    .replace("contract: openai/chat-completions", "contract: app/chat")
)
ASK = 'model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]'
# A test of one call, under the mark docs/pytest.md shows.
MARKED = f"""
    import pytest

    @pytest.mark.contract("MARK")
    def test_summary(openai_double):
        openai_double.client(max_retries=0).chat.completions.create({ASK})
"""


@pytest.fixture(scope="module", autouse=True)
def _modules_the_runs_share():
    """Serve a double once, so lazily imported modules load before the in-process runs."""
    from harness.double import Double

    with Double("openai") as double, double.serve() as url:
        httpx.get(url + "/v1/models")


def suite(pytester: pytest.Pytester, mark: str) -> None:
    folder = pytester.path / "contracts"
    folder.mkdir(exist_ok=True)
    (folder / "chat.yaml").write_text(CHAT)
    pytester.makepyfile(test_app=textwrap.dedent(MARKED.replace("MARK", mark)))


def summary_line(result: pytest.RunResult, start: str) -> str:
    return next((line for line in result.outlines if line.startswith(start)), "")


def test_the_documented_mark_under_the_documented_ini_key_checks_the_file_once(pytester):
    suite(pytester, "contracts/chat.yaml")
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nharness_contracts = ["contracts/"]\n')

    result = pytester.runpytest("-q")

    result.assert_outcomes(passed=1)
    assert "also used by" not in result.stdout.str()
    assert summary_line(result, "contracts checked:") == "contracts checked: 1 exchange in 1 test (app/chat 1)"


@pytest.mark.parametrize("how", ["absolute", "relative", "symlink"])
def test_one_file_reached_by_a_folder_option_and_by_the_mark_is_one_contract(pytester, how):
    chat = pytester.path / "contracts" / "chat.yaml"
    mark = {"absolute": str(chat), "relative": "contracts/../contracts/chat.yaml", "symlink": "linked/chat.yaml"}
    suite(pytester, mark[how])
    if how == "symlink":
        (pytester.path / "linked").mkdir()
        (pytester.path / "linked" / "chat.yaml").symlink_to(chat)

    result = pytester.runpytest("-q", "--harness-contracts", "contracts")

    result.assert_outcomes(passed=1)
    assert summary_line(result, "contracts checked:") == "contracts checked: 1 exchange in 1 test (app/chat 1)"


def test_two_files_with_one_contract_name_stay_an_error_naming_both(pytester):
    suite(pytester, "copy/chat.yaml")
    (pytester.path / "copy").mkdir()
    (pytester.path / "copy" / "chat.yaml").write_text(CHAT)

    result = pytester.runpytest("-q", "--harness-contracts", "contracts")

    result.assert_outcomes(failed=1)
    line = next(line for line in result.outlines if "also used by" in line)
    both = re.findall(r"/\S+\.yaml", line)
    assert {Path(p).parent.name for p in both} == {"contracts", "copy"}, line


@pytest.mark.parametrize("where", ["mark", "option", "ini"])
def test_shipped_baselines_answer_to_their_name_in_marks_options_and_the_ini(pytester, where):
    name = "provider:openai/chat-completions"
    suite(pytester, name if where == "mark" else "contracts/chat.yaml")
    args = ["-q", "--harness-contracts", name] if where == "option" else ["-q"]
    if where == "ini":
        pytester.makeini(f"[pytest]\nharness_contracts = {name}\n")

    result = pytester.runpytest(*args)

    result.assert_outcomes(passed=1)
    assert "openai/chat-completions 1" in summary_line(result, "contracts checked:")


def test_a_whole_providers_baselines_by_name_and_an_unknown_name_listing_the_known(pytester):
    suite(pytester, "provider:openai")
    pytester.makepyfile(
        test_typo=textwrap.dedent(MARKED.replace("MARK", "provider:openai/chat-completion")).replace(
            "test_summary", "test_typo"
        )
    )

    result = pytester.runpytest("-q")

    result.assert_outcomes(passed=1, failed=1)
    assert "openai/chat-completions 1" in summary_line(result, "contracts checked:")
    result.stdout.fnmatch_lines(
        [
            "*unknown baseline contract 'provider:openai/chat-completion'; "
            "did you mean 'provider:openai/chat-completions'? known: provider:anthropic, *provider:openai/videos"
        ]
    )
