"""Normalisation that decides identity: canonical URLs, clean text, content fingerprints.

The store calls these on every article, crawled or imported, so one page is one row
whatever URL reached it (docs/schema.md, "Identity").
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

__all__ = [
    "TRACKING_PARAMS",
    "body_fingerprint",
    "canonical_url",
    "clean_text",
    "clean_url",
]

# Query parameters that never select content: analytics tags and the "where was this link
# clicked" markers news portals add (AKIpress appends ?from=portal&place=lastmostread).
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "yclid",
        "dclid",
        "msclkid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "from",
        "place",
        "ref",
        "ref_src",
        "share",
        "utm",
        "_openstat",
        "amp",
    }
)
_TRACKING_PREFIXES = ("utm_", "hmsr", "at_")
# Host prefixes that serve the same page as the bare host.
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_AMP_PATH = re.compile(r"(/amp)(?=/|$)|(\.amp)(?=\.html?$)")

# XML 1.0 forbids C0 controls other than tab/newline/CR, lone surrogates, U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_WORD = re.compile(r"\w+")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def clean_url(url: str) -> str:
    """Return ``url`` as a link readers should follow: no fragment, no tracking parameters.

    Unlike :func:`canonical_url` it keeps the host and scheme as the site uses them, so
    the link still opens.
    """
    parts = urlsplit(safe_url_string(url.strip()))
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))


def canonical_url(url: str) -> str:
    """Return the identity key of a page: one value for every URL that shows the same page.

    Removes tracking parameters and fragments, folds ``http``/``https``, ``www.``, mobile
    and AMP variants, default ports, trailing slashes and the order of query parameters.

    Args:
        url: an absolute http(s) URL.

    Returns:
        A normalised URL string (``https://host/path?sorted=query``).
    """
    parts = urlsplit(safe_url_string(url.strip()))
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = _AMP_PATH.sub("", parts.path) or "/"
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    return urlunsplit(("https", host, path, urlencode(query), ""))


def clean_text(text: str | None) -> str:
    """Return ``text`` with XML-illegal characters removed and white space folded.

    Paragraphs (blank-line separated) are kept; runs of spaces and non-breaking spaces
    inside a line become one space. ``None`` becomes ``""``.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", _XML_ILLEGAL.sub("", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # one substitution over the text (the spaces never include a line break), then a strip
    # of each line: the same as substituting line by line, a third of the time
    lines = [line.strip() for line in _SPACES.sub(" ", text).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def body_fingerprint(body: str, *, min_words: int = 20) -> str | None:
    """Return a hash of the body's words, or None when the body is too short to compare.

    Case, punctuation and white space are ignored, so the same text re-typeset by another
    site hashes the same. Short bodies (teasers, empty pages) return None: two empty
    bodies are not the same story.
    """
    words = _WORD.findall(unicodedata.normalize("NFC", body).casefold())
    if len(words) < min_words:
        return None
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
