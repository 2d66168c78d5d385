"""``diplofeed extract``: run the right pure parser on one document and report it."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from w3lib.encoding import html_to_unicode

from crawler.extract import (
    Article,
    parse_api,
    parse_article,
    parse_feed,
    parse_sitemap,
    parse_telegram,
)
from storage import canonical_url, format_utc
from storage.times import day_precision, local_day

if TYPE_CHECKING:
    from crawler.registry import Source

__all__ = ["article_report", "extract_document"]


def article_report(article: Article, zone: str | None = None) -> dict[str, Any]:
    """An article as JSON-ready data, dates in UTC, with its canonical URL.

    ``published_precision`` and ``published_day`` are what the store would record
    (storage/times.py): a date given to the day only (local midnight in ``zone``, the
    source's) is ``day``, stored at 09:00 UTC of ``published_day``.
    """
    data = dataclasses.asdict(article)
    data["published"] = format_utc(article.published) if article.published else None
    if article.published is not None:
        data["published_precision"] = (
            "day" if day_precision(article.published, zone) is not None else "minute"
        )
        data["published_day"] = local_day(article.published, zone)
    else:
        data["published_precision"] = data["published_day"] = None
    data["canonical_url"] = canonical_url(article.url)
    data.pop("body_html")
    return data


def extract_document(
    body: bytes, url: str, source: Source, *, content_type: str = ""
) -> dict[str, Any]:
    """Read one fetched document as the crawler would and describe what it found.

    HTML pages give one article; feeds, sitemaps and API answers give their articles
    or links.
    """
    head = body[:512].lstrip().lower()
    if source.strategy == "telegram":
        _, text = html_to_unicode(content_type or None, body)
        posts = parse_telegram(text, url, source)
        return {
            "source": source.id,
            "kind": "telegram",
            "older_url": posts.older_url,
            "articles": [article_report(a, source.timezone) for a in posts.articles],
        }
    if source.strategy == "api" and head[:1] in (b"{", b"["):
        language = source.language_for_url(url) or (
            source.api_languages[0] if source.api_languages else ""
        )
        page = parse_api(body, url, language, source)
        return {
            "source": source.id,
            "kind": "api",
            "articles": [article_report(a, source.timezone) for a in page.articles],
        }
    if (
        head.startswith(b"<?xml")
        or b"<rss" in head
        or b"<feed" in head
        or b"<urlset" in head
        or b"<sitemapindex" in head
    ):
        if b"<urlset" in head or b"<sitemapindex" in head:
            sitemap = parse_sitemap(body, url, source)
            return {
                "source": source.id,
                "kind": "sitemap",
                "sitemaps": sitemap.sitemaps,
                "links": [
                    json.loads(json.dumps(dataclasses.asdict(link), default=str))
                    for link in sitemap.links
                ],
            }
        links, articles = parse_feed(body, url, source)
        return {
            "source": source.id,
            "kind": "feed",
            "articles": [article_report(a, source.timezone) for a in articles],
            "links": [
                json.loads(json.dumps(dataclasses.asdict(link), default=str)) for link in links
            ],
        }
    _, text = html_to_unicode(content_type or None, body)
    article = parse_article(text, url, source, now=datetime.now(UTC))
    return {
        "source": source.id,
        "kind": "article",
        "article": article_report(article, source.timezone),
    }
