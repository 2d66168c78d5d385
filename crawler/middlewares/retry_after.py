"""The downloader middleware that honours ``Retry-After`` (docs/reliability.md)."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from typing import TYPE_CHECKING, Any

import scrapy

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["MAX_RETRY_AFTER", "RetryAfter"]

logger = logging.getLogger(__name__)

# The longest Retry-After a crawl waits for; a longer one is a failure of this crawl
# (the next scheduled crawl tries again).
MAX_RETRY_AFTER = 60.0


def _retry_after(value: bytes | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` header asks for: a number, or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


class RetryAfter:
    """Honour ``Retry-After`` on 429 and 503: Scrapy retries those at once. The retry
    waits as long as the server asked (up to MAX_RETRY_AFTER); a longer wait is not
    retried in this crawl. Runs before Scrapy's RetryMiddleware (crawler/settings.py)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfter:
        return cls(crawler)

    async def process_response(self, request: scrapy.Request, response: Response) -> Response:
        if response.status not in (429, 503):
            return response
        wait = _retry_after(response.headers.get("Retry-After"), time.time())
        tries = request.meta.get("max_retry_times", self.crawler.settings.getint("RETRY_TIMES"))
        if wait is None or request.meta.get("retry_times", 0) >= tries:
            return response  # no wait asked, or no retry left: no wait
        stats = self.crawler.stats
        if wait > MAX_RETRY_AFTER:
            request.meta["dont_retry"] = True
            stats.inc_value("diplofeed/retry_after_too_long")
            logger.warning(
                "%s asks to retry in %.0f s (Retry-After): not in this crawl", request.url, wait
            )
            return response
        stats.inc_value("diplofeed/retry_after_waits")
        logger.info("%s: waiting %.1f s as Retry-After asks", request.url, wait)
        await asyncio.sleep(wait)
        return response
