"""Normalisation that decides identity: canonical URLs, clean text, content fingerprints,
and which URLs may be kept at all (links and images readers will follow).

The store calls these on every article, crawled or imported, so one page is one row
whatever URL reached it (docs/schema.md, "Identity"), and no stored text carries a
character that breaks a feed, drives a terminal or reorders what a reader sees.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

__all__ = [
    "MAX_URL_LENGTH",
    "TRACKING_PARAMS",
    "body_fingerprint",
    "canonical_url",
    "clean_image_url",
    "clean_text",
    "clean_url",
    "join_url",
    "plain_text",
    "web_url",
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

# Removed from every text: what XML 1.0 forbids (C0 controls other than tab, newline and
# CR; lone surrogates; U+FFFE/U+FFFF), the C1 controls U+0080-U+009F (never text: U+009B
# is a terminal's CSI, so a title holding one drives the terminal `diplofeed search`
# prints to), and the bidirectional embeddings, overrides and isolates U+202A-U+202E and
# U+2066-U+2069: they reorder everything after them up to the end of the paragraph
# ("Trojan Source", CVE-2021-42574), so a title could show a reader other words than it
# holds, and an unclosed one spills into the reader's next line. The marks U+200E,
# U+200F and U+061C stay: they only give a direction to the neutral characters beside
# them, reorder nothing else, and mixed Latin/Arabic-script text needs them to show right.
_STRIPPED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
# A URL holding any of these is refused, not repaired: no site means one (a tab or a
# line break inside a URL is a broken attribute; browsers would silently drop it, lxml
# refuses it in a feed), and a direction mark or override would disguise the address.
_URL_REFUSED = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
# Longer URLs are refused: the sitemap protocol's limit, and more than any lead image
# needs; a longer "URL" is a data blob that would be repeated in every feed carrying it.
MAX_URL_LENGTH = 2048
_WEB_SCHEMES = ("http", "https")
# A host whose last label is a number is an IPv4 address to a URL parser (the WHATWG URL
# standard's "ends in a number", which w3lib follows from 2.6): "example.0" or "1.2.3.999"
# is an address no browser opens and w3lib refuses, and the short and hexadecimal forms
# ("0x7f.1" is 127.0.0.1) only disguise one. Of those hosts only the four dotted decimal
# numbers are kept (see _host_refused).
_ENDS_IN_NUMBER = re.compile(r"(?:^|\.)(?:[0-9]+|0x[0-9a-f]*)\.?$", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Whatever clean_text would change: a character it removes or turns into a space, any
# white space but a plain space or line break (str.strip takes more than _SPACES), two
# spaces, a space at either end of a line, three line breaks. Text stored by the store is
# already clean; the feeds clean every field again (rows of older stores), and a search
# for these is a third of the time of the substitutions.
_CHANGED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
    "\t\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000]|  | \n|\n |\n\n\n"
)
_WORD = re.compile(r"\w+")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def _host_refused(host: str) -> bool:
    """Whether a URL parser reads ``host`` (lower case) as a malformed or disguised IPv4
    address (see ``_ENDS_IN_NUMBER``), or as a bracketed literal that is no IPv6 address
    (an IPvFuture "v7.a:b", which browsers refuse); an IPv6 address ("::ffff:1.2.3.4") is
    none of these."""
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return True
        return False
    if not _ENDS_IN_NUMBER.search(host):
        return False
    try:
        ipaddress.IPv4Address(host.removesuffix("."))
    except ValueError:
        return True
    return False


def _safe_parts(url: str) -> SplitResult:
    """``url`` split, made safe by w3lib (percent-encoded, the host in IDNA).

    Raises ValueError for an address no URL parser reads, whatever the w3lib version:
    a host that ends in a number but is no IPv4 address, one IDNA cannot encode, an
    unclosed bracket.
    """
    url = url.strip()
    # as written (w3lib 2.6 rewrites "0x7f.1"), and as w3lib made it (IDNA maps
    # "example.０" to "example.0", which w3lib 2.5 lets through)
    _check_host(urlsplit(url).hostname or "")
    parts = urlsplit(safe_url_string(url))
    _check_host(parts.hostname or "")
    return parts


def _check_host(host: str) -> None:
    if _host_refused(host):
        raise ValueError(f"{host!r} is not a host name nor an IPv4 address")


def clean_url(url: str) -> str:
    """Return ``url`` as a link readers should follow: no fragment, no tracking parameters.

    Unlike :func:`canonical_url` it keeps the host and scheme as the site uses them, so
    the link still opens. Raises ValueError for an address :func:`web_url` refuses as
    unreadable (callers check with it first).
    """
    parts = _safe_parts(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))


def join_url(base: str, href: str) -> str:
    """The address ``href`` names on the page at ``base`` (``urljoin``), never an error:
    an ``href`` that cannot be joined (``http://[::1``) is returned stripped, as written,
    for :func:`web_url` to refuse where it is used."""
    href = href.strip()
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def web_url(value: object) -> str | None:
    """Return ``value`` stripped when it is an absolute http(s) URL with a host, else None.

    None for anything else a reader must not be sent to or fed: ``javascript:``,
    ``data:``, ``file:`` and other schemes, relative and protocol-relative addresses, a
    URL holding a control, bidirectional or surrogate character (see ``_URL_REFUSED``),
    one longer than :data:`MAX_URL_LENGTH`, one that cannot be parsed (``http://[::1``,
    a host that ends in a number but is no IPv4 address: ``example.0``, ``0x7f.1``).
    The URL itself is not changed (the feeds call this on stored values, whose bytes
    must stay the same from build to build).
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_URL_LENGTH or _URL_REFUSED.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port  # raises ValueError on a port that is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in _WEB_SCHEMES or not host:
        return None
    if parts.username is not None or parts.password is not None or port == 0:
        # "https://trusted.example@evil.example/": the host a reader sees first is not
        # the one it is sent to
        return None
    try:
        _safe_parts(url)
    except ValueError:  # UnicodeError included: a host IDNA cannot encode
        return None
    return url


def clean_image_url(value: object) -> str | None:
    """Return the URL to store for an article's lead image, or None to store none.

    Accepts only what :func:`web_url` accepts, then cleans it as :func:`clean_url` cleans
    an article's link (spaces and non-ASCII characters percent-encoded, the host in
    IDNA, the fragment dropped) but keeps the whole query: on an image it often picks
    the picture or its size (``?id=``, ``?ref=``, ``?from=``), which for a page are
    tracking parameters.
    """
    url = web_url(value)
    if url is None:
        return None
    parts = _safe_parts(url)  # web_url has checked it reads
    return web_url(urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, "")))


