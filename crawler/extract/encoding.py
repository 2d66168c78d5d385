"""Decoding pages whose HTTP header names the wrong charset.

A wrong but valid charset in the header wins in every HTTP client (FIELD-NOTES: Scrapy),
so a windows-1251 page sent as UTF-8 decodes to U+FFFD replacement characters with no
error. When that happens and the body decodes cleanly from its own signals (BOM,
``<meta charset>``, byte statistics), that reading is used instead.
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode

__all__ = ["decode_page"]

_REPLACEMENT = "\ufffd"
# More than this share of replacement characters means the header lied.
_THRESHOLD = 0.001


def decode_page(header_text: str, body: bytes, content_type: str | None) -> tuple[str, str | None]:
    """Return ``(text, note)``: ``header_text`` (the body decoded as the header says), or
    a better decoding of ``body`` with a note saying what was wrong."""
    bad = header_text.count(_REPLACEMENT)
    if not bad or bad / max(len(header_text), 1) <= _THRESHOLD:
        return header_text, None
    encoding, sniffed = html_to_unicode(None, body)
    if sniffed.count(_REPLACEMENT) < bad:
        return sniffed, f"header says {content_type!r} but the page is {encoding}"
    return header_text, f"undecodable bytes ({bad} replaced) under {content_type!r}"
