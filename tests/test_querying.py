"""docs/querying.md: every SQL example runs against a real store and answers its question."""

from __future__ import annotations

import re
import sqlite3

import pytest

from .conftest import ROOT
from .corpus import build_store, names_by_url

DOC = ROOT / "docs" / "querying.md"
_BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)
_PARAM = re.compile(r"^-- :(\w+) = '([^']*)'$", re.MULTILINE)


def examples():
    """Each ```sql block of the doc: its first comment line (its title), its SQL and the
    example values of its parameters."""
    out = []
    for sql in _BLOCK.findall(DOC.read_text(encoding="utf-8")):
        title = sql.splitlines()[0].removeprefix("-- ")
        out.append(pytest.param(sql, dict(_PARAM.findall(sql)), id=title))
    return out


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = build_store(tmp_path_factory.mktemp("querying") / "diplofeed.db")
    # read only, as the doc advises
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def test_the_doc_has_the_examples_it_promises():
    titles = [p.id for p in examples()]
    assert len(titles) >= 10 and len(set(titles)) == len(titles)  # titles name them


@pytest.mark.parametrize(("sql", "params"), examples())
def test_every_example_runs_and_returns_rows(conn, sql, params):
    names = set(re.findall(r":(\w+)", re.sub(r"'[^']*'", "", sql)))
    assert names == set(params), "document every parameter with a -- :name = 'value' line"
    rows = conn.execute(sql, params).fetchall()
    assert rows, "the example returns nothing on the test store"


def run(conn, title):
    for param in examples():
        if param.id == title:
            sql, params = param.values
            return conn.execute(sql, params).fetchall()
    raise AssertionError(f"no example {title!r}")


def test_the_examples_answer_their_questions(conn):
    urls = names_by_url()
    agreements = run(conn, "Kazakh-Chinese agreements since 2024")
    # newest first, and the 2023 one left out
    assert [urls[r["url"]] for r in agreements] == ["kz_cn_rivers", "kz_cn_trade"]
    one_per_story = run(conn, "Kazakh-Chinese agreements since 2024, one row per story")
    assert [urls[r["url"]] for r in one_per_story] == ["kz_cn_rivers", "kz_cn_trade"]
    this_week = {urls[r["url"]] for r in run(conn, "the Tajik MFA this week")}
    assert this_week == {"tj_uz_tg_now", "tj_cn_ru_now"}  # not last month's
    every = run(conn, "stories every agency carried")
    assert len(every) == 1 and every[0]["agencies"] == 5
    kz_agencies = run(conn, "stories every agency of one country carried")
    assert [set(r["agencies"].split(",")) for r in kz_agencies] == [{"kt_kz", "kazinform"}]
    full_text = run(conn, "full text: talks with Kazakhstan, best first")
    assert [r["title"] for r in full_text] == [
        "Президент Казахстана и Председатель КНР подписали меморандум о торговле"
    ]
    assert "[переговорах]" in full_text[0]["snippet"]
    latest = run(conn, "the three latest relevant posts of each Central Asian state")
    per_country = {}
    for row in latest:
        per_country.setdefault(row["country"], []).append(row["published"])
    assert set(per_country) == {"KZ", "KG", "TJ", "TM", "UZ"}
    assert all(len(v) <= 3 and v == sorted(v, reverse=True) for v in per_country.values())


def test_the_contacts_examples_count_events_not_reports(conn):
    between = run(conn, "contacts between two states since a day")
    assert between and {r["kind"] for r in between} == {"bilateral"}
    days = [r["day"] for r in between]
    assert days == sorted(days, reverse=True) and min(days) >= "2024-01-01"
    assert len(between) == len({(r["day"], r["title"]) for r in between})  # a story once
    per_pair = {
        (r["pair"], r["kind"]): r["stories"] for r in run(conn, "contacts per pair and kind")
    }
    # the one multilateral story of four states: once in each of its six pairs
    multilateral = run(conn, "multilateral contacts, each once")
    assert len(multilateral) == 1 and multilateral[0]["party_count"] == 4
    assert sum(n for (_, kind), n in per_pair.items() if kind == "multilateral") == 6
    weeks = run(conn, "stories per ISO week and Central Asian state")
    assert all(re.fullmatch(r"\d{4}-W\d{2}", r["week"]) for r in weeks)
    partners = {
        r["partner"]: r["stories"] for r in run(conn, "a state's partners, the most frequent first")
    }
    assert partners["CN"] == 4  # four Kazakh-Chinese stories, whatever their reports
