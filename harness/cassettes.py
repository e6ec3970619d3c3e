"""vcrpy cassettes: load them as Exchanges, write Exchanges as cassettes, and
record new ones with secrets redacted.

The file format is vcrpy's own (its YAML serializer, both ways), so cassettes
from vcrpy 4-9 or pytest-recording load as they are, and what we write
replays in plain vcrpy. Redaction is on by default everywhere a cassette is
written: a recorded key is a leaked key, because cassettes get committed.
Named headers and query parameters are blanked; the values of the key
variables are hunted everywhere; and whatever was blanked in a request is
hunted in the responses too, since servers echo requests back.
"""

from __future__ import annotations

import json
import marshal
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote, quote_plus, unquote_plus, urlsplit

import yaml

from harness import forked, limits, secrets, yamlfile
from harness.errors import CassetteError
from harness.exchange import Exchange, Headers, Request, Response, headers_from
from harness.gc_pause import gc_paused
from harness.providers import provider_of

if TYPE_CHECKING:  # vcrpy (and the HTTP clients it patches) is imported only to record or write
    import vcr
    from vcr.cassette import Cassette
    from vcr.request import Request as VcrRequest

SUFFIXES = (".yaml", ".yml")
RECORD_MODES = ("once", "new_episodes", "all", "none")
# Not scheme, host and port: a cassette recorded against a double on one port
# replays against a double on any other port, or against the real host.
MATCH_ON = ("method", "provider", "path", "query", "normalised_body")
PLACEHOLDER = secrets.PLACEHOLDER
# An env value shorter than this is not treated as a secret: replacing every
# occurrence of, say, "test" would wreck the cassette, and real keys are long.
MIN_SECRET_LENGTH = 8

# A request or response as vcrpy stores it: plain YAML data, checked as it is read.
VcrDict = dict[str, Any]


# -- redaction --------------------------------------------------------------


@dataclass(frozen=True)
class Redaction:
    """What never reaches a cassette. Header and query names are case-insensitive."""

    # None: every registered provider's secret headers and key variables, read
    # when used, so a provider registered after import is covered too.
    request_headers: tuple[str, ...] | None = None
    response_headers: tuple[str, ...] = secrets.RESPONSE_HEADERS
    query: tuple[str, ...] = secrets.QUERY
    # Defence in depth: the literal values of these variables are replaced
    # anywhere (headers, URL, body), in case a server echoes a key back.
    env_vars: tuple[str, ...] | None = None
    values: tuple[str, ...] = ()  # further literal secrets, e.g. a key not taken from the env
    placeholder: str = PLACEHOLDER

    def header_names(self) -> tuple[str, ...]:
        return secrets.request_headers() if self.request_headers is None else self.request_headers

    def secrets(self) -> set[str]:
        """The literals to replace anywhere. The env is read on each call, so a
        key set after import is still caught."""
        env_vars = secrets.env_vars() if self.env_vars is None else self.env_vars
        found = [os.environ.get(name, "") for name in env_vars] + list(self.values)
        return {form for value in found for form in _wire_forms(value)}


DEFAULT = Redaction()


def _wire_forms(value: str) -> set[str]:
    """A secret as it can appear on the wire: as is, and percent-encoded."""
    value = value.strip()
    if len(value) < MIN_SECRET_LENGTH:
        return set()
    return {value, quote(value, safe=""), quote_plus(value)}


def _echoable_parts(value: str) -> set[str]:
    """A redacted header or query value, and the pieces of it a server may echo
    alone: the token after `Bearer `, each cookie's value."""
    parts = {value, value.partition(" ")[2]}
    parts.update(cookie.partition("=")[2] for cookie in value.split(";"))
    return {form for part in parts for form in _wire_forms(part)}


