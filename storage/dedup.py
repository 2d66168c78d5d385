"""Deciding that two articles report the same story (docs/dedup.md).

Pure functions: text and metadata in, a decision out. The store keeps the state
(signatures and LSH band keys) in SQLite and calls :func:`same_story` on candidates.

* Copies (a reprint with a new lead and dateline, a shortened version): the share of one
  text's word 4-grams found in the other (containment), via MinHash/LSH candidates.
* Translations (the ministry's ru/en/kk versions, an agency's English version): no words
  in common, so: close in time, the same parties, the same kind of event, and the same
  numbers (dates, sums, counts) in both.
* Never the same story: two texts further apart in time than a few days (the annual
  meeting that repeats last year's boilerplate), or with different foreign parties (two
  audiences of one minister on one day, written from one template).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Any

import numpy as np

from .normalize import without_language
from .relevance import default_classifier
from .times import days_ahead, days_back, days_named
from .translit import latin_key
from .vocabulary import STATES

__all__ = [
    "BANDS",
    "CENTRAL_ASIA",
    "COPY",
    "COPY_WINDOW",
    "MIN_BANDS",
    "SUPPORT",
    "TRANSLATION_WINDOW",
    "VISIT_WINDOW",
    "Decision",
    "acronyms",
    "announced",
    "announcing",
    "commission",
    "council",
    "first_sentence",
    "head_first",
    "head_of_state",
    "hosted",
    "minister",
    "named_days",
    "names",
    "numbers",
    "on_a_day_of",
    "parties_clash",
    "regional_and_bilateral",
    "same_story",
    "shingle_hashes",
    "shingles",
    "sidelines",
    "signature",
    "signature_from_stored",
    "similarity",
    "state_visit",
    "summit",
    "unpack_numbers",
    "week",
]

NUM_PERM = 96
# 48 bands of 2 rows, and a candidate must share at least MIN_BANDS of them: a pair with
# a Jaccard of 0.3 (a copy keeping half the text) qualifies with probability 0.93, two
# unrelated texts of one genre (Jaccard 0.04) with 0.002.
BANDS = 48
MIN_BANDS = 2
_ROWS = NUM_PERM // BANDS
SHINGLE = 4
# Two texts sharing this share of the shorter one's 4-grams are one text.
CONTAINMENT = 0.4
# Texts shorter than this many 4-grams (about a sentence) are not compared.
MIN_SHINGLES = 12
# Copies appear within days; a text repeated a year later is a new event.
COPY_WINDOW = timedelta(days=4)
TRANSLATION_WINDOW = timedelta(hours=30)
# A head of state's visit lasts up to three days: its last reports and the next day's
# analyses are published up to this long after its first.
VISIT_WINDOW = timedelta(hours=54)
# Reports of one multilateral gathering (the same three or more parties) come within hours
# of each other; the minister's departure for it the day before is another item.
GATHERING_WINDOW = timedelta(hours=12)
# ... and when a headline names the summit, within the day.
SUMMIT_WINDOW = timedelta(hours=24)
CENTRAL_ASIA = frozenset(STATES)
_WORD = re.compile(r"\w+")
# Not a number that is part of a name: ГЭС-1, Kambarata-1, COP-29.
_NUMBER = re.compile(r"(?<![\w.,])(?<![^\W\d_]-)(?:\d[\d.,]*\d|\d\b)")


# crc32 is stable across processes (Python's hash() is salted), and a builtin: no Python
# frame per shingle.
_hash32 = zlib.crc32


def shingles(text: str) -> set[bytes]:
    """The word 4-grams of a text, case and punctuation folded."""
    words = _WORD.findall(unicodedata.normalize("NFC", text).casefold())
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {
        f"{a} {b} {c} {d}".encode()
        for a, b, c, d in zip(words, words[1:], words[2:], words[3:], strict=False)
    }


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The 96 affine permutations ``h -> a*h + b (mod 2**32)``, drawn from the seed as
    datasketch's ``MinHash(num_perm=96, seed=1, scheme="affine32")`` draws them."""
    gen = np.random.RandomState(1)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch's pre-mix for the affine schemes)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = values ^ (values >> np.uint32(16))
    return mixed


def shingle_hashes(grams: Iterable[bytes]) -> np.ndarray:
    """The shingles as their crc32 hashes, sorted and unique (uint32): what the MinHash
    hashes anyway, cheap to send between processes and to compare (:func:`similarity`)."""
    return np.unique(np.fromiter(map(_hash32, grams), dtype=np.uint32))


def signature_of_hashes(hashed: np.ndarray) -> np.ndarray:
    """:func:`signature` of shingles already hashed (:func:`shingle_hashes`)."""
    if not hashed.size:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    a, b = _permutations()
    # uint32 arithmetic wraps around: that is the mod 2**32 of the permutations
    values: np.ndarray = (_fmix32(hashed)[:, None] * a + b).min(axis=0)
    return values


def signature(grams: Iterable[bytes]) -> np.ndarray:
    """The 96 MinHash values (uint32) of the shingles: datasketch's ``MinHash`` with
    ``seed=1``, ``scheme="affine32"`` and crc32 as the hash function, value for value
    (tests/test_dedup.py compares them). Computed here because importing datasketch
    imports scipy, half a second at the start of every process, and a ``MinHash`` object
    per article costs more than the arithmetic."""
    return signature_of_hashes(np.fromiter(map(_hash32, grams), dtype=np.uint32))


def signature_bytes(values: np.ndarray) -> bytes:
    """A signature's values (``MinHash.hashvalues``) as stored in ``article_signatures``."""
    return bytes(np.asarray(values).astype("<u8").tobytes())


def signature_from_stored(stored: bytes) -> np.ndarray:
    """A signature's values read back from ``article_signatures.minhash``."""
    return np.frombuffer(stored, "<u8").astype(np.uint32)


