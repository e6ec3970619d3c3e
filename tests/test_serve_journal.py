"""`harness serve` keeps a small ring of exchanges in memory, and can append every one of
them to a JSON-lines file, redacted as the journal is."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import httpx
import pytest

from harness.cli import main
from harness.double.spill import JournalFile
from harness.errors import InputError
from harness.exchange import Exchange, Journal, Request

KEY = "sk-served-secret-0123456789"
BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


def test_served_double_keeps_a_ring_and_spills_every_exchange(tmp_path):
    spilled = tmp_path / "journal.jsonl"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("HARNESS_CONTROL_TOKEN", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "serve", "openai", "--journal", "3", "--journal-file", str(spilled)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        url = child.stdout.readline().split()[-1]
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url, headers={"authorization": f"Bearer {KEY}"}) as client:
            for _ in range(5):
                assert client.post("/v1/chat/completions", json=BODY).status_code == 200
            kept = client.get("/__harness/journal").json()
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(20)
    assert child.returncode == 0
    assert len(kept) == 3
    lines = spilled.read_text().splitlines()
    assert len(lines) == 5
    assert [json.loads(line)["request"]["url"] for line in lines] == [url + "/v1/chat/completions"] * 5
    assert json.loads(lines[-1]) == kept[-1]
    assert KEY not in spilled.read_text()


@pytest.mark.parametrize("args, words", [(["--journal", "0"], "--journal must be 1 or more")])
def test_bad_journal_options_exit_2(args, words, capsys):
    assert main(["serve", "openai", *args]) == 2
    assert words in capsys.readouterr().err


def test_a_journal_file_that_cannot_be_written_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot write the journal file"):
        JournalFile(tmp_path / "missing" / "j.jsonl")


def test_the_ring_drops_in_order_and_spills_everything(tmp_path):
    spill = JournalFile(tmp_path / "j.jsonl")
    journal = Journal(cap=2, spill=spill)
    made = [Exchange(request=Request(method="GET", url=f"http://127.0.0.1/{i}")) for i in range(5)]
    journal.extend(made[:3])
    for exchange in made[3:]:
        journal.record(exchange)
    spill.close()
    assert list(journal) == made[3:] and journal.dropped == 3 and journal[0] is made[3]
    assert journal[1:] == made[4:] and journal[-1] is made[4]  # indexes and slices, as a list's
    urls = [json.loads(line)["request"]["url"] for line in (tmp_path / "j.jsonl").read_text().splitlines()]
    assert urls == [x.request.url for x in made]


def test_a_mark_stays_true_while_the_ring_turns():
    journal = Journal(cap=3)

    def call(path: str) -> Exchange:
        return journal.record(Exchange(request=Request(method="GET", url=f"http://127.0.0.1/{path}")))

    ids = [call(f"{n}") for n in range(2)]
    assert journal.since(0) == (ids, 2)
    mark = journal.recorded
    later = [call(f"x{n}") for n in range(2)]
    # the ring is full and has dropped one: its length (3) no longer tells what is new, the mark does
    assert len(journal) == 3 and journal.dropped == 1
    assert journal.since(mark) == (later, 4)
    assert journal.since(4) == ([], 4)
    many = [call(f"y{n}") for n in range(5)]
    assert journal.since(4) == (many[-3:], 9)  # more came than the ring holds: what it still holds
    journal.clear()
    fresh = call("z")
    assert journal.since(9) == ([fresh], 1)  # cleared since the mark: everything it holds is new
