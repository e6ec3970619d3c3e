"""YAML (and JSON) files that remember where each value came from.

Contracts, scenarios and cassettes are written by hand, so every error must
name the file, line and column. `load` returns the plain data plus a map from
JSON pointer to position; any problem is an `InputError` with a position.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, overload

import yaml

from harness import limits, yamlfast
from harness.errors import InputError
from harness.gc_pause import gc_paused

if TYPE_CHECKING:  # a validator is passed in; only its errors' fields are read here
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]

# libyaml when it is there: several times faster on multi-megabyte specs and cassettes,
# and it caps flow nesting itself instead of recursing without end.
_LIBYAML: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_TAGS_CACHED = 50_000  # plain scalars whose tag is remembered; past it the memory starts again


class Loader(_LIBYAML):  # type: ignore[misc,valid-type]
    """The safe loader, remembering the tag of each plain scalar it has resolved: a cassette
    says `content-type` and `- '200'` thousands of times, and each plain scalar otherwise
    goes through PyYAML's regular expressions again."""

    _tags: ClassVar[dict[str, str]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        if not implicit[0]:  # quoted: a string, whatever it says
            return self.DEFAULT_SCALAR_TAG
        # A subclass that adds implicit resolvers resolves for itself.
        cache = self._tags if self.yaml_implicit_resolvers is Loader.yaml_implicit_resolvers else None
        tag = cache.get(value) if cache is not None else None
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if cache is not None:
                if len(cache) >= _TAGS_CACHED:
                    cache.clear()
                cache[value] = tag
        return tag


# Past this a whole number cannot become a float (OverflowError wherever it is used as
# a duration or a rate). Real specs hold int64 bounds (-9223372036854776000), well inside it;
# each field's own range (a status is 100-599) is checked by its format.
MAX_INT = 10**308

E = TypeVar("E", bound=InputError)


def pointer_join(pointer: str, key: Any) -> str:
    return f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"


def pointer_of(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out = pointer_join(out, part)
    return out


@dataclass
class Document:
    source: str
    data: Any
    values: dict[str, tuple[int, int]] = field(default_factory=dict)  # pointer -> (line, col) of the value
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)  # pointer -> (line, col) of its key
    # Read with positions=False: how to find the positions when an error first needs one.
    locate: Callable[[], Document] | None = field(default=None, repr=False, compare=False)

    def position(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """Where `pointer` is written; falls back to the nearest parent."""
        if self.locate is not None:
            located, self.locate = self.locate(), None
            self.values, self.keys = located.values, located.keys
        while True:
            table = self.keys if key and pointer in self.keys else self.values
            if pointer in table:
                return table[pointer]
            if not pointer:
                return (1, 1)
            pointer = pointer.rsplit("/", 1)[0]

    @overload
    def error(self, message: str, pointer: str = "", *, key: bool = False) -> InputError: ...
    @overload
    def error(self, message: str, pointer: str = "", *, key: bool = False, kind: type[E]) -> E: ...
    def error(
        self, message: str, pointer: str = "", *, key: bool = False, kind: type[InputError] = InputError
    ) -> InputError:
        """The error of `kind` (an InputError subclass, returned as that type) at `pointer`."""
        line, col = self.position(pointer, key=key)
        return kind(message, self.source, line, col)


def load(
    path: str | Path, *, kind: type[InputError] = InputError, loader: type[yaml.SafeLoader] | None = None
) -> Document:
    source = str(path)
    return loads(read(path, kind=kind), source, kind=kind, loader=loader)


def read(path: str | Path, *, kind: type[InputError] = InputError) -> bytes:
    """A file's bytes, refused past the document cap: never more than the cap is read,
    so `/dev/zero` or a 10 GB file given by mistake costs nothing."""
    source = str(path)
    cap = limits.DOCUMENT_BYTES.value()
    if Path(path).exists() and not Path(path).is_file():  # a folder, a FIFO that would block, a device
        raise kind("cannot read file: not a regular file", source)
    try:
        with open(path, "rb") as file:
            # Asked for what the file says it holds, plus one byte: `read(n)` first allocates n
            # bytes, and n = the cap is 32 MiB a file. A file holding more than it said (one
            # being written, or /proc's, which say 0) is read on, to the cap, as before.
            wanted = min(os.fstat(file.fileno()).st_size, cap) + 1
            raw = file.read(wanted)
            if len(raw) == wanted <= cap:
                raw += file.read(cap + 1 - wanted)
    except OSError as exc:
        raise kind(f"cannot read file: {exc.strerror or exc}", source) from None
    if len(raw) > cap:
        raise kind(f"the file is {limits.over(limits.DOCUMENT_BYTES, cap)}", source)
    return raw


@gc_paused()
def loads(
    raw: bytes | str,
    source: str = "<string>",
    *,
    kind: type[InputError] = InputError,
    loader: type[yaml.SafeLoader] | None = None,
    positions: bool = True,
    fast: bool = False,
) -> Document:
    """The document in `raw`. With `positions=False` the position of each value is not
    recorded as it is read (a third of the time on a large cassette): the text is read
    again, with positions, the first time an error asks where something is. With
    `fast=True` as well, the text is first offered to `yamlfast` (rapidyaml), which gives
    the same values several times faster or declines; `loader`'s own tags are never
    taken that way, so they are read here as always."""
    cap = limits.DOCUMENT_BYTES.value()
    if len(raw) > cap:
        raise kind(f"the document is {limits.over(limits.DOCUMENT_BYTES, cap)}", source)
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise kind("file is not valid UTF-8", source, line) from None
    else:
        text = raw
    if fast and not positions and yamlfast.AVAILABLE:
        try:
            data = yamlfast.read(text, raw if isinstance(raw, bytes) else None)
        except yamlfast.Unsupported:
            pass
        else:
            return Document(source, data, locate=lambda: loads(text, source, kind=kind, loader=loader))
    doc = Document(source, None)
    parser = None
    try:
        parser = (loader or Loader)(text)
        node = parser.get_single_node()
        if node is not None:
            doc.data = _Builder(parser, doc, kind, positions).build(node, "", 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, None)
        raise kind(f"invalid YAML: {problem}", source, line, col) from None
    except yaml.reader.ReaderError as exc:
        # libyaml counts bytes of the UTF-8 text, PyYAML characters
        in_bytes = parser is not None and not isinstance(parser, yaml.SafeLoader)
        before = (
            text.encode("utf-8", "replace")[: exc.position].decode("utf-8", "replace")
            if in_bytes
            else text[: exc.position]
        )
        line = before.count("\n") + 1
        raise kind(f"invalid character in file: {exc.reason}", source, line) from None
    except yaml.YAMLError as exc:
        raise kind(f"invalid YAML: {exc}", source, 1) from None
    except RecursionError:
        raise kind("document is nested too deeply", source, 1) from None
    finally:
        if parser is not None:
            parser.dispose()
    if not positions:
        doc.locate = lambda: loads(text, source, kind=kind, loader=loader)
    return doc


class _Builder:
    """Turns the node tree into plain data, remembering positions, and refuses what a
    hand-written JSON-like file never needs: duplicate keys, numbers that are not
    finite or absurdly large, nesting past the depth cap, alias bombs."""

    _COLLECTION_TAGS = ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map", "tag:yaml.org,2002:omap")

    def __init__(self, loader: yaml.SafeLoader, doc: Document, kind: type[InputError], positions: bool = True) -> None:
        self.loader, self.doc, self.kind, self.positions = loader, doc, kind, positions
        # Text is itself, unless the caller's loader reads it some other way.
        self.plain_text = type(loader).yaml_constructors.get(_STR) is Loader.yaml_constructors.get(_STR)
        # id(node) -> (its value, how many values it stands for, its height): a node met
        # again is an alias at work.
        self.made: dict[int, tuple[Any, int, int]] = {}
        self.aliased = 0
        self.size = 0  # values built so far, aliases counted at their full size
        self.height = 0  # the height of what the current node holds, while it is built
        self.alias_cap = limits.ALIAS_VALUES.value()
        self.depth_cap = limits.DEPTH.value()
        self.active: set[int] = set()

    def fail(self, message: str, node: yaml.Node) -> InputError:
        return self.kind(message, self.doc.source, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        if self.positions:
            self.doc.values.setdefault(pointer, (node.start_mark.line + 1, node.start_mark.column + 1))
        if id(node) in self.active:
            raise self.fail("an alias refers to itself", node)
        made = self.made.get(id(node))
        if made is not None:
            # An alias: the value built the first time is shared (as PyYAML shares it), so
            # expansion costs nothing here; but whoever walks the data walks every copy, so
            # the values and the depth it stands for count against the caps.
            value, size, height = made
            self.aliased += size
            if self.aliased > self.alias_cap:
                raise self.fail(
                    f"aliases expand this document {limits.over(limits.ALIAS_VALUES, self.alias_cap)}", node
                )
            if depth + height > self.depth_cap:
                raise self.fail(f"the document is nested {limits.over(limits.DEPTH, self.depth_cap)}", node)
            self.size += size
            self.height = max(self.height, height)
            return value
        if depth > self.depth_cap:
            raise self.fail(f"the document is nested {limits.over(limits.DEPTH, self.depth_cap)}", node)
        size_before, outer_height = self.size, self.height
        self.height = 0
        self.active.add(id(node))
        try:
            value = self.make(node, pointer, depth)
        finally:
            self.active.discard(id(node))
        self.size += 1
        height = self.height + 1
        self.made[id(node)] = (value, self.size - size_before, height)
        self.height = max(outer_height, height)
        return value

    def make(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if node.tag not in self._COLLECTION_TAGS:
            # Only tags a caller's loader adds (cassettes): not !!set, never !!python/object/apply
            if node.tag not in type(self.loader).yaml_constructors or node.tag in Loader.yaml_constructors:
                raise self.fail(f"unsupported tag {node.tag!r}", node)
            return self.loader.construct_object(node, deep=True)  # a tag the caller's loader knows (cassettes)
        if isinstance(node, yaml.SequenceNode):
            if not self.positions:
                return [self.build(child, "", depth + 1) for child in node.value]
            return [self.build(child, pointer_join(pointer, i), depth + 1) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)  # the composer makes only these three kinds
        written = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
        self.loader.flatten_mapping(node)
        merged = len(node.value) - written  # `<<: *base` pairs come first; written keys may override them
        out: dict[str, Any] = {}
        written_keys: dict[str, int] = {}  # key -> its line
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail("mapping keys must be plain strings", key_node)
            key = self.scalar(key_node)
            if not isinstance(key, str):
                key = key_node.value  # `200:` or `true:` as keys stay text
            line = key_node.start_mark.line + 1
            if key in written_keys:
                raise self.fail(f"duplicate key {key!r}: also written on line {written_keys[key]}", key_node)
            if index >= merged:
                written_keys[key] = line
            child = ""
            if self.positions:
                child = pointer_join(pointer, key)
                self.doc.keys[child] = (line, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, child, depth + 1)
        return out

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _STR and self.plain_text:  # most of every file
            return node.value
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # dates stay strings, as in JSON
        try:
            value = self.loader.construct_object(node, deep=True)
        except ValueError as exc:  # e.g. an integer of more digits than Python converts
            raise self.fail(f"cannot read {node.value[:40]!r}: {exc}", node) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(f"numbers must be finite, not {node.value[:40]!r}", node)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            raise self.fail(f"the number {node.value[:40]}… is out of range (at most 1e308 either way)", node)
        return value


# -- the structure of a hand-written file, checked against a JSON Schema --------


def check_format(
    doc: Document, validator: Draft202012Validator, what: str, *, kind: type[InputError] = InputError
) -> None:
    """Raise one positioned, readable error for the first structural mistake.

    `what` names the whole document in messages ("the contract", "the scenario").
    Unknown keys are reported at the key, with the closest allowed key.
    """
    errors = sorted(validator.iter_errors(doc.data), key=lambda e: doc.position(pointer_of(e.absolute_path)))
    if errors:
        message, pointer, at_key = _explain(errors[0], what)
        raise doc.error(message, pointer, key=at_key, kind=kind)


def _explain(error: ValidationError, what: str) -> tuple[str, str, bool]:
    pointer = pointer_of(error.absolute_path)
    where = dotted(pointer, what)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        if unknown:
            bad = unknown[0]
            import difflib  # only to word an error

            hint = difflib.get_close_matches(bad, allowed, n=1)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else f"; allowed: {', '.join(allowed)}"
            return f"unknown key {bad!r} in {where}{suggestion}", pointer_join(pointer, bad), True
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return f"{where} is missing the required key {missing[0]!r}", pointer, False
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"{where} must be {_article(expected)}, not {describe(error.instance)}", pointer, False
    if error.validator == "enum":
        return (
            f"{where} must be one of {', '.join(map(str, error.validator_value))}, not {describe(error.instance)}",
            pointer,
            False,
        )
    if error.validator in ("oneOf", "anyOf") and error.context:
        # The branch whose type fits the value says what is really wrong with it.
        fitting = [e for e in error.context if not (e.validator == "type" and not e.relative_path)]
        if fitting:
            return _explain(fitting[0], what)
        return f"{where} has the wrong type: {describe(error.instance)}", pointer, False
    if error.validator == "pattern" and pointer.endswith("/path"):
        return f"{where} must start with '/', not {describe(error.instance)}", pointer, False
    if error.validator == "minItems":
        return f"{where} must not be empty", pointer, False
    return f"{where}: {error.message}", pointer, False


def dotted(pointer: str, root: str = "the document") -> str:
    """`/interactions/0/request/path` -> `interactions[0].request.path`, for messages."""
    if not pointer:
        return root
    out = ""
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if value is None:
        return "null"
    return "a list" if isinstance(value, list) else "a mapping"


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def files_in(
    paths: Iterable[str | Path], suffixes: tuple[str, ...], what: str, *, kind: type[InputError] = InputError
) -> list[Path]:
    """The files given, and the files with `suffixes` in the folders given (recursively, sorted).

    A missing path, or a folder with none of them, is an error naming it.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in suffixes and p.is_file())
            if not found:
                patterns = ", ".join(f"*{s}" for s in suffixes)
                raise kind(f"no {what} files ({patterns}) in this folder", str(path))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise kind("no such file or folder", str(path))
    return files