def week(moment: datetime) -> int:
    """The week a time falls in (days since 1970 // 7)."""
    return int(moment.timestamp() // 86400) // 7


_CAPITAL = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІЎҲҶӢӮÄŇÝŽŞÇÖÜ"
# (not after a dot, "kun.uz", unless the dot closes an initial: "R.Meredow", "Ж.Кулубаев")
_CAPITALISED = re.compile(
    rf"(?:(?<![\w.])|(?<=(?<![\w.])[{_CAPITAL}]\.))([{_CAPITAL}][\w'ʻ’-]{{3,}})"
)
_VOWELS = re.compile(r"[aeiouy'ʻ’-]+")


def names(text: str, *, known: bool = False) -> set[str]:
    """Consonant skeletons of capitalised words not opening a sentence: people and places
    that survive transliteration (Кулубаев and Kulubaev, Муҳриддин and Muhriddin, Ботир
    and Botir). States, capitals, their leaders and ministers (unless ``known``), and
    titles are left out: the parties check has the states, and the rest are in every
    release of a country."""
    found = set()
    stop = _not_names(people=not known)
    for match in _CAPITALISED.finditer(text):
        start = match.start()
        if start == 0 or text[max(0, start - 2) : start].strip() in (".", "!", "?", ""):
            continue  # a sentence starts here: not evidence of a name
        skeleton = _skeleton(match.group(1))
        if len(skeleton) >= 3 and skeleton not in stop:
            found.add(skeleton)
    return found


@lru_cache(maxsize=1 << 16)  # news vocabulary repeats: most words are seen before
def _skeleton(word: str) -> str:
    # the search index's key (storage/translit.py: Кулубаев and Kulubaev, Муҳриддин and
    # Muhriddin share it), with the digraphs of the Cyrillic ш, ч, ц as one letter each
    latin = latin_key(word)
    for digraph, letter in (("sh", "s"), ("ch", "c"), ("ts", "s")):
        latin = latin.replace(digraph, letter)
    latin = "".join(c for c in unicodedata.normalize("NFKD", latin) if c.isascii())
    consonants = _VOWELS.sub("", "".join(c for c in latin if c.isalpha() or c in "'-"))
    # four consonants: case endings (Кулубаев-ым, Kulubaev-dan) add more, the stem keeps these
    return re.sub(r"(.)\1+", r"\1", consonants)[:4]


# Capitalised words that are no evidence of one event: titles and institutions every
# release names. States, capitals, leaders and ministers (in every release of their
# country) are added from the classifier's lexicon.
_GENERIC = [
    "Республика",
    "Republic",
    "Respublika",
    "Республикасы",
    "Министр",
    "Minister",
    "Министерство",
    "Ministry",
    "Министрлик",
    "Foreign",
    "Affairs",
    "Иностранных",
    "Президент",
    "President",
    "Prezident",
    "Президенти",
    "Глава",
    "Head",
    "Посол",
    "Ambassador",
    "Central",
    "Asia",
    "Центральная",
    "Азия",
    "Орталық",
    "Азия",
    "Markaziy",
    "Osiyo",
    "Merkezi",
    "Aziýa",
    "Борбордук",
    "Азия",
    "Осиёи",
    "Марказӣ",
    "United",
    "Nations",
    "Организация",
    "Объединенных",
    "Наций",
    "Federation",
    "Федерация",
    "Federasiýa",
    "State",
    "Государство",
    "Deputy",
    "Заместитель",
    "Secretary",
    "Секретарь",
    "Council",
    "Совет",
    "Committee",
    "Комитет",
    "Special",
    "Специальный",
    "Representative",
    "Представитель",
    "General",
    "Генеральный",
    "Assembly",
    "Ассамблея",
    "Cabinet",
    "Кабинет",
    # documents and offices named in capitals mid-sentence in every release
    "Договор",
    "Соглашение",
    "Протокол",
    "План",
    "Меморандум",
    "Agreement",
    "Treaty",
    "Protocol",
    "Plan",
    "Memorandum",
    "Сыртқы",
    "Тышкы",
    "Tashqi",
    "Daşary",
    "Корҳои",
    "Вазири",
    "Министрі",
    "Министри",
    "Вазирлиги",
]


@cache
def _not_names(*, people: bool = True) -> frozenset[str]:
    from .relevance import country_words  # states, capitals, leaders, ministers

    words = [*_GENERIC, *country_words(people=people)]
    return frozenset(s for s in (_skeleton(w) for w in words) if len(s) >= 3)


_ACRONYM = re.compile(r"(?<!\w)[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{2,6}(?!\w)")


@lru_cache(maxsize=1 << 15)  # the same reports are candidates for many articles
def acronyms(title: str) -> frozenset[str]:
    """Organisations a title names by acronym (AIIB, ADB, МККК, УВКБ): like states, two
    meetings with different ones are two events. Not an office's ("FM", "МИД", "ТИВ":
    "Azerbaijani FM: Middle Corridor ..." beside "OTS Council of Foreign Ministers")."""
    return frozenset(_ACRONYM.findall(title)) - _OFFICES


# Abbreviations of offices, not organisations: a foreign minister or ministry, a prime
# minister, in the region's languages.
_OFFICES = frozenset(
    {"FM", "FMS", "PM", "DPM", "MFA", "CEO", "МИД", "ТИВ", "TIV", "СІМ", "ТИМ", "ВКД", "DIM"}
)


def numbers(text: str) -> set[str]:
    """The numbers a text states ("2027-2028", "3 млрд", "13 March"): they survive
    translation when nothing else does."""
    found = {n.replace(".", "").replace(",", "") for n in _NUMBER.findall(text)}
    # "16 тысяч" in one language is "16,000" in another: a round figure also counts as
    # its thousands
    return found | {n[:-3] for n in found if len(n) > 3 and n.endswith("000")}


def _lowered(pattern: str) -> re.Pattern[str]:
    """An expression written in lower case, for text lower-cased by :func:`_lower`: three
    to ten times faster on the region's alphabets than a case-insensitive one (a literal
    in upper case would never match, and is refused)."""
    if any(c.isupper() for c in re.sub(r"\\.", "", pattern)):
        raise ValueError(f"an upper-case literal in {pattern[:60]!r}")
    return re.compile(pattern)


def _lower(text: str) -> str:
    """Lower case as the lowered expressions read it (the Turkish and Azerbaijani İ is an
    i, without its combining dot)."""
    return text.lower().replace("\u0307", "")


# A head of state in a headline: the president receiving a visiting minister is another
# event than the ministers' own talks that day.
_HEAD_OF_STATE = _lowered(
    r"\b(?:глава государства|главы государств|глав государств|heads? of state|"
    r"leaders? of|leaders\b|liderler|лидер|yetakchi|на высшем уровне|мемлекет басшылары|davlat rahbarlari|"
    r"президент|president|prezident|мемлекет басшысы|"
    r"davlatimiz rahbari|давлатимиз раҳбари|давлат раҳбари|davlat rahbari|пешвои миллат|"
    r"leader of the nation|лидер нации|мамлекет башчысы|döwlet baştutany|döwlet baştutanlar|"
    r"етакчилар|етакчиси|"
    # the Tajik president's receptions in Russian: "Прием министра иностранных дел ..."
    r"^при[её]м (?:министр|посл|председател|премьер|президент|заместител|генеральн|специальн|"
    r"делегаци|верховн)|"
    # the Tajik president's receptions are headlined "Қабули ..." (the ministry's "Мулоқот")
    r"қабули (?:вазир|сафир|раис|сарвазир|президент|котиб|намоянда|ҳайат|муовин|директор)|"
    r"токаев|тоқаев|tokayev|мирзиёев|mirziyoyev|жапаров|japarov|рахмон|раҳмон|rahmon|"
    # the partners' heads of state and government (a prime minister of the region is
    # neither a head of state nor a minister: his meetings are his own)
    r"путин|putin|си цзиньпин|xi jinping|эрдоган|erdoğan|erdogan|\bмоди\b|\bmodi\b|исиба|ishiba|"
    r"такаити|takaichi|лукашенко|lukashenko|пезешкиан|pezeshkian|макрон|macron|"
    r"бердымухамедов|berdimuhamedow|berdimuhamedov|"
    # a state visit is the heads of state's, whoever the headline names; so are their
    # residences
    r"государственн\w* визит|state visit|davlat tashrif|мемлекеттік сапар|сафари давлатӣ|"
    r"döwlet sapar|мамлекеттик сапар|акорд|ақорда|akorda|кўксарой|куксар|ko'ksaroy|kuksaroy|"
    r"oguzhan|огузхан|ала-арч|ala-arch)"
)


# A head of government in a headline: a prime minister, a chancellor.
_HEAD_OF_GOVERNMENT = _lowered(
    r"(?:премьер-министр|prime minister|\bpremier\b|(?<!\d)(?<!\d )\bpm\b|(?<!вице-)канцлер|"
    r"(?<!vice-)(?<!vice )chancellor(?! of the exchequer)|(?<!vitse-)kansler|"
    r"bosh vazir|бош вазир|сарвазир|premýer-ministr|"
    # the Kyrgyz government's head, the chairman of its cabinet of ministers
    r"cabinet chairman|chairman of the cabinet|председател\w* кабинета министров|"
    r"председател\w* кабмина|глав\w* кабмина|министрлер кабинетинин төрага|"
    r"министрлер кабинетінің төраға|вазирлар маҳкамаси раис|vazirlar mahkamasi rais|"
    r"раиси кабинети вазирон)"
)
# ... or after it, in the Turkic languages: "Bosh vazir oʻrinbosari", "Премьер-министрдің
# орынбасары", "Министрлер кабинетинин төрагасынын орун басары".
_DEPUTY_AFTER = _lowered(
    r"\w*\W{0,2}(?:\w+\s+)?(?:o.?rinbosar|ўринбосар|орынбасар|орун\s+басар|муовин)"
)
# A deputy's title before it: "Заместитель Председателя Кабинета Министров, Министр
# иностранных дел", "Deputy Prime Minister", "вице-премьер", "o'rinbosari".
_DEPUTY = _lowered(
    r"(?:заместител\w*|deputy|вице|vice|первый|first|o.?rinbosar\w*|орынбасар\w*|муовин\w*)\W*$"
)


# A minister in a headline: the ministers' own meeting, not their president's.
_MINISTER = _lowered(
    # (a prime minister heads a government: a head's headline, not a minister's)
    r"(?:(?<!премьер-)министр|министерск|\bмид\b|(?<!prime )minister|\bfm\b|\bfms\b|"
    r"foreign ministry|(?<!бош )(?<!сар)вазир|(?<!bosh )vazir|(?<!premýer-)(?<!premier-)ministr|"
    r"deputy prime minister|вице-премьер|заместител\w* премьер|"
    r"премьер-министр\w*\s+(?:бірінші\s+)?орынбасар|bosh vazir o[ʻ'‘]rinbosar|бош вазир ўринбосар|"
    r"муовини (?:аввали )?сарвазир|premýer-ministriniň orunbasar|"
    r"\bсім\b|\btiv\b|\bтим\b|\bdim\b|глава мид|главы мид)"
)
# An intergovernmental commission in a headline.
_COMMISSION = _lowered(
    r"(?:межправительственн\w* комисси|межправкомисси|intergovernmental commission|"
    r"hukumatlararo komissiya|ҳукуматлараро комиссия|үкіметаралық комиссия|"
    r"өкмөттөр аралык комиссия|комиссияи (?:муштараки )?байниҳукумат|hökümetara (?:topar|komissi)|"
    # the border: government delegations on delimitation meet in rounds, like a commission
    r"делимитац|демаркац|delimitation|demarcation|delimitatsiya|делимитатсия|"
    r"правительственных делегаций|government delegations|ҳайатҳои ҳукумат|"
    r"border commission|пограничн\w* комисси)"
)


# A state (or official) visit of a head of state in a headline: the visit is one event for
# its days, whatever each report of it is about (arrival, talks, signing, business forum).
_VISIT = _lowered(
    r"(?:государственн\w* визит|официальн\w* визит|state visit|official visit|"
    r"davlat tashrif|rasmiy tashrif|давлат ташриф|расмий ташриф|мемлекеттік сапар|"
    r"ресми сапар|сафари давлатӣ|сафари расмӣ|döwlet sapar|resmi sapar|мамлекеттик сапар|"
    r"расмий сапар|расмий иш сапари)"
)


# An organisation's council of foreign ministers: its ministers' gathering, not its
# leaders'.
_COUNCIL_WORDS = (
    r"\bсмид\b|совет\w* министров иностранных дел|council of foreign ministers|"
    r"foreign ministers'? council|tiv kengash|тив кенгаш|ташқи ишлар вазирлари кенгаш|"
    r"tashqi ishlar vazirlari kengash|сыртқы істер министрлер(?:і|інің)? кеңес|"
    r"тышкы иштер министрлер(?:и|инин)? кеңеш|шӯрои вазирони корҳои хориҷ|"
    r"daşary işler ministrleriniň geňeş|сім кеңес|тим кеңеш|\bcfm\b|\bшвкх\b"
)
# An organisation's foreign ministers named in a headline with it ("главы МИД СНГ",
# "SCO foreign ministers"): its council.
_ITS_MINISTERS = _lowered(
    r"(?:главы мид|глав мид|министры иностранных дел|министров иностранных дел|"
    r"foreign ministers|tashqi ishlar vazirlari|ташқи ишлар вазирлари|"
    r"сыртқы істер министрлері|тышкы иштер министрлери|вазирони корҳои хориҷӣ|"
    r"daşary işler ministrleri)"
)
# ... not when the headline is of its secretary-general, its youth, its businesspeople,
# its border services ("SCO youth leaders", "лидер ЕАЭС по росту экономики")
_NOT_ITS_SUMMIT = _lowered(
    r"(?:генеральн\w* секретар|генсек|secretary[- ]general|бош котиб|бас хатшы|"
    r"башкы катчы|котиби генералӣ|baş sekretar|молод[её]ж|youth|yoshlar|жастар|жаштар|"
    r"бизнес|business|пограни|border|chegara|лидерств|leadership|"
    # (congratulated, condoled: the addressees, not a gathering)
    r"поздрав|құттықта|куттукта|tabrik|табрик|gutla|congratulat|соболезн|condolen|телеграмм)"
)
_COUNCIL = _lowered(f"(?:{_COUNCIL_WORDS})")
# ... and its ministerial ("OTS ministerial meeting", "министерская встреча ШОС",
# "министрлер кездесуі", "vazirlar uchrashuvi"), unless a headline names another sector's
# ministers or two states' talks ("SCO energy ministerial", "ministerial talks"); a
# delegation's report of the region's gathering may name it alone (delegation_at_home)
_MINISTERIAL = _lowered(
    r"(?:\bministerial\b|министерск\w*\s+(?:встреч|заседани|совещани)|министрлер\s+кездесу|"
    r"vazirlar\s+uchrashuvi)"
)
# A foreign ministry or minister, in the region's languages.
_FOREIGN_AFFAIRS = _lowered(
    r"(?:иностранных дел|foreign (?:minist|affairs|office)|external affairs|\bмид|"
    r"внешнеполитическ|\bmfa\b|\bdim\b|tashqi ishlar|ташқи ишлар|сыртқы істер|тышкы иштер|"
    r"корҳои хориҷ|daşary işler|\bfm\b|\bсім\b|\bтив\b|\btiv\b|\bтим\b)"
)
_NOT_FOREIGN = _lowered(
    r"(?:energy|agricult|transport|touris|health|educat|financ|econom|trade|defen[cs]|cultur|"
    r"\btalks\b|энергет|сельск|транспорт|туризм|здравоохран|образован|финанс|экономич|"
    r"торгов|оборон|культур|переговор)"
)


def _its_ministers(lower: str) -> bool:
    """Whether a lower-cased headline names an organisation's foreign ministers or its
    (foreign) ministerial."""
    if _ITS_MINISTERS.search(lower):
        return True
    return bool(_MINISTERIAL.search(lower)) and not _NOT_FOREIGN.search(lower)


# The UN's conferences of the parties by their number ("COP29", "COP 16"): as the
# classifier's data names them ([gatherings] conference).
_COP = r"\b(?:cop|сор) ?-?\d{1,2}\b|\bкс-\d{1,2}\b"
# The parade in honour of Victory Day, named by the day: "парад в честь Дня Победы",
# "Gʻalaba kuniga bagʻishlangan parad", "Жеңіс күніне арналған парад", "Ýeňiş gününe
# bagyşlanan harby parad", "parade marking Victory Day" (the short names are listed beside)
_VICTORY_DAY = (
    r"парад\w*\s+(?:в\s+честь|ко)\s+дн\w*\s+победы|parade\s+(?:marking|for|on)\s+victory\s+day|"
    r"g.?alaba\s+kuniga\s+bag.?ishlangan\s+(?:harbiy\s+)?parad|"
    r"жеңіс\s+күніне\s+арналған\s+(?:әскери\s+)?парад|жеңиш\s+күнүнө\s+арналган\s+(?:аскердик\s+)?парад|"
    r"паради\s+ҳарбӣ\s+ба\s+ифтихори\s+рӯзи\s+ғалаба|ýeňiş\s+gününe\s+bagyşlanan\s+(?:harby\s+)?parad"
)
# A summit in a headline: "Türkmenistanyň Prezidenti Awazadaky sammitde çykyş etdi".
_SUMMIT = _lowered(
    r"(?:саммит|summit|sammit|консультатив|consultative|konsultati|"
    # the Victory Day parade, to which the host invites the leaders as to a summit
    r"парад\w*\s+победы|victory(?:\s+day)?\s+parade|g.?alaba\s+parad|ғалаба\s+парад|"
    r"жеңіс\s+(?:парад|шеру)|жеңиш\s+парад|паради\s+ғалаба|ýeňiş\s+parad|"
    + _VICTORY_DAY
    + r"|"
    + _COP
    + r"|"
    # the UN's conferences of the parties by their number ("COP29", "COP 16")
    r"вохӯрии машваратӣ|мулоқоти машваратӣ|maslahat uchrashuv|маслаҳат учрашув|"
    # an organisation's summit by its formal name: the council of its heads of state
    r"совет\w* глав государств|council of heads of state|шӯрои сарони давлат|"
    r"davlat rahbarlari kengash|давлат раҳбарлари кенгаш|мемлекет басшылары кеңес|"
    r"мамлекет башчыларынын кеңеш|мамлекет башчылар кеңеш|döwlet baştutanlarynyň geňeş|"
    # the heads of state's meeting in Tajik ("нишасти ғайрирасмии сарони давлатҳои ИДМ"),
    # and the informal meetings of an organisation's leaders in every language
    r"сарони давлатҳо|встреч\w* глав государств|meeting of (?:the )?heads of state|"
    # the CSTO's summit: the session of its Collective Security Council
    r"совет\w* коллективной безопасности|collective security council|"
    r"шӯрои амнияти дастаҷамъӣ|kollektiv xavfsizlik kengash|ұжымдық қауіпсіздік кеңес|"
    r"жамааттык коопсуздук кеңеш|"
    # the EAEU's summit: its Supreme Council
    r"высш\w* евразийск\w* экономическ\w* совет|supreme eurasian economic council|"
    r"жоғары еуразиялық экономикалық кеңес|жогорку евразиялык экономикалык кеңеш|"
    r"oliy yevroosiyo iqtisodiy kengash|шӯрои олии иқтисодии авруосиё|"
    r"неформальн\w* встреч|informal meeting|norasmiy uchrashuv|норасмий учрашув|"
    r"бейресми кездесу|расмий эмес жолугуш|вохӯрии ғайрирасмӣ|resmi däl duşuşyk|"
    + _COUNCIL_WORDS
    + r")"
    # and its council of foreign ministers, the organisation's other gathering
)


@lru_cache(maxsize=1 << 15)
def sidelines(title: str) -> bool:
    """Whether a headline reports a meeting on a gathering's sidelines (the classifier's
    sidelines words, storage/relevance.toml)."""
    return default_classifier().on_the_sidelines(title)


# The leaders, in the region's languages: "лидеры СНГ", "SCO leaders", "ШҲТ етакчилари".
_LEADERS = _lowered(
    r"(?:\bлидер(?:ы|ов|ам|ами|ах)\b|\bleaders\b|davlat rahbarlar\w*|давлат раҳбарлар\w*|"
    r"главы государств|глав государств|heads of state|мемлекет басшылары|мамлекет башчылары|"
    r"döwlet baştutanlary|"
    r"етакчилар\w*|yetakchilar\w*|басшылар\w*|көшбасшылар\w*|башчылар\w*|лидерлер\w*|"
    r"пешвоён|baştutanlar\w*|liderler\w*|"
    # an organisation's heads of government, whose council is its other leaders' gathering
    # ("заседание глав правительств ШОС", "ShHT hukumat rahbarlari kengashi", "Шӯрои
    # сарони ҳукуматҳои СҲШ"): the Kazakh and Kyrgyz words are among the leaders' above
    r"глав\w* правительств|heads of government|hukumat rahbarlar\w*|ҳукумат раҳбарлар\w*|"
    r"сарони ҳукумат\w*|hökümet baştutanlar\w*)"
)


@lru_cache(maxsize=1 << 15)
def summit(title: str) -> bool:
    """Whether a headline names a summit, or an organisation's leaders, heads of
    government or foreign ministers ("Что обсуждали лидеры СНГ в Москве", "SCO heads of
    government meet in Islamabad", "В Душанбе собрались главы МИД СНГ": the ministers'
    is its council)."""
    lower = _lower(title)
    if _SUMMIT.search(lower):
        return True
    if not (_LEADERS.search(lower) or _its_ministers(lower)):
        return False
    if _NOT_ITS_SUMMIT.search(lower):
        return False
    return bool(default_classifier().title_organisations(title))


@lru_cache(maxsize=1 << 15)
def council(title: str) -> bool:
    """Whether a headline names an organisation's council of foreign ministers (a summit
    of its ministers, not of its leaders)."""
    lower = _lower(title)
    if _COUNCIL.search(lower):
        return True
    if not _its_ministers(lower) or _NOT_ITS_SUMMIT.search(lower):
        return False
    return bool(default_classifier().title_organisations(title))


@lru_cache(maxsize=1 << 15)
def state_visit(title: str) -> bool:
    """Whether a headline reports a head of state's or government's state or official
    visit (a prime minister's, a chancellor's; not a deputy's)."""
    lower = _lower(title)
    if not _VISIT.search(lower):
        return False
    return head_of_state(title) or (_government_headline(title) and not minister(title))


@lru_cache(maxsize=1 << 15)
def head_first(lead: str) -> bool:
    """Whether a first sentence tells a head of state's reception: one named in its first
    60 characters, before any minister, not as its framing ("по поручению Президента",
    "в рамках визита Президента"), and a verb of receiving after him, with no minister
    between the two in Russian and English, where the object follows the verb ("Асосгузори
    сулҳу ... Пешвои миллат ... Эмомалӣ Раҳмон ... Вазири корҳои хориҷии Туркманистонро ба
    ҳузур пазируфтанд", "Президент ... принял министра")."""
    lower = _lower(lead)  # (as long as the lead: the positions are the lead's)
    head = _HEAD_OF_STATE.search(lower)
    if head is None or head.start() >= 60 or _FRAMING.search(lower[: head.end() + 40]):
        return False
    other = _MINISTER.search(lower)
    if other is not None and other.start() < head.start():
        return False
    verb = _RECEIVED_AFTER_SUBJECT.search(lower, head.end())
    if verb is not None:
        return other is None or not head.end() <= other.start() < verb.start()
    return bool(_RECEIVED_AT_END.search(lower, head.end()))


# A reception, in the region's languages: the verb after its subject and before its
# object ("принял", "received"), or at the end of the sentence ("қабул карданд", "qabul
# qildi", "қабылдады", "кабыл алды", "kabul etdi"); not "принял участие", took part.
_RECEIVED_AFTER_SUBJECT = _lowered(
    r"(?:принял(?!\w| участи)|принимает(?! участи)|\breceived\b|\breceives\b)"
)
_RECEIVED_AT_END = _lowered(
    r"(?:қабул кард|qabul qil|қабул қил|қабылдады|кабыл алды|kabul etdi|kabul edip|"
    r"пазируфт|ба ҳузур)"
)
# A head of state named as the framing of another's act: on his instructions, within his
# visit, ahead of it.
_FRAMING = _lowered(
    r"(?:по поручению|во исполнение|в рамках|накануне|в преддверии|instructions? of|"
    r"on behalf of|ahead of|on the eve of|topshirig|топшириғ|тапсырма|супориш|doirasida|"
    r"доирасида|аясында|шеңберінде|алкагында|дар доираи|çäklerinde)"
)


@lru_cache(maxsize=1 << 15)
def minister(title: str) -> bool:
    """Whether a headline has a minister acting."""
    return bool(_MINISTER.search(_lower(title)))


@lru_cache(maxsize=1 << 15)
def commission(title: str) -> bool:
    """Whether a headline names an intergovernmental commission."""
    return bool(_COMMISSION.search(_lower(title)))


@lru_cache(maxsize=1 << 15)
def head_of_state(title: str) -> bool:
    """Whether a headline has a head of state acting (not ministers' preparing a meeting
    "на высшем уровне", at the highest level: "Главы МИД обсудили подготовку к встрече на
    высшем уровне")."""
    lower = _lower(title)
    found = _HEAD_OF_STATE.findall(lower)
    if found and all(f == "на высшем уровне" for f in found):
        # (the meeting prepared: "Саидов и Лавров обсудили подготовку к контактам на
        # высшем уровне" is the ministers')
        return not (_MINISTER.search(lower) or "подготовк" in lower)
    return bool(found)


def similarity(a: Any, b: Any) -> tuple[float, float]:
    """(containment of the smaller in the larger, Jaccard) of two shingle sets, given as
    sets or as :func:`shingle_hashes` arrays."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        common = int(np.intersect1d(a, b, assume_unique=True).size)
    else:
        common = len(set(a) & set(b))
    return common / min(len(a), len(b)), common / (len(a) + len(b) - common)


@dataclass(frozen=True, slots=True)
class Decision:
    same: bool
    reason: str
    # how sure a link is: stories are grouped strongest links first (storage/stories.py)
    strength: float = 0.0

    @property
    def support(self) -> bool:
        """Not one event by the pair alone, but a sign of one (a ``SUPPORT`` link):
        storage/stories.py counts such signs against whole stories."""
        return not self.same and self.strength > 0


# Link strengths, strongest first.
COPY, VERSIONS, EVIDENCE, GATHERING, HUB = 3.0, 2.5, 2.0, 1.5, 1.0
# Below HUB: not a link of one event, a sign counted against a whole story (_supports).
SUPPORT = 0.5
# One source's language versions of one release: published within minutes (the Kazakh
# MFA's kk/ru/en versions carry the same second); later ones need the parties to agree.
SAME_RELEASE = timedelta(minutes=15)
VERSIONS_WINDOW = timedelta(hours=3)


def regional_and_bilateral(a: Iterable[str], b: Iterable[str]) -> bool:
    """One names two or more parties and the other a gathering of the region with two
    Central Asian states more: the summit and a bilateral on its sidelines, never one
    event (states a report merely mentions, Afghanistan in a talk on water, are no
    gathering)."""
    small, large = sorted((set(a), set(b)), key=len)
    return len(small) >= 2 and len((large - small) & CENTRAL_ASIA) >= 2


def parties_clash(a: Iterable[str], b: Iterable[str]) -> bool:
    """Each names a party the other does not: two meetings from one template (the
    minister's morning and afternoon audiences; Kazakh-Chinese and Uzbek-Chinese talks on
    one day). One naming more parties than the other is no clash (a fuller version)."""
    a, b = set(a), set(b)
    return bool(a - b) and bool(b - a)


def same_story(a: Mapping[str, Any], b: Mapping[str, Any]) -> Decision:
    """Decide whether two articles report the same event. Symmetric, and a function of
    the two articles alone, so the stories of a set of articles do not depend on the
    order they arrive in (storage/stories.py groups the links).

    The rules are tried in order, each stage a function of the pair: what rules a pair
    out at once, copies, one release's versions, whether the parties fit; then, with the
    facts weighed (numbers, names), the head-of-state guard, the meetings known by their
    kind (a commission, a state visit), the facts, and the reports of the same hours.

    Args:
        a, b: ``published`` (aware datetime), ``language``, ``source``, ``countries``
            (parties), ``acronyms``, ``shingles`` (of title and body), ``numbers`` and
            ``names``.

    Returns:
        The decision, a one-line reason (``story_reason``) and the link's strength.
    """
    pair = _Pair.of(a, b)
    for stage in (_ruled_out, _copied, _released, _parties_fit):
        decision = stage(pair)
        if decision is not None:
            return decision
    pair.weigh()
    for stage in (_head_guard, _known_meetings, _facts, _same_hours):
        decision = stage(pair)
        if decision is not None:
            return decision
    announced = _announced(pair) or _recalled(pair) or _round_of_talks(pair)
    if announced is not None:
        return announced
    supported = _supports(pair)
    if supported is not None:
        return supported
    if pair.nums_a or pair.nums_b or pair.people:
        return Decision(
            False, f"{len(pair.shared)} numbers, {len(pair.people)} names shared: too few"
        )
    return Decision(False, "nothing to confirm one event")


@dataclass(slots=True)
class _Pair:
    """Two articles being compared, and what the stages of :func:`same_story` work out
    about them on the way."""

    a: Mapping[str, Any]
    b: Mapping[str, Any]
    gap: timedelta
    parties_a: set[str]
    parties_b: set[str]
    one_language: bool
    versions: bool = False
    subset: bool = False
    to_the_day: bool = False
    nums_a: set[str] = field(default_factory=set)
    nums_b: set[str] = field(default_factory=set)
    shared: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)
    overlap: float = 1.0
    unsure: bool = False
    weighed: bool = False

    @classmethod
    def of(cls, a: Mapping[str, Any], b: Mapping[str, Any]) -> _Pair:
        one_language = (
            a.get("language") == b.get("language") or not a.get("language") or not b.get("language")
        )
        pair = cls(
            a,
            b,
            abs(a["published"] - b["published"]),
            set(a.get("countries") or ()),
            set(b.get("countries") or ()),
            one_language,
        )
        pair.versions = a.get("source") == b.get("source") and not one_language
        pair.subset = pair.parties_a <= pair.parties_b or pair.parties_b <= pair.parties_a
        # pages dated to the day carry one time for all the day's posts: minutes apart
        # says nothing of one release then, and its versions must name the same parties
        pair.to_the_day = a.get("precision") == "day" or b.get("precision") == "day"
        return pair

    @property
    def two(self) -> bool:
        """Exactly the same two parties."""
        return len(self.parties_a) == 2 and self.parties_a == self.parties_b

    def weigh(self) -> None:
        """The facts both state: numbers (not the dateline's, not one-digit ones, which
        are in every text on a relationship) and names. Once for a pair."""
        if self.weighed:
            return
        self.weighed = True
        a, b = self.a, self.b
        noise = _date_numbers(a["published"]) | _date_numbers(b["published"])
        self.nums_a = {n for n in a["numbers"] if n not in noise and len(n) > 1}
        self.nums_b = {n for n in b["numbers"] if n not in noise and len(n) > 1}
        self.shared = self.nums_a & self.nums_b
        # a case ending adds a consonant (Фидан-ом, Кулубаев-ым): stems of three consonants
        self.people = {n[:3] for n in a["names"]} & {n[:3] for n in b["names"]}
        if self.nums_a and self.nums_b:
            self.overlap = len(self.shared) / min(len(self.nums_a), len(self.nums_b))


def _ruled_out(pair: _Pair) -> Decision | None:
    """An organisation's summit (its members' reports name different leaders), an
    international gathering in its host's city (each delegation's report names its own
    state), else what rules a pair out at once: other parties, other organisations,
    time."""
    a, b = pair.a, pair.b
    if _ministers_and_heads(a, b) or _ministers_and_heads(b, a):
        return Decision(False, "the ministers' gathering and their heads' summit")
    if _at_the_organisations_summit(a, b, pair.parties_a, pair.parties_b, pair.gap):
        return Decision(True, "one summit of an organisation, its members' reports", GATHERING)
    if _one_hosted_gathering(pair):
        return Decision(True, "one international gathering in its host's city", GATHERING)
    if _one_world_gathering(pair):
        return Decision(True, "one UN gathering of the world's states, its days", GATHERING)
    if parties_clash(pair.parties_a, pair.parties_b):
        return Decision(False, "different foreign parties")
    if pair.one_language and parties_clash(a["acronyms"], b["acronyms"]):
        return Decision(False, "different organisations in the titles")
    if parties_clash(a.get("organisations") or (), b.get("organisations") or ()):
        # in any language: the UN centre's meeting and the Turkic states' council that day
        return Decision(False, "different organisations in the titles")
    if pair.one_language and pair.gap > COPY_WINDOW:
        return Decision(False, f"{pair.gap.days} days apart")
    return None


# The words for a gathering (storage/relevance.toml, [gatherings]) as one expression, to
# rule out most openings before the classifier reads them.
_GATHERING = _lowered(
    r"(?:конферен|конфронс|conferen|konferens|форум|forum|конгресс|congress|kongress|" + _COP + r"|"
    r"саммит|summit|sammit|"
    r"съезд|maslahat|"
    # the Victory Day parade, hosted like a summit ([gatherings] summit): not any parade,
    # nor "paradigm"
    r"парад\w*\s+победы|victory(?:\s+day)?\s+parade|g.?alaba\s+parad|ғалаба\s+парад|"
    r"жеңіс\s+(?:парад|шеру)|жеңиш\s+парад|паради\s+ғалаба|ýeňiş\s+parad|" + _VICTORY_DAY + r")"
)


_FORUM = _lowered(r"форум|forum")
_CONFERENCE = _lowered(r"конферен|конфронс|conferen|konferens")
# a press conference, a video conference: no gathering
_NO_CONFERENCE = _lowered(r"пресс|press|брифинг|видео|video|онлайн|online|matbuot|баспасөз")


def _forum_kind(headline: str) -> str | None:
    """A forum or a conference a headline names, by its kind (not a press or a video
    conference)."""
    text = _lower(headline)
    if _FORUM.search(text):
        return "forum"
    if _CONFERENCE.search(text) and not _NO_CONFERENCE.search(text):
        return "conference"
    return None


@lru_cache(maxsize=1 << 14)
def hosted(opening: str) -> str | None:
    """The international gathering (a conference, a forum, a congress, a summit abroad)
    whose report an opening (headline, newline, body) is, by the headline or the first
    sentence, as its host state and kind: "UNRCCA at the Dushanbe Water Conference" is
    "TJ conference"; else None."""
    if not _GATHERING.search(_lower(opening)):
        return None
    title, _, lead = opening.partition("\n")  # (the lead already without its dateline)
    found = default_classifier().hosted(title, first_sentence(lead))
    second = _second_sentence(lead)
    if found is None and default_classifier().trip_or_speech(title) and not announcing_text(second):
        # a headline of a trip or a speech, its gathering named in the second sentence
        # ("Rahmon in Seoul calls for Korean investment. Speaking at the first Central
        # Asia – Korea Summit ..."; not one to come: "On Monday he will attend ...")
        found = default_classifier().hosted(title, second)
    if found is None or not found.endswith(" summit"):
        return found
    # a summit is a conference when held abroad ("COP29 саммитида", "CIS summit in
    # Moscow": each delegation's report names its own state and the host); in the
    # region's capitals the five meet in formats of their own, two summits in one city on
    # two days (the consultative meeting, then the five and a partner), told apart by the
    # other rules
    state = found.split()[0]
    return None if state in CENTRAL_ASIA else f"{state} conference"


def _second_sentence(text: str) -> str:
    """A text's second sentence (after its first full stop and space), or ""."""
    first = first_sentence(text)
    return "" if first == text else first_sentence(text[len(first) + 1 :])


