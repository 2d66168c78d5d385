"""Feed building: query rows in, RSS/Atom bytes out (docs/feeds.md)."""

from __future__ import annotations

from .build import FeedSpec, build_feed, tag_uri
from .changes import build_changes_feed
from .health import build_health_feed
from .sanitize import sanitize_html, xml_text
from .static import StaticBuild, build_static_feeds, write_if_changed

__all__ = [
    "FeedSpec",
    "StaticBuild",
    "build_changes_feed",
    "build_feed",
    "build_health_feed",
    "build_static_feeds",
    "sanitize_html",
    "tag_uri",
    "write_if_changed",
    "xml_text",
]
