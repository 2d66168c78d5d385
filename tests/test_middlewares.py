"""The project's Scrapy middlewares, robots.txt cache and add-on, each built in-process with
Scrapy's ``get_crawler`` and fed requests and responses, as Scrapy tests its own
middlewares (no subprocess, no engine, no network)."""

from __future__ import annotations

import asyncio
import email.utils
import time
from datetime import UTC, datetime, timedelta

import pytest
import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.extract import Article
from crawler.middlewares import (
    IncrementalCrawl,
    LanguageFingerprinter,
    RedirectLoop,
    RedirectLoopGuard,
    RetryAfter,
)
from crawler.middlewares.retry_after import MAX_RETRY_AFTER
from crawler.robots import RobotsTxtCache
from crawler.scaleout.addon import ScaleOut
from storage import Store, canonical_url, format_utc

from .conftest import component_crawler

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
LISTING = "https://kabar.kg/eng/news/"


def article_request(url: str) -> scrapy.Request:
    return scrapy.Request(url, meta={"diplofeed_role": "article"})


def stats(crawler) -> dict:
    return {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("diplofeed/")}


# -- IncrementalCrawl -------------------------------------------------------------------


@pytest.fixture
def stored(tmp_path):
    """A store holding an article stored long ago, one stored yesterday with an ETag and
    one stored yesterday but seen again an hour ago."""
    db = tmp_path / "store.db"
    with Store(db) as store:
        for name, first in (("old", NOW - timedelta(days=30)), ("recent", NOW - timedelta(days=1))):
            store.save_article(
                {"source": "kabar", "url": f"https://kabar.kg/eng/news/{name}/", "title": name},
                now=first,
            )
        store.save_article(
            {"source": "kabar", "url": "https://kabar.kg/eng/news/seen/", "title": "seen"},
            now=NOW - timedelta(days=1),
        )
        store.seen_unchanged("https://kabar.kg/eng/news/seen/", now=NOW - timedelta(hours=1))
        store.remember_validators(
            canonical_url("https://kabar.kg/eng/news/recent/"),
            '"v1"',
            None,
            format_utc(NOW - timedelta(days=1)),
        )
    return db


def run_incremental(crawler, output: list) -> list:
    middleware = IncrementalCrawl.from_crawler(crawler)
    response = HtmlResponse(LISTING, body=b"<html></html>")
    try:
        return list(middleware.process_spider_output(response, output))
    finally:
        middleware.spider_closed()


def test_incremental_crawl_drops_known_articles_and_asks_recent_ones_conditionally(stored):
    crawler = component_crawler(now=NOW, DIPLOFEED_DB=str(stored))
    new = article_request("https://kabar.kg/eng/news/new/")
    recent = article_request("https://kabar.kg/eng/news/recent/")
    output = [
        article_request("https://kabar.kg/eng/news/old/"),
        recent,
        article_request("https://kabar.kg/eng/news/seen/"),
        new,
        scrapy.Request(LISTING + "?page=2", meta={"diplofeed_role": "next_page"}),
    ]
    kept = run_incremental(crawler, output)
    # the old one (before the window) and the one seen an hour ago are not fetched
    assert [r.url for r in kept] == [recent.url, new.url, LISTING + "?page=2"]
    assert stats(crawler) == {"diplofeed/known": 2}
    # the recent one is asked only if it changed; the new one plainly
    assert recent.headers.get("If-None-Match") == b'"v1"'
    assert recent.meta["handle_httpstatus_list"] == [304]
    assert "If-None-Match" not in new.headers


def test_incremental_crawl_stops_pagination_after_a_page_of_old_articles(stored):
    crawler = component_crawler(now=NOW, DIPLOFEED_DB=str(stored))
    listed = Article(source="kabar", url="https://kabar.kg/eng/news/old/", title="old")
    output = [
        article_request("https://kabar.kg/eng/news/old/"),
        listed,  # an article read from the listing itself (API, Telegram)
        scrapy.Request(LISTING + "?page=2", meta={"diplofeed_role": "next_page"}),
    ]
    # the listing's own article still goes to the store (which notes it seen again),
    # counted as known; the next page is not fetched
    assert run_incremental(crawler, output) == [listed]
    assert stats(crawler) == {"diplofeed/known": 2, "diplofeed/pages_not_followed": 1}


