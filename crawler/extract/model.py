"""The records extraction returns: plain dataclasses, no Scrapy, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Article", "Link", "ListingPage", "SitemapPage"]


@dataclass(slots=True)
class Article:
    """One article as read from a page, a feed item or an API answer.

    ``published`` is aware UTC or None (then the store records the first-seen time);
    ``published_from`` says where the date came from (``page``, ``meta``, ``jsonld``,
    ``feed``, ``sitemap``, ``api``, ``listing``).
    """

    source: str
    url: str
    title: str
    body: str = ""
    body_html: str = ""
    summary: str = ""
    published: datetime | None = None
    published_from: str = "page"
    language: str | None = None
    author: str | None = None
    image: str | None = None
    # Fields whose registry selector matched nothing on this page: the site's layout
    # may have changed (counted into the source's health).
    missed_selectors: tuple[str, ...] = ()
    # The page's HTTP validators (set by the spider, not by extraction): asked with when
    # the page is fetched again within the revisit window.
    http_etag: str | None = None
    http_last_modified: str | None = None
    # Addresses that redirected permanently to this page (a /node/123 path, an old URL):
    # stored as aliases, so a listing linking them does not get the page fetched again.
    aliases: tuple[str, ...] = ()


@dataclass(slots=True)
class Link:
    """A link to an article found on a listing page, in a feed or in a sitemap."""

    url: str
    title: str | None = None
    published: datetime | None = None
    language: str | None = None


@dataclass(slots=True)
class ListingPage:
    links: list[Link] = field(default_factory=list)
    next_url: str | None = None


@dataclass(slots=True)
class SitemapPage:
    """A sitemap index (``sitemaps`` set) or a urlset (``links`` set)."""

    sitemaps: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
