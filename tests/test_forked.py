"""Work shared with forked children gives what the same work in one process gives: the same
results in the same order, and the same error, raised by this process, when a batch fails."""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import cassettes, forked
from harness.cli import main
from harness.errors import CassetteError

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "fixtures" / "cassettes" / "clean"


@pytest.fixture
def always_fork(monkeypatch):
    """Three processes for any work, however small, threads or not."""
    monkeypatch.setattr(forked, "workers", lambda total: 3)


@given(st.lists(st.integers(0, 1000), max_size=30), st.integers(1, 5))
def test_batches_keep_every_item_in_order_in_at_most_count_nonempty_batches(weights, count):
    items = list(range(len(weights)))
    parts = forked.batches(items, weights, count)
    assert [item for part in parts for item in part] == items
    assert len(parts) <= count
    assert all(parts) or parts == [[]]


def test_batches_are_about_equal_by_weight():
    parts = forked.batches(list(range(100)), [10] * 100, 4)
    assert [len(part) for part in parts] == [25, 25, 25, 25]


def test_this_processs_batch_may_be_given_for_the_processes_and_the_weight(always_fork):
    asked = []

    def first(processes: int, weight: int) -> float:
        asked.append((processes, weight))
        return 0.5

    started = forked.Started(len, list(range(50)), [2] * 50, pack=marshal.dumps, unpack=marshal.loads, first=first)
    try:
        # Half a child's batch here: 10 of the 100 units' weight, then 20 in each child.
        assert asked == [(3, 100)] and len(started.first) == 10
        assert [sum(map(len, pieces)) for pieces in started.later] == [20, 20]
    finally:
        started.stop()


def test_the_command_reads_less_of_a_small_set_itself_than_of_a_large_one():
    """Besides its own files the command loads the contracts and checks every exchange: with
    one child it reads about a tenth of a child's batch of 12 MB, a third of 50 MB, and with three
    children nothing but one file (the checks alone outweigh a child's reading)."""
    share = cassettes.Loading.share
    assert 0.05 < share(2, 12_000_000) < 0.15
    assert 0.25 < share(2, 50_000_000) < 0.4
    assert share(2, 4_000_000) == 0.0
    assert share(4, 50_000_000) == 0.0
    assert share(2, 10**12) < 0.5  # never as much as a child: it checks everything besides


def test_small_work_is_done_here_without_a_fork(monkeypatch):
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for a small folder"))
    assert forked.workers(forked.MIN_WEIGHT_PER_WORKER) == 1
    assert _results(sum, [1, 2, 3], [1, 1, 1], pack=marshal.dumps, unpack=marshal.loads) == [6]


def test_one_cpu_is_never_shared(monkeypatch):
    monkeypatch.setattr(forked, "cpus", lambda: 1)
    monkeypatch.setattr(forked, "others_running", lambda: 0)
    assert forked.workers(10**12) == 1


def test_only_idle_cpus_get_a_child(monkeypatch):
    monkeypatch.setattr(forked, "cpus", lambda: 4)
    monkeypatch.setattr(forked, "others_running", lambda: 0)
    assert forked.workers(10**12) == 4
    monkeypatch.setattr(forked, "others_running", lambda: 2)
    assert forked.workers(10**12) == 2
    monkeypatch.setattr(forked, "others_running", lambda: 7)
    assert forked.workers(10**12) == 1


def test_others_running_is_read_from_the_kernel():
    assert 0 <= forked.others_running() < 10_000


def test_results_come_back_in_order(always_fork):
    items = list(range(30))
    got = _results(
        lambda batch: [(x, os.getpid()) for x in batch], items, [1] * 30, pack=marshal.dumps, unpack=marshal.loads
    )
    assert [x for part in got for x, _ in part] == items
    assert len({pid for part in got for _, pid in part}) == 3  # two batches came from children


