"""Search across scripts (issue #16): a name in Latin letters finds its Cyrillic spelling
and the reverse, in ``diplofeed search``, the feeds' ``q=`` and the plain FTS index that
``sqlite-utils search`` and Datasette use; the exact form ranks first."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from diplofeed.cli import cli
from feeds.server import create_app
from storage import Store
from storage.fts import cross_script_term
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
            found[q] = {item["id"] for item in answer.json()["items"]}
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


def test_the_index_is_rebuilt_by_the_migration_only(tmp_path):
    # a store from before m015: its articles get their forms and index entries once
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.save_article(
            {
                "source": "kabar",
                "url": "https://kabar.kg/news/1",
                "title": "Кулубаев и Саидов обсудили Камбарату",
                "body": "Министры иностранных дел Кыргызстана и Узбекистана обсудили проект.",
                "language": "ru",
                "published": "2026-11-20T10:00:00+06:00",
            }
        )
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT search_forms FROM articles").fetchone()[0]
    assert conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'kambaratu'"
    ).fetchone() == (1,)
    conn.close()
