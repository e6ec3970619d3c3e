"""Caps on what harness reads: each reached cap is a clean error naming the file
(and line), never a silent truncation; each can be raised."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from harness import cassettes, limits, yamlfile
from harness.chaos import scenario
from harness.cli import main
from harness.contracts import loader
from harness.errors import CassetteError, ContractError, InputError
from harness.exchange import Exchange, Journal, Request

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "benchmarks" / "specs" / "openai-openapi-3.1-2026-08-21.yaml"


def alias_bomb(levels: int = 12) -> str:
    """A few KB of YAML whose aliases expand tenfold per level (10^12 values)."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "read, kind",
    [
        (loader.load, ContractError),
        (scenario.load, InputError),
        (cassettes.load, CassetteError),
    ],
)
def test_an_alias_bomb_stops_at_the_alias_cap_for_every_kind_of_file(tmp_path, read, kind):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    with pytest.raises(kind, match="aliases expand this document over the cap of 100,000") as caught:
        read(path)
    assert caught.value.source == str(path) and caught.value.line is not None


def test_many_aliases_of_one_cassette_interaction_stop_at_the_cap(tmp_path):
    one = (
        "- &i\n  request: {method: GET, uri: 'https://api.openai.com/v1/models', body: null, headers: {}}\n"
        "  response: {status: {code: 200, message: OK}, headers: {}, body: {string: '{}'}}\n"
    )
    path = tmp_path / "c.yaml"
    path.write_text("interactions:\n" + one + "- *i\n" * 20_000 + "version: 1\n")
    with pytest.raises(CassetteError, match="aliases expand"):
        cassettes.load(path)


def test_the_alias_cap_can_be_raised(monkeypatch):
    with pytest.raises(InputError, match="alias"):
        yamlfile.loads(alias_bomb(5), "bomb.yaml")
    monkeypatch.setenv("HARNESS_MAX_ALIAS_VALUES", "2_000_000")
    assert len(yamlfile.loads(alias_bomb(5), "bomb.yaml").data["a4"]) == 10


def test_nesting_past_the_depth_cap_names_the_line():
    text = "a:\n" + "".join("  " * i + "- \n" for i in range(1, 70)) + "  " * 70 + "- x\n"
    with pytest.raises(InputError, match="nested over the cap of 64 levels") as caught:
        yamlfile.loads(text, "deep.yaml")
    assert caught.value.line == 66


def test_deep_flow_nesting_is_a_clean_error_too():
    with pytest.raises(InputError):
        yamlfile.loads("[" * 100_000 + "]" * 100_000, "deep.yaml")


def test_a_file_over_the_size_cap_is_refused_before_it_is_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 5000 + "\n")
    monkeypatch.setenv("HARNESS_MAX_DOCUMENT_BYTES", "4k")
    with pytest.raises(ContractError, match="over the cap of 4,096 bytes in one file") as caught:
        loader.load(path)
    assert caught.value.source == str(path)
    monkeypatch.setenv("HARNESS_MAX_DOCUMENT_BYTES", "8k")
    with pytest.raises(ContractError, match="unknown key 'a'"):  # read, and on to the next check
        loader.load(path)


def test_a_device_or_folder_is_not_read(tmp_path):
    with pytest.raises(InputError, match="not a regular file"):
        yamlfile.load("/dev/zero")
    with pytest.raises(InputError, match="not a regular file"):
        yamlfile.load(tmp_path)


def test_the_real_openai_spec_fits_the_default_caps():
    doc = yamlfile.load(SPEC)
    assert doc.data["openapi"].startswith("3.1") and len(doc.values) > 50_000


def gzip_cassette(tmp_path: Path, body: bytes) -> Path:
    import base64

    encoded = base64.encodebytes(gzip.compress(body)).decode()
    text = (
        "interactions:\n- request: {method: GET, uri: 'https://api.openai.com/v1/models', body: null, headers: {}}\n"
        "  response:\n    status: {code: 200, message: OK}\n    headers: {Content-Encoding: [gzip]}\n"
        "    body:\n      string: !!binary |\n" + "".join(f"        {line}\n" for line in encoded.splitlines())
    )
    path = tmp_path / "gz.yaml"
    path.write_text(text + "version: 1\n")
    return path


