"""Specs given as URLs (fetched from a server on 127.0.0.1, cached, revalidated, with a timeout)
and `harness diff --pin PIN URL` with and without `--update`."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from harness.cli import main
from harness.diff import diff_specs
from harness.diff.source import Sources, fetch_spec, open_spec, shown
from harness.diff.spec import SpecError

FIXTURES = Path(__file__).parent.parent / "fixtures" / "specs"
CONTRACTS = FIXTURES / "contracts"
V1 = (FIXTURES / "acme-v1.yaml").read_bytes()


@dataclass
class Site:
    """Files served at paths, with ETags; every request is logged."""

    url: str
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # path -> (body, content type)
    hits: list[tuple[str, str | None]] = field(default_factory=list)  # (path, If-None-Match sent)
    stall: threading.Event = field(default_factory=threading.Event)  # /slow waits on it
    dated: set[str] = field(default_factory=set)  # paths answered with Last-Modified instead of an ETag
    since: list[str | None] = field(default_factory=list)  # If-Modified-Since of every request

    def put(self, path: str, body: bytes, content_type: str = "application/yaml") -> str:
        self.files[path] = (body, content_type)
        return self.url + path


@pytest.fixture
def site() -> Iterator[Site]:
    served: Site

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            served.hits.append((path, self.headers.get("If-None-Match")))
            if path == "/slow":
                served.stall.wait(10)
            if path not in served.files:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body, content_type = served.files[path]
            served.since.append(self.headers.get("If-Modified-Since"))
            name, tag = "ETag", '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if path in served.dated:
                name, tag = "Last-Modified", f"Tue, 01 Dec 2026 0{len(body) % 10}:00:00 GMT"
            if self.headers.get("If-None-Match" if name == "ETag" else "If-Modified-Since") == tag:
                self.send_response(304)
                self.send_header(name, tag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header(name, tag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served = Site(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        served.stall.set()
        server.shutdown()
        server.server_close()


def diff_cli(capsys, *args: object) -> tuple[int, str, str]:
    code = main(["diff", *map(str, args), "--contracts", str(CONTRACTS)])
    out = capsys.readouterr()
    return code, out.out, out.err


# -- URLs -----------------------------------------------------------------------------------


def test_a_url_is_diffed_like_a_file(site, tmp_path, capsys):
    url = site.put("/acme/openapi.yaml", V1)
    code, out, err = diff_cli(
        capsys, url, FIXTURES / "acme-v2.yaml", "--cache-dir", tmp_path / "cache", "--format", "json"
    )
    _, from_files, _ = diff_cli(capsys, FIXTURES / "acme-v1.yaml", FIXTURES / "acme-v2.yaml", "--format", "json")
    assert (code, err) == (1, "")
    assert json.loads(out) == json.loads(from_files)
    assert site.hits == [("/acme/openapi.yaml", None)]


def test_the_cache_is_revalidated_with_the_etag_and_not_parsed_again(site, tmp_path):
    url = site.put("/openapi.yaml", V1)
    sources = Sources(cache=tmp_path / "cache")
    first = fetch_spec(url, sources)
    (parsed,) = (tmp_path / "cache").glob("*.parsed")
    again = fetch_spec(url, sources)
    assert site.hits[1][1] is not None  # If-None-Match sent, and the server answered 304
    assert again.root.data == first.root.data and again.source == url
    assert diff_specs(first, again) == []
    # The parsed copy is what a 304 reads: spoil it and the text is parsed again, with the same result.
    parsed.write_bytes(b"not marshal data")
    assert fetch_spec(url, sources).root.data == first.root.data


def test_last_modified_is_honoured_when_there_is_no_etag(site, tmp_path):
    url = site.put("/dated.yaml", V1)
    site.dated.add("/dated.yaml")
    sources = Sources(cache=tmp_path)
    first = fetch_spec(url, sources)
    again = fetch_spec(url, sources)
    assert site.since[0] is None and site.since[1] == f"Tue, 01 Dec 2026 0{len(V1) % 10}:00:00 GMT"
    assert again.root.data == first.root.data
    assert (tmp_path / next(p.name for p in tmp_path.glob("*.parsed"))).is_file()


def test_a_changed_spec_is_fetched_again(site, tmp_path):
    url = site.put("/openapi.yaml", V1)
    sources = Sources(cache=tmp_path / "cache")
    fetch_spec(url, sources)
    site.put("/openapi.yaml", V1.replace(b"title:", b"title: x\n  x-changed: true\n  summary:", 1))
    spec = fetch_spec(url, sources)
    assert spec.root.data["info"]["x-changed"] is True
    assert [hit[1] is not None for hit in site.hits] == [False, True]


def test_a_json_spec_served_as_json_is_read(site, tmp_path):
    import yaml

    url = site.put("/spec", json.dumps(yaml.safe_load(V1)).encode(), "application/json")
    spec = fetch_spec(url, Sources(cache=tmp_path))
    assert spec.version.startswith("3.") and any(True for _ in spec.operations())


def test_an_unreachable_url_exits_2_naming_it(tmp_path, capsys):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/openapi.yaml"
    code, _, err = diff_cli(capsys, url, FIXTURES / "acme-v2.yaml", "--cache-dir", tmp_path)
    assert code == 2 and err.startswith(f"error: {url}: cannot fetch: ConnectError")


def test_a_stale_cached_copy_is_never_used_when_the_server_is_gone(site, tmp_path, capsys):
    url = site.put("/openapi.yaml", V1)
    fetch_spec(url, Sources(cache=tmp_path))
    del site.files["/openapi.yaml"]
    code, _, err = diff_cli(capsys, url, FIXTURES / "acme-v2.yaml", "--cache-dir", tmp_path)
    assert code == 2 and f"{url}: GET answered 404 Not Found, not a spec" in err


def test_a_slow_server_times_out_with_exit_2(site, tmp_path, capsys):
    url = site.put("/slow", V1)
    code, _, err = diff_cli(capsys, url, FIXTURES / "acme-v2.yaml", "--cache-dir", tmp_path, "--timeout", "0.3")
    assert code == 2 and f"{url}: no answer within 0.3 s" in err


def test_a_page_that_is_not_a_spec_exits_2_naming_the_url(site, tmp_path, capsys):
    url = site.put("/index.html", b"<html><body>Moved to the new docs</body></html>\n", "text/html")
    code, _, err = diff_cli(capsys, url, FIXTURES / "acme-v2.yaml", "--cache-dir", tmp_path)
    assert code == 2 and f"error: {url}:1: not an OpenAPI document" in err


def test_a_spec_larger_than_the_cap_is_refused_while_downloading(site, tmp_path, capsys):
    url = site.put("/big.yaml", V1 + b"#" * 2**20 + b"\n")
    code, _, err = diff_cli(capsys, url, FIXTURES / "acme-v2.yaml", "--cache-dir", tmp_path, "--max-spec-size", "0.5")
    assert code == 2 and f"{url}: the document is larger than 524,288 bytes" in err


def test_relative_refs_in_a_fetched_spec_are_refused(site, tmp_path, capsys):
    """A fetched spec's relative $refs would name files next to the cache, or other URLs: neither is followed."""
    site.put("/acme-v2-common.yaml", (FIXTURES / "acme-v2-common.yaml").read_bytes())
    url = site.put("/acme-v2.yaml", (FIXTURES / "acme-v2.yaml").read_bytes())
    code, _, err = diff_cli(capsys, FIXTURES / "acme-v1.yaml", url, "--cache-dir", tmp_path)
    assert code == 2
    text = (FIXTURES / "acme-v2.yaml").read_text().splitlines()
    line = next(n for n, row in enumerate(text, 1) if "acme-v2-common.yaml#/components/schemas/Usage" in row)
    assert f"error: {url}:{line}:" in err  # the line in the fetched text
    assert "'acme-v2-common.yaml#/components/schemas/Usage' refused" in err and "fetched from a URL" in err
    assert [path for path, _ in site.hits] == ["/acme-v2.yaml"]


