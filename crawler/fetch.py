"""Fetch one URL through the Scrapy engine (for ``diplofeed extract URL``).

Kept in Scrapy, not urllib, so robots.txt, the user agent, retries and the replay
server apply exactly as in a crawl.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import scrapy

from storage.errors import DiplofeedError

__all__ = ["FetchedPage", "fetch_page"]


@dataclass(slots=True)
class FetchedPage:
    url: str
    status: int
    content_type: str
    body: bytes
    text: str


def fetch_page(
    url: str, *, replay_url: str | None = None, headers: dict[str, str] | None = None
) -> FetchedPage:
    """Download ``url`` once (following redirects) and return the final response.

    Raises:
        DiplofeedError: the page could not be fetched.
    """
    from scrapy.crawler import AsyncCrawlerProcess

    from crawler.runner import crawl_settings

    found: dict[str, Any] = {}

    class OnePage(scrapy.Spider):
        name = "diplofeed_fetch"
        custom_settings = {  # noqa: RUF012 - Scrapy's own attribute
            "ITEM_PIPELINES": {},
            "HTTPERROR_ALLOW_ALL": True,
        }

        async def start(self) -> AsyncIterator[Any]:
            yield scrapy.Request(
                url,
                headers=headers or {},
                callback=self.keep,
                errback=self.failed,
                dont_filter=True,
            )

        def keep(self, response: scrapy.http.Response) -> None:
            text = response.text if isinstance(response, scrapy.http.TextResponse) else ""
            found["page"] = FetchedPage(
                response.url,
                response.status,
                (response.headers.get("Content-Type") or b"").decode("latin-1"),
                response.body,
                text,
            )

        def failed(self, failure: Any) -> None:
            found["error"] = f"{failure.type.__name__}: {failure.value}"

    settings = crawl_settings(":memory:", replay_url=replay_url, log_level="ERROR")
    process = AsyncCrawlerProcess(settings)
    process.crawl(OnePage)
    process.start()
    if "page" not in found:
        raise DiplofeedError(f"could not fetch {url}: {found.get('error', 'no response')}")
    page: FetchedPage = found["page"]
    return page
