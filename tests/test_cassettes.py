"""Cassettes: vcrpy's files load as Exchanges, Exchanges write as vcrpy's
files, recording redacts secrets, and replay matches on a normalised body."""

from __future__ import annotations

import io
import json
import secrets
import urllib.request
import zlib

import httpx
import httpx2
import openai
import pytest
import vcr
from echo_server import BINARY
from hypothesis import given
from hypothesis import strategies as st
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request as VcrRequest

from harness.cassettes import Redaction, load, load_path, normalised_body, recording, write
from harness.errors import CassetteError
from harness.exchange import Exchange, Request, Response

# -- loading what vcrpy itself wrote ------------------------------------------


def test_loads_a_cassette_vcrpy_wrote_for_httpx(tmp_path, echo_server):
    path = tmp_path / "plain.yaml"
    with vcr.use_cassette(str(path)):
        httpx.get(f"{echo_server.url}/things?limit=2", headers={"x-trace": "abc"})
        httpx.post(f"{echo_server.url}/things", json={"name": "fox"})

    first, second = load(path)

    assert first.request.method == "GET"
    assert first.request.url == f"{echo_server.url}/things?limit=2"
    assert first.request.header("x-trace") == "abc"
    assert isinstance(first.request.headers, tuple) and all(len(pair) == 2 for pair in first.request.headers)
    assert first.status == 200 and first.response.json["query"] == {"limit": "2"}
    assert first.source == str(path)
    assert first.provider is None  # 127.0.0.1 is no provider's host
    assert second.request.json == {"name": "fox"}
    assert second.response.json["method"] == "POST"


def test_loads_a_cassette_vcrpy_wrote_for_urllib(tmp_path, echo_server):
    path = tmp_path / "urllib.yaml"
    with vcr.use_cassette(str(path)):
        urllib.request.urlopen(f"{echo_server.url}/plain").read()

    (exchange,) = load(path)

    assert exchange.request.method == "GET" and exchange.response.json["path"] == "/plain"


def test_set_cookie_headers_keep_every_value_as_pairs(tmp_path, echo_server):
    path = tmp_path / "cookies.yaml"
    with vcr.use_cassette(str(path)):
        httpx.get(f"{echo_server.url}/any")

    (exchange,) = load(path)

    cookies = [value for name, value in exchange.response.headers if name.lower() == "set-cookie"]
    assert cookies == ["session=; Path=/", "theme=dark"]


def test_gzip_body_recorded_by_httpx_is_decoded(tmp_path, echo_server):
    path = tmp_path / "gzip.yaml"
    with vcr.use_cassette(str(path)):
        httpx.get(f"{echo_server.url}/gzip")
    assert "!!binary" in path.read_text()  # vcrpy keeps the compressed bytes

    (exchange,) = load(path)

    assert exchange.response.json["path"] == "/gzip"
    assert exchange.response.header("content-encoding") is None
    assert exchange.response.header("content-length") == str(len(exchange.response.body))


def test_deflate_body_is_decoded(tmp_path):
    body = json.dumps({"ok": True}).encode()
    compressed = Exchange(
        Request(url="https://api.openai.com/v1/models"),
        Response(
            headers=(("content-encoding", "deflate"), ("content-type", "application/json")), body=zlib.compress(body)
        ),
    )
    write([compressed], tmp_path / "deflate.yaml")

    (exchange,) = load(tmp_path / "deflate.yaml")

    assert exchange.response.body == body


def test_sse_body_comes_out_as_events(tmp_path, echo_server):
    path = tmp_path / "stream.yaml"
    with vcr.use_cassette(str(path)):
        httpx2.post(f"{echo_server.url}/stream", json={"stream": True})

    (exchange,) = load(path)

    assert exchange.response.is_stream
    assert [event.type for event in exchange.response.events] == [
        "message_start",
        "content_block_delta",
        "message_stop",
    ]
    assert exchange.response.events[1].json["delta"] == {"text": "hi"}


def test_binary_body_loads_byte_for_byte(tmp_path, echo_server):
    path = tmp_path / "binary.yaml"
    with vcr.use_cassette(str(path)):
        httpx.get(f"{echo_server.url}/binary")

    (exchange,) = load(path)

    assert exchange.response.body == BINARY


