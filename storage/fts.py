"""Full-text queries: a user's words turned into a safe FTS5 query that also finds the
words' other forms (docs/querying.md, "Full-text search").

The index (``articles_fts``) holds words as written, case and Latin diacritics folded;
inflection is handled here, on the query side: each word becomes a prefix query on its
stem, so ``Казахстана`` finds ``Казахстан`` and ``переговоры`` finds ``переговорах``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

import snowballstemmer

from .translit import has_cyrillic, latin_key, to_cyrillic

__all__ = ["MIN_CROSS_PREFIX", "MIN_PREFIX", "cross_script_term", "fts_query", "search_term"]

# Uzbek Latin writes oʻ/gʻ with U+02BB and the tutuq belgisi with U+02BC, or with any of
# these stand-ins; the index's tokenizer separates at every one of them (storage/schema.py
# m006), so a word with one inside is searched as a phrase of its parts.
APOSTROPHES = "'’‘ʻʼ`´"
_WORD = re.compile(rf"(?:[^\W_]|[{APOSTROPHES}])+")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
# A word beginning shorter than this finds unrelated words ("виз" from визит finds виза,
# "мир" finds Мирзиёев): shorter stems fall back to the whole word.
MIN_PREFIX = 4
# The other script's key is searched as a prefix only when the stem's key is this long:
# Саидов's Russian stem "саид" gives "said", which would find every English "said"; the
# whole word's key is searched then ("saidov").
MIN_CROSS_PREFIX = 6


@cache
def _stemmer(language: str) -> Any:
    # snowballstemmer ships no type hints
    return snowballstemmer.stemmer(language)


def _shared(a: str, b: str) -> int:
    """How many first characters ``a`` and ``b`` have in common."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


def _letters(text: str) -> int:
    return sum(ch.isalpha() and ch not in APOSTROPHES for ch in text)


def search_term(word: str) -> tuple[str, bool]:
    """The beginning of ``word`` to search for, and whether it is searched as a prefix.

    Cyrillic words are cut to their Russian stem and Latin words to their English stem.
    Kazakh, Kyrgyz, Tajik, Uzbek and Turkmen have no stemmer: their words pass through
    the same ones, which only strip endings made of Russian or English letters (Tajik
    ``вазорати`` → ``вазорат``) and never cut below :data:`MIN_PREFIX` letters. Words of
    fewer letters, and words with digits, must match whole.

    Args:
        word: one word as the user typed it (letters, digits, inner apostrophes).

    Returns:
        The lower-cased text to quote, and True when it is a word beginning.
    """
    lower = unicodedata.normalize("NFC", word).lower()
    if any(ch.isdigit() for ch in lower) or _letters(lower) < MIN_PREFIX:
        return lower, False
    if _CYRILLIC.search(lower):
        # the stemmer reads ё as е; the index keeps ё as written
        normal = lower.replace("ё", "е")
        stem = _stemmer("russian").stemWord(normal)
    else:
        normal = re.sub(f"[{APOSTROPHES}]", "'", lower)
        stem = _stemmer("english").stemWord(normal)
    # Stemmers only strip endings, but may rewrite the last letter (English y -> i):
    # keep the part of the word as written that the stem shares.
    prefix = lower[: _shared(stem, normal)]
    if _letters(prefix) < MIN_PREFIX:
        prefix = lower
    return prefix, True


def cross_script_term(word: str) -> str | None:
    """The beginning of ``word``'s key (storage/translit.py) to search for as a prefix,
    so the word finds its spellings in the other script; None when the word is too
    short or has digits (it must match whole, in its own script).

    The key is the Russian stem's, a Latin word being read in Cyrillic first
    (``Kambarata`` and ``Камбараты`` both give ``kambarat``), unless that is shorter than
    :data:`MIN_CROSS_PREFIX`: then the whole word's key (``Saidov``, ``Саидов``:
    ``saidov``).
    """
    lower = unicodedata.normalize("NFC", word).lower()
    if any(ch.isdigit() for ch in lower) or _letters(lower) < MIN_PREFIX:
        return None
    cyrillic = lower if has_cyrillic(lower) else to_cyrillic(lower)
    stem = _stemmer("russian").stemWord(cyrillic.replace("ё", "е"))
    # ё counts as е in the stem; keep the written letters the stem shares
    kept = cyrillic[: _shared(stem, cyrillic.replace("ё", "е"))]
    key = latin_key(kept)
    if len(key) < MIN_CROSS_PREFIX:
        key = latin_key(lower)
    return key or None


# FTS5's column filter: the words as written (not articles_fts.search_forms)
_WRITTEN = "{title body} : "


def _quoted(text: str, prefix: bool) -> str:
    return '"' + text.replace('"', '""') + '"' + ("*" if prefix else "")


def fts_query(text: str, *, cross_script: bool = True) -> str:
    """Turn a user's words into a safe FTS5 query: every word must match, in any form.

    Each word becomes a quoted prefix query on its stem (:func:`search_term`), or on its
    key in the other script (:func:`cross_script_term`, matching ``search_forms``).
    Quoting means FTS5 operators in the input (``AND``, ``NEAR(``, ``*``, ``"``, ``:``)
    are searched for as text, never interpreted. A word written with ё also matches the
    same word written with е.

    Args:
        text: the user's words.
        cross_script: also find the words' spellings in the other script (then the
            words as written are searched in the title and body only); without it, the
            words as written in every column.

    Returns:
        The FTS5 query, or ``""`` when ``text`` holds no word.
    """
    terms = []
    for raw in _WORD.findall(text):
        word = raw.strip(APOSTROPHES)
        if not word:
            continue
        term, prefix = search_term(word)
        # as typed: in the title and body only (search_forms holds other spellings,
        # among them English "said" in Cyrillic letters, which "саид"* would find)
        written = _WRITTEN if cross_script else ""
        variants = [written + _quoted(term, prefix)]
        if "ё" in term:
            variants.append(written + _quoted(term.replace("ё", "е"), prefix))
        cross = cross_script_term(word) if cross_script else None
        if cross:
            variants.append(_quoted(cross, True))
        if len(variants) > 1:
            terms.append("(" + " OR ".join(variants) + ")")
        else:
            terms.append(variants[0])
    return " AND ".join(terms)
