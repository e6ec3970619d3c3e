"""What the installed SDKs declare about models: every id of their model
`Literal` types, and the lifecycle dates they carry, read from the SDKs' source
files with `ast`. No SDK module is imported: importing the type modules took
seconds at a double's start (`openai.types` alone pulls in the client), and
the ids and notes are plain text in the source anyway.

- openai: `ChatModel`, `ResponsesModel`, `ImageModel`, `EmbeddingModel`,
  `AudioModel`, `SpeechModel`, `VideoModel` and `ModerationModel`; the family
  is the type's. The "Deprecated values" note under each type in its source
  gives shutdown dates ("Announced shutdown date: 2026-10-23", "was shut down
  on October 23, 2026"); an id the note calls "Not a supported model ID" is
  left out, as the API does not serve it.
- anthropic: `anthropic.types.Model` (chat), and the end-of-life dates of
  `DEPRECATED_MODELS` (`anthropic/_data/deprecated_models.py`), the table the
  SDK warns from.
- google-genai: the Interactions API's `Model`; the family is told by the id
  (`-tts`, `transcribe`, `lyria`, `-image`/`nano-banana`, `omni`), else chat.

A module's file is found the way the import system would find it
(`importlib.util.find_spec` for the top-level package, then
`PathFinder.find_spec` for each part below it, which reads directories and
runs no package's `__init__`). An SDK that is not installed, or has moved a
type, declares nothing: the data file still stands. Each reader runs once per
process, when a double first looks a model up.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from importlib.machinery import PathFinder
from pathlib import Path
from typing import Any

from harness.catalogue import Model

_MONTH_DATE = re.compile(r"([A-Z][a-z]+) (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})")
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_BULLET = re.compile(r"^- ((?:\"[^\"]+\",?\s*)+):\s*(.*)$")
_UNSUPPORTED = "Not a supported model ID"


def text_date(text: str) -> date | None:
    """The first date in `text`: 2026-10-23, or October 23, 2026 / January 22nd, 2027."""
    iso = _ISO_DATE.search(text)
    if iso:
        return date.fromisoformat(iso.group(1))
    spoken = _MONTH_DATE.search(text)
    if spoken:
        month, day, year = spoken.groups()
        try:
            return datetime.strptime(f"{month} {day} {year}", "%B %d %Y").date()
        except ValueError:
            return None
    return None


def notes_of(source: str | ast.Module, alias: str) -> dict[str, str]:
    """The "Deprecated values" note written under `alias` in a module's source: id -> its text."""
    try:
        tree = ast.parse(source) if isinstance(source, str) else source
    except SyntaxError:
        return {}
    notes: dict[str, str] = {}
    body = tree.body
    for index, node in enumerate(body[:-1]):
        target = (
            node.target
            if isinstance(node, ast.AnnAssign)
            else (node.targets[0] if isinstance(node, ast.Assign) else None)
        )
        if not (isinstance(target, ast.Name) and target.id == alias):
            continue
        after = body[index + 1]
        if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str):
            notes.update(_notes(after.value.value))
    return notes


def _notes(doc: str) -> dict[str, str]:
    # Bullets run over several lines: join each one before reading it.
    bullets: list[str] = []
    for line in doc.splitlines():
        if line.startswith("- "):
            bullets.append(line)
        elif bullets and line.startswith("  "):
            bullets[-1] += " " + line.strip()
    notes: dict[str, str] = {}
    for bullet in bullets:
        match = _BULLET.match(bullet)
        if match:
            for model_id in re.findall(r'"([^"]+)"', match.group(1)):
                notes[model_id] = match.group(2)
    return notes


# --- reading a module's source without importing it -------------------------------------------


@dataclass(frozen=True)
class Source:
    """One module's parsed source, and where it lives (for its relative imports)."""

    name: str  # dotted module name
    tree: ast.Module
    package: str  # the package its relative imports start from


