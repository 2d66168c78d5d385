"""Making text, HTML and URLs safe for feeds: XML 1.0 characters only, no C1 or
bidirectional controls, no active content, links to http(s) only.

Everything a feed, the index page or the OPML shows passes through here, rows stored
before the store cleaned a field included.
"""

from __future__ import annotations

import html

import nh3

from storage.normalize import clean_text, web_url

__all__ = ["plain_to_html", "safe_url", "sanitize_html", "xml_text"]

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
# Ammonia passes at most: ordinary HTML settles in one, a fragment whose cleaning removed
# characters in two.
_PASSES = 3


def xml_text(value: object) -> str:
    """``value`` as text holding only XML 1.0 characters (feedgen raises on the rest),
    without C1 controls or bidirectional overrides (storage.normalize.clean_text)."""
    return clean_text(str(value)) if value is not None else ""


def sanitize_html(fragment: str) -> str:
    """Keep structure and links; drop scripts, styles, iframes, event handlers and
    ``javascript:`` URLs (ammonia via nh3). Output is well-formed and XML-safe.

    Ammonia's output is made XML-safe (:func:`xml_text`), and ammonia runs again on
    that until it needs no more cleaning: removing a character after ammonia checked a
    URL could make one it allowed (``java\x01script:``, ``java&#x202e;script:``, and
    ``java\n   script:``, whose folded form ``java\nscript:`` a browser reads as
    ``javascript:``). A fragment that does not settle in ``_PASSES`` is dropped.
    """
    if not fragment:
        return ""
    text = fragment
    for _ in range(_PASSES):
        cleaned = nh3.clean(
            text,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
        text = xml_text(cleaned)
        if text == cleaned:
            return text
    return ""


def plain_to_html(text: str) -> str:
    """Escape plain text for an HTML field (RSS ``description`` is HTML: ``<Узбекистан>``
    in a title must not become a tag)."""
    return html.escape(xml_text(text), quote=False)


def safe_url(value: object) -> str | None:
    """``value`` when readers may be sent to it: an absolute http(s) URL without control
    or bidirectional characters (storage.normalize.web_url); else None, and the caller
    leaves the link out. A ``javascript:`` or ``data:`` image of a row stored before the
    store checked images is dropped here, and a control character no longer stops a
    feed (lxml refuses one in an attribute)."""
    return web_url(value)
