"""Feeds from query results: ``build_feed(spec, rows)`` wraps feedgen (docs/feeds.md).

Dates come from the store, never from the clock, so the same rows give the same bytes;
GUIDs are ``tag:`` URIs from internal ids, never from URLs. Every URL of a row (the
article's link, its image, the publisher's homepage, the story's other versions) is
published only when it is an http(s) URL without control characters (sanitize.safe_url):
a row stored before the store checked them loses the link, not the feed.
"""

from __future__ import annotations

import html
import json
import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from storage.normalize import plain_text
from storage.times import parse_utc

from .labels import categories
from .sanitize import plain_to_html, safe_url, sanitize_html, xml_text

__all__ = ["FeedSpec", "build_feed", "service_feed", "service_feed_bytes", "tag_uri"]

_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
PROJECT_URI = "https://github.com/diplofeed/diplofeed"


def tag_uri(store_info: Mapping[str, str], kind: str, ident: object, scope: str = "") -> str:
    """The permanent id of an article, story, feed or event of one store (RFC 4151
    ``tag:``).

    ``tag:diplofeed,<store creation date>:<store key>/[<scope>/]<kind>/<id>``: the store
    key keeps ids of a rebuilt store from colliding with GUIDs a reader has already seen;
    ``scope``, a feed's identity, makes an item's GUID the feed's own (docs/feeds.md,
    "Ids": newsboat keys items by GUID across feeds).
    """
    created = store_info.get("created", "2026-01-01")[:10]
    key = store_info.get("store_key", "0")
    prefix = f"{scope}/" if scope else ""
    return f"tag:diplofeed,{created}:{key}/{prefix}{kind}/{ident}"


@dataclass(slots=True)
class FeedSpec:
    """What a feed is: its name (``all``, ``country-kz``, ``source-kt_kz``), title,
    links, and whether it shows one item per story."""

    name: str
    title: str
    description: str
    self_url: str
    home_url: str
    store_info: Mapping[str, str] = field(default_factory=dict)
    one_per_story: bool = False
    language: str | None = None
    ttl_minutes: int = 60
    # the feed's identity in its items' GUIDs (feeds.publish.feed_scope); "" for none
    scope: str = ""
    # RSSHub's brief: items as this many characters of plain text, without the body
    brief: int | None = None

    def guid(self, row: Mapping[str, Any]) -> str:
        """An item's GUID in this feed: the story's (one item per story), else the
        article's, within the feed's scope."""
        if self.one_per_story:
            return tag_uri(self.store_info, "story", row["story_id"], self.scope)
        return tag_uri(self.store_info, "article", row["id"], self.scope)


def service_feed(
    store_info: Mapping[str, str],
    name: str,
    title: str,
    subtitle: str,
    *,
    self_url: str,
    home_url: str,
) -> FeedGenerator:
    """The head of one of the store's own Atom feeds (health, changes): its id from the
    store, its title and links. Entries are added by the caller; :func:`service_feed_bytes`
    finishes it."""
    fg = FeedGenerator()
    fg.id(tag_uri(store_info, "feed", name))
    fg.title(title)
    fg.subtitle(subtitle)
    fg.link(href=self_url, rel="self")
    fg.link(href=home_url, rel="alternate")
    fg.generator("diplofeed", uri=PROJECT_URI)
    # Atom needs an author for each entry, or the feed's for all of them
    fg.author(name="diplofeed", uri=home_url)
    fg.language("en")
    return fg


def service_feed_bytes(
    fg: FeedGenerator, newest: datetime | None, store_info: Mapping[str, str]
) -> bytes:
    """The feed as Atom bytes, updated as of its newest entry (else the store's creation)."""
    fg.updated(newest or parse_utc(store_info.get("created", "2026-01-01T00:00:00Z")))
    return bytes(fg.atom_str(pretty=True))


def _entry_dates(row: Mapping[str, Any]) -> tuple[datetime, datetime]:
    published = parse_utc(row["published"])
    updated = parse_utc(row["updated"]) if row.get("updated") else published
    return published, max(published, updated)