def first_sentence(text: str) -> str:
    """A text's first sentence (to its first full stop and space; not an initial's: "С.
    Бердымухамедов", "Ш. Мирзиёев")."""
    end = text.find(". ")
    while end > 0 and text[end - 1].isupper() and (end == 1 or not text[end - 2].isalnum()):
        end = text.find(". ", end + 2)
    return text if end < 0 else text[: end + 1]


def _one_hosted_gathering(pair: _Pair) -> bool:
    """Two reports of one international gathering in its host's city, within its days
    (VISIT_WINDOW): both name a conference, a forum or a congress in the same state's
    city, and that state is a party of each (the host's report names it alone, each
    delegation's its own state and the host) or they share a party outside the region
    (the gathering's topic: Afghanistan); neither headline a meeting of two (a bilateral
    held there) nor of a gathering's sidelines."""
    a, b = pair.a, pair.b
    if pair.gap > VISIT_WINDOW:
        return False
    host = hosted(_opening(a))
    if host is None or host != hosted(_opening(b)):
        return False  # (the same kind too: a conference, then a forum in the same capital)
    # (the host is a party of each, or a party the two share is, the gathering's topic: a
    # conference on Afghanistan in Ashgabat, each delegation's report naming its own state
    # and Afghanistan)
    state = host.split()[0]
    if not (state in pair.parties_a and state in pair.parties_b):
        # (or a party the two share outside the region, the gathering's topic, the same
        # day: two conferences in one capital in two days may share Afghanistan; or the
        # region's leaders arriving for it, named all, and a delegation's own report)
        topic = (pair.parties_a & pair.parties_b) - CENTRAL_ASIA
        if not (topic or _delegations_named(pair, state)) or pair.gap > GATHERING_WINDOW:
            return False
    if any(
        x.get("head") and x.get("event_type") == "meeting" and not x.get("summit") for x in (a, b)
    ):
        # (the head of state's reception of a guest who came for it; not his speech at the
        # summit, "Суханронии Президенти ... дар ҳамоиши COP29", typed a meeting)
        return False
    if set(a.get("members") or ()) != set(b.get("members") or ()):
        # (two organisations' summits in one city on two days, the EAEU's and the CIS's
        # in St Petersburg; nor one of them and a report naming none, which would join
        # them: an organisation's reports are judged as its summit's)
        return False
    return not (a.get("two") or b.get("two") or a.get("sidelines") or b.get("sidelines"))


