"""Generic spiders, one per strategy; per-source classes are made by the spider loader."""

from __future__ import annotations

from .base import SourceSpider
from .strategies import ApiSpider, ListingSpider, RssSpider, SitemapSpider, TelegramSpider

SPIDER_CLASSES: dict[str, type[SourceSpider]] = {
    "rss": RssSpider,
    "sitemap": SitemapSpider,
    "listing": ListingSpider,
    "api": ApiSpider,
    "telegram": TelegramSpider,
}

__all__ = [
    "SPIDER_CLASSES",
    "ApiSpider",
    "ListingSpider",
    "RssSpider",
    "SitemapSpider",
    "SourceSpider",
]
