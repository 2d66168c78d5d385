"""The item pipeline: hands each item to the store, one call each (docs/schema.md).

No SQL here and no per-source branching: ``storage.Store`` decides identity and stories.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured

from storage import CRAWL_FIGURES, Store, parse_utc
from storage.errors import StoreUnavailable
from storage.writing import write_timeout

from .items import Article, NotModified, item_fields
from .storing import ITEM_KINDS, store_item

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["StorePipeline"]

# After a write failed for the store's sake, later ones wait this long (seconds), until
# one goes through again.
SHORT_WRITE_TIMEOUT = 5.0

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        if crawler.settings.get("DIPLOFEED_REDIS_URL"):
            # a scale-out worker: crawler.scaleout.pipeline.QueuePipeline sends items to the writer
            # (no message: Scrapy would log the normal case as a warning per spider)
            raise NotConfigured
        self.crawler = crawler
        self.db_path = crawler.settings.get("DIPLOFEED_DB")
        self.run_id: int | None = crawler.settings.getint("DIPLOFEED_RUN_ID") or None
        self._own_run = False
        self.store: Store | None = None
        self._now: datetime | None = None
        self._unavailable: StoreUnavailable | None = None
        self._write_timeout = write_timeout()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    @property
    def _source(self) -> Any:
        return self.crawler.spider.source  # type: ignore[union-attr]

    def open_spider(self) -> None:
        as_of = self.crawler.settings.get("DIPLOFEED_AS_OF")
        self._now = parse_utc(as_of) if as_of else None
        try:
            self.store = Store(self.db_path)
            self.store.sync_sources([self._source.as_row()])
            if self.run_id is None:  # `scrapy crawl <id>` outside the CLI: its own run
                replay = bool(self.crawler.settings.get("DIPLOFEED_REPLAY_URL"))
                self.run_id = self.store.start_run(
                    [self._source.id], replay=replay, as_of=self._now
                )
                self._own_run = True
        except StoreUnavailable as exc:
            # the spider still runs, and every item it finds is counted as not stored:
            # the crawl exits 6 with the count, and the next crawl fetches them again
            logger.error("%s: the store cannot be written: %s", self._source.id, exc)
            self._unavailable = exc
            if self.store is not None:
                self.store.write_timeout = min(self._write_timeout, SHORT_WRITE_TIMEOUT)

    def process_item(self, item: Any) -> Any:
        if self.store is None:
            return self._unstored(item, self._unavailable or StoreUnavailable("no store"))
        try:
            item = self._store_item(self.store, item)
        except StoreUnavailable as exc:
            return self._unstored(item, exc)
        if self._unavailable is not None:  # it can be written again: back to the full bound
            self._unavailable = None
            self.store.write_timeout = self._write_timeout
        return item

    def _unstored(self, item: Any, exc: StoreUnavailable) -> Any:
        """The store's fault, not the page's: counted (the source turns degraded and the
        crawl exits 6), logged with the source and URL, never an "ok"."""
        source, url = getattr(item, "source", "?"), getattr(item, "url", "?")
        if isinstance(item, (Article, NotModified)):
            self.crawler.stats.inc_value("diplofeed/unstored")
        logger.error("%s: not stored %s: %s", source, url, exc)
        if self._unavailable is None:
            self._unavailable = exc
            if self.store is not None:
                # a store locked for an hour must not hold the crawl an hour per article:
                # the next writes wait a short bound, until one goes through again
                self.store.write_timeout = min(self._write_timeout, SHORT_WRITE_TIMEOUT)
        raise DropItem(f"{source}: not stored {url}: {exc}") from exc

    def _store_item(self, store: Store, item: Any) -> Any:
        kind = ITEM_KINDS.get(type(item))
        if kind is None:
            raise DropItem(f"unexpected item type {type(item).__name__}")
        stored = store_item(store, kind, item_fields(item), run_id=self.run_id, now=self._now)
        if stored.error is not None:
            self.crawler.stats.inc_value("diplofeed/failed")
            raise DropItem(
                f"{item.source}: not stored {item.url}: {stored.error}"
            ) from stored.error
        if kind == "article":
            self.crawler.stats.inc_value(f"diplofeed/{stored.outcome}")
        return item

    def close_spider(self) -> None:
        if self.store is None:
            return
        stats = self.crawler.stats
        figures = {
            name: int(stats.get_value(f"diplofeed/{name}", 0) or 0) for name in CRAWL_FIGURES
        }
        try:
            if self.run_id is None:  # its own run could not even be started
                raise self._unavailable or StoreUnavailable("no run to record")
            self.store.record_source_stats(self.run_id, self._source.id, figures)
            if self._own_run:
                self.store.finish_run(self.run_id, "finished")
        except StoreUnavailable as exc:
            # the source's line then says it did not finish, and the crawl exits non-zero
            logger.error("%s: the crawl's figures could not be stored: %s", self._source.id, exc)
        finally:
            self.store.close()
