"""End to end: the real Scrapy engine, the replay server, a real store file (issue #2).

Each crawl runs in a subprocess (a Twisted reactor starts once per process).
"""

from __future__ import annotations

import calendar
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime

import feedparser
import pytest

from crawler.registry import load_registry
from crawler.replay import DEFAULT_SITES, ReplayServer
from storage import Store, parse_utc

from .conftest import ROOT, crawl_replay, data_path, feed_files, run_cli, store_rows

pytestmark = pytest.mark.crawl


def test_demo_stores_articles_from_every_source(demo):
    counts = {
        r["source"]: r["n"]
        for r in store_rows(demo.db, "SELECT source, count(*) n FROM articles GROUP BY source")
    }
    for source_id in load_registry():
        assert counts.get(source_id, 0) >= 6, f"{source_id}: {counts.get(source_id)} articles"
        assert f"{source_id} " in demo.stdout
    failures = store_rows(demo.db, "SELECT * FROM crawl_failures")
    assert failures == [], failures


def test_everything_stored_keeps_the_real_url(demo):
    urls = [r["url"] for r in store_rows(demo.db, "SELECT url FROM articles")]
    assert all(u.startswith("https://") and "127.0.0.1" not in u for u in urls)


def test_every_feed_file_parses_with_ids_and_store_dates(demo):
    files = feed_files(demo.out, (".rss", ".atom"))  # JSON Feed: tests/test_server.py
    names = {f.name for f in files} | {f.name for f in feed_files(demo.out, (".json",))}
    assert {"all.rss", "all.atom", "all.json", "country-kz.rss", "country-kg.atom"} <= names
    assert {"source-kt_kz.rss", "kazakhstan.json", "feeds.opml", "index.html"} <= {
        p.name for p in demo.out.iterdir()
    }
    published = {
        r["url"]: r["published"] for r in store_rows(demo.db, "SELECT url, published FROM articles")
    }
    for path in files:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path.name}: {parsed.get('bozo_exception')}"
        assert parsed.entries, path.name
        for entry in parsed.entries:
            assert entry.get("title") and entry.get("link") and entry.get("id"), path.name
            assert entry.id.startswith("tag:diplofeed,")
            assert entry.get("published_parsed"), f"{path.name}: {entry.title} has no date"
            moment = datetime.fromtimestamp(calendar.timegm(entry.published_parsed), UTC)
            assert moment == parse_utc(published[entry.link]), entry.link
        ids = [e.id for e in parsed.entries]
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate GUIDs"


def test_verbatim_reprint_joins_the_ministry_story(demo):
    rows = store_rows(
        demo.db,
        """
        SELECT a.source, a.story_id, s.representative_id, a.id FROM articles a
        JOIN stories s ON s.id = a.story_id
        WHERE a.url LIKE '%1084512?lang=en' OR a.url LIKE '%kulubaev_1377996209.html'""",
    )
    assert len(rows) == 2 and rows[0]["story_id"] == rows[1]["story_id"]
    representative = store_rows(
        demo.db, "SELECT source FROM articles WHERE id = ?", (rows[0]["representative_id"],)
    )
    assert representative[0]["source"] == "mfa_kz"  # the ministry's own post leads the story


def test_kazakhstan_dates_before_and_after_march_2024(demo):
    rows = {
        r["url"].rsplit("_", 1)[-1]: r["published"]
        for r in store_rows(demo.db, "SELECT url, published FROM articles WHERE source = 'kt_kz'")
    }
    assert rows["1377961842.html"] == "2024-02-15T04:00:00Z"  # 10:00 at UTC+6
    assert rows["1377996214.html"] == "2026-11-26T07:10:00Z"  # 12:10 at UTC+5


def test_second_crawl_adds_nothing_and_changes_no_guid(demo):
    before = store_rows(
        demo.db, "SELECT id, canonical_url, story_id, published FROM articles ORDER BY id"
    )
    feeds_before = {p.name: p.read_bytes() for p in demo.out.iterdir()}
    stories_before = store_rows(demo.db, "SELECT count(*) n FROM stories")[0]["n"]
    crawl = run_cli("crawl", "--replay", "--db", str(demo.db), "--log-level", "WARNING")
    assert crawl.returncode == 0, crawl.stderr
    assert "new=0" in crawl.stdout and "new=1" not in crawl.stdout
    after = store_rows(
        demo.db, "SELECT id, canonical_url, story_id, published FROM articles ORDER BY id"
    )
    assert after == before
    assert store_rows(demo.db, "SELECT count(*) n FROM stories")[0]["n"] == stories_before
    build = run_cli("feeds", "build", "--db", str(demo.db), "--out", str(demo.out))
    # every feed keeps its bytes; the front page says when the last crawl ran (issue 15)
    assert build.returncode == 0 and build.stdout.startswith("1 written"), build.stdout
    feeds_after = {p.name: p.read_bytes() for p in demo.out.iterdir()}
    assert feeds_after.pop("index.html") != feeds_before.pop("index.html")
    assert feeds_after == feeds_before