@functools.cache
def module_source(module: str) -> Source | None:
    """`module`'s parsed source, found as the import system would find it but not run; None if absent."""
    top, *rest = module.split(".")
    try:
        spec = importlib.util.find_spec(top)  # a top-level name: nothing is imported to find it
    except (ImportError, ValueError):
        return None
    for part in rest:
        locations = spec.submodule_search_locations if spec is not None else None
        spec = PathFinder.find_spec(part, list(locations)) if locations else None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    try:
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    is_package = spec.submodule_search_locations is not None
    return Source(module, tree, module if is_package else module.rpartition(".")[0])


def _assigned(tree: ast.Module, name: str) -> ast.expr | None:
    """The value a module assigns to `name` at its top level (`X: T = ...` or `X = ...`)."""
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return node.value
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node.value
    return None


def _imported(found: Source, name: str) -> tuple[str, str] | None:
    """(module, name there) that `from ... import name` in this module brings `name` from."""
    for node in found.tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        for alias in node.names:
            if (alias.asname or alias.name) != name:
                continue
            if node.level:
                base = found.package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            return module, alias.name
    return None


def _subscripted(node: ast.Subscript) -> str:
    """`Literal` for `Literal[...]` and `typing.Literal[...]`."""
    head = node.value
    return head.id if isinstance(head, ast.Name) else head.attr if isinstance(head, ast.Attribute) else ""


def literal_ids(module: str, alias: str, depth: int = 0) -> list[str]:
    """Every string of the `Literal`s that `alias` in `module` is made of, through `Union`s and
    through other aliases it names (`ResponsesModel` names `ChatModel`), in order."""
    found = module_source(module)
    if found is None or depth > 8:
        return []
    value = _assigned(found.tree, alias)
    if value is None:  # re-exported: follow the import
        origin = _imported(found, alias)
        return literal_ids(*origin, depth + 1) if origin else []
    return list(dict.fromkeys(_strings(found, value, depth)))


def _strings(found: Source, node: ast.expr, depth: int) -> Iterator[str]:
    if isinstance(node, ast.Subscript):
        elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if _subscripted(node) == "Literal":
            yield from (e.value for e in elements if isinstance(e, ast.Constant) and isinstance(e.value, str))
        elif _subscripted(node) in ("Union", "Optional", "Annotated"):
            for element in elements[:1] if _subscripted(node) == "Annotated" else elements:
                yield from _strings(found, element, depth)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # X | Y
        yield from _strings(found, node.left, depth)
        yield from _strings(found, node.right, depth)
    elif isinstance(node, ast.Name) and node.id not in ("str", "UnrecognizedStr"):
        if _assigned(found.tree, node.id) is not None:
            yield from literal_ids(found.name, node.id, depth + 1)
        else:
            origin = _imported(found, node.id)
            if origin is not None:
                yield from literal_ids(*origin, depth + 1)


def constant(module: str, name: str) -> Any:
    """A literal value (a dict of dates) assigned to `name` in `module`, or None."""
    found = module_source(module)
    value = _assigned(found.tree, name) if found else None
    if value is None:
        origin = _imported(found, name) if found else None
        return constant(*origin) if origin and origin[0] != module else None
    try:
        return ast.literal_eval(value)
    except ValueError:
        return None


# openai: (module, type name, family), in the order the double lists them.
_OPENAI_TYPES = (
    ("openai.types.shared.chat_model", "ChatModel", "chat"),
    ("openai.types.shared.responses_model", "ResponsesModel", "chat"),
    ("openai.types.image_model", "ImageModel", "image"),
    ("openai.types.embedding_model", "EmbeddingModel", "embedding"),
    ("openai.types.audio_model", "AudioModel", "audio-transcription"),
    ("openai.types.audio.speech_model", "SpeechModel", "tts"),
    ("openai.types.video_model", "VideoModel", "video"),
    ("openai.types.moderation_model", "ModerationModel", "moderation"),
)


