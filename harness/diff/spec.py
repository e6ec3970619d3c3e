"""OpenAPI 3.0 / 3.1 documents, read lazily.

A published provider spec is megabytes of YAML; expanding every `$ref` up
front would copy it many times over. So a `Spec` keeps the parsed data as it
is and resolves a `$ref` only when the diff walks through it. A `Node` is one
value of one document plus its JSON pointer, so an error can always say which
file and which pointer is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import yaml

from harness.diff.positions import position
from harness.errors import InputError
from harness.yamlfile import pointer_join

if TYPE_CHECKING:
    from harness.diff.shape import Shape

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_VERSION = re.compile(r"^3\.[01](\.\d+)?$")


class SpecError(InputError):
    """An OpenAPI file that cannot be read, is not OpenAPI 3, or has a `$ref` that goes nowhere."""


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's safe loader, except that dates stay strings, as they would in JSON."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


@dataclass(frozen=True, eq=False)
class Document:
    source: str  # the name a user knows the file by
    data: Any
    path: Path | None = None  # absolute; None when the data did not come from a file


@dataclass(frozen=True, eq=False, slots=True)
class Node:
    """One value inside a document, and where it is written."""

    data: Any
    doc: Document
    pointer: str = ""

    def child(self, *keys: Any) -> Node:
        data, pointer = self.data, self.pointer
        for key in keys:
            data = data[key]
            pointer = pointer_join(pointer, key)
        return Node(data, self.doc, pointer)

    def get(self, key: str) -> Node | None:
        if isinstance(self.data, dict) and key in self.data:
            return self.child(key)
        return None

    def error(self, message: str, pointer: str | None = None) -> SpecError:
        return _error(self.doc, message, self.pointer if pointer is None else pointer)


@dataclass(frozen=True, eq=False)
class Operation:
    method: str  # upper case
    path: str  # as the spec writes it: "/chat/completions"
    node: Node  # the operation object
    path_item: Node

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True, eq=False)
class Spec:
    root: Document
    version: str  # "3.0.3", "3.1.0"
    base_path: str  # the servers' path prefix, "/v1"; "" when there is none
    # Caches filled as the diff walks; they never change what a spec means.
    documents: dict[Path, Document] = field(default_factory=dict, repr=False)
    refs: dict[tuple[int, str], Node] = field(default_factory=dict, repr=False)
    shapes: dict[tuple[Any, ...], Shape] = field(default_factory=dict, repr=False)  # Schema.key -> its Shape

    @property
    def source(self) -> str:
        return self.root.source

    def node(self) -> Node:
        return Node(self.root.data, self.root, "")

    def resolve(self, node: Node) -> Node:
        """Follow `$ref`s until a value that is not one; a chain that loops is an error."""
        seen: list[Node] = []
        while isinstance(node.data, dict) and "$ref" in node.data:
            ref = node.data["$ref"]
            if not isinstance(ref, str):
                raise node.error("$ref must be a string", pointer_join(node.pointer, "$ref"))
            if any(step.data is node.data for step in seen):
                chain = " -> ".join(f"#{step.pointer}" for step in seen)
                raise node.error(
                    f"$ref {ref!r} is part of a loop of $refs that never reaches a value ({chain})",
                    pointer_join(node.pointer, "$ref"),
                )
            seen.append(node)
            node = self.target(node, ref)
        return node

    def target(self, node: Node, ref: str) -> Node:
        """The value a `$ref` written in `node` points at (one step, cached)."""
        key = (id(node.doc), ref)
        if key in self.refs:
            return self.refs[key]
        file_part, _, fragment = ref.partition("#")
        at = pointer_join(node.pointer, "$ref")
        doc = self._external(node, file_part, ref, at) if file_part else node.doc
        found = _walk_pointer(doc, fragment, ref, node, at)
        self.refs[key] = found
        return found

    def _external(self, node: Node, file_part: str, ref: str, at: str) -> Document:
        if urlsplit(file_part).scheme in ("http", "https"):
            raise node.error(
                f"$ref {ref!r}: remote references are not supported; save the file "
                "next to the spec and refer to it by a relative path",
                at,
            )
        base = node.doc.path.parent if node.doc.path else Path.cwd()
        path = (base / unquote(file_part)).resolve()
        if path not in self.documents:
            if not path.is_file():
                raise node.error(f"$ref {ref!r} does not resolve: no file {file_part!r} (looked for {path})", at)
            self.documents[path] = Document(str(path), read_data(path, SpecError), path)
        return self.documents[path]

    def operations(self) -> Iterator[Operation]:
        paths = self.node().get("paths")
        if paths is None:
            return
        if not isinstance(paths.data, dict):
            raise paths.error("'paths' must be a mapping of path -> path item")
        for path in paths.data:
            if not isinstance(path, str) or not path.startswith("/"):
                raise paths.error(f"path {path!r} must start with '/'", pointer_join(paths.pointer, path))
            item = self.resolve(paths.child(path))
            if not isinstance(item.data, dict):
                raise item.error(f"the path item of {path!r} must be a mapping")
            for method in METHODS:
                if method in item.data:
                    op = item.child(method)
                    if not isinstance(op.data, dict):
                        raise op.error(f"operation {method.upper()} {path} must be a mapping")
                    yield Operation(method.upper(), path, op, item)


def _walk_pointer(doc: Document, fragment: str, ref: str, node: Node, at: str) -> Node:
    data, pointer = doc.data, ""
    if fragment and not fragment.startswith("/"):
        raise node.error(f"$ref {ref!r}: only JSON-pointer fragments ('#/...') are supported", at)
    for raw in fragment.split("/")[1:] if fragment else ():
        key = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
            key = str(int(key))  # "03" is item 3, and the pointer says so
            data = data[int(key)]
        else:
            where = f"#{pointer}" if pointer else "the document root"
            in_file = f" of {doc.source}" if doc is not node.doc else ""
            raise node.error(f"$ref {ref!r} does not resolve: no {key!r} in {where}{in_file}", at)
        pointer = pointer_join(pointer, key)
    return Node(data, doc, pointer)


def read_data(path: Path, kind: type[InputError]) -> Any:
    """Parse a YAML or JSON file with libyaml (or json); errors name file and line."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise kind(f"cannot read file: {exc.strerror or exc}", source) from None
    return parse(raw, source, kind, json_first=path.suffix.lower() == ".json")