# "COP31", "COP 29", "КС-29", "СОР29" in Cyrillic letters, and by its ordinal ("31-й
# Конференции сторон", "the 31st Conference of the Parties", "Тараптар конференциясының
# 29-сессиясы", "Tomonlar konferensiyasining 29-sessiyasi")
_COP_NUMBER = re.compile(
    r"\b(?:cop|сор) ?-?(\d{1,2})\b|\bкс-(\d{1,2})\b|"
    r"\b(\d{1,2})(?:-?[а-яa-z]{1,3})?\s+(?:сесси\w*\s+)?(?:конференци\w*\s+сторон|"
    r"conference\s+of\s+the\s+parties)|"
    r"(?:тараптар\s+конференциясының|tomonlar\s+konferensiyasining|томонлар\s+конференциясининг)"
    r"\s+(\d{1,2})|(?:тараптарының|tomonlarining|томонларининг)\s+(\d{1,2})"
)
# The General Assembly by its English acronym, in capitals (the Uzbek "unga", to him, is
# not): "Tokayev addresses UNGA".
_UNGA = re.compile(r"\bUNGA\b")


# The UN General Assembly, where each head of state speaks in its general debate in one
# week of September: by its name or its general debate in the region's languages, or "the
# UN's rostrum" ("Тоқаев БҰҰ мінберінен", "Мирзиёев БМТ минбаридан")
_GENERAL_ASSEMBLY = _lowered(
    r"генеральн\w*\s+ассамбле|генассамбле|\bга\s+оон\b|общи\w*\s+дебат|general\s+assembly|"
    r"\bunga[- ]?\d{2}\b|general\s+debate|бас\s+ассамблея|башкы\s+ассамблея|bosh\s+assambleya|"
    r"бош\s+ассамблея|маҷмаи\s+умумии|baş\s+assambleýa|жалпы\s+(?:дебат|талкуу)|"
    r"umumiy\s+munozara|умумий\s+мунозара|ассамблеяи\s+генерал|"
    r"(?:оон|бұұ|буу\w*|бмт|bmt|bmg\w*)\s+(?:мінбер|минбар|трибун|minbar)|трибун\w*\s+оон"
)


@lru_cache(maxsize=1 << 12)  # (openings of the days searched: the recent ones)
def world_gathering(opening: str) -> str | None:
    """The UN gathering of the world's states whose report an opening (headline, newline,
    body) is, by the headline or the first sentence, wherever it is held: the climate
    conference by its number ("cop31"), or the General Assembly ("unga", its general
    debate); else None, and None when either names it as where a meeting was held ("on
    the sidelines of COP31")."""
    title, _, lead = opening.partition("\n")
    lead = first_sentence(lead)
    text = _lower(f"{title}\n{lead}")
    found = _COP_NUMBER.search(text)
    if found is not None:
        key = f"cop{next(g for g in found.groups() if g)}"
    elif _GENERAL_ASSEMBLY.search(text) or _UNGA.search(f"{title}\n{lead}"):
        key = "unga"
    else:
        return None
    return None if sidelines(title) or sidelines(lead) else key


@lru_cache(maxsize=1 << 12)  # (openings of the days searched: the recent ones)
def formats_in(opening: str) -> frozenset[str]:
    """The organisations and formats an opening's headline and first sentence name."""
    title, _, lead = opening.partition("\n")
    return default_classifier().formats_named(f"{title}\n{first_sentence(lead)}")


# A meeting with someone, a bilateral: "встретился с", "met with", "двусторонн",
# "bilan uchrashdi", "менен жолукту", "бо ... вохӯрд", "bilen duşuşdy".
_MET_WITH = _lowered(
    r"встретил\w*\s+с|встреч\w*\s+с\s|met\s+with|meets?\s|bilateral|двусторонн|"
    r"bilan\s+uchrash|билан\s+учраш|менен\s+жолуг|мен\s+кездес|пен\s+кездес|бен\s+кездес|"
    r"вохӯрд|мулоқот\s+бо|bilen\s+duşuş|ikki\s+tomonlama|екіжақты|эки\s+тараптуу|дуҷониба|"
    # talks with someone: "провёл переговоры с", "talks with", "bilan muzokara"
    r"переговор\w*\s+с\s|talks\s+with|bilan\s+muzokara|билан\s+музокара|"
    r"[пмб][еа]н\s+келіссөз|менен\s+сүйлөшүү|bilen\s+gepleşik"
)


@lru_cache(maxsize=1 << 12)  # (openings of the days searched: the recent ones)
def delegation_at_home(
    opening: str, parties: frozenset[str], home: str | None = None
) -> str | None:
    """The gathering of the region held in one of its states' cities that a delegation's
    report is of: exactly two parties, one of them the region's state whose city the
    headline or first sentence names (the host), and the headline or first sentence
    naming the region or a summit there, no meeting with someone nor its sidelines
    ("Вазири корҳои хориҷӣ дар Ашқобод": "... дар ҷаласаи Шӯрои вазирони корҳои хориҷӣ
    дар шаҳри Ашқобод суханронӣ кард"; not "встретился с коллегами"): "TM gathering",
    followed by the organisations and format partners it names; else None."""
    if len(parties) != 2:
        return None
    title, _, lead = opening.partition("\n")
    first = f"{title}\n{first_sentence(lead)}"
    hosts = _places(first) & parties & CENTRAL_ASIA
    if len(hosts) != 1 or sidelines(title) or sidelines(first_sentence(lead)):
        return None
    titled = default_classifier().title_states(title)
    if len(titled) >= 2 or (home in parties and set(titled) == parties - {home}):
        # (a headline of the two: their meeting there; or an official source's naming
        # the other alone, "Встреча с Президентом Туркменистана")
        return None
    text = _lower(first)
    if default_classifier().trip_or_speech(title) and not announcing_text(text):
        # (an arrival whose second sentence names what it was made for: "Делегация
        # прибыла в Ашхабад. ... примет участие в министерской встрече")
        text = f"{text}\n{_lower(_second_sentence(lead))}"
    if not (
        default_classifier().names_the_region(text)
        or summit(title)
        or _SUMMIT.search(text)
        or _MINISTERIAL.search(text)
    ):
        return None
    if _MET_WITH.search(text):
        return None  # (a meeting with someone there, "в ходе саммита встретился с ...")
    # (by the organisation or format it names: the CIS summit and the Central Asia –
    # Russia summit in one city on consecutive days are two)
    named = "+".join(sorted(formats_in(opening)))
    return f"{next(iter(hosts))} gathering {named}".rstrip()


def _world_gathering(features: Mapping[str, Any]) -> str | None:
    return world_gathering(_opening(features))


def _one_world_gathering(pair: _Pair) -> bool:
    """Two reports of one UN gathering of the world's states (the climate conference by
    its number, the General Assembly's debate) within its days, wherever it is held (a
    city the data may not know: each leader's report names only his own state); neither
    a meeting of two held there (a headline of two, of the sidelines, or a head of
    state's meeting whose headline is no speech nor trip), nor a minister's report
    beside his head of state's."""
    a, b = pair.a, pair.b
    if pair.gap > VISIT_WINDOW:
        return False
    key = _world_gathering(a)
    if key is None or key != _world_gathering(b):
        return False
    if len((pair.parties_a | pair.parties_b) - CENTRAL_ASIA) > 1:
        # (each delegation's report names its own state, and maybe the host or its topic:
        # not two partners, a call with one and a visit to the other)
        return False
    if bool(a.get("head")) != bool(b.get("head")) or (key == "unga" and not a.get("head")):
        # (the General Assembly: the heads of state's debate; ministers speak there
        # through the year)
        return False
    if key == "unga" and any(
        x.get("summit") and world_gathering(f"{_headline(x)}\n") is None for x in (a, b)
    ):
        # (a summit its headline names, held within the General Assembly's week: the
        # C5+1 summit in New York)
        return False
    return not any(
        x.get("two")
        or x.get("sidelines")
        or (
            x.get("head")
            and x.get("event_type") == "meeting"
            and not (x.get("summit") or x.get("going"))
        )
        for x in (a, b)
    )


