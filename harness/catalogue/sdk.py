"""What the installed SDKs declare about models: every id of their model
`Literal` types (read with `typing.get_args`, never copied here), and the
lifecycle dates they carry.

- openai: `ChatModel`, `ResponsesModel`, `ImageModel`, `EmbeddingModel`,
  `AudioModel`, `SpeechModel`, `VideoModel` and `ModerationModel`; the family
  is the type's. The "Deprecated values" note under each type in its source
  gives shutdown dates ("Announced shutdown date: 2026-10-23", "was shut down
  on October 23, 2026"); an id the note calls "Not a supported model ID" is
  left out, as the API does not serve it.
- anthropic: `anthropic.types.Model` (chat), and the end-of-life dates of
  `anthropic._data.DEPRECATED_MODELS`, the table the SDK warns from.
- google-genai: the Interactions API's `Model`; the family is told by the id
  (`-tts`, `transcribe`, `lyria`, `-image`/`nano-banana`, `omni`), else chat.

An SDK that is not installed, or has moved a type, declares nothing: the data
file still stands. Each reader runs once per process, when a double first
looks a model up, so importing harness imports no SDK.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re
import typing
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from harness.catalogue import Model

_MONTH_DATE = re.compile(r"([A-Z][a-z]+) (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})")
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_BULLET = re.compile(r"^- ((?:\"[^\"]+\",?\s*)+):\s*(.*)$")
_UNSUPPORTED = "Not a supported model ID"


def literal_ids(annotation: Any) -> list[str]:
    """Every string of the `Literal`s inside `annotation` (through Unions), in order."""
    found: list[str] = []
    for arg in typing.get_args(annotation):
        if isinstance(arg, str):
            found.append(arg)
        else:
            found.extend(i for i in literal_ids(arg) if i not in found)
    return list(dict.fromkeys(found))


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


def deprecated_values(module: Any, alias: str) -> dict[str, str]:
    """The "Deprecated values" note written under `alias` in `module`'s source: id -> its text."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
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
        module = _module(module_name)
        if module is None or not hasattr(module, alias):
            continue
        notes = deprecated_values(module, alias)
        where = f"openai-python {version}, {alias}"
        for model_id in literal_ids(getattr(module, alias)):
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
    types = _module("anthropic.types")
    table = _module("anthropic._data")
    deprecated: dict[str, str] = dict(getattr(table, "DEPRECATED_MODELS", {}) or {})
    where = f"anthropic-python {version}"
    ids = literal_ids(getattr(types, "Model", None)) if types is not None else []
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
    module = _module("google.genai._gaos.types.interactions.model")
    where = f"google-genai {version}, Interactions Model"
    for model_id in literal_ids(getattr(module, "Model", None)) if module is not None else []:
        family = next((f for marker, f in _GEMINI_FAMILIES if marker in model_id), "chat")
        yield Model(model_id, family, None, None, where, origin=where)


READERS: dict[str, Callable[[], Iterator[Model]]] = {"openai": _openai, "anthropic": _anthropic, "gemini": _gemini}


@functools.cache
def declared(provider: str) -> tuple[Model, ...]:
    """What the installed SDK of `provider` declares; nothing for a provider without a reader."""
    reader = READERS.get(provider)
    return tuple(reader()) if reader else ()


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


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
