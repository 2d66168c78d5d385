"""robots.txt (issue #7): obeyed, and asked for at most once a day per host (RFC 9309
allows 24 hours), the file kept in the store. Real crawls of a small replay site whose
access log shows every request."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

import pytest

from crawler.replay import ReplayServer

from .conftest import crawl_replay, data_path, store_rows

pytestmark = pytest.mark.crawl

RECORDED = datetime(2026, 11, 28, tzinfo=UTC)

REGISTRY = """
[[source]]
id = "mfa_robots"
name = "Ministry of Foreign Affairs (robots.txt test)"
country = "KZ"
kind = "mfa"
languages = ["ru"]
timezone = "Asia/Almaty"
strategy = "listing"
homepage = "https://mfa.example.kz/"
start_urls = ["https://mfa.example.kz/ru/press"]
link_pattern = '/ru/(press|closed)/\\d+$'

[source.listing]
item = "li.item"
link = "a::attr(href)"

[source.extract]
date = ".date"
body = ".text"
"""

LISTING = """<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Пресс-центр</title>
</head><body><h1>Новости МИД</h1><ul>
<li class="item"><a href="/ru/press/1">Сообщение для СМИ №1</a></li>
<li class="item"><a href="/ru/closed/2">Служебная страница</a></li>
</ul></body></html>"""

RESPONSES = """recorded = 2026-11-28T00:00:00Z

[[response]]
url = "https://mfa.example.kz/robots.txt"
body = "User-agent: *\\nDisallow: /ru/closed/\\n"
content_type = "text/plain"

[[response]]
url = "https://mfa.example.kz/ru/press"
file = "listing.html"
content_type = "text/html; charset=utf-8"

[[response]]
url = "https://mfa.example.kz/ru/press/1"
file = "good.html"
content_type = "text/html; charset=utf-8"

[[response]]
url = "https://mfa.example.kz/ru/closed/2"
file = "good.html"
content_type = "text/html; charset=utf-8"
"""


def test_robots_txt_is_obeyed_and_asked_for_once_a_day(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "responses.toml").write_text(RESPONSES, encoding="utf-8")
    (site / "listing.html").write_text(LISTING, encoding="utf-8")
    shutil.copy(data_path("faults2", "site", "good.html"), site / "good.html")
    registry = tmp_path / "sources.toml"
    registry.write_text(REGISTRY, encoding="utf-8")
    db = tmp_path / "robots.db"
    log = tmp_path / "access.log"
    asked = []
    with ReplayServer(sites=[site], access_log=log) as replay:
        for hours in (0, 0.5, 25):
            log.write_text("")
            as_of = (RECORDED + timedelta(hours=hours)).isoformat()
            result = crawl_replay(replay.url, db, as_of=as_of, registry=registry)
            assert result.returncode == 0, result.stdout + result.stderr
            asked.append([line.split()[1] for line in log.read_text().splitlines()])
    first, half_hour, next_day = asked
    robots = "https://mfa.example.kz/robots.txt"
    # obeyed: the disallowed page is never requested, and its link is recorded
    assert all("https://mfa.example.kz/ru/closed/2" not in urls for urls in asked)
    failures = store_rows(db, "SELECT url, kind, message FROM crawl_failures")
    assert {(f["url"], f["kind"]) for f in failures} == {
        ("https://mfa.example.kz/ru/closed/2", "robots")
    }
    assert "robots.txt" in failures[0]["message"]
    # obeying is not failing: the source is healthy
    figures = store_rows(db, "SELECT failed, status FROM crawl_source_stats")
    assert figures and all(f["failed"] == 0 and f["status"] == "ok" for f in figures)
    # asked for once a day: by the first crawl, not half an hour later, again next day
    assert first.count(robots) == 1 and robots not in half_hour and next_day.count(robots) == 1
    kept = store_rows(db, "SELECT host, status, fetched FROM robots_txt")
    assert kept == [
        {"host": "https://mfa.example.kz", "status": 200, "fetched": "2026-11-29T01:00:00Z"}
    ]
    assert store_rows(db, "SELECT count(*) n FROM articles")[0]["n"] == 1
