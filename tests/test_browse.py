"""`diplofeed browse`: Datasette metadata for every table and column, canned queries that
run, the command without the extra, and a real server on the store."""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import subprocess
import sys
import time

import httpx
import pytest
from click.testing import CliRunner

from diplofeed.browse import CANNED_QUERIES, INSTALL_HINT, metadata, settings
from diplofeed.cli import cli
from storage import Store

from .conftest import ROOT
from .corpus import build_store, names_by_url

# a test dependency (pyproject's test extra): missing, the tests fail rather than skip
datasette_app = importlib.import_module("datasette.app")

# Example values for the canned queries' parameters.
PARAMS = {"country": "kz", "event_type": "agreement", "since": "", "pair": "KZ-CN"}


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("browse") / "diplofeed.db")


def store_columns(path):
    """Every table and view of a store (FTS5's own tables left out) with its columns."""
    with Store(path) as store:
        tables = [
            row[0]
            for row in store.db.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'articles_fts_%'"
            )
        ]
        return {t: [c[1] for c in store.db.execute(f"PRAGMA table_info([{t}])")] for t in tables}


def test_every_table_and_column_is_described(tmp_path):
    columns = store_columns(tmp_path / "fresh.db")
    described = metadata(tmp_path / "fresh.db")["databases"]["fresh"]["tables"]
    missing = [t for t in columns if not described.get(t, {}).get("description")]
    missing += [
        f"{t}.{c}"
        for t, names in columns.items()
        for c in names
        if not described.get(t, {}).get("columns", {}).get(c)
    ]
    assert missing == [], "add these to storage/catalog.py (and cog -r docs/schema.md)"
    stale = [f"{t}.{c}" for t, doc in described.items() for c in doc["columns"]]
    stale = [name for name in stale if name.split(".")[1] not in columns[name.split(".")[0]]]
    assert stale == [], "storage/catalog.py describes columns the store does not have"


def test_metadata_is_named_after_the_file():
    meta = metadata("/var/lib/diplofeed/news.db")
    assert list(meta["databases"]) == ["news"]
    assert set(meta["databases"]["news"]["queries"]) == set(CANNED_QUERIES)


def get(ds, path, **params):
    async def fetch():
        return await ds.client.get(path, params=params)

    return asyncio.run(fetch())


@pytest.fixture(scope="module")
def ds(corpus_db):
    ds = datasette_app.Datasette([str(corpus_db)], **settings(corpus_db))
    yield ds
    for database in ds.databases.values():
        database.close()


@pytest.mark.parametrize("name", sorted(CANNED_QUERIES))
def test_each_canned_query_runs_and_returns_rows(ds, name):
    params = {p: v for p, v in PARAMS.items() if f":{p}" in CANNED_QUERIES[name]["sql"]}
    response = get(ds, f"/diplofeed/{name}.json", _shape="array", **params)
    assert response.status_code == 200, response.text
    assert len(response.json()) >= 1


def test_canned_queries_answer_their_question(ds):
    urls = names_by_url()
    by_country = get(ds, "/diplofeed/latest_by_country.json", _shape="array", country="TJ")
    assert all('"TJ"' in row["countries"] for row in by_country.json())
    assert urls[by_country.json()[0]["url"]] in {"tj_uz_tg_now", "tj_cn_ru_now"}
    stories = get(ds, "/diplofeed/stories_with_most_sources.json", _shape="array", since="")
    top = stories.json()[0]
    assert top["sources"] == 5 and set(top["source_ids"].split(",")) == {
        "kt_kz",
        "kazinform",
        "kabar",
        "khovar",
        "tdh",
    }
    later = get(ds, "/diplofeed/stories_with_most_sources.json", _shape="array", since="2027-01")
    assert later.json() == []
    agreements = get(
        ds, "/diplofeed/posts_by_event_type.json", _shape="array", event_type="agreement"
    )
    assert "kz_cn_visas" in {urls[row["url"]] for row in agreements.json()}
    health = {
        row["source"]: row
        for row in get(ds, "/diplofeed/source_health.json", _shape="array").json()
    }
    assert health["kt_kz"]["failed"] == 1 and health["mfa_tj"]["status"] != "unknown"
    assert health["mfa_tm"]["status"] == "unknown"  # never crawled


