"""Relevance and tagging: is a post Central Asian diplomacy, which states are parties,
which topics, what kind of event (docs/relevance.md).

A transparent scorer over lexicons kept as data (``relevance.toml``): no model, no
network, thousands of posts a second on one core, and every decision can be explained
(``explain``). Pure functions: text in, :class:`Tags` out.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .gazetteer import STATES, state_names
from .times import MONTHS

__all__ = [
    "DEFAULT_DATA",
    "EVENT_TYPES",
    "TOPICS",
    "Classifier",
    "Tags",
    "classify",
    "default_classifier",
]

DEFAULT_DATA = Path(__file__).with_name("relevance.toml")
TOPICS = (
    "bilateral",
    "multilateral",
    "water_energy",
    "borders",
    "transport_trade",
    "security_afghanistan",
    "consular_migration",
    "human_rights",
    "climate_environment",
    "economy_investment",
)
EVENT_TYPES = (
    "visit",
    "meeting",
    "phone_call",
    "consultations",
    "statement",
    "agreement",
    "appointment",
    "congratulation",
    "conference",
)
# How much of a body the classifier reads (characters).
BODY_READ = 2500
# Sources that speak for their own state: a ministry, the president's or a ministry's
# channel (the registry's kinds).
OFFICIAL_KINDS = frozenset({"mfa", "telegram"})
_APOSTROPHES = {c: "'" for c in "ʻʼ’‘`´"} | {"ё": "е", "ӗ": "е"}
_GAP = r"[\s\-‐–—]*"


@dataclass(frozen=True, slots=True)
class Tags:
    """What the classifier says of one post."""

    relevant: bool
    score: float
    countries: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    event_type: str | None = None
    # For --explain: feature -> the words that fired it, and the sum's parts.
    evidence: dict[str, list[str]] = field(default_factory=dict, compare=False)

    def as_dict(self, *, explain: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "relevant": self.relevant,
            "score": round(self.score, 3),
            "countries": list(self.countries),
            "topics": list(self.topics),
            "event_type": self.event_type,
        }
        if explain:
            data["explain"] = self.evidence
        return data


def normalise(text: str) -> str:
    """Lower-case, NFC, one apostrophe, ё as е: how every pattern is written."""
    text = unicodedata.normalize("NFC", text).lower()
    # str.replace, not str.translate: translate walks a non-ASCII text a character at a
    # time through a dict (0.07 ms for a 1 KB body), replace only when the character is in
    for char, replacement in _APOSTROPHES.items():
        if char in text:
            text = text.replace(char, replacement)
    return text


_WORD = re.compile(r"[\w']+")
# texts up to this long (titles) are remembered by the scan (_Lexicons.scan)
_REMEMBERED = 1000
_WORD_SPLIT = re.compile(r"([\w']+)")  # _WORD, kept by re.split
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")
_WORDLIKE = re.compile(r"^[\w']+\$?$")


@dataclass(frozen=True, slots=True)
class _Entry:
    lexicon: str
    key: str
    tokens: tuple[str, ...]
    whole: tuple[bool, ...]


class _Lexicons:
    """Every pattern of every lexicon, indexed by its first word, for one pass over a
    text's words: each word's beginnings are looked up in one dictionary.

    A pattern's words are word beginnings ("казахстан" matches "казахстанско"), or whole
    words when they end in ``$``; consecutive words must follow each other. Patterns with
    punctuation ("c5+1") are matched as text.
    """

    def __init__(self) -> None:
        self._first: dict[str, list[_Entry]] = {}
        self._lengths: list[int] = []
        # (lexicon, key, pattern, its longest word: a text without that word as it is
        # written cannot match, and is not searched)
        self._literals: list[tuple[str, str, re.Pattern[str], str]] = []
        self._cache: dict[str, list[_Entry]] = {}
        # the last short text scanned and its matches: a title is scanned by the
        # classifier, then again for the story rules' cues
        self._last: tuple[str, tuple[tuple[str, str, str, int], ...]] = ("", ())

    def add(self, lexicon: str, key: str, patterns: Iterable[str]) -> None:
        for raw in patterns:
            tokens = normalise(raw).split()
            if not tokens:
                continue
            if all(_WORDLIKE.match(t) for t in tokens):
                whole = tuple(t.endswith("$") and len(t) > 1 for t in tokens)
                words = tuple(t[:-1] if w else t for t, w in zip(tokens, whole, strict=True))
                self._first.setdefault(words[0], []).append(_Entry(lexicon, key, words, whole))
            else:
                rx = _GAP.join(re.escape(t) for t in tokens)
                needed = max(tokens, key=len)
                self._literals.append((lexicon, key, re.compile(rx), needed))
        self._lengths = sorted({len(k) for k in self._first}, reverse=True)
        self._cache.clear()
        self._last = ("", ())

    def _entries_for(self, word: str) -> list[_Entry]:
        """The patterns whose first word this word begins with (cached: news vocabulary
        repeats, so most words are looked up once per process)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        size = len(word)
        entries = [
            entry
            for length in self._lengths
            if length <= size
            for entry in self._first.get(word[:length], ())
            if not (entry.whole[0] and length != size)
        ]
        if len(self._cache) < 200_000:
            self._cache[word] = entries
        return entries

    def scan(self, text: str) -> list[tuple[str, str, str, int]]:
        """(lexicon, key, matched words, offset) for every match in ``text``."""
        short = len(text) <= _REMEMBERED
        if short and text == self._last[0]:
            return list(self._last[1])
        found = self._scan(text)
        if short:
            self._last = (text, tuple(found))
        return found

    def _scan(self, text: str) -> list[tuple[str, str, str, int]]:
        # the text as gaps and words in turn (gap, word, gap, word, ..., gap): the words
        # and where each begins, without a Python step per word
        parts = _WORD_SPLIT.split(text)
        words = parts[1::2]
        offsets = list(itertools.accumulate(map(len, parts)))[0::2]
        found: list[tuple[str, str, str, int]] = []
        cached = self._cache.get  # inlined: most words begin no pattern
        for i, word in enumerate(words):
            entries = cached(word)
            if entries is None:
                entries = self._entries_for(word)
            elif not entries:
                continue
            for entry in entries:
                size = len(entry.tokens)
                if size == 1:  # most patterns are one word: it matched already
                    found.append((entry.lexicon, entry.key, word, offsets[i]))
                elif _rest_matches(entry, words, i):
                    matched = " ".join(words[i : i + size])
                    found.append((entry.lexicon, entry.key, matched, offsets[i]))
        for lexicon, key, rx, needed in self._literals:
            if needed not in text:
                continue
            for m in rx.finditer(text):
                found.append((lexicon, key, m.group(), m.start()))
        return found


def _rest_matches(entry: _Entry, words: list[str], i: int) -> bool:
    for j in range(1, len(entry.tokens)):
        if i + j >= len(words):
            return False
        word = words[i + j]
        token = entry.tokens[j]
        if entry.whole[j] and word != token:
            return False
        if not word.startswith(token):
            return False
    return True


# What stands between a partner and the region's name in a format named partner first
# ("ЕС и Центральная Азия", "EU – Central Asia", "Xitoy va Markaziy Osiyo").
_CONJUNCTIONS = frozenset(
    {
        "и",
        "and",
        "&",
        "va",
        "ва",
        "мен",
        "менен",
        "bilan",
        "билан",
        "we",
        "ҳамда",
        "hem",
        "-",
        "–",
        "—",
        "+",
    }
)
# How far the words for a trip stand from "within the framework" when it is the trip's:
# right before it (a postposition), or within 25 characters after ("of the state visit",
# "государственного визита")
_TRIP_GAP = 2
_TRIP_REACH = 25
# ... and how far after the trip's words its destination would be named
_TRIP_BOUND = 15
# How far before a format's name "on the sidelines of" may stand.
_SIDELINES_REACH = 60
# How far after "upcoming" / "предстоящий" the gathering or act to come is named.
_AHEAD_REACH = 25
# How far from the words for Central Asia a format's partner stands ("Central Asia +
# Japan", "Japan promises Central Asia").
_FORMAT_REACH = 40


