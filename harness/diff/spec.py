"""OpenAPI 3.0 / 3.1 documents, read lazily.

A published provider spec is megabytes of YAML; expanding every `$ref` up
front would copy it many times over. So a `Spec` keeps the parsed data as it
is and resolves a `$ref` only when the diff walks through it. A `Node` is one
value of one document plus its JSON pointer, so an error can always say which
file and which pointer is wrong.

A spec comes from elsewhere (a vendor, a teammate), so reading one is
confined: a `$ref` may name only files inside the spec's own folder tree (or
folders given with `allow_refs`), by a relative path, never a URL; and a
document is refused before it gets big: its size in bytes, the values it
expands to through YAML aliases, and its nesting depth are capped (`Limits`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import yaml

from harness.diff.positions import position
from harness.errors import InputError
from harness.gc_pause import gc_paused
from harness.yamlfile import pointer_join

if TYPE_CHECKING:
    from harness.diff.shape import Shape

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_VERSION = re.compile(r"^3\.[01](\.\d+)?$")
_INDEX = re.compile(r"[0-9]+")  # an array index in a pointer: ASCII digits only ("²".isdigit() is True)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # file:, http:, https:, ... (not a one-letter drive)


@dataclass(frozen=True)
class Limits:
    """What one spec document may cost before it is refused (the OpenAI spec: 3 MB, 61,000 values, depth 40)."""

    max_bytes: int = 64 * 2**20
    max_values: int = 1_000_000  # values after YAML aliases are expanded: an alias bomb stops here
    max_depth: int = 1_000  # mappings and lists inside each other


DEFAULT_LIMITS = Limits()


class SpecError(InputError):
    """An OpenAPI file that cannot be read, is not OpenAPI 3, or has a `$ref` that goes nowhere."""


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's safe loader, except that dates stay strings, as they would in JSON."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


@dataclass(frozen=True, eq=False)
class Document:
    source: str  # the name a user knows the file by (or the URL it was fetched from)
    data: Any
    path: Path | None = None  # absolute, where the text is (for line numbers); None when there is no text
    fetched: bool = False  # fetched from a URL: its $refs may point only inside itself


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
        return error_at(self.doc, message, self.pointer if pointer is None else pointer)


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
    roots: tuple[Path, ...] = ()  # the folders `$ref`s may read files from; none: only refs inside the document
    limits: Limits = DEFAULT_LIMITS
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
        path = self._confined(node, unquote(file_part), ref, at)
        if path not in self.documents:
            if not path.is_file():
                raise node.error(f"$ref {ref!r} does not resolve: no file {file_part!r} (looked for {path})", at)
            self.documents[path] = Document(str(path), read_data(path, SpecError, self.limits), path)
        return self.documents[path]

    def _confined(self, node: Node, file_part: str, ref: str, at: str) -> Path:
        """The file a `$ref` names, if it is inside the folders this spec may read; else a refusal."""
        refused = f"$ref {ref!r} refused: "
        if _SCHEME.match(file_part) or file_part.startswith("//"):
            raise node.error(
                refused + "a $ref is never followed to a URL (file:, http:, https:, ...); save the file "
                "next to the spec and refer to it by a relative path",
                at,
            )
        if node.doc.fetched:
            raise node.error(
                refused + f"{node.doc.source} was fetched from a URL, so its $refs may point only inside it ('#/...')",
                at,
            )
        if Path(file_part).is_absolute() or file_part.startswith(("\\", "/")):
            raise node.error(refused + "an absolute path is never followed; refer to the file by a relative path", at)
        if node.doc.path is None or not self.roots:
            raise node.error(refused + "this spec was not read from a file, so it cannot refer to other files", at)
        try:
            path = (node.doc.path.parent / file_part).resolve()
        except (OSError, ValueError, RuntimeError) as exc:
            raise node.error(refused + f"the path cannot be resolved ({exc})", at) from None
        if not any(path.is_relative_to(root) for root in self.roots):
            folders = ", ".join(str(root) for root in self.roots)
            raise node.error(
                refused + f"it leads to {path}, outside the folders specs may read ({folders}); "
                "name another folder with --allow-refs DIR",
                at,
            )
        return path

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
        elif isinstance(data, list) and _INDEX.fullmatch(key) and int(key) < len(data):
            key = str(int(key))  # "03" is item 3, and the pointer says so
            data = data[int(key)]
        else:
            where = f"#{pointer}" if pointer else "the document root"
            in_file = f" of {doc.source}" if doc is not node.doc else ""
            raise node.error(f"$ref {ref!r} does not resolve: no {key!r} in {where}{in_file}", at)
        pointer = pointer_join(pointer, key)
    return Node(data, doc, pointer)


def read_data(path: Path, kind: type[InputError], limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse a YAML or JSON file with libyaml (or json), within `limits`; errors name file and line."""
    source = str(path)
    try:
        with path.open("rb") as file:
            raw = file.read(limits.max_bytes + 1)
    except OSError as exc:
        raise kind(f"cannot read file: {exc.strerror or exc}", source) from None
    json_first = path.suffix.lower() == ".json"
    return parse(raw, source, kind, json_first=json_first, limits=limits)