def _delegations_named(pair: _Pair, host: str) -> bool:
    """Whether one report names three or more states at a gathering abroad, its host not
    among them ("Central Asian leaders arrive in Baku for COP29"), and the other names
    some of them beside the host (a delegation's own report, "Mirziyoyev COP29
    sammitida")."""
    return any(
        host not in mine and len(mine) >= 3 and host in theirs and theirs - {host} <= mine
        for mine, theirs in (
            (pair.parties_a, pair.parties_b),
            (pair.parties_b, pair.parties_a),
        )
    )


def _gathering_and_bilateral(a: Mapping[str, Any], b: Mapping[str, Any], pair: _Pair) -> bool:
    """``a`` reports an organisation's summit or council (its members known), ``b`` a
    meeting of two states that names no gathering ("Мұрат Нұртлеу Бішкекте Жээнбек
    Кулубаевпен кездесті" the day of the SCO ministers' council in Bishkek)."""
    parties = pair.parties_b if b is pair.b else pair.parties_a
    # a meeting, or a headline naming the two ("Japarov, Erdoğan discuss trade")
    two = b.get("event_type") == "meeting" or bool(b.get("two"))
    return bool(a.get("members")) and two and not b.get("summit") and len(parties) == 2


# Above this containment a text is a reprint whatever it names; below, a shared template.
_REPRINT = 0.6


def _copied(pair: _Pair) -> Decision | None:
    """One text in one language (a reprint, a shortened version); else, further apart
    than a day, not one event. An agency's own rewrite is judged as a translation."""
    a, b = pair.a, pair.b
    if pair.one_language and min(len(a["shingles"]), len(b["shingles"])) >= MIN_SHINGLES:
        containment, jaccard = similarity(a["shingles"], b["shingles"])
        # (one template's text: the guest's arrival in Astana, then in Tashkent; the
        # ministers' council of the five and two of them meeting there)
        # (a shortened reprint's new lead may name one state more or less: not a template;
        # the guest's arrivals in two capitals name them in the headlines, read always,
        # and in the openings, read more than 12 hours apart: a reprint comes within hours
        # and most near copies are reprints)
        template = (
            containment < _REPRINT
            and pair.parties_a != pair.parties_b
            and (
                (
                    regional_and_bilateral(pair.parties_a, pair.parties_b)
                    and bool(a.get("two") or b.get("two"))
                )
                or _places_clash(a, b, headlines=True)
                or (pair.gap > GATHERING_WINDOW and _places_clash(a, b))
            )
        )
        if containment >= CONTAINMENT and not template:
            return Decision(
                True, f"copy: containment {containment:.2f}, jaccard {jaccard:.2f}", COPY
            )
    if pair.gap > TRANSLATION_WINDOW:
        return (
            _announced(pair)
            or _recalled(pair)
            or _visit_days(pair)
            or _round_of_talks(pair)
            or _supports(pair)
            or Decision(False, "reports of one event are published within hours")
        )
    return None


_DIGITS = re.compile(r"\d+")
_RELEASE_NUMBER = re.compile(r"\d{3,}")


@lru_cache(maxsize=1 << 14)
def _release_key(canonical: str) -> str:
    return without_language(canonical)