def test_keys_in_the_query_string_stay_out_of_messages_and_the_cache(site, tmp_path, capsys):
    url = site.put("/spec.yaml", b"title: not a spec\n") + "?version=v1beta&key=sk-secret-123"
    code, _, err = diff_cli(capsys, url, FIXTURES / "acme-v2.yaml", "--cache-dir", tmp_path)
    assert code == 2 and "sk-secret-123" not in err and "key=REDACTED" in err and "version=v1beta" in err
    assert not any(b"sk-secret-123" in p.read_bytes() for p in tmp_path.iterdir())
    assert shown("https://user:pw@x.test/a?api_key=1&b=2") == "https://x.test/a?api_key=REDACTED&b=2"


def test_the_cache_folder_defaults_to_harness_cache_dir(site, tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "from-env"))
    open_spec(site.put("/openapi.yaml", V1))
    assert len(list((tmp_path / "from-env").glob("*.body"))) == 1


def test_a_bad_timeout_is_bad_input(capsys, tmp_path):
    code, _, err = diff_cli(capsys, FIXTURES / "acme-v1.yaml", FIXTURES / "acme-v2.yaml", "--timeout", "nan")
    assert code == 2 and "--timeout" in err


# -- pins -------------------------------------------------------------------------------------


def test_a_pin_is_diffed_against_the_published_spec_and_left_alone_without_update(site, tmp_path, capsys):
    pin = tmp_path / "contracts" / "vendor" / "acme.yaml"
    pin.parent.mkdir(parents=True)
    pin.write_bytes(V1)
    url = site.put("/acme.yaml", V1.replace(b"  /images/generations:", b"  /images/generations-gone:", 1))
    code, out, err = diff_cli(capsys, "--pin", pin, url, "--cache-dir", tmp_path / "c", "--format", "markdown")
    assert code == 1 and "`path-removed` | `POST /v1/images/generations`" in out and err == ""
    assert pin.read_bytes() == V1