def _sidelines_cues(hits: list[Any]) -> list[tuple[int, int, bool]]:
    """Where the text says "on the sidelines of" ("within the framework of" too, unless a
    dialogue or format is named beside it: "в рамках Диалога «...»" is the meeting
    itself), and whether the words are a postposition (the gathering named before them:
    "sammiti chetida")."""
    dialogues = [h[3] for h in hits if h[0] == "sidelines" and h[1].startswith("dialogue")]
    # (nor the framework of the trip itself: "в рамках визита", "дар доираи сафар",
    # "tashrif doirasida": what follows is what the trip was made for)
    trips = [(h[3], h[3] + len(h[2])) for h in hits if h[:2] == ("event", "visit")]
    # (... unless the trip's place or gathering follows it: "в рамках визита в Астану для
    # участия в саммите" is the summit's framework)
    bound = [
        h[3]
        for h in hits
        if h[0] in ("capital", "format", "region", "organisation")
        or h[:2] == ("event", "conference")
    ]
    # (a gathering or an act to come only when one is named right after the word: not
    # "priorities for the upcoming period")
    named = [
        h[3]
        for h in hits
        if h[0] in ("gathering", "event", "organisation", "format") or h[1] == "ahead_named"
    ]
    return [
        (h[3], h[3] + len(h[2]), h[1].endswith("_after"))
        for h in hits
        if h[0] == "sidelines"
        and (
            (
                h[1].startswith("sidelines")
                and (
                    h[1] != "sidelines_ahead"
                    or any(0 < n - h[3] <= len(h[2]) + _AHEAD_REACH for n in named)
                )
            )
            or (
                h[1].startswith("framework")
                and not any(abs(d - h[3]) <= 40 for d in dialogues)
                and not _of_the_trip(h, trips, named, bound)
            )
        )
    ]


def _of_the_trip(
    cue: Any, trips: list[tuple[int, int]], named: list[int], bound: list[int]
) -> bool:
    """Whether a "within the framework" cue is the trip's own ("в рамках государственного
    визита", "within the framework of the visit"; after it: "tashrif doirasida",
    "saparyň çäklerinde"): the trip's words next to it, no gathering or act named
    between (``named``: where they begin), and no place or gathering right after the
    trip's words (``bound``: "в рамках визита в Астану для участия в саммите")."""
    start, end = cue[3], cue[3] + len(cue[2])

    def unbound(after: int) -> bool:
        return not any(0 <= n - after <= _TRIP_BOUND for n in bound)

    if cue[1].endswith("_after"):
        return any(0 <= start - trip_end <= _TRIP_GAP and unbound(end) for _, trip_end in trips)
    return any(
        0 <= trip_start - end <= _TRIP_REACH
        and not any(end <= n < trip_start for n in named)
        and unbound(trip_end)
        for trip_start, trip_end in trips
    )


def _off_the_sidelines(hits: list[Any], region: Iterable[str] = ()) -> list[Any]:
    """Drop the formats and regions named right after "on the sidelines of" / "в рамках":
    a bilateral met at a summit is not the summit, and its parties are its own."""
    cues = _sidelines_cues(hits)
    if not cues:
        return hits

    def after_a_cue(h: Any) -> bool:
        # "на полях саммита ШОС"; and the postpositions: "Ashxobod sammiti doirasida" (not
        # "Консультативная встреча ..., прошедшая накануне": the day before)
        return any(
            0 <= h[3] - end <= _SIDELINES_REACH
            or (postposition and 0 <= start - (h[3] + len(h[2])) <= _SIDELINES_REACH)
            for start, end, postposition in cues
        )

    dropped = [h for h in hits if h[0] in ("format", "region") and after_a_cue(h)]
    # the partner a dropped "Central Asia + Japan" names goes with it (``region``: the
    # region's own states, never a format's partner)
    spans = [(h[3], h[3] + len(h[2]) + (_FORMAT_REACH if h[0] == "region" else 0)) for h in dropped]
    return [
        h
        for h in hits
        if h not in dropped
        and not (
            h[0] == "country"
            and h[1] not in region
            and any(start <= h[3] <= end for start, end in spans)
        )
    ]


# An agency's dateline before its first sentence: the city it writes from, in capitals,
# maybe its country, and the day ("BAKU, Azerbaijan, August 7.", "ТАШКЕНТ, 16.",
# "БАКУ, Азербайджан, 16 сентября."): where the agency is, not a party nor the event's place.
_CAPS = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІЎҲҶӢӮÄŇÖŞÜÝŽÇ"
_MONTH = "|".join(re.escape(m) for names in MONTHS.values() for m in names if " " not in m)
_DATELINE = re.compile(
    # the city in capitals, or one word with its capital letter ("Astana, 12 August 2026 –")
    rf"^\s*(?:[{_CAPS}][{_CAPS}'ʻ’\- ]{{2,30}}|[{_CAPS}][^\W\d_]{{2,20}})"
    r"(?:,\s*[^\W\d_][\w'ʻ’\- ]{1,30})?"
    rf",\s*(?:\d{{1,2}}\s+(?i:{_MONTH})\w*|(?i:{_MONTH})\w*\.?\s+\d{{1,2}}|\d{{1,2}})"
    r"(?:,?\s*\d{4})?\s*[.—–-]\s+"
)


def without_dateline(body: str) -> str:
    """A body without the agency's dateline before its first sentence."""
    found = _DATELINE.match(body)
    return body[found.end() :] if found else body


# The Consultative Meeting of the heads of state of Central Asia by its proper name,
# capitalised within a sentence ("Prezident Maslahat uchrashuvida nutq soʻzladi", "седьмой
# Консультативной встречи"), in every language: the five's, as its full name is (a
# ministry's "консультативная встреча с НПО" is not).
_NAMED_FORMAT = re.compile(
    r"(?<=[\w,»\")] )(?:Консультативн\w* встреч\w*|Consultative Meeting|Maslahat uchrashuv\w*|"
    r"Маслаҳат учрашув\w*|Консультативтік кездесу\w*|Консультативдик жолугушуу\w*|"
    r"Maslahat duşuşyg\w*|Вохӯрии машваратӣ|Ҷаласаи машваратӣ)"
)


# "kabul" followed by the Turkmen and Turkish verb "to do" ("kabul etdi", received) or its
# ceremony ("kabul dabarasy", "kabul töreni").
_TURKMEN_VERB = re.compile(r"\s+(?:e[dt](?:di|ip|en|il|iş|mek|jek|ti|ýär|er)|dabara|tören)")


# How far above the threshold a score must be: a sum of weights landing on it, up to its
# rounding, is on it
_TIE = 1e-9
# A valley named after a city ("Fergana Valley", "Фарғона водийси", "водии Фарғона")
_VALLEY = (
    " valley",
    " долин",
    " vodiy",
    " водий",
    " өрөөн",
    " ойдуң",
    " аңғар",
    " jülge",
    " ойпат",
    " алқаб",
)
_QUOTES = frozenset('«»"“”„')
# Words citing a publication: "сообщает", "по данным", "according to", "xabar beradi".
_CITED = re.compile(
    r"сообща|по данным|переда[её]т|пишет|агентств|издани|report|according to|xabar|хабар|"
    r"мәлімет|маълумот|хабарлайт|habar ber"
)