HAND_WRITTEN = """\
interactions:
- request:
    body: '{"model": "gpt-4o-mini"}'
    headers:
      Content-Type: application/json
    method: post
    uri: https://api.openai.com/v1/chat/completions
  response:
    body:
      string: '{"id": "chatcmpl-1"}'
    headers:
      Content-Type:
      - application/json
    status:
      code: 200
      message: OK
- request:
    body: null
    headers: {}
    method: GET
    uri: https://api.anthropic.com/v1/models
  response:
    body: {string: ''}
    headers: {}
    status: {code: 529, message: ''}
- request:
    body: !!python/unicode '{}'
    headers: {}
    method: POST
    uri: https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent
  response:
    content: '{"candidates": []}'
    headers: {content-type: [application/json]}
    http_version: HTTP/1.1
    status_code: 200
version: 1
"""


def test_provider_method_and_old_formats_are_read(tmp_path):
    path = tmp_path / "hand.yaml"
    path.write_text(HAND_WRITTEN)

    openai_, anthropic_, gemini = load(path)

    assert [x.provider for x in (openai_, anthropic_, gemini)] == ["openai", "anthropic", "gemini"]
    assert openai_.request.method == "POST"  # vcrpy stores what the client sent
    assert openai_.request.header("content-type") == "application/json"
    assert anthropic_.status == 529 and anthropic_.request.body == b""
    assert gemini.response.json == {"candidates": []}  # httpx cassettes from vcrpy < 4


