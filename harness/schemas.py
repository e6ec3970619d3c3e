"""JSON Schemas written in a user's files: a contract's response shapes, a
scenario step's `expect.schema`.

Each is checked at load against the JSON Schema 2020-12 meta-schema, and
every `$ref` and `$dynamicRef` in it is resolved then, so a mistake is an
error naming the file and line of the keyword, never a crash mid-run.
References reach only files inside the folder tree of the file that holds
the schema, or a folder the user names (`--allow-dir DIR`, which sets
`HARNESS_ALLOW_DIRS`): never the network, never `file://`, an absolute path
or a `../` or symlink that leaves the tree. The validator each schema
compiles to keeps a registry whose `retrieve` applies the same rule, so
nothing can be fetched at check time either.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urlsplit

from harness import yamlfile
from harness.errors import InputError

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
    from referencing import Registry, Resource

# jsonschema, referencing and their meta-schemas are imported where they are first needed: a
# schema with no `$ref` that jsonschema-rs finds valid is checked without them, and
# `harness verify` on recorded bodies that fit never needs them (about 60 ms of its start-up).

ALLOW_DIRS = "HARNESS_ALLOW_DIRS"  # folders (os.pathsep between) every file may reach besides its own
REF_KEYWORDS = ("$ref", "$dynamicRef")
# Keywords whose values are instance data, not schemas: a "$ref" key in them is a plain key.
_DATA_KEYWORDS = frozenset({"const", "enum", "examples", "default"})
# Keywords that apply a subschema to the same instance: a loop through them alone never ends.
_IN_PLACE = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas")
_MAX_IN_PLACE = 200  # longer chains of refs than this would exhaust Python's stack in jsonschema


def allowed_dirs() -> tuple[Path, ...]:
    raw = os.environ.get(ALLOW_DIRS, "")
    return tuple(Path(part).resolve() for part in raw.split(os.pathsep) if part.strip())


@dataclass(frozen=True)
class Confinement:
    """The folders a file's references may reach: its own folder tree and the allowed ones."""

    folder: Path | None  # the file's folder; None for text that came from no file
    roots: tuple[Path, ...]

    @classmethod
    def around(cls, source: str | Path | None, extra: tuple[Path, ...] = ()) -> Confinement:
        path = Path(source) if source is not None else None
        folder = path.resolve().parent if path is not None and path.is_file() else None
        roots = ((folder,) if folder else ()) + allowed_dirs() + tuple(p.resolve() for p in extra)
        return cls(folder, roots)

    def path(self, written: str | Path, *, base: Path | None = None) -> Path:
        """`written` (relative to `base`, else the file's folder) as a real path inside the
        roots; a `ValueError` saying why not. Symlinks are followed before the check."""
        written = Path(written)
        start = base or self.folder
        if written.is_absolute():
            target = written
        elif start is None:
            raise ValueError("only refs inside this document ('#/...') work in text that came from no file")
        else:
            target = start / written
        real = target.resolve()
        if not any(real == root or real.is_relative_to(root) for root in self.roots):
            where = ", ".join(str(r) for r in self.roots) or "no folder"
            raise ValueError(
                f"{str(written)!r} is outside the folders files may reach ({where}); allow another with --allow-dir DIR"
            )
        return real

    def read(self, uri: str, kind: type[InputError] = InputError) -> tuple[Path, yamlfile.Document]:
        """The file a reference names, if it is inside the roots, read with the same caps as
        any other file; anything else refused (a `ValueError`) before it is opened. A relative
        reference is relative to the file's folder; a `file:` one (what a relative ref in a
        file reached this way becomes) must be inside the roots like any other."""
        parts = urlsplit(uri)
        if parts.scheme == "file" and not parts.netloc:
            path = self.path(unquote(parts.path))
        else:
            path = self.path(_ref_path(uri))
        if not path.is_file():
            raise ValueError(f"{uri!r}: no such file")
        return path, yamlfile.load(path, kind=kind)


