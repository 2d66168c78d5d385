"""Search across scripts (issue #16): a name in Latin letters finds its Cyrillic spelling
and the reverse, in ``diplofeed search``, the feeds' ``q=`` and the plain FTS index that
``sqlite-utils search`` and Datasette use; the exact form ranks first."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
import sqlite_utils
from click.testing import CliRunner
from starlette.testclient import TestClient

from diplofeed.cli import cli
from feeds.server import create_app
from storage import Store
from storage.fts import cross_script_term
from storage.schema import migrations
from storage.translit import latin_key, search_forms, to_cyrillic


@pytest.mark.parametrize(
    "spellings",
    [
        ("Саидов", "Saidov"),
        ("Токаев", "Tokayev", "Tokaev"),
        ("Ўзбекистон", "Oʻzbekiston", "O'zbekiston", "O‘zbekiston"),
        ("Мирзиёев", "Mirziyoyev"),
        ("Жээнбеков", "Jeenbekov", "Zheenbekov"),
        ("Камбарата", "Kambarata"),
        ("Тошкент", "Toshkent"),
        ("Ашхабад", "Ashhabad"),
        ("Казахстан", "Kazakhstan"),
        ("Қазақстан", "Qazaqstan"),
        ("Бердимухамедов", "Berdimuhamedow"),
        ("Ерлан", "Yerlan"),
    ],
)
def test_spellings_of_a_name_share_their_key(spellings):
    assert len({latin_key(s) for s in spellings}) == 1


def test_latin_words_are_written_in_cyrillic_for_plain_queries():
    assert to_cyrillic("Saidov") == "саидов"
    assert to_cyrillic("Mirziyoyev") == "мирзиёев"
    assert to_cyrillic("Shavkat") == "шавкат"
    forms = search_forms("Saidov met Tokayev", "Камбарата")
    assert set(forms.split()) >= {"саидов", "tokaev", "токаев", "kambarata"}


def test_an_inflected_form_finds_the_other_script():
    # the Russian stem's key, a Latin word read in Cyrillic first
    assert cross_script_term("Камбараты") == cross_script_term("Kambarata") == "kambarat"
    # a stem shorter than six letters would find English "said": the whole word then
    assert cross_script_term("Саидов") == "saidov"
    assert cross_script_term("МИД") is None


def stories(db, query):
    result = CliRunner().invoke(cli, ["search", query, "--db", str(db), "--json", "--limit", "500"])
    assert result.exit_code == 0, result.output
    return [(row["story_id"], row["title"]) for row in json.loads(result.output)]


@pytest.mark.parametrize(("latin", "cyrillic"), [("Kambarata", "Камбарата"), ("Saidov", "Саидов")])
def test_search_finds_the_same_stories_in_either_script(demo, latin, cyrillic):
    in_latin, in_cyrillic = stories(demo.db, latin), stories(demo.db, cyrillic)
    assert in_latin and {s for s, _ in in_latin} == {s for s, _ in in_cyrillic}
    # both scripts are found, and the exact form comes first
    assert any(latin.lower() in t.lower() for _, t in in_cyrillic)
    assert any(cyrillic[:-1].lower() in t.lower() for _, t in in_latin)
    titles_first = [t for _, t in in_latin]
    exact = [latin[:-1].lower() in t.lower() for t in titles_first]
    # titles naming the word as typed come before titles that do not (body-only
    # matches of either kind may follow)
    assert exact[0]


def test_exact_forms_rank_before_other_scripts(demo):
    with Store(demo.db, readonly=True) as store:
        rows = store.search("Kambarata", limit=500)
        conn = sqlite3.connect(demo.db)
        typed = {
            r[0]
            for r in conn.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH "
                "'{title body} : \"kambarata\"*'"
            )
        }
        conn.close()
    flags = [row["id"] in typed for row in rows]
    assert flags == sorted(flags, reverse=True) and flags[0] and not flags[-1]


def test_the_feeds_q_crosses_scripts(demo):
    with TestClient(create_app(demo.db)) as client:
        found = {}
        for q in ("Kambarata", "Камбарата", "Saidov", "Саидов"):
            answer = client.get("/feed.json", params={"q": q, "limit": 500})
            assert answer.status_code == 200
            # an item's id names its feed (issue #15): compare the articles
            found[q] = {item["id"].rsplit("/", 1)[1] for item in answer.json()["items"]}
    assert found["Kambarata"] and found["Kambarata"] == found["Камбарата"]
    assert found["Saidov"] and found["Saidov"] == found["Саидов"]


def plain_search(db, word):
    """``sqlite-utils search`` as a user runs it: the FTS index as it is, no diplofeed."""
    result = subprocess.run(
        [sys.executable, "-m", "sqlite_utils", "search", str(db), "articles", word, "-c", "title"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [row["title"] for row in json.loads(result.stdout)]


def test_the_plain_index_finds_the_other_script(demo):
    # FTS5 syntax as typed: a prefix finds the inflected forms (Камбаратинскую)
    latin = plain_search(demo.db, "Kambarat*")
    assert any("Камбарат" in t for t in latin) and any("Kambarata" in t for t in latin)
    cyrillic = plain_search(demo.db, "Камбарат*")
    assert any("Kambarata" in t for t in cyrillic) and any("Камбарат" in t for t in cyrillic)
    cyrillic = plain_search(demo.db, "Саидов")
    assert any("Saidov" in t for t in cyrillic) and any("Саидов" in t for t in cyrillic)


def test_a_store_from_before_m015_gets_its_forms_and_parties(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m015_contacts_and_scripts")
    db.execute("INSERT INTO sources (id, name, kind) VALUES ('kabar', 'Kabar', 'agency')")
    db.execute(
        "INSERT INTO stories (id, created, first_published, representative_id) "
        "VALUES (1, '2026-11-20T04:00:00Z', '2026-11-20T04:00:00Z', 1)"
    )
    # one report of three names China too: an aside, not a party
    for n, countries in ((1, '["KG", "UZ"]'), (2, '["KG", "UZ", "CN"]'), (3, '["UZ", "KG"]')):
        db.execute(
            "INSERT INTO articles (id, source, url, canonical_url, title, body, published, "
            "published_from, content_hash, story_id, first_seen, last_seen, relevant, "
            "countries, published_day) VALUES (?, 'kabar', ?, ?, "
            "'Кулубаев и Саидов обсудили Камбарату', 'Министры обсудили проект.', "
            "'2026-11-20T04:00:00Z', 'page', 'x', 1, '2026-11-20T04:00:00Z', "
            "'2026-11-20T04:00:00Z', 1, ?, '2026-11-20')",
            [n, f"https://kabar.kg/{n}", f"https://kabar.kg/{n}", countries],
        )
    db.close()
    with Store(path) as store:
        forms = store.db.execute("SELECT search_forms FROM articles WHERE id = 1").fetchone()[0]
        assert {"kulubaev", "saidov", "kambaratu"} <= set(forms.split())
        assert sorted(r["id"] for r in store.search("Kambaratu")) == [1, 2, 3]
        assert store.db.execute("SELECT pair, kind, week FROM contacts").fetchall() == [
            ("KG-UZ", "bilateral", "2026-W47")
        ]
        assert store.db["articles"].detect_fts() == "articles_fts"
    with sqlite3.connect(path) as conn:  # the triggers keep the index in step
        conn.execute("UPDATE articles SET title = 'Tokayev', search_forms = 'tokaev токаев'")
        hits = conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'токаев'"
        ).fetchone()
    assert hits == (3,)
