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

__all__ = ["MIN_PREFIX", "fts_query", "search_term"]

# Uzbek Latin writes oʻ/gʻ with U+02BB and the tutuq belgisi with U+02BC, or with any of
# these stand-ins; the index's tokenizer separates at every one of them (storage/schema.py
# m006), so a word with one inside is searched as a phrase of its parts.
APOSTROPHES = "'’‘ʻʼ`´"
_WORD = re.compile(rf"(?:[^\W_]|[{APOSTROPHES}])+")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
# A word beginning shorter than this finds unrelated words ("виз" from визит finds виза,
# "мир" finds Мирзиёев): shorter stems fall back to the whole word.
MIN_PREFIX = 4


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


def _quoted(text: str, prefix: bool) -> str:
    return '"' + text.replace('"', '""') + '"' + ("*" if prefix else "")


def fts_query(text: str) -> str:
    """Turn a user's words into a safe FTS5 query: every word must match, in any form.

    Each word becomes a quoted prefix query on its stem (:func:`search_term`). Quoting
    means FTS5 operators in the input (``AND``, ``NEAR(``, ``*``, ``"``, ``:``) are
    searched for as text, never interpreted. A word written with ё also matches the
    same word written with е.

    Returns:
        The FTS5 query, or ``""`` when ``text`` holds no word.
    """
    terms = []
    for raw in _WORD.findall(text):
        word = raw.strip(APOSTROPHES)
        if not word:
            continue
        term, prefix = search_term(word)
        if "ё" in term:
            variants = (_quoted(term, prefix), _quoted(term.replace("ё", "е"), prefix))
            terms.append("(" + " OR ".join(variants) + ")")
        else:
            terms.append(_quoted(term, prefix))
    return " AND ".join(terms)
