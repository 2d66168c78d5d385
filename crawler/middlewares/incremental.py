"""The spider middleware of incremental crawls: a re-crawl with nothing new fetches listings, feeds and sitemaps,
not the articles already stored (docs/deploy.md, "Incremental crawls").

A spider middleware over each page's output (the spiders only navigate and mark their
requests with a role):

* an ``article`` request for a page stored before the revisit window
  (``DIPLOFEED_REVISIT_HOURS``, 48 by default) is dropped and counted as ``known``;
  one stored within the window is fetched again, to catch edits, conditionally
  (``If-None-Match``, ``If-Modified-Since``) when the page was served with validators,
  at most once every ``DIPLOFEED_REVISIT_EVERY_HOURS`` (6 by default): one seen more
  recently is dropped and counted as ``known`` too;
* a ``next_page`` request is dropped when the page held articles and every one of them
  was stored before the window: older pages hold older articles. (Articles within the
  window do not stop pagination, even when left alone: a crawl killed or failing before
  the next page may have missed older articles there.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals

from crawler.extract import Article
from storage import Store, canonical_url, parse_utc
from storage.errors import StorageError
from storage.normalize import web_url
from storage.reads import KnownPage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["IncrementalCrawl"]


class IncrementalCrawl:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db = str(crawler.settings.get("DIPLOFEED_DB"))
        self.window = timedelta(hours=crawler.settings.getfloat("DIPLOFEED_REVISIT_HOURS", 48))
        self.every = timedelta(hours=crawler.settings.getfloat("DIPLOFEED_REVISIT_EVERY_HOURS", 6))
        self._store: Store | None = None
        # scale-out workers have no store: the writer mirrors what is stored to Redis
        self._known: Any = None
        if crawler.settings.get("DIPLOFEED_REDIS_URL"):
            from crawler.scaleout.worker import KnownPages, Worker

            self._known = KnownPages(Worker.of(crawler.settings).client)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalCrawl:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def _first_seen(self, urls: list[str]) -> dict[str, KnownPage]:
        if not urls:
            return {}
        if self._known is not None:
            return self._known.first_seen(urls)  # type: ignore[no-any-return]
        if self._store is None:
            if not Path(self.db).exists():
                return {}
            try:
                self._store = Store(self.db, readonly=True)
            except StorageError:  # a store being created or migrated: fetch everything
                return {}
        return self._store.first_seen(urls)

    def _filter(self, output: list[Any], spider: Any) -> Iterator[Any]:
        stats = self.crawler.stats
        cutoff = spider.now - self.window
        urls: dict[int, str] = {}
        for i, entry in enumerate(output):
            if (
                (
                    isinstance(entry, scrapy.Request)
                    and entry.meta.get("diplofeed_role") == "article"
                )
                or isinstance(entry, Article)
            ) and web_url(entry.url) is not None:
                # (an address the store refuses is never stored: nothing to skip)
                urls[i] = canonical_url(entry.url)
        stored = self._first_seen(list(set(urls.values())))
        checked = spider.now - self.every
        # stored before the window: not fetched, and a page of only those ends pagination
        old = {i for i, url in urls.items() if url in stored and parse_utc(stored[url][0]) < cutoff}
        only_old = bool(urls) and len(old) == len(urls)
        # within the window but seen since the last revisit: not fetched either, but the
        # next page is (a crawl killed or failing before it may have missed older ones)
        old |= {i for i, url in urls.items() if url in stored and _seen_since(stored[url], checked)}
        for i, entry in enumerate(output):
            if isinstance(entry, scrapy.Request):
                role = entry.meta.get("diplofeed_role")
                if role == "article" and i in old:
                    stats.inc_value("diplofeed/known")
                    continue
                if role == "article" and urls[i] in stored:
                    _conditional(entry, stored[urls[i]][1], stored[urls[i]][2])
                if role == "next_page" and only_old:
                    stats.inc_value("diplofeed/pages_not_followed")
                    continue
            elif i in old:
                # an article read from the listing itself (API, Telegram): stored before
                stats.inc_value("diplofeed/known")
            yield entry

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from self._filter(list(result), self.crawler.spider)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        output = [entry async for entry in result]
        for entry in self._filter(output, self.crawler.spider):
            yield entry

    def spider_closed(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _seen_since(page: KnownPage, when: datetime) -> bool:
    seen = page[3]
    return seen is not None and parse_utc(seen) > when


def _conditional(request: scrapy.Request, etag: str | None, last_modified: str | None) -> None:
    """Ask for a stored article again only if it changed: ``If-None-Match`` and
    ``If-Modified-Since`` from what it was served with; its callback takes the 304."""
    if not etag and not last_modified:
        return
    if etag:
        request.headers["If-None-Match"] = etag
    if last_modified:
        request.headers["If-Modified-Since"] = last_modified
    request.meta["handle_httpstatus_list"] = [304]
