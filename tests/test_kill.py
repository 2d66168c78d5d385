"""A crawl killed with SIGKILL at any moment (issue #7): the store passes SQLite's and
FTS5's integrity checks, holds no half-written article, and the next crawl completes and
stores what was missed. Readers querying while a crawl writes see no error."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from starlette.testclient import TestClient

from feeds.config import load_config
from feeds.server import create_app

from .conftest import ROOT, run_cli, store_rows

pytestmark = pytest.mark.crawl


def check_whole(db):
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "article_signatures" not in tables:
            # killed while the new store was being migrated: each migration is a
            # transaction, so what is there is whole; the next crawl migrates the rest
            assert (
                "articles" not in tables
                or not conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            )
            return
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        # every article is whole: its story, its signature, its place in the index
        assert (
            conn.execute(
                "SELECT count(*) FROM articles a LEFT JOIN stories s ON s.id = a.story_id "
                "LEFT JOIN article_signatures g ON g.article_id = a.id "
                "WHERE s.id IS NULL OR g.article_id IS NULL OR s.representative_id IS NULL"
            ).fetchone()[0]
            == 0
        )
        assert (
            conn.execute(
                "SELECT count(*) FROM stories s WHERE article_count != "
                "(SELECT count(*) FROM articles a WHERE a.story_id = s.id) AND article_count > 0"
            ).fetchone()[0]
            == 0
        )
    finally:
        conn.close()


@pytest.mark.parametrize("delay", [0.8, 1.6, 2.4, 3.5, 5.0])
def test_a_killed_crawl_leaves_a_whole_store_and_the_next_one_completes(demo, tmp_path, delay):
    db = tmp_path / "killed.db"
    crawl = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "diplofeed",
            "crawl",
            "--replay",
            "--db",
            str(db),
            "--log-level",
            "WARNING",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    crawl.send_signal(signal.SIGKILL)
    crawl.wait()
    if db.exists():
        check_whole(db)
    again = run_cli("crawl", "--replay", "--db", str(db), "--log-level", "WARNING")
    assert again.returncode == 0, again.stdout + again.stderr
    check_whole(db)
    expected = {
        r["canonical_url"] for r in store_rows(demo.db, "SELECT canonical_url FROM articles")
    }
    stored = {r["canonical_url"] for r in store_rows(db, "SELECT canonical_url FROM articles")}
    assert stored == expected  # nothing missed, nothing twice


def test_readers_see_no_error_while_a_crawl_writes(demo, tmp_path):
    db = tmp_path / "busy.db"
    # a store with articles in it, being crawled again into (a later crawl clock: new runs)
    assert run_cli("crawl", "--replay", "--source", "kabar", "--db", str(db)).returncode == 0
    errors: list[str] = []
    done = threading.Event()

    def read() -> None:
        with TestClient(create_app(db, load_config())) as client:
            while not done.is_set():
                for url in ("/feeds/all.rss", "/feed.json?country=KZ", "/"):
                    response = client.get(url)
                    if response.status_code != 200:
                        errors.append(f"{url}: {response.status_code} {response.text[:200]}")
                conn = sqlite3.connect(db, timeout=1)
                try:
                    conn.execute("SELECT count(*), max(published) FROM articles").fetchone()
                    conn.execute(
                        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'Kulubaev'"
                    ).fetchall()
                except sqlite3.Error as exc:
                    errors.append(f"sqlite3: {exc}")
                finally:
                    conn.close()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        crawl = run_cli("crawl", "--replay", "--db", str(db), "--log-level", "WARNING")
    finally:
        done.set()
        reader.join(60)
    assert crawl.returncode == 0, crawl.stderr
    assert errors == []
