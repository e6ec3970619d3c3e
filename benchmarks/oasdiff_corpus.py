"""How much of what oasdiff's checker tests assert does `harness diff` find?

    python -m benchmarks.oasdiff_corpus PATH [--verbose]

PATH is a copy of github.com/oasdiff/oasdiff: a checkout, or a bare git
directory (its HEAD is read). Not run by `make bench`: the corpus is not part
of this repository.

Reads the Go tests in `checker/*_test.go`: each test that diffs two spec
files from `data/` as they are (tests that edit a spec in Go, or change
oasdiff's configuration, are skipped) and asserts change ids. For every
asserted id of level ERR or WARN (levels from `checker/rules.go`) that
corresponds to OpenAPI semantics, it counts a match when our diff of the same
pair reports a change of a kind that docs/diff.md maps to that id, at the
same or a stricter class (ERR: breaking; WARN: risky or breaking). Ids of
oasdiff's own lint and policy conventions are listed apart with the reason.
Tests that assert no change at all are clean pairs: we must report nothing
breaking there.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from harness.diff import diff_specs, load_spec
from harness.errors import HarnessError

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "diff.md"

# oasdiff's own conventions rather than what an OpenAPI document means, by id pattern.
EXCLUDED = (
    (r"stability", "x-stability-level is oasdiff's extension for API maturity, not OpenAPI"),
    (r"sunset-parse|sunset-missing|deprecated-invalid", "lints the form of oasdiff's x-sunset extension"),
    (
        r"(parameter|property)-sunset-date-too-small",
        "oasdiff's minimum-notice policy for single parameters and properties (harness applies it to operations)",
    ),
    (r"extensible-enum", "x-extensible-enum is a Zalando guideline extension, not OpenAPI"),
    (r"api-version", "oasdiff's policy on info.version, which no client reads"),
)
ACCEPTS = {"ERR": ("breaking",), "WARN": ("breaking", "risky")}
_SKIP_CONFIG = re.compile(
    r"WithDeprecation|WithAttributes|WithExclude|WithMatch|WithFlatten|WithIncludePathParams|WithUnstable|"
    r"WithStrict|WithCheckBreaking|WithOptional|IncludePathParams|ExcludeElements|WithSeverity|WithLevel"
)
_MUTATION = re.compile(
    r"^\s*s\d?\.\S*\s*=[^=]|\.Spec\.[^\n]* = |deleteParam\(|= &openapi3|\.Value\.[^\n]* = |\.Extensions\["
)


@dataclass
class Case:
    test: str
    files: tuple[Path, Path]
    ids: set[str] = field(default_factory=set)  # Go constant names, e.g. RequestParameterMaxLengthSetId
    clean: bool = False


class Corpus:
    """Reads the corpus from a checkout, or from a bare git directory through `git show`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bare = not (path / "checker").is_dir()
        self.work = Path("/nonexistent") if not self.bare else None

    def names(self, folder: str) -> list[str]:
        if not self.bare:
            return sorted(p.name for p in (self.path / folder).iterdir())
        out = subprocess.run(
            ["git", f"--git-dir={self.path}", "ls-tree", "--name-only", f"HEAD:{folder}"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.split()

    def text(self, relative: str) -> str:
        if not self.bare:
            return (self.path / relative).read_text()
        out = subprocess.run(
            ["git", f"--git-dir={self.path}", "show", f"HEAD:{relative}"], capture_output=True, text=True, check=True
        )
        return out.stdout

    def local(self, relative: str, scratch: Path) -> Path:
        """A file of the corpus on disk (specs $ref their neighbours, so a bare corpus is unpacked once)."""
        if not self.bare:
            return self.path / relative
        if not (scratch / "data").is_dir():
            archive = subprocess.run(
                ["git", f"--git-dir={self.path}", "archive", "HEAD", "data"], capture_output=True, check=True
            )
            subprocess.run(["tar", "x", "-C", str(scratch)], input=archive.stdout, check=True)
        return scratch / relative


def levels(corpus: Corpus) -> tuple[dict[str, str], dict[str, str]]:
    """Go constant -> level, and Go constant -> oasdiff's id string."""
    rules = corpus.text("checker/rules.go")
    level = dict(re.findall(r"newBackwardCompatibilityRule\((\w+Id),\s*(ERR|WARN|INFO)", rules))
    names: dict[str, str] = {}
    for name in corpus.names("checker"):
        if name.endswith(".go") and not name.endswith("_test.go"):
            names.update(re.findall(r"\b(\w+Id)\s*=\s*\"([a-z0-9-]+)\"", corpus.text(f"checker/{name}")))
    return level, names


def cases(corpus: Corpus) -> tuple[list[Case], int]:
    """The usable test cases, and how many tests were skipped (they edit specs or configuration)."""
    found: list[Case] = []
    skipped = 0
    helpers: dict[str, str] = {}
    sources = {n: corpus.text(f"checker/{n}") for n in corpus.names("checker") if n.endswith("_test.go")}
    for text in sources.values():
        helpers.update(re.findall(r"(\w+)\s*=\s*dataFileFn\(\"([^\"]+)\"\)", text))
    for text in sources.values():
        for match in re.finditer(r"^func (Test\w+)\(t \*testing\.T\) \{\n(.*?)^\}", text, re.M | re.S):
            name, body = match.group(1), match.group(2)
            diffs = _diffs(body, helpers)
            if not diffs:
                continue
            if _SKIP_CONFIG.search(body) or any(_MUTATION.search(line) for line in body.splitlines()):
                skipped += 1
                continue
            for n, (files, segment) in enumerate(diffs):
                if files[0] == files[1]:
                    skipped += 1  # a file against itself asserts only what Go code changed in it
                    continue
                asserted = {
                    i
                    for line in segment.splitlines()
                    if not re.search(r"Not|False\(|Check\)", line)
                    for i in re.findall(r"checker\.(\w+Id)\b", line)
                }
                # Clean only where every check ran: a test of one check says nothing of the others.
                every_check = "allChecksConfig()" in segment or segment.startswith("d(")
                empty = re.search(r"require\.Empty\(t, errs\)|require\.Len\(t, errs, 0\)", segment) is not None
                clean = not asserted and every_check and empty
                if asserted or clean:
                    label = name if len(diffs) == 1 else f"{name}/{n + 1}"
                    found.append(Case(label, (Path(files[0]), Path(files[1])), asserted, clean))
    return found, skipped


def _diffs(body: str, helpers: dict[str, str]) -> list[tuple[tuple[str, str], str]]:
    """Each diff the test runs: (base file, revision file) and the text that checks its result,
    up to the next diff."""
    loaded: list[tuple[int, str, str]] = []  # (position, variable, file), in the order written
    for m in re.finditer(r"\b(\w+)(?:, err)? :?= ([^\n]+)", body):
        named = _named_files(m.group(2), helpers)
        if len(named) == 1:
            loaded.append((m.start(), m.group(1), named[0]))
    calls: list[tuple[int, tuple[str, str]]] = []
    for m in re.finditer(r"(?:GetWithOperationsSourcesMap|diff\.Get)\([^,]+, (\w+), (\w+)\)", body):
        known = {var: file for pos, var, file in loaded if pos < m.start()}
        if m.group(1) in known and m.group(2) in known:
            calls.append((m.start(), (known[m.group(1)], known[m.group(2)])))
    for m in re.finditer(r"\bd\(t, [^,]+, (\d+), (\d+)\)", body):
        calls.append((m.start(), (f"data/openapi-test{m.group(1)}.yaml", f"data/openapi-test{m.group(2)}.yaml")))
    calls.sort()
    return [
        (files, body[pos : calls[i + 1][0] if i + 1 < len(calls) else len(body)])
        for i, (pos, files) in enumerate(calls)
    ]


def _named_files(body: str, helpers: dict[str, str]) -> list[str]:
    out: list[str] = []
    for m in re.finditer(
        r"\"\.\./(data/[^\"]+\.(?:ya?ml|json))\"|\bl\(t, (\d+)\)|\bd\(t, [^,]+, (\d+), (\d+)\)|"
        r"\bloadFrom\(t, \"\.\./(data/[^\"]+)\", (\d+)\)|\b(\w+)\(\"([^\"]+\.ya?ml)\"\)",
        body,
    ):
        if m.group(1):
            out.append(m.group(1))
        elif m.group(2):
            out.append(f"data/openapi-test{m.group(2)}.yaml")
        elif m.group(3):
            out += [f"data/openapi-test{m.group(3)}.yaml", f"data/openapi-test{m.group(4)}.yaml"]
        elif m.group(5):
            out.append(f"{m.group(5)}spec{m.group(6)}.yaml")
        elif m.group(8).startswith("../data/"):
            out.append(m.group(8)[3:])
        elif m.group(7) in helpers:
            out.append(f"data/{helpers[m.group(7)]}/{m.group(8)}")
    return list(dict.fromkeys(out))


def mapping() -> dict[str, set[str]]:
    """oasdiff id -> our kinds, from the table in docs/diff.md."""
    out: dict[str, set[str]] = defaultdict(set)
    in_table = False
    for line in DOCS.read_text().splitlines():
        if line.startswith("| our kind | oasdiff ids"):
            in_table = True
            continue
        if in_table:
            if not line.startswith("|"):
                break
            cells = [c.strip() for c in line.strip("|").split("|")]
            kind = cells[0].strip("`")
            for oasdiff_id in re.findall(r"`([a-z0-9-]+)`", cells[1]):
                out[oasdiff_id].add(kind)
    return out


def excluded(oasdiff_id: str) -> str | None:
    return next((why for pattern, why in EXCLUDED if re.search(pattern, oasdiff_id)), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="a checkout (or bare git directory) of oasdiff/oasdiff")
    parser.add_argument("--verbose", action="store_true", help="list every id missed")
    args = parser.parse_args(argv)
    corpus = Corpus(args.path)
    level, names = levels(corpus)
    kinds = mapping()
    found, skipped = cases(corpus)
    scratch = Path(__import__("tempfile").mkdtemp(prefix="oasdiff-corpus-"))
    tally: dict[str, list[int]] = {"ERR": [0, 0], "WARN": [0, 0]}
    missed: list[str] = []
    left_out: dict[str, str] = {}
    clean = [0, 0]
    unreadable = 0
    seen: set[tuple[tuple[Path, Path], str]] = set()
    for case in found:
        try:
            old, new = (load_spec(corpus.local(str(f), scratch)) for f in case.files)
            changes = diff_specs(old, new)
        except HarnessError:
            unreadable += 1
            continue
        if case.clean:
            clean[0] += 1
            loud = [c for c in changes if c.severity == "breaking"]
            if loud:
                clean[1] += 1
                missed.append(f"clean pair {case.test}: {loud[0].kind} at {loud[0].route} {loud[0].pointer}")
            continue
        for const in sorted(case.ids):
            oasdiff_id = names.get(const, const)
            lvl = level.get(const)
            if lvl not in ACCEPTS or (case.files, oasdiff_id) in seen:
                continue
            seen.add((case.files, oasdiff_id))
            why = excluded(oasdiff_id)
            if why:
                left_out[oasdiff_id] = why
                continue
            tally[lvl][1] += 1
            ours = kinds.get(oasdiff_id, set())
            if any(c.kind in ours and c.severity in ACCEPTS[lvl] for c in changes):
                tally[lvl][0] += 1
            else:
                got = sorted({f"{c.kind}({c.severity})" for c in changes})
                missed.append(f"{lvl} {oasdiff_id} in {case.test}: mapped to {sorted(ours) or '-'}, found {got}")
    print(f"oasdiff checker corpus: {len(found)} usable tests ({skipped} skipped: they edit specs or settings in Go)")
    for lvl, (hit, total) in tally.items():
        print(f"  {lvl}: {hit} / {total} ids found at the same or a stricter class ({100 * hit / max(total, 1):.0f}%)")
    print(f"  clean pairs (oasdiff's tests assert no change): {clean[0]}; false alarms (a breaking report): {clean[1]}")
    if unreadable:
        print(f"  pairs we refuse to read (not OpenAPI 3, or a broken $ref): {unreadable}")
    print("  excluded ids (oasdiff's lint and policy conventions):")
    for oasdiff_id, why in sorted(left_out.items()):
        print(f"    {oasdiff_id}: {why}")
    if args.verbose:
        for line in missed:
            print("  missed:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
