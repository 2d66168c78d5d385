"""Words across scripts: the forms of a word the full-text index also holds, so a name
written in Latin finds its Cyrillic spelling and the reverse (docs/querying.md,
"Search across scripts").

The region writes one name many ways: Саидов and Saidov, Токаев and Tokayev or Tokaev,
Ўзбекистон and Oʻzbekiston, Жээнбеков and Jeenbekov. No single transliteration standard
covers them (Russian's ``kh`` is Uzbek's ``x`` and Kazakh's ``h``), so each word is
reduced to a *key*: a Latin spelling in which the letters the standards disagree on are
folded together (``kh``, ``x``, ``h``, ``х``, ``ҳ`` and ``һ`` are all ``h``; ``q``, ``қ``
and ``k`` are ``k``; ``zh``, ``j``, ``dzh``, ``ж`` and ``ҷ`` are ``j``; ``ye`` and ``е``
are ``e``). Two spellings of a name in Russian, Kazakh, Kyrgyz, Tajik or Uzbek Cyrillic,
Uzbek Latin, Turkmen Latin or an English transliteration mostly share their key.

The index (``articles.search_forms``, migration m015) holds, for each distinct word of an
article, its key when the key differs from the word, and for a Latin word its Cyrillic
rendering, so that a plain FTS query (``sqlite-utils search``, Datasette's search box)
typed in either script finds the other. ``diplofeed search`` and the feeds' ``q=`` search
each word's key as well (storage/fts.py).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import chain

__all__ = ["has_cyrillic", "latin_key", "search_forms", "to_cyrillic"]

_APOSTROPHES = "'’‘ʻʼ`´"
_WORD = re.compile(rf"(?:[^\W\d_]|[{_APOSTROPHES}])+")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")

# Cyrillic letters of Russian, Kazakh, Kyrgyz, Tajik and Uzbek to the key's Latin.
_FROM_CYRILLIC = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "ґ": "g", "д": "d",
    "е": "e", "є": "e", "э": "e", "ё": "yo", "ж": "j", "ҷ": "j", "з": "z", "и": "i",
    "і": "i", "ї": "i", "ӣ": "i", "й": "y", "ы": "y", "к": "k", "қ": "k", "л": "l",
    "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "ў": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ү": "u", "ұ": "u", "ӯ": "u", "ф": "f", "х": "h",
    "ҳ": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ь": "",
    "ю": "yu", "я": "ya",
}  # fmt: skip
# Latin letters of Turkmen, Kazakh (2021), Uzbek and Azerbaijani to the key's Latin.
_FROM_LATIN = {
    "ä": "a", "á": "a", "ç": "ch", "é": "e", "ğ": "g", "ı": "i", "í": "i", "ň": "n",
    "ñ": "n", "ö": "o", "ó": "o", "ş": "sh", "ü": "u", "ú": "u", "ý": "y", "ž": "j",
    "w": "v", "x": "h", "q": "k", "ə": "a",
}  # fmt: skip
# Spellings folded together once letters are mapped, longest first.
_FOLDS = (("shch", "sh"), ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"))
# A Latin "ye"/"yo"... at the start of a word or after a vowel is one Cyrillic letter.
_IOTATED_E = re.compile(r"(?:^|(?<=[aeiouy]))ye")

# Latin to Cyrillic, for the plain FTS query typed in Cyrillic: digraphs first.
_TO_CYRILLIC = (
    ("shch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("ya", "я"), ("yu", "ю"), ("yo", "ё"), ("o'", "ў"), ("g'", "ғ"),
    ("a", "а"), ("b", "б"), ("c", "ц"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
    ("h", "х"), ("i", "и"), ("j", "ж"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("v", "в"), ("w", "в"), ("x", "х"), ("y", "й"), ("z", "з"),
    ("ä", "ә"), ("ç", "ч"), ("ň", "ң"), ("ö", "ө"), ("ş", "ш"), ("ü", "ү"), ("ý", "й"),
    ("ž", "ж"), ("ı", "ы"), ("ğ", "ғ"),
)  # fmt: skip
_TO_CYRILLIC_PATTERN = re.compile("|".join(re.escape(k) for k, _ in _TO_CYRILLIC))
_TO_CYRILLIC_MAP = dict(_TO_CYRILLIC)


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` holds a Cyrillic letter."""
    return _CYRILLIC.search(text) is not None


def _lower(word: str) -> str:
    return unicodedata.normalize("NFC", word).lower()


def latin_key(word: str) -> str:
    """The word's key: Latin, lower case, with the letters that transliterations write
    differently folded together (see the module's docstring). ``Саидов`` and ``Saidov``
    give ``saidov``; ``Токаев``, ``Tokayev`` and ``Tokaev`` give ``tokaev``;
    ``Ўзбекистон`` and ``Oʻzbekiston`` give ``ozbekiston``."""
    lower = _lower(word)
    if has_cyrillic(lower):
        key = "".join(_FROM_CYRILLIC.get(ch, ch) for ch in lower)
    else:
        plain = "".join(ch for ch in lower if ch not in _APOSTROPHES)
        key = _IOTATED_E.sub("e", plain)
        # the Latin maps after "ye": Turkmen ýe is one letter too
        key = "".join(_FROM_LATIN.get(ch, ch) for ch in key)
        key = _IOTATED_E.sub("e", key)
    key = "".join(ch for ch in key if ch not in _APOSTROPHES)
    for spelled, folded in _FOLDS:
        key = key.replace(spelled, folded)
    return key


def to_cyrillic(word: str) -> str:
    """A Latin word written in Cyrillic letters, as a Russian text would likely spell
    it (``Saidov`` → ``саидов``, ``Mirziyoyev`` → ``мирзиёев``); lower case. Words
    already in Cyrillic come back lower-cased."""
    lower = _lower(word)
    if has_cyrillic(lower):
        return lower
    plain = re.sub(f"[{_APOSTROPHES}]", "'", lower)
    plain = _IOTATED_E.sub("\x00", plain)  # a "ye" that is one letter
    out = _TO_CYRILLIC_PATTERN.sub(lambda m: _TO_CYRILLIC_MAP[m.group(0)], plain)
    return out.replace("\x00", "е").replace("'", "")


def search_forms(title: str, body: str) -> str:
    """The text ``articles.search_forms`` holds for an article: for each distinct word
    of its title and body, its key when that differs from the word, and for a Latin
    word its Cyrillic rendering, space separated in order of first appearance."""
    text = unicodedata.normalize("NFC", f"{title}\n{body}").lower()
    words = dict.fromkeys(_WORD.findall(text))
    return " ".join(dict.fromkeys(chain.from_iterable(map(_word_forms, words))))


@lru_cache(maxsize=1 << 16)
def _word_forms(word: str) -> tuple[str, ...]:
    """:func:`_forms` of a word as found, apostrophes around it included."""
    return _forms(word.strip(_APOSTROPHES))


@lru_cache(maxsize=1 << 16)
def _forms(word: str) -> tuple[str, ...]:
    """One lower-case word's other forms (cached: an article's words are mostly the
    words of the articles before it)."""
    if len(word) < 2:
        return ()
    out = []
    key = latin_key(word)
    if key and key != word:
        out.append(key)
    if not has_cyrillic(word):
        cyrillic = to_cyrillic(word)
        if cyrillic != word:
            out.append(cyrillic)
    return tuple(out)
