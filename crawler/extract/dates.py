"""Publication dates in the region's formats, read into aware UTC datetimes.

A chain of small parsers, each ``(text, tz, now) -> datetime | None``, tried in order
(feedparser's ``datetimes`` design). Naive dates are read in the source's IANA zone from
the registry; explicit offsets in the text win. See docs/sources.md, "Dates".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

from storage.times import MONTHS

__all__ = ["MONTHS", "names_today", "parse_date"]

# Short forms on listing rows ("23 ноя", "23 Nov", Turkmen "23 Noý").
_ABBREVIATIONS: dict[int, tuple[str, ...]] = {
    1: ("янв", "jan", "ýan"),
    2: ("фев", "feb", "few"),
    3: ("мар", "mar"),
    4: ("апр", "apr"),
    6: ("jun", "iýn"),
    7: ("jul", "iýl"),
    8: ("авг", "aug", "awg"),
    9: ("сен", "сент", "sep", "sept"),
    10: ("окт", "oct", "okt"),
    11: ("ноя", "нояб", "nov", "noý"),
    12: ("дек", "dec", "dek"),
}
_MONTH_OF: dict[str, int] = {}
for _number, _names in MONTHS.items():
    for _name in _names:
        _MONTH_OF[_name] = _number
for _number, _names in _ABBREVIATIONS.items():
    for _name in _names:
        _MONTH_OF[_name] = _number
_STEMS = sorted((n for names in MONTHS.values() for n in names), key=len, reverse=True)
_ABBRS = sorted((n for names in _ABBREVIATIONS.values() for n in names), key=len, reverse=True)
_MONTH_RE = re.compile(
    r"(?<!\w)(?:(?P<stem>" + "|".join(map(re.escape, _STEMS)) + r")\w*"
    r"|(?P<abbr>" + "|".join(map(re.escape, _ABBRS)) + r")(?!\w)\.?)",
    re.IGNORECASE,
)

# "today" and "yesterday" in the region's languages (listing rows: "сегодня, 14:30").
_TODAY = ("сегодня", "today", "bugun", "бугун", "бүгүн", "бүгін", "имрӯз", "şu gün", "şügün")
_YESTERDAY = ("вчера", "yesterday", "kecha", "кеча", "кеше", "кечээ", "дирӯз", "düýn")
_RELATIVE_RE = re.compile(
    r"(?<!\w)(?P<word>" + "|".join(map(re.escape, _TODAY + _YESTERDAY)) + r")(?!\w)",
    re.IGNORECASE,
)

_TODAY_RE = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, _TODAY)) + r")(?!\w)", re.IGNORECASE)


def names_today(text: str) -> bool:
    """Whether ``text`` says "today" in one of the region's languages ("Имрӯз:",
    "Сегодня, 7 декабря 2026"): the label of a ticker or a clock, not of an article."""
    return bool(_TODAY_RE.search(text))


_ISO_RE = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_NUMERIC_RE = re.compile(r"(?<!\d)(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})(?!\d)")
_TIME_RE = re.compile(
    r"(?<![\d:])(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?(?![\d:])"
)
_MERIDIEM_RE = re.compile(r"\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
_YEAR_RE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?!\d)")
_DAY_BEFORE_RE = re.compile(r"(?<!\d)(?P<d>\d{1,2})(?:-?\w{0,4}\.?)?[\s\-]*$")
_DAY_AFTER_RE = re.compile(r"^[\s\-]*(?P<d>\d{1,2})(?!\d)")
# "GMT +6", "UTC+05:00", "(GMT+5)": an explicit offset printed beside the date.
_GMT_RE = re.compile(r"\b(?:GMT|UTC)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\b")
_RFC822_RE = re.compile(r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")

Parser = Callable[[str, tzinfo, "datetime | None"], "datetime | None"]


def _offset(text: str) -> tzinfo | None:
    match = _GMT_RE.search(text)
    if not match:
        return None
    delta = timedelta(hours=int(match["h"]), minutes=int(match["m"] or 0))
    return timezone(-delta if match["sign"] == "-" else delta)


def _finish(day: date, clock: time | None, tz: tzinfo, text: str) -> datetime | None:
    if not 1990 <= day.year <= 2100:
        return None
    local = datetime.combine(day, clock or time(0, 0), tzinfo=_offset(text) or tz)
    return local.astimezone(UTC)


def _clock(text: str) -> time | None:
    match = _TIME_RE.search(text)
    if not match:
        return None
    hour = int(match["H"])
    meridiem = _MERIDIEM_RE.match(text[match.end() :])
    if meridiem and 1 <= hour <= 12:
        # "3:15 pm" (English pages of some outlets)
        hour = hour % 12 + (12 if meridiem.group(1).lower().startswith("p") else 0)
    return time(hour, int(match["M"]), int(match["S"] or 0))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _parse_iso(text: str, tz: tzinfo, now: datetime | None) -> datetime | None:
    match = _ISO_RE.search(text)
    if not match:
        return None
    day = _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
    if day is None:
        return None
    clock = None
    if match["H"] is not None:
        if int(match["H"]) > 23 or int(match["M"]) > 59:
            return None
        clock = time(int(match["H"]), int(match["M"]), min(int(match["S"] or 0), 59))
    offset = match["tz"]
    if offset:
        if offset == "Z":
            zone: tzinfo = UTC
        else:
            digits = offset[1:].replace(":", "")
            delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            zone = timezone(-delta if offset[0] == "-" else delta)
        return _finish(day, clock, zone, "")
    return _finish(day, clock, tz, text)


def _parse_rfc822(text: str, tz: tzinfo, now: datetime | None) -> datetime | None:
    if not _RFC822_RE.match(text):
        return None
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None or "-0000" in text:
        # RFC 2822 "-0000" means "zone unknown": the source's own zone is the better guess.
        moment = moment.replace(tzinfo=tz)
    if not 1990 <= moment.year <= 2100:
        return None
    return moment.astimezone(UTC)


def _parse_numeric(text: str, tz: tzinfo, now: datetime | None) -> datetime | None:
    match = _NUMERIC_RE.search(text)
    if not match:
        return None
    day = _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
    if day is None:
        return None
    rest = text[: match.start()] + " " + text[match.end() :]
    return _finish(day, _clock(rest), tz, text)


def _parse_month_name(text: str, tz: tzinfo, now: datetime | None) -> datetime | None:
    for match in _MONTH_RE.finditer(text):
        name = (match["stem"] or match["abbr"]).lower()
        month = _MONTH_OF.get(name)
        if month is None:
            continue
        before, after = text[: match.start()], text[match.end() :]
        day_match = _DAY_BEFORE_RE.search(before) or _DAY_AFTER_RE.search(after)
        year_match = _YEAR_RE.search(after) or _YEAR_RE.search(before)
        if not day_match:
            continue
        if year_match:
            year = int(year_match["y"])
        elif now is not None:
            # "26 ноября, 14:30" with no year: the latest such date not in the future.
            year = now.astimezone(tz).year
            if (month, int(day_match["d"])) > (now.astimezone(tz).month, now.astimezone(tz).day):
                year -= 1
        else:
            continue
        day = _safe_date(year, month, int(day_match["d"]))
        if day is None:
            continue
        cleaned = text.replace(year_match.group(0), " ") if year_match else text
        return _finish(day, _clock(cleaned.replace(day_match.group(0), " ", 1)), tz, text)
    return None


def _parse_relative(text: str, tz: tzinfo, now: datetime | None) -> datetime | None:
    if now is None:
        return None
    clock = _clock(text)
    match = _RELATIVE_RE.search(text)
    today = now.astimezone(tz).date()
    if match:
        word = match["word"].lower()
        day = today - timedelta(days=1) if word in _YESTERDAY else today
        return _finish(day, clock, tz, text)
    stripped = _TIME_RE.sub("", text).strip(" ,|·-")
    if clock and not stripped:
        # A bare "14:30" on a listing row means today, or yesterday if that is still ahead.
        moment = _finish(today, clock, tz, text)
        if moment and moment > now + timedelta(minutes=5):
            moment -= timedelta(days=1)
        return moment
    return None


PARSERS: tuple[Parser, ...] = (
    _parse_iso,
    _parse_rfc822,
    _parse_numeric,
    _parse_month_name,
    _parse_relative,
)


def parse_date(text: str | None, tz: tzinfo, *, now: datetime | None = None) -> datetime | None:
    """Read a publication date written the way the region's sites write it.

    Handles ISO 8601, RFC 822, ``26.11.2026, 12:10``, ``12:10 / 26.11.2026``, month names
    in Russian, English, Kazakh, Kyrgyz, Uzbek (Latin and Cyrillic), Tajik and Turkmen
    (``26 ноября 2026 12:47``, ``November 26, 2026``, ``26 қараша 2026``,
    ``2026-yil 26-noyabr``), and with ``now`` given, relative forms (``сегодня, 14:30``,
    ``вчера``, ``Bugun``, a bare ``14:30``).

    Args:
        text: the date as printed; surrounding words (view counters, labels) are ignored.
        tz: the source's zone, applied to dates that carry no offset.
        now: the crawl time, needed only to resolve relative dates and missing years.

    Returns:
        An aware datetime in UTC, or None when no date could be read.
    """
    if not text or not text.strip():
        return None
    text = " ".join(text.split())[:300]
    for parser in PARSERS:
        moment = parser(text, tz, now)
        if moment is not None:
            return moment
    return None
