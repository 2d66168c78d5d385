"""Fuzzing (issue #7, hypothesis): extraction, date parsing, feed building and the feed
server's query parsing never crash on any input; they answer with their documented
errors only, and what they build stays valid."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract import parse_article
from crawler.extract.dates import parse_date
from crawler.registry import load_registry
from diplofeed.errors import ExtractionError
from feeds.build import FeedSpec, build_feed
from feeds.query import PARAMETERS, BadQuery, Vocabulary, parse_query

SOURCES = load_registry()
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text as pages and users write it, and worse: Cyrillic, Kazakh and Uzbek letters, digits,
# date words, markup, control characters, lone surrogates are not valid str for lxml...
WORDS = st.sampled_from(
    [
        "26 ноября 2026",
        "сегодня, 14:30",
        "вчера",
        "2026-11-26T10:00:00+05:00",
        "Nov 26, 2026",
        "26.11.2026",
        "<p>",
        "</div>",
        "<script>",
        "&amp;",
        "&#0;",
        "]]>",
        "Министр",
        "Қазақстан",
        "Oʻzbekiston",
        "\x00",
        "\x0b",
        "\ufffe",
        "\u200b",
        "\r\n",
        "00:00",
        "31.02.2026",
        "1970",
        "9999-12-31",
        "ГЭС-1",
        "<h1>",
        "<time datetime='x'>",
        "<meta property='og:title'>",
    ]
)
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=30)), max_size=30).map(" ".join)


@FAST
@given(html=TEXT, source=st.sampled_from(sorted(SOURCES)))
def test_extraction_never_crashes(html, source):
    try:
        article = parse_article(html, "https://example.kz/news/1", SOURCES[source], now=NOW)
    except ExtractionError:
        return
    assert isinstance(article.title, str) and isinstance(article.body, str)
    assert article.published is None or article.published.tzinfo is not None


@FAST
@given(text=TEXT, zone=st.sampled_from(["Asia/Almaty", "Asia/Bishkek", "Asia/Tashkent", "UTC"]))
def test_date_parsing_never_crashes_and_is_aware(text, zone):
    found = parse_date(text, ZoneInfo(zone), now=NOW)
    assert found is None or found.tzinfo is not None


ROW = st.fixed_dictionaries(
    {
        "id": st.integers(1, 10**9),
        "story_id": st.integers(1, 10**9),
        "url": st.just("https://www.gov.kz/news/1"),
        "title": TEXT.filter(lambda t: t.strip()),
        "body": TEXT,
        "body_html": TEXT,
        "summary": TEXT,
        "published": st.datetimes(
            min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
        ).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
        "countries": st.just('["KZ"]'),
        "language": st.sampled_from(["ru", "kk", "uz", None]),
        "source_name": TEXT,
    }
)


@FAST
@given(rows=st.lists(ROW, max_size=4, unique_by=lambda r: r["id"]), title=TEXT)
def test_feeds_built_from_any_text_stay_valid(rows, title):
    spec = FeedSpec("fuzz", title or "t", title, "http://127.0.0.1/f.rss", "http://127.0.0.1/")
    for fmt in ("rss", "atom"):
        parsed = feedparser.parse(build_feed(spec, rows, fmt))
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert len(parsed.entries) == len(rows)
    assert len(json.loads(build_feed(spec, rows, "json"))["items"]) == len(rows)


WORDS_KNOWN = Vocabulary(
    sources=frozenset({"mfa_kz", "kabar"}),
    countries=frozenset({"KZ", "KG"}),
    topics=frozenset({"borders"}),
    event_types=frozenset({"visit"}),
    languages=frozenset({"ru", "en"}),
)
NAMES = st.sampled_from([*PARAMETERS, "x", ""])  # every parameter, and unknown ones


@FAST
@given(params=st.dictionaries(NAMES, st.lists(TEXT, min_size=1, max_size=3), max_size=6))
def test_query_parsing_answers_a_query_or_a_bad_query(params):
    try:
        query = parse_query(params, WORDS_KNOWN, now=NOW)
    except BadQuery as exc:
        assert "\n" not in str(exc)
        return
    assert 1 <= query.spec.limit <= 500
    try:
        query.keep({"title": "Министр иностранных дел", "body": "Астана, 28 ноября."})
    except BadQuery:
        pass


@pytest.fixture(scope="module")
def client(demo):
    from starlette.testclient import TestClient

    from feeds.server import create_app

    with TestClient(create_app(demo.db)) as test_client:
        yield test_client


@pytest.mark.crawl
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.lists(st.tuples(NAMES, TEXT), max_size=4))
def test_the_server_answers_200_or_400_never_500(client, query):
    response = client.get("/feed.rss", params=query)
    assert response.status_code in (200, 400), response.text[:300]
