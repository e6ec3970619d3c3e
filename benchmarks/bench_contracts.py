"""Exchanges checked per second against the shipped contracts, in process and end to end.

In process, the same 3,000 exchanges (bodies already parsed), three ways in one run:
`verify` (jsonschema-rs says whether a body fits, jsonschema explains a misfit), a
plain loop of `jsonschema` validators compiled once (what checking cost before),
and a loop of `jsonschema_rs` validators compiled once (the floor: no matching,
no headers, no findings).

End to end, `harness verify` in a child process on 3,000 recorded exchanges in
cassette files (the recorded ones, copied with their video ids made unique so
each job's lifecycle holds), start-up, YAML and contract loading included, the best
of three runs by wall clock and by the child's CPU time (the readers it forks when a
CPU is idle included: they are its children, waited for); beside it, what reading the
same files with PyYAML's C loader alone takes. The command runs as an installed harness
runs: with its modules' bytecode cached (pip compiles it at install, and Python caches
an editable install's on first import), here in a temporary PYTHONPYCACHEPREFIX filled
by a run that is not counted. It is measured once more in the environment as it is:
where PYTHONDONTWRITEBYTECODE is set (this workplace's machines set it), every harness
module is compiled again on each run.

The cassette reader alone (`harness.yamlfast`: rapidyaml, checked against PyYAML's
rules) on the same files, against PyYAML's C loader on them: the YAML part of the
end-to-end figure.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jsonschema
import jsonschema_rs
import yaml

from benchmarks import row
from harness import yamlfast
from harness.cassettes import load_path as load_cassettes
from harness.contracts import load_path, verify
from harness.contracts.checker import match

ROOT = Path(__file__).resolve().parent.parent
TARGET = 3_000
RUNS = 3  # of `harness verify` end to end
VIDEO = "video_0c5c7fd0a6a3a4506513270e269e0d37f2a74de452e6b438"  # the recorded job's id


def _bodies(contracts, exchanges) -> list[tuple[dict, object]]:
    """(schema, body) for each exchange matched to an interaction with a JSON body."""
    out = []
    for exchange in exchanges:
        for contract in contracts:
            interaction = match(contract, exchange)
            if interaction is not None and interaction.response.json is not None and exchange.response is not None:
                out.append((interaction.response.json.schema, exchange.response.json))
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _loop(pairs, make) -> float:
    compiled = {}
    start = time.perf_counter()
    for schema, body in pairs:
        key = id(schema)
        validator = compiled.get(key) or compiled.setdefault(key, make(schema))
        validator.is_valid(body)
    return time.perf_counter() - start


def _best_of(command: list[str], envs: list[dict[str, str]]) -> list[tuple[float, float]]:
    """For each environment, the best wall-clock time and the best CPU time (user and system)
    of RUNS runs of `command`, the environments taking turns: on a shared machine one run
    says more about the neighbours than about us, and turns spread their noise evenly."""
    best = [(float("inf"), float("inf")) for _ in envs]
    for _ in range(RUNS):
        for i, env in enumerate(envs):
            before = _children_cpu()
            start = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
            wall, cpu = time.perf_counter() - start, _children_cpu() - before
            if done.returncode != 0:
                raise RuntimeError(f"harness verify failed on the benchmark's cassettes:\n{done.stdout[-2000:]}")
            best[i] = (min(best[i][0], wall), min(best[i][1], cpu))
    return best


def _bytecode_note() -> str:
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return "PYTHONDONTWRITEBYTECODE set, modules compiled on each run"
    return "bytecode written and read as Python does"


def _write_cassettes(folder: Path) -> int:
    texts = [f.read_text() for f in sorted((ROOT / "fixtures" / "cassettes" / "clean").glob("*.yaml"))]
    recorded = [i for text in texts for i in yaml.safe_load(text)["interactions"]]
    written, copy = 0, 0
    while written < TARGET:
        dumped = yaml.safe_dump(recorded[: min(len(recorded), TARGET - written)]).replace(VIDEO, f"video_{copy:048x}")
        chunk = yaml.safe_load(dumped)
        (folder / f"c{copy:04}.yaml").write_text(yaml.safe_dump({"interactions": chunk, "version": 1}))
        written, copy = written + len(chunk), copy + 1
    return written


def run() -> list[dict]:
    contracts = load_path(ROOT / "contracts" / "providers")
    recorded = [x for x in load_cassettes(ROOT / "fixtures" / "cassettes" / "clean") if x.response is not None]
    exchanges = (recorded * (TARGET // max(len(recorded), 1) + 1))[:TARGET]
    verify(contracts, exchanges)  # bodies parsed and validators compiled, for all three alike
    pairs = _bodies(contracts, exchanges)

    start = time.perf_counter()
    verify(contracts, exchanges)
    ours = time.perf_counter() - start
    compiled = _loop(pairs, jsonschema.Draft202012Validator)
    rust = _loop(pairs, lambda s: jsonschema_rs.Draft202012Validator(s, validate_formats=False))

    with tempfile.TemporaryDirectory() as folder:
        count = _write_cassettes(Path(folder))
        command = [sys.executable, "-m", "harness.cli", "verify", "--contracts", str(ROOT / "contracts" / "providers")]
        command += ["--cassettes", folder]
        with tempfile.TemporaryDirectory() as bytecode:
            cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            cached["PYTHONPYCACHEPREFIX"] = bytecode
            subprocess.run(command, cwd=ROOT, capture_output=True, env=cached, check=True)  # fills the cache
            (installed, installed_cpu), (as_is, _) = _best_of(command, [cached, dict(os.environ)])
        files = sorted(Path(folder).glob("*.yaml"))
        start = time.perf_counter()
        for path in files:
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        yaml_only = time.perf_counter() - start
        start = time.perf_counter()
        declined = 0
        for path in files:
            try:
                yamlfast.read(path.read_bytes().decode("utf-8"))
            except yamlfast.Unsupported:
                declined += 1
        fast_only = time.perf_counter() - start
        if declined:
            raise RuntimeError(f"the fast reader declined {declined} of the benchmark's cassettes")

    n = len(exchanges)
    measure = f"exchanges checked/s in process ({n} from {len(recorded)} recorded, {len(contracts)} contracts)"
    files_read = f"{count} exchanges in {len(files)} cassettes"
    csafe = "PyYAML CSafeLoader reading the same files, nothing else"
    return [
        row(measure, n / ours, "ex/s", "loop of jsonschema validators compiled once", n / compiled),
        row(measure, n / ours, "ex/s", "loop of jsonschema_rs validators compiled once", n / rust),
        row(
            f"harness verify end to end, as installed ({files_read})",
            count / installed,
            "ex/s",
            csafe,
            count / yaml_only,
        ),
        row(
            f"harness verify end to end, as installed, per CPU second ({files_read})",
            count / installed_cpu,
            "ex/s",
            csafe,
            count / yaml_only,
        ),
        row(
            f"harness verify end to end, in this environment: {_bytecode_note()} ({files_read})",
            count / as_is,
            "ex/s",
            csafe,
            count / yaml_only,
        ),
        row(
            f"cassette YAML read by yamlfast ({files_read})",
            count / fast_only,
            "ex/s",
            "PyYAML CSafeLoader reading the same files",
            count / yaml_only,
        ),
    ]


if __name__ == "__main__":
    for line in run():
        print(line)