def parse(raw: bytes | str, source: str, kind: type[InputError] = SpecError, *, json_first: bool = False) -> Any:
    if json_first:
        try:
            return json.loads(raw)
        except ValueError as exc:
            line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
            raise kind(f"invalid JSON: {getattr(exc, 'msg', exc)}", source, line, col) from None
        except RecursionError:
            raise kind("document is nested too deeply", source) from None
    try:
        return yaml.load(raw, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise kind(
            f"invalid YAML: {problem}", source, mark.line + 1 if mark else None, mark.column + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise kind(f"invalid YAML: {exc}", source) from None
    except RecursionError:
        raise kind("document is nested too deeply", source) from None


def load_spec(path: str | Path) -> Spec:
    """An OpenAPI 3.0 or 3.1 file (YAML or JSON)."""
    file = Path(path)
    if file.is_dir():
        raise SpecError("is a folder; give the spec file itself (openapi.yaml or openapi.json)", str(path))
    doc = Document(str(path), read_data(file, SpecError), file.resolve())
    return _checked(doc)


def spec_from_data(data: Any, source: str = "<spec>", path: str | Path | None = None) -> Spec:
    """A spec already parsed (generated in tests and benchmarks, or synthesised from cassettes)."""
    return _checked(Document(source, data, Path(path).resolve() if path else None))


def _checked(doc: Document) -> Spec:
    data = doc.data
    if not isinstance(data, dict):
        raise SpecError("not an OpenAPI document: expected a mapping with an 'openapi' key", doc.source, 1)
    if "openapi" not in data:
        if "swagger" in data:
            raise _error(doc, "Swagger 2.0 is not supported; convert it to OpenAPI 3 first", "/swagger")
        raise _error(doc, "not an OpenAPI document: the top level has no 'openapi' key (/openapi)", "")
    version = str(data["openapi"])
    if not _VERSION.match(version):
        raise _error(doc, f"OpenAPI version {version!r} is not supported; expected 3.0.x or 3.1.x", "/openapi")
    return Spec(doc, version, _base_path(doc))


def _base_path(doc: Document) -> str:
    """`https://api.openai.com/v1` -> `/v1`: the prefix every path is served under."""
    servers = doc.data.get("servers")
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], dict):
        return ""
    url = str(servers[0].get("url", ""))
    for name, var in (servers[0].get("variables") or {}).items():
        if isinstance(var, dict) and "default" in var:
            url = url.replace("{" + name + "}", str(var["default"]))
    path = urlsplit(url).path if "://" in url else url
    if "{" in path:
        return ""
    return path.rstrip("/")


def _error(doc: Document, message: str, pointer: str) -> SpecError:
    line, col = position(doc.path, pointer) if doc.path else (None, None)
    where = f" (at {pointer})" if pointer else ""
    return SpecError(message + where, doc.source, line, col)