def test_sqlite_utils_reads_the_store(demo):
    tables = subprocess.run(
        [sys.executable, "-m", "sqlite_utils", "tables", str(demo.db)],
        capture_output=True,
        text=True,
        check=True,
    )
    for name in ("articles", "stories", "sources", "crawl_runs"):
        assert f'"{name}"' in tables.stdout
    found = subprocess.run(
        [sys.executable, "-m", "sqlite_utils", "search", str(demo.db), "articles", "Kulubaev"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    assert "Kulubaev" in found.stdout


def test_bad_pages_are_logged_counted_and_harmless(tmp_path):
    db = tmp_path / "faults.db"
    registry = data_path("faults", "sources.toml")
    with ReplayServer(sites=[data_path("faults", "site")]) as replay:
        result = crawl_replay(replay.url, db, registry=registry)
    assert result.returncode == 3, result.stdout + result.stderr  # "gone" yielded nothing
    assert "gone" in result.stderr
    failures = {
        r["url"].rsplit("/", 1)[-1]: r for r in store_rows(db, "SELECT * FROM crawl_failures")
    }
    assert (failures["2"]["kind"], failures["2"]["status"]) == ("http", 404)
    assert (failures["3"]["kind"], failures["3"]["status"]) == ("http", 500)
    assert failures["7"]["kind"] == "timeout"
    assert failures["5"]["kind"] == "parse" and failures["8"]["kind"] == "parse"
    assert failures[""]["source"] == "gone" and failures[""]["status"] == 503
    for name, row in failures.items():
        # logged with the source and the URL
        assert f"{row['source']}: " in result.stderr and row["url"] in result.stderr, name
    articles = {r["url"].rsplit("/", 1)[-1]: r for r in store_rows(db, "SELECT * FROM articles")}
    assert set(articles) == {"1", "4", "6", "9"}
    assert articles["9"]["title"] == "Посол Казахстана вручил верительные грамоты"  # header lied
    assert "header says 'text/html; charset=utf-8' but the page is cp1251" in result.stderr
    assert articles["4"]["published_from"] == "first_seen"  # no date anywhere
    assert articles["6"]["title"] == "Консультации МИД в Бишкеке"  # unknown charset, sniffed
    stats = {r["source"]: r for r in store_rows(db, "SELECT * FROM crawl_source_stats")}
    assert stats["faulty"]["failed"] == 5 and stats["faulty"]["new"] == 4
    assert stats["faulty"]["undated"] == 1
    assert "faulty " in result.stdout and "failed=5" in result.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_scrapy_crawl_writes_to_the_same_store(tmp_path):
    db = tmp_path / "scrapy.db"
    with ReplayServer() as replay:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DIPLOFEED_DB": str(db),
            "DIPLOFEED_REPLAY_URL": replay.url,
        }
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "kabar", "-L", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    with Store(db) as store:
        assert store.counts()["articles"] == 10
        runs = list(store.db.query("SELECT status FROM crawl_runs"))
    assert runs == [{"status": "finished"}]


def test_every_source_is_healthy_after_the_demo(demo):
    listed = json.loads(run_cli("sources", "--db", str(demo.db), "--json").stdout)
    by_id = {s["id"]: s for s in listed}
    for source_id, source in load_registry().items():
        row = by_id[source_id]
        assert row["status"] == "ok", f"{source_id}: {row['status']} ({row['status_reason']})"
        assert (row["country"], row["kind"], row["languages"]) == (
            source.country,
            source.kind,
            list(source.languages),
        )


def test_a_replay_crawl_runs_as_of_the_recording_time(demo):
    runs = store_rows(demo.db, "SELECT as_of FROM crawl_runs")
    assert {r["as_of"] for r in runs} == {"2026-11-28T00:00:00Z"}
    seen = store_rows(demo.db, "SELECT DISTINCT first_seen FROM articles")
    assert seen == [{"first_seen": "2026-11-28T00:00:00Z"}]


def test_a_changed_layout_makes_that_source_broken_and_the_health_feed_says_so(demo, tmp_path):
    db = tmp_path / "layout.db"
    shutil.copy(demo.db, db)
    sites = tmp_path / "sites"
    for site in DEFAULT_SITES.iterdir():
        if site.is_dir() and site.name in load_registry():
            shutil.copytree(site, sites / site.name)
    # kt.kz redesigns its listings: the item class the registry names is gone.
    for page in (sites / "kt_kz").glob("*politics*.html"):
        page.write_text(
            page.read_text(encoding="utf-8").replace("news-list__item", "feed-card"),
            encoding="utf-8",
        )
    with ReplayServer(sites=[sites]) as replay:
        result = crawl_replay(replay.url, db, as_of="2026-11-28T00:00:00+00:00")
    assert result.returncode == 3, result.stdout + result.stderr
    statuses = {
        s["id"]: s["status"]
        for s in json.loads(run_cli("sources", "--db", str(db), "--json").stdout)
    }
    assert statuses.pop("kt_kz") == "broken"
    assert set(statuses.values()) == {"ok"}, statuses
    out = tmp_path / "feeds"
    assert run_cli("feeds", "build", "--db", str(db), "--out", str(out)).returncode == 0
    health = feedparser.parse((out / "health.atom").read_bytes())
    assert not health.bozo
    newest = health.entries[0]
    assert newest.title == "Kazakhstan Today (kt_kz): broken"
    assert "layout" in newest.content[0].value
    ids = [e.id for e in health.entries]
    assert len(ids) == len(set(ids)) == len(load_registry()) + 1


def test_an_edited_article_is_updated_in_place_and_the_changes_feed_says_what_changed(
    demo, tmp_path
):
    db = tmp_path / "edit.db"
    shutil.copy(demo.db, db)
    url = (
        "https://www.kt.kz/rus/politics/"
        "glavy_mid_kazahstana_i_kyrgyzstana_obsudili_vododelenie_i_granitsu_1377996214.html"
    )
    before = store_rows(
        db, "SELECT id, story_id, published, body FROM articles WHERE url = ?", (url,)
    )[0]
    out = tmp_path / "feeds"
    assert run_cli("feeds", "build", "--db", str(db), "--out", str(out)).returncode == 0
    guid_before = {
        e.link: e.id for e in feedparser.parse((out / "source-kt_kz.atom").read_bytes()).entries
    }[url]
    sites = tmp_path / "sites"
    shutil.copytree(DEFAULT_SITES / "kt_kz", sites / "kt_kz")
    page = next(p for p in (sites / "kt_kz").glob("*.html") if "1377996214" in p.name)
    html = page.read_text(encoding="utf-8")
    # the site quietly adds a sentence to the body
    edited = html.replace(
        "Об этом сообщает пресс-служба МИД РК.",
        "Следующий раунд консультаций пройдет в Бишкеке. Об этом сообщает пресс-служба МИД РК.",
        1,
    )
    assert edited != html
    page.write_text(edited, encoding="utf-8")
    # and, as a web server does for a changed page, serves it with new validators (the
    # crawl asks for it with the old ones: If-None-Match, If-Modified-Since)
    responses = sites / "kt_kz" / "responses.toml"
    recorded = responses.read_text(encoding="utf-8")
    changed = recorded.replace(
        """headers = { ETag = '"6b07dc56-505b"', "Last-Modified" = "Thu, 26 Nov 2026 07:14:30 GMT" }""",
        """headers = { ETag = '"6b08a1f0-5104"', "Last-Modified" = "Sat, 28 Nov 2026 05:40:00 GMT" }""",
    )
    assert changed != recorded
    responses.write_text(changed, encoding="utf-8")
    with ReplayServer(sites=[sites]) as replay:
        result = crawl_replay(
            replay.url, db, "--source", "kt_kz", as_of="2026-11-28T06:00:00+00:00"
        )
    assert result.returncode == 0, result.stderr
    assert "updated=1 " in result.stdout
    after = store_rows(
        db, "SELECT id, story_id, published, body, updated FROM articles WHERE url = ?", (url,)
    )[0]
    assert (after["id"], after["story_id"], after["published"]) == (
        before["id"],
        before["story_id"],
        before["published"],
    )
    assert "Следующий раунд консультаций пройдет в Бишкеке." in after["body"]
    assert after["updated"] == "2026-11-28T06:00:00Z"
    versions = store_rows(
        db, "SELECT body FROM article_versions WHERE article_id = ?", (before["id"],)
    )
    assert [v["body"] for v in versions] == [before["body"]]
    assert run_cli("feeds", "build", "--db", str(db), "--out", str(out)).returncode == 0
    entries = {
        e.link: e for e in feedparser.parse((out / "source-kt_kz.atom").read_bytes()).entries
    }
    assert entries[url].id == guid_before  # same GUID: readers update it, never show it twice
    assert entries[url].updated.startswith("2026-11-28T06:00:00")
    changes = feedparser.parse((out / "changes.atom").read_bytes())
    assert not changes.bozo and len(changes.entries) == 1
    assert "Added: " in changes.entries[0].content[0].value
    assert "Следующий раунд консультаций" in changes.entries[0].content[0].value