def test_load_path_finds_yaml_and_yml_recursively(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.yaml").write_text(HAND_WRITTEN)
    (tmp_path / "a" / "b" / "two.yml").write_text(HAND_WRITTEN)
    (tmp_path / "a" / "notes.txt").write_text("not a cassette")

    exchanges = load_path(tmp_path / "a")

    assert len(exchanges) == 6
    assert {x.source for x in exchanges} == {str(tmp_path / "a" / "one.yaml"), str(tmp_path / "a" / "b" / "two.yml")}


# -- broken input -------------------------------------------------------------

BROKEN = {
    "bad yaml": ("interactions:\n- request: {method: GET\n", 3),
    "not a mapping": ("- just\n- a list\n", 1),
    "no interactions": ("version: 1\nrecorded_with: me\n", 1),
    "interactions not a list": ("version: 1\ninteractions: 5\n", 2),
    "interaction without response": (
        "interactions:\n- request: {method: GET, uri: 'http://x/', body: null, headers: {}}\n"
        "- request: {method: GET, uri: 'http://x/', body: null, headers: {}}\n"
        "  response: {status: {code: 200}, headers: {}, body: {string: ''}}\n",
        2,
    ),
    "request without uri": (
        "interactions:\n- request:\n    method: GET\n    body: null\n"
        "  response: {status: {code: 200}, headers: {}, body: {string: ''}}\n",
        3,
    ),
    "status not a number": (
        "interactions:\n- request: {method: GET, uri: 'http://x/'}\n  response:\n    status: {code: teapot}\n",
        4,
    ),
    "header value a mapping": (
        "interactions:\n- request: {method: GET, uri: 'http://x/'}\n"
        "  response:\n    status: {code: 200}\n    headers:\n      x-a: [{b: c}]\n",
        6,
    ),
    "response body a number": (
        "interactions:\n- request: {method: GET, uri: 'http://x/'}\n"
        "  response:\n    status: {code: 200}\n    body: {string: 5}\n",
        5,
    ),
    "request body a mapping": (
        "interactions:\n- request:\n    method: GET\n    uri: 'http://x/'\n    body: {a: 1}\n"
        "  response: {status: {code: 200}}\n",
        5,
    ),
    "unknown python tag": ("interactions: !!python/object:os.system {}\n", 1),
    "empty file": ("   \n", 1),
    "before vcrpy 1.0": ("- request: {method: GET}\n  response: {}\n", 1),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_cassette_is_one_error_with_file_and_line(tmp_path, name):
    text, line = BROKEN[name]
    path = tmp_path / "broken.yaml"
    path.write_text(text)

    with pytest.raises(CassetteError) as caught:
        load(path)

    assert caught.value.source == str(path)
    assert caught.value.line == line, str(caught.value)


def test_missing_file_and_empty_folder_are_cassette_errors(tmp_path):
    with pytest.raises(CassetteError, match="no such file"):
        load(tmp_path / "nope.yaml")
    with pytest.raises(CassetteError, match="no cassette files"):
        load_path(tmp_path)
    with pytest.raises(CassetteError, match="no such file or folder"):
        load_path(tmp_path / "nope")


def test_non_utf8_file_names_its_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"interactions: []\n# caf\xe9\n")

    with pytest.raises(CassetteError) as caught:
        load(path)

    assert caught.value.line == 2


# -- writing ------------------------------------------------------------------


def _exchanges() -> list[Exchange]:
    sse_body = (
        b'event: message_start\ndata: {"type":"message_start"}\n\n'
        b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    )
    return [
        Exchange(
            Request(
                method="POST",
                url="https://api.openai.com/v1/chat/completions",
                headers=(("content-type", "application/json"),),
                body=b'{"model":"gpt-4o-mini"}',
            ),
            Response(
                status=200,
                headers=(("content-type", "application/json"), ("x-request-id", "req_1")),
                body=b'{"id":"chatcmpl-1","choices":[]}',
            ),
            provider="openai",
        ),
        Exchange(
            Request(method="POST", url="https://api.anthropic.com/v1/messages", body=b'{"stream":true}'),
            Response(status=200, headers=(("content-type", "text/event-stream"),), body=sse_body),
            provider="anthropic",
        ),
        Exchange(
            Request(method="GET", url="https://api.openai.com/v1/videos/video_1/content?variant=video"),
            Response(status=200, headers=(("content-type", "video/mp4"),), body=BINARY),
            provider="openai",
        ),
        Exchange(
            Request(method="GET", url="https://api.anthropic.com/v1/models"),
            Response(status=529, headers=(("set-cookie", "a=1"), ("set-cookie", "b=2")), body=b'{"type":"error"}'),
            provider="anthropic",
        ),
    ]


def test_write_then_load_gives_the_same_exchanges(tmp_path):
    path = tmp_path / "journal.yaml"

    assert write(_exchanges(), path, redaction=None) == 4
    loaded = load(path)

    for original, again in zip(_exchanges(), loaded, strict=True):
        assert again.request.method == original.request.method
        assert again.request.url == original.request.url
        assert again.request.body == original.request.body
        assert set(again.request.headers) == set(original.request.headers)
        assert again.response == original.response
        assert again.provider == original.provider and again.source == str(path)
    assert [e.type for e in loaded[1].response.events] == ["message_start", "message_stop"]


def test_written_cassette_replays_in_plain_vcrpy(tmp_path):
    path = tmp_path / "journal.yaml"
    write(_exchanges(), path)

    with vcr.use_cassette(str(path), record_mode="none"):
        content = httpx.get("https://api.openai.com/v1/videos/video_1/content?variant=video").content
        stream = httpx.post("https://api.anthropic.com/v1/messages", content=b'{"stream":true}').text

    assert content == BINARY
    assert stream.startswith("event: message_start")


def test_exchange_without_a_response_is_left_out(tmp_path):
    failed = Exchange(Request(url="https://api.openai.com/v1/models"), None, error="ConnectError")

    assert write([failed, *_exchanges()[:1]], tmp_path / "c.yaml") == 1
    assert len(load(tmp_path / "c.yaml")) == 1


def test_write_redacts_by_default(tmp_path, monkeypatch):
    canary = f"sk-canary-{secrets.token_hex(8)}"
    monkeypatch.setenv("OPENAI_API_KEY", canary)
    leaky = Exchange(
        Request(
            method="POST",
            url=f"https://api.openai.com/v1/x?key={canary}&limit=1",
            headers=(("Authorization", f"Bearer {canary}"), ("OpenAI-Project", "proj_1")),
            body=json.dumps({"echo": canary}).encode(),
        ),
        Response(headers=(("set-cookie", "s=1"), ("x-echo", canary)), body=canary.encode()),
    )

    write([leaky], tmp_path / "c.yaml")

    assert canary.encode() not in (tmp_path / "c.yaml").read_bytes()
    (exchange,) = load(tmp_path / "c.yaml")
    assert exchange.request.header("authorization") == "REDACTED"  # header kept, value gone
    assert exchange.request.header("openai-project") == "REDACTED"
    assert exchange.request.query == {"key": "REDACTED", "limit": "1"}
    assert exchange.response.header("set-cookie") == "REDACTED"


# -- recording: redaction -----------------------------------------------------


def test_recording_redacts_headers_query_and_env_values(tmp_path, echo_server, monkeypatch):
    canary = f"AIza-canary-{secrets.token_hex(8)}"
    monkeypatch.setenv("GEMINI_API_KEY", canary)
    path = tmp_path / "redacted.yaml"
    secret_headers = {
        "x-goog-api-key": canary,
        "api-key": "azure-key-123",
        "x-api-key": "ant-key-123",
        "openai-organization": "org-abc-123",
        "openai-project": "proj-abc-123",
        "cookie": "sid=session-123; theme=dark",
        "authorization": "Bearer token-123",
        "x-custom": f"prefix {canary} suffix",
    }

    # The server echoes the URL and every header in its body: what is
    # redacted from the request must not come back through the response.
    with recording(path):
        httpx.post(
            f"{echo_server.url}/echo?key=query-key-123&api_key=other-key-123&limit=2",
            headers=secret_headers,
            json={"note": canary},
        )

    text = path.read_bytes()
    for value in (
        "query-key-123",
        "other-key-123",
        "azure-key-123",
        "ant-key-123",
        "org-abc-123",
        "proj-abc-123",
        "session-123",
        "token-123",
        canary,
    ):
        assert value.encode() not in text, value
    (exchange,) = load(path)
    for name in (
        "x-goog-api-key",
        "api-key",
        "x-api-key",
        "openai-organization",
        "openai-project",
        "cookie",
        "authorization",
    ):
        assert exchange.request.header(name) == "REDACTED", name
    assert exchange.request.header("x-custom") == "prefix REDACTED suffix"
    assert exchange.request.query == {"key": "REDACTED", "api_key": "REDACTED", "limit": "2"}
    assert exchange.response.header("set-cookie") == "REDACTED"


def test_gzip_response_is_scanned_for_secrets_after_decoding(tmp_path, echo_server, monkeypatch):
    canary = f"sk-ant-canary-{secrets.token_hex(8)}"
    monkeypatch.setenv("ANTHROPIC_API_KEY", canary)
    path = tmp_path / "gzip.yaml"

    with recording(path):  # the server echoes the header inside a gzip body
        httpx.get(f"{echo_server.url}/gzip", headers={"x-echo-me": canary})

    assert canary.encode() not in path.read_bytes()
    assert load(path)[0].response.json["headers"]["x-echo-me"] == "REDACTED"


def test_redaction_lists_can_be_overridden(tmp_path, echo_server):
    path = tmp_path / "custom.yaml"
    only_custom = Redaction(
        request_headers=("x-internal",), response_headers=(), query=("token",), values=("literal-secret-1",)
    )

    with recording(path, redaction=only_custom):
        httpx.get(f"{echo_server.url}/x?token=t-1&key=k-1", headers={"x-internal": "i-1", "x-note": "literal-secret-1"})

    (exchange,) = load(path)
    assert exchange.request.header("x-internal") == "REDACTED"
    assert exchange.request.header("x-note") == "REDACTED"
    assert exchange.request.query == {"token": "REDACTED", "key": "k-1"}
    assert exchange.response.header("set-cookie") != "REDACTED"


def test_short_env_values_are_not_treated_as_secrets(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    assert "test" not in Redaction().secrets()


# -- recording: httpx, httpx2 and the SDKs ------------------------------------


def test_recording_sees_httpx_and_httpx2(tmp_path, echo_server):
    path = tmp_path / "both.yaml"

    with recording(path):
        httpx.get(f"{echo_server.url}/one")
        httpx2.get(f"{echo_server.url}/two")

    assert [x.request.path for x in load(path)] == ["/one", "/two"]


def test_openai_sdk_on_httpx2_is_recorded_and_replayed(tmp_path, echo_server, monkeypatch):
    canary = f"sk-canary-{secrets.token_hex(8)}"
    monkeypatch.setenv("OPENAI_API_KEY", canary)
    path = tmp_path / "sdk.yaml"

    def ask() -> str:
        client = openai.OpenAI(base_url=f"{echo_server.url}/v1", max_retries=0)
        reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
        return reply.choices[0].message.content

    with recording(path):
        recorded = ask()
    with recording(path, record_mode="none"):
        replayed = ask()

    assert recorded == f"you sent Bearer {canary}"  # the app saw the real answer
    assert replayed == "you sent REDACTED"  # the cassette never held the key
    assert len(echo_server.hits) == 1  # the replay did not reach the server
    assert canary.encode() not in path.read_bytes()
    (exchange,) = load(path)
    assert exchange.request.header("authorization") == "REDACTED"
    assert exchange.request.json["messages"] == [{"role": "user", "content": "hi"}]


def test_broken_existing_cassette_is_not_recorded_over(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("interactions: [\n")

    with pytest.raises(CassetteError), recording(path):
        pass
    assert path.read_text() == "interactions: [\n"


def test_unknown_record_mode_is_a_cassette_error(tmp_path):
    with pytest.raises(CassetteError, match="record mode"), recording(tmp_path / "x.yaml", record_mode="sometimes"):
        pass


# -- matching on a normalised body --------------------------------------------


def _post(body: bytes, content_type: str = "application/json") -> VcrRequest:
    return VcrRequest("POST", "https://api.openai.com/v1/x", body, {"Content-Type": content_type})


def _matches(a: VcrRequest, b: VcrRequest) -> bool:
    try:
        normalised_body(a, b)
    except AssertionError:
        return False
    return True


def test_json_bodies_match_in_any_key_order():
    assert _matches(_post(b'{"a": 1, "b": {"c": 2, "d": 3}}'), _post(b'{"b":{"d":3,"c":2},"a":1}'))


def test_different_json_does_not_match():
    assert not _matches(_post(b'{"a": 1}'), _post(b'{"a": 2}'))
    assert not _matches(_post(b'{"a": 1}'), _post(b'{"a": true}'))  # 1 == True in Python, not in JSON


def test_multipart_bodies_match_whatever_their_boundary():
    def form(boundary: str, prompt: str) -> VcrRequest:
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n{prompt}\r\n--{boundary}--\r\n'
        ).encode()
        return _post(body, f"multipart/form-data; boundary={boundary}")

    assert _matches(form("aaa111", "a fox"), form("bbb222", "a fox"))
    assert not _matches(form("aaa111", "a fox"), form("bbb222", "a cat"))


def test_other_bodies_match_byte_for_byte():
    assert _matches(_post(b"a=1", "text/plain"), _post(b"a=1", "text/plain"))
    assert not _matches(_post(b"a=1", "text/plain"), _post(b"a=2", "text/plain"))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=5), JSON, max_size=6), st.randoms())
