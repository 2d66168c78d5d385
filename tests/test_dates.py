"""Date parsing: one case per format and language, expected in UTC (issue #2, #3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crawler.extract.dates import parse_date
from crawler.registry import zone
from storage.times import days_ahead, days_named

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # 14:00 in Astana, 15:00 in Bishkek
ALMATY, BISHKEK, TASHKENT = zone("Asia/Almaty"), zone("Asia/Bishkek"), zone("Asia/Tashkent")

CASES = [
    # kt.kz: date, time, then a view counter; naive, read in UTC+5
    ("26.11.2026, 12:10 1843", ALMATY, "2026-11-26T07:10:00"),
    # before 1 March 2024 Kazakhstan was UTC+6
    ("15.02.2024, 10:00", ALMATY, "2024-02-15T04:00:00"),
    ("01.03.2024, 10:00", ALMATY, "2024-03-01T05:00:00"),
    # gov.kz API: ISO without offset, local time, milliseconds
    ("2026-11-26T11:30:12.483", ALMATY, "2026-11-26T06:30:12"),
    ("2026-11-26T12:47:00+05:00", BISHKEK, "2026-11-26T07:47:00"),
    ("2026-11-26T07:47:00Z", ALMATY, "2026-11-26T07:47:00"),
    # RSS pubDate with offset (Kabar)
    ("Thu, 26 Nov 2026 13:40:25 +0600", ALMATY, "2026-11-26T07:40:25"),
    # RFC 822 "-0000" means the zone is unknown: the source's zone is used
    ("Thu, 26 Nov 2026 13:40:25 -0000", BISHKEK, "2026-11-26T07:40:25"),
    ("26 ноября 2026 12:47", ALMATY, "2026-11-26T07:47:00"),
    ("13:51, 15 августа 2025", ALMATY, "2025-08-15T08:51:00"),
    ("15 Август 2025, 10:00", ALMATY, "2025-08-15T05:00:00"),
    ("13:24, 27 September 2022 | GMT +6", ALMATY, "2022-09-27T07:24:00"),
    ("November 26, 2026 3:05", ALMATY, "2026-11-25T22:05:00"),
    ("26 November 2026 12:47", ALMATY, "2026-11-26T07:47:00"),
    ("5 March 2025, 3:15 pm", ALMATY, "2025-03-05T10:15:00"),
    ("Nov 26, 2026 12:05 a.m.", ALMATY, "2026-11-25T19:05:00"),
    ("Nov 26, 2026 12:05 PM", ALMATY, "2026-11-26T07:05:00"),
    ("26 қараша 2026 12:47", ALMATY, "2026-11-26T07:47:00"),
    ("2026 жылғы 26 қарашада 10:00", ALMATY, "2026-11-26T05:00:00"),
    ("2026-yil 26-noyabr, 14:05", TASHKENT, "2026-11-26T09:05:00"),
    ("26 ноябр 2026 й., 14:05", TASHKENT, "2026-11-26T09:05:00"),
    ("26-ноябрь 2026-ж., 11:00", BISHKEK, "2026-11-26T05:00:00"),
    ("26 ноябри 2026, 10:15", TASHKENT, "2026-11-26T05:15:00"),
    ("26-njy noýabr 2026 10:00", TASHKENT, "2026-11-26T05:00:00"),
    ("12:47 / 26.11.2026", TASHKENT, "2026-11-26T07:47:00"),
    # date-only: local midnight
    ("2026-11-26", ALMATY, "2026-11-25T19:00:00"),
    # relative forms and bare times, resolved against NOW
    ("сегодня, 14:30", ALMATY, "2026-11-28T09:30:00"),
    ("Сегодня 10:05", ALMATY, "2026-11-28T05:05:00"),
    ("вчера, 23:50", ALMATY, "2026-11-27T18:50:00"),
    ("сегодня", ALMATY, "2026-11-27T19:00:00"),  # day precision: local midnight
    ("Bugun, 09:12", TASHKENT, "2026-11-28T04:12:00"),
    ("Кеча, 18:00", TASHKENT, "2026-11-27T13:00:00"),
    ("13:55", ALMATY, "2026-11-28T08:55:00"),
    ("14:30", ALMATY, "2026-11-27T09:30:00"),  # still ahead today: yesterday's
    # a day and month without a year: the latest such date not in the future
    ("26 ноября, 14:30", ALMATY, "2026-11-26T09:30:00"),
    ("3 декабря, 10:00", ALMATY, "2025-12-03T05:00:00"),
    # listing rows with a short month and no year (mfa.gov.tm)
    ("23 Noý", TASHKENT, "2026-11-22T19:00:00"),
    ("23 ноя", TASHKENT, "2026-11-22T19:00:00"),
]


@pytest.mark.parametrize(("text", "tz", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse_date(text, tz, expected):
    moment = parse_date(text, tz, now=NOW)
    assert moment is not None
    assert moment.tzinfo is not None
    assert moment.astimezone(UTC).replace(tzinfo=None).isoformat() == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "garbage",
        "31.02.2026",
        "2026-13-45",
        "Маршрут 5",
        "99:99",
        "1843",
        "15.02.1890, 10:00",
        "Thu, 99 Nov 2026 13:40:25 +0600",
        "\x00\x01",
    ],
)
def test_unreadable_dates_are_none(text):
    assert parse_date(text, ALMATY, now=NOW) is None


def test_relative_dates_need_now():
    assert parse_date("вчера, 23:50", ALMATY) is None
    assert parse_date("14:30", ALMATY) is None


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Президент Турции 13-14 января посетит Казахстан", {(1, 13), (1, 14)}),
        ("По приглашению Президента 19–20 января Премьер-министр Индии", {(1, 19), (1, 20)}),
        ("Ministers arrive for a two-day meeting on June 18-19.", {(6, 18), (6, 19)}),
        ("15-январда Бишкекте саммит өтөт", {(1, 15)}),
        ("Prezident 18 va 19 iyun kunlari tashrif buyuradi", {(6, 18), (6, 19)}),
        ("15-nji ýanwarda Aşgabatda geçiriler", {(1, 15)}),
        ("Сафар 3 феврал оғоз мешавад", {(2, 3)}),
        ("Мемлекет басшысы 5 қарашада сапармен барады", {(11, 5)}),
        # a year or a time is no day
        ("the 2022 SCO summit in March 2024", set()),
        ("March 2026", set()),
    ],
)
def test_the_days_a_text_names(text, days):
    assert days_named(text) == days


def test_the_days_a_report_announces_are_after_its_own_and_within_four_days():
    named = days_named("13-14 января, 20 января и 10 января")
    published = datetime(2026, 1, 12, 6, tzinfo=UTC)
    assert days_ahead(named, published, timedelta(days=4)) == (date(2026, 1, 13), date(2026, 1, 14))
    # across the new year
    january = days_named("3 января")
    assert days_ahead(january, datetime(2025, 12, 30, 6, tzinfo=UTC), timedelta(days=4)) == (
        date(2026, 1, 3),
    )


@pytest.mark.parametrize("text", ["savdo 2 marta oshdi", "Kazakhstan may 15 new flights"])
def test_words_spelled_like_a_month_name_no_day(text):
    assert days_named(text) == frozenset()
