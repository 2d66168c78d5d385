"""Incremental crawls (issue #7): a re-crawl with nothing new downloads listings, feeds
and sitemaps, not the articles already stored; recent articles are fetched again to
catch edits. Real crawls of the replay copies into a real store."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from crawler.replay import ReplayArchive, ReplayServer
from storage.health import classify

from .conftest import crawl_replay, run_cli, store_rows

pytestmark = pytest.mark.crawl


def pages_of(db, run_id):
    rows = store_rows(
        db,
        "SELECT sum(pages) p, sum(known) k, sum(new) n FROM crawl_source_stats WHERE run_id = ?",
        (run_id,),
    )
    return rows[0]


def test_a_recrawl_with_nothing_new_fetches_only_listings(demo, tmp_path, capsys):
    db = tmp_path / "again.db"
    shutil.copy(demo.db, db)
    later = (ReplayArchive.load().recorded + timedelta(days=3)).isoformat()
    result = run_cli(
        "crawl", "--replay", "--db", str(db), "--as-of", later, "--log-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr  # no source "failed"
    runs = [r["id"] for r in store_rows(db, "SELECT id FROM crawl_runs ORDER BY id")]
    first, again = pages_of(db, runs[0]), pages_of(db, runs[-1])
    assert again["n"] == 0 and again["k"] > 0
    ratio = again["p"] / first["p"]
    with capsys.disabled():
        print(
            f"\nre-crawl with nothing new: {again['p']} pages against {first['p']} ({ratio:.0%}), {again['k']} known articles not fetched"
        )
    # the replay copies hold ~10 articles a source: the 52 start URLs (feeds, sitemaps,
    # first listing pages of each language) are most of what is left (bench/recrawl.py)
    assert ratio < 0.30
    assert "FAILED" not in result.stdout and "broken" not in result.stdout


def test_a_recrawl_of_a_source_at_archive_depth_fetches_one_listing_page(tmp_path):
    """60 articles, 20 to a listing page, crawled to the last page; three days later,
    with nothing new, the re-crawl stops at the first page: 1 page of 63."""
    from bench.sitegen import build_site

    registry, _ = build_site(tmp_path / "deep", 60)
    db = tmp_path / "deep.db"
    recorded = ReplayArchive.load().recorded
    with ReplayServer(sites=[tmp_path / "deep" / "site"]) as replay:
        for as_of in (recorded, recorded + timedelta(days=3)):
            result = crawl_replay(
                replay.url, db, "--source", "bench_kt", as_of=as_of.isoformat(), registry=registry
            )
            assert result.returncode == 0, result.stderr[-2000:]
    first, again = store_rows(
        db, "SELECT pages, new, known FROM crawl_source_stats ORDER BY run_id"
    )
    assert first["new"] == 60 and first["pages"] == 63
    assert again["pages"] == 1 and again["new"] == 0 and again["known"] == 20


def test_a_link_that_redirects_to_a_stored_article_is_not_fetched_again(demo, tmp_path):
    """UNRCCA's listing links one post by its /node/<nid> path, which Drupal redirects to
    the post's alias: the alias is stored, and the re-crawl knows the link, so it fetches
    the two listings and nothing else (no article, no second listing page)."""
    db = tmp_path / "aliases.db"
    shutil.copy(demo.db, db)
    assert store_rows(db, "SELECT canonical_url FROM article_aliases WHERE canonical_url "
                          "LIKE 'https://unrcca.unmissions.org/node/%'")  # fmt: skip
    later = (ReplayArchive.load().recorded + timedelta(days=3)).isoformat()
    result = run_cli("crawl", "--replay", "--source", "unrcca", "--db", str(db), "--as-of", later)
    assert result.returncode == 0, result.stderr
    again = store_rows(
        db, "SELECT pages, known, new FROM crawl_source_stats ORDER BY run_id DESC LIMIT 1"
    )[0]
    assert again["pages"] == 2 and again["new"] == 0 and again["known"] > 0


def test_only_a_permanent_redirect_makes_an_alias():
    """A 301 or 308 on the way to an article makes the first address an alias of it; a
    302 (an unpublished translation sent to the original for now) does not: that address
    may be a page of its own tomorrow."""
    from scrapy.http import HtmlResponse, Request

    from crawler.spiders.base import _moved_permanently

    chain = {
        "redirect_urls": ["https://x.kz/node/1", "https://x.kz/kk/press/2", "https://x.kz/old"],
        "redirect_reasons": [301, 302, 308],
    }
    final = "https://x.kz/ru/press/1"
    response = HtmlResponse(final, request=Request(final, meta=chain))
    assert _moved_permanently(response) == ("https://x.kz/node/1", "https://x.kz/old")
    assert _moved_permanently(HtmlResponse(final, request=Request(final))) == ()


def test_within_the_revisit_window_stored_articles_are_asked_for_conditionally(demo, tmp_path):
    """Every article is recent (within the 48 h window). A crawl on the same clock as the
    demo's leaves them alone (seen less than DIPLOFEED_REVISIT_EVERY_HOURS, 6, ago);
    seven hours later each is asked for again, with If-None-Match / If-Modified-Since
    where its page had validators (the replay copies of kt.kz have them): the server
    answers 304, nothing is re-read, and the 304 counts as seen, so half an hour later
    they are left alone again."""
    db = tmp_path / "window.db"
    shutil.copy(demo.db, db)
    validators = store_rows(db, "SELECT count(*) n FROM http_validators")[0]["n"]
    assert validators > 0
    recorded = ReplayArchive.load().recorded
    figures = []
    for hours in (0, 7, 7.5):
        as_of = (recorded + timedelta(hours=hours)).isoformat()
        result = run_cli(
            "crawl", "--replay", "--source", "kt_kz", "--db", str(db), "--as-of", as_of,
            "--log-level", "WARNING",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        figures.append(
            store_rows(
                db,
                "SELECT pages, known, not_modified, failed, status FROM crawl_source_stats "
                "ORDER BY run_id DESC LIMIT 1",
            )[0]
        )
    same_clock, later, soon_after = figures
    assert same_clock["known"] > 0 and same_clock["not_modified"] == 0
    # the Russian and English listings and their second pages: recent articles, even
    # left alone, do not stop pagination (an interrupted crawl may have missed older ones)
    assert same_clock["pages"] == 4
    assert later["known"] == 0 and later["not_modified"] > 0 and later["failed"] == 0
    assert soon_after["known"] == same_clock["known"] and soon_after["not_modified"] == 0
    assert all(f["status"] == "ok" for f in figures)


def test_a_listing_of_known_articles_is_a_working_source():
    from datetime import UTC, datetime

    health = classify(
        {"pages": 2, "articles": 0, "known": 9},
        [],
        [datetime(2026, 11, 27, tzinfo=UTC)],
        datetime(2026, 11, 28, tzinfo=UTC),
    )
    assert health.status == "ok" and "9 known" in health.reason
    broken = classify(
        {"pages": 2, "articles": 0, "known": 0}, [], [], datetime(2026, 11, 28, tzinfo=UTC)
    )
    assert broken.status == "broken"
