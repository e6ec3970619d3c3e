"""Bad input, generated: the repository's own contracts, scenarios, cassettes and
specs, mutated (bytes flipped; values swapped for other types, NaN, infinities,
huge numbers, unicode digits, deep nesting, odd refs; keys duplicated; aliases
multiplied), then loaded in-process. Each load must succeed or raise a
`HarnessError`: any other exception is a traceback a user would see. Each
example runs under a time bound (SIGALRM) and an address-space bound.

Bounded here (a few hundred examples in all); `make fuzz` sets
HARNESS_FUZZ_EXAMPLES=10000 and prints what it saw.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from harness import cassettes
from harness.chaos import scenario
from harness.contracts import loader
from harness.diff.spec import load_spec
from harness.errors import HarnessError

ROOT = Path(__file__).resolve().parent.parent
TOTAL = int(os.environ.get("HARNESS_FUZZ_EXAMPLES", "240"))
FULL = "HARNESS_FUZZ_EXAMPLES" in os.environ  # `make fuzz`: count every traceback, then fail
# The larger shipped baselines take a second each to load (a meta-schema check per
# schema); the small ones exercise the same loader at a tenth of the cost.
BASELINES = [p for p in sorted((ROOT / "harness" / "baselines").rglob("*.yaml")) if p.stat().st_size < 4000]
CLIPSTUDIO_SPEC = ROOT / "fixtures" / "apps" / "clipstudio" / "openapi.yaml"
SEEDS = {
    "contract": sorted((ROOT / "contracts" / "examples").glob("*.yaml"))
    + sorted((ROOT / "fixtures" / "specs" / "contracts").glob("*.yaml"))
    + BASELINES,
    "scenario": sorted((ROOT / "contracts" / "scenarios").rglob("*.yaml"))
    + [ROOT / "tests" / "apps" / "ask" / "sunset.yaml"],
    "cassette": sorted((ROOT / "fixtures" / "cassettes").rglob("*.yaml")),
    "spec": sorted((ROOT / "fixtures" / "specs").glob("acme-v?.yaml")),
}
PER_KIND = max(1, TOTAL // (len(SEEDS) * 2))  # two strategies per kind
SECONDS = 10  # per example: past this it is a hang
MEMORY = 1024**3  # per example: address space it may add

# Values a hand-written file might hold by mistake, or an attacker on purpose.
ODD_VALUES: list[Any] = [
    float("nan"),
    float("inf"),
    -float("inf"),
    10**20,
    -(2**63),
    10**400,
    "²",
    "٣",
    "",
    None,
    True,
    [],
    {},
    "{unknown}",
    "{port}",
    "http://[::1",
    "/proc/self/environ",
    {"$ref": "http://127.0.0.1:9/x.json"},
    {"$ref": "file:///etc/passwd"},
    {"$ref": "/proc/self/environ"},
    {"$ref": "../../../outside.yaml"},
    {"$ref": "#/required/0"},
    {"$ref": "#"},
    {"$dynamicRef": "http://127.0.0.1:9/x.json"},
    {"type": 5},
    {"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"},
]

SEEN: Counter[str] = Counter()
TRACEBACKS: list[str] = []
PEAK = {"rss_mib": 0.0, "seconds": 0.0}


class Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang(f"over {SECONDS} s")


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="harness-fuzz-") as name:
        # The fuzz block of a nightly scenario reads clipstudio's spec: a copy beside it (see `seed`).
        shutil.copy(CLIPSTUDIO_SPEC, Path(name) / CLIPSTUDIO_SPEC.name)
        yield Path(name)


@pytest.fixture(scope="module", autouse=True)
def summary() -> Iterator[None]:
    """Under `make fuzz`: the counts, and a failure at the end if any example raised
    anything but a HarnessError (each was recorded instead of stopping the run)."""
    yield
    if FULL:
        print(
            f"\nfuzz: {sum(SEEN.values())} inputs ({', '.join(f'{k} {v}' for k, v in sorted(SEEN.items()))}); "
            f"{len(TRACEBACKS)} tracebacks; slowest {PEAK['seconds']:.2f} s; peak RSS {PEAK['rss_mib']:.0f} MiB"
        )
        for line in TRACEBACKS[:20]:
            print("  " + line)
        assert not TRACEBACKS, f"{len(TRACEBACKS)} inputs raised something other than a HarnessError"


def seed(path: Path) -> bytes:
    """A seed file's bytes; the nightly scenarios' app folder (and the spec a fuzz block
    reads) made their own, as a file copied elsewhere would need (their
    `../../../fixtures/apps` is outside)."""
    return (
        path.read_bytes()
        .replace(b"cwd: ../../../fixtures/apps", b"cwd: .")
        .replace(b"openapi: ../../../fixtures/apps/clipstudio/", b"openapi: ")
    )


def load(kind: str, text: bytes, folder: Path) -> None:
    """One generated input, as `harness` would read it."""
    path = folder / f"{kind}.yaml"
    path.write_bytes(text)
    read: dict[str, Callable[[Path], Any]] = {
        "contract": loader.load,
        "scenario": scenario.load,
        "cassette": cassettes.load,
        "spec": load_spec,
    }
    read[kind](path)


def check(kind: str, how: str, text: bytes, folder: Path) -> None:
    """`load` under the time and memory bounds; anything but success or a HarnessError fails."""
    SEEN[f"{kind}/{how}"] += 1
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = _address_space()
    if used:
        resource.setrlimit(resource.RLIMIT_AS, (used + MEMORY, hard))
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS)
    started = time.monotonic()
    try:
        load(kind, text, folder)
    except HarnessError:
        pass
    except (Exception, RecursionError) as exc:
        problem = f"{kind}/{how}: {type(exc).__name__}: {str(exc)[:200]}"
        if not FULL:
            raise AssertionError(f"{problem}\ninput: {text[:2000]!r}") from exc
        TRACEBACKS.append(problem)
        print(f"\nTRACEBACK {problem}\n  input: {text[:300]!r}", flush=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        PEAK["seconds"] = max(PEAK["seconds"], time.monotonic() - started)
        PEAK["rss_mib"] = max(PEAK["rss_mib"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        if FULL and sum(SEEN.values()) % 500 == 0:  # a long run shows where it is
            print(f"\n{sum(SEEN.values())} inputs, {len(TRACEBACKS)} tracebacks", flush=True)


def _address_space() -> int:
    """This process's address space now (0 where /proc is not there: no bound is set)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * resource.getpagesize()


