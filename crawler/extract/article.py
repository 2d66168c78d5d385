"""Article pages to :class:`Article`: metadata by precedence, body by selector or trafilatura.

Precedence for each field (docs/sources.md, "Extraction"): the source's override
selector, then JSON-LD, then OpenGraph/meta, then the DOM, then trafilatura's guess.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml import etree
from parsel import Selector

from crawler.errors import ExtractionError
from storage.normalize import clean_text, join_url, web_url

from .dates import parse_date
from .generic import (
    Dateline,
    dateline,
    has_clock,
    prune_within,
    pruned,
    site_credit,
    todays_dates,
    without_datelines,
)
from .language import detect_language
from .model import Article
from .text import element_to_paragraphs, paragraphs_to_html, strip_boilerplate

if TYPE_CHECKING:
    from crawler.registry import Source

__all__ = ["parse_article"]

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = {"newsarticle", "article", "reportagenews", "blogposting", "analysisnewsarticle"}
_MARKUP = re.compile(r"<[a-zA-Z/!]")
_TITLE_SUFFIX = re.compile(r"\s+[|—–-]\s+[^|—–-]{2,40}$")


def _jsonld_objects(sel: Selector) -> Iterator[dict[str, Any]]:
    for raw in sel.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(re.sub(r"[\x00-\x1f]", " ", raw))
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                kinds = item.get("@type", "")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(str(k).lower() in _ARTICLE_TYPES for k in kinds):
                    yield item


def _first(sel: Selector, *queries: str) -> str | None:
    for query in queries:
        if not query:
            continue
        values = [clean_text(v) for v in sel.css(query).getall()]
        for value in values:
            if value:
                return value
    return None


def _css_text(sel: Selector, query: str) -> str | None:
    """Text of the first element matching ``query`` (or the attribute it selects)."""
    if not query:
        return None
    if "::" in query:
        return _first(sel, query)
    node = sel.css(query)
    if not node:
        return None
    return clean_text(" ".join(node[0].css("::text").getall())) or None


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("url")
    return clean_text(str(value)) if value else None


def _site_name(sel: Selector, ld: list[dict[str, Any]]) -> str | None:
    """The site's own name, as the page states it (og:site_name, JSON-LD publisher)."""
    name = _first(sel, 'meta[property="og:site_name"]::attr(content)')
    if name:
        return name
    for obj in ld:
        publisher = _name(obj.get("publisher"))
        if publisher and not publisher.startswith("http"):
            return publisher
    return None


def _without_site(title: str, site: str | None) -> str:
    """The headline without the site's name the page title adds ("… | Министерство
    иностранных дел Республики Таджикистан"), however long the name."""
    if site:
        name = re.escape(clean_text(site))
        trimmed = re.sub(rf"\s*[|—–:·-]\s*{name}\s*$", "", title, flags=re.IGNORECASE)
        trimmed = re.sub(rf"^\s*{name}\s*[|—–:·-]\s*", "", trimmed, flags=re.IGNORECASE)
        if trimmed and trimmed != title:
            return trimmed
    return _TITLE_SUFFIX.sub("", title)


def _title(sel: Selector, source: Source, ld: list[dict[str, Any]]) -> str | None:
    title = _css_text(sel, source.extract.title)
    if title:
        return title
    for obj in ld:
        if obj.get("headline"):
            return clean_text(str(obj["headline"]))
    og = _first(sel, 'meta[property="og:title"]::attr(content)')
    h1 = _css_text(sel, "h1")
    if og and h1 and og != h1 and og.startswith(h1):
        return h1  # og:title is the headline plus " | Site name"
    site = _site_name(sel, ld)
    if og:
        return _without_site(og, site) if not h1 else og
    page_title = _first(sel, "title::text")
    if page_title and _MARKUP.search(page_title):
        # an unclosed <title> holds the rest of the page as text (HTML parses it as RCDATA)
        page_title = clean_text(_MARKUP.split(page_title, 1)[0])
    if page_title:
        page_title = _without_site(page_title, site)
    if h1 and page_title and len(h1) > 2 * len(page_title) and h1.startswith(page_title):
        return page_title  # an unclosed <h1> holds the date line and the body too
    return h1 or page_title or None