def test_any_json_object_matches_itself_reordered(document, rng):
    keys = list(document)
    rng.shuffle(keys)
    reordered = {key: document[key] for key in keys}
    assert _matches(_post(json.dumps(document).encode()), _post(json.dumps(reordered, indent=1).encode()))


def test_replay_matches_json_in_another_key_order_but_not_other_json(tmp_path, echo_server):
    path = tmp_path / "match.yaml"
    with recording(path):
        httpx.post(
            f"{echo_server.url}/v1/x", content=b'{"model": "m", "n": 1}', headers={"content-type": "application/json"}
        )

    with recording(path, record_mode="none"):
        again = httpx.post(
            f"{echo_server.url}/v1/x", content=b'{"n":1,"model":"m"}', headers={"content-type": "application/json"}
        )
        with pytest.raises(CannotOverwriteExistingCassetteException):
            httpx.post(f"{echo_server.url}/v1/x", json={"model": "m", "n": 2})

    assert again.json()["method"] == "POST"
    assert len(echo_server.hits) == 1


# -- matching by provider, not by host and port --------------------------------


def _ask_openai(base_url: str | None) -> str:
    client = openai.OpenAI(api_key="sk-replay-0123456789", base_url=base_url, max_retries=0)
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    return reply.id


def test_a_cassette_recorded_against_a_double_replays_on_any_port_and_the_real_host(tmp_path):
    from harness.double import Double

    path = tmp_path / "chat.yaml"
    with Double("openai", seed=1) as first, first.serve() as url, recording(path):
        recorded = _ask_openai(f"{url}/v1")

    with Double("openai", seed=2) as second, second.serve() as other_url:
        assert other_url != url  # another port, as under pytest-xdist
        with recording(path, record_mode="none"):
            assert _ask_openai(f"{other_url}/v1") == recorded
        with recording(path, record_mode="none"):
            assert _ask_openai(None) == recorded  # https://api.openai.com, never reached
    assert len(first.journal) == 1 and len(second.journal) == 0