# -- byte mutations ------------------------------------------------------------


@st.composite
def byte_mutations(draw: st.DrawFn, kind: str) -> bytes:
    data = bytearray(seed(draw(st.sampled_from(SEEDS[kind]))))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        what = draw(st.sampled_from(["flip", "insert", "delete", "repeat"]))
        if what == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif what == "insert":
            data[at:at] = draw(
                st.sampled_from([b"\x00", b"\xff", b"\x07", b"&a ", b"*a", b"{", b"[", b"- ", b":", b"\t"])
            )
        elif what == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        else:  # a line repeated: duplicate keys, or a list grown
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end + 1
            data[end:end] = data[start:end] * draw(st.integers(1, 3))
    return bytes(data)


# -- structure mutations -------------------------------------------------------


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


def _replace(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {**node, head: _replace(node[head], rest, value)}
    copy = list(node)
    copy[head] = _replace(node[head], rest, value)
    return copy


def _deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


def _swapped(value: Any) -> list[Any]:
    """The same value as other types."""
    return [str(value), [value], {"v": value}, json.dumps(value, default=str)]


@st.composite
def structure_mutations(draw: st.DrawFn, kind: str) -> bytes:
    data = yaml.load(seed(draw(st.sampled_from(SEEDS[kind]))), Loader=yaml.CSafeLoader)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))
        path = draw(st.sampled_from(paths))
        old: Any = data
        for part in path:
            old = old[part]
        choice = draw(st.sampled_from(["odd", "swap", "deep", "drop"]))
        if choice == "odd":
            new = draw(st.sampled_from(ODD_VALUES))
        elif choice == "swap":
            new = draw(st.sampled_from(_swapped(old)))
        elif choice == "deep":
            new = _deep(draw(st.sampled_from([10, 60, 70, 500])))
        else:
            new = None
        data = _replace(data, path, new)
    try:
        text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, width=10_000)
    except RecursionError:
        # PyYAML's own writer cannot write a mutation nested this deep: that input is never made,
        # which says nothing about harness (deep nesting is still made, as text, above).
        assume(False)
    tail = draw(st.sampled_from(["", "dup", "aliases"]))
    if tail == "dup" and text.strip():
        first = text.splitlines()[0]
        text = text + first + "\n"  # a top-level key written twice
    elif tail == "aliases" and isinstance(data, dict):
        bomb = ["x0: &x0 [a, a, a, a, a, a, a, a, a, a]"]
        bomb += [f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 10) + "]" for i in range(1, 9)]
        text = "\n".join(bomb) + "\n" + text
    return text.encode()


@pytest.mark.parametrize("kind", sorted(SEEDS))
@settings(
    max_examples=PER_KIND,
    deadline=None,  # the SIGALRM bound above is the one that counts
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    database=None,
)
@given(data=st.data())
def test_mutated_bytes_are_loaded_or_refused_cleanly(kind, data, folder):
    check(kind, "bytes", data.draw(byte_mutations(kind)), folder)


@pytest.mark.parametrize("kind", sorted(SEEDS))
@settings(
    max_examples=PER_KIND,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    database=None,
)
@given(data=st.data())
def test_mutated_structure_is_loaded_or_refused_cleanly(kind, data, folder):
    check(kind, "structure", data.draw(structure_mutations(kind)), folder)


def test_the_seeds_load_as_they_are(folder):
    """The mutations start from files that load: a refusal above is about the mutation."""
    for kind, files in SEEDS.items():
        assert files, kind
        for path in files:
            load(kind, seed(path), folder)
