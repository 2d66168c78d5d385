"""The world's states by name in the classifier's languages, from the Unicode CLDR.

``relevance.toml`` names the region's partners by hand: their names in every inflection,
adjectives, leaders and ministers. Every other state the sources report on (the
congratulations to Estonia on its national day, the Pope elected, Poland in Tajik)
would be no party at all. :func:`state_names` gives each UN member and observer state
its name as the CLDR has it (through Babel, a dependency already) in Russian, English,
Kazakh, Kyrgyz, Tajik, Turkmen and Uzbek (Latin and Cyrillic), as patterns of the
classifier's country lexicon, so the data file's hand-written entries need only add what
names alone miss.

How a name becomes a pattern (docs/relevance.md, "Parties"):

- English: every word whole ("south$ africa$", and "Estonia's"): English does not
  inflect names; "&" is written out ("Bosnia and Herzegovina").
- The Turkic languages and Tajik add endings to the name ("Estoniýanyň", "Лаҳистонро"):
  a one-word name of seven letters or more is a prefix, a shorter one whole with each of
  the case endings those languages join ("Polşanyň"; not "Daniýar" for Denmark).
- Russian changes the ending: a word loses its last vowel, soft sign or adjective ending
  ("Эстония" -> "эстони", "Южно-Африканская" -> "южно африканск") and is a prefix when
  five letters or more are left ("Катар" as it is); a shorter one-word name is whole in
  its cases ("Кипр", "Кипра", "Кипре", "Кипром").
- A name two states share after this ("Конго"), a name or a form that is a common word
  or a first name ("того", Russian "of that": Togo; "Malika", not Mali's), and a prefix
  that begins another state's name ("нигер", Niger, of "Нигерия") are whole words or left
  out.
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import cache

from babel import Locale

__all__ = ["STATES", "state_names"]

# The 193 member states of the United Nations and its two observer states (VA, PS), ISO
# 3166-1 alpha-2, but Ireland.
_STATE_CODES = """
    AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI
    CV KH CM CA CF TD CL CN CO KM CG CD CR CI HR CU CY CZ KP DK DJ DM DO EC EG SV GQ ER
    EE SZ ET FJ FI FR GA GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT
    JM JP JO KZ KE KI KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR MU MX FM
    MD MC MN ME MA MZ MM NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA
    KR RO RU RW KN LC VC WS SM ST SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH
    SY TJ TH TL TG TO TT TN TR TM TV UG UA AE GB TZ US UY UZ VU VE VN YE ZM ZW VA PS
