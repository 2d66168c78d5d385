"""Feed building: parsed back with feedparser and lxml (issue #2)."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime

import feedparser
import pytest
from lxml import etree

from feeds import FeedSpec, build_feed, sanitize_html, tag_uri, write_if_changed
from feeds.publish import feed_scope
from feeds.query import Vocabulary, parse_query

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


# -- issue 15: GUIDs per feed, reader metadata, RSSHub's brief --------------------------

WORDS15 = Vocabulary(
    sources=frozenset({"kt_kz"}),
    countries=frozenset({"KZ", "UZ"}),
    topics=frozenset({"water_energy"}),
    event_types=frozenset({"visit"}),
    languages=frozenset({"en", "ru"}),
)
NOW15 = datetime(2026, 11, 28, tzinfo=UTC)


def query(**params):
    return parse_query({k: [v] for k, v in params.items()}, WORDS15, now=NOW15)


def test_a_feed_scope_is_its_name_unless_the_query_changes_what_it_selects():
    own = query(country="KZ", unique="story")
    assert feed_scope("kazakhstan", own, own) == "kazakhstan"
    # how many, and how they are shown, do not change the items' identity
    shown = query(country="KZ", unique="story", limit="5", format="atom", brief="200")
    assert feed_scope("kazakhstan", shown, own) == "kazakhstan"
    narrowed = query(country="KZ", unique="story", lang="en")
    assert feed_scope("kazakhstan", narrowed, own).startswith("kazakhstan.")
    # the version of a story a feed shows is part of its identity
    preferring = query(country="KZ", unique="story")
    preferring.spec.prefer_languages = ["en"]
    assert feed_scope("kazakhstan", preferring, own) not in (
        "kazakhstan",
        feed_scope("kazakhstan", narrowed, own),
    )
    # a feed by parameters: the same parameters, the same scope, in any order
    assert feed_scope("feed", query(country="KZ", topic="water_energy")) == feed_scope(
        "feed", parse_query({"topic": ["water_energy"], "country": ["KZ"]}, WORDS15, now=NOW15)
    )
    assert tag_uri(INFO, "story", 8, "all") == "tag:diplofeed,2026-11-28:ab12cd34/all/story/8"


def test_two_feeds_give_one_story_two_guids():
    rows = [row(1, "2026-11-25T06:00:00Z")]
    guids = {
        etree.fromstring(build_feed(spec(one_per_story=True, scope=name), rows)).findtext(
            "channel/item/guid"
        )
        for name in ("all", "english")
    }
    assert guids == {
        "tag:diplofeed,2026-11-28:ab12cd34/all/story/101",
        "tag:diplofeed,2026-11-28:ab12cd34/english/story/101",
    }


def test_items_carry_the_publisher_labelled_categories_and_language():
    rows = [
        row(
            1,
            "2026-11-25T06:00:00Z",
            countries='["KZ", "JP"]',
            topics='["water_energy"]',
            event_type="visit",
        )
    ]
    rss = etree.fromstring(build_feed(spec(language="ru"), rows, "rss"))
    dc = "{http://purl.org/dc/elements/1.1/}"
    assert rss.findtext(f"channel/item/{dc}creator") == "Kazakhstan Today"
    assert rss.findtext(f"channel/item/{dc}language") == "ru"
    categories = {c.get("domain").rsplit(":", 1)[1]: c.text for c in rss.iter("category")}
    assert categories["topic"] == "Вода и энергетика" and categories["event_type"] == "Визит"
    assert {c.text for c in rss.iter("category")} >= {"Казахстан", "Япония", "русский"}
    atom = etree.fromstring(build_feed(spec(), rows, "atom"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = atom.find("a:entry", ns)
    assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    assert entry.findtext("a:author/a:name", namespaces=ns) == "Kazakhstan Today"
    assert entry.findtext("a:author/a:uri", namespaces=ns) == "https://www.kt.kz/"
    japan = next(c for c in entry.findall("a:category", ns) if c.get("term") == "JP")
    assert japan.get("scheme") == "tag:diplofeed,2026:country" and japan.get("label") == "Япония"
    english = etree.fromstring(build_feed(spec(language="en"), rows, "atom"))
    assert "Japan" in {
        c.get("label") for c in english.iter("{http://www.w3.org/2005/Atom}category")
    }


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_brief_gives_plain_text_of_at_most_n_characters_and_no_body(fmt):
    long = row(
        1, "2026-11-25T06:00:00Z", body="Слово " * 200, body_html="<p>" + "Слово " * 200 + "</p>"
    )
    data = build_feed(spec(brief=120), [long], fmt)
    if fmt == "json":
        item = json.loads(data)["items"][0]
        assert "content_html" not in item and len(item["content_text"]) <= 120
        return
    entry = feedparser.parse(data).entries[0]
    assert len(entry.summary) <= 120 and entry.summary.endswith("…")
    assert not entry.get("content")