def _ref_path(uri: str) -> str:
    """The relative file path a reference names; a `ValueError` for a scheme, a host or an
    absolute path, which reach out of the folder tree by their nature."""
    parts = urlsplit(uri)
    if parts.scheme or parts.netloc:
        what = "read from another host" if parts.netloc else f"fetched over {parts.scheme}:"
        if parts.scheme == "file":
            what = "read through a file: URL"
        raise ValueError(f"{uri!r} would be {what}; refs reach only files in this folder tree")
    if parts.path.startswith("/"):
        raise ValueError(f"{uri!r} is an absolute path; refs reach only files in this folder tree")
    return unquote(parts.path)


def _no_climb(base: str, written: str) -> None:
    """Refs resolve against the relative address of the file they are in, and a URI join
    silently stops a `../` at the top of that address; refuse the climb instead of reading
    some other file."""
    base = urldefrag(base)[0]
    if base and not urlsplit(base).scheme:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(written)))
        if joined == ".." or joined.startswith("../"):
            raise ValueError("a ref in a file reached by a ref may not climb above the first file's folder")


def checked_schema(
    schema: Any,
    doc: yamlfile.Document,
    pointer: str,
    *,
    kind: type[InputError] = InputError,
    confinement: Confinement | None = None,
) -> CheckedSchema:
    """`schema`, written at `pointer` in `doc`, once it is known to be valid, its references
    confined and resolvable, and free of loops that would never end; its jsonschema validator
    is built when first asked for (`.validator()`)."""
    if confinement is None:
        confinement = Confinement.around(None if doc.source.startswith("<") else doc.source)
    _check_meta(schema, doc, pointer, kind)
    refs = _Refs(doc, kind, confinement)
    refs.check(schema, pointer)
    return CheckedSchema(schema, refs)


class CheckedSchema:
    """A schema known to be valid, with what its references may reach."""

    __slots__ = ("_refs", "schema")

    def __init__(self, schema: Any, refs: _Refs | None = None) -> None:
        self.schema, self._refs = schema, refs

    def registry(self) -> Registry[Any]:
        """The files its references reach, and only those; empty for a schema checked nowhere."""
        if self._refs is not None:
            return self._refs.registry
        from referencing import Registry

        return Registry()

    def validator(self) -> Draft202012Validator:
        from jsonschema import Draft202012Validator

        return Draft202012Validator(self.schema, registry=self.registry())


def _check_meta(schema: Any, doc: yamlfile.Document, pointer: str, kind: type[InputError]) -> None:
    if _surely_meta_valid(schema):
        return
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError  # type: ignore[import-untyped]

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        inner = yamlfile.pointer_of(exc.path)
        raise doc.error(f"invalid JSON Schema: {exc.message}", pointer + inner, kind=kind) from None
    except RecursionError:
        raise doc.error("the schema is nested too deeply", pointer, kind=kind) from None


_DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def _surely_meta_valid(schema: Any) -> bool:
    """True when `schema` surely passes jsonschema's meta-schema check; False: ask jsonschema,
    whose errors the messages are made of. jsonschema-rs checks the structure in a fraction
    of the time; the one format jsonschema also checks there (`regex`, on `pattern` and
    `patternProperties`) is checked with Python's `re`, as jsonschema does, on every key
    of those names anywhere (a key of those names in data only sends the schema to jsonschema)."""
    if isinstance(schema, dict) and schema.get("$schema", _DRAFT_2020_12) != _DRAFT_2020_12:
        return False  # jsonschema-rs would check it against that draft's meta-schema
    try:
        import jsonschema_rs

        if not jsonschema_rs.meta.is_valid(schema):
            return False
    except Exception:  # no wheel here, or a value jsonschema-rs cannot take
        return False
    return _patterns_compile(schema)


def _regex_conforms(value: Any) -> bool:
    """jsonschema's `regex` format: a string Python's `re` compiles; any other value passes."""
    if not isinstance(value, str):
        return True
    try:
        re.compile(value)
    except re.error:
        return False
    return True


def _patterns_compile(node: Any) -> bool:
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if not _regex_conforms(node.get("pattern")):
                return False
            patterns = node.get("patternProperties")
            if isinstance(patterns, dict) and not all(_regex_conforms(key) for key in patterns):
                return False
            stack.extend(node.values())
    return True


