"""Making text and HTML safe for feeds: XML 1.0 characters only, no active content."""

from __future__ import annotations

import html

import nh3

from storage.normalize import clean_text

__all__ = ["plain_to_html", "sanitize_html", "xml_text"]

_TAGS = {
    "p",
    "br",
    "a",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "figure",
    "figcaption",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "span",
}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


def xml_text(value: object) -> str:
    """``value`` as text holding only XML 1.0 characters (feedgen raises on the rest)."""
    return clean_text(str(value)) if value is not None else ""


def sanitize_html(fragment: str) -> str:
    """Keep structure and links; drop scripts, styles, iframes, event handlers and
    ``javascript:`` URLs (ammonia via nh3). Output is well-formed and XML-safe."""
    if not fragment:
        return ""
    cleaned = nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return xml_text(cleaned) if cleaned.strip() else ""


def plain_to_html(text: str) -> str:
    """Escape plain text for an HTML field (RSS ``description`` is HTML: ``<Узбекистан>``
    in a title must not become a tag)."""
    return html.escape(xml_text(text), quote=False)