def test_a_failing_child_batch_raises_here_as_it_would_alone(always_fork):
    def work(batch):
        if 7 in batch:
            raise ValueError(f"bad item 7 in {batch}, process {os.getpid()}")
        return batch

    # Raised by this process, which did the batch again: not a copy of the child's error.
    with pytest.raises(ValueError, match=rf"bad item 7 in \[7, 8, 9\], process {os.getpid()}$"):
        _results(work, list(range(10)), [1] * 10, pack=marshal.dumps, unpack=marshal.loads)


def test_the_first_batch_fails_first(always_fork):
    def work(batch):
        raise ValueError(f"batch from {batch[0]}")

    with pytest.raises(ValueError, match="batch from 0"):
        _results(work, list(range(9)), [1] * 9, pack=marshal.dumps, unpack=marshal.loads)


def test_a_child_that_dies_has_its_batch_done_here(always_fork):
    parent = os.getpid()

    def work(batch):
        if os.getpid() != parent:
            os._exit(9)  # as if killed: nothing sent
        return [x * 2 for x in batch]

    got = _results(work, list(range(6)), [1] * 6, pack=marshal.dumps, unpack=marshal.loads)
    assert got == [[0, 2], [4, 6], [8, 10]]


@pytest.mark.parametrize("ready", [False, True])
def test_while_waiting_runs_once_only_where_this_process_would_wait(always_fork, monkeypatch, ready):
    monkeypatch.setattr(forked._Child, "ready", lambda child: ready)
    calls = []
    started = forked.Started(
        lambda batch: [x * 2 for x in batch], list(range(9)), [1] * 9, pack=marshal.dumps, unpack=marshal.loads
    )
    got = []
    for part in started.each(lambda: calls.append(len(got))):
        got.append(part)
    assert got == [[0, 2, 4], [6, 8, 10], [12, 14, 16]]
    # After the first batch was handed over, before the children's; not at all when they were done.
    assert calls == ([] if ready else [1])


def test_a_childs_batch_comes_back_in_pieces_in_order(always_fork, monkeypatch):
    monkeypatch.setattr(forked, "PIECE_WEIGHT", 2)
    items = list(range(30))
    got = _results(
        lambda batch: [(x, os.getpid()) for x in batch], items, [1] * 30, pack=marshal.dumps, unpack=marshal.loads
    )
    assert [x for part in got for x, _ in part] == items
    assert len(got) == 1 + 2 * 5  # this process's batch, then each child's 10 items in 5 pieces
    assert len({pid for part in got for _, pid in part}) == 3


def test_a_child_never_waits_for_this_process_to_read_its_pieces(always_fork, monkeypatch):
    """Each piece far beyond what a pipe holds: a child writing them into the pipe would stop
    at the first until this process read it. Here every child is done before anything is read."""
    monkeypatch.setattr(forked, "PIECE_WEIGHT", 1)
    big = b"x" * 2_000_000
    started = forked.Started(
        lambda batch: [big for _ in batch], list(range(9)), [1] * 9, pack=marshal.dumps, unpack=marshal.loads
    )
    for child in started.children:
        assert child is not None and _exits(child.pid)
    assert [len(part) for part in started.results()] == [3, 1, 1, 1, 1, 1, 1]


def _exits(pid: int) -> bool:
    """Whether `pid` ends within ten seconds (left to be reaped)."""
    for _ in range(1000):
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None:
            return True
        time.sleep(0.01)
    return False


def test_a_child_that_dies_midway_sends_its_first_pieces_and_the_rest_is_done_here(always_fork, monkeypatch):
    monkeypatch.setattr(forked, "PIECE_WEIGHT", 1)
    parent = os.getpid()

    def work(batch):
        if os.getpid() != parent and 7 in batch:
            os._exit(9)
        return [(x, os.getpid() == parent) for x in batch]

    got = [
        pair
        for part in _results(work, list(range(9)), [1] * 9, pack=marshal.dumps, unpack=marshal.loads)
        for pair in part
    ]
    assert [x for x, _ in got] == list(range(9))
    # 0-2: this process's batch; 3-5: the first child's; 6: the second's before it died at 7.
    assert {x for x, here in got if here} == {0, 1, 2, 7, 8}


