"""The scale-out scheduler (crawler/scaleout/scheduler.py), built in-process with Scrapy's
``get_crawler`` against a real redis-server, as Scrapy tests its own components."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import scrapy

from crawler.scaleout.keys import EVENTS, ROUND, round_key
from crawler.scaleout.scheduler import RoundScheduler
from crawler.scaleout.worker import Worker

from .conftest import component_crawler

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
URL = "https://kabar.kg/eng/news/a-visit/"


def test_round_scheduler_shares_one_queue_and_filter_and_ends_the_round(redis_client, redis_url):
    """The scale-out scheduler (crawler/scaleout/scheduler.py), in-process: opening it
    joins a round (the Lua scripts, filled in from crawler/scaleout/keys.py), a request
    seen once is not queued again, and closing the last spider ends the round."""
    crawler = component_crawler(now=NOW, DIPLOFEED_REDIS_URL=redis_url)
    try:
        scheduler = RoundScheduler.from_crawler(crawler)
        scheduler.open(crawler.spider)
        round_id = redis_client.get(ROUND).decode()
        assert redis_client.sismember(round_key(round_id, "workers"), scheduler.worker.id)
        request = scrapy.Request(URL)
        assert scheduler.enqueue_request(request)
        assert not scheduler.enqueue_request(scrapy.Request(URL))  # seen: filtered
        assert scheduler.next_request().url == URL
        assert scheduler.next_request() is None
        scheduler.close("finished")
    finally:
        Worker.forget()
    events = [json.loads(e) for e in redis_client.lrange(EVENTS, 0, -1)]
    assert [e["event"] for e in events] == ["join", "end"]
    assert events[1] == {"event": "end", "round": round_id, "status": "finished"}
    assert redis_client.get(ROUND) is None
    assert not redis_client.keys(round_key(round_id, "*"))
