"""The scale-out add-on (``ADDONS`` in crawler/settings.py): with ``DIPLOFEED_REDIS_URL``
set, a crawl schedules through the round's shared queue and duplicate filter."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

__all__ = ["ScaleOut"]


class ScaleOut:
    """Scrapy add-on (``ADDONS`` in crawler/settings.py): with ``DIPLOFEED_REDIS_URL`` set,
    schedule through the round's shared queue and duplicate filter."""

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("DIPLOFEED_REDIS_URL")
        if not url:
            return
        settings.set("REDIS_URL", url, priority="addon")
        settings.set("SCHEDULER", "crawler.scaleout.scheduler.RoundScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", "addon")
        # A spider takes from the shared queue as many requests as its downloader may
        # hold (CONCURRENT_REQUESTS), then fetches them one at a time per site: a worker
        # holding few leaves the rest to the others. Above the project's setting, below
        # the command line's.
        settings.set(
            "CONCURRENT_REQUESTS", settings.getint("DIPLOFEED_WORKER_REQUESTS", 4), "spider"
        )
