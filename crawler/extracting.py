"""One document, read as a crawl reads it: decoded with the crawl's charset repair, handed
to its parser by one dispatch, the dates read on the crawl's clock. The spiders
(crawler/spiders/), ``diplofeed extract`` and the tests go through these functions, so
``diplofeed extract URL --replay`` shows what a crawl of the replay copies stores.
"""

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
    parse_listing,
    parse_sitemap,
    parse_telegram,
)
from crawler.extract.encoding import decode_page
from crawler.items import item_fields
from storage import canonical_url, format_utc
from storage.times import day_precision, local_day

if TYPE_CHECKING:
    from crawler.registry import Source

__all__ = [
    "DOCUMENT_KINDS",
    "article_report",
    "decode_document",
    "document_kind",
    "extract_document",
    "parse_document",
]

# What a fetched document can be, each read by one parser of crawler/extract/.
DOCUMENT_KINDS = ("article", "listing", "feed", "sitemap", "api", "telegram")
# The kinds read as text (decoded, with the charset repair); the others as bytes.
TEXT_KINDS = frozenset({"article", "listing", "telegram"})


def decode_document(
    body: bytes, content_type: str, header_text: str | None = None
) -> tuple[str, str | None]:
    """The document's text and, when its header's charset garbled it, a note saying so.

    ``header_text``: the body as the HTTP client decoded it by the header (Scrapy's
    ``response.text``); decoded here the same way when not given.
    """
    if header_text is None:
        _, header_text = html_to_unicode(content_type or None, body)
    return decode_page(header_text, body, content_type)


def parse_document(
    kind: str,
    url: str,
    source: Source,
    *,
    body: bytes = b"",
    text: str = "",
    now: datetime | None = None,
    language: str = "",
    problems: list[str] | None = None,
) -> Any:
    """Run the parser of ``kind`` (:data:`DOCUMENT_KINDS`) on one document.

    Args:
        body: the raw document (feeds, sitemaps, API answers).
        text: the decoded document (:func:`decode_document`; articles, listings,
            Telegram pages).
        now: the crawl's clock, for relative dates.
        language: an API answer's language (the ``Accept-Language`` it was asked in).
        problems: a feed's items that could not be read are noted here.

    Returns:
        What the parser returns: an :class:`Article`, a ``ListingPage``, ``(links,
        articles)`` of a feed, a ``SitemapPage``, an ``ApiPage`` or a ``TelegramPage``.

    Raises:
        ExtractionError: the document cannot be read as ``kind``.
    """
    if kind == "article":
        return parse_article(text, url, source, now=now)
    if kind == "listing":
        return parse_listing(text, url, source, now=now)
    if kind == "feed":
        return parse_feed(body, url, source, problems)
    if kind == "sitemap":
        return parse_sitemap(body, url, source)
    if kind == "api":
        return parse_api(body, url, language, source)
    if kind == "telegram":
        return parse_telegram(text, url, source)
    raise ValueError(f"unknown document kind {kind!r} (one of {DOCUMENT_KINDS})")


def document_kind(body: bytes, source: Source) -> str:
    """What a document given on its own (``diplofeed extract``) is: a Telegram page, an
    API answer, a sitemap, a feed, else an article page."""
    head = body[:512].lstrip().lower()
    if source.strategy == "telegram":
        return "telegram"
    if source.strategy == "api" and head[:1] in (b"{", b"["):
        return "api"
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head:
        return "feed"
    return "article"


def article_report(article: Article, zone: str | None = None) -> dict[str, Any]:
    """An article as JSON-ready data, dates in UTC, with its canonical URL.

    ``published_precision`` and ``published_day`` are what the store would record
    (storage/times.py): a date given to the day only (local midnight in ``zone``, the
    source's) is ``day``, stored at 09:00 UTC of ``published_day``.
    """
    data = item_fields(article)
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


def _links(links: list[Any]) -> list[dict[str, Any]]:
    return [json.loads(json.dumps(dataclasses.asdict(link), default=str)) for link in links]


def extract_document(
    body: bytes,
    url: str,
    source: Source,
    *,
    content_type: str = "",
    header_text: str | None = None,
    now: datetime | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """Read one fetched document as the crawler would and describe what it found.

    HTML pages give one article; feeds, sitemaps and API answers give their articles
    or links. ``now`` is the crawl's clock (relative dates; default now), ``language`` an API answer's
    (default: the one its URL names, else the source's first), ``header_text`` the page
    as the HTTP client decoded it.
    """
    kind = document_kind(body, source)
    now = now or datetime.now(UTC)  # no crawl clock given: the wall clock, as a crawl's
    text, note = (
        decode_document(body, content_type, header_text) if kind in TEXT_KINDS else ("", None)
    )
    if language is None:
        language = source.language_for_url(url) or (
            source.api_languages[0] if source.api_languages else ""
        )
    found = parse_document(kind, url, source, body=body, text=text, now=now, language=language)
    report: dict[str, Any] = {"source": source.id, "kind": kind}
    if note:
        report["charset_repair"] = note
    if kind == "article":
        report["article"] = article_report(found, source.timezone)
    elif kind == "sitemap":
        report["sitemaps"] = found.sitemaps
        report["links"] = _links(found.links)
    elif kind == "feed":
        links, articles = found
        report["articles"] = [article_report(a, source.timezone) for a in articles]
        report["links"] = _links(links)
    else:
        if kind == "telegram":
            report["older_url"] = found.older_url
        report["articles"] = [article_report(a, source.timezone) for a in found.articles]
    return report
