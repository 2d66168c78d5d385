"""The scale-out item pipeline: a worker sends each item to the writer through Redis
(enabled beside crawler/pipelines.py's; exactly one of the two is configured)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from crawler.items import item_fields
from crawler.storing import ITEM_KINDS
from storage import CRAWL_FIGURES, format_utc
from storage.times import utcnow

from .keys import run_key
from .worker import Worker

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["QueuePipeline"]


class QueuePipeline:
    """In scale-out mode, the item pipeline: each item goes to the writer through Redis;
    each source's figures are added to the round's at close (crawler/settings.py enables
    it beside StorePipeline; exactly one of the two is configured)."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.get("DIPLOFEED_REDIS_URL"):
            # the store pipeline writes: the normal case, not worth a warning per spider
            raise NotConfigured
        self.crawler = crawler
        self.worker = Worker.of(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QueuePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        kind = ITEM_KINDS.get(type(item))
        if kind is None:
            return item
        as_of = self.worker.as_of
        self.worker.send(
            {"event": kind, "seen": as_of or format_utc(utcnow()), "item": item_fields(item)}
        )
        return item

    def close_spider(self) -> None:
        spider = self.crawler.spider
        assert spider is not None and self.worker.round is not None
        stats = self.crawler.stats
        figures = {n: int(stats.get_value(f"diplofeed/{n}", 0) or 0) for n in CRAWL_FIGURES}
        self.worker.figures[spider.name] = figures
        if self.worker.counted_out:
            return  # the round went on (or ended) without this worker's figures
        key = run_key(self.worker.round, "figures")
        pipe = self.worker.client.pipeline()
        for name, value in figures.items():
            pipe.hincrby(key, f"{spider.name}:{name}", value)
        pipe.execute()