def test_incremental_crawl_without_a_store_fetches_everything(tmp_path):
    crawler = component_crawler(now=NOW, DIPLOFEED_DB=str(tmp_path / "none.db"))
    output = [
        article_request("https://kabar.kg/eng/news/old/"),
        scrapy.Request(LISTING + "?page=2", meta={"diplofeed_role": "next_page"}),
    ]
    assert run_incremental(crawler, output) == output
    assert not (tmp_path / "none.db").exists()  # reading never creates a store


# -- LanguageFingerprinter --------------------------------------------------------------


def test_language_fingerprinter_keeps_languages_apart_and_ignores_other_headers():
    crawler = get_crawler(
        settings_dict={
            "REQUEST_FINGERPRINTER_CLASS": "crawler.middlewares.fingerprint.LanguageFingerprinter"
        }
    )
    assert isinstance(crawler.request_fingerprinter, LanguageFingerprinter)
    fingerprint = crawler.request_fingerprinter.fingerprint
    url = "https://mfa.gov.kz/api/news"
    ru = scrapy.Request(url, headers={"Accept-Language": "ru"})
    en = scrapy.Request(url, headers={"Accept-Language": "en"})
    ru_again = scrapy.Request(url, headers={"Accept-Language": "ru", "User-Agent": "other"})
    assert fingerprint(ru) != fingerprint(en)
    assert fingerprint(ru) == fingerprint(ru_again)


# -- RedirectLoopGuard ------------------------------------------------------------------


def redirect(request: scrapy.Request, location: str, status: int = 302) -> Response:
    return Response(request.url, status=status, headers={"Location": location}, request=request)


def test_redirect_loop_guard_fails_a_loop_and_passes_other_redirects():
    guard = RedirectLoopGuard()
    first = scrapy.Request("https://a.example/x")
    # A -> B: a redirect like any other
    to_b = redirect(first, "https://b.example/y")
    assert guard.process_response(first, to_b) is to_b
    # B -> A, A on the chain: a loop, the chain in the message
    second = scrapy.Request("https://b.example/y", meta={"redirect_urls": [first.url]})
    with pytest.raises(RedirectLoop, match=r"a.example/x -> https://b.example/y -> https://a"):
        guard.process_response(second, redirect(second, "https://a.example/x#top"))
    # A -> A, relative
    with pytest.raises(RedirectLoop):
        guard.process_response(first, redirect(first, "/x", status=301))
    # not a redirect, or redirects not followed: untouched
    ok = Response(first.url, status=200, headers={"Location": "/x"}, request=first)
    assert guard.process_response(first, ok) is ok
    own = scrapy.Request(first.url, meta={"dont_redirect": True})
    assert guard.process_response(own, redirect(own, "/x")).status == 302


# -- RetryAfter -------------------------------------------------------------------------


def retry_after(crawler, request: scrapy.Request, status: int, value: str | None) -> Response:
    middleware = RetryAfter.from_crawler(crawler)
    headers = {"Retry-After": value} if value is not None else {}
    response = Response(request.url, status=status, headers=headers, request=request)
    return asyncio.run(middleware.process_response(request, response))


def test_retry_after_waits_as_asked_and_refuses_a_long_wait():
    crawler = get_crawler(settings_dict={"RETRY_TIMES": 2})
    request = scrapy.Request("https://a.example/x")
    started = time.monotonic()
    assert retry_after(crawler, request, 429, "1").status == 429
    assert time.monotonic() - started >= 0.9  # it waited the second asked
    assert crawler.stats.get_value("diplofeed/retry_after_waits") == 1
    # an HTTP date an hour ahead: longer than a crawl waits, so not retried at all
    later = email.utils.format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    long = scrapy.Request("https://a.example/y")
    assert retry_after(crawler, long, 503, later).status == 503
    assert long.meta["dont_retry"] is True
    assert crawler.stats.get_value("diplofeed/retry_after_too_long") == 1
    assert MAX_RETRY_AFTER < 3600


