"""Start-up cost of the pytest plugin, which loads in every pytest run of a
project that installs harness.

`pytest --co -q` on an empty suite, in a fresh process each time, median of
several runs, the two variants interleaved so drift hits both alike:
- with every installed plugin, against the same with `-p no:harness`;
- with every other installed plugin blocked (`-p no:NAME`), against the
  same with `-p no:harness` too: the plugin's own cost, without the noise of
  the other plugins' imports. (Not `-p harness.pytest_plugin` with autoload
  off: pytest then scans every entry point for that one name, which costs
  more than the plugin.)
Bytecode is cached (in a temporary PYTHONPYCACHEPREFIX, not in the tree) as
in any installed package, even where PYTHONDONTWRITEBYTECODE is set:
compiling every module from source on each run is not what users pay.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 9


def _seconds(args: list[str], env: dict[str, str], folder: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", *args],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 5):  # 5: no tests collected, which is the point
        raise RuntimeError(f"pytest {' '.join(args)} failed: {done.stderr[-500:]}")
    return seconds


def _pair(with_args: list[str], without_args: list[str], env: dict[str, str], folder: str) -> tuple[float, float]:
    _seconds(with_args, env, folder)  # warm the file-system cache once
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(RUNS):
        timings[0].append(_seconds(with_args, env, folder))
        timings[1].append(_seconds(without_args, env, folder))
    return statistics.median(timings[0]) * 1000, statistics.median(timings[1]) * 1000


def _other_plugins() -> list[str]:
    from importlib.metadata import entry_points

    names = sorted({ep.name for ep in entry_points(group="pytest11")} - {"harness"})
    return [arg for name in names for arg in ("-p", f"no:{name}")]


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as pycache:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTEST_", "HARNESS_")) and k != "PYTHONDONTWRITEBYTECODE"
        }
        env["PYTHONPYCACHEPREFIX"] = pycache
        others = _other_plugins()
        loaded, blocked = _pair([], ["-p", "no:harness"], env, folder)
        alone, none = _pair(others, [*others, "-p", "no:harness"], env, folder)
    return [
        {
            "measure": "pytest --co, empty suite, all installed plugins",
            "value": loaded,
            "unit": "ms",
            "baseline": "same, -p no:harness",
            "baseline_value": blocked,
            "ratio": loaded / blocked,
        },
        {
            "measure": "pytest --co, empty suite, other plugins blocked",
            "value": alone,
            "unit": "ms",
            "baseline": "same, -p no:harness",
            "baseline_value": none,
            "ratio": alone / none,
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
