"""One way to turn a result into output: a `Renderer` is a format's name, the
function that renders one result as text, and, for formats written to a
folder, the file it goes in.

Each result type keeps its renderers in one tuple, `RENDERERS`, next to its
format functions: `harness verify` in `harness.contracts.render`, `harness
diff` in `harness.diff.render`, a chaos run in `harness.report`. The commands
take their `--format` choices and report files from that tuple, so a new
format is one function and one line there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

Result = TypeVar("Result")


@dataclass(frozen=True)
class Renderer(Generic[Result]):
    name: str  # what --format says
    render: Callable[[Result], str]
    file_name: str | None = None  # its file when written to a folder
    # What `render` imports, imported ahead by a caller with time to spare (`harness verify`
    # while it waits for a forked reader); rendering never depends on it having run.
    prepare: Callable[[], object] | None = None


def names(renderers: Iterable[Renderer[Result]]) -> tuple[str, ...]:
    return tuple(r.name for r in renderers)


def named(renderers: Iterable[Renderer[Result]], name: str) -> Renderer[Result]:
    for renderer in renderers:
        if renderer.name == name:
            return renderer
    raise KeyError(name)


def write(renderers: Iterable[Renderer[Result]], result: Result, folder: str | Path) -> list[Path]:
    """Every renderer that has a file name, each into its file in `folder` (made if missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for renderer in renderers:
        if renderer.file_name is None:
            continue
        path = folder / renderer.file_name
        path.write_text(renderer.render(result), encoding="utf-8")
        written.append(path)
    return written
