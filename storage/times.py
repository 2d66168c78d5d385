"""The store's timestamps: ISO 8601 text in UTC with a ``Z`` (docs/schema.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DAY_HOUR_UTC",
    "day_precision",
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