def _not_places(hits: list[Any], text: str) -> list[Any]:
    """Without the capitals that are other words: Dushanbe where the word is Monday
    (Turkmen "Duşenbe güni", Tajik "рӯзи душанбе"), Kabul where it is the Turkmen verb
    to receive ("kabul etdi"); nor a valley named after a city ("Fergana Valley")."""

    def another_word(h: Any) -> bool:
        after = h[3] + len(h[2])
        if text.startswith(_VALLEY, after) or text[max(0, h[3] - 10) : h[3]].endswith(
            ("водии ", "valley of ")
        ):
            return True  # the Fergana Valley: three states', no city's
        if (
            text[h[3] - 1 : h[3]] in _QUOTES
            and text[after : after + 1] in _QUOTES
            and _CITED.search(text[max(0, h[3] - 30) : h[3]])
        ):
            # a publication's name in quotes ("сообщает «Фергана»"; not a residence's or a
            # forum's, "в резиденции «Куксарой»", where the meeting is)
            return True
        if h[1] == "TJ":
            return text.startswith((" gün", " гүн"), after) or text[
                max(0, h[3] - 6) : h[3]
            ].rstrip().endswith(("рӯзи", "рузи"))
        return h[1] == "AF" and bool(_TURKMEN_VERB.match(text, after))

    return [h for h in hits if not (h[0] == "capital" and another_word(h))]


_NAMED_FORMAT_STEMS = ("онсультатив", "onsultative", "aslahat", "аслаҳат", "машварат")


def _named_formats(text: str) -> list[tuple[str, str, str, int]]:
    if not any(stem in text for stem in _NAMED_FORMAT_STEMS):
        return []  # (most texts: the expression is not run)
    return [
        ("format", "central_asia", m.group().lower(), m.start())
        for m in _NAMED_FORMAT.finditer(text)
    ]


# The kinds of an international gathering (storage/relevance.toml, [gatherings]).
_GATHERING_KINDS = ("conference", "forum", "congress")
_HOSTED = (*_GATHERING_KINDS, "summit")


def _signals(
    title_hits: list[Any], body_hits: list[Any], lead_end: int, body: str
) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]:
    """The signals of a headline, of a body and of its lead; without those ``[unless]``
    drops for the words the headline or the body's first sentence has (no
    law in a report of the law ratifying a treaty: the law is the treaty's; no company's
    own news in two states' joint company; not for a word further on: a tax law's report
    recalling a treaty)."""
    found = (
        _group(title_hits, "signal"),
        _group(body_hits, "signal"),
        _group(_before(body_hits, lead_end), "signal"),
    )
    first = _SENTENCE_END.search(body)
    first_end = first.end() if first else len(body)
    for key in {*_group(title_hits, "unless"), *_group(body_hits, "unless", before=first_end)}:
        for signals in found:
            signals.pop(key, None)
    return found


def _trip_abroad(
    title_hits: list[Any],
    body_hits: list[Any],
    lead_end: int,
    parties: list[str],
    party_words: dict[str, list[str]],
    home: str | None,
) -> list[str]:
    """The words of a trip to another state's city the headline or the lead tells (an
    arrival, a working visit, taking part: "Мирзиёев прибыл в Москву", "Мемлекет басшысы
    Мәскеуге келді" on the president's channel), else none: a state's leader, minister or
    delegation in another state's capital is there on the two states' business, and the
    opening names the office or the person (``[offices]``, a leader by name, "our
    President"): not tourists, students or migrants. The city is a party
    (:meth:`Classifier._places`) when one state acts in it or no state is named; the
    traveller is a state named beside it, or the official source's own."""
    places = {key.split(":", 1)[1] for key in party_words if key.startswith("capital:")}
    if not places:
        return []
    travellers = [p for p in parties if p not in places]
    if not travellers and (home is None or home in places):
        return []
    opening = [*title_hits, *_before(body_hits, lead_end)]
    # (made by an office or a person of state: not tourists, students, migrants, a plane,
    # nor a delegation of students, doctors, sportsmen or businessmen)
    offices = {h[1] for h in opening if h[0] == "office"}
    if "not" in offices or not (
        "office" in offices or any(h[0] in ("person", "own") for h in opening)
    ):
        return []
    return [h[2] for h in opening if h[0] == "trip"][:3]


def _gatherings(hits: list[Any], kinds: tuple[str, ...] = _GATHERING_KINDS) -> list[Any]:
    """The gathering words of a text's hits ("конференция", "forum"; of ``kinds``) that
    name the event, not a press conference or a business forum, nor the venue of a
    meeting ("на полях форума"); none in a text on a scientific, medical or students'
    conference."""
    if not any(h[0] == "gathering" and h[1] in kinds for h in hits):
        return []
    if any(h[0] == "gathering" and h[1] == "domestic" for h in hits):
        return []  # (a scientific, medical or students' conference: no gathering of states)
    excluded = [(h[3], h[3] + len(h[2])) for h in hits if h[0] == "gathering" and h[1] == "not"]
    return [
        h
        for h in _not_the_venue(hits, lexicon="gathering")
        if h[0] == "gathering"
        and h[1] in kinds
        and not any(start <= h[3] < end for start, end in excluded)
    ]


def _international_gathering(hits: list[Any]) -> bool:
    """Whether the hits (of a headline, or of a lead) name an international gathering
    ("Международная конференция высокого уровня", "Astana xalqaro forumi")."""
    return bool(_gatherings(hits)) and any(
        h[0] == "gathering" and h[1] == "international" for h in hits
    )


def _before(hits: list[Any], end: int) -> list[Any]:
    return [h for h in hits if h[3] < end]


def _not_the_venue(hits: list[Any], lexicon: str = "event") -> list[Any]:
    """The hits without the gathering's event cues a sidelines cue names ("на полях
    заседания СМИД": the council is where the meeting was held)."""
    cues = _sidelines_cues(hits)
    if not cues:
        return hits

    def at_a_venue(h: Any) -> bool:
        return h[0] == lexicon and any(
            0 <= h[3] - end <= _SIDELINES_REACH
            or (postposition and 0 <= start - (h[3] + len(h[2])) <= _SIDELINES_REACH)
            for start, end, postposition in cues
        )

    return [h for h in hits if not at_a_venue(h)]


# A headline quoting one speaker: a name, then a colon ("Kallas: EU to expand ...",
# "Тоқаев: Түркиямен ...").
_SPEAKER = re.compile(r"^[^\W\d_][\w'ʼʻ.-]*(?: [^\W\d_][\w'ʼʻ-]*)?:\s")
# ... not a rubric ("Analysis:", "Итоги:") nor an organisation's acronym ("ШОС:")
_RUBRICS = frozenset(
    {"analysis", "opinion", "interview", "comment", "explainer", "video", "photo", "итоги",
     "мнение", "интервью", "комментарий", "анализ", "обзор", "видео", "фото", "tahlil",
     "фикр", "talqin", "pikir", "syn", "сұхбат", "маек", "маъруза"}
)  # fmt: skip


# How far after "to take part in" the gathering's name stands.
_PURPOSE_REACH = 60


def _for_a_gathering(
    title_hits: list[Any], body_hits: list[Any], lead_end: int, partnered: bool, speaker: bool
) -> bool:
    """Whether a headline of a trip ("прибыл", "сафари корӣ", "arrives") has a lead that
    says it was made to take part in a format's gathering: the words for it ("для участия
    в", "бо мақсади иштирок дар") right before the format's name ("Консультативной
    встрече глав государств Центральной Азии"); or a headline of one speaker's words
    ("предложил", "выступил"; ``speaker``: "Kallas: ...") a lead naming the format
    (``partnered``: a "Central Asia + X" one). Not a meeting of two there."""
    if speaker or any(h[0] == "speech" for h in title_hits):
        # one speaker's words at it: the lead names the gathering ("на заседании Диалога
        # «Центральная Азия – Индия»"; a meeting on its sidelines is no longer named there)
        return partnered or any(h[0] == "format" and h[3] < lead_end for h in body_hits)
    if not any(h[0] == "trip" for h in title_hits):
        return False
    cues = [(h[3], h[3] + len(h[2])) for h in body_hits if h[0] == "purpose" and h[3] < lead_end]
    # the name after the words, or, in the region's languages, before them ("«Борбордук
    # Азия – Европа Бирлиги» экинчи саммитине катышуу үчүн")
    return any(
        0 <= h[3] - end <= _PURPOSE_REACH or 0 <= start - h[3] <= _PURPOSE_REACH
        for h in body_hits
        if h[0] in ("format", "region") and h[3] < lead_end
        for start, end in cues
    )