def test_update_rewrites_the_pin_with_the_published_text(site, tmp_path, capsys):
    pin = tmp_path / "acme.yaml"
    pin.write_bytes(V1)
    published = V1.replace(b"  /images/generations:", b"  /images/generations-gone:", 1)
    url = site.put("/acme.yaml", published)
    code, out, err = diff_cli(capsys, "--pin", pin, url, "--update", "--cache-dir", tmp_path / "c")
    assert code == 1 and "path-removed" in out  # the diff's exit code: the update does not hide a break
    assert pin.read_bytes() == published and "updated to the published version" in err
    code, out, err = diff_cli(capsys, "--pin", pin, url, "--update", "--cache-dir", tmp_path / "c")
    assert code == 0 and "already the published version" in err and "nothing breaks" in out


def test_a_missing_pin_is_written_only_with_update(site, tmp_path, capsys):
    pin = tmp_path / "vendor" / "acme.yaml"
    url = site.put("/acme.yaml", V1)
    code, _, err = diff_cli(capsys, "--pin", pin, url, "--cache-dir", tmp_path / "c")
    assert code == 2 and f"{pin}: no such pin yet; run with --update" in err and not pin.exists()
    code, _, err = diff_cli(capsys, "--pin", pin, url, "--update", "--cache-dir", tmp_path / "c")
    assert code == 0 and pin.read_bytes() == V1 and "first pin" in err


def test_a_published_spec_that_does_not_load_never_replaces_the_pin(site, tmp_path, capsys):
    pin = tmp_path / "acme.yaml"
    pin.write_bytes(V1)
    url = site.put("/acme.yaml", b"<html>maintenance</html>\n", "text/html")
    code, _, err = diff_cli(capsys, "--pin", pin, url, "--update", "--cache-dir", tmp_path / "c")
    assert code == 2 and "not an OpenAPI document" in err and pin.read_bytes() == V1


