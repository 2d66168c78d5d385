"""Faults and hostile input (issue #7), crawled with the real Scrapy engine through the
replay server into a real store file. The registry is tests/data/faults2/sources.toml,
the site tests/data/faults2/site (what each response does is noted there); the outcome
of every case is tabulated in docs/reliability.md.

Each crawl runs in a subprocess (a Twisted reactor starts once per process).
"""

from __future__ import annotations

import re
import resource
import shutil
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawler.replay import ReplayServer

from .conftest import crawl_replay, data_path, store_rows

pytestmark = pytest.mark.crawl

MFA = "https://mfa.example.kz/ru/press/"
AS_OF = "2026-11-28T00:00:00+00:00"
# C0 controls other than tab and newline, DEL: none may reach a stored text field.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
BIG_PAGE = 20 * 1024 * 1024


def _big_page(site: Path) -> None:
    """A 20 MB article page (too big to commit): an ordinary page with a huge body."""
    page = (site / "good.html").read_bytes()
    filler = "<p>Стороны обсудили вопросы торгово-экономического сотрудничества.</p>\n".encode()
    (site / "big.html").write_bytes(
        page.replace(b"</div>", filler * (BIG_PAGE // len(filler) + 1) + b"</div>")
    )


def _crawl(
    site: Path,
    db: Path,
    registry: Path | None = None,
    log_level: str = "WARNING",
    as_of: str = AS_OF,
) -> SimpleNamespace:
    started = time.monotonic()
    with ReplayServer(sites=[site]) as replay:
        result = crawl_replay(
            replay.url,
            db,
            as_of=as_of,
            registry=registry or data_path("faults2", "sources.toml"),
            log_level=log_level,
            timeout=120,
        )
    elapsed = time.monotonic() - started
    return SimpleNamespace(
        result=result,
        elapsed=elapsed,
        failures={r["url"]: r for r in store_rows(db, "SELECT * FROM crawl_failures")},
        articles={r["url"]: r for r in store_rows(db, "SELECT * FROM articles")},
        stats={r["source"]: r for r in store_rows(db, "SELECT * FROM crawl_source_stats")},
    )


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults2")
    site = root / "site"
    shutil.copytree(data_path("faults2", "site"), site)
    _big_page(site)
    assert (site / "big.html").stat().st_size > BIG_PAGE
    db = root / "faults2.db"
    return SimpleNamespace(**vars(_crawl(site, db)), db=db, site=site, root=root)


def test_the_crawl_finishes_fast_and_small(crawl):
    # 3 = some sources yielded nothing (the sitemap bomb, the API answering HTML)
    assert crawl.result.returncode == 3, crawl.result.stdout + crawl.result.stderr
    assert "sources that yielded nothing: bombmap, htmlapi" in crawl.result.stderr
    # neither the entity bombs nor the 20 MB page may cost much time or memory
    assert crawl.elapsed < 60, crawl.elapsed
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kib < 1024 * 1024, f"a child process peaked at {peak_kib} KiB"


def test_every_failure_is_stored_with_its_kind_and_logged_with_source_and_url(crawl):
    kinds = {url: (r["kind"], r["status"]) for url, r in crawl.failures.items()}
    assert kinds == {
        MFA + "2": ("http", 410),
        MFA + "3": ("http", 429),  # after 2 retries, each waiting Retry-After: 1
        MFA + "4b": ("redirect", None),  # 4 -> 4b -> 4
        MFA + "6": ("network", None),  # 20 MB > DOWNLOAD_MAXSIZE
        MFA + "7": ("parse", 200),  # an empty 200
        MFA + "18": ("network", None),  # connection reset
        MFA + "19": ("network", None),  # body cut short
        "https://badrss.example.tm/rss/": ("parse", 200),
        "https://bomb.example.uz/rss/": ("parse", 200),
        "https://bombmap.example.tj/sitemap.xml": ("parse", 200),
        "https://api.example.kz/api/v1/public/content-manager/news?page=1&size=5&projects=eq:mfa": (
            "parse",
            200,
        ),
    }
    messages = {url: r["message"] for url, r in crawl.failures.items()}
    assert f"{MFA}4 -> {MFA}4b -> {MFA}4" in messages[MFA + "4b"]
    assert "larger than download max size" in messages[MFA + "6"]
    assert "empty page" in messages[MFA + "7"]
    assert "ConnectionLost" in messages[MFA + "18"]
    assert messages[MFA + "19"] == "response cut short"
    assert "not well-formed XML (read leniently)" in messages["https://badrss.example.tm/rss/"]
    assert "undefined entity" in messages["https://bomb.example.uz/rss/"]
    assert "amplification" in messages["https://bombmap.example.tj/sitemap.xml"]
    assert "did not answer JSON" in next(m for u, m in messages.items() if "api.example" in u)
    for url, row in crawl.failures.items():
        logged = [line for line in crawl.result.stderr.splitlines() if url in line]
        assert any(f"{row['source']}: " in line for line in logged), url


def test_retries_give_up_on_429_reset_and_cut_short_bodies(crawl):
    stderr = crawl.result.stderr
    for n in ("3", "18", "19"):
        assert f"Gave up retrying <GET {MFA}{n}> (failed 3 times)" in stderr, n
    assert f"<GET {MFA}2>" not in stderr  # 410 is not retried


def test_good_articles_are_stored_correctly_decoded(crawl):
    titles = {url: row["title"] for url, row in crawl.articles.items()}
    assert titles[MFA + "8"] == "Заместитель Министра иностранных дел принял Посла Венгрии"
    assert titles[MFA + "9"] == "Казахстан и Киргизия обсудили вопросы делимитации границы"
    assert titles[MFA + "10"] == (
        "Министр принял участие в заседании Совета министров иностранных дел СНГ"
    )
    assert titles[MFA + "11"] == "Состоялся брифинг официального представителя МИД"
    assert titles[MFA + "13"] == (
        "Қазақстан мен Моңғолия сыртқы істер министрліктері консультациялар өткізді"
    )
    assert crawl.articles[MFA + "13"]["language"] == "kk"
    assert not crawl.articles[MFA + "13"]["title"].startswith("\ufeff")
    assert "Журналисты задали вопросы" in crawl.articles[MFA + "11"]["body"]  # KOI8-R, bare
    # invalid UTF-8: the bad bytes become U+FFFD, the rest of the page is intact
    invalid = crawl.articles[MFA + "12"]
    assert invalid["title"] == "Казахстан и Туркменистан подписали план консультаций на 2027 год"
    assert "регулярные встречи на уровне заместителей министров" in invalid["body"]
    assert "undecodable bytes (7 replaced)" in crawl.result.stderr
    assert invalid["published"] == "2026-11-20T09:00:00Z"
    # the redirect to another host is followed; the article keeps the final URL
    moved = crawl.articles["https://www.other.example.org/ru/news/5"]
    assert moved["source"] == "mfa_faults"
    assert moved["title"] == "Состоялись казахстанско-узбекские политические консультации"
    assert MFA + "5" not in crawl.articles


def test_control_characters_never_reach_the_store(crawl):
    row = crawl.articles[MFA + "14"]
    assert row["title"] == "Посол Казахстана провел встречу с руководством МИД Индии"
    assert "секретарем МИД Индии по делам Запада" in row["body"]
    for url, article in crawl.articles.items():
        for column in ("title", "body", "summary", "body_html"):
            assert not CONTROL.search(article[column] or ""), (url, column)


def test_broken_html_is_read_as_a_browser_would(crawl):
    unclosed = crawl.articles[MFA + "15"]  # unclosed h1, p, b, i, div, table
    assert unclosed["title"] == "Брифинг по итогам визита в Китай"
    assert "меморандум о сотрудничестве в области туризма" in unclosed["body"]
    assert "Следующий раунд консультаций состоится весной 2027 года" in unclosed["body"]
    assert unclosed["published"] == "2026-11-17T04:45:00Z"
    # an unclosed <title> swallows the page: the title is kept, no markup, no body
    swallowed = crawl.articles[MFA + "20"]
    assert swallowed["title"] == "Брифинг по итогам визита в Китай"
    assert swallowed["body"] == ""
    assert f"no body text extracted from {MFA}20" in crawl.result.stderr


def test_the_entity_bombs_do_not_expand(crawl):
    for article in crawl.articles.values():
        assert "lollol" not in article["title"] + article["body"], article["url"]
    # the feed is read leniently: the entity stays an unexpanded literal
    assert crawl.articles["https://bomb.example.uz/ru/news/1"]["title"] == "&lol9;"
    good = crawl.articles["https://bomb.example.uz/ru/news/2"]
    assert good["title"] == "МИД Узбекистана провел брифинг по итогам визита в Китай"
    assert not [u for u in crawl.articles if "bombmap.example.tj" in u]  # sitemap refused


def test_a_feed_that_is_not_well_formed_is_read_leniently(crawl):
    article = crawl.articles["https://badrss.example.tm/ru/news/1"]
    assert article["title"] == "Министр иностранных дел Туркменистана встретился с Послом Японии"
    assert article["published"] == "2026-11-23T06:00:00Z"
    assert not [u for u in crawl.articles if u.endswith("/ru/news/2") and "badrss" in u]


def test_dates_in_the_future_and_in_1970_are_flagged(crawl):
    def dated(url):
        row = crawl.articles[url]
        return row["published"], row["published_from"], row["date_flag"], row["claimed_published"]

    first_seen = "2026-11-28T00:00:00Z"
    assert dated(MFA + "16") == (first_seen, "first_seen", "future", "2031-12-01T05:00:00Z")
    # a page's "01.01.1970" is refused by the date parser (years before 1990): no date
    assert dated(MFA + "17") == (first_seen, "first_seen", "missing", None)
    assert f"unreadable date '01.01.1970, 06:00' on {MFA}17" in crawl.result.stderr
    feed = "https://dates.example.kg/ru/news/"
    assert dated(feed + "1") == (first_seen, "first_seen", "too_old", "1970-01-01T00:00:00Z")
    assert dated(feed + "2") == (first_seen, "first_seen", "future", "2031-12-01T04:00:00Z")
    assert dated(feed + "3") == ("2026-11-26T09:00:00Z", "feed", None, None)


def test_each_source_health_says_what_happened(crawl):
    status = {source: row["status"] for source, row in crawl.stats.items()}
    assert status == {
        "mfa_faults": "degraded",
        "badrss": "degraded",
        "bombrss": "degraded",
        "bombmap": "broken",
        "htmlapi": "broken",
        "datesrss": "ok",
    }
    mfa = crawl.stats["mfa_faults"]
    assert (mfa["failed"], mfa["new"], mfa["undated"]) == (7, 13, 1)
    assert "mfa_faults     degraded" in crawl.result.stdout and "failed=7" in crawl.result.stdout
    assert set(crawl.articles) == {
        *(MFA + n for n in ("1", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "20")),
        "https://www.other.example.org/ru/news/5",
        "https://badrss.example.tm/ru/news/1",
        "https://bomb.example.uz/ru/news/1",
        "https://bomb.example.uz/ru/news/2",
        *(f"https://dates.example.kg/ru/news/{n}" for n in (1, 2, 3)),
    }


def test_the_store_is_intact(crawl):
    conn = sqlite3.connect(crawl.db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_pages_that_fail_on_a_recrawl_keep_what_was_stored(crawl):
    """Crawl the same store again with good pages now failing: nothing stored is lost."""
    db = crawl.root / "recrawl.db"
    shutil.copy(crawl.db, db)
    site = crawl.root / "site_again"
    shutil.copytree(crawl.site, site)
    manifest = site / "responses.toml"
    text = manifest.read_text(encoding="utf-8")
    # the Japan talks page now resets the connection; the Hungary one is an empty 200
    first = f'url = "{MFA}1"\n'
    text = text.replace(first, first + 'fault = "reset"\n')
    text = text.replace('file = "cp1251_header.html"', 'body = ""')
    manifest.write_text(text, encoding="utf-8")
    before = store_rows(db, "SELECT url, title, body, content_hash FROM articles ORDER BY url")
    # seven hours on: the articles are recent (within the 48 h window) and due for a
    # revisit (seen more than DIPLOFEED_REVISIT_EVERY_HOURS, 6, ago), so asked for again
    later = (datetime.fromisoformat(AS_OF) + timedelta(hours=7)).isoformat()
    again = _crawl(site, db, as_of=later)
    assert again.result.returncode == 3, again.result.stdout + again.result.stderr
    after = store_rows(db, "SELECT url, title, body, content_hash FROM articles ORDER BY url")
    assert after == before
    runs = store_rows(db, "SELECT id FROM crawl_runs ORDER BY id")
    latest = store_rows(
        db, "SELECT url, kind FROM crawl_failures WHERE run_id = ?", (runs[-1]["id"],)
    )
    assert {(r["url"], r["kind"]) for r in latest} >= {(MFA + "1", "network"), (MFA + "8", "parse")}
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


RETRY_REGISTRY = """
[[source]]
id = "busy_mfa"
name = "A ministry that asks crawlers to wait (test)"
country = "KG"
kind = "mfa"
languages = ["ru"]
timezone = "Asia/Bishkek"
strategy = "rss"
homepage = "https://busy.example.kg/"
start_urls = ["https://busy.example.kg/rss/"]
"""
RETRY_FEED = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>МИД КР</title><link>https://busy.example.kg/</link><description>Новости</description>
<item><title>Министр иностранных дел принял Посла Турции</title>
<link>https://busy.example.kg/news/1</link><pubDate>Thu, 26 Nov 2026 08:00:00 +0000</pubDate></item>
<item><title>Консультации МИД Кыргызстана и Казахстана</title>
<link>https://busy.example.kg/news/2</link><pubDate>Thu, 26 Nov 2026 09:00:00 +0000</pubDate></item>
</channel></rss>"""
RETRY_RESPONSES = """
[[response]]
url = "https://busy.example.kg/rss/"
file = "rss.xml"
content_type = "application/rss+xml; charset=utf-8"

[[response]]
url = "https://busy.example.kg/news/1"
status = 429
body = "Too Many Requests"
headers = { "Retry-After" = "2" }

[[response]]
url = "https://busy.example.kg/news/2"
status = 503
body = "Service Unavailable"
headers = { "Retry-After" = "3600" }
"""


def test_retry_after_is_honoured_on_429_and_503(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "responses.toml").write_text(RETRY_RESPONSES, encoding="utf-8")
    (site / "rss.xml").write_text(RETRY_FEED, encoding="utf-8")
    registry = tmp_path / "sources.toml"
    registry.write_text(RETRY_REGISTRY, encoding="utf-8")
    crawl = _crawl(site, tmp_path / "retry.db", registry, log_level="INFO")
    result, elapsed = crawl.result, crawl.elapsed
    # 429, Retry-After: 2: two retries, each two seconds after the answer before
    assert "Gave up retrying <GET https://busy.example.kg/news/1> (failed 3 times)" in result.stderr
    assert result.stderr.count("busy.example.kg/news/1: waiting 2.0 s as Retry-After asks") == 2
    assert elapsed > 4
    # 503, Retry-After: an hour: not retried in this crawl, said so
    assert "news/2 asks to retry in 3600 s (Retry-After): not in this crawl" in result.stderr
    assert "Gave up retrying <GET https://busy.example.kg/news/2>" not in result.stderr
    failures = {url: row["status"] for url, row in crawl.failures.items()}
    assert failures == {
        "https://busy.example.kg/news/1": 429,
        "https://busy.example.kg/news/2": 503,
    }


LINKS_REGISTRY = RETRY_REGISTRY.replace("busy_mfa", "links_mfa").replace("busy.", "links.")
LINKS_FEED = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>МИД КР</title><link>https://links.example.kg/</link><description>Новости</description>
{items}</channel></rss>"""
# a host ending in a number is an IPv4 address to a URL parser: "1.2.3.999" and
# "example.0" are none (w3lib 2.6 raises on them), "0x7f.1" disguises 127.0.0.1
LINKS = [
    "https://links.example.kg/news/1",
    "https://1.2.3.999/news/2",
    "https://example.0/news/3",
    "https://0x7f.1/news/4",
    "http://[::1/news/5",
    "https://links.example.kg/news/6",
]
LINKS_PAGE = """<!doctype html><html lang="ru"><head><meta charset="utf-8">
<title>Консультации МИД Кыргызстана и Казахстана ({n})</title></head><body><article>
<h1>Консультации МИД Кыргызстана и Казахстана ({n})</h1><span class="date">26.11.2026, 1{n}:00</span>
<div class="text"><p>БИШКЕК, 26 ноября. Состоялись консультации министерств иностранных дел
Кыргызской Республики и Республики Казахстан ({n}).</p></div></article></body></html>"""


def test_a_link_no_browser_opens_is_a_failure_and_the_links_after_it_are_followed(tmp_path):
    """A feed's links to hosts no URL parser reads are each one ``parse`` failure with
    the source and the link; the good links before and after them are crawled, and the
    source says degraded, not ok (before, the first such link ended the page's links)."""
    site = tmp_path / "site"
    site.mkdir()
    items = "".join(
        f"<item><title>Консультации ({n})</title><link>{link}</link>"
        f"<pubDate>Thu, 26 Nov 2026 0{n}:00:00 +0000</pubDate></item>\n"
        for n, link in enumerate(LINKS, 1)
    )
    (site / "rss.xml").write_text(LINKS_FEED.format(items=items), encoding="utf-8")
    feed = (
        'recorded = 2026-11-28T00:00:00Z\n[[response]]\nurl = "https://links.example.kg/rss/"\n'
        'file = "rss.xml"\ncontent_type = "application/rss+xml; charset=utf-8"\n'
    )
    responses = [feed]
    for n in (1, 6):
        (site / f"{n}.html").write_text(LINKS_PAGE.format(n=n), encoding="utf-8")
        responses.append(
            f'[[response]]\nurl = "https://links.example.kg/news/{n}"\nfile = "{n}.html"\n'
            'content_type = "text/html; charset=utf-8"\n'
        )
    (site / "responses.toml").write_text("\n".join(responses), encoding="utf-8")
    registry = tmp_path / "sources.toml"
    registry.write_text(
        LINKS_REGISTRY + '\n[source.extract]\ndate = ".date"\nbody = ".text"\n', encoding="utf-8"
    )
    crawl = _crawl(site, tmp_path / "links.db", registry)
    assert set(crawl.articles) == {
        "https://links.example.kg/news/1",
        "https://links.example.kg/news/6",
    }, crawl.result.stderr
    assert {url: row["kind"] for url, row in crawl.failures.items()} == dict.fromkeys(
        LINKS[1:5], "parse"
    )
    for link in LINKS[1:5]:
        assert f"links_mfa: parse failure on {link}: not a readable http(s) link" in (
            crawl.result.stderr
        )
    assert "Traceback" not in crawl.result.stderr
    # degraded, not broken: the source yielded articles, so the crawl's status is 0
    assert crawl.stats["links_mfa"]["status"] == "degraded"
    assert crawl.result.returncode == 0, crawl.result.stdout + crawl.result.stderr


def test_a_full_text_feeds_item_with_a_link_no_browser_opens_is_a_failure_not_the_feeds(
    tmp_path,
):
    """A full-text feed's items are its articles: an item whose link no browser opens is
    a ``parse`` failure of the feed naming the link, and the items after it are stored
    (before, the crawl's incremental check raised on it and the whole feed was lost while
    the source said ok)."""
    site = tmp_path / "site"
    site.mkdir()
    items = "".join(
        f"<item><title>Консультации МИД Кыргызстана и Казахстана ({n})</title><link>{link}</link>"
        f"<description>БИШКЕК. Состоялись консультации министерств иностранных дел Кыргызской "
        f"Республики и Республики Казахстан ({n}).</description>"
        f"<pubDate>Thu, 26 Nov 2026 0{n}:00:00 +0000</pubDate></item>\n"
        for n, link in enumerate(LINKS, 1)
    )
    (site / "rss.xml").write_text(LINKS_FEED.format(items=items), encoding="utf-8")
    (site / "responses.toml").write_text(
        'recorded = 2026-11-28T00:00:00Z\n[[response]]\nurl = "https://links.example.kg/rss/"\n'
        'file = "rss.xml"\ncontent_type = "application/rss+xml; charset=utf-8"\n',
        encoding="utf-8",
    )
    registry = tmp_path / "sources.toml"
    registry.write_text(LINKS_REGISTRY + "full_text = true\n", encoding="utf-8")
    crawl = _crawl(site, tmp_path / "links.db", registry)
    assert set(crawl.articles) == {
        "https://links.example.kg/news/1",
        "https://links.example.kg/news/6",
    }, crawl.result.stderr
    for link in LINKS[1:5]:
        assert f"its link is no readable http(s) link: {link!r}" in crawl.result.stderr
    assert "Traceback" not in crawl.result.stderr
    assert crawl.stats["links_mfa"]["status"] == "degraded"
    assert crawl.result.returncode == 0, crawl.result.stdout + crawl.result.stderr