_SUMMIT_WORD = re.compile(r"саммит|summit|sammit|самит|sammid")


def _regions_summit(title_hits: list[Any], title: str) -> bool:
    """Whether a (normalised) headline names the region and a summit, no organisation's
    nor one of people who are no states ("Awaza Summit: Central Asia Moves from
    Declarations to Roadmaps"; not "Minsk Summit: What the SCO Offers Central Asia", the
    organisation's members', nor "Central Asian Media Summit"): the five's gathering."""
    kinds = {h[0] for h in title_hits}
    if "region" not in kinds or "organisation" in kinds:
        return False
    summits = [
        h[3] for h in title_hits if h[:2] == ("event", "conference") and _SUMMIT_WORD.match(h[2])
    ]
    # (the people's word names the summit, next to it: "Central Asian Media Summit",
    # "Саммит молодежи"; not a topic the headline gives it, "summit: Central Asia bets on
    # digital connectivity")
    return any(
        not _NOT_THE_STATES.search(title, max(0, at - _NAMING_REACH), at + _NAMING_REACH)
        for at in summits
    )


# How far from the word "summit" the word naming whose summit it is stands
_NAMING_REACH = 16


# The summits of people who are no states: the media's, the young's, business's, women's,
# experts', investors', technology's.
_NOT_THE_STATES = re.compile(
    r"media|медиа|\bоав\b|\boav\b|журналист|youth|молод[её]ж|ёшлар|yoshlar|жастар|жаштар|"
    r"business|бизнес|biznes|делов|ишбилармон|women|женщин|женск|ayollar|аялдар|әйелдер|"
    r"expert|эксперт|invest|инвест|tech|цифров|digital|startup|стартап|rector|ректор|"
    r"civil society|гражданск|universit|университет|student|студент"
)


def _only_in_formats(partner: str, hits: list[Any]) -> bool:
    """Whether every mention of ``partner`` is right after the region's name ("Борбор Азия
    – Корея Республикасы"): named as a format's partner, never on its own."""
    regions = [h[3] + len(h[2]) for h in hits if h[0] == "region"]
    return all(
        any(0 <= h[3] - end <= _FORMAT_REACH for end in regions)
        for h in hits
        if h[0] == "country" and h[1] == partner
    )


