"""The front page and its companions (docs/feeds.md, "The front page"): the latest
stories, the named feeds with their subscribe and autodiscovery links, a feed builder,
a search box, and the sources' health, broken and stale first.

Plain HTML that works without JavaScript, readable on a phone (one column under 40em),
with landmarks, ``lang`` and a label on every field. Every text from the store or the
configuration is escaped and cleaned of control and bidirectional characters (a
source's health reason is a site's error text).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from storage.vocabulary import STATES

from .labels import label
from .sanitize import safe_url, xml_text

__all__ = [
    "FeedLink",
    "Page",
    "build_page",
    "front_page",
    "health_rank",
    "search_page",
]

# How a health word reads: (rank, CSS class, icon). Broken first, then stale, then the
# rest; a word this table does not know (a status added later) is shown as it is, with
# the "attention" look, between the broken and the stale ones.
_HEALTH = {
    "broken": (0, "bad", "✖"),
    "blocked": (0, "bad", "⛔"),
    "unreachable": (0, "bad", "✖"),
    "stale": (2, "warn", "⏸"),
    "degraded": (2, "warn", "⚠"),
    "ok": (4, "good", "✔"),
}
_UNKNOWN_HEALTH = (1, "warn", "⚠")
_NOT_CRAWLED = (3, "none", "…")


def health_rank(status: str | None) -> tuple[int, str, str]:
    """(sort rank, CSS class, icon) of a health word; None is "not crawled"."""
    if not status:
        return _NOT_CRAWLED
    return _HEALTH.get(status.lower(), _UNKNOWN_HEALTH)


def _esc(value: object) -> str:
    return html.escape(xml_text("" if value is None else value))


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed listed on the page: its address without extension, and title."""

    path: str
    title: str


@dataclass(slots=True)
class Page:
    """What every page shares: where the feeds are, and whether a server answers
    (the builder and the search need one; a static build has none)."""

    feeds: Sequence[FeedLink]
    opml_url: str
    health_url: str
    served: bool = False
    vocabulary: Mapping[str, Sequence[str]] = field(default_factory=dict)


_STYLE = """
:root{color-scheme:light dark;--bad:#b00020;--warn:#8a5a00;--good:#1b6e20;--mute:#666}
body{font:1rem/1.5 system-ui,sans-serif;max-width:64em;margin:0 auto;padding:0 1em}
header,footer{padding:.5em 0}h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.2em}
a{color:#0645ad}@media (prefers-color-scheme:dark){a{color:#8ab4f8}
:root{--bad:#ff6b81;--warn:#f0b429;--good:#5bd46b;--mute:#aaa}}
.cols{display:grid;grid-template-columns:2fr 1fr;gap:2em}
@media (max-width:40em){.cols{grid-template-columns:1fr}}
ul.stories{list-style:none;padding:0}ul.stories li{padding:.35em 0;border-bottom:1px solid #8884}
.meta{color:var(--mute);font-size:.9em}
.feeds li{margin:.3em 0}.sub a{margin-right:.4em}
fieldset{border:1px solid #8886;margin:.5em 0}label{display:inline-block;margin:.15em .6em .15em 0}
input[type=search],input[type=text],select{font:inherit;max-width:100%}
button{font:inherit;padding:.3em 1em}
output,.url{display:block;word-break:break-all;font-family:monospace;padding:.4em;
border:1px solid #8886;background:#8881}
table{border-collapse:collapse;width:100%}td,th{padding:.3em .5em;text-align:left;
border-bottom:1px solid #8884;vertical-align:top}
.status{font-weight:600;white-space:nowrap}.bad{color:var(--bad)}.warn{color:var(--warn)}
.good{color:var(--good)}.none{color:var(--mute)}
@media (max-width:40em){table.health thead{display:none}table.health td{display:block;
border:0;padding:.1em 0}table.health tr{display:block;border-bottom:1px solid #8884;
padding:.4em 0}}
"""


def _document(title: str, page: Page, body: str, extra_head: str = "") -> str:
    alternates = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="{_esc(f.title)}" '
        f'href="{_esc(f.path)}.rss">\n'
        for f in page.feeds
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)}</title>
{alternates}{extra_head}<link rel="alternate" type="text/x-opml" title="All feeds (OPML)" href="{_esc(page.opml_url)}">
<style>{_STYLE}</style>
</head><body>
<header role="banner"><h1><a href="./">diplofeed</a>: Central Asian diplomacy</h1>
<p>What the foreign ministries and news agencies of Kazakhstan, Kyrgyzstan, Tajikistan,
Turkmenistan and Uzbekistan report, one item per story, as feeds for any reader.</p>
{_search_form(page)}</header>
<main id="main">
{body}
</main>
<footer role="contentinfo" class="meta"><p>Import every feed at once:
<a href="{_esc(page.opml_url)}">OPML</a>. The sources' health changes:
<a href="{_esc(page.health_url)}">health feed</a>.</p></footer>
</body></html>
"""


def _search_form(page: Page, query: str = "") -> str:
    if not page.served:
        return ""
    return f"""<form role="search" action="search" method="get">