def _weigh(candidates: list[tuple[datetime, str, bool]], tz: Any) -> tuple[datetime, str]:
    """The first candidate date, unless it has no time and a later one gives a time on
    the same day."""
    first = candidates[0]
    if first[2]:
        return first[0], first[1]
    day = first[0].astimezone(tz).date()
    for moment, origin, timed in candidates[1:]:
        if timed and moment.astimezone(tz).date() == day:
            return moment, origin
    return first[0], first[1]


def _published(
    sel: Selector,
    page: _Generic,
    url: str,
    source: Source,
    ld: list[dict[str, Any]],
    now: datetime | None,
) -> tuple[datetime | None, str]:
    """The publication date, to the minute where the page gives a time.

    Candidates in precedence order: the source's selector, the dateline next to the
    headline (what the reader sees), JSON-LD, meta tags. The first that gives a time wins; a date without a
    time is kept only when no later candidate gives a time on the same day (local
    midnight then: the store marks it day-level).
    """
    tz = source.tz
    candidates: list[tuple[datetime, str, bool]] = []
    visible = _css_text(sel, source.extract.date)
    if visible:
        moment = parse_date(visible, tz, now=now)
        if moment and has_clock(visible):
            return moment, "page"  # the source's selector, to the minute: nothing to weigh
        if moment:
            candidates.append((moment, "page", False))
        else:
            logger.warning("%s: unreadable date %r on %s", source.id, visible, url)
    line = page.dateline(tz, now)
    structured = _structured_dates(sel, ld, tz)
    if line and (line.above or line.below) and structured:
        # a date away from the headline may be a ticker's: kept when the metadata agrees on the day
        days = {moment.astimezone(tz).date() for moment, _, _ in structured}
        if line.moment.astimezone(tz).date() not in days:
            line = None
    if line:
        candidates.append((line.moment, "page", line.has_time))
    candidates += structured
    if candidates:
        return _weigh(candidates, tz)
    # Last resort: htmldate's reading (day precision only, no zone: read in the source's),
    # unless it is the day a ticker shows as today's.
    found = trafilatura.extract_metadata(page.html, default_url=url)
    if found is not None and found.date:
        moment = parse_date(str(found.date), tz)
        if moment and moment.astimezone(tz).date() not in todays_dates(page.html, tz):
            return moment, "htmldate"
    return None, "none"


def _structured_dates(
    sel: Selector, ld: list[dict[str, Any]], tz: Any
) -> list[tuple[datetime, str, bool]]:
    """The publication date the page states for machines: JSON-LD, then meta tags."""
    found: list[tuple[datetime, str, bool]] = []
    for obj in ld:
        raw = str(obj.get("datePublished") or "")
        moment = parse_date(raw, tz)
        if moment:
            found.append((moment, "jsonld", has_clock(raw)))
            break
    meta = _first(
        sel,
        'meta[property="article:published_time"]::attr(content)',
        'meta[itemprop="datePublished"]::attr(content)',
        '[itemprop="datePublished"]::attr(datetime)',
        'meta[name="pubdate"]::attr(content)',
        'meta[name="publish-date"]::attr(content)',
    )
    moment = parse_date(meta, tz)
    if moment and meta:
        found.append((moment, "meta", has_clock(meta)))
    return found


class _Generic:
    """The page pruned once for the generic path (crawler/extract/generic.py)."""

    def __init__(self, html: str, description: str | None) -> None:
        self.html = html
        self.description = description
        self._pruned: tuple[etree._Element, etree._Element | None] | None = None

    def tree(self) -> tuple[etree._Element, etree._Element | None]:
        if self._pruned is None:
            self._pruned = pruned(self.html, self.description)
        return self._pruned

    def dateline(self, tz: Any, now: datetime | None) -> Dateline | None:
        doc, headline = self.tree()
        return dateline(doc, headline, tz, now)

    def pruned_html(self) -> str:
        doc, _ = self.tree()
        return str(lxml.html.tostring(doc, encoding="unicode"))


def _body_paragraphs(page: _Generic, sel_root: lxml.html.HtmlElement | None, url: str) -> list[str]:
    if sel_root is not None:
        return element_to_paragraphs(sel_root)
    text = trafilatura.extract(
        page.pruned_html(),
        url=url,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=False,
    )
    return [p for p in clean_text(text).split("\n") if p.strip()] if text else []


