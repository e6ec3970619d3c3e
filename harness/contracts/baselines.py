"""The provider baseline contracts shipped inside the package, by name.

    provider:openai                     every OpenAI baseline
    provider:openai/chat-completions    one of them (harness/baselines/openai/chat-completions.yaml)

Anything that takes contract paths takes these names too (`load_path`, so
`harness verify --contracts`, `record`, `diff`, `@pytest.mark.contract` and
`--harness-contracts`). The files are package data, found through
`importlib.resources`, so an installed harness has them, not only a clone.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from harness.errors import ContractError

PREFIX = "provider:"
SUFFIXES = (".yaml", ".yml")


def folder() -> Path:
    """Where the baselines are: `harness/baselines/`, one folder per provider."""
    return Path(str(files("harness").joinpath("baselines")))


def names() -> list[str]:
    """Every name the baselines answer to, each provider's folder before its files."""
    found: list[str] = []
    for provider in _providers():
        found.append(PREFIX + provider)
        found += [f"{PREFIX}{provider}/{f.stem}" for f in _files_of(folder() / provider)]
    return found


def name_in(path: str | Path) -> str | None:
    """The baseline a path names ("openai/chat-completions"), or None for a plain path.

    pytest joins what it is given to a folder (the ini's `paths` type, a mark's
    path beside its test file), so a name still counts at the end of a path
    that does not exist: `/repo/provider:openai/chat-completions`."""
    text = str(path)
    if text.startswith(PREFIX):
        return text[len(PREFIX) :].strip("/")
    if PREFIX not in text or Path(text).exists():
        return None
    parts = Path(text).parts
    for i, part in enumerate(parts):
        if part.startswith(PREFIX) and len(parts) - i <= 2:
            return "/".join([part[len(PREFIX) :], *parts[i + 1 :]]).strip("/")
    return None


def resolve(name: str) -> list[Path]:
    """The files of `provider:<name>`; an unknown name is a ContractError listing the known ones."""
    provider, _, file = name.partition("/")
    root = folder() / provider
    if provider in _providers():
        if not file:
            return _files_of(root)
        stem = Path(file).stem if Path(file).suffix in SUFFIXES else file
        found = [f for f in _files_of(root) if f.stem == stem]
        if found and "/" not in stem:
            return found[:1]
    known = names()
    import difflib  # only to word an error

    hint = difflib.get_close_matches(PREFIX + name, known, n=1)
    extra = f"did you mean {hint[0]!r}? " if hint else ""
    raise ContractError(f"unknown baseline contract {PREFIX + name!r}; {extra}known: {', '.join(known)}")


def _providers() -> list[str]:
    return sorted(p.name for p in folder().iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def _files_of(provider: Path) -> list[Path]:
    return sorted(f for f in provider.iterdir() if f.suffix in SUFFIXES and f.is_file())