def test_without_memfd_the_pieces_go_through_an_unlinked_file(always_fork, monkeypatch, tmp_path):
    monkeypatch.delattr(os, "memfd_create", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(forked, "PIECE_WEIGHT", 2)
    got = _results(
        lambda batch: [x * 2 for x in batch], list(range(12)), [1] * 12, pack=marshal.dumps, unpack=marshal.loads
    )
    assert [x for part in got for x in part] == [x * 2 for x in range(12)]
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_while_waiting_is_not_run_with_no_child_to_wait_for(monkeypatch):
    monkeypatch.setattr(forked, "workers", lambda total: 1)
    started = forked.Started(list, list(range(9)), [1] * 9, pack=marshal.dumps, unpack=marshal.loads)
    assert list(started.each(lambda: pytest.fail("nothing to wait for"))) == [list(range(9))]


def test_an_error_while_waiting_changes_nothing(always_fork):
    def fails() -> None:
        raise ImportError("no such renderer")

    started = forked.Started(lambda batch: batch, list(range(6)), [1] * 6, pack=marshal.dumps, unpack=marshal.loads)
    assert list(started.each(fails)) == [[0, 1], [2, 3], [4, 5]]


def test_cassettes_read_in_children_are_the_same_exchanges(always_fork, tmp_path):
    for copy in range(3):
        for path in CLEAN.glob("*.yaml"):
            shutil.copy(path, tmp_path / f"{copy}-{path.name}")
    alone = cassettes.load_path(tmp_path)
    shared = cassettes.load_path(tmp_path, parallel=True)
    assert shared == alone
    assert [x.source for x in shared] == [x.source for x in alone]
    assert [(x.request.headers, x.response and x.response.headers) for x in shared] == [
        (x.request.headers, x.response and x.response.headers) for x in alone
    ]


def test_exchanges_marshal_refuses_are_read_again_here(always_fork, tmp_path, monkeypatch):
    """A child's exchanges cross as marshal's bytes; a value marshal refuses (a subclass of
    str, say) fails the child, and this process reads that batch itself: the same exchanges."""

    class Text(str):
        pass

    for copy in range(3):
        for path in CLEAN.glob("*.yaml"):
            shutil.copy(path, tmp_path / f"{copy}-{path.name}")
    alone = cassettes.load_path(tmp_path)
    parent, read_here = os.getpid(), []
    real = cassettes._read

    def read(files):
        fields = real(files)
        if os.getpid() != parent:
            return [(*each[:-1], Text(each[-1])) for each in fields]
        read_here.append(files)
        return fields

    monkeypatch.setattr(cassettes, "_read", read)
    assert cassettes.load_path(tmp_path, parallel=True) == alone
    assert len(read_here) == 3  # its own batch, and both children's again


def test_the_readers_do_not_import_the_provider_modules():
    """So the children start before this process imports them: it finds each exchange's provider."""
    code = (
        "import sys; from pathlib import Path; from harness import cassettes; "
        f"fields = cassettes._read(sorted(Path({str(CLEAN)!r}).glob('*.yaml'))); "
        "assert fields, 'nothing read'; "
        "print(sorted(m for m in sys.modules if m.startswith('harness.providers.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_exchanges_read_in_children_are_attributed_here(always_fork, tmp_path):
    _copies(tmp_path)
    shared = cassettes.load_path(tmp_path, parallel=True)
    assert {x.provider for x in shared} == {x.provider for x in cassettes.load_path(CLEAN)} >= {"openai", "anthropic"}


def test_a_broken_cassette_in_a_childs_batch_is_the_same_error(always_fork, tmp_path):
    for copy in range(3):
        for path in CLEAN.glob("*.yaml"):
            shutil.copy(path, tmp_path / f"{copy}-{path.name}")
    broken = tmp_path / "2-openai-text.yaml"
    broken.write_text(broken.read_text().replace("    method: POST\n", "    method: [POST\n", 1))
    with pytest.raises(CassetteError) as alone:
        cassettes.load_path(tmp_path)
    with pytest.raises(CassetteError) as shared:
        cassettes.load_path(tmp_path, parallel=True)
    assert str(shared.value) == str(alone.value) and "2-openai-text.yaml" in str(shared.value)


def test_verify_reads_in_children_with_the_same_report(always_fork, tmp_path, capsys):
    for copy in range(3):
        for path in CLEAN.glob("*.yaml"):
            shutil.copy(path, tmp_path / f"{copy}-{path.name}")
    args = ["verify", "--contracts", str(ROOT / "contracts" / "providers"), "--cassettes", str(tmp_path)]
    code = main(args)  # 1: the copies replay one video job's lifecycle three times over
    shared = capsys.readouterr()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(forked, "workers", lambda total: 1)
        assert main(args) == code == 1
    assert capsys.readouterr() == shared


def test_a_contract_error_comes_before_a_cassette_error_as_it_did(always_fork, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [\n")
    args = ["verify", "--contracts", str(bad), "--cassettes", str(tmp_path / "missing")]
    assert main(args) == 2
    assert "bad.yaml" in capsys.readouterr().err


def test_children_stop_when_the_contracts_fail(always_fork, tmp_path, capsys, monkeypatch):
    for copy in range(3):
        for path in CLEAN.glob("*.yaml"):
            shutil.copy(path, tmp_path / f"{copy}-{path.name}")
    stopped = []
    real_stop = forked._Child.stop
    monkeypatch.setattr(forked._Child, "stop", lambda child: stopped.append(child.pid) or real_stop(child))
    bad = tmp_path / "contract.yaml"
    bad.write_text("name: [\n")
    assert main(["verify", "--contracts", str(bad), "--cassettes", str(tmp_path)]) == 2
    assert len(stopped) == 2
    with pytest.raises(ChildProcessError):
        os.waitpid(stopped[0], os.WNOHANG)  # reaped


def _copies(folder: Path) -> None:
    for copy in range(3):
        for path in CLEAN.glob("*.yaml"):
            shutil.copy(path, folder / f"{copy}-{path.name}")


def _failing_check(contracts, exchanges):
    next(iter(exchanges))  # the first file's exchanges are checked before the children are done
    raise RuntimeError("a bug in the checker")


def test_a_checker_bug_while_reading_is_an_internal_error(always_fork, tmp_path, capsys, monkeypatch):
    import harness.contracts

    _copies(tmp_path)
    monkeypatch.setattr(harness.contracts, "verify", _failing_check)
    args = ["verify", "--contracts", str(ROOT / "contracts" / "providers"), "--cassettes", str(tmp_path)]
    assert main(args) == 3
    assert "RuntimeError: a bug in the checker" in capsys.readouterr().err


def test_a_bad_cassette_still_comes_before_a_checker_bug(always_fork, tmp_path, capsys, monkeypatch):
    import harness.contracts

    _copies(tmp_path)
    broken = tmp_path / "2-openai-text.yaml"
    broken.write_text(broken.read_text().replace("    method: POST\n", "    method: [POST\n", 1))
    monkeypatch.setattr(harness.contracts, "verify", _failing_check)
    args = ["verify", "--contracts", str(ROOT / "contracts" / "providers"), "--cassettes", str(tmp_path)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "2-openai-text.yaml" in err and "RuntimeError" not in err


def _results(work, items, weights, *, pack, unpack):
    return forked.Started(work, items, weights, pack=pack, unpack=unpack).results()
