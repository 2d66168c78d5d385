"""``diplofeed extract URL --replay`` prints what a crawl of the replay copies stores (issue
#14): for every article the demo's crawl stored, the document it came from is read as
``extract`` reads it (crawler/extracting.py: the same charset repair, parser dispatch and
clock), written into a fresh store, and the row compared with the crawled store's."""

from __future__ import annotations

import json

import pytest
from scrapy.http import TextResponse
from scrapy.responsetypes import responsetypes

from crawler.extracting import document_kind, extract_document
from crawler.fetch import request_headers
from storage import Store, canonical_url, clean_text

from .conftest import run_cli, store_rows

pytestmark = pytest.mark.crawl

# The columns an article's document decides (ids, stories and crawl times do not).
COLUMNS = (
    "canonical_url, url, title, body, summary, language, published, published_from, "
    "date_flag, claimed_published, author, image, content_hash, relevant, countries, "
    "topics, tagged_event_type, published_precision, published_day"
)


def read(entry, source, now, language=None):
    """``extract`` of one recorded response, decoded first as Scrapy decodes what the
    crawl downloads (its response class chosen from the headers and body)."""
    response_class = responsetypes.from_args(headers=entry.headers, url=entry.url, body=entry.body)
    response = response_class(url=entry.url, body=entry.body, headers=entry.headers)
    return extract_document(
        entry.body,
        entry.url,
        source,
        content_type=entry.headers.get("Content-Type", ""),
        header_text=response.text if isinstance(response, TextResponse) else None,
        now=now,
        language=language,
    )


def listed_articles(source, archive, now):
    """The articles of every document of a source that lists whole articles (an API, a
    Telegram channel, a full-text feed), by canonical URL."""
    found = {}
    for entry in archive.responses():
        host = (entry.url.split("/")[2]).removeprefix("www.")
        if entry.status != 200 or entry.fault or host not in source.hosts:
            continue
        if entry.url.endswith("/robots.txt") or document_kind(entry.body, source) == "article":
            continue  # not what this source lists articles in
        language = entry.match_headers.get("Accept-Language")
        report = read(entry, source, now, language)
        for article in report.get("articles", []):
            found.setdefault(article["canonical_url"], article)
    return found


def stored_as_extracted(article, registry, now):
    with Store(":memory:") as store:
        store.sync_sources(s.as_row() for s in registry.values())
        store.save_article(article, now=now)
        return store_rows_of(store)


def store_rows_of(store):
    return next(dict(r) for r in store.db.query(f"SELECT {COLUMNS} FROM articles"))  # noqa: S608


def test_extract_reads_every_replay_article_as_the_crawl_stored_it(demo, registry, archive, capsys):
    now = archive.recorded
    crawled = store_rows(
        demo.db,
        f"SELECT {COLUMNS}, source FROM articles WHERE first_seen = "  # noqa: S608
        "(SELECT min(first_seen) FROM articles) ORDER BY canonical_url",
    )
    assert len(crawled) > 150
    listed: dict[str, dict] = {}
    for row in crawled:
        source = registry[row.pop("source")]
        whole = source.strategy in ("api", "telegram") or (
            source.strategy == "rss" and source.full_text
        )
        if whole:
            if source.id not in listed:
                listed[source.id] = listed_articles(source, archive, now)
            article = listed[source.id].get(row["canonical_url"])
            assert article is not None, f"extract finds no {row['canonical_url']}"
        else:
            entry = archive.lookup(row["url"], request_headers(source, row["url"]))
            assert entry is not None, row["url"]
            report = read(entry, source, now)
            assert report["kind"] == "article", (row["url"], report["kind"])
            article = report["article"]
        stored = stored_as_extracted(article, registry, now)
        assert canonical_url(article["url"]) == row["canonical_url"]
        assert stored == row, row["url"]
    with capsys.disabled():
        print(f"\nextract read the {len(crawled)} stored articles as the crawl stored them")


def test_extract_command_with_replay_prints_the_stored_article(demo):
    """The command itself, end to end: fetched through the replay server, read on the
    copies' recording time, as the crawl read it."""
    row = store_rows(
        demo.db,
        "SELECT url, title, body, published FROM articles WHERE source = 'kt_kz' "
        "AND published_from != 'first_seen' ORDER BY url LIMIT 1",
    )[0]
    result = run_cli("extract", row["url"], "--replay")
    assert result.returncode == 0, result.stderr[-2000:]
    article = json.loads(result.stdout)["article"]
    assert article["title"] == row["title"]
    assert article["published"] == row["published"]
    assert clean_text(article["body"]) == row["body"]
