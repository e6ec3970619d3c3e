"""Walk the folders, read each file, and assess what was found."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

from harness.catalogue import Catalogue
from harness.errors import InputError
from harness.exposure.config_files import is_config, scan_config
from harness.exposure.context import RepositoryContext, read_context
from harness.exposure.finding import DYNAMIC, Finding, Inventory
from harness.exposure.python_source import scan_source

SKIPPED = frozenset(
    {".git", ".hg", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache", ".ruff_cache"}
)
MAX_FILE_BYTES = 2_000_000  # bigger files are generated or data, not code that names a provider
DESCRIBES = re.compile(r"^(contract|scenario):", re.MULTILINE)


def scan(paths: Iterable[str | Path], *, on: date | None = None, context: Iterable[str | Path] = ()) -> Inventory:
    """Every finding under `paths` (folders or files), assessed on `on` (default today, UTC).
    The contracts, scenarios and chaos marks under `paths` and under `context` (folders that are
    not scanned for dependencies themselves, such as a `contracts/` beside the code) say which
    routes are covered and rehearsed."""
    on = on or datetime.now(UTC).date()
    roots = [Path(p) for p in paths]
    extra = [Path(p) for p in context]
    for root in [*roots, *extra]:
        if not root.exists():
            raise InputError(f"{root}: no such file or folder")
    findings: list[Finding] = []
    warnings: list[str] = []
    python: list[tuple[Path, str]] = []
    configs: list[tuple[Path, str]] = []
    count = 0
    for root in roots:
        for path, shown in _files(root):
            count += 1
            if path.suffix == ".py":
                python.append((path, shown))
            elif is_config(PurePosixPath(shown)):
                configs.append((path, shown))
    for path, shown in python:
        text = _read(path, shown, warnings)
        if text is None:
            continue
        try:
            findings.extend(scan_source(text, shown))
        except (SyntaxError, ValueError, RecursionError) as exc:
            warnings.append(f"{shown}: not Python this version can read ({type(exc).__name__})")
    for path, shown in configs:
        text = _read(path, shown, warnings)
        # A contract or scenario describes a dependency; it is not one.
        if text is not None and not DESCRIBES.search(text):
            findings.extend(scan_config(text, shown))
    yaml_files = [(p, s) for p, s in configs if p.suffix in (".yaml", ".yml")]
    for root in extra:
        for path, shown in _files(root):
            if path.suffix in (".yaml", ".yml"):
                yaml_files.append((path, shown))
            elif path.suffix == ".py":
                python.append((path, shown))
    repository = read_context(yaml_files, python)
    warnings.extend(repository.warnings)
    from harness import catalogue

    # One catalogue per provider for the whole scan: looking each finding up afresh would read
    # pyproject.toml again every time.
    catalogues = {name: catalogue.catalogue(name) for name in {f.provider for f in findings}}
    assessed = tuple(
        sorted(
            (_assess(f, repository, catalogues[f.provider], on) for f in findings),
            key=lambda f: (f.path, f.line, f.column),
        )
    )
    return Inventory(assessed, tuple(str(r) for r in roots), on, count, tuple(warnings))


def _files(root: Path) -> Iterator[tuple[Path, str]]:
    """Files under `root`, never following a link out of it, each with the name findings give it."""
    if root.is_file():
        yield root, _shown(root, root.parent)
        return
    top = root.resolve()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED and not (Path(folder) / d).is_symlink())
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() and not path.resolve().is_relative_to(top):
                continue
            yield path, _shown(path, root)


def _shown(path: Path, root: Path) -> str:
    """Relative to the current folder when under it (what code scanning and editors resolve),
    else relative to the folder scanned."""
    absolute = Path(os.path.abspath(path))
    here = Path.cwd()
    return (absolute.relative_to(here) if absolute.is_relative_to(here) else path.relative_to(root)).as_posix()


def _read(path: Path, shown: str, warnings: list[str]) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            warnings.append(f"{shown}: skipped, over {MAX_FILE_BYTES:,} bytes")
            return None
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None  # not text
    except OSError as exc:
        warnings.append(f"{shown}: cannot read ({exc.strerror or exc})")
        return None


def _assess(finding: Finding, context: RepositoryContext, catalogue: Catalogue, on: date) -> Finding:
    model = finding.model if finding.model not in (None, DYNAMIC) else None
    model_life = catalogue.lifecycle(model, on) if model else None
    route = catalogue.route(finding.route) if finding.route else None
    route_life = route.lifecycle(on) if route else None
    return replace(
        finding,
        model_life=model_life,
        route_life=route_life,
        contracts=context.contracts_for(finding.provider, finding.route, model),
        rehearsed=context.faults_for(finding.provider, finding.route, model),
    )
