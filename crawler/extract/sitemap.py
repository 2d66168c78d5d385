"""Sitemaps and sitemap indexes (including Google News sitemaps) to links.

Parsed with lxml with entity resolution and network access off, so an entity-expansion
bomb or an external entity in a sitemap is never expanded.
"""

from __future__ import annotations

import gzip
import re
from typing import TYPE_CHECKING

from lxml import etree

from crawler.errors import ExtractionError
from storage.normalize import clean_text

from .dates import parse_date
from .language import normalise_language_tag
from .model import Link, SitemapPage

if TYPE_CHECKING:
    from crawler.registry import Source

__all__ = ["parse_sitemap"]

_MAX_UNZIPPED = 50 * 1024 * 1024  # the sitemap protocol's own limit


def _local(tag: object) -> str:
    return str(tag).split("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(el: etree._Element, name: str) -> str | None:
    for child in el.iter():
        text = child.text
        if _local(child.tag) == name and isinstance(text, str) and text.strip():
            return text.strip()
    return None


def parse_sitemap(body: bytes, url: str, source: Source) -> SitemapPage:
    """Read a sitemap (``urlset``) or a sitemap index.

    Child sitemaps are kept only when they match one of ``source.sitemap_follow``
    (all are kept when it is empty). News-sitemap titles, dates and languages are read.

    Raises:
        ExtractionError: the body is not well-formed sitemap XML.
    """
    if body[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=__import__("io").BytesIO(body)) as fh:
                body = fh.read(_MAX_UNZIPPED + 1)
        except OSError as exc:
            raise ExtractionError(f"{source.id}: broken gzip sitemap {url}: {exc}") from exc
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ExtractionError(f"{source.id}: sitemap {url} is not well-formed XML: {exc}") from exc
    kind = _local(root.tag)
    page = SitemapPage()
    if kind == "sitemapindex":
        follow = [re.compile(p) for p in source.sitemap_follow]
        for node in root:
            loc = _child_text(node, "loc")
            if loc and (not follow or any(rx.search(loc) for rx in follow)):
                page.sitemaps.append(loc)
        return page
    if kind != "urlset":
        raise ExtractionError(f"{source.id}: {url} is not a sitemap (root <{kind}>)")
    pattern = re.compile(source.link_pattern) if source.link_pattern else None
    for node in root:
        loc = _child_text(node, "loc")
        if not loc or (pattern and not pattern.search(loc)):
            continue
        news_date = _child_text(node, "publication_date")
        published = parse_date(news_date, source.tz) if news_date else None
        if published is None:
            published = parse_date(_child_text(node, "lastmod"), source.tz)
        title = _child_text(node, "title")
        page.links.append(
            Link(
                url=loc,
                title=clean_text(title) if title else None,
                published=published,
                language=source.language_for_url(loc)
                or normalise_language_tag(_child_text(node, "language")),
            )
        )
    return page
