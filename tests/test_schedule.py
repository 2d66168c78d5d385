"""Unattended runs (issue #7): one crawl at a time per store, and ``diplofeed schedule``
stopping cleanly on SIGTERM between and inside crawls. Real crawls of the replay copies
in subprocesses, real store files."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from diplofeed.schedule import parse_duration
from storage.lock import CrawlLocked, crawl_lock

from .conftest import ROOT, run_cli

pytestmark = pytest.mark.crawl


def crawl_runs(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id, status FROM crawl_runs ORDER BY id").fetchall()
    finally:
        conn.close()


def test_a_second_crawl_on_a_locked_store_does_nothing_and_says_so(tmp_path):
    db = tmp_path / "locked.db"
    with crawl_lock(db):
        result = run_cli("crawl", "--replay", "--source", "kabar", "--db", str(db))
        assert result.returncode == 5, result.stderr
        assert "another crawl" in result.stderr and str(os.getpid()) in result.stderr
        assert not db.exists() or crawl_runs(db) == []
    result = run_cli("crawl", "--replay", "--source", "kabar", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert [status for _, status in crawl_runs(db)] == ["finished"]


def test_the_lock_goes_with_a_killed_process(tmp_path):
    db = tmp_path / "killed.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from storage.lock import crawl_lock\n"
                f"with crawl_lock({str(db)!r}):\n    print('held', flush=True); time.sleep(60)"
            ),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
    with pytest.raises(CrawlLocked, match=str(holder.pid)), crawl_lock(db):
        pass
    holder.kill()
    holder.wait()
    with crawl_lock(db):  # no stale lock after SIGKILL
        pass


@pytest.mark.parametrize(
    ("text", "seconds"), [("30m", 1800), ("1h", 3600), ("90s", 90), ("90", 90), ("1.5h", 5400)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5m", "5 minutes", "1w"])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def start_schedule(db, *extra, sources=("kabar",)):
    chosen = [arg for source in sources for arg in ("--source", source)]
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "diplofeed",
            "schedule",
            "--db",
            str(db),
            "--replay",
            *chosen,
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(process, text, timeout=120):
    """Read the schedule's stderr until a line holds ``text``; return the lines read."""
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"no {text!r} in {lines}")


def test_schedule_runs_crawls_and_stops_on_sigterm_between_them(tmp_path):
    db = tmp_path / "scheduled.db"
    process = start_schedule(db, "--every", "1h")
    wait_for(process, "crawl ended, exit status 0")
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert time.monotonic() - began < 10  # it was waiting for the next run: at once
    assert "stopped after 1 crawl(s)" in err
    assert [status for _, status in crawl_runs(db)] == ["finished"]
    assert "kabar" in out  # the crawl's own summary line


def test_schedule_passes_sigterm_to_a_running_crawl_and_the_store_stays_whole(tmp_path):
    db = tmp_path / "interrupted.db"
    process = start_schedule(db, "--every", "1h", sources=())  # every source: 10 s or more
    wait_for(process, "crawl starts")
    time.sleep(3)  # inside the crawl
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=150)
    assert process.returncode == 0, err
    assert "SIGTERM: stopping after this crawl" in err  # it was running
    assert "stopped after 1 crawl(s)" in err
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # the next crawl completes
    assert run_cli("crawl", "--replay", "--source", "kabar", "--db", str(db)).returncode == 0
    assert crawl_runs(db)[-1][1] == "finished"


def test_schedule_runs_the_number_of_crawls_asked(tmp_path):
    db = tmp_path / "twice.db"
    process = start_schedule(db, "--every", "0s", "--runs", "2")
    _, err = process.communicate(timeout=240)
    assert process.returncode == 0, err
    assert err.count("crawl ended, exit status 0") == 2
    assert len(crawl_runs(db)) == 2


def test_scrapy_list_names_every_source():
    """The Scrapy conventions (what Scrapyd runs): `scrapy list` from the project folder;
    `scrapy crawl <id>` into the same store is tests/test_crawl.py's."""
    from crawler.registry import load_registry

    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == sorted(load_registry())


def test_schedule_says_when_the_next_crawl_starts_and_rebuilds_feeds_after_a_change(tmp_path):
    """Issue #17: the next crawl's time is logged, and --build-feeds rebuilds the static
    feeds after the crawl that stored articles, not after the one that found nothing new."""
    db, out = tmp_path / "feeds.db", tmp_path / "feeds"
    process = start_schedule(db, "--every", "1s", "--runs", "2", "--build-feeds", str(out))
    _, err = process.communicate(timeout=240)
    assert process.returncode == 0, err
    assert err.count("crawl ended, exit status 0") == 2, err
    assert len(re.findall(r"next crawl at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", err)) == 1, err
    assert err.count("feeds rebuilt") == 1, err  # the second crawl changed nothing
    assert (out / "all.atom").exists() and (out / "health.atom").exists()


def test_a_failed_crawl_keeps_the_schedule_going_and_says_so(tmp_path):
    db = tmp_path / "failing.db"
    process = start_schedule(db, "--every", "0s", "--runs", "2", sources=("no_such_source",))
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert err.count("crawl ended, exit status 1 (the crawl failed); the schedule goes on") == 2
    assert "stopped after 2 crawl(s)" in err
