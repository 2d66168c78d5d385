"""What the feed server and the static build share: a feed's rows from the store, the
vocabulary of query values, the OPML and the index page (docs/feeds.md)."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from storage import ArticleFilter, relevance
from storage.vocabulary import EVENT_TYPES, LANGUAGES, TOPICS

from .frontpage import FeedLink, Page, front_page
from .query import FeedQuery, Vocabulary
from .sanitize import xml_text

if TYPE_CHECKING:
    from storage import Store

__all__ = ["feed_rows", "feed_scope", "front_stories", "index_html", "opml", "vocabulary"]

# With RSSHub's text filters, this many rows are read to fill a feed after filtering.
_FILTER_WINDOW = 2000


def vocabulary(store: Store, sources: Iterable[str] = ()) -> Vocabulary:
    """The values list parameters may take: the store's sources (every crawl registers the
    whole registry in it, every import its own names), ``sources`` (the named feeds' own,
    so a named feed of registry sources works on a store that has none of their articles
    yet: it is empty, not an error), the classifier's codes."""
    return Vocabulary(
        sources=frozenset(store.source_ids()) | frozenset(sources),
        countries=relevance.country_codes(),
        topics=frozenset(TOPICS),
        event_types=frozenset(EVENT_TYPES),
        languages=frozenset(LANGUAGES),
    )


def feed_rows(store: Store, query: FeedQuery) -> list[dict[str, Any]]:
    """A feed's items, newest first: the store's rows, RSSHub's text filters applied,
    and for one item per story the story's other versions.

    Raises:
        BadQuery: a text filter took too long on an item.
    """
    spec = query.spec
    if query.filters_text:
        wanted = spec.limit
        spec.limit = max(_FILTER_WINDOW, wanted)
        rows = [r for r in store.query_articles(spec) if query.keep(r)][:wanted]
        spec.limit = wanted
    else:
        rows = store.query_articles(spec)
    if spec.one_per_story:
        versions = store.story_sources(r["story_id"] for r in rows)
        rows = [{**r, "story_articles": versions[r["story_id"]]} for r in rows]
    return rows


def opml(feeds: Iterable[tuple[str, str]], home_url: str) -> bytes:
    """OPML 2.0 of feeds (their RSS address and title), for a reader's one-click import."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head><title>diplofeed: Central Asian diplomacy</title></head>",
        "  <body>",
    ]
    home = html.escape(home_url, quote=True)
    for url, title in feeds:
        text = html.escape(xml_text(title), quote=True)
        lines.append(
            f'    <outline type="rss" text="{text}" title="{text}" '
            f'xmlUrl="{html.escape(url, quote=True)}" htmlUrl="{home}"/>'
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines).encode()


def front_stories(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """The latest stories for the front page: one line each, with their other versions."""
    rows = store.query_articles(ArticleFilter(limit=limit, one_per_story=True))
    versions = store.story_sources(r["story_id"] for r in rows)
    return [{**r, "story_articles": versions[r["story_id"]]} for r in rows]


def index_html(
    feeds: Iterable[tuple[str, str]], store: Store, *, opml_url: str, health_url: str
) -> str:
    """The static build's front page (feeds/frontpage.py): ``feeds`` as (path without
    extension, title); without the builder and the search, which need the server."""
    page = Page([FeedLink(p, t) for p, t in feeds], opml_url, health_url)
    return front_page(page, front_stories(store), store.sources())


def feed_scope(name: str, query: FeedQuery, own: FeedQuery | None = None) -> str:
    """A feed's identity in its items' GUIDs (docs/feeds.md, "Ids"): its name when the
    query selects what the feed itself does (``own``, its definition alone), else the
    name and a digest of what it selects, so that one GUID always denotes one version
    of one story, and two feeds never share a GUID (newsboat keys items by GUID across
    all of a user's feeds). How many items and how they are shown (``limit``,
    ``format``, ``brief``) do not change it."""
    if own is not None and _selects(query) == _selects(own):
        return name
    digest = hashlib.sha256(repr(_selects(query)).encode()).hexdigest()[:10]
    return f"{name}.{digest}"


def _selects(query: FeedQuery) -> tuple[Any, ...]:
    return (query.selection, tuple(query.spec.prefer_languages), query.spec.one_per_story)
