"""A value a scenario step saves is used by later steps, in their requests and in
their `expect`, and a `{name}` no earlier step saves is caught when the file loads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.chaos import runner, scenario
from harness.errors import InputError

APP = Path(__file__).parent / "apps" / "ask"

SAVES = """\
scenario: saved-values
doubles: [openai]
app:
  command: ["{python}", app.py]
  url: "http://127.0.0.1:{port}"
  env: {PORT: "{port}", OPENAI_BASE_URL: "{openai.url}/v1"}
  ready: {path: /health, timeout: 20}
steps:
  - {request: {method: POST, path: /ask, json: {q: hi}}, save: {first: json.id}}
  - {request: {method: POST, path: /ask, json: {q: again}}, save: {second: json.id}}
  - {request: {method: GET, path: "/answers/{first}"}, expect: {status: 200, json: {id: "{first}", q: hi}}}
  - {request: {method: GET, path: "/answers/{first}"}, expect: {json: {id: "{second}"}}}
"""


def test_a_saved_value_in_expect_is_compared_as_the_value(tmp_path):
    shutil.copy(APP / "app.py", tmp_path / "app.py")
    (tmp_path / "s.yaml").write_text(SAVES)

    run = runner.run(scenario.load(tmp_path / "s.yaml"))

    steps = [v for v in run.verdicts if v.kind == "step"]
    assert [v.ok for v in steps] == [True, True, True, False], [v.message for v in steps]
    first, second = (json.loads(v.message.removeprefix("HTTP 200 "))["id"] for v in steps[:2])
    assert steps[3].message.startswith(f'expected /id = "{second}", got "{first}"')


@pytest.mark.parametrize(
    "change, line, words",
    [
        (
            'expect: {json: {id: "{second}"}}}',
            12,
            "{second} is not saved by an earlier step (saved before it: {first})",
        ),
        ('expect: {json: {id: "{third}"}}}', 12, "{third} is not saved by an earlier step"),
        ('expect: {headers: {x-id: "{first}{nope}"}}}', 12, "{nope} is not saved"),
    ],
)
def test_a_name_no_earlier_step_saves_is_an_error_at_its_line(change, line, words):
    text = SAVES.replace("save: {second: json.id}}", "}", 1).replace('expect: {json: {id: "{second}"}}}', change)

    with pytest.raises(InputError) as error:
        scenario.loads(text, "s.yaml")

    assert (error.value.source, error.value.line) == ("s.yaml", line)
    assert words in error.value.message


def test_a_request_cannot_use_what_its_own_or_a_later_step_saves():
    text = SAVES.replace("path: /ask, json: {q: hi}}", 'path: "/ask?after={second}", json: {q: hi}}')

    with pytest.raises(InputError, match=r"\{second\} is not saved by an earlier step \(saved before it: none\)"):
        scenario.loads(text, "s.yaml")


def test_a_probe_may_use_what_any_step_saves():
    text = SAVES + 'probes:\n  - {request: {method: GET, path: "/answers/{second}"}}\n'
    assert scenario.loads(text, "s.yaml").probes[0].request["path"] == "/answers/{second}"
    with pytest.raises(InputError, match=r"\{other\} is not saved by a step"):
        scenario.loads(text.replace("/answers/{second}", "/answers/{other}"), "s.yaml")
