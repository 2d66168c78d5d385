"""Listing pages to links, with the registry's selectors (docs/sources.md, "Listings")."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from parsel import Selector

from storage.normalize import clean_text, join_url, web_url

from .dates import parse_date
from .model import Link, ListingPage

if TYPE_CHECKING:
    from crawler.registry import Source

__all__ = ["parse_listing"]


def parse_listing(
    html: str, url: str, source: Source, *, now: datetime | None = None
) -> ListingPage:
    """Read the article links (with titles and dates where shown) and the next page.

    With ``listing.item`` set, each matching element yields at most one link (read with
    ``listing.link``, ``listing.title``, ``listing.date``, relative to the item);
    otherwise every link on the page matching ``source.link_pattern`` is taken.
    Links to other sites are dropped (the page's own host and the source's hosts and
    their subdomains are its site: akipress.org lists kg.akipress.org); each URL is
    returned once, in page order.
    """
    rules = source.listing
    sel = Selector(text=html)
    pattern = re.compile(source.link_pattern) if source.link_pattern else None
    page = ListingPage()
    seen: set[str] = set()
    own_hosts = {(urlsplit(url).hostname or "").removeprefix("www."), *source.hosts}

    def on_site(host: str) -> bool:
        return any(host == h or host.endswith("." + h) for h in own_hosts if h)

    def add(href: str | None, title: str | None, date_text: str | None) -> None:
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            return
        absolute = join_url(url, href).split("#", 1)[0]
        if web_url(absolute) is None:  # "http://[::1", a port that is no number
            return
        host = (urlsplit(absolute).hostname or "").removeprefix("www.")
        if not on_site(host) or absolute in seen or (pattern and not pattern.search(absolute)):
            return
        seen.add(absolute)
        page.links.append(
            Link(
                url=absolute,
                title=clean_text(title) or None,
                published=parse_date(date_text, source.tz, now=now),
                language=source.language_for_url(absolute),
            )
        )

    if rules.item:
        for item in sel.css(rules.item):
            title_query = rules.title or "a ::text"
            title = " ".join(item.css(title_query).getall())
            date_text = " ".join(item.css(rules.date).getall()) if rules.date else None
            add(item.css(rules.link).get(), title, date_text)
    else:
        for anchor in sel.css("a[href]"):
            add(anchor.attrib.get("href"), " ".join(anchor.css("::text").getall()), None)
    if rules.next:
        nxt = sel.css(rules.next).get()
        if nxt:
            page.next_url = join_url(url, nxt)
    return page