_RESOLVER_KEYS = frozenset({*REF_KEYWORDS, "$id"})


def _mentions(node: Any, keys: frozenset[str]) -> bool:
    """True when any mapping anywhere in `node` (data keywords' values too) has one of `keys`."""
    stack, seen = [node], set()
    while stack:
        node = stack.pop()
        if isinstance(node, (dict, list)) and id(node) not in seen:  # YAML aliases may repeat a node
            seen.add(id(node))
            if isinstance(node, dict):
                if not keys.isdisjoint(node):
                    return True
                stack.extend(node.values())
            else:
                stack.extend(node)
    return False


class _Refs:
    """Walks a schema and what its refs reach: each ref resolved, each target a schema,
    each file reached checked too, and no loop of refs that consumes nothing."""

    def __init__(self, doc: yamlfile.Document, kind: type[InputError], confinement: Confinement) -> None:
        self.doc, self.kind, self.confinement = doc, kind, confinement
        self.where: dict[int, tuple[yamlfile.Document, str]] = {}  # id(schema dict) -> where it is written
        self.edges: dict[int, list[tuple[int, str]]] = {}  # in-place successors, with the ref pointer
        self.files: dict[str, yamlfile.Document] = {}  # uri -> each file a ref reached, read once
        self._registry: Registry[Any] | None = None

    @property
    def registry(self) -> Registry[Any]:
        """The validator keeps this registry: at check time too, only these files can be reached."""
        if self._registry is None:
            from referencing import Registry

            self._registry = Registry(retrieve=self.retrieve)  # type: ignore[call-arg]
        return self._registry

    def retrieve(self, uri: str) -> Resource[Any]:
        from referencing import Resource
        from referencing.jsonschema import DRAFT202012

        if uri not in self.files:
            path, doc = self.confinement.read(uri, self.kind)
            self.files[uri] = self.files[path.as_uri()] = doc
        doc = self.files[uri]
        data = doc.data
        if isinstance(data, dict) and "$id" not in data:
            # Its own absolute address, so a `../` in it is judged from where the file is,
            # not clamped at the top of a relative URI.
            data = {**data, "$id": Path(doc.source).resolve().as_uri()}
        return Resource.from_contents(data, default_specification=DRAFT202012)

    def check(self, schema: Any, pointer: str) -> None:
        resolver = None  # what a schema with no `$ref`, `$dynamicRef` or `$id` anywhere never asks
        if _mentions(schema, _RESOLVER_KEYS):
            from jsonschema_specifications import REGISTRY as SPECIFICATIONS  # type: ignore[import-untyped]
            from referencing.jsonschema import DRAFT202012

            root = DRAFT202012.create_resource(schema)
            resolver = SPECIFICATIONS.combine(self.registry).resolver_with_root(root)  # offline meta-schemas
        self.walk(schema, self.doc, pointer, resolver, set())
        self.loops()

    def fail(self, doc: yamlfile.Document, message: str, pointer: str) -> InputError:
        return doc.error(message, pointer, kind=self.kind)

    def walk(self, node: Any, doc: yamlfile.Document, pointer: str, resolver: Any, seen: set[int]) -> None:
        if not isinstance(node, dict) or id(node) in seen:
            if isinstance(node, list):
                for i, item in enumerate(node):
                    self.walk(item, doc, f"{pointer}/{i}", resolver, seen)
            return
        seen.add(id(node))
        self.where[id(node)] = (doc, pointer)
        edges = self.edges.setdefault(id(node), [])
        if isinstance(node.get("$id"), str):
            from referencing.jsonschema import DRAFT202012

            resolver = resolver.in_subresource(DRAFT202012.create_resource(node))
        for keyword in REF_KEYWORDS:
            ref = node.get(keyword)
            if not isinstance(ref, str):
                continue
            at = f"{pointer}/{keyword}"
            written = urldefrag(ref)[0]
            if written:
                try:
                    _ref_path(written)
                    _no_climb(resolver._base_uri, written)
                except ValueError as exc:
                    raise self.fail(doc, f"{keyword} {ref!r}: {exc}", at) from None
            target, target_doc, target_pointer, target_resolver = self.resolve(ref, keyword, doc, at, resolver)
            if isinstance(target, dict):
                edges.append((id(target), at))
                if target_doc is not doc:
                    self.walk(target, target_doc, target_pointer, target_resolver, seen)
        for keyword, value in node.items():
            if keyword in _DATA_KEYWORDS:
                continue
            child = yamlfile.pointer_join(pointer, keyword)
            if keyword in _IN_PLACE:
                for sub, _ in _subschemas(value, child):
                    if isinstance(sub, dict):
                        edges.append((id(sub), child))
            self.walk(value, doc, child, resolver, seen)

    def resolve(
        self, ref: str, keyword: str, doc: yamlfile.Document, at: str, resolver: Any
    ) -> tuple[Any, yamlfile.Document, str, Any]:
        from referencing.exceptions import Unresolvable

        try:
            resolved = resolver.lookup(ref)
        except Unresolvable as exc:
            cause: BaseException | None = exc
            while cause is not None and type(cause).__module__ == "referencing.exceptions":
                cause = cause.__cause__  # referencing wraps what `retrieve` raised, twice
            if isinstance(cause, InputError):  # the file reached is itself broken: say where
                raise self.kind(cause.message, cause.source, cause.line, cause.column) from None
            why = f": {cause}" if isinstance(cause, ValueError) else " (nothing is there)"
            raise self.fail(doc, f"{keyword} {ref!r} does not resolve{why}", at) from None
        except RecursionError:
            raise self.fail(doc, f"{keyword} {ref!r} loops back on itself", at) from None
        target = resolved.contents
        if not isinstance(target, (dict, bool)):
            raise self.fail(doc, f"{keyword} {ref!r} points at {yamlfile.describe(target)}, not a schema", at)
        target_doc, target_pointer = doc, ""
        base = urldefrag(resolved.resolver._base_uri)[0]
        if isinstance(target, dict) and id(target) in self.where:
            target_doc, target_pointer = self.where[id(target)]
        elif base in self.files:  # a schema in another file: checked as if written here
            target_doc = self.files[base]
            target_pointer = urldefrag(ref)[1] if urldefrag(ref)[1].startswith("/") else ""
            _check_meta(target, target_doc, target_pointer, self.kind)
        return target, target_doc, target_pointer, resolved.resolver

    def loops(self) -> None:
        """A cycle through refs and in-place keywords alone recurses without end at check time."""
        state: dict[int, int] = {}  # 1: on the current path, 2: done

        def visit(node: int, depth: int) -> None:
            state[node] = 1
            for target, at in self.edges.get(node, ()):
                doc = self.where.get(node, (self.doc, ""))[0]
                if state.get(target) == 1:
                    raise self.fail(doc, "this ref closes a loop of schemas that never reaches a value", at)
                if depth >= _MAX_IN_PLACE:
                    raise self.fail(doc, f"refs chain more than {_MAX_IN_PLACE} schemas deep", at)
                if state.get(target) is None:
                    visit(target, depth + 1)
            state[node] = 2

        for node in list(self.edges):
            if state.get(node) is None:
                visit(node, 0)


def _subschemas(value: Any, pointer: str) -> Iterator[tuple[Any, str]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield item, f"{pointer}/{i}"
    elif isinstance(value, dict):
        if pointer.endswith("/dependentSchemas"):
            for key, item in value.items():
                yield item, yamlfile.pointer_join(pointer, key)
        else:
            yield value, pointer


def with_registry_of(validator: Draft202012Validator | None, schema: Any) -> Draft202012Validator:
    """A validator for `schema` (a compiled schema after `{name}`s were filled in) that
    reaches only what `validator` could; with none, only the schema itself."""
    from jsonschema import Draft202012Validator
    from referencing import Registry

    registry = validator._registry if validator is not None else Registry()
    return Draft202012Validator(schema, registry=registry)
