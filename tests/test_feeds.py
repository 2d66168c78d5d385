"""Feed building: parsed back with feedparser and lxml (issue #2)."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

import feedparser
import pytest
from lxml import etree

from feeds import FeedSpec, build_feed, sanitize_html, tag_uri, write_if_changed

INFO = {"store_key": "ab12cd34", "created": "2026-11-28T00:00:00Z"}


def row(ident, published, **over):
    base = {
        "id": ident,
        "story_id": 100 + ident,
        "url": f"https://www.kt.kz/rus/politics/a_{ident}.html",
        "title": f"Переговоры {ident}",
        "published": published,
        "updated": None,
        "summary": "Стороны обсудили сотрудничество.",
        "body": "Текст.",
        "body_html": "<p>Текст статьи.</p>",
        "image": "https://www.kt.kz/uploads/1.jpg",
        "source_name": "Kazakhstan Today",
        "source_homepage": "https://www.kt.kz/",
        "country": "KZ",
        "language": "ru",
    }
    return {**base, **over}


def spec(**over):
    return FeedSpec(
        **{
            "name": "all",
            "title": "diplofeed",
            "description": "test",
            "self_url": "http://127.0.0.1:8080/all.rss",
            "home_url": "http://127.0.0.1:8080/",
            "store_info": INFO,
            **over,
        }
    )


ROWS = [
    row(2, "2026-11-26T07:10:00Z"),
    row(1, "2026-11-25T06:00:00Z", updated="2026-11-27T01:00:00Z"),
]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feed_parses_with_ids_dates_and_order(fmt):
    parsed = feedparser.parse(build_feed(spec(), ROWS, fmt))
    assert not parsed.bozo, parsed.get("bozo_exception")
    ids = [e.id for e in parsed.entries]
    assert ids == [tag_uri(INFO, "article", 2), tag_uri(INFO, "article", 1)]
    assert all(i.startswith("tag:diplofeed,2026-11-28:ab12cd34/") for i in ids)
    first = parsed.entries[0]
    assert first.link == ROWS[0]["url"] and first.title == "Переговоры 2"
    published = datetime.fromtimestamp(calendar.timegm(first.published_parsed), UTC)
    assert published == datetime(2026, 11, 26, 7, 10, tzinfo=UTC)
    # the feed's own date is its newest item's (an edit counts), never the build time
    updated = parsed.feed.get("updated_parsed")
    assert datetime.fromtimestamp(calendar.timegm(updated), UTC) == datetime(
        2026, 11, 27, 1, 0, tzinfo=UTC
    )


def test_rss_guid_is_not_a_permalink_and_story_mode_uses_story_ids():
    xml = etree.fromstring(build_feed(spec(one_per_story=True), ROWS, "rss"))
    guids = xml.findall(".//item/guid")
    assert [g.get("isPermaLink") for g in guids] == ["false", "false"]
    assert guids[0].text == tag_uri(INFO, "story", 102)
    # RSS <channel><link> is the site, not the self link (feedgen's last-link rule)
    assert xml.find("channel/link").text == "http://127.0.0.1:8080/"


def test_atom_links_say_which_is_the_article_and_which_the_image():
    xml = etree.fromstring(build_feed(spec(), ROWS[:1], "atom"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    links = {link.get("rel"): link for link in xml.findall("a:entry/a:link", ns)}
    assert links["alternate"].get("href") == ROWS[0]["url"]
    assert links["enclosure"].get("href") == ROWS[0]["image"]
    assert links["enclosure"].get("type") == "image/jpeg"


def test_same_rows_same_bytes():
    assert build_feed(spec(), ROWS, "rss") == build_feed(spec(), ROWS, "rss")
    assert build_feed(spec(), ROWS, "atom") == build_feed(spec(), ROWS, "atom")


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_hostile_text_and_html_are_made_safe(fmt):
    nasty = row(
        3,
        "2026-11-26T07:10:00Z",
        title="Визит <Узбекистан> & \x00\x0b Ташкент\ufffe",
        summary="<script>alert(1)</script> итоги \x1f",
        body_html='<p onclick="x()">Текст<script>alert(1)</script><style>p{}</style>'
        '<a href="javascript:alert(1)">ссылка</a><img src="https://a/b.jpg" onerror="x()"></p>\x00',
    )
    data = build_feed(spec(), [nasty], fmt)
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    entry = parsed.entries[0]
    assert entry.title == "Визит <Узбекистан> & Ташкент"
    content = entry.content[0].value
    for bad in ("<script", "onclick", "onerror", "javascript:", "<style"):
        assert bad not in content and bad.encode() not in data.lower()


def test_empty_feed_is_valid_and_stable():
    data = build_feed(spec(), [], "atom")
    assert not feedparser.parse(data).bozo
    assert data == build_feed(spec(), [], "atom")


def test_sanitize_keeps_structure():
    assert sanitize_html('<p>a <b>b</b> <a href="https://x.kz/">c</a></p>') == (
        '<p>a <b>b</b> <a href="https://x.kz/" rel="noopener noreferrer">c</a></p>'
    )


def test_write_if_changed(tmp_path):
    path = tmp_path / "all.rss"
    assert write_if_changed(path, b"one") is True
    stamp = path.stat().st_mtime_ns
    assert write_if_changed(path, b"one") is False
    assert path.stat().st_mtime_ns == stamp
    assert write_if_changed(path, b"two") is True and path.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["all.rss"]  # no temp files left


def test_an_item_without_a_summary_gets_the_bodys_opening():
    from feeds.build import _summary

    body = "Астана, 28 ноября. " + "Министр иностранных дел провел переговоры. " * 20
    summary = _summary({"summary": "", "body": body})
    assert summary.startswith("Астана, 28 ноября.") and summary.endswith("…")
    assert len(summary) <= 300 and " " not in summary[-2:]
    assert _summary({"summary": "Своё резюме", "body": body}) == "Своё резюме"
    assert _summary({"summary": None, "body": "x" * 400}).endswith("…")
