"""The scale-out scheduler: scrapy-redis's, with the open round's shared queue and
duplicate filter (set by crawler/scaleout/addon.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from .keys import round_key
from .worker import Worker, as_text

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request

__all__ = ["RoundDupeFilter", "RoundScheduler"]


class RoundScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler, with the queue and duplicate filter of the open round.

    A spider with nothing left to do stays open while the same spider in another live
    worker is still busy (it may yet queue requests this one can take): the work is
    shared to the end, not only at the start.
    """

    POLL_SECONDS = 0.5  # how often an idle spider looks for requests another worker queued

    worker: Worker
    crawler: Crawler
    busy = False  # this worker holds requests of this spider (in the round's busy set)
    busy_key = ""
    debug = False
    fingerprinter: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RoundScheduler:
        worker = Worker.of(crawler.settings)
        scheduler = cls(server=worker.client, persist=True, idle_before_close=0, serializer=None)
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        scheduler.worker = worker
        scheduler.busy = False
        scheduler.debug = crawler.settings.getbool("DUPEFILTER_DEBUG")
        scheduler.fingerprinter = crawler.request_fingerprinter
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Any) -> None:
        round_id = self.worker.enter(spider.name)
        self.queue_key = round_key(round_id, "requests", "%(spider)s")
        self.busy_key = round_key(round_id, "busy", spider.name)
        self.df = RoundDupeFilter(
            self.server,
            key=round_key(round_id, "seen", spider.name),
            debug=self.debug,
            fingerprinter=self.fingerprinter,
        )
        super().open(spider)

    def close(self, reason: str) -> None:
        # persist=True: the queue and filter belong to the round, not to this worker
        self._idle()
        self.worker.exit()

    def enqueue_request(self, request: Any) -> bool:
        if self.worker.counted_out:  # the round goes on, or ended, without this worker
            self.stats.inc_value("diplofeed/dropped_counted_out")
            return False
        return bool(super().enqueue_request(request))

    def has_pending_requests(self) -> bool:
        return not self.worker.counted_out and bool(super().has_pending_requests())

    def next_request(self) -> Any:
        if self.worker.counted_out:
            return None
        request = super().next_request()
        if request is not None and not self.busy:
            self.server.sadd(self.busy_key, self.worker.id)
            self.busy = True
        return request

    def _idle(self) -> None:
        if self.busy:
            self.server.srem(self.busy_key, self.worker.id)
            self.busy = False

    def spider_idle(self, spider: Any) -> None:
        self._idle()
        if self.worker.counted_out:
            return
        members = [as_text(w) for w in self.server.smembers(self.busy_key)]
        if self.worker.alive(members):
            # Scrapy looks again at its next heartbeat (5 s); look sooner, so requests
            # the other worker queues meanwhile are shared
            slot = getattr(self.crawler.engine, "_slot", None)
            nextcall = getattr(slot, "nextcall", None)
            if nextcall is not None:
                nextcall.schedule(self.POLL_SECONDS)
            raise DontCloseSpider("another worker of this round is still crawling this source")


class RoundDupeFilter(RFPDupeFilter):  # type: ignore[misc]
    """scrapy-redis's shared duplicate filter, with the crawl's request fingerprints
    (``REQUEST_FINGERPRINTER_CLASS``), so a shared crawl keeps apart what a local one
    keeps apart."""

    def __init__(self, server: Any, key: str, debug: bool, fingerprinter: Any) -> None:
        super().__init__(server, key=key, debug=debug)
        self.fingerprinter = fingerprinter

    def request_fingerprint(self, request: Request) -> str:
        return str(self.fingerprinter.fingerprint(request).hex())
