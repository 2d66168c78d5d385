"""Language identification for the region's languages, from letters and page signals.

Common detectors know none of Kazakh, Kyrgyz, Uzbek, Tajik or Turkmen well; the letters
specific to each language tell them apart reliably on a paragraph of text. The codes are
ISO 639-1, with ``uz-Cyrl`` for Uzbek in Cyrillic (docs/sources.md, "Languages").
"""

from __future__ import annotations

import re
from collections import Counter

from storage.vocabulary import BASE_LANGUAGES, LANGUAGES

__all__ = ["LANGUAGES", "detect_language", "normalise_language_tag"]


# Letters found in one language (or a few) and not in Russian.
_KAZAKH_ONLY = set("әіұһ")  # not used by Kyrgyz, Tajik or Uzbek Cyrillic
_KAZAKH = set("әғқңөұүһі")
_KYRGYZ = set("ңөү")
_TAJIK_ONLY = set("ӣӯҷ")
_TAJIK = set("ӣӯҳҷқғ")
_UZBEK_CYRL_ONLY = set("ў")
_UZBEK_CYRL = set("ўқғҳ")
_TURKMEN = set("äňýžşçöü")
_UZ_LATIN_RE = re.compile(
    r"\b\w*[og][ʻʼ'‘’`]\w+|\b(?:va|bilan|uchun|bo'yicha|boʻyicha|yil|vazir)\b"
)
_LETTER_RE = re.compile(r"[^\W\d_]")

_TAG_ALIASES = {
    "kz": "kk",
    "kaz": "kk",
    "qaz": "kk",
    "kg": "ky",
    "kir": "ky",
    "kyr": "ky",
    "kyrg": "ky",
    "tj": "tg",
    "taj": "tg",
    "tm": "tk",
    "tur": "tk",
    "uzb": "uz",
    "oz": "uz",
    "rus": "ru",
    "eng": "en",
}


def normalise_language_tag(tag: str | None) -> str | None:
    """Map an ``html lang`` value or URL prefix (``ru-RU``, ``kz``, ``uz-Cyrl``) to our code."""
    if not tag:
        return None
    tag = tag.strip().replace("_", "-")
    parts = tag.split("-")
    base = _TAG_ALIASES.get(parts[0].lower(), parts[0].lower())
    if base == "uz" and any(p.lower() == "cyrl" for p in parts[1:]):
        return "uz-Cyrl"
    return base if base in BASE_LANGUAGES else None


def _from_letters(text: str) -> tuple[str | None, float]:
    """Guess from the text alone; return (code, confidence 0..1)."""
    letters = _LETTER_RE.findall(text.lower())
    if len(letters) < 20:
        return None, 0.0
    counts = Counter(letters)
    total = len(letters)
    cyrillic = sum(n for ch, n in counts.items() if "\u0400" <= ch <= "\u04ff")
    if cyrillic / total > 0.5:

        def share(chars: set[str]) -> float:
            return sum(counts[c] for c in chars) / cyrillic

        if share(_TAJIK_ONLY) > 0.002:
            return "tg", min(1.0, share(_TAJIK) * 40)
        if share(_UZBEK_CYRL_ONLY) > 0.002:
            return "uz-Cyrl", min(1.0, share(_UZBEK_CYRL) * 40)
        if share(_KAZAKH_ONLY) > 0.003:
            return "kk", min(1.0, share(_KAZAKH) * 20)
        if share(_KYRGYZ) > 0.01:
            return "ky", min(1.0, share(_KYRGYZ) * 20)
        return "ru", 0.9 if share(_KAZAKH | _TAJIK | _UZBEK_CYRL) == 0 else 0.5
    latin_share = 1 - cyrillic / total
    if latin_share > 0.5:
        turkmen = sum(counts[c] for c in _TURKMEN) / total
        if turkmen > 0.01 and (counts["ý"] + counts["ň"] + counts["ä"]) > 0:
            return "tk", min(1.0, turkmen * 20)
        uzbek_hits = len(_UZ_LATIN_RE.findall(text.lower()))
        words = max(1, len(text.split()))
        if uzbek_hits / words > 0.02:
            return "uz", min(1.0, uzbek_hits / words * 10)
        return "en", 0.7
    return None, 0.0


def detect_language(
    text: str,
    *,
    url_language: str | None = None,
    html_language: str | None = None,
    allowed: tuple[str, ...] = (),
) -> str | None:
    """Identify the language of an article.

    The letters decide when they are unambiguous (a Kazakh text on a page whose template
    says ``lang="ru"`` is Kazakh); otherwise the URL's language prefix from the registry
    wins over ``html lang``, which templates often leave at the site's default.

    Args:
        text: title and body.
        url_language: the language the registry maps the URL to, if any.
        html_language: the page's ``<html lang>`` or the feed's ``<language>``.
        allowed: the source's languages; a guess outside them falls back to the hints.

    Returns:
        A code from :data:`LANGUAGES`, or None when nothing tells.
    """
    guess, confidence = _from_letters(text)
    hint = normalise_language_tag(url_language) or normalise_language_tag(html_language)
    if guess and confidence >= 0.6:
        base = guess.split("-")[0]
        if not allowed or base in allowed or guess in allowed or hint is None:
            return guess
    if hint:
        if hint == "uz" and guess == "uz-Cyrl":
            return guess
        return hint
    return guess
