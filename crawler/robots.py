"""robots.txt, fetched at most once a day per host.

RFC 9309 (section 2.4) lets a crawler use a cached robots.txt for up to 24 hours. A
crawl every 30 minutes would otherwise ask each site for it 48 times a day. This is
Scrapy's robots.txt middleware, with the file kept:

* in the store (``robots_txt``), for crawls that write the store;
* in Redis, for scale-out workers (crawler/scaleout/worker.py). One worker fetches a host's
  file and the others wait for it, so no worker fetches it twice.

A file that could not be fetched (network error, 5xx) is not kept: the next crawl asks
again. Meanwhile nothing is forbidden, as in Scrapy. Ages are read on the crawl clock
(``DIPLOFEED_AS_OF`` when set).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from storage import Store, format_utc, parse_utc
from storage.errors import StorageError

from .scaleout.keys import robots_key, worker_key
from .scaleout.worker import Worker, as_text

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.robotstxt import RobotParser

__all__ = ["MAX_AGE", "RobotsTxtCache"]

logger = logging.getLogger(__name__)

MAX_AGE = timedelta(hours=24)
# Redis: a failed fetch is shared this long, so that waiting workers go on.
FAILED_SECONDS = 300
# Longer than a fetch can take: DOWNLOAD_TIMEOUT 30 s, three tries.
CLAIM_SECONDS = 120


class RobotsTxtCache(RobotsTxtMiddleware):
    """Scrapy's ``RobotsTxtMiddleware``, asking each host at most once in 24 hours
    (enabled in its place in crawler/settings.py)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.worker: Any = None
        if settings.get("DIPLOFEED_REDIS_URL"):
            self.worker = Worker.of(settings)
        self.db = str(settings.get("DIPLOFEED_DB") or "")
        self._store: Store | None = None
        crawler.signals.connect(self._close, signal=signals.spider_closed)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            waiting: Deferred[RobotParser | None] = Deferred()
            self._parsers[netloc] = waiting
            parser: RobotParser | None = None
            try:
                body = await self._body(f"{url.scheme}://{netloc}")
                if body is not None:
                    parser = build_from_crawler(self._parserimpl, self.crawler, body)
            finally:  # whatever happened, the requests waiting on this host go on
                self._parsers[netloc] = parser
                waiting.callback(parser)
        cached = self._parsers[netloc]
        if isinstance(cached, Deferred):
            return await maybe_deferred_to_future(cached)
        return cached

    async def _body(self, host: str) -> bytes | None:
        """The host's robots.txt body; None when it could not be fetched."""
        try:
            if self.worker is not None and self.worker.round is not None:
                return await self._from_redis(host)
            return await self._from_store(host)
        except Exception as exc:  # noqa: BLE001 - the store or Redis failing must not stop the crawl
            logger.warning("robots.txt of %s not kept (%s): fetching it", host, exc)
            return (await self._download(host))[1]

    def _now(self) -> datetime:
        now = getattr(self.crawler.spider, "now", None)
        return now if isinstance(now, datetime) else datetime.now(UTC)

    async def _from_store(self, host: str) -> bytes | None:
        store = self._open_store()
        if store is not None:
            kept = store.robots_txt(host)
            if kept is not None and parse_utc(kept[2]) > self._now() - MAX_AGE:
                self._stats.inc_value("diplofeed/robots_kept")
                return kept[1]
        status, body = await self._download(host)
        if store is not None and status is not None and body is not None and status < 500:
            store.remember_robots_txt(host, status, body, format_utc(self._now()))
        return body

    def _open_store(self) -> Store | None:
        if self._store is None and self.db and Path(self.db).exists():
            try:
                self._store = Store(self.db, create=False)
            except StorageError as exc:
                logger.warning("robots.txt not kept: %s", exc)
        return self._store

    async def _from_redis(self, host: str) -> bytes | None:
        """One worker claims the fetch; the others wait for what it keeps. The claim of
        a worker whose heartbeat is gone (killed) is taken over at once; any claim
        expires after CLAIM_SECONDS."""
        client, key = self.worker.client, robots_key(host)
        deadline = time.monotonic() + 2 * CLAIM_SECONDS
        while time.monotonic() < deadline:
            kept = client.get(key)
            if kept is not None:
                self._stats.inc_value("diplofeed/robots_kept")
                data = kept if isinstance(kept, bytes) else str(kept).encode()
                return data[1:] if data[:1] == b"1" else None
            holder = client.get(f"{key}:claim")
            if holder is not None and not client.exists(worker_key(as_text(holder))):
                # its holder is gone (killed): no need to wait for the claim to expire
                client.delete(f"{key}:claim")
            if client.set(f"{key}:claim", self.worker.id, nx=True, ex=CLAIM_SECONDS):
                status, body = await self._download(host)
                if status is not None and body is not None and status < 500:
                    client.set(key, b"1" + body, ex=int(MAX_AGE.total_seconds()))
                else:
                    client.set(key, b"0", ex=FAILED_SECONDS)
                client.delete(f"{key}:claim")
                return body
            await asyncio.sleep(0.2)
        logger.warning("robots.txt of %s not shared in time: fetching it here", host)
        return (await self._download(host))[1]

    async def _download(self, host: str) -> tuple[int | None, bytes | None]:
        assert self.crawler.engine is not None
        request = Request(
            f"{host}/robots.txt",
            priority=self.DOWNLOAD_PRIORITY,
            meta={"dont_obey_robotstxt": True},
            callback=NO_CALLBACK,
        )
        self._stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 - as Scrapy's: no robots.txt, nothing forbidden
            logger.warning("robots.txt of %s not fetched: %s", host, exc)
            return None, None
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        return response.status, response.body

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