def _group(
    matches: Iterable[tuple[str, str, str, int]], lexicon: str, before: int | None = None
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for lex, key, words, offset in matches:
        if lex != lexicon or (before is not None and offset >= before):
            continue
        seen = found.setdefault(key, [])
        if words not in seen:
            seen.append(words)
    return found


class Classifier:
    """A classifier built from a data file (``relevance.toml`` by default)."""

    def __init__(self, data: dict[str, Any]) -> None:
        settings = data["settings"]
        self.central_asia: tuple[str, ...] = tuple(settings["central_asia"])
        self.threshold = float(settings["threshold"])
        self.bias = float(settings["bias"])
        self.title_factor = float(settings["title_factor"])
        self.party_window = int(settings["party_window"])
        self.lead_max = int(settings["lead_max"])
        self._lexicons = _Lexicons()
        for iso, entry in data["countries"].items():
            self._lexicons.add("country", iso, [*entry.get("names", []), *entry.get("people", [])])
            self._lexicons.add("person", iso, entry.get("people", []))
        self._add_world_states()
        self._format_members: dict[str, tuple[str, ...]] = {}
        self._summit_members: dict[str, tuple[str, ...]] = {
            name: tuple(members) for name, members in data.get("summit_members", {}).items()
        }
        transit = data.get("transit", {})
        self._transit_before = tuple(normalise(w) for w in transit.get("before", []))
        self._transit_after = tuple(normalise(w) for w in transit.get("after", []))
        self._name_continues = tuple(
            sorted((normalise(w) for w in transit.get("name_continues", [])), key=len, reverse=True)
        )
        for iso, names in data.get("capitals", {}).items():
            self._lexicons.add("capital", iso, names)
        for name, patterns in data.get("organisations", {}).items():
            self._lexicons.add("organisation", name, patterns)
        self._add_acronyms(data.get("organisation_acronyms", {}), data.get("country_acronyms", {}))
        self._lexicons.add("envoy", "envoy", data.get("envoys", {}).get("patterns", []))
        self._lexicons.add("region", "central_asia", data.get("region", {}).get("patterns", []))
        purpose = data.get("purpose", {})
        for lexicon, key in (
            ("purpose", "patterns"),
            ("trip", "trips"),
            ("speech", "speeches"),
            ("counterpart", "counterparts"),
        ):
            self._lexicons.add(lexicon, lexicon, purpose.get(key, []))
        self._lexicons.add("envoy", "sides", data.get("sides", {}).get("patterns", []))
        self._lexicons.add("own", "own", data.get("own_state", {}).get("patterns", []))
        for key, patterns in (("office", "patterns"), ("not", "not")):
            self._lexicons.add("office", key, data.get("offices", {}).get(patterns, []))
        self._lexicons.add("world", "world", data.get("world", {}).get("patterns", []))
        self._lexicons.add("world", "crisis", data.get("world", {}).get("crisis", []))
        for key, patterns in data.get("unless", {}).items():
            self._lexicons.add("unless", key, patterns)
        ceremonies = data.get("ceremonies", {}).get("patterns", [])
        self._lexicons.add("ceremony", "ceremony", ceremonies)
        # (a visit's ceremony is an act: "Әуежайда қарсы алу", the welcome at the airport)
        self._lexicons.add("signal", "acts", ceremonies)
        sidelines = data.get("sidelines", {})
        self._lexicons.add("sidelines", "sidelines", sidelines.get("patterns", []))
        self._lexicons.add("sidelines", "sidelines_ahead", sidelines.get("ahead", []))
        self._lexicons.add("sidelines", "ahead_named", sidelines.get("ahead_named", []))
        self._lexicons.add("sidelines", "sidelines_after", sidelines.get("after", []))
        self._lexicons.add("sidelines", "framework", sidelines.get("framework", []))
        self._lexicons.add("sidelines", "framework_after", sidelines.get("framework_after", []))
        self._lexicons.add("sidelines", "dialogue", sidelines.get("dialogue", []))
        gatherings = data.get("gatherings", {})
        for key in (*_HOSTED, "international", "delegates", "domestic", "not"):
            self._lexicons.add("gathering", key, gatherings.get(key, []))
        for name, entry in data.get("formats", {}).items():
            self._lexicons.add("format", name, entry["patterns"])
            self._format_members[name] = tuple(entry.get("members", []))
        self._weights = {k: float(v["weight"]) for k, v in data["signals"].items()}
        for name, entry in data["signals"].items():
            self._lexicons.add("signal", name, entry["patterns"])
        for name, patterns in data["topics"].items():
            self._lexicons.add("topic", name, patterns)
        for name, patterns in data["event_types"].items():
            self._lexicons.add("event", name, patterns)
        self._event_order: list[str] = [str(e) for e in data["event_types"] if e != "meeting"]

    @classmethod
    def from_file(cls, path: str | Path = DEFAULT_DATA) -> Classifier:
        with open(path, "rb") as fh:
            return cls(tomllib.load(fh))

    def classify(
        self,
        title: str,
        body: str,
        language: str | None = None,
        *,
        source_country: str | None = None,
        source_kind: str | None = None,
    ) -> Tags:
        """Tag one post.

        Args:
            title: the headline.
            body: the text (plain).
            language: the post's language, if known (the lexicons cover all seven, so it
                is not needed to match).
            source_country: the publisher's country; a ministry's release that names no
                state ("the Minister received the Ambassador of Japan") has it as a party.
            source_kind: the publisher's kind (``mfa``, ``telegram``, ``intl``, ...). A
                ministry or an official channel speaks for its state, which is a party of
                the diplomacy it reports; a UN office speaks for the UN.

        A post is diplomacy only between two: a Central Asian state and a counterpart,
        another state or an international organisation, acting in the title or the
        lead. A ministry's own news with no counterpart (its staff's sports day, advice
        to its citizens) and a statistic that names one state's exports are not.

        Returns:
            Relevance, a score in 0..1, parties (ISO 3166 alpha-2, ``EU``), topics and
            the event type; ``evidence`` says which words decided.
        """
        # the parties, the event and nearly every signal are in the opening paragraphs;
        # the rest of a long text (background, the history of relations) repeats them
        body = without_dateline(body)
        title_n, body_n = normalise(title), normalise(body[:BODY_READ])
        title_hits = self._scan(title_n, title)
        body_hits = self._scan(body_n, body[:BODY_READ])
        lead_end = self._lead_end(body_n)
        # an official source's own state, the actor of the post
        # (or a post saying "our President", whoever publishes it: the source's state's)
        own = bool(_group(title_hits, "own") or _group(body_hits, "own", before=lead_end))
        home = (
            source_country
            if (source_kind in OFFICIAL_KINDS or own) and source_country in self.central_asia
            else None
        )
        parties, party_words = self._parties(
            title_hits, body_hits, lead_end, title_n, home,
            self._trip_purpose_end(title_hits, body_hits, body_n, lead_end),
        )  # fmt: skip
        title_signals, body_signals, lead_signals = _signals(
            title_hits, body_hits, lead_end, body_n
        )
        # an act the headline or the lead tells: talks, a visit, a signing (not the
        # "cooperation" every domestic post on two states mentions)
        acted = bool(_group(title_hits, "event") or _group(body_hits, "event", before=lead_end))
        total, parts = self._weigh(title_signals, body_signals, lead_signals, acted=acted)
        gathering, trip = self._occasion(
            title_hits, body_hits, lead_end, parties, party_words, home, parts
        )
        total += self._weights["acts"] * bool(gathering or trip)
        ca = [p for p in parties if p in self.central_asia]
        diplomatic = bool(gathering or trip) or any(
            k in title_signals or k in body_signals for k in ("diplomacy", "acts", "organisations")
        )
        members = (
            self._gathering_members(title_hits, title_signals, body_signals)
            if not ca and diplomatic
            else []
        )
        if members:
            parties += [m for m in members if m not in parties]
            ca = [p for p in parties if p in self.central_asia]
            parts["the organisation's members"] = members
        if not ca and source_country in self.central_asia and diplomatic:
            parties.insert(0, str(source_country))
            ca = [str(source_country)]
            parts["source country"] = [str(source_country)]
        if ca:
            bonus = 1.2 + (0.6 if len(parties) > len(ca) else 0.0) + (0.4 if len(ca) > 1 else 0.0)
            total += bonus
            parts[f"central asian party {bonus:+.2f}"] = ca
        if home is not None and ca and diplomatic and source_country not in parties:
            # "Глава государства провел телефонный разговор с Президентом Узбекистана"
            parties.append(str(source_country))
            parts["official source's state"] = [str(source_country)]
        organisations = self._organisations(title_hits, body_hits, lead_end, source_kind)
        acting = (
            "acts" in title_signals
            or "acts" in body_signals
            or bool(_group(title_hits, "event") or _group(body_hits, "event", before=lead_end))
        )
        # the counterpart: another state; an organisation the state deals with (a
        # meeting, talks, an agreement: not a campaign a UN office joins); a foreign envoy
        # received (credentials name a state the data may not know); or "the sides"; or
        # the world a foreign ministry's statement addresses ("МИД Казахстана выступил с
        # заявлением по ситуации на Ближнем Востоке": the acting state alone)
        counterpart = len(parties) >= 2 or bool(
            ca
            and (
                (organisations and acting)
                or _group(title_hits, "envoy")
                or _group(body_hits, "envoy", before=self.party_window)
                or self._on_the_world(title_hits, body_hits, title_signals, lead_end)
                or bool(gathering)
            )
        )
        later = (
            self._named_later(
                title_hits, body_hits, self._next_sentence_end(body_n, lead_end), parties
            )
            if ca and not counterpart and acting
            else []
        )
        if later:
            parties += later
            counterpart = True
            parts["counterpart named later"] = later
        elif ca and not counterpart and self._ceremony_hits(title_hits, body_hits, lead_end):
            # a visit's ceremony told without the guest ("Signing ceremony"): there is one
            counterpart = True
            parts["a visit's ceremony"] = ["a guest"]
        # advice in the headline, and no act there nor in the lead: a notice to citizens,
        # whatever consultations, hotline calls and embassies its body names further on
        advice = [] if acted else title_signals.get("advisory", [])[:3]
        parts |= (
            ({"organisations": organisations} if organisations else {})
            | ({"no counterpart": ["one state alone"]} if ca and not counterpart else {})
            | ({"advice in the headline": advice} if advice else {})
        )
        score = 1 / (1 + math.exp(-total))
        evidence = {
            "parties": [f"{k}: {', '.join(v[:4])}" for k, v in party_words.items()],
            **parts,
        }
        # (a sum of weights landing on the threshold is no evidence either way, whatever
        # the floating point's last bit: -2.2 + 1.2 + 0.6 + 0.4 is -4.4e-16)
        if advice or not (ca and counterpart and score > self.threshold + _TIE):
            return Tags(False, score, (), (), None, evidence)
        return Tags(
            True,
            score,
            tuple(parties),
            self._topics_for(title_hits, body_hits, parties),
            self._event_for(title_hits, body_hits),
            evidence,
        )

    def _weigh(
        self,
        title_signals: dict[str, list[str]],
        body_signals: dict[str, list[str]],
        lead_signals: dict[str, list[str]] | None = None,
        *,
        acted: bool = False,
    ) -> tuple[float, dict[str, list[str]]]:
        """The score's sum over the signals (a title's hits count ``title_factor`` times,
        at most three hits a signal; a signal against diplomacy found after a lead or
        headline telling a diplomatic act counts half: a state visit's report closing on the
        streets closed for it is the visit's), and the words of each."""
        total = self.bias
        parts: dict[str, list[str]] = {}
        # (halved only when the headline or the lead tells a diplomatic act: a notice
        # whose advice comes in its second sentence is still a notice, and so is the
        # staff's subbotnik whose lead names it)
        for key, weight in self._weights.items():
            body: float = len(body_signals.get(key, []))
            # (advice named in the opening makes the post advice, whatever follows)
            advice = key == "advisory" and (
                key in title_signals or bool(lead_signals and key in lead_signals)
            )
            if weight < 0 and lead_signals is not None and acted and not advice:
                early = len(lead_signals.get(key, []))
                body = early + (body - early) / 2
            hits = len(title_signals.get(key, [])) * self.title_factor + body
            if hits:
                contribution = weight * min(hits, 3.0)
                total += contribution
                parts[f"{key} {contribution:+.2f}"] = [
                    *title_signals.get(key, []),
                    *body_signals.get(key, []),
                ][:8]
        return total, parts

    def _occasion(
        self,
        title_hits: list[Any],
        body_hits: list[Any],
        lead_end: int,
        parties: list[str],
        party_words: dict[str, list[str]],
        home: str | None,
        parts: dict[str, list[str]],
    ) -> tuple[list[str], list[str]]:
        """The words of an international gathering the post reports (:meth:`_gathering`),
        else of a trip to another state's city (:func:`_trip_abroad`): either is an act,
        recorded in ``parts``."""
        weight = f"{self._weights['acts']:+.2f}"
        gathering = self._gathering(title_hits, body_hits, lead_end, parties, party_words)
        if gathering:
            parts[f"an international gathering {weight}"] = gathering
            return gathering, []
        trip = _trip_abroad(title_hits, body_hits, lead_end, parties, party_words, home)
        if trip:
            parts[f"a trip abroad {weight}"] = trip
        return [], trip

    def _gathering(
        self,
        title_hits: list[Any],
        body_hits: list[Any],
        lead_end: int,
        parties: list[str],
        party_words: dict[str, list[str]],
    ) -> list[str]:
        """The words of an international conference or forum the headline or the lead
        names (an act, and the host's counterpart), else none; a partner's delegation at
        it in the region's city has the host as its other party ("Azerbaijani FM addresses
        ministerial session in Astana"), added to ``parties``."""
        lead_hits = _before(body_hits, lead_end)
        if not (_international_gathering(title_hits) or _international_gathering(lead_hits)):
            return []
        opening = [*title_hits, *_before(body_hits, self.party_window)]
        # states' business, in the opening: delegations, heads of state, ministers,
        # diplomacy, an organisation or a second state (not a scientific or a medical
        # conference)
        states = (
            len(parties) >= 2
            or any(h[0] == "gathering" and h[1] == "delegates" for h in opening)
            or any(h[0] in ("organisation", "person") for h in opening)
            or len({h[1] for h in opening if h[0] == "country"}) >= 2
            or "diplomacy" in _group(opening, "signal")
        )
        if not states:
            return []
        if len(parties) == 1 and parties[0] not in self.central_asia:
            hosts = {**_group(title_hits, "capital"), **_group(lead_hits, "capital")}
            host = [k for k in hosts if k in self.central_asia]
            if len(host) == 1:
                parties.append(host[0])
                party_words[f"capital:{host[0]}"] = hosts[host[0]]
        return [h[2] for h in _gatherings([*title_hits, *lead_hits])][:4] or ["a gathering"]

    def _on_the_world(
        self,
        title_hits: list[Any],
        body_hits: list[Any],
        title_signals: dict[str, Any],
        lead_end: int,
    ) -> bool:
        """A foreign ministry's statement on the world: the ministry in the headline with a
        statement, and a condemnation, condolences or a situation abroad in the headline or
        the lead ("МИД Казахстана выступил с заявлением по ситуации на Ближнем Востоке");
        or with no other act there (or others' agreement it names) and a crisis abroad: an
        escalation, a ceasefire ("Kazakhstan's MFA calls for restraint in the Middle
        East"). Not its notice on its own business ("заявил о переходе на электронный
        документооборот")."""
        if "diplomacy" not in title_signals:
            return False
        events = set(_group(title_hits, "event"))
        said = {**_group(title_hits, "world"), **_group(body_hits, "world", before=lead_end)}
        if "statement" in events:
            return bool(said)
        # without "statement", the world's crises only ("Kazakhstan's MFA calls for
        # restraint in the Middle East"; not its staff's event or anniversary); with
        # others' agreement on them it welcomes ("приветствовал соглашение о прекращении
        # огня"), not the ministry's meeting, visit or call, whose counterpart is named
        crisis = "crisis" in said
        return crisis and (not events or events == {"agreement"})

    def _gathering_members(
        self, title_hits: list[Any], title_signals: dict[str, Any], body_signals: dict[str, Any]
    ) -> list[str]:
        """The members of an organisation whose gathering the headline names ("Baku hosts
        OTS Council of Foreign Ministers meeting"), when the region's states are among
        them: its parties, though the report names none of the region's."""
        members = [
            m
            for key in _group(title_hits, "organisation")
            for m in self._summit_members.get(key, ())
        ]
        gathering = "acts" in title_signals or "acts" in body_signals
        # (not two states' own business named beside it: "Armenia and Russia sign a gas
        # agreement on the EAEU sidelines")
        others = len(self._titled(title_hits)) >= 2 or bool(_sidelines_cues(title_hits))
        if gathering and not others and any(m in self.central_asia for m in members):
            return list(dict.fromkeys(members))
        return []

    def _scan(self, text: str, raw: str = "") -> list[Any]:
        """The lexicons' matches in a normalised text (and the formats named by their
        proper names in its ``raw`` form), routes and sidelines dropped."""
        hits = self._drop_routes(self._lexicons.scan(text), text) + _named_formats(raw)
        hits += self._acronym_hits(raw)
        return _off_the_sidelines(_not_places(hits, text), self.central_asia)

    def _add_world_states(self) -> None:
        """The world's other states, and other languages' names of the data's, by their
        CLDR names (storage/gazetteer.py): each name the data does not find already."""

        def found(text: str, iso: str) -> bool:
            return ("country", iso) in {h[:2] for h in self._lexicons.scan(text)}

        for iso, names in state_names().items():
            missing: list[str] = []
            for name, patterns in names:
                if not found(name, iso):
                    missing += patterns
                    continue
                # a name the data finds: only those of its whole forms the data does not
                # (the Kyrgyz "Катардын" where the data has "катар$"), scanned at once
                forms = [p for p in patterns if p.endswith("$") and " " not in p]
                hits = {h[2] for h in self._lexicons.scan(" ".join(f[:-1] for f in forms))
                        if h[:2] == ("country", iso)}  # fmt: skip
                missing += [f for f in forms if f[:-1] not in hits]
            self._lexicons.add("country", iso, missing)

    def _add_acronyms(
        self, organisations: dict[str, list[str]], countries: dict[str, list[str]]
    ) -> None:
        """Organisations and states by an acronym that is a word in small letters ("ECO",
        not "eco-friendly"; the Kyrgyz "ЕБ", the EU, not the Uzbek "еб", to eat): matched
        as written, in capitals."""
        self._acronyms = {
            word: (lexicon, name)
            for lexicon, table in (("organisation", organisations), ("country", countries))
            for name, words in table.items()
            for word in words
        }
        self._acronym = (
            re.compile(
                r"(?<!\w)(?:"
                + "|".join(map(re.escape, sorted(self._acronyms)))
                # (a case ending may follow in small letters: "ЭКУнун саммити")
                + r")(?![\dA-ZА-ЯЁӘҒҚҢӨҰҮҺІ_])"
            )
            if self._acronyms
            else None
        )

    def _acronym_hits(self, raw: str) -> list[tuple[str, str, str, int]]:
        """The organisations and states the acronym tables name in a text as written."""
        if self._acronym is None or not any(word in raw for word in self._acronyms):
            return []  # (most texts: the expression is not run)
        return [
            (*self._acronyms[m.group()], m.group().lower(), m.start())
            for m in self._acronym.finditer(raw)
        ]

    def _parties(
        self,
        title_hits: list[Any],
        body_hits: list[Any],
        lead_end: int,
        title: str = "",
        home: str | None = None,
        format_end: int | None = None,
    ) -> tuple[list[str], dict[str, list[str]]]:
        """States that are parties: named (or whose leader or minister is named) in the
        title or the lead, plus the partners a format named there implies (up to
        ``format_end``: a trip's lead and the sentence saying what it was made for). States named
        later are context ("discussed the situation in Afghanistan"), except that a
        Central Asian state named in the opening still makes the post about it; places
        come last (:meth:`_places`)."""
        found = _group(title_hits, "country")
        for key, words in _group(body_hits, "country", before=lead_end).items():
            found.setdefault(key, []).extend(w for w in words if w not in found.get(key, []))
        titled = self._titled(title_hits)
        # a headline naming two states is about them: a summit its lead mentions ("met on
        # the sidelines of the Consultative Meeting") adds no parties; unless the lead says
        # the trip was made for it ("Сафари кории Пешвои миллат ба Ҷумҳурии Қирғизистон":
        # "... бо мақсади иштирок дар Ҷаласаи машваратии сарони давлатҳои Осиёи Марказӣ")
        # "... met his Korean counterpart": two ministers, whatever gathering the lead names
        counterpart = any(h[0] == "counterpart" for h in title_hits)
        end = lead_end if format_end is None else format_end
        lead_formats = (len(titled) < 2 and not counterpart) or _for_a_gathering(
            title_hits,
            body_hits,
            end,
            bool(self._format_partner(body_hits, end)),
            self._quotes_a_speaker(title),
        )
        if lead_formats:
            self._format_partners(title_hits, body_hits, end, found, title)
        else:
            # nor does the partner its name holds ("«Merkezi Aziýa – Ýewropa Bileleşigi»
            # formatyndaky duşuşygyň çäklerinde" beside a headline of two ministers)
            partner = self._format_partner(body_hits, lead_end)
            if partner and partner not in titled and _only_in_formats(partner, body_hits):
                found.pop(partner, None)
        formats = {
            **_group(title_hits, "format"),
            **(_group(body_hits, "format", before=end) if lead_formats else {}),
        }
        order = self._with_formats(list(found), formats)
        if len(titled) < 2 and _regions_summit(title_hits, title):
            # "Cholpon-Ata summit: Central Asia inches toward a common agenda": the five's
            order += [key for key in self.central_asia if key not in order]
            for key in self.central_asia:
                found.setdefault(key, ["the region's summit"])
        if not any(p in self.central_asia for p in order):
            opening = _group(body_hits, "country", before=self.party_window)
            for key in self.central_asia:
                if key in opening:
                    order.append(key)
                    found[key] = opening[key]
        self._places(title_hits, body_hits, lead_end, order, found, home)
        return order, {**found, **{f"format:{k}": v for k, v in formats.items()}}

    def _format_partners(
        self,
        title_hits: list[Any],
        body_hits: list[Any],
        lead_end: int,
        found: dict[str, list[str]],
        title: str = "",
    ) -> None:
        """ "Central Asia – Korea", "Markaziy Osiyo + Koreya" in the title or the lead: the
        five and the partner."""
        for where, hits in (("title", title_hits), ("lead", body_hits)):
            if where == "title":
                partner = self._format_partner(hits, None, text=title)
            else:
                partner = self._format_partner(hits, lead_end)
            if partner:
                for key in (partner, *self.central_asia):
                    found.setdefault(key, [f"format: central asia + {partner}"])

    def _with_formats(self, order: list[str], formats: dict[str, list[str]]) -> list[str]:
        """The parties, and the members of each format named ("C5+1": the five and the
        United States)."""
        for name in formats:
            members = self._format_members.get(name, ())
            order += [m for m in members if m not in order]
            if not any(m in self.central_asia for m in members):
                # "Central Asia + Japan": the five and the partner
                order += [m for m in self.central_asia if m not in order]
        return order

    def _places(
        self,
        title_hits: list[Any],
        body_hits: list[Any],
        lead_end: int,
        order: list[str],
        found: dict[str, list[str]],
        home: str | None = None,
    ) -> None:
        """Capitals and the cities of the region's meetings: one state acting in
        another's city makes that one a party ("Рахмон прибыл в Бишкек"); with no state
        named at all, the place where it happened does ("В Ашхабаде состоялись ...").
        In an official source's post naming one other state (``home``'s counterpart:
        "Встреча с коллегой из Казахстана" on the Uzbek ministry's channel, in
        Cholpon-Ata) the place is only where the two met."""
        places = {
            **_group(title_hits, "capital"),
            **_group(body_hits, "capital", before=lead_end),
        }
        acting = home is None or order == [home]
        if len(order) == 1 and order[0] in self.central_asia and acting:
            for key, words in places.items():
                if key not in order:
                    order.append(key)
                    found[f"capital:{key}"] = words
        if not order:
            order += list(places)
            found.update({f"capital:{k}": v for k, v in places.items()})

    def hosted(self, title: str, lead: str) -> str | None:
        """The gathering a report is of, as its host state and its kind ("TJ conference"):
        a conference, a forum or a congress its headline or first sentence names, in one
        state's city ("UNRCCA at the Dushanbe Water Conference"); not a press conference
        or a visit's business forum, nor a gathering named as where a meeting was held
        ("на полях форума"), nor a scientific or a medical one."""
        kind = None
        for text in (title, lead):
            found = [h[1] for h in _gatherings(self._lexicons.scan(normalise(text)), _HOSTED)]
            if found:
                # (a summit only when no other kind is named: storage.dedup.hosted)
                kind = next((k for k in found if k != "summit"), found[0])
                break
        if kind is None:
            return None
        places = self.places(f"{title}\n{lead}")
        return f"{next(iter(places))} {kind}" if len(places) == 1 else None

    def ceremony(self, text: str) -> bool:
        """Whether a text tells a visit's ceremony or format ("Signing ceremony")."""
        return bool(_group(self._lexicons.scan(normalise(text)), "ceremony"))

    @staticmethod
    def _ceremony_hits(title_hits: list[Any], body_hits: list[Any], lead_end: int) -> bool:
        return bool(_group(title_hits, "ceremony") or _group(body_hits, "ceremony", lead_end))

    def places(self, text: str) -> frozenset[str]:
        """The states whose capitals or meeting places a text names ("в Душанбе": TJ)."""
        text = normalise(text)
        return frozenset(_group(_not_places(self._lexicons.scan(text), text), "capital"))

    def on_the_sidelines(self, title: str) -> bool:
        """Whether a headline reports a meeting on a gathering's sidelines."""
        return bool(_sidelines_cues(self._lexicons.scan(normalise(title))))

    def trip_or_speech(self, title: str) -> bool:
        """Whether a headline is of a trip ("прибыл", "arrives") or of one speaker's words
        ("призвал", "выступил")."""
        text = normalise(title)
        return self._quotes_a_speaker(text) or any(
            h[0] in ("trip", "speech") for h in self._lexicons.scan(text)
        )

    def _named_later(
        self, title_hits: list[Any], body_hits: list[Any], reach: int, parties: list[str]
    ) -> list[str]:
        """The counterpart of a headline's act named in the sentence after the lead (up to
        ``reach``), by its leader or minister ("Рахмон прибыл в резиденцию «Ала-Арча».
        Садыр Жапаров лично встретил ..."); not a domestic post quoting a foreign leader
        later on."""
        if not (_group(title_hits, "signal").get("acts") or _group(title_hits, "event")):
            return []
        return [k for k in _group(body_hits, "person", before=reach) if k not in parties]

    def _trip_purpose_end(
        self, title_hits: list[Any], body_hits: list[Any], body: str, lead_end: int
    ) -> int | None:
        """Where a trip's purpose ends when the sentence after its lead tells it: a
        headline of an arrival, a lead naming no gathering, then the gathering it was
        made for ("... 10 март ба шаҳри Сеул ворид шуданд. Дар доираи сафар Пешвои
        миллат дар нишасти сарони давлатҳои «Осиёи Марказӣ – Ҷумҳурии Корея» ширкат
        хоҳанд варзид"); else None (the lead alone)."""
        if not any(h[0] == "trip" for h in title_hits) or any(
            h[0] in ("format", "region") and h[3] < lead_end for h in body_hits
        ):
            return None
        end = self._next_sentence_end(body, lead_end)
        return end if _for_a_gathering(title_hits, body_hits, end, False, False) else None

    def _next_sentence_end(self, body: str, lead_end: int) -> int:
        """Where the sentence after the lead ends (within ``party_window``)."""
        match = _SENTENCE_END.search(body, lead_end + 1)
        return min(match.end() if match else len(body), self.party_window)

    def _quotes_a_speaker(self, title: str) -> bool:
        """Whether a (normalised) headline quotes one speaker: a name, a colon ("Kallas:
        EU to expand ..."); not a rubric ("Analysis:") nor a state or an organisation
        ("ШОС: Казахстан и Китай ...")."""
        found = _SPEAKER.match(title)
        if not found:
            return False
        speaker = found.group(0).rstrip(": \t")
        if speaker.split()[0] in _RUBRICS:
            return False
        named = {h[0] for h in self._lexicons.scan(speaker)}
        return "person" in named or not named & {"country", "organisation", "capital"}

    def names_the_region(self, text: str) -> bool:
        """Whether a text names Central Asia, or a format or the five of it ("стран
        Центральной Азии", "Markaziy Osiyo", "C5+1")."""
        return any(h[0] in ("region", "format") for h in self._lexicons.scan(normalise(text)))

    def formats_named(self, text: str) -> frozenset[str]:
        """The organisations a text names ("SCO") and the partners of the "Central Asia +
        X" formats it names ("RU" for «Центральная Азия – Россия», «Орталық Азия –
        Ресей», "Markaziy Osiyo – Xitoy"), in any of the region's languages."""
        hits = self._lexicons.scan(normalise(text)) + _named_formats(text)
        found = {h[1] for h in hits if h[0] == "organisation"}
        for name in {h[1] for h in hits if h[0] == "format"}:
            found |= set(self._format_members.get(name, ())) - set(self.central_asia)
        partner = self._format_partner(hits, None, text=text)
        if partner is not None:
            found.add(partner)
        return frozenset(found)

    def title_states(self, title: str) -> tuple[str, ...]:
        """The states a headline names as actors, by name, leader or minister (not its
        places, nor the partner of a "Central Asia + X" format it names)."""
        return tuple(self._titled(self._lexicons.scan(normalise(title))))

    def _titled(self, title_hits: list[Any]) -> dict[str, list[str]]:
        """The states a headline's matches name: the partner a headline's format names
        ("«Merkezi Aziýa — Hytaý» sammitinde") is the format's, not a second state of the
        headline's own; so is one named right before the region ("Япония обещает
        Центральной Азии ... Что получит Таджикистан"): the lead then says which format
        it is."""
        titled = _group(title_hits, "country")
        titled.pop(self._format_partner(title_hits, None, either_side=True) or "", None)
        return titled

    def title_organisations(self, title: str) -> tuple[str, ...]:
        """The international organisations a headline names (``[organisations]`` of the
        data: the UN and its offices, the OSCE, the SCO, the OTS...)."""
        hits = self._lexicons.scan(normalise(title)) + self._acronym_hits(title)
        return tuple(_group(hits, "organisation"))

    def summit_members(self, title: str) -> tuple[str, ...]:
        """The members of the organisations a headline names (the OTS, the SCO, the CIS),
        for a report of their summit; none when it names none of them."""
        hits = self._lexicons.scan(normalise(title)) + self._acronym_hits(title)
        members: list[str] = []
        for key in _group(hits, "organisation"):
            members += [m for m in self._summit_members.get(key, ()) if m not in members]
        return tuple(members)

    def title_format_partners(self, title: str) -> frozenset[str]:
        """The partners of the formats a headline names ("C5+1 in New York": US;
        "«Merkezi Aziýa — Hytaý» sammiti": CN)."""
        title_n = normalise(title)
        hits = self._lexicons.scan(title_n)
        partners = {m for key in _group(hits, "format") for m in self._format_members.get(key, ())}
        partner = self._format_partner(hits, None, text=title_n)
        return frozenset(partners | ({partner} if partner else set()))

    def _format_partner(
        self,
        hits: list[Any],
        before: int | None,
        *,
        either_side: bool = False,
        text: str = "",
    ) -> str | None:
        """The partner of a "Central Asia + X" format named in these hits: a state named
        right after the words for Central Asia (within 40 characters), or, in ``text``,
        right before them with a conjunction or a dash between ("ЕС и Центральная Азия",
        "EU – Central Asia"; not "the EU Special Representative for Central Asia").
        ``either_side``: any state named within 40 characters before them too."""
        regions = [h for h in hits if h[0] == "region" and (before is None or h[3] < before)]
        if not regions:
            return None
        for lexicon, key, _words, offset in hits:
            if lexicon != "country" or key in self.central_asia:
                continue
            for _, _, region_words, start in regions:
                gap = offset - (start + len(region_words))
                if 0 <= gap <= _FORMAT_REACH or (
                    either_side and 0 <= start - offset <= _FORMAT_REACH
                ):
                    return str(key)
                between = text[offset + len(_words) : start].strip(" «»\"'")
                if text and start > offset and between in _CONJUNCTIONS:
                    return str(key)
        return None

    @staticmethod
    def _organisations(
        title_hits: list[Any], body_hits: list[Any], lead_end: int, source_kind: str | None
    ) -> list[str]:
        """International organisations acting in the post: named in the title or the
        lead (``[organisations]`` of the data), or the publisher itself (a UN office)."""
        found = [*_group(title_hits, "organisation"), *_group(body_hits, "organisation", lead_end)]
        if source_kind == "intl":
            found.append("UN")
        return list(dict.fromkeys(found))

    def _drop_routes(self, hits: list[Any], text: str) -> list[Any]:
        """Drop state names used as a route ("через Иран", "Eýranyň üsti bilen")."""
        kept = []
        for hit in hits:
            lexicon, _, words, offset = hit
            if lexicon == "country":
                before = text[max(0, offset - 20) : offset].rstrip()
                after = text[offset + len(words) : offset + len(words) + 60].lstrip()
                for continuation in self._name_continues:
                    if after.startswith(continuation):
                        after = after[len(continuation) :].lstrip()
                        break
                if before.endswith(self._transit_before) or after.startswith(self._transit_after):
                    continue
            kept.append(hit)
        return kept

    def _lead_end(self, body: str) -> int:
        """Where the lead ends: the end of the first sentence (past a dateline), or
        ``lead_max`` characters."""
        match = _SENTENCE_END.search(body, 40)
        return min(match.end() if match else len(body), self.lead_max)

    def _topics_for(
        self, title_hits: list[Any], body_hits: list[Any], parties: list[str]
    ) -> tuple[str, ...]:
        found = {**_group(title_hits, "topic"), **_group(body_hits, "topic")}
        topics = [t for t in TOPICS if t in found]
        if len(parties) == 2 and "multilateral" not in topics:
            topics.insert(0, "bilateral")
        elif len(parties) > 2 and "multilateral" not in topics:
            topics.insert(0, "multilateral")
        return tuple(topics)

    def _event_for(self, title_hits: list[Any], body_hits: list[Any]) -> str:
        """The event type: the title's cues first, then the opening's; a gathering named
        as where a meeting was held ("встретились на полях СМИД ОТГ") is not the event."""
        for cues in (
            _group(_not_the_venue(title_hits), "event"),
            _group(_not_the_venue(body_hits), "event", before=self.party_window),
        ):
            for event in self._event_order:
                if event in cues:
                    return event
            if "meeting" in cues:
                return "meeting"
        return "meeting"


@cache
def country_codes(path: str | Path = DEFAULT_DATA) -> frozenset[str]:
    """The parties the classifier knows: ISO 3166 alpha-2 codes, and EU."""
    with open(path, "rb") as fh:
        return frozenset(tomllib.load(fh)["countries"]) | STATES


def country_words(path: str | Path = DEFAULT_DATA, *, people: bool = True) -> list[str]:
    """Every name, adjective, person (unless ``people`` is false) and capital the data
    gives for states (deduplication leaves these out of its evidence of names)."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    kinds = ("names", "people") if people else ("names",)
    words = [w for c in data["countries"].values() for k in kinds for w in c.get(k, [])]
    words += [w for names in data.get("capitals", {}).values() for w in names]
    return [w.rstrip("$") for w in words]


@cache
def default_classifier() -> Classifier:
    """The classifier of the bundled data file (built once per process)."""
    return Classifier.from_file(DEFAULT_DATA)


def classify(
    title: str,
    body: str,
    language: str | None = None,
    *,
    source_country: str | None = None,
    source_kind: str | None = None,
) -> Tags:
    """Tag one post with the bundled classifier (see :meth:`Classifier.classify`)."""
    return default_classifier().classify(
        title, body, language, source_country=source_country, source_kind=source_kind
    )
