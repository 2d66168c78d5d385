"""Fetch one URL through the Scrapy engine and read it as a crawl would (``diplofeed
extract URL``).

Kept in Scrapy, not urllib, so robots.txt, the user agent, retries and the replay
server apply exactly as in a crawl.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy

from storage.errors import DiplofeedError

from .errors import SourceConfigError
from .extracting import extract_document

if TYPE_CHECKING:
    from .registry import Source

__all__ = ["FetchedPage", "extract_url", "fetch_page"]


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


def extract_url(
    url: str,
    source_id: str | None = None,
    *,
    html_file: str | Path | None = None,
    replay: bool = False,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    """What a crawl reads from ``url``: fetched as the crawl fetches it (the source's
    headers; with ``replay`` from the bundled copies, on their recording time, as
    ``crawl --replay`` runs) and read by :func:`crawler.extracting.extract_document`.

    Args:
        source_id: the registry source (default: found from the URL's host).
        html_file: read the page from this file instead of fetching it.
        as_of: the crawl's clock (relative dates); default the replay copies' recording
            time with ``replay``, else now.

    Raises:
        SourceConfigError: no such source, or none for the URL's host.
        DiplofeedError: the page could not be fetched.
    """
    from .registry import find_source_for_url, load_registry
    from .replay import ReplayArchive, ReplayServer

    registry = load_registry()
    if source_id and source_id not in registry:
        raise SourceConfigError(f"unknown source {source_id!r} (known: {', '.join(registry)})")
    source = registry[source_id] if source_id else find_source_for_url(url, registry)
    if source is None:
        raise SourceConfigError(
            f"no source for {url}: pass --source (known: {', '.join(registry)})"
        )
    if replay and as_of is None:
        as_of = ReplayArchive.load().recorded
    now = as_of or datetime.now(UTC).replace(microsecond=0)
    if html_file:
        return extract_document(Path(html_file).read_bytes(), url, source, now=now)
    headers = request_headers(source, url)
    if replay:
        with ReplayServer() as server:
            page = fetch_page(url, replay_url=server.url, headers=headers)
    else:
        page = fetch_page(url, headers=headers)
    return extract_document(
        page.body,
        page.url,
        source,
        content_type=page.content_type,
        header_text=page.text or None,
        now=now,
        language=headers.get("Accept-Language"),
    )


def request_headers(source: Source, url: str) -> dict[str, str]:
    """The headers a crawl sends for ``url``: the source's, and for an API the language
    its spider asks first (``Accept-Language``) unless the URL names one."""
    headers = dict(source.headers)
    if source.strategy == "api" and source.api_languages and not source.language_for_url(url):
        headers.update({"Accept-Language": source.api_languages[0], "Accept": "application/json"})
    return headers
