"""``diplofeed import`` against hostile input and a failing store (issue #12): every bad
line is a numbered rejection and the good lines around it are stored, with and without
worker processes; an endless line is read in bounded memory and stops the import; the
store failing stops it with exit 6 after committing what it could; killing the import
leaves no worker behind."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.synth import generate
from diplofeed.cli import cli
from diplofeed.errors import EXIT_BAD_INPUT, EXIT_STORE, StoreUnavailable
from storage import Store
from storage.importer import (
    DEPTH_LIMIT,
    LINE_LIMIT,
    ImportStopped,
    LineReader,
    RejectedLine,
    import_lines,
    json_object,
)

from .conftest import ROOT

MiB = 2**20
BASE = {"title": "A briefing", "body": "Text."}

# each hostile line, and the start of what it must be reported as
HOSTILE = [
    (json.dumps({**BASE, "url": "https://example.org:99999/a"}), "'url' is not a valid URL"),
    (json.dumps({**BASE, "url": "https://example.org:abc/a"}), "'url' is not a valid URL"),
    (json.dumps({**BASE, "url": "https://example.org:-1/a"}), "'url' is not a valid URL"),
    (json.dumps({**BASE, "url": "https://[::1/"}), "'url' is not a valid URL"),
    ("[" * 100_000 + "]" * 100_000, "JSON nested deeper than 32 levels"),
    ('{"x": ' + "[" * 3000 + "]" * 3000 + "}", "JSON nested deeper than 32 levels"),
    ("[" * 100_000, "JSON nested deeper than 32 levels"),
    (json.dumps({**BASE, "url": "https://example.org/\ud800"}), "'url' has a lone surrogate"),
    (json.dumps({**BASE, "url": "https://example.org/s", "title": "\udfff"}), "'title' has a"),
    (
        json.dumps({**BASE, "url": "https://example.org/long", "body": "x" * (LINE_LIMIT + 9)}),
        "longer than 4 MiB",
    ),
]


def generated(tmp_path: Path, count: int) -> list[bytes]:
    path = tmp_path / f"good{count}.jsonl"
    generate(count, path)
    return path.read_bytes().splitlines()


def count_articles(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A running process's resident memory (or its high-water mark, ``VmHWM``), 0 once
    it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_measured(
    args: list[str], tmp_path: Path, feed: bytes | None = None, endless: bool = False
) -> tuple[int, str, str, float]:
    """Run ``diplofeed ARGS``: its exit code, stdout, stderr and peak memory (MB). Its
    stdin gets ``feed``, then zeros without end when ``endless``. It is killed, failing
    the test, past 1 GB or 120 s (what reading /dev/zero used to do)."""
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "diplofeed", *args],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE if feed is not None else subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
        )
    if feed is not None:

        def write() -> None:
            assert proc.stdin is not None
            try:
                proc.stdin.write(feed)
                zeros = bytes(MiB)
                while endless:
                    proc.stdin.write(zeros)
                proc.stdin.close()
            except (BrokenPipeError, ValueError):
                pass  # it stopped reading: what an endless input must make it do

        threading.Thread(target=write, daemon=True).start()
    deadline = time.monotonic() + 120
    # the high-water mark of the program itself: wait4's ru_maxrss also counts what the
    # child shared with this test process before it started the program (pytest grows
    # to a few hundred MB over the whole suite)
    peak = 0.0
    while True:
        peak = max(peak, rss_mb(proc.pid, "VmHWM"))
        pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if rss_mb(proc.pid) > 1024 or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            pytest.fail(f"diplofeed {' '.join(args)} ran away: over 1 GB or 120 s")
        time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)  # for Popen's own clean-up
    return proc.returncode, out.read_text(), err.read_text(errors="replace"), peak


@pytest.mark.parametrize("workers", ["0", "2"])
def test_every_hostile_line_is_a_numbered_rejection_and_the_rest_is_stored(tmp_path, workers):
    good = generated(tmp_path, 1200)
    # in the middle, so that with workers they reach the worker processes
    lines = good[:600] + [text.encode("utf-8", "surrogatepass") for text, _ in HOSTILE]
    lines += good[600:]
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    db = tmp_path / "h.db"
    code, out, err, _ = run_measured(
        ["import", str(path), "--db", str(db), "--workers", workers], tmp_path
    )
    assert code == EXIT_BAD_INPUT, err
    assert "Traceback" not in err
    reported = dict(line.split(": ", 1) for line in err.splitlines() if line.startswith("line "))
    assert list(reported) == [f"line {601 + i}" for i in range(len(HOSTILE))]
    for (_, expected), message in zip(HOSTILE, reported.values(), strict=True):
        assert message.startswith(expected), message
    assert f"new=1200 updated=0 unchanged=0 rejected={len(HOSTILE)}" in out
    assert count_articles(db) == 1200


@pytest.mark.parametrize("workers", ["0", "2"])
def test_dev_zero_stops_in_bounded_memory(tmp_path, workers):
    db = tmp_path / "z.db"
    started = time.monotonic()
    code, out, err, peak = run_measured(
        ["import", "/dev/zero", "--db", str(db), "--workers", workers], tmp_path
    )
    assert code == EXIT_BAD_INPUT, err
    assert err.splitlines() == [
        "line 1: longer than 4 MiB, and no line break in 64 MiB",
        (
            "Error: line 1: no line break in 64 MiB: the input is not JSON lines; "
            "stopped reading there"
        ),
    ]
    assert "new=0 updated=0 unchanged=0 rejected=1" in out
    # measured: 55 MB (what the command costs before reading), 0.4 s
    assert peak < 150, peak
    assert time.monotonic() - started < 60


def test_an_endless_line_after_good_ones_keeps_them_with_workers(tmp_path):
    good = b"\n".join(generated(tmp_path, 700)) + b"\n"
    db = tmp_path / "e.db"
    code, out, err, peak = run_measured(
        ["import", "-", "--db", str(db), "--workers", "2"], tmp_path, feed=good, endless=True
    )
    assert code == EXIT_BAD_INPUT, err
    assert "Traceback" not in err
    assert "Error: line 701: no line break in 64 MiB" in err
    assert "new=700 updated=0 unchanged=0 rejected=1" in out
    assert count_articles(db) == 700
    assert peak < 300, peak


def test_classify_bounds_its_lines_too(tmp_path):
    code, _, err, peak = run_measured(["classify", "/dev/zero"], tmp_path)
    assert code == EXIT_BAD_INPUT and "Error: line 1: no line break in 64 MiB" in err
    assert "Traceback" not in err and peak < 150
    lines = ["[" * 50_000, '{"title": 1, "body": "x"}', json.dumps({**BASE, "title": "\ud800"})]
    result = CliRunner().invoke(
        cli, ["classify", "-"], input="\n".join(lines).encode("utf-8", "surrogatepass")
    )
    assert result.exit_code == EXIT_BAD_INPUT
    assert "line 1: JSON nested deeper than 32 levels" in result.output
    assert "line 2: needs a JSON object" in result.output
    assert "line 3: 'title' has a lone surrogate" in result.output


class Failing:
    """A stream that fails after one line, as a disk read does (EIO)."""

    def __init__(self) -> None:
        self.calls = 0

    def readline(self, size: int = -1, /) -> bytes:
        self.calls += 1
        if self.calls > 1:
            raise OSError(5, "EIO")
        return b"ok\n"


def test_the_line_reader_skips_long_lines_and_gives_up_on_endless_ones():
    stream = io.BytesIO(b"0123456789\n01234567890\nok\n" + b"x" * 25 + b"\nlast")
    reader = LineReader(stream, limit=10, give_up=40)
    assert list(reader) == [
        b"0123456789\n",  # exactly the limit, and its line break
        RejectedLine("longer than 10 bytes"),
        b"ok\n",
        RejectedLine("longer than 10 bytes"),  # skipped to its line break, unread
        b"last",
    ]
    assert reader.stopped is None
    endless = LineReader(io.BytesIO(b"ok\n" + b"\0" * 100), limit=10, give_up=40)
    assert list(endless) == [
        b"ok\n",
        RejectedLine("longer than 10 bytes, and no line break in 40 bytes"),
    ]
    assert endless.stopped is not None and endless.stopped.exit_code == EXIT_BAD_INPUT
    assert str(endless.stopped).startswith("line 2: no line break in 40 bytes")
    failing = LineReader(Failing(), limit=10)
    assert list(failing) == [b"ok\n"]
    assert failing.stopped is not None and failing.stopped.exit_code == 1
    assert str(failing.stopped) == "cannot read the input after line 1: [Errno 5] EIO"
    # lines already in memory are held to the same limit
    assert list(LineReader(["short", "x" * 11], limit=10)) == [
        "short",
        RejectedLine("longer than 10 bytes"),
    ]


def test_nesting_is_bounded_and_strings_do_not_count():
    deepest = "[" * DEPTH_LIMIT + "]" * DEPTH_LIMIT
    assert json_object('{"a": ' + deepest[1:-1] + "}") is not None  # 32 levels
    with pytest.raises(ValueError, match="nested deeper"):
        json_object('{"a": ' + deepest + "}")
    brackets = '\\"' + "[{" * 100 + "\\\\"  # escaped quotes and backslashes inside
    assert json_object(json.dumps({"title": brackets})) == {"title": brackets}
    assert json_object(b"  \n") is None
    with pytest.raises(ValueError, match="not UTF-8"):
        json_object(b'{"title": "\xff"}')


def failing_after(method, calls: int):
    """``method`` that works ``calls`` times, then fails as a full disk does."""
    count = {"n": 0}

    def save(self, *args, **kwargs):
        count["n"] += 1
        if count["n"] > calls:
            raise StoreUnavailable("the store cannot be written: the disk is full")
        return method(self, *args, **kwargs)

    return save


@pytest.mark.parametrize("workers", [0, 2])
def test_a_failing_store_stops_the_import_after_committing_what_it_could(
    tmp_path, monkeypatch, workers
):
    lines = generated(tmp_path, 300)
    lines.insert(10, b"{not json")  # a rejection committed with its batch
    with Store(tmp_path / "s.db") as store:
        name = "save_prepared" if workers else "save_article"
        monkeypatch.setattr(Store, name, failing_after(getattr(Store, name), 250))
        with pytest.raises(ImportStopped) as stopped:
            import_lines(store, lines, batch=100, workers=workers)
        assert stopped.value.exit_code == EXIT_STORE
        # the line the store failed on is in the third batch: the first two stay
        assert str(stopped.value) == (
            "the store cannot be written: the disk is full; lines 1-200 were imported "
            "(import again to resume: stored lines come back unchanged)"
        )
        result = stopped.value.result
        assert (result.lines, result.outcomes, result.errors) == (
            200,
            {"new": 199},
            [(11, result.errors[0][1])],
        )
        assert count_articles(tmp_path / "s.db") == 199
    monkeypatch.undo()
    with Store(tmp_path / "s.db") as store:  # a new run, as after a full disk
        again = import_lines(store, lines, batch=100, workers=workers)
        assert again.outcomes == {"unchanged": 199, "new": 101}


def test_the_command_reports_a_failing_store_in_one_line_with_exit_6(tmp_path, monkeypatch):
    path = tmp_path / "articles.jsonl"
    generate(1200, path)
    monkeypatch.setattr(Store, "save_article", failing_after(Store.save_article, 700))
    db = tmp_path / "c.db"
    result = CliRunner().invoke(cli, ["import", str(path), "--db", str(db), "--workers", "0"])
    assert result.exit_code == EXIT_STORE, result.output
    assert result.output.splitlines() == [
        "new=500 updated=0 unchanged=0 rejected=0",
        (
            "Error: the store cannot be written: the disk is full; lines 1-500 were "
            "imported (import again to resume: stored lines come back unchanged)"
        ),
    ]
    monkeypatch.undo()
    again = CliRunner().invoke(cli, ["import", str(path), "--db", str(db), "--workers", "0"])
    assert again.exit_code == 0
    assert again.output == "new=700 updated=0 unchanged=500 rejected=0\n"


def children(pid: int) -> dict[int, str]:
    """The processes whose parent is ``pid``, each with its start time (so that a
    reused pid is not mistaken for it)."""
    found = {}
    for entry in Path("/proc").iterdir():
        stat = _stat(int(entry.name)) if entry.name.isdigit() else None
        if stat is not None and int(stat[1]) == pid:
            found[int(entry.name)] = stat[19]
    return found


def _stat(pid: int) -> list[str] | None:
    """A process's /proc stat fields after its name (state first), None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def running(pid: int, started: str) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[19] == started and stat[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_killing_the_import_leaves_no_worker_behind(tmp_path):
    path = tmp_path / "big.jsonl"
    generate(10_000, path)  # ~12 s of importing: it is killed well before its end
    db = tmp_path / "k.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "diplofeed", "import", str(path), "--db", str(db), "--workers", "2"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while len(workers := children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) == 2, "the import started no workers"
        time.sleep(1)  # the workers busy with tasks, others queued
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 5
    while any(running(*w) for w in workers.items()) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid, started in workers.items() if running(pid, started)]
    for pid in left:  # do not leave them to the next tests
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived the killed import"
