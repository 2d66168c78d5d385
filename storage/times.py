"""The store's timestamps: ISO 8601 text in UTC with a ``Z`` (docs/schema.md)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DAY_HOUR_UTC",
    "MONTHS",
    "day_precision",
    "days_ahead",
    "days_named",
    "format_utc",
    "local_day",
    "parse_moment",
    "parse_utc",
    "utcnow",
]

# A date given to the day only ("23 ноября 2026") is stored at this hour UTC of that day:
# a reader anywhere from UTC-9 to UTC+14 shows it on the stated day (at local midnight,
# 19:00 UTC the day before, readers west of the source showed the previous day).
DAY_HOUR_UTC = 9


def format_utc(moment: datetime) -> str:
    """Return ``moment`` as the store's timestamp text: ISO 8601 in UTC, ``...Z``.

    Raises:
        ValueError: if ``moment`` is naive (its zone would be a guess).
    """
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: the store keeps aware times only")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    """Parse a timestamp written by :func:`format_utc` back to an aware datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def parse_moment(text: str, *, end: bool = False) -> datetime:
    """A ``since`` or ``until`` given by a user (the feed server's query, ``search``):
    an ISO 8601 date or time in UTC. A date alone is its whole day (its first instant,
    or its last with ``end``); a time without an offset is UTC.

    Raises:
        ValueError: it is not an ISO 8601 date or time.
        OverflowError: it is out of range in UTC.
    """
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time.max if end else time.min, UTC)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@cache
def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_day(moment: datetime, zone: str | None) -> str:
    """The calendar day of ``moment`` where the source is (``zone``, an IANA name), else
    in UTC: ``YYYY-MM-DD``."""
    tz = _zone(zone)
    return (moment.astimezone(tz) if tz else moment.astimezone(UTC)).date().isoformat()


def day_precision(moment: datetime, zone: str | None) -> datetime | None:
    """For a date that is local midnight where the source is, the stored time of that
    day (DAY_HOUR_UTC on it), else None: the page gave a day, not a time."""
    tz = _zone(zone)
    if tz is None:
        return None
    local = moment.astimezone(tz)
    if local.timetz().replace(tzinfo=None) != time(0, 0):
        return None
    day: date = local.date()
    return datetime.combine(day, time(DAY_HOUR_UTC), tzinfo=UTC)


# Month names and their inflected stems, by month. Agglutinative languages (kk, ky, uz,
# tk, tg) add case suffixes (Tajik "ноябри", Turkmen "noýabry", Kazakh "қарашада"), so
# full stems match with any suffix; short abbreviations match only as whole words.
MONTHS: dict[int, tuple[str, ...]] = {
    1: ("январ", "января", "январь", "january", "yanvar", "ýanwar", "қаңтар", "үчтүн айы"),
    2: ("феврал", "february", "fevral", "fewral", "ақпан", "бирдин айы"),
    3: ("март", "march", "mart", "наурыз", "жалган куран"),
    4: ("апрел", "april", "aprel", "сәуір", "чын куран"),
    5: ("мая", "май", "мае", "may", "maý", "мамыр", "бугу"),
    6: ("июн", "june", "iyun", "iýun", "маусым", "кулжа"),
    7: ("июл", "july", "iyul", "iýul", "шілде", "теке"),
    8: ("август", "august", "avgust", "awgust", "тамыз", "баш оона"),
    9: ("сентябр", "september", "sentabr", "sentyabr", "sentýabr", "қыркүйек", "аяк оона"),
    10: ("октябр", "october", "oktabr", "oktyabr", "oktýabr", "қазан", "тогуздун айы"),
    11: ("ноябр", "november", "noyabr", "noýabr", "қараша", "жетинин айы"),
    12: ("декабр", "december", "dekabr", "желтоқсан", "бештин айы"),
}

_MONTH_NUMBER = {name: number for number, names in MONTHS.items() for name in names}
_MONTH_NAME = "|".join(map(re.escape, sorted(_MONTH_NUMBER, key=len, reverse=True)))
# "13-14 января", "19–20 January", "15-январда", "15-nji ýanwarda", "18 и 19 июня"; and
# "June 18-19", "January 15": the days are found first (digits are rare), then the month
# is looked for right after them or right before
_AND = r"(?:\s*[-–—]\s*|\s+(?:и|and|va|ва|we|ve|және|жана)\s+)"
_DAYS = re.compile(rf"(?<![\w.,:])(\d{{1,2}})(?:{_AND}(\d{{1,2}}))?(?!\d)(?![:.,]\d)")
_MONTH_AFTER = re.compile(
    rf"(?:-?(?:nji|njy|nçi|inchi|nchi|chi|го|е))?[\s-]*({_MONTH_NAME})(\w*)", re.IGNORECASE
)
_MONTH_BEFORE = re.compile(rf"(?<!\w)({_MONTH_NAME})(\w*)\s+$", re.IGNORECASE)
# Words spelled like a month that are none: English "may" (lower case), Uzbek "marta"
# ("2 marta oshdi", doubled)
_NO_MONTH = frozenset({"may", "marta", "martaga"})


