"""Pure extraction: HTML, feeds, sitemaps and API answers in, records out (no Scrapy, no I/O).

See docs/sources.md for the precedence rules and per-source overrides.
"""

from __future__ import annotations

from .api import ApiPage, next_page_url, parse_api
from .article import parse_article
from .dates import parse_date
from .feed import parse_feed
from .language import detect_language, normalise_language_tag
from .listing import parse_listing
from .model import Article, Link, ListingPage, SitemapPage
from .sitemap import parse_sitemap
from .telegram import TelegramPage, parse_telegram

__all__ = [
    "ApiPage",
    "Article",
    "Link",
    "ListingPage",
    "SitemapPage",
    "TelegramPage",
    "detect_language",
    "next_page_url",
    "normalise_language_tag",
    "parse_api",
    "parse_article",
    "parse_date",
    "parse_feed",
    "parse_listing",
    "parse_sitemap",
    "parse_telegram",
]