def _others(row: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """For one item per story: the story's other source and language versions."""
    return [a for a in row.get("story_articles") or () if a.get("url") != row.get("url")]


def _also_reported(row: Mapping[str, Any]) -> str:
    """For one item per story: every other source and language version, as links (a
    version whose URL is not a web link is named without one)."""
    others = _others(row)
    if not others:
        return ""
    links = []
    for other in others:
        label = html.escape(xml_text(other["source_name"]))
        if other.get("language"):
            label += f" ({html.escape(xml_text(other['language']))})"
        url = safe_url(other.get("url"))
        links.append(f'<a href="{html.escape(url)}">{label}</a>' if url else label)
    return f"<p>Also reported by: {', '.join(links)}</p>"


def _image(row: Mapping[str, Any]) -> tuple[str, str] | None:
    """The lead image as (URL, MIME type), or None when the row has no image a reader
    may fetch (none, or a ``javascript:``/``data:`` URL or a control character in a row
    stored before the store checked images)."""
    url = safe_url(row.get("image"))
    if url is None:
        return None
    return url, mimetypes.guess_type(url.split("?")[0])[0] or "image/jpeg"


_SUMMARY = 300


def _title(row: Mapping[str, Any]) -> str:
    """The item's title; the store never keeps an empty one, but a caller's row may have
    one that is empty once XML-illegal characters are gone (feedgen refuses the item)."""
    return xml_text(row["title"]).strip() or "(no title)"


def _summary(row: Mapping[str, Any]) -> str:
    """The plain-text summary: the page's own, else the body's opening, cut at a word
    under 300 characters (readers show it in their lists)."""
    text = xml_text(plain_text(row.get("summary"))).strip()  # old rows may hold markup
    if text:
        return text
    body = " ".join(xml_text(row.get("body") or "").split())
    if len(body) <= _SUMMARY:
        return body
    cut = body.rfind(" ", 0, _SUMMARY - 1)
    return body[: cut if cut > 0 else _SUMMARY - 1].rstrip(" ,;:") + "…"


def _content(row: Mapping[str, Any], spec: FeedSpec) -> str:
    """The item's body as HTML, with "Also reported by"; none with RSSHub's brief."""
    if spec.brief:
        return ""
    body = sanitize_html(row.get("body_html") or "") or plain_to_html(row.get("body") or "")
    return body + _also_reported(row)


def _brief(row: Mapping[str, Any], size: int) -> str:
    """RSSHub's brief: the item as plain text of at most ``size`` characters."""
    text = " ".join(xml_text(row.get("body") or "").split()) or _summary(row)
    if len(text) <= size:
        return text
    cut = text.rfind(" ", 0, size - 1)
    return text[: cut if cut > 0 else size - 1].rstrip(" ,;:") + "…"


def build_feed(spec: FeedSpec, rows: Sequence[Mapping[str, Any]], fmt: str = "rss") -> bytes:
    """Render rows from ``Store.query_articles`` as RSS 2.0, Atom 1.0 or JSON Feed 1.1.

    Args:
        spec: the feed's identity and titles.
        rows: article rows, in the order to publish (newest first); each needs ``id``,
            ``story_id``, ``url``, ``title``, ``published``; ``updated``, ``body``,
            ``body_html``, ``summary``, ``image``, ``source_name``, ``country``,
            ``language`` are used when present.
        fmt: ``"rss"``, ``"atom"`` or ``"json"``.

    Returns:
        UTF-8 encoded XML or JSON. The same rows always give the same bytes.

    Raises:
        ValueError: an unknown format.
    """
    if fmt == "json":
        return _json_feed(spec, rows)
    if fmt not in ("rss", "atom"):
        raise ValueError(f"unknown feed format {fmt!r}")
    fg = _channel(spec)
    newest = _EPOCH
    for row in rows:
        newest = max(newest, _entry_dates(row)[1])
        _add_entry(fg, spec, row, fmt)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    if fmt == "rss":
        return bytes(fg.rss_str(pretty=True))
    return _with_entry_link_rels(bytes(fg.atom_str(pretty=True)), rows)


def _channel(spec: FeedSpec) -> FeedGenerator:
    """The feed's head: id, titles, links, language, ttl."""
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(tag_uri(spec.store_info, "feed", spec.scope or spec.name))
    # feedgen refuses a feed without title or description: a named feed titled "" (or
    # only control characters) gets the project's name rather than a 500
    title = xml_text(spec.title).strip() or "diplofeed"
    fg.title(title)
    fg.subtitle(xml_text(spec.description).strip() or title)
    fg.generator("diplofeed", uri=PROJECT_URI)
    # feedgen's RSS <link> is the last link added: self first, the site last.
    fg.link(href=spec.self_url, rel="self")
    fg.link(href=spec.home_url, rel="alternate")
    if spec.language:
        fg.language(spec.language)
    fg.ttl(spec.ttl_minutes)
    return fg


def _add_entry(fg: FeedGenerator, spec: FeedSpec, row: Mapping[str, Any], fmt: str) -> None:
    published, updated = _entry_dates(row)
    entry = fg.add_entry(order="append")
    guid = spec.guid(row)
    entry.id(guid)
    entry.guid(guid, permalink=False)
    entry.title(_title(row))
    if link := safe_url(row["url"]):
        entry.link(href=link, rel="alternate")
    entry.published(published)
    entry.updated(updated)
    _entry_text(entry, spec, row, fmt)
    _entry_metadata(entry, spec, row, fmt)


def _entry_text(entry: FeedEntry, spec: FeedSpec, row: Mapping[str, Any], fmt: str) -> None:
    """Summary (RSS description) and body (content:encoded, Atom content)."""
    summary = _brief(row, spec.brief) if spec.brief else _summary(row)
    if summary and fmt == "rss":
        entry.description(plain_to_html(summary))
    elif summary:
        entry.summary(summary)
    if content := _content(row, spec):
        entry.content(content, type="CDATA" if fmt == "rss" else "html")


def _entry_metadata(entry: FeedEntry, spec: FeedSpec, row: Mapping[str, Any], fmt: str) -> None:
    """The publisher (Atom author; RSS dc:creator and source), categories with their
    vocabulary and label, the item's language and the lead image."""
    publisher = xml_text(row.get("source_name") or "").strip()
    if publisher and fmt == "atom":
        entry.author(name=publisher, uri=safe_url(row.get("source_homepage")) or None)
    elif publisher:
        entry.dc.dc_creator(publisher)
        if homepage := safe_url(row.get("source_homepage")):
            # RSS <source> names the publisher and where it publishes.
            entry.source(url=homepage, title=publisher)
    if fmt == "rss" and row.get("language"):
        entry.dc.dc_language(xml_text(row["language"]))
    for category in categories(row, spec.language or row.get("language")):
        entry.category(
            term=xml_text(category.term), scheme=category.scheme, label=xml_text(category.label)
        )
    if image := _image(row):
        if fmt == "rss":
            entry.enclosure(image[0], "0", image[1])
        else:
            entry.link(href=image[0], rel="enclosure", type=image[1])


def _json_feed(spec: FeedSpec, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the same items: the same ids,
    dates, content and categories as the RSS and Atom versions."""
    items = []
    for row in rows:
        published, updated = _entry_dates(row)
        item: dict[str, Any] = {"id": spec.guid(row)}
        if link := safe_url(row["url"]):
            item["url"] = link
        content = _content(row, spec)
        item |= {
            "title": _title(row),
            **(
                {"content_text": _brief(row, spec.brief)}
                if spec.brief
                else {"content_html": content}
            ),
            "date_published": published.isoformat().replace("+00:00", "Z"),
            "date_modified": updated.isoformat().replace("+00:00", "Z"),
            "tags": [xml_text(c.term) for c in categories(row)],
        }
        if summary := _summary(row):
            item["summary"] = summary
        if row.get("language"):
            item["language"] = xml_text(row["language"])
        if image := _image(row):
            item["image"] = image[0]
        if row.get("source_name"):
            author = {"name": xml_text(row["source_name"])}
            if homepage := safe_url(row.get("source_homepage")):
                author["url"] = homepage
            item["authors"] = [author]
        if others := _others(row):
            # JSON Feed extensions start with an underscore
            item["_diplofeed"] = {"also_reported_by": [_version(o) for o in others]}
        items.append(item)
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": xml_text(spec.title).strip() or "diplofeed",
        "home_page_url": spec.home_url,
        "feed_url": spec.self_url,
        "description": xml_text(spec.description).strip() or xml_text(spec.title),
        "items": items,
    }
    if spec.language:
        feed["language"] = spec.language
    return json.dumps(feed, ensure_ascii=False, indent=1).encode() + b"\n"


def _version(other: Mapping[str, Any]) -> dict[str, Any]:
    """One of a story's other versions in JSON Feed's ``_diplofeed.also_reported_by``;
    without ``url`` when its URL is not a web link."""
    version: dict[str, Any] = {"source": xml_text(other["source_name"])}
    if url := safe_url(other.get("url")):
        version["url"] = url
    language = other.get("language")
    version["language"] = xml_text(language) if language else language
    return version


def _with_entry_link_rels(data: bytes, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """Write the ``rel`` (and ``type``) of Atom entry links, and each entry's
    ``xml:lang``.

    feedgen 1.0 drops every attribute but ``href`` from entry links (a variable shadows
    the link's data in ``FeedEntry.atom_entry``), so an enclosure would read as a second
    alternate link and readers would open the image instead of the article.
    """
    root = etree.fromstring(data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for entry, row in zip(root.findall("a:entry", ns), rows, strict=True):
        if row.get("language"):
            entry.set("{http://www.w3.org/XML/1998/namespace}lang", xml_text(row["language"]))
        image, url = _image(row), safe_url(row["url"])
        for link in entry.findall("a:link", ns):
            if image and link.get("href") == image[0] != url:
                link.set("rel", "enclosure")
                link.set("type", image[1])
            else:
                link.set("rel", "alternate")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