def _body_root(html: str, source: Source) -> lxml.html.HtmlElement | None:
    if not source.extract.body:
        return None
    doc = lxml.html.document_fromstring(html)
    try:
        nodes = doc.cssselect(source.extract.body)
    except Exception as exc:  # cssselect.SelectorError; the registry validated the rest
        raise ExtractionError(
            f"{source.id}: bad body selector {source.extract.body!r}: {exc}"
        ) from exc
    if not nodes:
        return None
    root = nodes[0]
    for query in source.extract.drop:
        for node in root.cssselect(query):
            node.drop_tree()
    prune_within(root)
    return root


def _canonical(sel: Selector, url: str) -> str:
    href = _first(sel, 'link[rel="canonical"]::attr(href)')
    if not href:
        return url
    absolute = join_url(url, href)
    if web_url(absolute) is None:  # no address a browser opens: not the page's own
        return url
    mine, theirs = urlsplit(url), urlsplit(absolute)
    same_site = (theirs.hostname or "").removeprefix("www.") == (mine.hostname or "").removeprefix(
        "www."
    )
    # A canonical pointing at the home page or another site is a template bug, not a hint.
    if same_site and theirs.path not in ("", "/") and theirs.scheme in ("http", "https"):
        return absolute
    return url


def _from_jsonld(ld: list[dict[str, Any]], key: str) -> str | None:
    """The first JSON-LD object's ``key`` that names something (an image, an author)."""
    for obj in ld:
        found = _name(obj.get(key))
        if found:
            return found
    return None


def parse_article(html: str, url: str, source: Source, *, now: datetime | None = None) -> Article:
    """Extract one article from an HTML page.

    Args:
        html: the page, decoded.
        url: the URL the page was fetched from (its real URL, also under replay).
        source: the registry entry, for overrides, time zone and languages.
        now: the crawl time, to resolve relative dates ("сегодня, 14:30").

    Returns:
        The article; ``published`` is None when no date was found, ``body`` empty when
        no text was found (the caller counts both).

    Raises:
        ExtractionError: the page is not HTML or has no title at all.
    """
    if not html or not html.strip():
        raise ExtractionError(f"{source.id}: empty page {url}")
    try:
        sel = Selector(text=html)
        root = _body_root(html, source)
    except (ValueError, etree.ParserError) as exc:
        raise ExtractionError(f"{source.id}: unparsable page {url}: {exc}") from exc
    ld = list(_jsonld_objects(sel))
    rules = source.extract
    missed = tuple(
        name
        for name, query in (("title", rules.title), ("date", rules.date))
        if query and not _css_text(sel, query)
    ) + (("body",) if rules.body and root is None else ())
    title = _title(sel, source, ld)
    if not title:
        raise ExtractionError(f"{source.id}: no title on {url}")
    description = _first(
        sel,
        'meta[property="og:description"]::attr(content)',
        'meta[name="description"]::attr(content)',
    )
    page = _Generic(html, description)
    paragraphs = strip_boilerplate(_body_paragraphs(page, root, url), source.extract.boilerplate)
    site_name = _first(sel, 'meta[property="og:site_name"]::attr(content)')
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if root is None:
        paragraphs = without_datelines(paragraphs, source.tz)
        if paragraphs and site_credit(paragraphs[-1], site_name):
            paragraphs = paragraphs[:-1]
    body = "\n\n".join(paragraphs)
    published, published_from = _published(sel, page, url, source, ld, now)
    image = _css_text(sel, source.extract.image) or _first(
        sel, 'meta[property="og:image"]::attr(content)', 'meta[name="twitter:image"]::attr(content)'
    )
    if not image and ld:
        image = _from_jsonld(ld, "image")
    author = _css_text(sel, source.extract.author)
    if not author and ld:
        author = _from_jsonld(ld, "author")
    summary = description or (paragraphs[0][:300] if paragraphs else "")
    canonical = _canonical(sel, url)
    language = detect_language(
        f"{title}\n{body}",
        url_language=source.language_for_url(canonical),
        html_language=sel.css("html::attr(lang)").get(),
        allowed=source.languages,
    )
    return Article(
        source=source.id,
        url=canonical,
        title=title,
        body=body,
        body_html=paragraphs_to_html(paragraphs),
        summary=summary,
        published=published,
        published_from=published_from,
        language=language,
        author=author,
        image=join_url(url, image) if image else None,
        missed_selectors=missed,
    )
