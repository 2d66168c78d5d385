"""Full-text search in every language of the store: inflection, Uzbek apostrophes, FTS5
syntax typed by users, bm25 order, the CLI's JSON and CSV, and `sqlite-utils search`."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys

import pytest
import sqlite_utils
from click.testing import CliRunner

from diplofeed.cli import cli
from storage import ArticleFilter, Store, fts_query
from storage.schema import migrations

from .corpus import ARTICLES, build_store, names_by_url

URLS = names_by_url()
EVERYTHING = ArticleFilter(include_irrelevant=True, limit=100)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("search") / "corpus.db")


@pytest.fixture
def store(corpus_db):
    with Store(corpus_db, create=False) as store:
        yield store


def found(store, query, spec=EVERYTHING):
    return [URLS[row["url"]] for row in store.search(query, limit=100, spec=spec)]


@pytest.mark.parametrize(
    ("word", "query"),
    [
        ("Казахстана", '"казахста"*'),
        ("переговорах", '"переговор"*'),
        ("визит", '"визит"*'),  # the stem "виз" would find виза: too short
        ("МИД", '"мид"'),  # three letters: whole
        ("2024", '"2024"'),
        ("agreements", '"agreement"*'),
        ("daşary", '"daşar"*'),  # English y -> i: only the part as written
        ("вазорати", '"вазорат"*'),  # Tajik izofat
        ("O’zbekistonning", '"o’zbekiston"*'),
        ("Мирзиёев", '("мирзиё"* OR "мирзие"*)'),
    ],
)
def test_each_word_becomes_its_stem_as_a_prefix(word, query):
    assert fts_query(word, cross_script=False) == query


def test_every_word_must_match():
    assert fts_query("Казахстан Китай", cross_script=False) == '"казахста"* AND "кита"*'


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # nominative finds genitive, and genitive finds nominative
        ("Казахстан", {"kz_cn_trade"}),
        ("Казахстана", {"kz_cn_rivers"}),
        ("переговоры", {"kz_cn_trade"}),
        ("переговорах", {"kg_tj_talks"}),
        ("соглашения", {"kz_cn_rivers", "kz_cn_visas"}),
        # a Russian form of a name finds the Kyrgyz text
        ("Кулубаева", {"kg_tj_talks", "kg_uz_ky"}),
        ("negotiations", {"tm_kz_en"}),
        ("agreement", {"kg_uz_water_en"}),
        # Kazakh, Tajik, Turkmen: word beginnings
        ("Республикасы", {"kz_cn_kk", "kg_uz_ky"}),
        ("Қазақстан", {"kz_cn_kk"}),
        ("Тоҷикистон", {"tj_cn_tg", "tj_uz_tg_now"}),
        ("Türkmenistan", {"tm_kz_tk"}),
        ("Turkmenistan", {"tm_kz_tk", "tm_kz_en", "kg_uz_water_en"}),
        # ё in the query finds the name written with е
        ("Мирзиёев", {"uz_kz_mirzieev"}),
    ],
)
def test_inflected_forms_find_each_other(store, query, expected):
    assert expected <= set(found(store, query))


@pytest.mark.parametrize("spelling", ["Oʻzbekiston", "O'zbekiston", "O‘zbekiston", "O’zbekiston"])
def test_every_uzbek_apostrophe_finds_every_other(store, spelling):
    # the three texts write it with U+02BB, an ASCII apostrophe and U+2018
    assert set(found(store, spelling)) == {"uz_kz_uz", "uz_cn_uz", "uz_tm_uz"}
    assert set(found(store, spelling + "ning")) == {"uz_kz_uz", "uz_cn_uz", "uz_tm_uz"}
    assert found(store, spelling.replace("zbekiston", "zbekiston Qozogʻiston")) == ["uz_kz_uz"]


def test_the_index_splits_every_apostrophe_the_same_way(store):
    # Read the index's own terms: one spelling indexed as two words ("o" "zbekiston")
    # whatever the apostrophe, never as one word with U+02BB inside.
    store.db.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, articles_fts, 'row')")
    terms = {row[0] for row in store.db.execute("SELECT term FROM temp.terms")}
    store.db.execute("DROP TABLE temp.terms")
    assert {"o", "zbekiston", "qozog", "iston"} <= terms
    assert not [t for t in terms if "ʻ" in t or "ʼ" in t]


HOSTILE = [
    '"',
    '"Turkmenistan',
    "Turkmenistan*",
    "*",
    "NEAR(Turkmenistan Kazakhstan)",
    "Turkmenistan AND",
    "AND OR NOT",
    "title:Turkmenistan",
    ":",
    "'; DROP TABLE articles; --",
    "(Turkmenistan",
    "^Turkmenistan",
    "-Turkmenistan +",
    "\x00Turkmenistan",
    "''",
    "ʻʻʻ",
    "",
    "   ",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_fts_syntax_is_searched_as_text(store, query):
    rows = store.search(query, limit=100, spec=EVERYTHING)  # must not raise
    store.query_articles(ArticleFilter(query=query, include_irrelevant=True))  # nor a feed's
    result = CliRunner().invoke(cli, ["search", "--db", store.path, "--json", "--", query])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == len(rows)
    assert store.db["articles"].count == 21


def test_operators_are_words(store):
    # "AND" is a word the texts must hold: the English ones have it, the Turkmen one not
    assert set(found(store, "Turkmenistan AND")) == {"tm_kz_en", "kg_uz_water_en"}
    assert set(found(store, '"Turkmenistan')) == set(found(store, "Turkmenistan"))
    assert found(store, "NEAR(Turkmenistan Kazakhstan)") == []  # no text says "near"


def test_a_title_match_ranks_above_a_passing_mention(store):
    # the passing mention is newer: a date order would put it first
    english = ArticleFilter(languages=["en"], include_irrelevant=True)
    rows = store.search("Turkmenistan", spec=english)
    assert [URLS[r["url"]] for r in rows] == ["tm_kz_en", "kg_uz_water_en"]
    assert rows[0]["score"] > rows[1]["score"] > 0
    assert "[Turkmenistan]" in rows[1]["snippet"]


def test_filters_narrow_a_search(store):
    turkmen = ArticleFilter(languages=["tk"], include_irrelevant=True)
    assert found(store, "Turkmenistan", turkmen) == ["tm_kz_tk"]
    before_2024 = ArticleFilter(until=ARTICLES["kz_cn_visas"]["published"], include_irrelevant=True)
    assert found(store, "соглашение", before_2024) == ["kz_cn_visas"]
    kg = ArticleFilter(countries=["KG"], event_types=["meeting"])
    assert set(found(store, "Кулубаев", kg)) == {"kg_tj_talks", "kg_uz_ky"}


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_json_and_csv_carry_the_same_rows(corpus_db):
    args = ("search", "Turkmenistan", "--db", str(corpus_db), "--lang", "en", "--lang", "tk")
    as_json = json.loads(invoke(*args, "--json").output)
    as_csv = list(csv.DictReader(io.StringIO(invoke(*args, "--csv").output)))
    assert [URLS[r["url"]] for r in as_json] == ["tm_kz_tk", "tm_kz_en", "kg_uz_water_en"]
    assert [r["url"] for r in as_csv] == [r["url"] for r in as_json]
    assert list(as_csv[0]) == list(as_json[0])
    assert as_json[1]["countries"] == ["TM", "KZ"] and as_csv[1]["countries"] == "TM,KZ"
    assert as_json[1]["relevant"] is True and as_csv[1]["relevant"] == "1"
    assert "[Turkmenistan]" in as_json[2]["snippet"] == as_csv[2]["snippet"]
    assert float(as_csv[0]["score"]) == as_json[0]["score"]


def test_an_empty_result_is_a_header_or_an_empty_list(corpus_db):
    assert invoke("search", "Антарктида", "--db", str(corpus_db), "--csv").output == (
        "id,source,source_name,url,title,language,published,story_id,relevant,countries,"
        "topics,event_type,score,snippet\n"
    )
    assert json.loads(invoke("search", "Антарктида", "--db", str(corpus_db), "--json").output) == []


def test_dates_in_the_cli_are_whole_days(corpus_db):
    # kg_uz_water_en was published 2026-11-20T09:00Z: --until 2026-11-20 keeps it
    args = ["search", "Turkmenistan", "--db", str(corpus_db), "--lang", "en", "--json"]
    day = json.loads(invoke(*args, "--since", "2026-11-20", "--until", "2026-11-20").output)
    assert [URLS[r["url"]] for r in day] == ["kg_uz_water_en"]
    morning = json.loads(invoke(*args, "--until", "2026-11-20T08:00:00+00:00").output)
    assert [URLS[r["url"]] for r in morning] == ["tm_kz_en"]
    bad = CliRunner().invoke(cli, [*args, "--since", "last week"])
    assert bad.exit_code == 2 and "not an ISO 8601 date" in bad.output
    both = CliRunner().invoke(cli, [*args, "--csv"])
    assert both.exit_code == 2 and "exclude each other" in both.output


def test_the_table_marks_matches(corpus_db):
    output = invoke("search", "переговорах", "--db", str(corpus_db)).output
    assert "Министры иностранных дел Кыргызстана и Таджикистана провели переговоры" in output
    assert "[переговоры]" in output


def sqlite_utils_search(db, *args):
    result = subprocess.run(
        [sys.executable, "-m", "sqlite_utils", "search", str(db), "articles", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return [URLS[row["url"]] for row in json.loads(result.stdout)]


def test_sqlite_utils_search_finds_articles(corpus_db):
    assert sqlite_utils_search(corpus_db, "Кулубаев") == ["kg_uz_ky"]
    assert set(sqlite_utils_search(corpus_db, "Кулубаев*")) == {"kg_uz_ky", "kg_tj_talks"}
    # the tokenizer splits every apostrophe: one spelling finds the others there too
    uzbek = {"uz_kz_uz", "uz_cn_uz", "uz_tm_uz"}
    assert set(sqlite_utils_search(corpus_db, "Oʻzbekiston")) == uzbek
    assert set(sqlite_utils_search(corpus_db, "O'zbekiston", "--quote")) == uzbek


def test_a_store_from_before_m006_is_reindexed(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m006_fts_uzbek_apostrophes")
    db.execute("INSERT INTO sources (id, name, kind) VALUES ('mfa_uz', 'MFA UZ', 'mfa')")
    db.execute("INSERT INTO stories (id, created) VALUES (1, '2026-11-10T04:00:00Z')")
    article = ARTICLES["uz_kz_uz"]
    db.execute(
        "INSERT INTO articles (source, url, canonical_url, title, body, published, "
        "published_from, content_hash, story_id, first_seen, last_seen) "
        "VALUES ('mfa_uz', ?, ?, ?, ?, '2026-11-10T04:00:00Z', 'page', 'x', 1, "
        "'2026-11-10T04:00:00Z', '2026-11-10T04:00:00Z')",
        [article["url"], article["url"], article["title"], article["body"]],
    )
    old = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
    assert db.execute(old, ['"o\'zbekiston"']).fetchone()[0] == 0  # U+02BB was a letter
    db.close()
    with Store(path) as store:
        assert [URLS[r["url"]] for r in store.search("O'zbekiston")] == ["uz_kz_uz"]
        assert store.db["articles"].detect_fts() == "articles_fts"
    with sqlite3.connect(path) as conn:  # the triggers still keep the index in step
        conn.execute("UPDATE articles SET title = 'Qozogʻiston delegatsiyasi' WHERE id = 1")
        hits = conn.execute(old, ['"qozog\'iston"']).fetchone()[0]
    assert hits == 1


def test_an_unknown_country_or_language_is_a_usage_error(corpus_db):
    from click.testing import CliRunner

    from diplofeed.cli import cli

    for option, value in (("--country", "ZZ"), ("--lang", "xx")):
        result = CliRunner().invoke(
            cli, ["search", "Kulubaev", "--db", str(corpus_db), option, value]
        )
        assert result.exit_code == 2, result.output
        assert value in result.output
    ok = CliRunner().invoke(cli, ["search", "Kulubaev", "--db", str(corpus_db), "--country", "kg"])
    assert ok.exit_code == 0, ok.output
