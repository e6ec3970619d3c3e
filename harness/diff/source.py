"""Where a spec comes from: a file, or an `http(s)://` URL a vendor publishes it at.

A URL is fetched with httpx, with a timeout, and kept in a cache folder: one
entry per URL, holding the text as published, its `ETag`/`Last-Modified`, and
the parsed document. The next fetch asks the server whether the text changed
(`If-None-Match`, `If-Modified-Since`); on `304 Not Modified` the parsed copy
is read back without parsing the text again. A server that cannot be reached
is an error naming the URL: a stale copy is never used in silence, since the
point of fetching is to see what is published now.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from harness import secrets
from harness.diff.spec import DEFAULT_LIMITS, Document, Limits, Spec, SpecError, load_spec, parse, spec_from_document

DEFAULT_TIMEOUT = 30.0  # seconds, for connecting and for each read
_USER_AGENT = "harness-diff (+https://pypi.org/project/harness/)"


def is_url(where: str) -> bool:
    return where[:8].lower().startswith(("http://", "https://"))


def shown(url: str) -> str:
    """The URL as messages and the cache show it: no password, no key in the query string."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not even a URL: keep what cannot hold a key
        return url.split("?")[0].split("#")[0]
    netloc = parts.netloc.rpartition("@")[2] if "@" in parts.netloc else parts.netloc
    query = urlencode(
        [(k, secrets.PLACEHOLDER if k.lower() in secrets.QUERY else v) for k, v in parse_qsl(parts.query, True)],
        safe="$:/,",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def default_cache() -> Path:
    """`$HARNESS_CACHE_DIR`, else `$XDG_CACHE_HOME/harness/specs`, else `~/.cache/harness/specs`."""
    if os.environ.get("HARNESS_CACHE_DIR"):
        return Path(os.environ["HARNESS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "harness" / "specs"


@dataclass(frozen=True)
class Sources:
    """How `open_spec` reads what a user names: the cache and timeout for URLs, the limits and
    extra `$ref` folders for every spec."""

    cache: Path = field(default_factory=default_cache)
    timeout: float = DEFAULT_TIMEOUT
    limits: Limits = DEFAULT_LIMITS
    allow_refs: tuple[Path, ...] = ()


def open_spec(where: str | Path, sources: Sources | None = None) -> Spec:
    """The spec at a path or an `http(s)://` URL."""
    sources = sources or Sources()
    if isinstance(where, str) and is_url(where):
        return fetch_spec(where, sources)
    return load_spec(where, allow_refs=sources.allow_refs, limits=sources.limits)


@dataclass(frozen=True)
class Entry:
    """One URL's files in the cache folder."""

    folder: Path
    key: str

    @classmethod
    def of(cls, cache: Path, url: str) -> Entry:
        return cls(cache, hashlib.sha256(url.encode()).hexdigest()[:32])

    @property
    def text(self) -> Path:  # the body as the server sent it: a pin is written from it
        return self.folder / f"{self.key}.body"

    @property
    def meta(self) -> Path:
        return self.folder / f"{self.key}.json"

    @property
    def parsed(self) -> Path:
        return self.folder / f"{self.key}.parsed"

    def headers(self) -> dict[str, Any]:
        try:
            meta = json.loads(self.meta.read_text())
        except (OSError, ValueError):
            return {}
        return meta if isinstance(meta, dict) and self.text.is_file() else {}


@dataclass(frozen=True)
class Fetched:
    url: str
    raw: bytes  # the published text
    entry: Entry
    cached: bool  # the server said 304: the cached copy is current
    json: bool  # served as JSON (by media type, or a .json path)


def fetch(url: str, sources: Sources | None = None) -> Fetched:
    """GET `url` (or revalidate its cached copy). Errors name the URL and exit 2."""
    import httpx

    sources = sources or Sources()
    name = shown(url)
    entry = Entry.of(_folder(sources.cache), url)
    meta = entry.headers()
    conditional = {}
    if meta.get("etag"):
        conditional["If-None-Match"] = meta["etag"]
    if meta.get("last_modified"):
        conditional["If-Modified-Since"] = meta["last_modified"]
    limit = sources.limits.max_bytes
    try:
        with (
            httpx.Client(timeout=sources.timeout, follow_redirects=True, headers={"User-Agent": _USER_AGENT}) as client,
            client.stream("GET", url, headers=conditional) as response,
        ):
            if response.status_code == 304 and meta:
                raw = entry.text.read_bytes()
                if len(raw) > limit:
                    raise SpecError(
                        f"the document is larger than {limit:,} bytes (--max-spec-size raises the limit)", name
                    )
                return Fetched(url, raw, entry, True, bool(meta.get("json")))
            if response.status_code != 200:
                raise SpecError(f"GET answered {response.status_code} {response.reason_phrase}, not a spec", name)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise SpecError(
                        f"the document is larger than {limit:,} bytes (--max-spec-size raises the limit)", name
                    )
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            served_json = media.endswith("json") or urlsplit(url).path.lower().endswith(".json")
            headers = {"etag": response.headers.get("etag"), "last_modified": response.headers.get("last-modified")}
    except httpx.TimeoutException:
        raise SpecError(f"no answer within {sources.timeout:g} s (--timeout raises it)", name) from None
    except httpx.InvalidURL as exc:
        raise SpecError(f"not a URL that can be fetched: {exc}", name) from None
    except httpx.HTTPError as exc:
        raise SpecError(f"cannot fetch: {type(exc).__name__}: {exc or 'connection failed'}", name) from None
    raw = bytes(body)
    _write(entry.text, raw)
    entry.parsed.unlink(missing_ok=True)
    _write(entry.meta, json.dumps({"url": name, "json": served_json, **headers}).encode())
    return Fetched(url, raw, entry, False, served_json)


def fetch_spec(url: str, sources: Sources | None = None) -> Spec:
    """The spec published at `url`; its `$ref`s may point only inside it."""
    sources = sources or Sources()
    fetched = fetch(url, sources)
    name = shown(url)
    data = _cached_data(fetched.entry) if fetched.cached else None
    if data is None:
        data = parse(fetched.raw, name, SpecError, json_first=fetched.json, limits=sources.limits)
    spec = spec_from_document(Document(name, data, fetched.entry.text, fetched=True), sources.limits)
    if not fetched.cached or not fetched.entry.parsed.is_file():
        # Only the data that passed the limits and made a spec is kept; marshal reads it back
        # many times faster than YAML is parsed, keeping the sharing of YAML aliases.
        try:
            _write(fetched.entry.parsed, marshal.dumps(data))
        except ValueError:
            pass  # a value marshal cannot hold: the text is parsed again next time
    return spec


def _cached_data(entry: Entry) -> Any:
    """The parsed copy, trusted as much as the text next to it (both are ours); anything odd: None."""
    try:
        data = marshal.loads(entry.parsed.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _folder(cache: Path) -> Path:
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SpecError(
            f"cannot create the cache folder: {exc.strerror or exc} (--cache-dir names another)", str(cache)
        ) from None
    return cache


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a run killed mid-write must not leave half a spec to be trusted."""
    partial = path.with_name(path.name + f".{os.getpid()}.part")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise SpecError(f"cannot write to the cache folder: {exc.strerror or exc}", str(path.parent)) from None


def published_text(where: str | Path, sources: Sources | None = None) -> bytes:
    """The text as published, after `open_spec(where)` read it: the cached body of a URL, or the file."""
    sources = sources or Sources()
    if isinstance(where, str) and is_url(where):
        path = Entry.of(sources.cache, where).text
    else:
        path = Path(where)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read file: {exc.strerror or exc}", str(where)) from None
