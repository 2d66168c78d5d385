"""The item pipelines, built in-process with Scrapy's ``get_crawler`` and handed items, as
Scrapy tests its own components: the store pipeline (a local crawl) and the queue
pipeline (a scale-out worker, against a real redis-server). Both write through
crawler/storing.py: the writer's side is in test_scale_out.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from scrapy.exceptions import DropItem, NotConfigured

from crawler.extract import Article
from crawler.items import FetchFailure, NotModified
from crawler.pipelines import StorePipeline
from crawler.scaleout.keys import EVENTS, run_key
from crawler.scaleout.pipeline import QueuePipeline
from crawler.scaleout.worker import Worker
from storage import format_utc

from .conftest import component_crawler, store_rows

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
URL = "https://kabar.kg/eng/news/a-visit/"


def article(**fields) -> Article:
    values = {
        "source": "kabar",
        "url": URL,
        "title": "Kyrgyzstan and Kazakhstan discuss the border",
        "body": "The foreign ministers of Kyrgyzstan and Kazakhstan met in Bishkek.",
        "published": datetime(2026, 11, 27, 9, 30, tzinfo=UTC),
        "language": "en",
        "http_etag": '"e1"',
    }
    return Article(**{**values, **fields})


def test_store_pipeline_stores_each_item_and_records_the_run(tmp_path):
    db = tmp_path / "store.db"
    crawler = component_crawler(now=NOW, DIPLOFEED_DB=str(db))
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    item = article()
    assert pipeline.process_item(item) is item
    pipeline.process_item(article())  # the same again: unchanged
    pipeline.process_item(NotModified(source="kabar", url=URL))
    pipeline.process_item(FetchFailure("kabar", "https://kabar.kg/eng/x/", "http", "HTTP 500", 500))
    with pytest.raises(DropItem, match="not stored"):  # refused by the store: no title
        pipeline.process_item(article(url="https://kabar.kg/eng/news/b/", title=" "))
    crawler.stats.set_value("diplofeed/articles", 3)
    pipeline.close_spider()

    rows = store_rows(db, "SELECT url, title, published, first_seen, language FROM articles")
    assert rows == [
        {
            "url": URL,
            "title": "Kyrgyzstan and Kazakhstan discuss the border",
            "published": "2026-11-27T09:30:00Z",
            "first_seen": "2026-11-28T12:00:00Z",  # the crawl's clock, DIPLOFEED_AS_OF
            "language": "en",
        }
    ]
    assert store_rows(db, "SELECT etag, seen FROM http_validators") == [
        {"etag": '"e1"', "seen": "2026-11-28T12:00:00Z"}
    ]
    failures = store_rows(db, "SELECT kind, status, url FROM crawl_failures ORDER BY id")
    assert [(f["kind"], f["status"]) for f in failures] == [("http", 500), ("store", None)]
    figures = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("diplofeed/")}
    assert figures == {
        "diplofeed/new": 1,
        "diplofeed/unchanged": 1,
        "diplofeed/failed": 1,
        "diplofeed/articles": 3,
    }
    # `scrapy crawl` outside the CLI: the pipeline's own run, finished with the figures
    run = store_rows(db, "SELECT status FROM crawl_runs")
    assert run == [{"status": "finished"}]
    stats = store_rows(db, "SELECT source, articles, new, failed FROM crawl_source_stats")
    assert stats == [{"source": "kabar", "articles": 3, "new": 1, "failed": 1}]


def test_store_pipeline_counts_what_an_unwritable_store_could_not_keep(tmp_path):
    folder = tmp_path / "not-a-folder"
    folder.write_text("a file where the store's folder should be")
    crawler = component_crawler(now=NOW, DIPLOFEED_DB=str(folder / "store.db"))
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    with pytest.raises(DropItem, match="not stored"):
        pipeline.process_item(article())
    assert crawler.stats.get_value("diplofeed/unstored") == 1
    pipeline.close_spider()


def test_the_pipelines_switch_on_the_redis_url():
    with pytest.raises(NotConfigured):
        StorePipeline.from_crawler(
            component_crawler(now=NOW, DIPLOFEED_REDIS_URL="redis://127.0.0.1:1/0")
        )
    with pytest.raises(NotConfigured):
        QueuePipeline.from_crawler(component_crawler(now=NOW))


def test_queue_pipeline_sends_each_item_to_the_writer(redis_client, redis_url):
    crawler = component_crawler(now=NOW, DIPLOFEED_REDIS_URL=redis_url)
    try:
        pipeline = QueuePipeline.from_crawler(crawler)
        worker = pipeline.worker
        worker.round = "r1"  # as when its spider opened (Worker.enter)
        item = article()
        assert pipeline.process_item(item) is item
        pipeline.process_item(NotModified(source="kabar", url=URL))
        pipeline.process_item(FetchFailure("kabar", URL, "timeout", "timed out"))
        crawler.stats.set_value("diplofeed/new", 1)
        pipeline.close_spider()
    finally:
        Worker.forget()
    events = [json.loads(e) for e in redis_client.lrange(EVENTS, 0, -1)]
    assert [e["event"] for e in events] == ["article", "not_modified", "failure"]
    assert {e["round"] for e in events} == {"r1"}
    assert all(e["seen"] == format_utc(NOW) for e in events)  # the crawl's clock
    assert events[0]["item"]["published"] == "2026-11-27T09:30:00+00:00"
    assert events[0]["item"]["title"] == "Kyrgyzstan and Kazakhstan discuss the border"
    figures = redis_client.hgetall(run_key("r1", "figures"))
    assert figures[b"kabar:new"] == b"1" and figures[b"kabar:articles"] == b"0"