class Scrubber:
    """Replaces the secrets of one recording, one write or one exchange.

    Besides what its `Redaction` names, it remembers every value it has
    redacted from a request and hunts for it in later responses too, because
    servers echo requests back (a debug echo, an error quoting the URL)."""

    def __init__(self, redaction: Redaction = DEFAULT) -> None:
        self.redaction = redaction
        self.learned: set[str] = set()

    def secrets(self) -> list[str]:
        return sorted(self.redaction.secrets() | self.learned, key=len, reverse=True)  # longest first

    def text(self, text: str) -> str:
        for secret in self.secrets():
            text = text.replace(secret, self.redaction.placeholder)
        return text

    def body(self, body: bytes) -> bytes:
        for secret in self.secrets():
            body = body.replace(secret.encode(), self.redaction.placeholder.encode())
        return body

    def headers(self, pairs: Iterable[tuple[str, str]], names: Iterable[str]) -> list[tuple[str, str]]:
        """Named headers keep their name but lose their value; secrets go from all others."""
        hidden = {name.lower() for name in names}
        out: list[tuple[str, str]] = []
        for name, value in pairs:
            if name.lower() in hidden:
                self.learned |= _echoable_parts(value)
                out.append((name, self.redaction.placeholder))
            else:
                out.append((name, value))
        return [(name, self.text(value)) for name, value in out]

    def url(self, url: str) -> str:
        """Blank the named query parameters, leaving every other byte of the URL as it was."""
        base, mark, rest = url.partition("?")
        query, hash_, fragment = rest.partition("#")
        if mark:
            url = base + mark + "&".join(self._query_part(part) for part in query.split("&")) + hash_ + fragment
        return self.text(url)

    def _query_part(self, part: str) -> str:
        name, equals, value = part.partition("=")
        if not equals or unquote_plus(name).lower() not in {q.lower() for q in self.redaction.query}:
            return part
        self.learned |= _echoable_parts(value) | _echoable_parts(unquote_plus(value))
        return f"{name}={self.redaction.placeholder}"

    def exchange(self, exchange: Exchange) -> Exchange:
        # The request first: what it gives away is then hunted in the response.
        request = exchange.request
        request = Request(
            method=request.method,
            url=self.url(request.url),
            headers=tuple(self.headers(request.headers, self.redaction.header_names())),
            body=self.body(request.body),
        )
        response = exchange.response
        if response is not None:
            response = Response(
                status=response.status,
                body=self.body(response.body),
                headers=tuple(self.headers(response.headers, self.redaction.response_headers)),
            )
        error = self.text(exchange.error) if exchange.error else exchange.error
        return exchange.with_(request=request, response=response, error=error)

    def vcr_request(self, request: VcrRequest) -> VcrRequest:
        # A new request with a plain bytes body: file and iterator bodies
        # would not survive having their content replaced in place.
        from vcr.request import Request as VcrRequest

        body = None if request.body is None else self.body(_body_of(request))
        return VcrRequest(
            request.method,
            self.url(request.uri),
            body,
            dict(self.headers(request.headers.items(), self.redaction.header_names())),
        )

    def vcr_response(self, response: VcrDict) -> VcrDict:
        pairs = headers_from(response.get("headers") or {})
        response["headers"] = _grouped(self.headers(pairs, self.redaction.response_headers))
        body = (response.get("body") or {}).get("string")
        if isinstance(body, str):
            body = body.encode()
        if isinstance(body, bytes):
            response["body"]["string"] = self.body(body)
        return response


def redact_exchange(exchange: Exchange, redaction: Redaction = DEFAULT) -> Exchange:
    """The same exchange with every secret `redaction` knows replaced."""
    return Scrubber(redaction).exchange(exchange)


# -- matching ---------------------------------------------------------------


def provider(r1: VcrRequest, r2: VcrRequest) -> None:
    """vcrpy matcher: both requests are for one provider, by the registry (its
    hosts, or the signature its SDK leaves on a request to 127.0.0.1:54321).
    Requests that are no provider's must share scheme, host and port, as in vcrpy."""
    first, second = _provider_of(r1), _provider_of(r2)
    if first is None and second is None:
        if (r1.scheme, r1.host, r1.port) != (r2.scheme, r2.host, r2.port):
            raise AssertionError("neither is a provider's request, and their hosts differ")
    elif first != second:
        raise AssertionError(f"the requests are for different providers ({first} and {second})")


def _provider_of(request: VcrRequest) -> str | None:
    return provider_of(Request(method=request.method, url=request.uri, headers=tuple(request.headers.items())))


