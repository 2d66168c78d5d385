"""One generic spider per crawl strategy (docs/sources.md, "Strategies")."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from crawler.extract import next_page_url
from crawler.extracting import parse_document

from .base import SourceSpider

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["ApiSpider", "ListingSpider", "RssSpider", "SitemapSpider", "TelegramSpider"]


class RssSpider(SourceSpider):
    """RSS/Atom feeds: items become articles directly (``full_text``) or are followed."""

    def parse_start(self, response: Response, depth: int) -> Iterator[Any]:
        problems: list[str] = []
        links, articles = parse_document(
            "feed", response.url, self.source, body=response.body, problems=problems
        )
        for problem in problems:  # items may be lost: the source is degraded, not ok
            yield self._failure(response.url, "parse", problem, response.status)
        if self.source.full_text:
            yield from self.emit(articles, response.url)
            return
        for link in links:
            yield self.follow_article(link, "feed")


class SitemapSpider(SourceSpider):
    """Sitemap indexes and (news) sitemaps: child sitemaps are walked, URLs followed."""

    def parse_start(self, response: Response, depth: int) -> Iterator[Any]:
        page = parse_document("sitemap", response.url, self.source, body=response.body)
        if depth < 4:  # an index of indexes of sitemaps is deep enough
            for child in page.sitemaps:
                yield self.request(child, self.parse_start, cb_kwargs={"depth": depth + 1})
        for link in page.links:
            yield self.follow_article(link, "sitemap")


class ListingSpider(SourceSpider):
    """Paginated listing pages: article links followed, then the next page, up to
    ``listing.max_pages`` pages per start URL."""

    def parse_start(self, response: Response, depth: int) -> Iterator[Any]:
        page = parse_document(
            "listing", response.url, self.source, text=self.page_text(response), now=self.now
        )
        for link in page.links:
            yield self.follow_article(link, "listing")
        if page.next_url and depth < self.source.listing.max_pages:
            yield self.next_page(page.next_url, self.parse_start, cb_kwargs={"depth": depth + 1})


class ApiSpider(SourceSpider):
    """JSON APIs: one request per start URL and language (``api_languages``, sent as
    ``Accept-Language``), pages followed while the API says there are more."""

    async def start(self) -> AsyncIterator[Any]:
        for url in self.source.start_urls:
            if not self.source.api_languages:
                # the language is in the URL (UzA's ``_l=ru``): one request per start URL
                language = self.source.language_for_url(url) or ""
                yield self.request(
                    url, self.parse_start, cb_kwargs={"depth": 1, "language": language}
                )
                continue
            for language in self.source.api_languages:
                yield self.request(
                    url,
                    self.parse_start,
                    cb_kwargs={"depth": 1, "language": language},
                    # one URL, one request per language: the fingerprint holds the
                    # language (crawler/middlewares/fingerprint.py)
                    headers={"Accept-Language": language, "Accept": "application/json"},
                )

    def parse_start(self, response: Response, depth: int, language: str = "") -> Iterator[Any]:
        page = parse_document(
            "api", response.url, self.source, body=response.body, language=language
        )
        yield from self.emit(page.articles, response.url)
        if page.has_next and depth < self.source.max_pages:
            yield self.next_page(
                page.next_url or next_page_url(response.url),
                self.parse_start,
                cb_kwargs={"depth": depth + 1, "language": language},
                headers={"Accept-Language": language, "Accept": "application/json"},
            )


class TelegramSpider(SourceSpider):
    """Public channel previews (``t.me/s/<channel>``): posts are articles; the
    ``?before=`` link is followed for older posts, up to ``max_pages`` pages."""

    def parse_start(self, response: Response, depth: int) -> Iterator[Any]:
        page = parse_document("telegram", response.url, self.source, text=self.page_text(response))
        yield from self.emit(page.articles, response.url)
        if page.older_url and depth < self.source.max_pages:
            yield self.next_page(page.older_url, self.parse_start, cb_kwargs={"depth": depth + 1})
