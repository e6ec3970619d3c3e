"""Fault parameters are range-checked when the fault is made, in a scenario file
and through the control API alike: NaN, infinities, negative or absurd
durations, probabilities outside [0, 1] and toxic attributes the toxic itself
refuses are each one clean error naming the parameter and what it may be."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from harness.chaos.fault import FAULTS, load_faults, make
from harness.cli import main
from harness.double import Double
from harness.errors import InputError

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "name, params, words",
    [
        ("slow_first_byte", {"seconds": 1e9}, "parameter 'seconds' must be a number from 0 to 3,600 seconds"),
        ("slow_first_byte", {"seconds": -1}, "parameter 'seconds' must be a number from 0 to 3,600 seconds"),
        ("slow_first_byte", {"seconds": NAN}, "parameter 'seconds' must be a finite number, not nan"),
        ("slow_first_byte", {"seconds": "5"}, "parameter 'seconds' must be a number from 0 to 3,600 seconds, not '5'"),
        ("stream_stall", {"seconds": INF}, "parameter 'seconds' must be a finite number, not inf"),
        ("stream_stall", {"after_events": 1.5}, "parameter 'after_events' must be a whole number from 0 to 1,000,000"),
        ("stream_cut", {"after_events": -1}, "parameter 'after_events' must be a whole number from 0 to 1,000,000"),
        ("rate_limit", {"retry_after": -2}, "parameter 'retry_after' must be a number from 0 to 86,400 seconds"),
        ("rate_limit", {"retry_after": True}, "parameter 'retry_after' must be a number"),
        ("outage", {"status": 600}, "parameter 'status' must be a whole number from 500 to 599"),
        ("deprecated", {"sunset": INF}, "parameter 'sunset' must be a finite number"),
        ("deprecated", {"sunset": 1e20}, "parameter 'sunset' must be a number from 0 to 253,402,300,799 epoch seconds"),
        ("drift", {"pointer": "/a", "op": "enum", "to": [NAN]}, "parameter 'to[0]' must be a finite number"),
        ("latency", {"latency": NAN}, "parameter 'latency' must be a finite number"),
        ("latency", {"latency": 10**10}, "parameter 'latency' must be a whole number from 0 to 3,600,000 ms"),
        ("latency", {"jitter": -5}, "parameter 'jitter' must be a whole number from 0 to 3,600,000 ms"),
        ("latency", {"toxicity": 2}, "parameter 'toxicity' must be a number from 0 to 1"),
        ("bandwidth", {"rate": 2.5}, "parameter 'rate' must be a whole number from 0 to 2,147,483,647 KB/s"),
        ("slicer", {"delay": 10**13}, "parameter 'delay' must be a whole number from 0 to 3,600,000,000 µs"),
        # The toxic's own validation, at build time rather than when its step comes:
        ("slicer", {"average_size": 0}, "average_size must be 1 or more"),
        ("slicer", {"average_size": 8, "size_variation": 9}, "size_variation must not be more than average_size"),
    ],
)
def test_a_parameter_out_of_range_is_refused_naming_it_and_its_range(name, params, words):
    with pytest.raises(InputError) as caught:
        make(name, params)
    assert caught.value.message.startswith(f"fault {name!r}: ") and words in caught.value.message


def test_every_fault_is_made_with_its_defaults_and_the_edges_of_its_ranges():
    load_faults()
    for name in FAULTS:
        if name not in ("drift", "awkward"):  # they need a pointer, a contract
            make(name)
    make("slow_first_byte", {"seconds": 0})
    make("slow_first_byte", {"seconds": 3600})
    make("stream_cut", {"after_events": 0})
    make("outage", {"status": 502})
    make("latency", {"latency": 3_600_000, "jitter": 0, "toxicity": 0.5})
    make("slicer", {"average_size": 8, "size_variation": 8, "delay": 0})
    make("deprecated", {"sunset": "2026-09-24"})


SCENARIO = """\
scenario: ranges
doubles: [openai]
app: {{url: "http://127.0.0.1:9"}}
timeline:
  - at: 1
    fault: {fault}
    {param}: {value}
steps:
  - {{at: 1, request: {{method: GET, path: /}}}}
"""


@pytest.mark.parametrize(
    "fault, param, value, words",
    [
        ("slow_first_byte", "seconds", "1.0e+9", "parameter 'seconds' must be a number from 0 to 3,600 seconds"),
        # A non-finite number is refused by the YAML reader itself, before any fault sees it.
        ("latency", "latency", ".nan", "numbers must be finite, not '.nan'"),
        ("stream_stall", "seconds", "-.inf", "numbers must be finite, not '-.inf'"),
        ("latency", "toxicity", "1.5", "parameter 'toxicity' must be a number from 0 to 1"),
        ("slicer", "average_size", "0", "average_size must be 1 or more"),
    ],
)
def test_a_scenario_with_one_is_bad_input_naming_the_line(tmp_path, capsys, fault, param, value, words):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(fault=fault, param=param, value=value))
    assert main(["chaos", "run", str(path)]) == 2
    err = capsys.readouterr().err
    assert words in err and f"{path}:" in err and "Traceback" not in err
    line = 7 if "parameter" in words or "finite" in words else 6  # the parameter's own line, else the fault's
    assert f"{path}:{line}:" in err


@pytest.mark.parametrize(
    "body, words",
    [
        (b'{"fault": "slow_first_byte", "seconds": 1e9}', "parameter 'seconds' must be a number from 0 to 3,600"),
        (b'{"fault": "stream_stall", "seconds": NaN}', "parameter 'seconds' must be a finite number"),
        (b'{"fault": "rate_limit", "retry_after": -Infinity}', "parameter 'retry_after' must be a finite number"),
        (b'{"fault": "outage", "probability": 1.5}', "probability must be a number from 0 to 1"),
        (b'{"fault": "outage", "probability": NaN}', "probability must be a number from 0 to 1"),
        (b'{"fault": "outage", "at": NaN}', "at must be a number from 0 to 36,525"),
    ],
)
def test_the_control_api_refuses_them_too(body, words):
    with Double("openai", seed=1) as double, httpx.Client(transport=double.transport(), base_url="http://d") as http:
        response = http.post("/__harness/faults", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400 and words in response.json()["error"], response.text
        assert double.hooks == []


def test_the_example_scenarios_still_load(monkeypatch):
    from harness.chaos import scenario

    root = Path(__file__).parent.parent
    monkeypatch.setenv("HARNESS_ALLOW_DIRS", str(root / "fixtures" / "apps"))  # as `make run` allows
    for path in [*root.glob("contracts/scenarios/**/*.yaml"), *root.glob("tests/apps/*/*.yaml")]:
        scenario.load(path)
