"""The generic spider every strategy builds on: requests, error handling, counting.

Spiders only navigate: they call the pure parsers in crawler.extract and yield what
those return. A failed fetch or parse becomes a :class:`FetchFailure` item (logged with
source and URL, counted, stored) and never stops the crawl.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from crawler.errors import ExtractionError
from crawler.extract import Article, Link
from crawler.extracting import decode_document, parse_document
from crawler.items import FetchFailure, NotModified
from crawler.middlewares.redirect_loop import RedirectLoop
from storage import parse_utc
from storage.normalize import MAX_URL_LENGTH, clean_url, web_url

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.registry import Source

__all__ = ["SourceSpider"]

logger = logging.getLogger(__name__)

Callback = Callable[..., Iterable[Any]]


class SourceSpider(scrapy.Spider):
    """Base of the strategy spiders; ``source`` is bound by the spider loader."""

    source: ClassVar[Source]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._now: datetime | None = None

    @property
    def now(self) -> datetime:
        """The crawl clock: ``DIPLOFEED_AS_OF`` (replay copies' recording time) or now.

        Relative dates ("сегодня, 14:30") and first-seen times are read against it.
        """
        if self._now is None:
            as_of = self.crawler.settings.get("DIPLOFEED_AS_OF")
            self._now = parse_utc(as_of) if as_of else datetime.now(UTC).replace(microsecond=0)
        return self._now

    # -- navigation helpers -------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for url in self.source.start_urls:
            yield self.request(url, self.parse_start, cb_kwargs={"depth": 1})

    def parse_start(self, response: Response, depth: int) -> Iterable[Any]:
        raise NotImplementedError

    def request(
        self,
        url: str,
        callback: Callback,
        *,
        cb_kwargs: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        dont_filter: bool = False,
        role: str | None = None,
    ) -> scrapy.Request | FetchFailure:
        """A request of this source; ``role`` (``article``, ``next_page``) tells the
        incremental-crawl middleware what it is (crawler/middlewares/incremental.py).

        A link no browser would open (``storage.normalize.web_url`` refuses it: another
        scheme, a host like ``example.0``) is a ``parse`` failure of the source instead,
        so the links after it on the page are still followed."""
        name = getattr(callback, "__name__", "")
        if getattr(self, name, None) != callback:
            raise TypeError(f"{callback!r} is not a method of {type(self).__name__}")
        if web_url(url) is None:
            return self._failure(_printable(url), "parse", "not a readable http(s) link")
        meta = {"diplofeed_callback": name}
        if role:
            meta["diplofeed_role"] = role
        # The callback is named, not wrapped, so a request can be serialised (a shared
        # Redis queue in scale-out mode, crawler/scaleout/worker.py; Scrapy's JOBDIR).
        return scrapy.Request(
            url,
            callback=self.run_callback,
            errback=self.on_error,
            cb_kwargs=cb_kwargs or {},
            headers={**dict(self.source.headers), **(headers or {})},
            dont_filter=dont_filter,
            meta=meta,
        )

    def next_page(
        self, url: str, callback: Callback, **kwargs: Any
    ) -> scrapy.Request | FetchFailure:
        """The next (older) page of a listing, feed or API: not followed when the page
        held only articles already stored (crawler/middlewares/incremental.py)."""
        return self.request(url, callback, role="next_page", **kwargs)

    def follow_article(self, link: Link, origin: str) -> scrapy.Request | FetchFailure:
        """Request an article page, carrying what the listing/feed/sitemap said of it."""
        return self.request(
            link.url if web_url(link.url) is None else clean_url(link.url),
            self.parse_article_page,
            cb_kwargs={
                "fallback_title": link.title,
                "fallback_date": link.published,
                "fallback_from": origin,
                "fallback_language": link.language,
            },
            role="article",
        )

    def parse_article_page(
        self,
        response: Response,
        fallback_title: str | None,
        fallback_date: datetime | None,
        fallback_from: str,
        fallback_language: str | None,
    ) -> Iterator[Any]:
        article = parse_document(
            "article", response.url, self.source, text=self.page_text(response), now=self.now
        )
        article.http_etag = _header(response, "ETag")
        article.http_last_modified = _header(response, "Last-Modified")
        article.aliases = _moved_permanently(response)
        if article.published is None and fallback_date is not None:
            article.published, article.published_from = fallback_date, fallback_from
        if not article.language:
            article.language = fallback_language
        yield from self.emit([article], response.url)

    def emit(self, articles: Iterable[Article], url: str) -> Iterator[Any]:
        """Yield articles, counting them and logging the ones without date or body."""
        stats = self.crawler.stats
        for article in articles:
            stats.inc_value("diplofeed/articles")
            if article.published is None:
                stats.inc_value("diplofeed/undated")
                logger.warning(
                    "%s: no publication date for %s (first-seen time stored)",
                    self.source.id,
                    article.url,
                )
            if not article.body:
                stats.inc_value("diplofeed/empty_body")
                logger.warning("%s: no body text extracted from %s", self.source.id, article.url)
            if article.published is not None and article.body:
                stats.inc_value("diplofeed/complete")
            rules = self.source.extract
            if rules.title or rules.date or rules.body:
                stats.inc_value("diplofeed/selector_pages")
            for name in article.missed_selectors:
                stats.inc_value(f"diplofeed/{name}_selector_misses")
            if article.missed_selectors:
                stats.inc_value("diplofeed/selector_misses")
                logger.warning(
                    "%s: selectors for %s matched nothing on %s (layout changed?)",
                    self.source.id,
                    ", ".join(article.missed_selectors),
                    article.url,
                )
            yield article

    def page_text(self, response: Response) -> str:
        """The page decoded; a charset header that garbles it is overruled, logged, counted."""
        header_text = response.text if isinstance(response, TextResponse) else None
        text, note = decode_document(response.body, _content_type(response), header_text)
        if note:
            self.crawler.stats.inc_value("diplofeed/charset_mismatch")
            logger.warning("%s: %s on %s", self.source.id, note, response.url)
        return text

    # -- error handling -----------------------------------------------------------------

    def run_callback(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Every request's callback: run the parser method the request names, so that one
        bad page becomes a FetchFailure item, never a crash."""
        self.crawler.stats.inc_value("diplofeed/pages")
        if response.status == 304:  # asked conditionally (crawler/middlewares/incremental.py)
            self.crawler.stats.inc_value("diplofeed/not_modified")
            yield NotModified(source=self.source.id, url=response.url)
            return
        callback = getattr(self, response.meta["diplofeed_callback"])
        try:
            yield from callback(response, **kwargs)
        except ExtractionError as exc:
            yield self._failure(response.url, "parse", str(exc), response.status)
        except Exception as exc:  # a parser bug must not end the crawl either
            logger.exception("%s: error reading %s", self.source.id, response.url)
            yield self._failure(
                response.url,
                "parse",
                f"{type(exc).__name__}: {exc}",
                response.status,
                logged=True,
            )

    def on_error(self, failure: Failure) -> Iterator[FetchFailure]:
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        status = None
        if isinstance(error, HttpError):
            status = error.response.status
            kind, message = "http", f"HTTP {status}"
        elif isinstance(error, DownloadTimeoutError | TimeoutError | TCPTimedOutError):
            kind, message = "timeout", "timed out"
        elif isinstance(error, CannotResolveHostError | DNSLookupError):
            kind, message = "network", "DNS lookup failed"
        elif isinstance(error, ResponseDataLossError):
            kind, message = "network", "response cut short"
        elif isinstance(error, RedirectLoop):
            kind, message = "redirect", str(error)
        elif isinstance(error, IgnoreRequest) and "robots.txt" in str(error):
            # obeyed, not failed: recorded (a source's links may need narrowing), but
            # not counted against the source's health
            kind, message = "robots", "forbidden by robots.txt"
        elif isinstance(error, IgnoreRequest):
            kind, message = "ignored", str(error) or "request ignored"
        else:
            kind, message = "network", f"{type(error).__name__}: {error}"
        yield self._failure(request.url, kind, message, status)

    def _failure(
        self, url: str, kind: str, message: str, status: int | None = None, logged: bool = False
    ) -> FetchFailure:
        if kind != "robots":
            self.crawler.stats.inc_value("diplofeed/failed")
        self.crawler.stats.inc_value(f"diplofeed/failed/{kind}")
        if not logged:
            logger.warning("%s: %s failure on %s: %s", self.source.id, kind, url, message)
        return FetchFailure(
            source=self.source.id, url=url, kind=kind, message=message, status=status
        )


def _printable(url: str) -> str:
    """``url`` cut to :data:`MAX_URL_LENGTH`, its unprintable characters (controls, line
    breaks, direction overrides) escaped, so its log line stays one line that shows it."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
        for c in url[:MAX_URL_LENGTH]
    )


def _moved_permanently(response: Response) -> tuple[str, ...]:
    """The addresses that redirected permanently (301, 308) on the way to this page:
    stored as aliases of the article, so a listing linking them is known to a re-crawl.
    A temporary redirect (302, 303, 307) may point elsewhere tomorrow: not an alias."""
    urls = response.meta.get("redirect_urls", ())
    reasons = response.meta.get("redirect_reasons", ())
    return tuple(u for u, why in zip(urls, reasons, strict=False) if why in (301, 308))


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _content_type(response: Response) -> str:
    return (response.headers.get("Content-Type") or b"").decode("latin-1")
