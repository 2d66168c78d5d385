"""Several writers on one store (issue #12): nothing lost, and a write that cannot be
made within its bound is reported, never "ok" (storage/writing.py, docs/deploy.md)."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from bench.concurrent_writers import run_pair
from bench.synth import generate
from crawler.replay import ReplayArchive, ReplayServer
from diplofeed.errors import EXIT_STORE, StoreUnavailable
from storage import Store
from storage.writing import write_transaction

from .conftest import crawl_replay, store_rows


def test_a_second_writer_waits_for_the_lock_then_writes(db_path):
    Store(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    released.start()
    started = time.monotonic()
    with Store(db_path, write_timeout=10) as store:
        store.save_article({"source": "x", "url": "https://a.example/1", "title": "T", "body": "b"})
    released.join()
    assert time.monotonic() - started >= 0.4  # it waited for the holder
    assert store_rows(db_path, "SELECT count(*) AS n FROM articles")[0]["n"] == 1


def test_a_lock_held_past_the_bound_is_a_store_failure_not_a_lost_write(db_path):
    Store(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            Store(db_path, write_timeout=0.3) as store,
            pytest.raises(StoreUnavailable, match=r"kept the store .* locked"),
        ):
            store.save_article(
                {"source": "x", "url": "https://a.example/1", "title": "T", "body": "b"}
            )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store(db_path) as store:  # nothing half-written, and the store works again
        assert (
            store.save_article(
                {"source": "x", "url": "https://a.example/1", "title": "T", "body": "b"}
            )
            == "new"
        )


def test_a_write_to_a_read_only_store_fails_at_once_in_one_line(tmp_path):
    path = tmp_path / "s.db"
    Store(path).close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    started = time.monotonic()
    with (
        pytest.raises(StoreUnavailable, match="read-only"),
        write_transaction(conn, str(path), timeout=5),
    ):
        conn.execute("INSERT INTO store_info VALUES ('k', 'v')")
    assert time.monotonic() - started < 4  # not waited out as if it were busy
    assert not conn.in_transaction


@pytest.mark.crawl
@pytest.mark.parametrize(("first", "offset"), [("crawl", 1.0), ("import", 0.5)])
def test_a_crawl_and_an_import_together_store_every_article_of_both(tmp_path, demo, first, offset):
    # the regression of issue #12: 117 articles lost, every source "ok", exit 0
    lines = tmp_path / "lines.jsonl"
    generate(4000, lines)
    crawled_alone = store_rows(demo.db, "SELECT count(*) AS n FROM articles")[0]["n"]
    with ReplayServer() as server:
        out = run_pair(
            tmp_path / "s.db",
            lines,
            server.url,
            ReplayArchive.load().recorded.isoformat(),
            first,
            offset,
        )
    assert (out.crawl_rc, out.import_rc) == (0, 0), out.crawl_output + out.import_output
    assert out.imported == 4000
    assert out.crawled == crawled_alone
    assert "locked" not in out.crawl_output + out.import_output


@pytest.mark.crawl
def test_a_crawl_that_cannot_write_says_so_and_the_next_one_stores_everything(tmp_path, demo):
    """Another writer holds the lock past the bound in the middle of a crawl: the
    articles not stored are counted, the source is degraded, the crawl exits 6 with one
    line; a later crawl stores them."""
    db = tmp_path / "s.db"
    Store(db).close()
    recorded = ReplayArchive.load().recorded.isoformat()
    holder, stop, thread = _hold_lock_when_stored(db, articles=3, seconds=2.5)
    with ReplayServer(latency=0.05) as server:
        try:
            result = _crawl_with_bound(server.url, db, recorded)
        finally:
            stop.set()
            thread.join()
            holder.close()
        assert result.returncode == EXIT_STORE, result.stdout + result.stderr
        assert "could not be stored" in result.stderr
        assert "Traceback" not in result.stderr
        stats = store_rows(db, "SELECT status, status_reason, unstored FROM crawl_source_stats")
        assert stats and stats[0]["unstored"] > 0
        assert stats[0]["status"] == "degraded"
        assert "could not be stored" in stats[0]["status_reason"]
        again = crawl_replay(server.url, db, "--source", "uza", as_of=recorded)
    assert again.returncode == 0, again.stdout + again.stderr
    expected = store_rows(demo.db, "SELECT count(*) AS n FROM articles WHERE source = 'uza'")
    got = store_rows(db, "SELECT count(*) AS n FROM articles WHERE source = 'uza'")
    assert got == expected


def _hold_lock_when_stored(db, *, articles: int, seconds: float):
    """Another writer: once ``articles`` are stored, it holds the write lock for
    ``seconds`` (or until ``stop`` is set). Returns its connection, ``stop`` and thread."""
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    stop = threading.Event()

    def hold() -> None:
        while not stop.is_set():
            if holder.execute("SELECT count(*) FROM articles").fetchone()[0] >= articles:
                holder.execute("BEGIN IMMEDIATE")
                stop.wait(seconds)
                holder.execute("ROLLBACK")
                return
            time.sleep(0.01)

    thread = threading.Thread(target=hold)
    thread.start()
    return holder, stop, thread


def _crawl_with_bound(url: str, db, recorded: str, source: str = "uza"):
    from .conftest import run_cli

    return run_cli(
        "crawl", "--db", str(db), "--replay-url", url, "--source", source,
        "--as-of", recorded, "--log-level", "ERROR",
        env={"DIPLOFEED_WRITE_TIMEOUT": "1"},
    )  # fmt: skip


@pytest.mark.crawl
def test_a_crawl_whose_figures_cannot_be_written_either_still_exits_6_with_the_count(tmp_path):
    """The lock is held from the first stored article to the crawl's end: the articles
    after it, the source's figures and the run's end all fail; the count comes from the
    crawl's own counters (issue #12 review: it used to end as exit 3, no count)."""
    db = tmp_path / "s.db"
    Store(db).close()
    recorded = ReplayArchive.load().recorded.isoformat()
    holder, stop, thread = _hold_lock_when_stored(db, articles=1, seconds=120)
    try:
        with ReplayServer(latency=0.05) as server:
            started = time.monotonic()
            result = _crawl_with_bound(server.url, db, recorded, "kabar")
            took = time.monotonic() - started
    finally:
        stop.set()
        thread.join()
        holder.close()
    assert result.returncode == EXIT_STORE, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "could not be stored" in result.stderr
    # after the first failure each write waits the short bound, not the full one again
    assert took < 40, took
