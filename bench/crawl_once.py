"""One benchmark crawl in this process; prints a JSON line with pages, seconds, peak RSS.

    python bench/crawl_once.py full  REPLAY_URL REGISTRY DB
    python bench/crawl_once.py plain REPLAY_URL REGISTRY URLS_FILE

``full``: the diplofeed spider, extraction and store pipeline for source ``bench_kt``.
``plain``: a bare Scrapy spider requesting the same URLs, parsing nothing, storing nothing.
Both run with the same settings against the same replay server.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import AsyncCrawlerProcess

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.runner import crawl_settings
from storage import Store

# Politeness is for real servers: both runs fetch 8 pages at a time from the replay server.
OVERRIDES = {"CONCURRENT_REQUESTS_PER_DOMAIN": 8, "CONCURRENT_REQUESTS": 16, "LOG_LEVEL": "ERROR"}


class PlainSpider(scrapy.Spider):
    name = "plain"
    # plain Scrapy: no item pipeline, and none of diplofeed's spider middlewares (they
    # read a diplofeed spider's source and clock, which this spider has not)
    custom_settings = {  # noqa: RUF012 - Scrapy's own attribute
        "ITEM_PIPELINES": {},
        "SPIDER_MIDDLEWARES": {"crawler.middlewares.IncrementalCrawl": None},
    }

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[Any]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.ignore)

    def ignore(self, response: scrapy.http.Response) -> None:
        return None


def main() -> None:
    mode, replay_url, registry, target = sys.argv[1:5]
    os.environ["DIPLOFEED_REGISTRY"] = registry
    db = target if mode == "full" else ":memory:"
    run_id = None
    if mode == "full":
        with Store(db) as store:
            run_id = store.start_run(["bench_kt"], replay=True)
    settings = crawl_settings(db, run_id=run_id, replay_url=replay_url, registry=registry)
    for key, value in OVERRIDES.items():
        settings.set(key, value, priority="cmdline")
    process = AsyncCrawlerProcess(settings)
    if mode == "full":
        crawler = process.create_crawler("bench_kt")
        process.crawl(crawler)
    else:
        urls = Path(target).read_text().split()
        crawler = process.create_crawler(PlainSpider)
        process.crawl(crawler, urls=urls)
    cpu: dict[str, float] = {}

    def cpu_now() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    # this process's CPU time from the spider's start to its end: what a machine shared
    # with other work changes much less than the wall clock
    crawler.signals.connect(
        lambda **_: cpu.setdefault("opened", cpu_now()), signal=signals.spider_opened, weak=False
    )
    crawler.signals.connect(
        lambda **_: cpu.setdefault("closed", cpu_now()), signal=signals.spider_closed, weak=False
    )
    process.start()
    stats = crawler.stats.get_stats()
    pages = int(stats.get("response_received_count", 0))
    print(
        json.dumps(
            {
                "mode": mode,
                "pages": pages,
                "seconds": float(stats.get("elapsed_time_seconds", 0.0)),
                "cpu_seconds": cpu.get("closed", 0.0) - cpu.get("opened", 0.0),
                "items": int(stats.get("item_scraped_count", 0)),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
