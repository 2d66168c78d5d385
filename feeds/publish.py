"""What the feed server and the static build share: a feed's rows from the store, the
vocabulary of query values, the OPML and the index page (docs/feeds.md)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from storage import relevance
from storage.vocabulary import EVENT_TYPES, LANGUAGES, TOPICS

from .query import MAX_LIMIT, FeedQuery, Vocabulary
from .sanitize import xml_text

if TYPE_CHECKING:
    from storage import Store

__all__ = ["feed_rows", "index_html", "opml", "vocabulary"]

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


_STATUS_MARK = {"stale": "STALE", "broken": "BROKEN", "blocked": "BLOCKED"}


def index_html(
    feeds: Iterable[tuple[str, str]],
    store: Store,
    *,
    opml_url: str,
    health_url: str,
    query_base: str | None = None,
) -> str:
    """The front page: the feeds (``(path without extension, title)``), every source's
    health, and with ``query_base`` (the server) the query parameters.

    Text from the store and the configuration is shown without control or
    bidirectional characters (a source's reason for its health is a site's error text).
    """

    def esc(value: object) -> str:
        return html.escape(xml_text(value))

    rows = []
    for path, title in feeds:
        links = " ".join(
            f'<a href="{esc(path)}.{fmt}">{fmt.upper()}</a>' for fmt in ("rss", "atom", "json")
        )
        rows.append(f"<tr><td>{esc(title)}</td><td>{links}</td></tr>")
    sources = []
    for src in store.sources():
        if not src["registered"]:
            continue
        status = src.get("status") or "not crawled"
        feed = (
            f'<a href="{esc(query_base)}feed.rss?source={esc(src["id"])}">RSS</a>'
            if query_base is not None
            else f'<a href="source-{esc(src["id"])}.rss">RSS</a>'
        )
        sources.append(
            f"<tr><td>{esc(src['name'])}</td><td>{esc(src['country'] or '')}</td>"
            f"<td>{esc(_STATUS_MARK.get(status, status))}</td>"
            f"<td>{esc(src.get('status_reason') or '')}</td>"
            f"<td>{src['article_count']}</td><td>{esc(src.get('newest_published') or '')}</td>"
            f"<td>{feed}</td></tr>"
        )
    query_help = ""
    if query_base is not None:
        query_help = f"""<h2>Any feed</h2>
<p><code>{esc(query_base)}feed.rss</code> (or <code>.atom</code>, <code>.json</code>) with
<code>source</code>, <code>country</code>, <code>topic</code>, <code>event_type</code>,
<code>lang</code> (<code>lang=en,ru</code>: English, else Russian), <code>q</code> (full
text), <code>since</code>, <code>until</code>, <code>limit</code> (at most {MAX_LIMIT}),
<code>unique=story</code>, and RSSHub's <code>filter</code>, <code>filterout</code>,
<code>filter_title</code>, <code>filter_description</code>, <code>filter_time</code>.
Several values of one parameter mean any of them. For example
<a href="feed.rss?country=KZ&amp;country=CN&amp;unique=story">feed.rss?country=KZ&amp;country=CN&amp;unique=story</a>.</p>
"""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>diplofeed</title>
<link rel="alternate" type="text/x-opml" title="All feeds (OPML)" href="{esc(opml_url)}">
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse}}td,th{{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:left}}</style>
</head><body>
<h1>diplofeed: Central Asian diplomacy</h1>
<h2>Feeds</h2>
<p>Subscribe in a reader, or import them all at once: <a href="{esc(opml_url)}">OPML</a>.
Changes of the sources' health: <a href="{esc(health_url)}">{esc(health_url)}</a>.</p>
<table><tr><th>Feed</th><th>Formats</th></tr>{"".join(rows)}</table>
{query_help}<h2>Sources</h2>
<table><tr><th>Source</th><th>Country</th><th>Health</th><th>Why</th><th>Articles</th>
<th>Newest</th><th></th></tr>{"".join(sources)}</table>
</body></html>
"""