def canonical_url(url: str) -> str:
    """Return the identity key of a page: one value for every URL that shows the same page.

    Removes tracking parameters and fragments, folds ``http``/``https``, ``www.``, mobile
    and AMP variants, default ports, trailing slashes and the order of query parameters.

    Args:
        url: an absolute http(s) URL.

    Returns:
        A normalised URL string (``https://host/path?sorted=query``).

    Raises:
        ValueError: an address :func:`web_url` refuses as unreadable.
    """
    parts = _safe_parts(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets: its port is outside them
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


# What names a page's language in its URL: a path segment ("/ru/", "/eng/", "/kyrgyzcha/")
# or a query parameter ("?lang=kk").
_LANGUAGE_SEGMENTS = frozenset(
    {"ru", "rus", "en", "eng", "english", "kk", "kz", "kaz", "ky", "kg", "kyrg", "kyrgyzcha",
     "tg", "tj", "tk", "tm", "uz", "oz", "kr", "cyr", "lat"}
)  # fmt: skip
_LANGUAGE_PARAMETERS = frozenset({"lang", "language", "hl", "locale", "_l"})


def release_key(url: str) -> str:
    """A page's identity without its language: the language versions of one ministry
    release share it where the site numbers a release once (``/ru/news/5876`` and
    ``/tk/news/5876``; ``details/1132560?lang=kk``); a site numbering each language's
    page apart gives each its own.

    Args:
        url: an absolute http(s) URL.

    Returns:
        :func:`canonical_url` without the path segments and query parameters naming a
        language.
    """
    return without_language(canonical_url(url))


def without_language(canonical: str) -> str:
    """:func:`release_key` of a URL already in :func:`canonical_url`'s form (the stored
    ``articles.canonical_url``)."""
    parts = urlsplit(canonical)
    path = "/".join(p for p in parts.path.split("/") if p.lower() not in _LANGUAGE_SEGMENTS)
    query = parts.query
    if query:
        query = "&".join(
            pair
            for pair in query.split("&")
            if pair.partition("=")[0].lower() not in _LANGUAGE_PARAMETERS
        )
    return urlunsplit((parts.scheme, parts.netloc, path or "/", query, ""))


def clean_text(text: str | None) -> str:
    """Return ``text`` with XML-illegal characters, C1 controls and bidirectional
    embeddings, overrides and isolates removed, and white space folded.

    Paragraphs (blank-line separated) are kept; runs of spaces, tabs and non-breaking
    spaces inside a line become one space. The direction marks U+200E, U+200F and U+061C
    are kept (see ``_STRIPPED``). ``None`` becomes ``""``.
    """
    if not text:
        return ""
    if (
        not _CHANGED.search(text)
        and not text[0].isspace()
        and not text[-1].isspace()
        and unicodedata.is_normalized("NFC", text)
    ):
        return text  # already clean (a stored field read back for a feed)
    return _clean(text)


def _clean(text: str) -> str:
    """:func:`clean_text` the long way, whatever the text holds."""
    text = unicodedata.normalize("NFC", _STRIPPED.sub("", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # one substitution over the text (the spaces never include a line break), then a strip
    # of each line: the same as substituting line by line, a third of the time
    lines = [line.strip() for line in _SPACES.sub(" ", text).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def plain_text(text: str | None) -> str:
    """:func:`clean_text` of a field that must be plain text (a summary): markup a site
    or an import left in it is removed, scripts and styles with their content."""
    if not text:
        return ""
    if "<" in text:
        from w3lib.html import remove_tags, remove_tags_with_content, replace_entities

        text = replace_entities(remove_tags(remove_tags_with_content(text, ("script", "style"))))
    return clean_text(text)


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