<label for="q">Search the stories</label>
<input type="search" id="q" name="q" value="{_esc(query)}" required>
<button type="submit">Search</button></form>"""


def _story_line(row: Mapping[str, Any]) -> str:
    url = safe_url(row.get("url"))
    title = _esc(row.get("title") or "(no title)")
    headline = f'<a href="{_esc(url)}">{title}</a>' if url else title
    others = [o for o in row.get("story_articles") or () if o.get("url") != row.get("url")]
    names = list(
        dict.fromkeys(
            str(o.get("source_name") or "")
            + (f" ({o['language']})" if o.get("language") != row.get("language") else "")
            for o in others
        )
    )
    also = f"; also reported by {_esc(', '.join(n for n in names if n))}" if names else ""
    when = str(row.get("published") or "")[:16].replace("T", " ")
    return (
        f'<li lang="{_esc(row.get("language") or "")}">{headline}<br>'
        f'<span class="meta" lang="en"><time datetime="{_esc(row.get("published"))}">'
        f"{_esc(when)} UTC</time>, {_esc(row.get('source_name'))}{also}</span></li>"
    )


def _stories(rows: Sequence[Mapping[str, Any]], heading: str) -> str:
    if not rows:
        return f'<section aria-labelledby="latest"><h2 id="latest">{_esc(heading)}</h2><p>No stories yet.</p></section>'
    return (
        f'<section aria-labelledby="latest"><h2 id="latest">{_esc(heading)}</h2>'
        f'<ul class="stories">{"".join(_story_line(r) for r in rows)}</ul></section>'
    )


def _feed_list(page: Page) -> str:
    items = []
    for feed in page.feeds:
        links = " ".join(
            f'<a href="{_esc(feed.path)}.{fmt}" type="{mime}">{name}</a>'
            for fmt, mime, name in (
                ("rss", "application/rss+xml", "RSS"),
                ("atom", "application/atom+xml", "Atom"),
                ("json", "application/feed+json", "JSON"),
            )
        )
        items.append(f'<li>{_esc(feed.title)}<br><span class="sub">{links}</span></li>')
    return (
        '<nav aria-labelledby="feeds"><h2 id="feeds">Subscribe</h2>'
        "<p>Copy a link into your reader, or import them all with the "
        f'<a href="{_esc(page.opml_url)}">OPML file</a>.</p>'
        f'<ul class="feeds">{"".join(items)}</ul></nav>'
    )


_BUILDER_FIELDS = (
    ("country", "Countries (any of)", "country"),
    ("topic", "Topics (any of)", "topic"),
    ("event_type", "Event types (any of)", "event_type"),
)


def _builder(page: Page) -> str:
    if not page.served:
        return ""
    groups = []
    for name, legend, kind in _BUILDER_FIELDS:
        # the five states first, then the rest by name
        named = [
            (code not in STATES, label(kind, code), code) for code in page.vocabulary.get(name, ())
        ]
        codes = [code for *_, code in sorted(named)]
        boxes = "".join(
            f'<label><input type="checkbox" name="{name}" value="{_esc(code)}"> '
            f"{_esc(label(kind, code))}</label>"
            for code in codes
        )
        groups.append(f"<fieldset><legend>{legend}</legend>{boxes}</fieldset>")
    languages = "".join(
        f'<option value="{_esc(code)}">{_esc(label("language", code))}</option>'
        for code in page.vocabulary.get("lang", ())
    )
    return f"""<section aria-labelledby="builder"><h2 id="builder">Build your own feed</h2>