@pytest.mark.parametrize(
    ("status", "value", "retries"),
    [(200, "5", 0), (429, None, 0), (429, "soon", 0), (503, "5", 2)],
    ids=["not-429", "no-header", "unreadable", "no-retry-left"],
)
def test_retry_after_does_not_wait_without_a_retry_to_wait_for(status, value, retries):
    crawler = get_crawler(settings_dict={"RETRY_TIMES": 2})
    request = scrapy.Request("https://a.example/x", meta={"retry_times": retries})
    started = time.monotonic()
    response = retry_after(crawler, request, status, value)
    assert response.status == status and time.monotonic() - started < 0.5
    assert not stats(crawler) and "dont_retry" not in request.meta


# -- RobotsTxtCache ---------------------------------------------------------------------


def test_robots_txt_cache_reads_a_kept_file_without_fetching_it(tmp_path):
    db = tmp_path / "store.db"
    with Store(db) as store:
        store.remember_robots_txt(
            "https://kabar.kg",
            200,
            b"User-agent: *\nDisallow: /private/\n",
            format_utc(NOW - timedelta(hours=2)),
        )
    crawler = component_crawler(now=NOW, DIPLOFEED_DB=str(db), ROBOTSTXT_OBEY=True)
    middleware = RobotsTxtCache(crawler)
    try:
        parser = asyncio.run(middleware.robot_parser(scrapy.Request(LISTING)))
    finally:
        middleware._close()
    assert parser is not None
    assert parser.allowed(LISTING, "*")
    assert not parser.allowed("https://kabar.kg/private/x", "*")
    assert crawler.stats.get_value("diplofeed/robots_kept") == 1
    assert crawler.stats.get_value("robotstxt/request_count") is None  # not fetched


def test_robots_txt_cache_takes_a_file_another_worker_kept_in_redis(redis_client, redis_url):
    from crawler.scaleout.keys import robots_key
    from crawler.scaleout.worker import Worker

    redis_client.set(robots_key("https://kabar.kg"), b"1User-agent: *\nDisallow: /private/\n")
    crawler = component_crawler(now=NOW, DIPLOFEED_REDIS_URL=redis_url, ROBOTSTXT_OBEY=True)
    try:
        middleware = RobotsTxtCache(crawler)
        middleware.worker.round = "r1"  # as when its spider joined a round
        parser = asyncio.run(middleware.robot_parser(scrapy.Request(LISTING)))
    finally:
        Worker.forget()
    assert parser is not None and parser.allowed(LISTING, "*")
    assert not parser.allowed("https://kabar.kg/private/x", "*")
    assert crawler.stats.get_value("diplofeed/robots_kept") == 1
    assert crawler.stats.get_value("robotstxt/request_count") is None  # not fetched


# -- ScaleOut (add-on) ------------------------------------------------------------------


def test_scale_out_addon_switches_the_scheduler_only_with_a_redis_url():
    local = Settings({"CONCURRENT_REQUESTS": 8})
    ScaleOut().update_settings(local)
    assert "REDIS_URL" not in local and local.getint("CONCURRENT_REQUESTS") == 8
    shared = Settings({"DIPLOFEED_REDIS_URL": "redis://127.0.0.1:1/0", "CONCURRENT_REQUESTS": 8})
    ScaleOut().update_settings(shared)
    assert shared["REDIS_URL"] == "redis://127.0.0.1:1/0"
    assert shared["SCHEDULER"] == "crawler.scaleout.scheduler.RoundScheduler"
    assert shared.getint("CONCURRENT_REQUESTS") == 4