def _one_release(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool | None:
    """Whether two pages of one site are one release by their addresses: True when they
    differ only in the language they name (``/ru/news/5876``, ``/tk/news/5876``); False
    when they differ only in the release's number (``/en/news/5876``, ``/tk/news/5877``:
    the site numbers a release once, and these are two); else None (a site numbering each
    language's page apart, slugs in each language)."""
    url_a, url_b = a.get("canonical_url"), b.get("canonical_url")
    if not url_a or not url_b:
        return None
    key_a, key_b = _release_key(url_a), _release_key(url_b)
    if key_a == key_b:
        return True
    numbered = _RELEASE_NUMBER.search(key_a) and _RELEASE_NUMBER.search(key_b)
    if numbered and _DIGITS.sub("#", key_a) == _DIGITS.sub("#", key_b):
        return False
    return None


def _released(pair: _Pair) -> Decision | None:
    """One source's language versions of one release, published minutes apart (a page
    dated to the day: the same parties, and not the president's reception of a minister
    beside the ministers' talks, which the ministry posts the same day)."""
    if pair.versions and _one_release(pair.a, pair.b) is True:
        return Decision(True, "one source's language versions, one release number", VERSIONS)
    # (versions translate one headline: a president in one is a president in all; on a
    # page dated to the day, a release numbered apart is another release)
    same_voice = pair.a.get("head") == pair.b.get("head")
    fits = (
        pair.parties_a == pair.parties_b
        and same_voice
        and _one_release(pair.a, pair.b) is not False
        if pair.to_the_day
        else pair.subset
    )
    if pair.versions and pair.gap <= SAME_RELEASE and fits:
        return Decision(True, "one source's language versions, minutes apart", VERSIONS)
    return None


def _parties_fit(pair: _Pair) -> Decision | None:
    """Reports of one event name its parties, some or all; a gathering's report and a
    bilateral's are two events, except one state's own report of the summit."""
    a, b = pair.a, pair.b
    if _gathering_and_bilateral(a, b, pair) or _gathering_and_bilateral(b, a, pair):
        return Decision(False, "an organisation's gathering and a meeting of two held there")
    if not pair.parties_a or not pair.parties_b or not pair.subset:
        return Decision(False, "different parties")
    if len(pair.parties_a ^ pair.parties_b) > 1:
        if _one_at_the_summit(pair.a, pair.b, pair.parties_a, pair.parties_b, pair.gap):
            return Decision(True, "one state's report of the summit it attended", HUB)
        if _delegation_and_its_gathering(pair):
            return Decision(
                True, "a delegation's report of the region's gathering in its city", HUB
            )
        if _at_a_summit_that_day(pair):
            # ("Президент саммитте сөз сөйледі", the president's channel, naming no place)
            return Decision(False, "one state's report of a summit that day: a sign", SUPPORT)
        return Decision(False, "a regional text and a bilateral one")
    return None


def _head_guard(pair: _Pair) -> Decision | None:
    """The president receiving a visiting minister is another event than the ministers'
    talks that day, at a gathering too (not in one release's versions); a headline with
    neither ("12 documents signed") may be either: it needs more (``unsure``), except at
    a gathering."""
    a, b = pair.a, pair.b
    gathering = min(len(pair.parties_a), len(pair.parties_b)) >= 3
    release = pair.versions and pair.gap <= SAME_RELEASE and not pair.to_the_day
    if pair.gap > GATHERING_WINDOW and (_summit_and_ministers(a, b) or _summit_and_ministers(b, a)):
        return Decision(False, "a summit in one headline, its ministers' meeting in the other")
    if release:
        return None
    if not gathering and _government(a) != _government(b):
        # a head of government receiving the delegation, and a headline of the
        # commission's session that day: two events ("Премьер-министр Таджикистана принял
        # казахстанскую делегацию", "Заседание межправительственной комиссии")
        # (a headline naming neither, "Kazakhstan, Qatar agree ...", may be of either: the
        # minister's talks with a prime minister who is also the foreign minister)
        host, headline = (a, _headline(b)) if _government(a) else (b, _headline(a))
        other = _lower(headline)
        # (not any headline naming a minister: "Бектенов провел встречу с главой МИД
        # Венгрии" is the prime minister's meeting, named by his name)
        if (
            _COMMISSION.search(other)
            # (the delegation's own arrival or talks beside his reception of it)
            or (_government_reception(_headline(host)) and _DELEGATION.search(other))
        ):
            return Decision(False, "a head of government in one headline, not in the other")
    if a.get("head") is None or a.get("head") == b.get("head"):
        return None
    if _head_and_minister(a, b):
        # (at a gathering too: the ministers meet the day before their leaders' summit;
        # a minister "takes part in the summit talks" is at the heads' event)
        return Decision(False, "a head of state in one headline, a minister in the other")
    if not gathering:
        pair.unsure = True
    return None


def _ministers_and_heads(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """``a`` the ministers' own gathering (an organisation's council of foreign ministers;
    ministers meeting "ahead of the summit", "накануне саммита"), ``b`` the heads' summit or
    a head of state's report naming no minister: two gatherings, the ministers' the day
    before (in one city, of the same members)."""
    ministers = a.get("council") or (
        a.get("minister") and a.get("summit") and a.get("sidelines") and not a.get("head")
    )
    heads = (b.get("summit") or b.get("head")) and not (b.get("council") or b.get("minister"))
    return bool(ministers and heads)


def _not_its_member(a: Mapping[str, Any], parties: set[str]) -> bool:
    """``a`` a gathering of an organisation its headline names (the OTS' foreign
    ministers), ``parties`` naming a state that is not its member (Tajikistan): two
    gatherings."""
    members = set(a.get("members") or ())
    return bool(members) and not parties <= members


def _summit_and_ministers(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """``a`` a summit's headline ("Astana Declaration of the Central Asia – Japan Summit
    adopted": a summit, no minister), ``b`` a minister's naming no summit: the ministers
    meet the day before their leaders' summit."""
    summit_ = a.get("summit") and not a.get("minister")
    ministers = b.get("minister") and not (b.get("summit") or b.get("head") or b.get("visit"))
    return bool(summit_ and ministers)


def _head_and_minister(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """One headline a head of state's, the other a minister's alone (not a minister at the
    heads' summit or state visit)."""
    if a.get("head") is None or a.get("head") == b.get("head"):
        return False
    other = b if a.get("head") else a
    # (the organisation's council of ministers is the ministers' own gathering)
    heads_summit = other.get("summit") and not other.get("council")
    at_the_heads = other.get("head") or heads_summit or other.get("visit")
    # (an intergovernmental commission's session is its co-chairs', ministers or deputy
    # prime ministers: the head of state receiving one of them, in the headline, is his
    # own event; not an analysis recalling the presidents' treaty in its opening)
    head = a if other is b else b
    received = other.get("commission") and head_of_state(_headline(head))
    return bool((other.get("minister") or received) and not at_the_heads)


def _known_meetings(pair: _Pair) -> Decision | None:
    """Meetings known by their kind: a commission's session, a head of state's visit; and
    two acts that are never one (a call and a meeting)."""
    a, b = pair.a, pair.b
    if a.get("commission") and b.get("commission") and len(pair.parties_a) == 2 and pair.subset:
        # a session of the two states' intergovernmental commission: they meet once a year
        return Decision(True, "one session of the two states' commission", GATHERING)
    if _distinct_acts(a.get("event_type"), b.get("event_type")):
        # a phone call and a meeting of the same two states the same day are two events
        return Decision(False, f"a {a.get('event_type')} and a {b.get('event_type')}")
    if pair.two and (a.get("visit") or b.get("visit")):
        # a head of state's visit is the two states' event for its days: the arrival, the
        # talks, the signing and the business forum are reported apart, rarely naming it
        return Decision(True, "one state visit: the same two states, within its days", HUB)
    commission = a.get("commission") or b.get("commission")
    if (
        pair.two
        and commission
        and pair.gap <= GATHERING_WINDOW
        and not (a.get("head") or b.get("head"))
    ):
        # the commission's session is the two governments' business of the day
        return Decision(True, "one session of the two states' commission, the same day", HUB)
    return None


def _shared_by_one_person(pair: _Pair) -> Decision | None:
    """Why the facts two reports share are one person's, not one event's: his two
    places, a format's meeting and another, a gathering and a meeting of two there, a
    summit and a leader's meeting there; else None."""
    if _places_clash(pair.a, pair.b):
        # the same guest in Astana, then in Tashkent: the names the two share are his
        return Decision(False, "places of two states in the openings")
    if pair.gap > GATHERING_WINDOW and _another_format(pair, lead=True):
        # the five's consultative meeting, and their summit with a partner the next
        # day in the same city: the leaders' names are in both
        return Decision(False, "a format's meeting with its partner and one without it")
    if any(
        hosted(_opening(x)) is not None
        # (not a head of state's reception of a guest who came for it: "Глава
        # государства принял высокого гостя", the conference in its first sentence)
        and not x.get("head")
        and not x.get("two")
        # (a headline of two, or of talks with one guest on a channel speaking for the
        # other: "Talks with Hungarian Foreign Minister")
        and (
            y.get("two")
            or (len(set(y.get("countries") or ())) == 2 and y.get("event_type") == "meeting")
        )
        and not _GATHERING.search(_lower(_headline(y)))
        for x, y in ((pair.a, pair.b), (pair.b, pair.a))
    ):
        # a minister at a conference, and his meeting of two there ("Azerbaijani FM
        # attends international conference in Ashgabat", "Джейхун Байрамов
        # встретился с Рашидом Мередовым"): the names they share are his
        return Decision(False, "a gathering in one headline, a meeting of two in the other")
    if _summit_and_meeting(pair.a, pair.b) and not any(
        x.get("two") and (x.get("summit") or _world_gathering(x)) for x in (pair.a, pair.b)
    ):
        # a leader's speech at a summit and his meeting there ("Tokayev urges climate
        # finance at COP31", "Tokayev, Guterres discuss climate agenda"): the names
        # they share are his and the city's (not a headline of the two's meeting that
        # names the summit: "Tokayev, Takaichi talk on eve of Tokyo summit")
        return Decision(False, "a summit in one headline, a leader's meeting in the other")
    return None


def _facts(pair: _Pair) -> Decision | None:
    """Facts both state: two, one of them a name (two stock figures, "10 billion by
    2030", are repeated by every text on a relationship; a report naming one state
    alone matches every event of that state: it needs three); or one person named in
    full by other sources the same day."""
    parties_a, parties_b = pair.parties_a, pair.parties_b
    needed = (2 if min(len(parties_a), len(parties_b)) >= 2 else 3) + pair.unsure
    small, large = sorted((len(parties_a), len(parties_b)))
    if small == 1 and large >= 2 and pair.gap > GATHERING_WINDOW:
        # one state alone against its meeting with another, a day apart: its minister,
        # his city, the session's number are in each of his events that week (the UN
        # General Assembly's)
        needed += 1
    # two reports of the same two states the same day naming the same two people: a
    # figure one states and the other leaves out does not make two events
    named = len(pair.people) >= 2 and parties_a == parties_b and pair.gap <= GATHERING_WINDOW
    evidence = len(pair.shared) + len(pair.people)
    if (
        evidence >= needed
        and (pair.people or len(pair.shared) >= 3)
        and (pair.overlap >= 0.5 or named)
    ):
        refused = _shared_by_one_person(pair)
        if refused is not None:
            return refused
        kind = "rewrite" if pair.one_language else "translation"
        return Decision(
            True,
            f"{kind}: parties, {len(pair.shared)} numbers and {len(pair.people)} names shared",
            EVIDENCE,
        )
    # (one state alone: and no figure of one contradicting the other's, or both headlines
    # naming the one organisation it meets: "Токаев встретился с Гутерришем", "Тоқаев
    # БҰҰ Бас хатшысымен кездесті")
    orgs = set(pair.a.get("organisations") or ())
    with_org = bool(orgs) and orgs == set(pair.b.get("organisations") or ())
    alone = len(parties_a) == 1 and (pair.overlap >= 0.5 or with_org)
    same_parties = parties_a == parties_b and (pair.two or alone)
    other_source = pair.a.get("source") != pair.b.get("source")
    if (
        same_parties
        and other_source
        and pair.gap <= GATHERING_WINDOW
        and not pair.unsure
        and _one_full_name(pair.a, pair.b)
        and not _places_clash(pair.a, pair.b)
        and not _summit_and_meeting(pair.a, pair.b)
    ):
        # the same two states the same day, and the same person (a minister's first name
        # survives where the surname is a known minister's): one meeting. Not in one
        # source's two posts: the minister's departure, then the talks.
        return Decision(True, "the same two states and the same person, hours apart", HUB)
    same_day = pair.two and other_source and pair.gap <= GATHERING_WINDOW and not pair.unsure
    if same_day and pair.shared and pair.overlap >= 0.5:
        # exactly the same two the same day, a figure in common and none contradicting:
        # the day's one meeting of the two, told in other words (a name stem of three
        # letters alone is shared by chance)
        return Decision(True, "the same two states the same day, a fact shared", HUB)
    # (talks reported as talks, or by what they agreed: not a call, credentials,
    # consultations or a congratulation, which come once a day and are told apart)
    talks = {"meeting", "agreement", "visit"}
    meetings = pair.a.get("event_type") in talks and pair.b.get("event_type") in talks
    # (figures contradict when each states two or more and they share few)
    agreeing = pair.overlap >= 0.5 or min(len(pair.nums_a), len(pair.nums_b)) <= 1
    heads = pair.a.get("head") or pair.b.get("head")
    # (nor a head of government's reception of the visiting minister that day and the
    # ministers' talks: "Cabinet Chairman Kasymaliev meets Hungarian Foreign Minister")
    governments = {_government(pair.a), _government(pair.b)}
    if not (same_day and meetings and agreeing and not heads) or len(governments) == 2:
        return None
    named = bool(pair.people or _known_people_shared(pair.a, pair.b))
    # (or the ministers' talks, one report naming nobody: "Turkmenistan, Afghanistan
    # review TAPI progress ... the Turkmen Foreign Ministry said")
    named = named or bool(
        pair.a.get("minister")
        and pair.b.get("minister")
        and not (_known_people(_opening(pair.a)) and _known_people(_opening(pair.b)))
        # (the foreign ministers' both: not the energy minister's talks that day)
        and all(_FOREIGN_AFFAIRS.search(_lower(_opening(x))) for x in (pair.a, pair.b))
    )
    if _places_clash(pair.a, pair.b):
        return None
    if not (named or _abroad_together(pair)):
        if _one_line_here(pair):
            # (places compared by their state: on a day of two events of the two in that state the
            # line joins both, docs/dedup.md)
            return Decision(True, "a channel's line naming only the city they met in", HUB)
        return None
    # exactly the same two meeting the same day in the same place, a name in common, no
    # head of state in either: one meeting, whatever figure each report adds (the
    # ministers' talks told by the ministry and by the agency; not the deputy's reception
    # of the ambassador in the capital that day, which names other people, nor the
    # energy ministers' talks in the other capital)
    return Decision(True, "one meeting of the same two states the same day", HUB)


def _government(features: Mapping[str, Any]) -> bool:
    """Whether a report's headline names a head of government (a prime minister, the
    chairman of a cabinet; not his deputy, who may be the foreign minister)."""
    return _government_headline(_headline(features))


@lru_cache(maxsize=1 << 14)
def _government_headline(title: str) -> bool:
    headline = _lower(title)
    return any(
        not _DEPUTY.search(headline[max(0, m.start() - 30) : m.start()])
        and not _DEPUTY_AFTER.match(headline[m.end() : m.end() + 30])
        for m in _HEAD_OF_GOVERNMENT.finditer(headline)
    )


@lru_cache(maxsize=1 << 14)
def _government_reception(title: str) -> bool:
    """Whether a headline tells a head of government receiving ("Премьер-министр
    Таджикистана принял казахстанскую делегацию", "Tajik PM receives Kazakh delegation";
    not a minister's talks with a prime minister, "Нұртілеу Қатар Премьер-министрімен
    келіссөз жүргізді")."""
    headline = _lower(title)
    return _government_headline(title) and any(
        _RECEIVED_AFTER_SUBJECT.search(headline, m.end())
        or _RECEIVED_AT_END.search(headline, m.end())
        for m in _HEAD_OF_GOVERNMENT.finditer(headline)
    )


# A delegation in a headline, in the region's languages.
_DELEGATION = _lowered(r"(?:делегаци|delegation|delegatsiya|делегатсия|ҳайати|wekiliýet)")


def _summit_and_meeting(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """A leader's report of a summit (its headline names it, not its sidelines; or its
    opening a UN gathering of the world's states: "прибыл в Баку для участия в COP29")
    and a leader's meeting (its headline names no summit, or its sidelines): his speech at the
    summit in Baku and his meeting with its host there ("Токаев выступил на саммите
    COP29", "Состоялась встреча с Ильхамом Алиевым", "... on COP29 sidelines") are two
    events."""
    if not (a.get("head") and b.get("head")):
        return False  # (the ministers' council "ahead of the summit" is the council)
    return any(
        (x.get("summit") or _world_gathering(x) is not None or _arrived_for_a_summit(x))
        and not x.get("sidelines")
        and (y.get("sidelines") or not y.get("summit"))
        and _world_gathering(y) is None
        and (y.get("event_type") == "meeting" or y.get("two") or y.get("sidelines"))
        for x, y in ((a, b), (b, a))
    )


def _arrived_for_a_summit(features: Mapping[str, Any]) -> bool:
    """A headline of a trip whose first sentence names the summit it was made for
    ("Садыр Жапаров Душанбеге келип жетти": "... мамлекет башчылар кеңешинин жыйынына
    катышуу үчүн")."""
    if not features.get("going"):
        return False
    return summit(first_sentence(_opening(features).partition("\n")[2]))


def _gathering_and_meeting(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """``a``'s headline names a gathering (a forum, a conference, a summit) and is no
    meeting of two; ``b``'s names none and is a meeting: two posts of one source."""
    return (
        bool(_GATHERING.search(_lower(_headline(a))))
        and not a.get("two")
        and not _GATHERING.search(_lower(_headline(b)))
        and (b.get("event_type") == "meeting" or bool(b.get("two")))
    )


def _same_hours(pair: _Pair) -> Decision | None:
    """Reports of the same hours that are one event by what they are: one source's
    versions, one call, one summit of two heads of state, one gathering of three or
    more."""
    a, b = pair.a, pair.b
    parties_a, parties_b = pair.parties_a, pair.parties_b
    # (the summit's report and a meeting on its sidelines: not "Japarov met Erdoğan" and
    # "Japarov, Erdogan discuss trade on sidelines of OTS summit", one meeting)
    sideline = bool(a.get("sidelines")) != bool(b.get("sidelines")) and any(
        x.get("summit") and not x.get("sidelines") for x in (a, b)
    )
    sideline = sideline or _summit_and_meeting(a, b)
    if (
        pair.versions
        and pair.gap <= VERSIONS_WINDOW
        and pair.overlap >= 0.5
        and not pair.to_the_day
        and parties_a == parties_b
        # (a fact or the act in common: the channel's agreement signed and, two hours
        # later, its minister's meeting in the same city are two posts)
        and (pair.people or pair.shared or a.get("event_type") == b.get("event_type"))
        # (versions translate one headline: the president's reception of the minister and
        # the ministers' signing the same morning are two; the prime minister's too)
        and bool(a.get("head")) == bool(b.get("head"))
        and _government(a) == _government(b)
        # (nor a summit's headline and a meeting's on its sidelines: "Tokayev, Aliyev meet
        # on COP29 sidelines" and, an hour later, "Токаев на COP29: ..."; nor a forum's
        # and a meeting's there: "Azerbaijani FM speaks at Astana International Forum",
        # "Джейхун Байрамов встретился с казахстанским коллегой")
        and not sideline
        and not (_gathering_and_meeting(a, b) or _gathering_and_meeting(b, a))
    ):
        return Decision(True, "one source's language versions, same parties", VERSIONS)
    act = a.get("event_type")
    same_act = act in _ONCE_A_DAY and act == b.get("event_type")
    if same_act and parties_a == parties_b and pair.gap <= GATHERING_WINDOW:
        # two calls (letters of congratulation, consultations) between the same two within
        # hours are one: the repeat comes days later
        return Decision(True, f"one {act}: the same parties, hours apart", GATHERING)
    if a.get("head") and b.get("head") and pair.two and not sideline:
        # two heads of state of the same two states within hours: one visit or summit
        # (arrival, talks, signing), not two
        return Decision(True, "one summit: the same two heads of state, hours apart", GATHERING)
    kind = _forum_kind(_headline(a))
    if (
        kind
        and pair.two
        and pair.gap <= GATHERING_WINDOW
        and kind == _forum_kind(_headline(b))
        and not (a.get("sidelines") or b.get("sidelines"))
        # (in one place: a business forum in Tashkent and a forum of regions in Turkestan
        # the same day are two)
        and not _places_clash(a, b)
    ):
        # the two states' forum (of their regions, of business) in both headlines the same
        # day: "В Уральске открылся Форум межрегионального сотрудничества", "Оралда
        # өңіраралық ынтымақтастық форумы өтіп жатыр"
        return Decision(True, f"one {kind} of the same two states, hours apart", GATHERING)
    guest = len(parties_a ^ parties_b) <= 1  # a guest's own report names the guest too
    # a summit's next-morning analyses and its leaders' departures name it: a day
    # (so is a format of the five and a partner, the same six named: met once in a year)
    format_of_five = parties_a == parties_b and len(parties_a & CENTRAL_ASIA) == 5
    window = (
        SUMMIT_WINDOW if a.get("summit") or b.get("summit") or format_of_five else GATHERING_WINDOW
    )
    if min(len(parties_a), len(parties_b)) >= 3 and guest and pair.gap <= window:
        if _another_format(pair):
            return Decision(False, "a format's meeting with its partner and one without it")
        if _not_its_member(a, parties_b) or _not_its_member(b, parties_a):
            return Decision(False, "an organisation's gathering and one of a state outside it")
        # a ministerial of the five with a partner, reported by every state's agencies
        return Decision(
            True, f"one gathering: the same {len(parties_a)} parties, hours apart", GATHERING
        )
    return None


# A report announcing what is to come, in the region's languages: "посетит", "состоится",
# "will visit", "tashrif buyuradi", "ташриф буюради", "барады", "өтеді", "өтөт",
# "мегузарад", "geçiriler"; and the planned, expected, forthcoming.
_ANNOUNCING = _lowered(
    r"(?:посетит|состоится|пройдет|пройдёт|проведут|проведет|проведёт|совершит|примет участие|"
    r"примут участие|отправится|ожидается|планируется|предстоящ|прибудет|анонс|"
    r"\bwill\b|\bto visit\b|\bto pay\b|\bto hold\b|\bto host\b|\bexpected\b|\bscheduled\b|"
    r"\bupcoming\b|\bplanned\b|"
    r"buyuradi|буюради|bo[ʻ'‘]lib o[ʻ'‘]tadi|бўлиб ўтади|o[ʻ'‘]tkaziladi|ўтказилади|"
    r"ishtirok etadi|иштирок этади|kutilmoqda|кутилмоқда|rejalashtirilgan|режалаштирилган|"
    r"барады|өтеді|өткізіледі|қатысады|күтілуде|жоспарлануда|"
    r"барат\b|өтөт|өткөрүлөт|катышат|күтүлүүдө|пландалууда|"
    r"мегузарад|баргузор мегардад|баргузор мешавад|сафар мекунад|ширкат меварзад|интизор меравад|"
    r"анҷом медиҳ|ташриф меовар|пешбинӣ шудааст|продлится|"
    r"geçiriler|gatnaşar|barar\b|garaşylýar|meýilleşdirilýär|"
    # the coming one: "kelgusi davlat tashrifi", "таяуда болатын сапар", "geljek sapar"
    r"\bforthcoming\b|kelgusi|келгуси|bo[ʻ'‘]lajak|бўлажак|bo[ʻ'‘]ladigan|бўладиган|"
    r"алдағы|таяуда|пешорӯ|geljek)"
)


def announcing(features: Mapping[str, Any]) -> bool:
    """Whether an article's headline or opening announces what is to come."""
    return announcing_text(_opening(features))


@lru_cache(maxsize=1 << 14)
def announcing_text(text: str) -> bool:
    """Whether a text announces what is to come ("посетит", "upcoming", "kelgusi")."""
    return bool(_ANNOUNCING.search(_lower(text)))


def named_days(features: Mapping[str, Any]) -> frozenset[tuple[int, int]]:
    """The days (month, day) an article's headline and opening name ("13-14 января")."""
    try:
        return features["named_days"]  # type: ignore[no-any-return]
    except KeyError:
        return days_named(_opening(features))


def announced(features: Mapping[str, Any]) -> tuple[date, ...]:
    """The days a report announces: days its headline or opening names after its own
    publication (at most COPY_WINDOW later), when its wording announces."""
    ahead = days_ahead(named_days(features), features["published"], COPY_WINDOW)
    return ahead if ahead and announcing(features) else ()


def on_a_day_of(moment: datetime, days: Iterable[date]) -> bool:
    """Whether ``moment`` is of one of ``days`` anywhere from UTC-12 to UTC+12, or the
    morning after (its reports and next-day analyses)."""
    return any(
        datetime.combine(day, time.min, UTC) - timedelta(hours=12)
        <= moment
        < datetime.combine(day, time.min, UTC) + timedelta(hours=36)
        for day in days
    )


def _announced(pair: _Pair) -> Decision | None:
    """A report announcing an event on named days ("Президент Турции 13-14 января посетит
    Казахстан", "15 января в Душанбе состоится встреча министров": its wording says what
    is to come, not a meeting that mentions the visit's days) and a report of the same
    parties (at a gathering, one more or less: a guest) on one of those days: one event,
    however many days apart they were published (at most four). Not a head of state's
    visit and a minister's meeting during it, not a summit and its ministers' meeting the
    day before, not two acts that are never one, nor a gathering and a meeting of two held
    there."""
    a, b = pair.a, pair.b
    if pair.gap > COPY_WINDOW:
        return None
    early, late = (a, b) if a["published"] <= b["published"] else (b, a)
    small, large = sorted((pair.parties_a, pair.parties_b), key=len)
    # (a guest more only at a gathering: the summit announced and a bilateral that week)
    guest = len(small) >= 3 and small <= large and len(large - small) <= 1
    if len(small) < 2 or not (small == large or guest):
        return None
    if _gathering_and_bilateral(a, b, pair) or _gathering_and_bilateral(b, a, pair):
        return None
    if _head_and_minister(a, b) or _distinct_acts(a.get("event_type"), b.get("event_type")):
        return None
    if _summit_and_ministers(a, b) or _summit_and_ministers(b, a):
        return None  # (the summit announced and its ministers' meeting the day before)
    days = announced(early)
    if not days or not on_a_day_of(late["published"], days):
        return None
    return Decision(True, "announced: the same parties on a day the earlier report named", HUB)


def _recalled(pair: _Pair) -> Decision | None:
    """A report recalling a day before its own by name ("Friday's agreement on the border
    regime", "вчера в Душанбе", not announcing) and a report of exactly the same parties
    published on that day in the region (UTC+5), up to two days and a half earlier, a name
    or a figure in common and no places of two states: one event (the next days'
    analysis). Not a head of state's against a minister's, nor two acts that are never
    one, nor a gathering (a summit) and a meeting of two held there."""
    a, b = pair.a, pair.b
    if pair.gap > VISIT_WINDOW or len(pair.parties_a) < 2 or pair.parties_a != pair.parties_b:
        return None
    early, late = (a, b) if a["published"] <= b["published"] else (b, a)
    if _head_and_minister(a, b) or _distinct_acts(a.get("event_type"), b.get("event_type")):
        return None
    if _gathering_and_bilateral(a, b, pair) or _gathering_and_bilateral(b, a, pair):
        return None
    pair.weigh()  # (past 30 hours the facts are not weighed yet)
    if not (pair.people or pair.shared) or bool(a.get("summit")) != bool(b.get("summit")):
        return None  # (a name or a figure in common; not a summit's analysis and a bilateral)
    days = days_back(_opening(late), late["published"])
    # (the region's day: UTC+5)
    if (early["published"].astimezone(UTC) + timedelta(hours=5)).date() not in days:
        return None
    if announcing(late) or _places_clash(a, b):
        return None  # (not announcing; the same place)
    return Decision(True, "recalled: the same parties on the day the later report names", HUB)


def _visit_days(pair: _Pair) -> Decision | None:
    """A head of state's state or official visit and a report of exactly the same two
    states up to two days and a half apart (VISIT_WINDOW): its departure, the forum of its
    last day, the next day's analysis ("What the Supreme Council Delivered"). Not a
    minister's headline against the head of state's, nor a call, a congratulation or
    credentials, nor new talks two days on (a parliament's delegation after the visit)."""
    a, b = pair.a, pair.b
    if pair.gap > VISIT_WINDOW or not pair.two or not (a.get("visit") or b.get("visit")):
        return None
    if _head_and_minister(a, b) or _distinct_acts(a.get("event_type"), b.get("event_type")):
        return None
    later = b if b["published"] >= a["published"] else a
    if later.get("event_type") in ("meeting", "consultations") and not later.get("visit"):
        return None  # (new talks two days on: a delegation's of its own)
    return Decision(True, "one state visit: the same two states, within its days", HUB)


# Talks, in the region's languages and English.
_TALKS = _lowered(
    r"переговор|talks|negotiat|muzokara|музокара|келіссөз|сүйлөшүү|гуфтушунид|музокирот|"
    r"gepleşik"
)
# A round of talks going on or ending, as whole words: "продолжились", "завершился раунд",
# "talks continued", "wrap up", "yakunlandi", "аяқталды", "уланды", "идома ёфт",
# "tamamlandy" (not "договорились продолжить", "о завершении делимитации", "extended").
_ROUND_GOES_ON = _lowered(
    r"\b(?:продолжил(?:ись|ся|ась|ось|и)|продолжа(?:ются|ется|ют)|продолжены|"
    r"завершил(?:ись|ся|ась|ось)|завершен[аоы]?|итоги раунда|"
    r"(?:talks|negotiations|round) (?:continue[sd]?|conclude[sd]?|end(?:s|ed)?)|"
    r"continue[sd]? (?:\w+ ){0,2}talks|concluded|wrap(?:s|ped)? up|"
    r"davom et(?:di|moqda|tirildi)|yakunlandi|yakuniga yetdi|давом эт(?:ди|моқда)|аякталды|"
    r"жалғасын тапты|идома доранд|jemlendi|"
    r"якунланди|аяқталды|жалғасты|жалғастырды|жалғасуда|аяктады|уланды|улантылды|улантышты|"
    r"уланууда|идома ёфт|"
    r"идома дорад|ба анҷом расид|анҷом ёфт|dowam etdi|dowam edýär|tamamlandy)\b"
)


def _round_of_talks(pair: _Pair) -> Decision | None:
    """Two reports of the same two states' talks (no head of state or government; both
    ministers' or neither's: delegations'), days apart within a round's days
    (VISIT_WINDOW), the later one telling them going on or ending ("Переговоры по
    границе ... завершились", "Chegara va suv boʻyicha muzokaralar yakunlandi"): one
    round. Not talks the same two hold again (no such words), nor a call, a
    congratulation or credentials."""
    a, b = pair.a, pair.b
    if pair.gap > VISIT_WINDOW or not pair.two or pair.gap <= GATHERING_WINDOW:
        return None
    if any(x.get("head") or _government(x) for x in (a, b)):
        return None
    if bool(a.get("minister")) != bool(b.get("minister")):
        return None  # (the ministers' own meeting is not their delegations' round)
    if _distinct_acts(a.get("event_type"), b.get("event_type")) or _places_clash(a, b):
        return None
    later = b if b["published"] >= a["published"] else a
    if not all(_talks_told(_opening(x))[0] for x in (a, b)):
        return None
    if not _talks_told(_opening(later))[1]:
        return None
    return Decision(True, "one round of talks: the same two delegations, its days", HUB)


@lru_cache(maxsize=1 << 12)  # (openings of the days searched: the recent ones)
def _talks_told(opening: str) -> tuple[bool, bool]:
    """Whether an opening's headline and first sentence tell talks, and tell them going
    on or ending."""
    title, _, lead = opening.partition("\n")
    text = _lower(f"{title}\n{first_sentence(lead)}")
    return bool(_TALKS.search(text)), bool(_ROUND_GOES_ON.search(text))


def _supports(pair: _Pair) -> Decision | None:
    """A report naming one state alone and a report of that state and a partner, the
    same day, sharing a figure and contradicting none (or telling a ceremony of the
    partner's head of state's visit) ("Астанада 15 құжатқа қол қойылды",
    15 documents signed in Astana, and "Kazakhstan, Türkiye sign 15 documents"): too little
    for one event (every event of that state names it, and one figure may be chance), but
    a sign of one. storage/stories.py joins such a report to the one story it shares
    figures with through several members, and to none when it does with two."""
    small, large = sorted((pair.parties_a, pair.parties_b), key=len)
    if len(small) != 1 or len(large) < 2 or not small <= large:
        return None
    if pair.gap > GATHERING_WINDOW:
        return _looks_back(pair) or _visits_ceremony(pair)
    if pair.shared and pair.overlap >= 0.5:
        return Decision(
            False, f"one state's report, {len(pair.shared)} numbers shared: a sign", SUPPORT
        )
    lone, other = (pair.a, pair.b) if pair.parties_a == small else (pair.b, pair.a)
    if (other.get("visit") or other.get("head")) and _ceremony(lone):
        # the visit's ceremony told without the guest ("Signing ceremony") the day of a
        # head of state's visit
        return Decision(False, "one state's report of a visit's ceremony: a sign", SUPPORT)
    return None


def _visits_ceremony(pair: _Pair) -> Decision | None:
    """A report naming one state alone that tells a visit's ceremony ("Высокому гостю
    рассказали ...") within the days of a head of state's state visit of that state and
    another (VISIT_WINDOW): a sign, as the same day's."""
    if pair.gap > VISIT_WINDOW:
        return None
    small = min((pair.parties_a, pair.parties_b), key=len)
    lone, other = (pair.a, pair.b) if pair.parties_a == small else (pair.b, pair.a)
    # (after the visit began: not another guest's welcome the day before)
    if other.get("visit") and lone["published"] > other["published"] and _ceremony(lone):
        return Decision(False, "one state's report of a visit's ceremony: a sign", SUPPORT)
    return None


def _looks_back(pair: _Pair) -> Decision | None:
    """A report naming one state alone, published up to two days and a half after a
    report of a visit, a summit or a gathering of that state and others (VISIT_WINDOW),
    that names the place it was held and a fact or a person the other names ("Astana
    Talks Put Water and Transit at the Heart of an Alliance", the next day's analysis of
    the Uzbek president's state visit to Kazakhstan): a sign, counted against whole
    stories as _supports's."""
    small, large = sorted((pair.parties_a, pair.parties_b), key=len)
    if len(small) != 1 or len(large) < 2 or not small <= large or pair.gap > VISIT_WINDOW:
        return None
    lone, other = (pair.a, pair.b) if pair.parties_a == small else (pair.b, pair.a)
    held = other.get("visit") or other.get("head") or other.get("summit") or len(large) >= 3
    if lone["published"] <= other["published"] or not held:
        return None
    pair.weigh()
    facts = (pair.shared and pair.overlap >= 0.5) or len(pair.people) >= 2
    if not facts and not _known_people_shared(lone, other):
        return None
    if announcing(lone):
        return None
    places = _places(_opening(lone))
    if not places or not places <= large or _places_clash(lone, other):
        return None
    return Decision(
        False, "a later report of the place and its facts, one state named: a sign", SUPPORT
    )


# Event types the classifier tells apart reliably in every language: one of these and
# another type are two events.
_DISTINCT_ACTS = frozenset({"phone_call", "appointment", "congratulation"})


def _at_the_organisations_summit(
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    parties_a: set[str],
    parties_b: set[str],
    gap: timedelta,
) -> bool:
    """Two reports of one organisation's summit (the OTS, the SCO), within the day: both
    headlines name a summit, one names the organisation (``members``: its members), and
    every party either names is a member; neither is a meeting on its sidelines. Each
    state's report names its own leader alone, so their parties differ."""
    mine, theirs = set(a.get("members") or ()), set(b.get("members") or ())
    # one headline names the summit, or both are of its organisation's summit by their
    # first sentences (two leaders' arrivals "for the informal summit of the OTS")
    by_their_leads = bool(mine & theirs) and bool(a.get("going")) and bool(b.get("going"))
    if gap > SUMMIT_WINDOW or not (a.get("summit") or b.get("summit") or by_their_leads):
        return False
    if not (a.get("summit") or a.get("members")) or not (b.get("summit") or b.get("members")):
        return False  # one names the summit, the other the summit or its organisation
    if not parties_a or not parties_b:
        return False  # a post that is not diplomacy names no party: never a member's report
    if a.get("sidelines") or b.get("sidelines") or a.get("two") or b.get("two"):
        return False  # a meeting on its sidelines, a headline naming two states
    if _distinct_acts(a.get("event_type"), b.get("event_type")):
        return False
    if mine and theirs and mine != theirs:
        return False  # two organisations' summits
    if not (mine and theirs):
        # the report naming no organisation names a format with its partner in its
        # headline or first sentence: that format's summit ("Central Asia – Russia", the
        # day before the CIS summit in the same city, its six all CIS members)
        title, _, body = _opening(b if mine else a).partition("\n")
        if _format_partners(f"{title}\n{first_sentence(body)}"):
            return False
    members = mine or theirs
    return bool(members) and parties_a | parties_b <= members


def _one_at_the_summit(
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    parties_a: set[str],
    parties_b: set[str],
    gap: timedelta,
) -> bool:
    """A report naming one state alone ("the President spoke at the summit in Awaza") and
    a report of a gathering of three or more that includes it, the same day, the one
    headline naming a summit and both the place or a person. A bilateral met on the
    summit's sidelines names two states, and stays apart."""
    one, many = (a, b) if len(parties_a) == 1 else (b, a)
    lone, gathering = (parties_a, parties_b) if one is a else (parties_b, parties_a)
    if len(lone) != 1 or len(gathering) < 3 or gap > GATHERING_WINDOW:
        return False
    if not one.get("summit") or _distinct_acts(one.get("event_type"), many.get("event_type")):
        return False
    if (
        one.get("members")
        and len(gathering - set(one["members"])) >= 2
        and not set(many.get("organisations") or ()) & set(one.get("organisations") or ())
    ):
        # the CSTO ministers' meeting and the five ministers' or the C5+1's, one day in New
        # York: two or more states of the other not its members, and the other not naming
        # the organisation (its guests at its "plus" session are let in)
        return False
    return bool({n[:3] for n in one["names"]} & {n[:3] for n in many["names"]})


def _delegation_and_its_gathering(pair: _Pair) -> bool:
    """A delegation's report of a gathering of the region in a host's city
    (:func:`delegation_at_home`: its own state and the host) and a report of three or
    more states, both among them, naming the same host's place, within a summit's day;
    neither on the sidelines, the same principals (the ministers' meeting and their
    heads' summit the next day in one city are two)."""
    small, large = sorted((pair.a, pair.b), key=lambda x: len(set(x.get("countries") or ())))
    parties_small = frozenset(small.get("countries") or ())
    parties_large = set(large.get("countries") or ())
    if len(parties_large) < 3 or not parties_small <= parties_large or pair.gap > SUMMIT_WINDOW:
        return False
    key = delegation_at_home(_opening(small), parties_small, small.get("home"))
    if key is None or large.get("sidelines") or _head_and_minister(small, large):
        return False
    named = set(key.split()[2:3][0].split("+")) if len(key.split()) > 2 else set()
    theirs = formats_in(_opening(large))
    if named and theirs and not named & theirs:
        return False  # (another organisation's or format's gathering there)
    if named != theirs and pair.gap > GATHERING_WINDOW:
        # (a report naming only "the summit" joins a format's within hours: two gatherings
        # meet in one city on consecutive days, the consultative meeting and the five's
        # summit with a partner)
        return False
    return key.split()[0] in _places(_opening(large))


def _at_a_summit_that_day(pair: _Pair) -> bool:
    """A report naming one state alone whose headline names a summit, and a report of a
    summit of three or more that includes that state, within 12 hours, neither naming a
    place the other does not: a sign of one event (storage/stories.py joins such a report
    to the one story its signs point to, and to none when there were two summits)."""
    small, large = sorted((pair.parties_a, pair.parties_b), key=len)
    if len(small) != 1 or len(large) < 3 or not small <= large or pair.gap > GATHERING_WINDOW:
        return False
    if not (pair.a.get("summit") and pair.b.get("summit")):
        return False
    if any(x.get("sidelines") or x.get("council") for x in (pair.a, pair.b)):
        return False  # (a meeting on its sidelines; the ministers' council)
    return not _places_clash(pair.a, pair.b)


# Acts two states do once on a day: two reports of one between the same two within hours
# are one (the repeat comes days later).
_ONCE_A_DAY = _DISTINCT_ACTS | {"consultations"}


def _ceremony(features: Mapping[str, Any]) -> bool:
    return _ceremony_in(_opening(features))


@lru_cache(maxsize=1 << 14)
def _ceremony_in(opening: str) -> bool:
    return default_classifier().ceremony(opening)


def _opening(features: Mapping[str, Any]) -> str:
    """An article's headline and opening (a bare mapping in tests: its title and lead)."""
    return str(
        features.get("_opening") or f"{features.get('title') or ''}\n{features.get('lead') or ''}"
    )


def _headline(features: Mapping[str, Any]) -> str:
    """An article's headline: the first line of its opening."""
    return _opening(features).partition("\n")[0]


@lru_cache(maxsize=1 << 14)
def _known_people(opening: str) -> frozenset[str]:
    """The names an opening gives, leaders and ministers included, as three-consonant
    stems."""
    title, _, lead = opening.partition("\n")
    # (the headline's and the body's apart: the body's first word opens a sentence)
    return frozenset(n[:3] for n in names(title, known=True) | names(lead, known=True))


def _known_people_shared(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two reports' openings name a person in common, a known minister or leader
    too (the talks of the two ministers the same day, each report naming both)."""
    return bool(_known_people(_opening(a)) & _known_people(_opening(b)))


@lru_cache(maxsize=1 << 14)
def _places(opening: str) -> frozenset[str]:
    return default_classifier().places(opening)


def _places_clash(a: Mapping[str, Any], b: Mapping[str, Any], *, headlines: bool = False) -> bool:
    """Whether the two reports' headlines and openings (or their ``headlines`` alone:
    "прибыла в Астану", "прибыла в Ташкент") name places of different states ("в
    Ташкенте" and "в Астане"): two meetings, not one."""
    here, there = (_places(_headline(x) if headlines else _opening(x)) for x in (a, b))
    return bool(here and there and not here & there)


@lru_cache(maxsize=1 << 14)
def _format_partners(title: str) -> frozenset[str]:
    return default_classifier().title_format_partners(title)


# The word "format" or "dialogue" in the region's languages.
_FORMAT_WORD = _lowered(r"format|формат|диалог|dialog|görnüş")


def _another_format(pair: _Pair, *, lead: bool = False) -> bool:
    """Whether one report's headline (or with ``lead`` its headline or first sentence)
    names a format whose partner is the one party the other report lacks, and the
    other's names no format (with ``lead``, not even the word) ("C5+1 in New York" and
    "Central Asian Foreign Ministers Discuss Glaciers and Water", the next day's UN event
    of the five): two gatherings, not a guest left out."""
    small, large = sorted((pair.parties_a, pair.parties_b), key=len)
    extra = large - small
    if len(extra) != 1 or not small <= large:
        return False
    wide, narrow = (pair.a, pair.b) if pair.parties_a == large else (pair.b, pair.a)
    texts = []
    for x in (wide, narrow):
        title, _, body = _opening(x).partition("\n")
        texts.append(f"{title}\n{first_sentence(body)}" if lead else title)
    if not extra & _format_partners(texts[0]) or _format_partners(texts[1]):
        return False
    if lead and _FORMAT_WORD.search(_lower(texts[1])):
        # (by the first sentences, not against a report naming a format whose partner goes
        # unrecognised: "дар формати «Осиёи Марказӣ – ИМА»")
        return False
    # (the partner's capital named: "Главы МИД стран Центральной Азии собрались в Токио")
    return not extra & _places(_opening(narrow))


# A foreign minister or ministry in the region's languages.
_FOREIGN_MINISTERS = re.compile(
    r"(?i)(?:\bмид\b|иностранных дел|foreign minist|foreign affairs|\bfms?\b|tashqi ishlar|"
    r"ташқи ишлар|\btiv\b|\bтив\b|сыртқы істер|\bсім\b|тышкы иштер|\bтим\b|корҳои хориҷӣ|"
    r"daşary işler)"
)


def _abroad_together(pair: _Pair) -> bool:
    """Whether both reports are of the two foreign ministers and name the same third
    state's place, neither party's ("В Баку глава МИД Узбекистана провел встречу с
    казахстанским коллегой" and "Министры иностранных дел Казахстана и Узбекистана
    встретились в Баку"): two foreign ministers meet once a day abroad."""
    if not (
        _FOREIGN_MINISTERS.search(_opening(pair.a)) and _FOREIGN_MINISTERS.search(_opening(pair.b))
    ):
        return False  # (the two foreign ministers: not their defence ministers that day)
    here, there = (_places(_opening(x)) for x in (pair.a, pair.b))
    return bool((here & there) - pair.parties_a - pair.parties_b)


# A channel's one line: its body at most this long (one or two short sentences).
_ONE_LINE = 250


def one_line(features: Mapping[str, Any]) -> bool:
    """Whether a report is a channel's one line naming nobody ("Ashgabatda muzokaralar",
    "Talks in Dushanbe"): a short body, no person or place name but its city's."""
    title, _, lead = _opening(features).partition("\n")
    # (the headline's and the body's names apart: the body's first word, "Talks with the
    # Foreign Minister of China are underway", opens a sentence)
    return (
        len(lead) <= _ONE_LINE
        and not (names(title) or names(lead))
        and not _known_people(_opening(features))
    )


def _one_line_here(pair: _Pair) -> bool:
    """Whether one report is a channel's one line (:func:`one_line`) and both name the
    same city of one of the two states: a sign of the talks the other tells."""
    if not (one_line(pair.a) or one_line(pair.b)):
        return False  # (each names someone, or tells more: they must share a name, above)
    here, there = (_places(_opening(x)) for x in (pair.a, pair.b))
    # (a place of one of the two, compared by its state: Ashgabat and Ashkhabad alike;
    # abroad, two states' ministers of other offices meet too)
    return bool(here & there & (pair.parties_a | pair.parties_b))


def _one_full_name(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether the two name one person or place, spelled out in full (four consonants: a
    stem of three is shared by chance)."""
    return any(len(n) >= 4 for n in set(a["names"]) & set(b["names"]))


def _distinct_acts(a: str | None, b: str | None) -> bool:
    return bool(a and b and a != b and (a in _DISTINCT_ACTS or b in _DISTINCT_ACTS))


def _date_numbers(moment: datetime) -> set[str]:
    """The numbers a dateline states for a publication time: its year and its day, in UTC
    and in local time, which in Central Asia (UTC+5, UTC+6) may be the next day."""
    days = {moment.day, (moment + timedelta(days=1)).day}
    return {str(day) for day in days} | {str(moment.year)}


def pack_numbers(values: Iterable[str]) -> str:
    return " ".join(sorted(values))


def unpack_numbers(text: str | None) -> set[str]:
    return set(text.split()) if text else set()


def parse_when(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