<form action="build" method="get">
{"".join(groups)}
<p><label for="b-lang">Language</label> <select id="b-lang" name="lang">
<option value="">any (one item per story, best version)</option>{languages}</select></p>
<p><label for="b-q">Words to search for</label>
<input type="text" id="b-q" name="q"></p>
<p><button type="submit">Make the feed</button></p>
</form></section>"""


def _why(src: Mapping[str, Any]) -> str:
    """Why the source has its status: the last crawl's own reason (recomputed every
    crawl), else the reason of its last change of status, dated."""
    if src.get("last_reason"):
        return _esc(src["last_reason"])
    reason = _esc(src.get("status_reason") or "")
    since = str(src.get("status_since") or "")[:10]
    return (
        f'<span class="meta">since {_esc(since)}:</span> {reason}' if since and reason else reason
    )


def _health(sources: Iterable[Mapping[str, Any]], served: bool) -> str:
    rows = []
    registered = [s for s in sources if s.get("registered")]
    registered.sort(key=lambda s: (health_rank(s.get("status"))[0], str(s.get("name"))))
    for src in registered:
        status = src.get("status")
        _, css, icon = health_rank(status)
        word = (status or "not crawled").replace("_", " ")
        feed = f"feed.rss?source={_esc(src['id'])}" if served else f"source-{_esc(src['id'])}.rss"
        crawl = ""
        if src.get("last_crawled"):
            crawl = (
                f"{_esc(str(src['last_crawled'])[:16].replace('T', ' '))}: "
                f"{int(src.get('last_pages') or 0)} pages, {int(src.get('last_new') or 0)} new, "
                f"{int(src.get('last_failed') or 0)} failed"
            )
        rows.append(
            f'<tr><td><a href="{feed}">{_esc(src["name"])}</a> '
            f'<span class="meta">{_esc(src.get("country") or "")}</span></td>'
            f'<td class="status {css}"><span aria-hidden="true">{icon}</span> {_esc(word)}</td>'
            f"<td>{_why(src)}</td>"
            f"<td>{crawl or 'never'}</td>"
            f"<td>{_esc(str(src.get('last_new_found') or '')[:10]) or 'none yet'}</td>"
            f"<td>{int(src.get('article_count') or 0)}</td></tr>"
        )
    return f"""<section aria-labelledby="health"><h2 id="health">Sources</h2>
<table class="health"><thead><tr><th scope="col">Source</th><th scope="col">Health</th>
<th scope="col">Why</th><th scope="col">Last crawl</th><th scope="col">Last new article</th>
<th scope="col">Articles</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>"""


def front_page(
    page: Page, stories: Sequence[Mapping[str, Any]], sources: Iterable[Mapping[str, Any]]
) -> str:
    """The front page: latest stories, the feeds, the builder, the sources' health."""
    body = (
        f'<div class="cols"><div>{_stories(stories, "Latest stories")}</div>'
        f"<div>{_feed_list(page)}</div></div>"
        f"{_builder(page)}{_health(sources, page.served)}"
    )
    return _document("diplofeed: Central Asian diplomacy", page, body)


def build_page(
    page: Page, params: Sequence[tuple[str, str]], rows: Sequence[Mapping[str, Any]]
) -> str:
    """The feed builder's answer: the feed's address to copy, its formats, a preview."""
    kept = [(k, v) for k, v in params if v]
    if not any(k == "unique" for k, _ in kept):
        kept.append(("unique", "story"))
    query = urlencode(kept)
    links = " ".join(
        f'<a href="feed.{fmt}?{_esc(query)}" type="{mime}">{name}</a>'
        for fmt, mime, name in (
            ("rss", "application/rss+xml", "RSS"),
            ("atom", "application/atom+xml", "Atom"),
            ("json", "application/feed+json", "JSON"),
        )
    )
    head = f'<link rel="alternate" type="application/rss+xml" title="Your feed" href="feed.rss?{_esc(query)}">\n'
    body = f"""<section aria-labelledby="yours"><h2 id="yours">Your feed</h2>
<p><label for="feed-url">Its address, to copy into your reader:</label></p>
<input type="text" id="feed-url" class="url" readonly value="feed.rss?{_esc(query)}" size="60">
<p>Open it as {links}.</p></section>
{_stories(rows, "What it holds now")}"""
    return _document("diplofeed: your feed", page, body, head)


def search_page(page: Page, query: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """Search results as a page, with the same search as a feed."""
    feed = "feed.rss?" + urlencode({"q": query, "unique": "story"})
    head = f'<link rel="alternate" type="application/rss+xml" title="Search: {_esc(query)}" href="{_esc(feed)}">\n'
    results = "".join(
        f'<li lang="{_esc(r.get("language") or "")}"><a href="{_esc(safe_url(r.get("url")) or "")}">'
        f'{_esc(r.get("title"))}</a><br><span class="meta" lang="en">'
        f"{_esc(str(r.get('published') or '')[:10])}, {_esc(r.get('source_name'))}</span><br>"
        f'<span class="meta">{_esc(r.get("snippet") or "")}</span></li>'
        for r in rows
    )
    body = f"""<section aria-labelledby="results"><h2 id="results">Results for “{_esc(query)}”</h2>
<p>Follow this search in your reader: <a href="{_esc(feed)}" type="application/rss+xml">{_esc(feed)}</a></p>
{f'<ul class="stories">{results}</ul>' if results else "<p>Nothing found.</p>"}</section>"""
    return _document(f"diplofeed: {query}", page, body, head)