@lru_cache(maxsize=1 << 14)
def days_named(text: str) -> frozenset[tuple[int, int]]:
    """The days of the year a text names, as (month, day): "13-14 января" is (1, 13) and
    (1, 14), "June 18-19" (6, 18) and (6, 19), in the region's languages (the month
    names of :data:`MONTHS`, with their case endings)."""
    found: set[tuple[int, int]] = set()
    for match in _DAYS.finditer(text):
        beside = _MONTH_AFTER.match(text, match.end()) or _MONTH_BEFORE.search(
            text, max(0, match.start() - 16), match.start()
        )
        word = f"{beside[1]}{beside[2]}" if beside else ""
        if word in _NO_MONTH or word.lower() in _NO_MONTH - {"may"}:
            continue
        month = _MONTH_NUMBER.get(beside[1].lower()) if beside else None
        if month is None:  # no month beside it, or a case folding of its own ("İyun")
            continue
        first = int(match[1])
        last = int(match[2]) if match[2] else first
        if 1 <= first <= last <= 31 and last - first <= 6:
            found.update((month, day) for day in range(first, last + 1))
    return frozenset(found)


def days_ahead(
    named: frozenset[tuple[int, int]], published: datetime, most: timedelta
) -> tuple[date, ...]:
    """Of the days a text names, those after the day it was published, at most ``most``
    later: the days a report announces ("13-14 января посетит Казахстан")."""
    today = (published.astimezone(UTC) + timedelta(hours=5)).date()  # the region's day
    ahead = []
    for month, day in named:
        for year in (today.year, today.year + 1):
            try:
                when = date(year, month, day)
            except ValueError:
                continue
            if today < when <= today + most:
                ahead.append(when)
    return tuple(sorted(set(ahead)))


# The day before, and the days of the week, in the region's languages: a report recalling
# "Friday's agreement", "вчера", "накануне", "kecha". (Not the forms spelled like a city:
# Tajik and Turkmen Monday are "Dushanbe".)
# ("накануне" alone is the day before only after the event's participle: "прошедшая
# накануне"; "накануне визита" is the eve of it. "kecha-kunduz" is day and night.)
_YESTERDAY = re.compile(
    r"(?i)(?<!\w)(?:вчера|(?:прошедш|состоявш)\w* накануне|yesterday|кеше|kecha|кеча|дирӯз|"
    r"дируз|düýn|кечээ)(?![\w-])"
)
# (the Russian days after their preposition: "среды" is also the environment's)
_WEEKDAYS = (
    r"monday|в понедельник|дүйсенбі\w*|дүйшөмбү\w*|dushanba\w*|душанба\w*",
    r"tuesday|во вторник|сейсенбі\w*|шейшемби\w*|seshanba\w*|сешанба\w*|сешанбе\w*|sişenbe\w*",
    (
        r"wednesday|в среду|сәрсенбі\w*|шаршемби\w*|chorshanba\w*|чоршанба\w*|чоршанбе\w*|"
        r"çarşenbe\w*"
    ),
    (
        r"thursday|в четверг|бейсенбі\w*|бейшемби\w*|payshanba\w*|пайшанба\w*|панҷшанбе\w*|"
        r"penşenbe\w*"
    ),
    r"friday|в пятницу|пятничн\w*|жұма күні|жума күнү|juma kuni|жума куни|рӯзи ҷумъа|anna güni",
    r"saturday|в субботу|сенбі\w*|ишемби\w*|shanba kuni|шанба куни|рӯзи шанбе|şenbe güni",
    (
        r"sunday|в воскресенье|жексенбі\w*|жекшемби\w*|yakshanba\w*|якшанба\w*|якшанбе\w*|"
        r"ýekşenbe\w*"
    ),
)
_WEEKDAY = re.compile(
    "|".join(f"(?P<d{n}>(?<!\\w)(?:{words})(?!\\w))" for n, words in enumerate(_WEEKDAYS)),
    re.IGNORECASE,
)


# The words any day back begins with, as one quick expression on the lower-cased text
# (a case-insensitive search is ten times slower on the region's alphabets).
_ANY_DAY_BACK = re.compile(
    r"(?:вчера|накануне|yesterday|кеше|kecha|кеча|дирӯз|дируз|düýn|кечээ|day|понедельн|"
    r"вторн|сред|четверг|пятни|суббот|воскрес|дүйсенбі|дүйшөмбү|shanba|шанба|шанбе|сейсенбі|"
    r"шейшемби|sişenbe|сәрсенбі|шаршемби|çarşenbe|бейсенбі|бейшемби|penşenbe|панҷшанбе|жұма|"
    r"жума|juma|ҷумъа|anna|сенбі|ишемби|şenbe|жексенбі|жекшемби|ýekşenbe)"
)


@lru_cache(maxsize=1 << 14)
def days_back(text: str, published: datetime) -> tuple[date, ...]:
    """The days before its own a text names by the day before or a day of the week
    ("Friday's agreement", "вчера", "в пятницу"): the last such day before the region's
    day of ``published`` (UTC+5), within the past six days."""
    today = (published.astimezone(UTC) + timedelta(hours=5)).date()
    found = set()
    if not _ANY_DAY_BACK.search(text.lower().replace("\u0307", "")):
        return ()  # (most texts name no day back: one cheap search first)
    if _YESTERDAY.search(text):
        found.add(today - timedelta(days=1))
    for match in _WEEKDAY.finditer(text):
        weekday = int(next(k for k, v in match.groupdict().items() if v)[1:])
        back = (today.weekday() - weekday) % 7
        if back:
            found.add(today - timedelta(days=back))
    return tuple(sorted(found))