def test_a_recorded_provider_never_answers_another_providers_request(tmp_path):
    from harness.double import Double

    path = tmp_path / "chat.yaml"
    with Double("openai") as double, double.serve() as url, recording(path):
        _ask_openai(f"{url}/v1")

    as_anthropic = {"anthropic-version": "2023-06-01", "content-type": "application/json"}
    with recording(path, record_mode="none"), pytest.raises(CannotOverwriteExistingCassetteException):
        # the same method, path and body, but the request of Anthropic's SDK
        httpx.post(f"{url}/v1/chat/completions", headers=as_anthropic, content=load(path)[0].request.body)


def test_requests_of_no_provider_still_match_on_their_host_and_port(tmp_path, echo_server):
    path = tmp_path / "plain.yaml"
    with recording(path):
        httpx.get(f"{echo_server.url}/things")

    with recording(path, record_mode="none"):
        httpx.get(f"{echo_server.url}/things")  # replayed
        with pytest.raises(CannotOverwriteExistingCassetteException):
            httpx.get("http://127.0.0.1:1/things")
    assert len(echo_server.hits) == 1


def test_iterator_and_file_bodies_are_recorded_as_bytes(tmp_path, echo_server):
    requests = pytest.importorskip("requests")  # comes with google-genai
    path = tmp_path / "requests.yaml"

    with recording(path):
        requests.post(f"{echo_server.url}/upload", data=io.BytesIO(b"file body"), timeout=10)
        requests.post(f"{echo_server.url}/upload", data=iter([b"chunk one ", b"chunk two"]), timeout=10)

    file_upload, chunked = load(path)
    assert file_upload.request.body == b"file body"
    assert chunked.request.body == b"chunk one chunk two"
    assert chunked.response.json["body"] == "chunk one chunk two"  # the server got it all