def test_pin_takes_exactly_one_spec_and_update_needs_a_pin(tmp_path, capsys):
    one = FIXTURES / "acme-v1.yaml"
    for args in (("--pin", one, one, one), ("--pin", one), (one, one, "--update")):
        code, _, err = diff_cli(capsys, *args)
        assert code == 2 and ("--pin" in err or "--update" in err), args


def test_a_pin_can_be_compared_with_a_local_file(tmp_path, capsys):
    pin = tmp_path / "acme.yaml"
    pin.write_bytes(V1)
    code, out, _ = diff_cli(capsys, "--pin", pin, FIXTURES / "acme-v1.yaml")
    assert code == 0 and "nothing breaks" in out


def test_a_malformed_url_is_a_spec_error_naming_it(tmp_path):
    with pytest.raises(SpecError) as caught:
        fetch_spec("http://[::1/spec?key=sk-1", Sources(cache=tmp_path))
    assert caught.value.source == "http://[::1/spec" and "sk-1" not in str(caught.value)


# -- the CI recipe ------------------------------------------------------------------------------

WORKFLOW = Path(__file__).parent.parent / "docs" / "examples" / "vendor-api-watch.yml"


def test_the_ci_recipe_parses_and_runs_a_command_the_cli_accepts(site, tmp_path, monkeypatch, capsys):
    import os
    import shlex

    import yaml

    from harness.cli import build_parser

    flow = yaml.safe_load(WORKFLOW.read_text())
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"].count(" ") == 4
    job = flow["jobs"]["watch"]
    steps = {step.get("name", step.get("uses")): step for step in job["steps"]}
    script = steps["Diff the pin against the published spec"]["run"]
    (line,) = [line for line in script.splitlines() if line.strip().startswith("harness diff")]
    command, _, output = line.partition(" > ")
    assert steps["Open or update the pull request"]["with"]["body-path"] == "${{ runner.temp }}/diff.md"
    assert output == '"$RUNNER_TEMP/diff.md"'

    for vendor in job["strategy"]["matrix"]["include"]:
        assert set(vendor) == {"vendor", "pin", "url", "contracts"} and vendor["url"].startswith("https://")
        assert {"PIN", "URL", "CONTRACTS"} <= set(job["env"])

    # Run it as the job would, with the published spec on a local server and the pin in tmp_path.
    pin = tmp_path / "contracts" / "vendor" / "acme.yaml"
    pin.parent.mkdir(parents=True)
    pin.write_bytes(V1)
    published = V1.replace(b"  /images/generations:", b"  /images/generations-gone:", 1)
    env = {"PIN": str(pin), "URL": site.put("/acme.yaml", published), "CONTRACTS": str(CONTRACTS)}
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    argv = [os.path.expandvars(word) for word in shlex.split(command)][1:]
    assert argv[0] == "diff"
    build_parser("diff").parse_args(argv)  # every option is one the CLI has
    code = main(argv)
    out = capsys.readouterr()
    assert code == 1 and out.out.startswith("**❌") and "path-removed" in out.out
    assert pin.read_bytes() == published


def test_a_discovery_document_is_pinned_as_published(site, tmp_path, capsys):
    discovery = FIXTURES / "discovery"
    pin = tmp_path / "gemini.json"
    pin.write_bytes((discovery / "gemini-v1.json").read_bytes())
    published = (discovery / "gemini-v2.json").read_bytes()
    url = site.put("/$discovery/rest", published, "application/json") + "?version=v1beta"
    code = main(
        ["diff", "--pin", str(pin), url, "--update", "--cache-dir", str(tmp_path / "c"), "--format", "json"]
        + ["--contracts", str(Path(__file__).parent.parent / "harness" / "baselines" / "gemini")]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and any(c["pointer"] == "/usageMetadata/candidatesTokenCount" for c in out["breaking"])
    assert pin.read_bytes() == published  # the Discovery text itself, not the OpenAPI it was read as