def normalised_body(r1: VcrRequest, r2: VcrRequest) -> None:
    """vcrpy matcher: bodies equal as JSON (any key order), as multipart
    (any boundary), or else byte for byte."""
    if _normal_form(r1) != _normal_form(r2):
        raise AssertionError("the request bodies differ")


def _normal_form(request: VcrRequest) -> tuple[str, Any]:
    body = _body_of(request)
    content_type = request.headers.get("Content-Type") or ""
    boundary = re.search(r'boundary="?([^";]+)"?', content_type, re.IGNORECASE)
    if content_type.lower().startswith("multipart/") and boundary:
        # Clients pick a random boundary per request; it carries no meaning.
        return ("multipart", body.replace(boundary.group(1).encode(), b"BOUNDARY"))
    try:
        # Canonical text, not the parsed value: in Python 1 == 1.0 == True.
        return ("json", json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")))
    except ValueError:
        return ("raw", body)


# -- recording --------------------------------------------------------------


def _vcr(redaction: Redaction | None) -> vcr.VCR:
    import vcr

    hooks: dict[str, Any] = {}
    if redaction is not None:
        # vcrpy runs the request hook and then the response hook for each
        # interaction, so the scrubber has learned the request's secrets in time.
        scrubber = Scrubber(redaction)
        hooks = {"before_record_request": scrubber.vcr_request, "before_record_response": scrubber.vcr_response}
    # Compressed bodies are stored decoded, so the literal-secret scan sees
    # the real bytes (and cassettes stay readable).
    config = vcr.VCR(match_on=MATCH_ON, decode_compressed_response=True, **hooks)
    config.register_matcher("provider", provider)
    config.register_matcher("normalised_body", normalised_body)
    return config


@contextmanager
def recording(
    path: str | Path, *, record_mode: str = "once", redaction: Redaction | None = DEFAULT
) -> Iterator[Cassette]:
    """Record (or replay) every httpx, httpx2, requests or urllib call made inside
    the block to the vcrpy cassette at `path`; yields vcrpy's Cassette."""
    if record_mode not in RECORD_MODES:
        raise CassetteError(f"unknown record mode {record_mode!r}; use one of {', '.join(RECORD_MODES)}", str(path))
    if Path(path).is_file() and Path(path).read_bytes().strip():
        # vcrpy treats a cassette it cannot parse as empty and records over
        # it; a user's broken file deserves an error, not silent loss.
        load(path)
    with _vcr(redaction).use_cassette(os.fspath(path), record_mode=record_mode) as cassette:
        yield cassette


# -- writing ----------------------------------------------------------------


def write(exchanges: Iterable[Exchange], path: str | Path, *, redaction: Redaction | None = DEFAULT) -> int:
    """Write exchanges as a vcrpy cassette; returns how many were written.

    An exchange without a response (the connection failed) is left out:
    vcrpy's format has no way to replay a failed connection.
    """
    from vcr.serialize import serialize
    from vcr.serializers import yamlserializer

    answered = [(x.request, x.response) for x in exchanges if x.response is not None]
    requests = [_vcr_request(request) for request, _ in answered]
    responses = [_vcr_response(response) for _, response in answered]
    if redaction is not None:
        scrubber = Scrubber(redaction)  # every request first, so all they give away is hunted in every response
        requests = [scrubber.vcr_request(r) for r in requests]
        responses = [scrubber.vcr_response(r) for r in responses]
    text = serialize({"requests": requests, "responses": responses}, yamlserializer)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return len(answered)


def _vcr_request(request: Request) -> VcrRequest:
    from vcr.request import Request as VcrRequest

    return VcrRequest(request.method, request.url, request.body, dict(request.headers))


def _vcr_response(response: Response) -> VcrDict:
    try:
        message = HTTPStatus(response.status).phrase
    except ValueError:
        message = ""  # e.g. Anthropic's 529: no standard phrase
    return {
        "status": {"code": response.status, "message": message},
        "headers": _grouped(response.headers),
        "body": {"string": response.body},
    }


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Header pairs as vcrpy stores them: each name once, with all its values."""
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


# -- loading ----------------------------------------------------------------


@gc_paused()
def load_path(*paths: str | Path, parallel: bool = False) -> list[Exchange]:
    """Every exchange in the given cassette files and folders (searched recursively).

    `parallel`: a large set of files is shared with forked copies of this process where there
    are CPUs for them (`harness.forked`); the exchanges, and any error, are the same."""
    if parallel:
        return Loading(paths).exchanges()
    return _load_all(yamlfile.files_in(paths, SUFFIXES, "cassette", kind=CassetteError))


class Loading:
    """`load_path(*paths, parallel=True)` begun: forked children read their share of the files
    while this process does other work; `exchanges` reads the rest and gives them all, or raises
    what `load_path` would (finding the files included), and `each` gives them one at a time;
    `stop` when they are not wanted."""

    # This process's part of the reading leaves it about as much to do as each child: besides its
    # own files it loads the contracts and imports the provider modules (about as long as reading
    # FIXED bytes of cassettes), and checks every exchange, the children's as their pieces arrive
    # (CHECK times as long as reading them). Fitted to the best shares measured in runs taking
    # turns, 2 CPUs: 0.1 of a child's batch on the benchmark's 120 files (12 MB; 0.3 took 8 %
    # longer), 0.3 to 0.45 on four times as many (0.1 took 15 % longer).
    CHECK = 0.4
    FIXED = 5_000_000

    @classmethod
    def share(cls, processes: int, weight: int) -> float:
        """This process's batch against each child's, for `weight` bytes of cassettes in all."""
        children = processes - 1
        # A part p of the weight read here, (1 - p) / children in each child:
        # FIXED + p * weight + CHECK * weight = (1 - p) * weight / children.
        part = (1 / children - cls.CHECK - cls.FIXED / max(weight, 1)) / (1 + 1 / children)
        part = max(part, 0.0)  # the checks alone may outweigh a child's reading (with 3 children)
        return part * children / (1 - part)

    def __init__(self, paths: Iterable[str | Path]) -> None:
        self.failure: Exception | None = None
        self.started: forked.Started[Path, list[_Fields]] | None = None
        try:
            files = yamlfile.files_in(paths, SUFFIXES, "cassette", kind=CassetteError)
        except Exception as exc:  # raised by `exchanges`, after whatever the caller does first
            self.failure = exc
            return
        sizes = [_size(file) for file in files]
        # The readers do not need the provider modules (only attributing an exchange does, here):
        # the children start before they are imported, and this process imports them meanwhile.
        self.started = forked.Started(_read, files, sizes, pack=marshal.dumps, unpack=marshal.loads, first=self.share)

    @gc_paused()
    def exchanges(self) -> list[Exchange]:
        return list(self.each())

    def each(self, while_waiting: Callable[[], object] | None = None) -> Iterator[Exchange]:
        """The exchanges in order, those of the first files while the children still read theirs
        (`while_waiting`: see `forked.Started.each`)."""
        if self.failure is not None:
            raise self.failure
        assert self.started is not None
        for batch in self.started.each(while_waiting):
            yield from _made(batch)

    def stop(self) -> None:
        if self.started is not None:
            self.started.stop()


def _load_all(files: list[Path]) -> list[Exchange]:
    return [exchange for file in files for exchange in load(file)]


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0  # `load` says what is wrong with it


# What a reader gives back for `Loading`: each exchange's fields as plain values (tuples, text and
# bytes cross from a forked child several times faster than the records, and the records are then
# made without `__init__`), written by marshal, which writes them three times faster than pickle
# (its table of shared objects costs less than pickle's memo) and reads them a little faster.
# Marshal refuses any subclass of those types: the child then fails, and this process reads its
# files again. The provider is not among them: it is found here, as the records are made.
_Fields = tuple[str, str, Headers, bytes, int, Headers, bytes, str | None]


@gc_paused()  # as `load` is: a forked reader inherits whatever its parent had on
def _read(files: list[Path]) -> list[_Fields]:
    return [fields for file in files for fields in _fields_in(file)]


def _made(fields: list[_Fields]) -> Iterator[Exchange]:
    for method, url, headers, body, status, response_headers, response_body, source in fields:
        request = Request._of(headers, body, method, url)
        response = Response._of(response_headers, response_body, status)
        yield Exchange._of(
            request, response, provider_of(request), None, 0.0, 0.0, None, None, source, None, None, None
        )


@gc_paused()
def load(path: str | Path) -> list[Exchange]:
    """The exchanges of one vcrpy cassette file, in recorded order."""
    return list(_made(_fields_in(path)))


def _fields_in(path: str | Path) -> list[_Fields]:
    """The fields of each exchange of one cassette file, every value checked: the records are
    made from them without `__init__` (`_made`), here or, for a forked reader's, in the parent."""
    source = str(path)
    if Path(path).is_dir():
        raise CassetteError("is a folder; give a cassette file, or use load_path for folders", source)
    if not Path(path).exists():
        raise CassetteError("no such file", source)
    raw = yamlfile.read(path, kind=CassetteError)
    if not raw.strip():
        raise CassetteError("the file is empty; a vcrpy cassette has 'version' and 'interactions'", source, 1)
    # vcrpy's JSON serializer writes JSON, which this YAML reader reads as well.
    doc = yamlfile.loads(raw, source, kind=CassetteError, loader=_CassetteLoader, positions=False, fast=True)
    where = _Locator(doc)
    return [_fields(checked, source, i, where) for i, checked in enumerate(_interactions(doc.data, where))]


class _CassetteLoader(yamlfile.Loader):
    """The YAML reader every file goes through, plus the few harmless Python tags vcrpy
    cassettes hold (as vcrpy's own safe loader reads them); no tag runs code."""


def _python_str(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


def _python_tuple(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return list(loader.construct_sequence(node))  # type: ignore[arg-type]


def _old_file_body(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """A file body vcrpy once pickled as `_io.BytesIO` (its bytes in `state[0]`), or an
    iterator body as `builtins.iter` (its chunks in `args[0]`): the data only."""
    mapping = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    values = mapping.get("state") or mapping.get("args") or [b""]
    return values[0] if isinstance(values, (list, tuple)) and values else b""


for _tag, _constructor in (
    ("python/str", _python_str),
    ("python/unicode", _python_str),
    ("python/tuple", _python_tuple),
    ("python/object/new:_io.BytesIO", _old_file_body),
    ("python/object/apply:builtins.iter", _old_file_body),
):
    _CassetteLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _constructor)


class _Locator:
    """Positions errors at the line of the value they are about."""

    def __init__(self, doc: yamlfile.Document) -> None:
        self.doc = doc

    def error(self, message: str, *path: str | int) -> CassetteError:
        return self.doc.error(message, yamlfile.pointer_of(path), kind=CassetteError)


class _Checked(NamedTuple):  # not a frozen dataclass: one is made for every interaction, and its __init__ cost more
    """One interaction as it passed the checks, with the header pairs the check made
    when they have the usual shape (None: made again from the mapping)."""

    request: VcrDict
    response: VcrDict
    request_headers: tuple[tuple[str, str], ...] | None
    response_headers: tuple[tuple[str, str], ...] | None


def _interactions(data: Any, where: _Locator) -> list[_Checked]:
    if isinstance(data, list) and data and isinstance(data[0], dict) and "request" in data[0]:
        raise where.error("written by vcrpy before 1.0; convert it with `python -m vcr.migration FILE`")
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise where.error("not a vcrpy cassette: expected a mapping with an 'interactions' list", "interactions")
    cap = limits.INTERACTIONS.value()
    if len(data["interactions"]) > cap:
        raise where.error(
            f"the cassette has {len(data['interactions']):,} interactions, {limits.over(limits.INTERACTIONS, cap)}",
            "interactions",
        )
    checked: list[_Checked] = []
    for i, item in enumerate(data["interactions"]):
        if not isinstance(item, dict):
            raise where.error(f"interaction {i + 1} must be a mapping with 'request' and 'response'", "interactions", i)
        for part in ("request", "response"):
            if not isinstance(item.get(part), dict):
                raise where.error(f"interaction {i + 1} has no '{part}' mapping", "interactions", i, part)
        request, request_headers = _checked_request(item["request"], where, i)
        response, response_headers = _checked_response(item["response"], where, i)
        checked.append(_Checked(request, response, request_headers, response_headers))
    return checked


_Pairs = tuple[tuple[str, str], ...] | None


def _checked_request(request: VcrDict, where: _Locator, i: int) -> tuple[VcrDict, _Pairs]:
    for key in ("method", "uri"):
        if not isinstance(request.get(key), str):
            raise where.error(
                f"interaction {i + 1}: the request needs '{key}' (a string)", "interactions", i, "request", key
            )
    uri = request["uri"]
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018  (a bad port raises here)
    except ValueError as exc:
        raise where.error(
            f"interaction {i + 1}: the request 'uri' is not a URL: {exc}", "interactions", i, "request", "uri"
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise where.error(
            f"interaction {i + 1}: the request 'uri' must be an http(s) URL with a host, not {uri[:80]!r}",
            "interactions",
            i,
            "request",
            "uri",
        )
    usual = _check_headers(request.get("headers"), where, i, "request")
    body = request.get("body")
    # vcrpy stores text, bytes, or (for iterator bodies) a list of chunks.
    chunks = body if isinstance(body, list) else [body]
    if not all(chunk is None or isinstance(chunk, (str, bytes)) for chunk in chunks):
        raise where.error(
            f"interaction {i + 1}: the request 'body' must be text, !!binary or null",
            "interactions",
            i,
            "request",
            "body",
        )
    return request, usual


def _checked_response(response: VcrDict, where: _Locator, i: int) -> tuple[VcrDict, _Pairs]:
    if "status_code" in response:  # httpx cassettes from vcrpy before 4.x
        response = {
            "status": {"code": response["status_code"]},
            "headers": response.get("headers") or {},
            "body": {"string": response.get("content")},
        }
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else None
    if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
        raise where.error(
            f"interaction {i + 1}: the response needs 'status: {{code: N}}' with an HTTP status",
            "interactions",
            i,
            "response",
            "status",
        )
    usual = _check_headers(response.get("headers"), where, i, "response")
    body = response.get("body")
    if body is not None and not (isinstance(body, dict) and isinstance(body.get("string"), (str, bytes, type(None)))):
        raise where.error(
            f"interaction {i + 1}: the response 'body' must be a mapping whose 'string' is text, !!binary or null",
            "interactions",
            i,
            "response",
            "body",
        )
    return response, usual


def _check_headers(headers: Any, where: _Locator, i: int, part: str) -> _Pairs:
    """Refuse headers that are not a mapping of name to text values; the pairs when they
    have the usual shape, made once here for the exchange too."""
    if headers is None:
        return None
    usual = _usual_pairs(headers)
    if usual is not None:
        return usual
    if not isinstance(headers, dict):
        raise where.error(
            f"interaction {i + 1}: the {part} 'headers' must be a mapping of name to values",
            "interactions",
            i,
            part,
            "headers",
        )
    for name, values in headers.items():
        for value in values if isinstance(values, list) else [values]:
            if not isinstance(value, (str, int, float)):
                raise where.error(
                    f"interaction {i + 1}: {part} header {name!r} must be text",
                    "interactions",
                    i,
                    part,
                    "headers",
                    name,
                )
    return None


def _fields(checked: _Checked, source: str, i: int, where: _Locator) -> _Fields:
    request = checked.request
    headers = checked.request_headers
    response_headers, response_body = _response(checked.response, checked.response_headers, i, where)
    return (
        request["method"].upper(),
        request["uri"],
        headers if headers is not None else _header_pairs(request.get("headers")),
        _body_value(request.get("body")),
        checked.response["status"]["code"],
        response_headers,
        response_body,
        source,
    )


def _response(response: VcrDict, usual: _Pairs, i: int, where: _Locator) -> tuple[Headers, bytes]:
    """The response's header pairs and body, a compressed body inflated."""
    body = _as_bytes((response.get("body") or {}).get("string"))
    # The names joined and lower-cased in two C calls: only when one holds the words is each asked.
    if usual is not None and (
        "content-encoding" not in "\n".join(response["headers"]).lower()
        or not any(name.lower() == "content-encoding" for name, _ in usual)
    ):
        return usual, body
    headers = _as_lists(response.get("headers"))
    # As vcrpy's own decoder does: the first content-encoding is undone and dropped and
    # content-length fixed; but with a cap on what a small body may inflate to, and a
    # body that is not what its header says is an error, not passed on as it is.
    encoding_name = next((name for name in headers if name.lower() == "content-encoding"), None)
    codings = headers.get(encoding_name, []) if encoding_name else []
    if codings and codings[0].strip().lower() in _DECOMPRESSORS:
        try:
            body = _inflate(body, codings[0].strip().lower())
        except ValueError as exc:
            raise where.error(f"interaction {i + 1}: {exc}", "interactions", i, "response", "body") from None
        assert encoding_name is not None
        if codings[1:]:
            headers[encoding_name] = codings[1:]
        else:
            del headers[encoding_name]
        length = next((name for name in headers if name.lower() == "content-length"), "content-length")
        headers[length] = [str(len(body))]
    return _header_pairs(headers), body


_DECOMPRESSORS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


def _inflate(body: bytes, coding: str) -> bytes:
    """`body` decompressed a piece at a time, stopping at the body cap (a gzip bomb of
    600 MiB in a 1 MB cassette costs no more than the cap)."""
    cap = limits.BODY_BYTES.value()
    wbits = _DECOMPRESSORS[coding]
    attempts = (
        [wbits, -zlib.MAX_WBITS] if coding == "deflate" else [wbits]
    )  # deflate: zlib, or raw as some servers send
    for attempt in attempts:
        inflater = zlib.decompressobj(attempt)
        out = bytearray()
        pending = body
        try:
            while pending:
                out += inflater.decompress(pending, 1 << 20)
                if len(out) > cap:
                    raise ValueError(f"the {coding} body inflates {limits.over(limits.BODY_BYTES, cap)}")
                pending = inflater.unconsumed_tail
                if inflater.eof:
                    break
        except zlib.error:
            continue
        if inflater.eof:
            return bytes(out)
    raise ValueError(f"the response says content-encoding: {coding}, but its body is not {coding} data")


def _usual_pairs(headers: Any) -> tuple[tuple[str, str], ...] | None:
    """A cassette's headers as (name, value) pairs when each has the usual shape, a text
    name and a list of one text value; None otherwise. Checked a column at a time, in C:
    a large recording has hundreds of thousands of them."""
    if type(headers) is not dict or not headers:
        return None
    values = list(headers.values())
    if set(map(type, values)) != _LISTS:
        return None
    try:
        firsts = [value for [value] in values]  # each list holds exactly one value, or ValueError
    except ValueError:
        return None
    if set(map(type, firsts)) != _TEXTS or set(map(type, headers)) != _TEXTS:
        return None
    return tuple(zip(headers, firsts))  # noqa: B905  (a first value for each name; `strict=` costs a tenth)


_LISTS, _TEXTS = {list}, {str}


def _header_pairs(headers: VcrDict | None) -> tuple[tuple[str, str], ...]:
    """`headers_from` for a cassette's headers, with a short way for the usual shape."""
    if not headers:
        return ()
    usual = _usual_pairs(headers)
    if usual is not None:
        return usual
    out: list[tuple[str, str]] = []
    for name, values in headers.items():
        if type(values) is list and len(values) == 1 and type(values[0]) is str and type(name) is str:
            out.append((name, values[0]))
        else:
            out.extend(headers_from([(name, values)]))
    return tuple(out)


def _as_lists(headers: VcrDict | None) -> dict[str, list[str]]:
    return {
        str(name): [str(v) for v in (values if isinstance(values, list) else [values])]
        for name, values in (headers or {}).items()
    }


def _as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body)


def _body_of(request: VcrRequest) -> bytes:
    """A vcrpy request's body as bytes: vcrpy hands file bodies back as a
    fresh BytesIO and iterator bodies as an iterator over their chunks."""
    return _body_value(request.body)


def _body_value(body: Any) -> bytes:
    """A body as bytes: text, bytes, a file, or chunks (a list as a cassette stores an
    iterator body, or the iterator itself)."""
    if hasattr(body, "read"):
        return _as_bytes(body.read())
    if body is None or isinstance(body, (str, bytes, bytearray)):
        return _as_bytes(body)
    return b"".join(_as_bytes(chunk) for chunk in body)


__all__ = [
    "DEFAULT",
    "Redaction",
    "Scrubber",
    "load",
    "load_path",
    "normalised_body",
    "provider",
    "recording",
    "redact_exchange",
    "write",
]
