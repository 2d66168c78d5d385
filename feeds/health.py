"""The health feed: one Atom entry per source per change of status (docs/sources.md).

Subscribe to it and a reader tells you when a source breaks, is blocked or goes quiet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from storage.times import parse_utc

from .build import service_feed, service_feed_bytes, tag_uri
from .sanitize import plain_to_html, xml_text

__all__ = ["HEALTH_SCHEME", "build_health_feed"]

# The vocabulary of health words (the category scheme of the health feed's entries).
HEALTH_SCHEME = "tag:diplofeed,2026:health"


def build_health_feed(
    events: Sequence[Mapping[str, Any]],
    store_info: Mapping[str, str],
    *,
    self_url: str,
    home_url: str,
) -> bytes:
    """Render ``Store.health_events()`` rows (newest first) as Atom bytes.

    Each entry's id is made from the event's row id, so it never changes; its date is
    the time of the crawl that saw the change.
    """
    fg = service_feed(
        store_info,
        "health",
        "diplofeed: source health",
        "A source changed status: ok, degraded, stale, broken, unreachable or blocked",
        self_url=self_url,
        home_url=home_url,
    )
    newest = None
    for event in events:
        since = parse_utc(event["since"])
        newest = max(newest, since) if newest else since
        entry = fg.add_entry(order="append")
        entry.id(tag_uri(store_info, "health", event["id"]))
        entry.title(xml_text(f"{event['source_name']} ({event['source']}): {event['status']}"))
        entry.link(href=home_url, rel="alternate")
        entry.published(since)
        entry.updated(since)
        status = str(event["status"])
        entry.category(term=status, scheme=HEALTH_SCHEME, label=status.replace("_", " ").title())
        entry.content("<br>".join(plain_to_html(line) for line in _content(event)), type="html")
    return service_feed_bytes(fg, newest, store_info)


def _content(event: Mapping[str, Any]) -> list[str]:
    """The reason for the change, then the source's state at that crawl: when it ended,
    the last crawl that found a new article, the statuses of its last crawls (newest
    first). Later crawls change none of it: the entry keeps its bytes."""
    lines = [str(event["reason"])]
    if "history" not in event:
        return lines
    lines.append(f"Crawled: {event.get('last_crawled') or '?'}")
    lines.append(f"Last new article found: {event.get('last_new_article') or 'none yet'}")
    if event["history"]:
        statuses = ", ".join(str(h["status"] or "?") for h in event["history"])
        lines.append(f"Last {len(event['history'])} crawl(s): {statuses}")
    return lines