@gc_paused()
def parse(
    raw: bytes,
    source: str,
    kind: type[InputError] = SpecError,
    *,
    json_first: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Any:
    """A document from its bytes: JSON when `json_first` (or when it starts with `{`), else YAML."""
    if len(raw) > limits.max_bytes:
        raise kind(f"the document is larger than {limits.max_bytes:,} bytes (--max-spec-size raises the limit)", source)
    if json_first or raw.lstrip()[:1] == b"{":
        try:
            return json.loads(raw, object_pairs_hook=_unique_pairs)
        except _DuplicateKey as dup:
            return _json_duplicate(raw, source, kind, limits, str(dup))
        except RecursionError:
            raise kind("the document is nested too deeply", source) from None
        except ValueError as exc:
            if json_first:
                line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
                raise kind(f"invalid JSON: {getattr(exc, 'msg', exc)}", source, line, col) from None
    return _parse_yaml(raw, source, kind, limits)


class _DuplicateKey(ValueError):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        raise _DuplicateKey(next(k for k, _ in pairs if k in seen or seen.add(k)))  # type: ignore[func-returns-value]
    return out


def _json_duplicate(raw: bytes, source: str, kind: type[InputError], limits: Limits, key: str) -> Any:
    """`json` does not say where; the YAML reader (JSON is nearly YAML) finds both lines."""
    try:
        _parse_yaml(raw, source, kind, limits)
    except InputError as exc:
        if "duplicate key" in exc.message:
            raise
    raise kind(f"duplicate key {key!r} in a JSON object: a reader would silently keep only one of them", source)


def _parse_yaml(raw: bytes, source: str, kind: type[InputError], limits: Limits) -> Any:
    loader = _Loader(raw)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        plain = _check_tree(node, source, kind, limits)
        return _construct(loader, node) if plain else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise kind(
            f"invalid YAML: {problem}", source, mark.line + 1 if mark else None, mark.column + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise kind(f"invalid YAML: {exc}", source) from None
    except RecursionError:
        raise kind("the document is nested too deeply", source) from None
    except (ValueError, TypeError, OverflowError) as exc:  # PyYAML's own constructor: `!!int x` next to a `<<`
        raise kind(f"invalid YAML: a tagged value cannot be read ({exc})", source) from None
    finally:
        loader.dispose()


_MERGE, _MAP, _SEQ, _STR = (f"tag:yaml.org,2002:{t}" for t in ("merge", "map", "seq", "str"))


def _check_tree(root: yaml.Node, source: str, kind: type[InputError], limits: Limits) -> bool:
    """Duplicate keys, and the size and depth the document has once its aliases are expanded.
    True when the document is plain (no merge keys, tagged collections or non-scalar keys), so
    `_construct` can build it.

    libyaml shares an aliased node rather than copying it, so a 16 KB file can stand for billions
    of values; everything after loading walks it as a tree, so it is counted as one here, and the
    count stops at the cap.
    """
    merge = _MERGE
    plain = True
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        mark = node.start_mark
        if count > limits.max_values:
            raise kind(
                f"the document expands to more than {limits.max_values:,} values through YAML aliases "
                "(an alias bomb, or an alias inside itself?); --max-spec-values raises the limit",
                source,
                mark.line + 1,
                mark.column + 1,
            )
        if depth > limits.max_depth:
            raise kind(
                f"the document is nested more than {limits.max_depth:,} levels deep",
                source,
                mark.line + 1,
                mark.column + 1,
            )
        if isinstance(node, yaml.MappingNode):
            keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.tag != merge]
            if len(set(keys)) != len(keys):
                _duplicate(node, source, kind)
            plain = plain and node.tag == _MAP and len(keys) == len(node.value)
            stack.extend((value, depth + 1) for _, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            plain = plain and node.tag == _SEQ
            stack.extend((item, depth + 1) for item in node.value)
    return plain


def _construct(loader: yaml.SafeLoader, root: yaml.Node) -> Any:
    """What PyYAML's constructor makes of a plain document (see `_check_tree`), in one loop and
    several times faster: it is most of the cost of reading a spec. An aliased collection is
    built once and shared, as PyYAML does."""
    made = loader.yaml_constructors

    def scalar(node: yaml.ScalarNode) -> Any:
        if node.tag == _STR:
            return node.value
        make = made.get(node.tag)
        if make is None:
            return loader.construct_object(node)  # an unknown tag: PyYAML's error, with its line
        try:
            return make(loader, node)
        except (ValueError, TypeError, OverflowError):  # `!!int x`: PyYAML lets these through bare
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} cannot be read as {node.tag.rsplit(':', 1)[-1]}", node.start_mark
            ) from None

    built: dict[int, Any] = {}

    def value(node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return scalar(node)
        done = built.get(id(node))
        if done is None:
            done = built[id(node)] = {} if isinstance(node, yaml.MappingNode) else []
            todo.append(node)
        return done

    todo: list[yaml.Node] = []
    top = value(root)
    while todo:
        node = todo.pop()
        into = built[id(node)]
        if isinstance(node, yaml.MappingNode):
            for key, item in node.value:
                into[scalar(key)] = value(item)
        else:
            into.extend(value(item) for item in node.value)
    return top


def _duplicate(node: yaml.MappingNode, source: str, kind: type[InputError]) -> None:
    first: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line + 1
        if key.value in first:
            raise kind(
                f"duplicate key {key.value!r} (first on line {first[key.value]}, again on line {line}): "
                "a reader would silently keep only one of them",
                source,
                line,
                key.start_mark.column + 1,
            )
        first[key.value] = line


def load_spec(path: str | Path, *, allow_refs: Iterable[str | Path] = (), limits: Limits = DEFAULT_LIMITS) -> Spec:
    """An OpenAPI 3.0 or 3.1 file (YAML or JSON), or a Google API Discovery document.

    Its `$ref`s may read files in its own folder tree and in the folders of `allow_refs`.
    """
    file = Path(path)
    if file.is_dir():
        raise SpecError("is a folder; give the spec file itself (openapi.yaml or openapi.json)", str(path))
    resolved = file.resolve()
    doc = Document(str(path), read_data(file, SpecError, limits), resolved)
    return _checked(doc, _roots(resolved, allow_refs), limits)


def spec_from_data(
    data: Any, source: str = "<spec>", path: str | Path | None = None, *, allow_refs: Iterable[str | Path] = ()
) -> Spec:
    """A spec already parsed (generated in tests and benchmarks, or synthesised from cassettes)."""
    resolved = Path(path).resolve() if path else None
    return _checked(Document(source, data, resolved), _roots(resolved, allow_refs) if resolved else ())


def spec_from_bytes(
    raw: bytes, url: str, text_path: Path, *, json_first: bool, limits: Limits = DEFAULT_LIMITS
) -> Spec:
    """A spec fetched from `url`, whose text is kept at `text_path`: its `$ref`s stay inside it."""
    data = parse(raw, url, SpecError, json_first=json_first, limits=limits)
    return spec_from_document(Document(url, data, text_path, fetched=True), limits)


def spec_from_document(doc: Document, limits: Limits = DEFAULT_LIMITS) -> Spec:
    """A spec whose data is already parsed and checked against `limits` (a cached fetch)."""
    return _checked(doc, (), limits)


def _roots(file: Path, allow_refs: Iterable[str | Path]) -> tuple[Path, ...]:
    roots = [file.parent]
    for folder in allow_refs:
        path = Path(folder).resolve()
        if not path.is_dir():
            raise SpecError("--allow-refs: not a folder", str(folder))
        roots.append(path)
    return tuple(roots)


def _checked(doc: Document, roots: tuple[Path, ...], limits: Limits = DEFAULT_LIMITS) -> Spec:
    data = doc.data
    if isinstance(data, dict) and "discoveryVersion" in data:
        from harness.diff.discovery import openapi_from_discovery

        doc = Document(doc.source, openapi_from_discovery(doc), None, doc.fetched)
        data = doc.data
    if not isinstance(data, dict):
        raise SpecError("not an OpenAPI document: expected a mapping with an 'openapi' key", doc.source, 1)
    if "openapi" not in data:
        if "swagger" in data:
            raise error_at(doc, "Swagger 2.0 is not supported; convert it to OpenAPI 3 first", "/swagger")
        raise error_at(doc, "not an OpenAPI document: the top level has no 'openapi' key (/openapi)", "")
    version = str(data["openapi"])
    if not _VERSION.match(version):
        raise error_at(doc, f"OpenAPI version {version!r} is not supported; expected 3.0.x or 3.1.x", "/openapi")
    return Spec(doc, version, _base_path(doc), roots, limits)


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


def error_at(doc: Document, message: str, pointer: str) -> SpecError:
    """An error at `pointer` of `doc`, with the line and column when the document has a text."""
    line, col = position(doc.path, pointer) if doc.path else (None, None)
    where = f" (at {pointer})" if pointer else ""
    return SpecError(message + where, doc.source, line, col)
