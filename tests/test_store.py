"""The SQLite store: identity, stories, edits, dates, search, schema (issue #2)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlite_utils

from diplofeed.errors import StorageError
from storage import ArticleFilter, Store

ASTANA = timezone(timedelta(hours=5))
BODY = (
    "Министр иностранных дел Республики Казахстан провел переговоры с Министром иностранных "
    "дел Кыргызской Республики. Стороны обсудили вопросы водопользования и делимитации границы."
)
NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def article(**over):
    base = {
        "source": "kt_kz",
        "url": "https://www.kt.kz/rus/politics/talks_1377996214.html",
        "title": "Главы МИД обсудили границу",
        "body": BODY,
        "published": datetime(2026, 11, 26, 12, 10, tzinfo=ASTANA),
        "language": "ru",
    }
    return {**base, **over}


@pytest.fixture
def store(fresh_store):
    fresh_store.sync_sources(
        [
            {
                "id": "kt_kz",
                "name": "Kazakhstan Today",
                "country": "KZ",
                "kind": "agency",
                "languages": ["ru", "en"],
            },
            {"id": "mfa_kz", "name": "MFA KZ", "country": "KZ", "kind": "mfa", "languages": ["ru"]},
            {
                "id": "kabar",
                "name": "Kabar",
                "country": "KG",
                "kind": "agency",
                "languages": ["en"],
            },
        ]
    )
    return fresh_store


def test_new_then_unchanged_through_tracking_url(store):
    assert store.save_article(article()) == "new"
    again = article(url="http://kt.kz/rus/politics/talks_1377996214.html?utm_source=tg#c")
    assert store.save_article(again) == "unchanged"
    assert store.counts()["articles"] == 1
    row = store.article(1)
    assert row["url"] == "https://www.kt.kz/rus/politics/talks_1377996214.html"
    assert row["published"] == "2026-11-26T07:10:00Z"


def test_edit_updates_in_place_and_keeps_old_version(store):
    store.save_article(article(), now=NOW)
    later = NOW + timedelta(hours=3)
    edited = article(
        body=BODY + " Уточнено: встреча прошла в Астане.",
        published=datetime(2026, 11, 27, 9, 0, tzinfo=ASTANA),
    )
    assert store.save_article(edited, now=later) == "updated"
    row = store.article(1)
    assert row["id"] == 1 and row["story_id"] == 1
    assert row["body"].endswith("в Астане.")
    assert row["published"] == "2026-11-26T07:10:00Z", "a date is stored once, never recomputed"
    assert row["updated"] == "2026-11-28T11:00:00Z"
    versions = store.versions(1)
    assert [v["body"] for v in versions] == [BODY]
    assert [r["id"] for r in store.search("Уточнено")] == [1]  # the index follows the edit


def test_exact_copy_joins_story_and_ministry_is_representative(store):
    store.save_article(article(source="kt_kz"))
    store.save_article(
        article(
            source="mfa_kz",
            url="https://www.gov.kz/x/details/1?lang=ru",
            title="Переговоры министров",
            published=datetime(2026, 11, 26, 11, 30, tzinfo=ASTANA),
        )
    )
    store.save_article(
        article(
            source="kabar",
            url="https://kabar.kg/eng/news/other/",
            body="Completely different text about another Kyrgyz-Uzbek event in Bishkek " * 5,
        )
    )
    rows = store.db.query("SELECT id, story_id FROM articles ORDER BY id")
    stories = [r["story_id"] for r in rows]
    assert stories[0] == stories[1] != stories[2]
    story = next(store.db.query("SELECT * FROM stories WHERE id = ?", [stories[0]]))
    assert story["article_count"] == 2
    assert story["representative_id"] == 2  # the ministry's own post
    one_each = store.query_articles(ArticleFilter(one_per_story=True))
    assert sorted(r["id"] for r in one_each) == [2, 3]


def test_short_bodies_never_join_a_story(store):
    store.save_article(article(body="Фото дня", url="https://www.kt.kz/rus/a_1.html"))
    store.save_article(article(body="Фото дня", url="https://www.kt.kz/rus/b_2.html"))
    assert store.counts()["stories"] == 2


def test_missing_date_stores_first_seen_once(store):
    store.save_article(article(published=None), now=NOW)
    store.save_article(article(published=None, body=BODY + " Правка."), now=NOW + timedelta(days=1))
    row = store.article(1)
    assert (row["published"], row["published_from"]) == ("2026-11-28T08:00:00Z", "first_seen")


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""},
        {"url": None},
        {"source": " "},
        {"published": datetime(2026, 11, 26, 12, 0)},  # naive: its zone would be a guess
        {"published": "26 ноября"},
    ],
)
def test_bad_articles_raise_and_store_nothing(store, bad):
    with pytest.raises(StorageError):
        store.save_article(article(**bad))
    assert store.counts()["articles"] == 0


def test_control_characters_never_reach_the_store(store):
    store.save_article(article(title="Визит\x00 в\x0b Ташкент", body=BODY + "\x1f"))
    row = store.article(1)
    assert row["title"] == "Визит в Ташкент"
    assert "\x1f" not in row["body"]


def test_search_prefix_matches_inflections_and_ignores_fts_syntax(store):
    store.save_article(
        article(title="Визит в Казахстан", body="Переговоры в Казахстане и Кыргызстане " * 5)
    )
    assert [r["id"] for r in store.search("Казахстан")] == [1]
    for hostile in [
        '"',
        "AND OR NOT",
        "title:*",
        "Казахстан)",
        "'; DROP TABLE articles; --",
        "NEAR(",
        "*",
    ]:
        store.search(hostile)  # must not raise
    assert store.counts()["articles"] == 1


def test_query_filters(store):
    store.save_article(article())
    store.save_article(
        article(
            source="kabar",
            url="https://kabar.kg/eng/news/a/",
            language="en",
            body="Kyrgyzstan and Kazakhstan signed a plan of consultations " * 4,
            published=datetime(2026, 11, 20, tzinfo=UTC),
        )
    )
    assert [r["source"] for r in store.query_articles(ArticleFilter(source_countries=["kg"]))] == [
        "kabar"
    ]
    # parties: both posts are about Kazakh-Kyrgyz relations
    assert len(store.query_articles(ArticleFilter(countries=["kg"]))) == 2
    assert store.query_articles(ArticleFilter(countries=["cn"])) == []
    assert [
        r["source"] for r in store.query_articles(ArticleFilter(event_types=["agreement"]))
    ] == ["kabar"]
    assert [r["source"] for r in store.query_articles(ArticleFilter(languages=["ru"]))] == ["kt_kz"]
    since = datetime(2026, 11, 25, tzinfo=UTC)
    assert [r["source"] for r in store.query_articles(ArticleFilter(since=since))] == ["kt_kz"]
    assert [r["source"] for r in store.query_articles(ArticleFilter(query="consultations"))] == [
        "kabar"
    ]
    assert store.query_articles(ArticleFilter(limit=-5)) == []
    newest_first = store.query_articles(ArticleFilter())
    assert [r["source"] for r in newest_first] == ["kt_kz", "kabar"]


def test_file_store_is_wal_with_public_names(db_path):
    with Store(db_path) as store:
        store.sync_sources([{"id": "kt_kz", "name": "KT", "country": "KZ", "kind": "agency"}])
        store.save_article(article())
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    columns = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
    assert {"id", "source", "url", "title", "body", "language", "published", "story_id"} <= columns
    assert {"id"} <= {r[1] for r in conn.execute("PRAGMA table_info(stories)")}
    tables = set(sqlite_utils.Database(conn).table_names())
    assert {"sources", "articles", "stories", "crawl_runs", "articles_fts"} <= tables
    assert list(sqlite_utils.Database(conn)["articles"].search("переговоры"))


def test_reopening_keeps_identity_and_applies_no_migration_twice(db_path):
    with Store(db_path) as store:
        first = store.info()
    with Store(db_path) as store:
        assert store.info() == first
        names = [r["name"] for r in store.db.query("SELECT name FROM _sqlite_migrations")]
    assert len(names) == len(set(names))


def test_not_a_database_is_a_storage_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError):
        Store(path)


def test_runs_and_failures_are_recorded(store):
    run = store.start_run(["kt_kz"], replay=True)
    store.record_failure(run, "kt_kz", "https://www.kt.kz/x", "http", "HTTP 500", 500)
    store.record_source_stats(run, "kt_kz", {"pages": 3, "articles": 2, "new": 2, "failed": 1})
    store.finish_run(run, "finished")
    assert store.failures(run)[0]["status"] == 500
    assert store.run_stats(run)[0]["pages"] == 3


def test_a_publisher_filter_keeps_a_story_first_reported_abroad(store):
    # Kabar (KG) reports first; the Kazakh ministry's identical text joins the story and
    # becomes its representative: the KG publishers' view must still show the story,
    # through Kabar.
    store.save_article(article(source="kabar", url="https://kabar.kg/eng/news/talks/"))
    store.save_article(article(source="mfa_kz", url="https://www.gov.kz/x/details/1?lang=ru"))
    kg = store.query_articles(ArticleFilter(source_countries=["KG"], one_per_story=True))
    kz = store.query_articles(ArticleFilter(source_countries=["KZ"], one_per_story=True))
    both = store.query_articles(ArticleFilter(one_per_story=True))
    assert [r["source"] for r in kg] == ["kabar"]
    assert [r["source"] for r in kz] == ["mfa_kz"]
    assert [r["source"] for r in both] == ["mfa_kz"]
    assert kg[0]["story_id"] == kz[0]["story_id"] == both[0]["story_id"]


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes(x)")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="not a diplofeed store"):
        Store(path)
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_missing_store_is_an_error_when_only_reading(tmp_path):
    with pytest.raises(StorageError, match="no store at"):
        Store(tmp_path / "typo.db", create=False)
    assert not (tmp_path / "typo.db").exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"title": "\\u200b"},
        {"title": "\\x00"},
        {"url": "https://"},
        {"language": ["en"]},
        {"summary": 5},
    ],
)
def test_titles_blank_after_cleaning_and_wrong_types_are_refused(store, bad):
    with pytest.raises(StorageError):
        store.save_article(
            article(
                **{
                    k: (v.encode().decode("unicode_escape") if isinstance(v, str) else v)
                    for k, v in bad.items()
                }
            )
        )


def test_every_crawl_figure_has_its_column(tmp_path):
    """The pipeline counts CRAWL_FIGURES and the store writes them to crawl_source_stats:
    a new figure without its column (or a renamed column) must fail here, not in a crawl."""
    from storage import CRAWL_FIGURES

    with Store(tmp_path / "figures.db") as store:
        columns = set(store.db["crawl_source_stats"].columns_dict)
    assert set(CRAWL_FIGURES) <= columns


def test_an_address_that_redirected_to_an_article_is_known_as_it(store):
    """A listing linking /node/123, which the site redirects to the article's own URL:
    the re-crawl must know the link as the stored article (article_aliases)."""
    url = "https://unrcca.unmissions.org/press-release-srsg-visits-bishkek"
    node = "https://unrcca.unmissions.org/node/100040792"
    assert store.save_article(article(url=url, aliases=(node, url, "not a url")), now=NOW) == "new"
    known = store.first_seen([node, url])
    assert known[node] == known[url] and known[url][0] == "2026-11-28T08:00:00Z"
    rows = list(store.db.query("SELECT canonical_url FROM article_aliases"))
    assert rows == [{"canonical_url": node}]  # not its own URL, not garbage
    # an alias that is itself another stored article's address stays that article's
    other = "https://unrcca.unmissions.org/srsg-meets-foreign-minister"
    store.save_article(article(url=other, title="Другая"), now=NOW)
    store.save_article(article(url=url, aliases=(other,)), now=NOW)
    assert store.first_seen([other])[other][0] == "2026-11-28T08:00:00Z"
    assert next(iter(store.db.query("SELECT count(*) n FROM article_aliases")))["n"] == 1
    assert {row[0] for row in store.known_pages()} == {url, node, other}


def test_an_alias_gives_no_validators_and_yields_to_an_article_of_its_own(store):
    """An alias is asked for without the article's ETag (they are another address's),
    and an address that redirected before but is now a page of its own is that page."""
    url = "https://unrcca.unmissions.org/press-release-srsg-visits-bishkek"
    node = "https://unrcca.unmissions.org/node/100040792"
    store.save_article(article(url=url, aliases=(node,)), now=NOW)
    store.remember_validators(url, '"v1"', None, "2026-11-28T08:00:00Z")
    assert store.first_seen([url])[url][1] == '"v1"'
    assert store.first_seen([node])[node][1:3] == (None, None)
    later = NOW + timedelta(hours=7)
    store.save_article(article(url=node, title="Своя страница", body=BODY + " Иное."), now=later)
    assert store.first_seen([node])[node][0] == "2026-11-28T15:00:00Z"
    assert list(store.db.query("SELECT * FROM article_aliases")) == []
    assert sorted(row[0] for row in store.known_pages()) == sorted([url, node])


def test_opening_a_current_store_migrates_and_does_nothing_else(tmp_path):
    """Issue #14: opening writes nothing to a store already migrated; classifying
    articles without a verdict is an explicit call (or a migration's backfill)."""
    path = tmp_path / "current.db"
    with Store(path) as store:
        store.save_article(article(), now=NOW)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE articles SET relevant = NULL")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.db.conn.total_changes == 0
        assert store.db.execute("SELECT relevant FROM articles").fetchone()[0] is None
        assert store.tag_untagged() == 1
        assert store.db.execute("SELECT relevant FROM articles").fetchone()[0] is not None
