"""The app's own OpenAPI spec, the one thing a fuzz run generates requests from.

A file is read like every other input (size and depth caps, YAML or JSON, an
error naming file:line), from a path inside the folder tree of the file that
names it or a folder allowed with --allow-dir; its `$ref`s stay inside the
document. A URL is fetched only because the user wrote one, once the app is
ready (so it may be the app's own: `{app.url}/openapi.json`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness import schemas, yamlfile
from harness.errors import InputError

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiSchema

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
URL_PREFIXES = ("http://", "https://")
FETCH_TIMEOUT = 10.0


class SpecError(InputError):
    """The app's OpenAPI spec cannot be read or is not one."""


@dataclass(frozen=True)
class Spec:
    """A spec as written: where from, and (for a file) its parsed document."""

    where: str  # the path or URL as the user wrote it (a URL may hold {app.url})
    document: yamlfile.Document | None = field(default=None, compare=False)

    def resolved(self, app_url: str) -> yamlfile.Document:
        """The document: the file's, or the URL's fetched now (with `{app.url}` filled in)."""
        if self.document is not None:
            return self.document
        return _fetch(self.where.replace("{app.url}", app_url.rstrip("/")))


def is_url(where: str) -> bool:
    return where.startswith(URL_PREFIXES) or where.startswith("{app.url}")


def locate(where: str, folder: Path | None = None) -> Path:
    """The file `where` names, relative to `folder` (a scenario's) and inside its folder tree or
    a folder allowed with --allow-dir; from the command line (no folder), relative to here.
    A `ValueError` saying why not."""
    if "://" in where:
        raise ValueError(f"{where!r}: a spec is a file or an http(s) URL")
    if folder is None:
        path = Path(where).resolve()
    else:
        path = schemas.Confinement(folder, (folder, *schemas.allowed_dirs())).path(where)
    if not path.is_file():
        raise ValueError(f"{where!r}: no such file")
    return path


def read(where: str, folder: Path | None = None) -> Spec:
    """`where` as a spec: a URL is kept to fetch once the app is ready; a file is read and
    checked now (`locate` says which file)."""
    if is_url(where):
        return Spec(where)
    try:
        path = locate(where, folder)
    except ValueError as exc:
        raise SpecError(str(exc), where) from None
    doc = yamlfile.load(path, kind=SpecError)
    check(doc)
    return Spec(where, doc)


def _fetch(url: str) -> yamlfile.Document:
    import httpx

    try:
        response = httpx.get(url, timeout=FETCH_TIMEOUT, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise SpecError(f"cannot fetch the spec: {type(exc).__name__}: {exc}", url) from None
    if response.status_code != 200:
        raise SpecError(f"fetching the spec gave HTTP {response.status_code}", url)
    doc = yamlfile.loads(response.text, url, kind=SpecError)
    check(doc)
    return doc


def check(doc: yamlfile.Document) -> None:
    """What a fuzz run needs of a spec, each mistake at its line: OpenAPI 3, paths of
    operations, refs inside the document, and every operation one Schemathesis can use."""
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error("an OpenAPI spec is a mapping with openapi, info and paths")
    version = data.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise doc.error(f"openapi must be a 3.x version string, not {version!r}", "/openapi" if version else "")
    paths = data.get("paths")
    if not isinstance(paths, dict) or not paths:
        raise doc.error("paths must be a mapping of at least one path", "/paths" if "paths" in data else "")
    for pointer, ref in _refs(data, ""):
        if not ref.startswith("#/"):
            raise doc.error(f"$ref {ref!r}: only refs inside this document ('#/...') are followed", pointer)
    operations = 0
    for path, item in paths.items():
        where = yamlfile.pointer_join("/paths", path)
        if not isinstance(item, dict):
            raise doc.error("a path item is a mapping of operations", where)
        operations += sum(1 for method in item if method in HTTP_METHODS)
    if not operations:
        raise doc.error("no operation under paths: nothing to send", "/paths")
    loaded = load(doc)
    for result in loaded.get_all_operations():
        error = result.err() if hasattr(result, "err") else None
        if error is not None:
            path = getattr(error, "path", None) or ""
            method = getattr(error, "method", None) or ""
            pointer = yamlfile.pointer_join(yamlfile.pointer_join("/paths", path), method.lower()) if path else "/paths"
            if pointer not in doc.values and pointer not in doc.keys:
                pointer = yamlfile.pointer_join("/paths", path) if path else "/paths"
            raise doc.error(f"Schemathesis cannot use this operation: {_first_line(error)}", pointer)


def load(doc: yamlfile.Document) -> OpenApiSchema:
    """The Schemathesis schema of a checked document."""
    import schemathesis
    from schemathesis.core.errors import LoaderError

    try:
        return schemathesis.openapi.from_dict(_plain(doc.data))
    except LoaderError as exc:
        raise doc.error(f"not an OpenAPI spec Schemathesis can load: {_first_line(exc)}") from None


def _plain(value: Any) -> Any:
    """A deep copy with string keys: YAML may key a status code as the number 200."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _refs(value: Any, pointer: str) -> Any:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                yield yamlfile.pointer_join(pointer, key), item
            else:
                yield from _refs(item, yamlfile.pointer_join(pointer, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _refs(item, f"{pointer}/{i}")


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def operations(schema: OpenApiSchema) -> list[Any]:
    """The spec's operations, in the order it writes them (checked usable when it was read)."""
    return [result.ok() for result in schema.get_all_operations() if hasattr(result, "ok")]


def schema(where: str | Path) -> OpenApiSchema:
    """The Schemathesis schema of a spec file, read and checked as `harness fuzz` reads it: for
    `@schema.parametrize()` in a test module (the app's address comes at run time, from the
    `harness_fuzz` fixture's `check`)."""
    from schemathesis import GenerationMode

    spec = read(str(where))
    assert spec.document is not None
    loaded = load(spec.document)
    # What `harness fuzz` sends: requests the spec allows, generated; not the coverage phase's
    # deliberately wrong methods and values, which no check here is about.
    loaded.config.phases.coverage.enabled = False
    loaded.config.generation.update(modes=[GenerationMode.POSITIVE])
    return loaded