def _openai() -> Iterator[Model]:
    version = _version("openai")
    seen: set[str] = set()
    for module_name, alias, family in _OPENAI_TYPES:
        found = module_source(module_name)
        if found is None:
            continue
        notes = notes_of(found.tree, alias)
        where = f"openai-python {version}, {alias}"
        for model_id in literal_ids(module_name, alias):
            note = notes.get(model_id, "")
            if model_id in seen:
                continue
            seen.add(model_id)  # a type that repeats another's ids (ResponsesModel has ChatModel's) adds none
            if _UNSUPPORTED in note:
                continue
            shutdown = text_date(note) if note else None
            source = f"{where}: {note}" if note else where
            yield Model(model_id, family, None, shutdown, source, origin=where, info={"created": _created(model_id)})


def _anthropic() -> Iterator[Model]:
    version = _version("anthropic")
    table = constant("anthropic._data", "DEPRECATED_MODELS")
    deprecated: dict[str, str] = dict(table) if isinstance(table, dict) else {}
    where = f"anthropic-python {version}"
    ids = literal_ids("anthropic.types", "Model")
    for model_id in dict.fromkeys([*ids, *deprecated]):
        end = deprecated.get(model_id)
        shutdown = text_date(end) if end else None
        source = f"{where}, DEPRECATED_MODELS: end of life {end}" if end else f"{where}, Model"
        yield Model(model_id, "chat", None, shutdown, source, origin=where, info=_anthropic_info(model_id))


# google-genai: how an id says its family (the SDK's Literal has only comments for that).
_GEMINI_FAMILIES: tuple[tuple[str, str], ...] = (
    ("-tts", "tts"),
    ("transcribe", "audio-transcription"),
    ("lyria", "music"),
    ("-image", "image"),
    ("nano-banana", "image"),
    ("omni", "video"),
    ("embedding", "embedding"),
)


def _gemini() -> Iterator[Model]:
    version = _version("google-genai")
    where = f"google-genai {version}, Interactions Model"
    for model_id in literal_ids("google.genai._gaos.types.interactions.model", "Model"):
        family = next((f for marker, f in _GEMINI_FAMILIES if marker in model_id), "chat")
        yield Model(model_id, family, None, None, where, origin=where)


READERS: dict[str, Callable[[], Iterator[Model]]] = {"openai": _openai, "anthropic": _anthropic, "gemini": _gemini}


@functools.cache
def declared(provider: str) -> tuple[Model, ...]:
    """What the installed SDK of `provider` declares; nothing for a provider without a reader."""
    reader = READERS.get(provider)
    return tuple(reader()) if reader else ()


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "(not installed)"


def _created(model_id: str) -> int:
    """A dated id's date as Unix time (gpt-5.5-2026-04-23); 0 when the id has none, as nothing says when."""
    found = _ISO_DATE.search(model_id)
    if found:
        try:
            return int(datetime.fromisoformat(found.group(1) + "T00:00:00+00:00").timestamp())
        except ValueError:
            return 0
    return 0


def _anthropic_info(model_id: str) -> dict[str, Any]:
    """What the models list shows for an id only the SDK knows: a name and line from the id.

    `created_at` is the epoch, which anthropic's ModelInfo documents for an unknown release date.
    """
    words = model_id.removeprefix("claude-").split("-")
    name: list[str] = []
    version: list[str] = []
    for word in words:
        (version if word.isdigit() and len(word) < 8 else name).append(word)
    dated = next((w for w in words if w.isdigit() and len(w) == 8), None)
    created = f"{dated[:4]}-{dated[4:6]}-{dated[6:]}T00:00:00Z" if dated else "1970-01-01T00:00:00Z"
    display = "Claude " + " ".join(w.capitalize() for w in name) + (" " + ".".join(version) if version else "")
    lines = ("haiku", "sonnet", "opus", "fable", "mythos")
    return {"display_name": display, "created": created, "line": next((w for w in name if w in lines), None)}