def test_traffic_recorded_against_a_local_server_is_attributed_by_its_sdks_signature():
    from harness.exchange import Request
    from harness.providers import provider_of

    local = "http://127.0.0.1:8123"
    assert (
        provider_of(Request(method="POST", url=f"{local}/v1/messages", headers=(("anthropic-version", "2023-06-01"),)))
        == "anthropic"
    )
    assert provider_of(Request(method="POST", url=f"{local}/v1beta/models/m:generateContent")) == "gemini"
    assert (
        provider_of(Request(method="GET", url=f"{local}/v1/models", headers=(("User-Agent", "OpenAI/Python 3.52.0"),)))
        == "openai"
    )
    assert provider_of(Request(method="GET", url=f"{local}/v1/models")) is None
    assert provider_of(Request(method="GET", url="https://api.anthropic.com/v1/models")) == "anthropic"


_HEADER_VALUES = st.one_of(
    st.text(max_size=6),
    st.integers(0, 10),
    st.floats(allow_nan=False),
    st.none(),
    st.lists(st.one_of(st.text(max_size=6), st.integers(0, 10), st.none()), max_size=3),
    st.tuples(st.text(max_size=3)),
)


@given(st.dictionaries(st.one_of(st.text(max_size=6), st.integers(0, 3)), _HEADER_VALUES, max_size=5))
def test_the_usual_header_shape_is_read_as_the_general_reader_reads_it(headers):
    """The short way for `name: [value]` headers gives the pairs `headers_from` gives,
    and takes nothing else: other shapes go the general way."""
    from harness.cassettes import _usual_pairs
    from harness.exchange import headers_from

    usual = _usual_pairs(headers)
    shaped = bool(headers) and all(
        type(name) is str and type(value) is list and len(value) == 1 and type(value[0]) is str
        for name, value in headers.items()
    )
    assert (usual is not None) == shaped
    if usual is not None:
        assert usual == headers_from(headers)


def test_a_forked_reader_reads_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The readers `Loading` forks run `_read`; a child inherits its parent's collector setting,
    # so `_read` pauses it itself, as `load` does, whoever started the reading.
    import gc
    from pathlib import Path

    from harness import cassettes

    seen: list[bool] = []
    fields_in = cassettes._fields_in
    monkeypatch.setattr(cassettes, "_fields_in", lambda path: (seen.append(gc.isenabled()), fields_in(path))[1])
    files = sorted((Path(__file__).parent.parent / "fixtures" / "cassettes" / "clean").glob("*.yaml"))[:2]
    was_on = gc.isenabled()
    gc.enable()
    try:
        assert cassettes._read(files)
        assert gc.isenabled()
    finally:
        if not was_on:
            gc.disable()
    assert seen == [False, False]
