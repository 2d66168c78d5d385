"""RSS and Atom documents to links (and, for full-text feeds, to articles).

feedparser reads the XML (it is lenient with the broken feeds the region's CMSs emit);
dates are read again from the raw strings, because feedparser assumes UTC for dates
without an offset, which is 5 or 6 hours wrong here.
"""

from __future__ import annotations

import calendar
import re
import xml.sax
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import feedparser

from crawler.errors import ExtractionError
from storage.normalize import clean_text, join_url, web_url

from .dates import parse_date
from .language import detect_language
from .model import Article, Link
from .text import fragment_to_paragraphs, paragraphs_to_html, strip_boilerplate

if TYPE_CHECKING:
    from crawler.registry import Source

__all__ = ["parse_feed"]


def _entry_date(entry: Any, source: Source) -> datetime | None:
    for key in ("published", "updated", "created", "dc_date"):
        raw = entry.get(key)
        moment = parse_date(raw, source.tz) if raw else None
        if moment:
            return moment
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    return None


def _entry_image(entry: Any) -> str | None:
    for enclosure in entry.get("enclosures", []):
        if str(enclosure.get("type", "")).startswith("image/") and enclosure.get("href"):
            return str(enclosure["href"])
    for key in ("media_content", "media_thumbnail"):
        for media in entry.get(key, []) or []:
            if media.get("url"):
                return str(media["url"])
    return None


def _entry_html(entry: Any) -> str:
    contents = entry.get("content") or []
    if contents:
        return max((str(c.get("value", "")) for c in contents), key=len)
    return str(entry.get("summary", "") or entry.get("description", ""))


def parse_feed(
    body: bytes, url: str, source: Source, problems: list[str] | None = None
) -> tuple[list[Link], list[Article]]:
    """Read an RSS or Atom document.

    Args:
        body: the raw bytes (feedparser honours the XML declaration's encoding).
        url: the feed's URL, to resolve relative links.
        source: the registry entry (time zone, languages, full-text flag, link pattern).
        problems: if given, receives a note when the document is not well-formed XML
            but was read leniently (entries found anyway): items may be missing or cut;
            and one for each full-text item whose link no browser opens (not read).

    Returns:
        ``(links, articles)``: a link per entry; with ``source.full_text``, also an
        article per entry built from the entry's own content.

    Raises:
        ExtractionError: the document is not a feed (no entries and a parse error).
    """
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if parsed.bozo and not parsed.entries:
        raise ExtractionError(f"{source.id}: not a readable feed at {url}: {parsed.bozo_exception}")
    if problems is not None and isinstance(parsed.get("bozo_exception"), xml.sax.SAXException):
        problems.append(f"feed is not well-formed XML (read leniently): {parsed.bozo_exception}")
    feed_language = parsed.feed.get("language")
    links: list[Link] = []
    articles: list[Article] = []
    pattern = re.compile(source.link_pattern) if source.link_pattern else None
    for entry in parsed.entries:
        href = entry.get("link") or ""
        if not href:
            continue
        link_url = join_url(url, href)
        if pattern and not pattern.search(link_url):
            continue
        if web_url(link_url) is None and source.full_text:
            # (a followed link no browser opens is the crawl's failure on it; an item
            # read from the feed itself, the feed's: the items after it are read)
            if problems is not None:
                problems.append(
                    f"item not read, its link is no readable http(s) link: {link_url!r}"
                )
            continue
        title = clean_text(entry.get("title", "")).replace("\n", " ")
        published = _entry_date(entry, source)
        language = source.language_for_url(link_url) or feed_language
        links.append(
            Link(url=link_url, title=title or None, published=published, language=language)
        )
        if not source.full_text or not title:
            continue
        paragraphs = strip_boilerplate(
            fragment_to_paragraphs(_entry_html(entry)), source.extract.boilerplate
        )
        body_text = "\n\n".join(paragraphs)
        articles.append(
            Article(
                source=source.id,
                url=link_url,
                title=title,
                body=body_text,
                body_html=paragraphs_to_html(paragraphs),
                summary=paragraphs[0][:300] if paragraphs else "",
                published=published,
                published_from="feed",
                language=detect_language(
                    f"{title}\n{body_text}",
                    url_language=source.language_for_url(link_url),
                    html_language=feed_language,
                    allowed=source.languages,
                ),
                author=clean_text(entry.get("author")) or None,
                image=_entry_image(entry),
            )
        )
    return links, articles