def test_a_gzip_bomb_in_a_cassette_stops_at_the_body_cap(tmp_path, monkeypatch):
    path = gzip_cassette(tmp_path, b"\0" * (8 * 1024 * 1024))  # 8 MiB of zeros in 8 KB
    monkeypatch.setenv("HARNESS_MAX_BODY_BYTES", "1MiB")
    with pytest.raises(CassetteError, match="inflates over the cap of 1,048,576 bytes") as caught:
        cassettes.load(path)
    assert caught.value.line == 7
    monkeypatch.setenv("HARNESS_MAX_BODY_BYTES", "16MiB")
    (exchange,) = cassettes.load(path)
    assert exchange.response is not None and len(exchange.response.body) == 8 * 1024 * 1024
    assert exchange.response.header("content-length") == str(8 * 1024 * 1024)
    assert exchange.response.header("content-encoding") is None


def test_more_interactions_than_the_cap_is_an_error(tmp_path, monkeypatch):
    one = (
        "- request: {method: GET, uri: 'https://api.openai.com/v1/models', body: null, headers: {}}\n"
        "  response: {status: {code: 200, message: OK}, headers: {}, body: {string: '{}'}}\n"
    )
    path = tmp_path / "c.yaml"
    path.write_text("version: 1\ninteractions:\n" + one * 3)
    monkeypatch.setenv("HARNESS_MAX_INTERACTIONS", "2")
    with pytest.raises(CassetteError, match="3 interactions, over the cap of 2") as caught:
        cassettes.load(path)
    assert caught.value.line == 3


def test_the_journal_is_a_ring_that_counts_what_it_dropped(monkeypatch):
    monkeypatch.setenv("HARNESS_MAX_JOURNAL", "3")
    journal = Journal()
    made = [Exchange(request=Request("GET", f"http://127.0.0.1/{i}")) for i in range(5)]
    for exchange in made[:4]:
        journal.record(exchange)
    journal.extend(made[4:])
    assert list(journal) == made[2:] and journal.dropped == 2
    journal.clear()
    assert len(journal) == 0 and journal.dropped == 0


@pytest.mark.parametrize("value", ["0", "-1", "lots", "1e9", "²"])
def test_a_bad_limit_value_is_bad_input(value, monkeypatch):
    monkeypatch.setenv("HARNESS_MAX_DEPTH", value)
    with pytest.raises(InputError, match="depth must be a positive whole number"):
        limits.DEPTH.value()


def test_limit_option_on_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HARNESS_MAX_DOCUMENT_BYTES", "")  # empty: the default; and restored after main sets it
    contract = tmp_path / "c.yaml"
    contract.write_text("contract: x\n" + "#" * 5000 + "\n")
    cassette = tmp_path / "k.yaml"
    cassette.write_text("version: 1\ninteractions: []\n")
    args = ["verify", "--contracts", str(contract), "--cassettes", str(cassette)]
    assert main([*args, "--limit", "document_bytes=4k"]) == 2
    assert "over the cap of 4,096 bytes" in capsys.readouterr().err
    assert main([*args, "--limit", "nonsense=4"]) == 2
    assert "give NAME=VALUE" in capsys.readouterr().err


def test_a_file_holding_more_than_its_size_says_is_read_to_the_cap(tmp_path, monkeypatch):
    """The first read asks for the size the file gives, plus a byte; a file that holds more (being
    written, or a /proc file, which says 0) is read on, so the bytes and the cap hold as ever."""
    path = tmp_path / "grown.yaml"
    text = b"a: " + b"x" * 5000 + b"\n"
    path.write_bytes(text)
    real = os.fstat

    def says_less(fd: int) -> os.stat_result:
        told = list(real(fd))
        told[6] = 10  # st_size
        return os.stat_result(told)

    monkeypatch.setattr(os, "fstat", says_less)
    assert yamlfile.read(path) == text
    monkeypatch.setenv("HARNESS_MAX_DOCUMENT_BYTES", "4k")
    with pytest.raises(InputError, match="over the cap of 4,096 bytes in one file"):
        yamlfile.read(path)
    monkeypatch.setenv("HARNESS_MAX_DOCUMENT_BYTES", "5004")  # exactly the file: it fits
    assert yamlfile.read(path) == text
    monkeypatch.setenv("HARNESS_MAX_DOCUMENT_BYTES", "5003")
    with pytest.raises(InputError, match="over the cap"):
        yamlfile.read(path)


def test_a_proc_file_is_read_whole():
    proc = Path("/proc/self/mounts")
    if not proc.is_file():
        pytest.skip("no /proc here")
    read = yamlfile.read(proc)
    assert read and read.count(b"\n") > 1 and proc.stat().st_size == 0