"""
# (Ireland by name is also the United Kingdom's: "Great Britain and Northern Ireland")
STATES = frozenset(_STATE_CODES.split()) - {"IE"}

# The CLDR locales of the sources' languages, and how each inflects a name.
_LOCALES = {
    "ru": "russian",
    "en": "english",
    "kk": "suffixing",
    "ky": "suffixing",
    "tg": "suffixing",
    "tk": "suffixing",
    "uz": "suffixing",
    "uz_Cyrl": "suffixing",
}

# State names that are common words in one of the languages: left out.
_COMMON_WORDS = frozenset(
    {
        "того",  # Russian "of that"
        "чад",  # Russian "fumes"
        "перу",  # Russian "pen", dative
        "мали",
        "chad",
        "jordan",
        "қатар",  # Kazakh "row", "among" (қатарында)
        "katar",  # Turkmen "row"
        "бутан",  # Russian "butane" (Bhutan)
        "исроил",  # a first name (Исроил Шарифзода)
        "гана",  # Kyrgyz "only"
        "chili",  # Uzbek Chile, English pepper
    }
)

# Forms of a name that are other words: "Hind ummoni" (the Indian Ocean, not Oman's),
# the first names Malika and Malina (not Mali's), the Russian Kuban region ("Кубани").
_COMMON_FORMS = frozenset({"ummoni", "уммони", "malika", "malina", "кубани"})

_PREFIX_MIN = 5  # a Russian stem shorter than this is matched whole, in its cases
_SUFFIXED_MIN = 7  # a one-word name shorter than this in a suffixing language: its forms
_RUSSIAN_ENDINGS = ("ая", "яя", "ий", "ый", "ой", "ое", "ые", "ие", "а", "я", "ь", "й")
# The case endings and postpositions the Turkic languages (and Tajik's ezafe) join to a
# name, in Latin and in Cyrillic letters, with their vowel-harmony variants: a short name
# is matched with one of them, not as a prefix ("Daniýa" is no prefix of "Daniýar").
_LATIN = (
    "ning nyň niň nyn nin ga ge ka ke a e ýa ýe da de ta te dan den tan ten ni ny na ne "
    "daky däki dagi lik ly li"
)
_CYRILLIC = (
    "ның нің тың тің дың дің нын нин нун нүн дын дин тын тин нинг ға ге қа ке га го гө ка "
    "ко кө да де та те до дө то тө дан ден тан тен нан нен дон дөн тон төн ны ні ды ді ти ни "
    "ну нү ди ду дү ту тү мен менен даги дағы дегі тағы тегі дагы деги лик ро и ӣ у"
)
_LATIN_ENDINGS = _LATIN.split()
_CYRILLIC_ENDINGS = _CYRILLIC.split()
# A short Russian name's case forms, by its ending ("Кипр": Кипра, Кипре, Кипром; "Ливия":
# Ливии, Ливию, Ливией; "Куба": Кубы, Кубе, Кубу, Кубой).
_RUSSIAN_CASES = {"": "а у е ом", "я": "и ю ей", "а": "ы и е у ой"}
_QUALIFIER = re.compile(r"\(.*?\)|\s[-–]\s.*$|,.*$")
# (the apostrophe inside a word, as the classifier's texts keep it: "Кот-д'Ивуар")
_WORD = re.compile(r"[\w']+")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})
# abbreviations of CLDR names that texts write out
_ABBREVIATIONS = {
    re.compile(r"(?<!\w)о-ва(?!\w)"): "острова",
    re.compile(r"(?<!\w)о-в(?!\w)"): "остров",
    re.compile("&"): " and ",
}


def _words(name: str) -> list[str]:
    """A CLDR name's words, lower-cased, its qualifiers dropped ("Мьянма (Бирма)",
    "Конго - Киншаса"), its abbreviations written out ("Маршалловы О-ва", "Bosnia &
    Herzegovina")."""
    name = _QUALIFIER.sub("", name).lower().translate(_APOSTROPHES)
    for short, full in _ABBREVIATIONS.items():
        name = short.sub(full, name)
    return _WORD.findall(name)


def _russian(word: str) -> str:
    for ending in _RUSSIAN_ENDINGS:
        if word.endswith(ending):
            stem = word[: -len(ending)]
            return stem if len(stem) >= _PREFIX_MIN else word + "$"
    # (a consonant at the end: the endings are added to it, "Катар", "Катара")
    return word if len(word) >= _PREFIX_MIN else word + "$"


def _russian_cases(word: str) -> list[str]:
    """A short one-word Russian name whole, in its cases (not "Самоа": a vowel before its
    last letter, and "самое" a word)."""
    if word[-1] in "яа" and word[-2] in "аеёоуыэюя":
        return [f"{word}$"]
    ending = word[-1] if word[-1] in "яа" else ""
    stem = word[: -len(ending)] if ending else word
    return [f"{word}$", *(f"{stem}{case}$" for case in _RUSSIAN_CASES[ending].split())]


def _patterns(words: list[str], style: str) -> list[str]:
    """The patterns of one name's words in one language (see the module's docstring)."""
    if style == "english":
        whole = " ".join(f"{w}$" for w in words)
        return [whole, whole[:-1] + "'s$"]  # (and "Estonia's")
    if style == "russian":
        pattern = " ".join(_russian(w) for w in words)
        if len(words) == 1 and pattern.endswith("$") and words[0][-1] not in "оиуеыэю":
            return _russian_cases(words[0])
        return [pattern]
    *first, last = words
    before = "".join(f"{w}$ " for w in first)
    if first or len(last) >= _SUFFIXED_MIN:
        return [before + last]
    endings = _LATIN_ENDINGS if last.isascii() or last[0] < "\u0400" else _CYRILLIC_ENDINGS
    return [f"{before}{last}{ending}$" for ending in ("", *endings)]


def _begins_anothers(
    pattern: str, iso: str, prefixes: list[str], starts: dict[str, set[str]]
) -> bool:
    """Whether a one-word prefix begins a longer first word of another state's name
    ("нигер" of Niger begins "нигери" of Nigeria, "доминик" of Dominica "доминиканск" of
    the Dominican Republic); ``prefixes`` sorted, ``starts`` their states."""
    if pattern.endswith("$") or " " in pattern:
        return False
    start = bisect.bisect_right(prefixes, pattern)
    for other in itertools.islice(prefixes, start, None):
        if not other.startswith(pattern):
            return False
        if iso not in starts[other]:
            return True
    return False


@cache
def state_names() -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Each state's names in the eight locales (lower-cased, keyed by ISO code), each
    with its patterns (lexicon syntax: words, ``$`` for a whole word)."""
    found: dict[str, dict[str, list[str]]] = {}
    owners: dict[str, set[str]] = {}
    for locale, style in _LOCALES.items():
        territories = Locale.parse(locale).territories
        for iso in sorted(STATES):
            words = _words(territories.get(iso) or "")
            if not words or " ".join(words) in _COMMON_WORDS:
                continue
            patterns = [p for p in _patterns(words, style) if p.rstrip("$") not in _COMMON_FORMS]
            found.setdefault(iso, {}).setdefault(" ".join(words), []).extend(patterns)
            for pattern in patterns:
                owners.setdefault(pattern, set()).add(iso)
    # the words other states' names begin with ("нигери" of Nigeria, "доминиканск" of
    # "доминиканск республик")
    prefixes = sorted({p.split()[0].rstrip("$") for p in owners if not p.split()[0].endswith("$")})
    starts: dict[str, set[str]] = {}
    for p, isos in owners.items():
        starts.setdefault(p.split()[0].rstrip("$"), set()).update(isos)
    result: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
    for iso, names in found.items():
        kept = []
        for name, patterns in names.items():
            mine = []
            for pattern in dict.fromkeys(patterns):
                if len(owners[pattern]) > 1:
                    continue  # one name, two states
                if _begins_anothers(pattern, iso, prefixes, starts):
                    pattern += "$"  # (a prefix of another state's name: whole)
                mine.append(pattern)
            if mine:
                kept.append((name, tuple(mine)))
        result[iso] = tuple(kept)
    return result