def test_table_pages_show_the_descriptions(ds):
    page = get(ds, "/diplofeed/articles").text
    assert "One row per article page" in page
    assert "<dd>the identity key</dd>" in page  # a column's description, its first clause
    assert "/diplofeed-static/browse.css" in page  # which keeps them in a short box
    sources = get(ds, "/diplofeed/sources").text
    assert "how it is crawled" in sources
    css = get(ds, "/diplofeed-static/browse.css")
    assert css.status_code == 200 and "column-descriptions" in css.text


def test_column_descriptions_are_short_and_the_long_text_is_in_the_docs(tmp_path):
    tables = metadata(tmp_path / "x.db")["databases"]["x"]["tables"]
    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    for name, table in tables.items():
        for column, text in table["columns"].items():
            assert len(text) <= 60, f"{name}.{column}: {text}"
            assert f"| `{column}` | " in schema
    assert tables["articles"]["columns"]["canonical_url"] == "the identity key"


def test_internal_tables_are_hidden_from_the_database_page(ds):
    page = get(ds, "/diplofeed").text
    for internal in ("_sqlite_migrations", "article_signatures", "http_validators", "robots_txt"):
        assert f'href="/diplofeed/{internal}"' not in page
    for core in ("articles", "stories", "sources", "contacts", "story_parties"):
        assert f'href="/diplofeed/{core}"' in page
    # hidden, not gone: its URL still answers
    assert get(ds, "/diplofeed/robots_txt").status_code == 200


def test_pairs_are_a_facet_of_contacts(ds):
    page = get(ds, "/diplofeed/contacts.json", _facet="pair", _shape="objects").json()
    pairs = {f["value"] for f in page["facet_results"]["pair"]["results"]}
    assert pairs and all(re.fullmatch(r"[A-Z]{2}-[A-Z]{2}", p) for p in pairs)
    narrowed = get(ds, "/diplofeed/contacts.json", pair=min(pairs), _shape="array").json()
    assert narrowed and {row["pair"] for row in narrowed} == {min(pairs)}


def test_chart_links_open_the_query_with_its_chart(tmp_path):
    queries = metadata(tmp_path / "news.db")["databases"]["news"]["queries"]
    charted = [name for name, query in queries.items() if "description_html" in query]
    assert {"contacts_per_pair", "weekly_activity", "posts_per_day"} <= set(charted)
    link = queries["weekly_activity"]["description_html"]
    assert 'href="/news/weekly_activity?_hide_sql=1#g.mark=line&amp;g.x_column=week' in link
    # datasette-vega is installed and serves its own script (nothing from a CDN)
    vega = importlib.import_module("datasette_vega")
    assert all(url.startswith("/-/static-plugins/") for url in vega.extra_js_urls())


def test_the_search_box_finds_every_apostrophe(ds):
    urls = names_by_url()
    rows = get(ds, "/diplofeed/articles.json", _search="O'zbekiston", _shape="array").json()
    assert {urls[row["url"]] for row in rows} == {"uz_kz_uz", "uz_cn_uz", "uz_tm_uz"}


def test_without_datasette_the_command_says_how_to_install_it(corpus_db, monkeypatch):
    monkeypatch.setitem(sys.modules, "datasette.app", None)  # import fails as if absent
    result = CliRunner().invoke(cli, ["browse", "--db", str(corpus_db)])
    assert result.exit_code == 1
    assert result.output == f"Error: {INSTALL_HINT}\n"


def test_a_missing_store_is_refused(tmp_path):
    result = CliRunner().invoke(cli, ["browse", "--db", str(tmp_path / "typo.db")])
    assert result.exit_code == 1 and "no store at" in result.output
    assert not (tmp_path / "typo.db").exists()


def test_browse_serves_the_store_read_only(corpus_db):
    before = corpus_db.read_bytes()
    server = subprocess.Popen(
        [sys.executable, "-m", "diplofeed", "browse", "--db", str(corpus_db), "--port", "0"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 60
        assert server.stderr is not None
        while url is None and time.monotonic() < deadline:
            line = server.stderr.readline()
            if not line:
                break
            match = re.search(r"running on (http://127\.0\.0\.1:\d+)", line)
            url = match.group(1) if match else None
        assert url, "the server did not start"
        meta = httpx.get(f"{url}/-/metadata.json", timeout=30).json()
        assert meta["databases"]["diplofeed"]["tables"]["articles"]["columns"]["published"]
        rows = httpx.get(
            f"{url}/diplofeed/source_health.json", params={"_shape": "array"}, timeout=30
        ).json()
        assert {row["source"] for row in rows} >= {"kt_kz", "mfa_tj"}
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert corpus_db.read_bytes() == before
