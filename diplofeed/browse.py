"""The store in Datasette: metadata describing every table and column, canned queries,
and the server behind ``diplofeed browse`` (docs/querying.md, "Datasette").

Datasette is an optional extra (``pip install 'diplofeed[browse]'``); only :func:`serve`
needs it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from diplofeed.errors import DiplofeedError
from storage import Store
from storage.catalog import CANNED_QUERIES, TABLES
from storage.store import writable

__all__ = [
    "CANNED_QUERIES",
    "HIDDEN",
    "INSTALL_HINT",
    "MissingExtra",
    "metadata",
    "serve",
    "settings",
    "short",
]

INSTALL_HINT = "Datasette is not installed: pip install 'diplofeed[browse]'"


# Per-table display settings: the column a foreign key shows, the default sort, the
# facets offered at once (countries is a JSON list: an array facet).
_TABLE_SETTINGS: dict[str, dict[str, Any]] = {
    "articles": {
        "label_column": "title",
        "sort_desc": "published",
        "facets": ["source", "language", "event_type", {"array": "countries"}],
    },
    "sources": {"label_column": "name"},
    "stories": {"sort_desc": "first_published"},
    "crawl_runs": {"sort_desc": "id"},
    "crawl_failures": {"sort_desc": "id", "facets": ["source", "kind"]},
    "source_health": {"sort_desc": "id", "facets": ["status"]},
    # pairs as a facet: `?pair=KZ-CN` narrows to the contacts of two states
    "contacts": {"sort_desc": "day", "facets": ["pair", "kind", "format", "event_type"]},
    "story_parties": {"sort_desc": "day", "facets": ["party", "week", "event_type"]},
}
# Bookkeeping a crawl keeps for itself: hidden from the database page (still at its URL).
HIDDEN = ("_sqlite_migrations", "article_signatures", "http_validators", "robots_txt")
# A column's description on Datasette's table page: its first clause, this long at most;
# the whole text is in docs/schema.md (Datasette lists every description above the rows).
SHORT = 60
_STATIC = Path(__file__).with_name("static")


def short(text: str) -> str:
    """A description cut to its first clause (before ``;``, `` (`` or ``: `` past its
    first words), at most :data:`SHORT` characters, backquotes dropped."""
    plain = text.replace("`", "")
    for mark in ("; ", " (", ": "):
        # a clause long enough to say something ("ru, en, kk..." is kept whole)
        if mark in plain[16:]:
            plain = plain[: plain.index(mark, 16)]
    if len(plain) > SHORT:
        plain = plain[: SHORT - 1].rsplit(" ", 1)[0] + "…"
    return plain


class MissingExtra(DiplofeedError):
    """An optional dependency (an extra such as ``diplofeed[browse]``) is not installed."""


def metadata(store_path: str | Path) -> dict[str, Any]:
    """Datasette metadata for the store at ``store_path``: every table and column
    described (from :data:`storage.catalog.TABLES`, the text of docs/schema.md) and the
    canned queries. Pure: the path only names the database, as Datasette does (its stem).

    Returns:
        The ``metadata.json`` content, as a dict.
    """
    tables = {
        name: {
            "description": doc.summary[:1].upper()
            + doc.summary[1:]
            + ". Every column is described in docs/schema.md.",
            "columns": {column: short(text) for column, text in doc.columns.items()},
            **({"hidden": True} if name in HIDDEN else {}),
            # five values a facet (its link shows them all): the rows stay in sight
            "facet_size": 5,
            **_TABLE_SETTINGS.get(name, {}),
        }
        for name, doc in TABLES.items()
    }
    return {
        "title": "diplofeed",
        # the column descriptions in a short box, so the rows start near the top
        "extra_css_urls": ["/diplofeed-static/browse.css"],
        "description": "Central Asian diplomacy from foreign ministries and news agencies: "
        "the diplofeed store. Tables and columns: docs/schema.md; example queries: "
        "docs/querying.md.",
        "databases": {
            Path(store_path).stem: {
                "description": "One row per article page (articles), grouped into stories; "
                "the sources, their crawls and their health. Times are ISO 8601 UTC text "
                "with a Z; countries and topics are JSON lists (json_each).",
                "tables": tables,
                "queries": {
                    name: _query(Path(store_path).stem, name, query)
                    for name, query in CANNED_QUERIES.items()
                },
            }
        },
    }


def _query(database: str, name: str, query: dict[str, Any]) -> dict[str, Any]:
    """A canned query for Datasette: its ``chart`` becomes a link that runs the query
    (its parameters empty) with datasette-vega's chart drawn above the rows (the
    chart's settings are in the URL's fragment)."""
    out = {k: v for k, v in query.items() if k != "chart"}
    chart = query.get("chart")
    if chart:
        # the query's parameters empty, and the SQL folded away: a new page, which the
        # plugin reads its settings from (a fragment alone would not reload it)
        names = dict.fromkeys(re.findall(r":(\w+)", query["sql"]))
        params = "&".join([*(f"{p}=" for p in names), "_hide_sql=1"])
        fragment = "&".join(f"g.{key}={value}" for key, value in chart.items())
        href = f"/{quote(database)}/{name}?{params}#{fragment}"
        out["description_html"] = (
            html.escape(query["description"])
            + f' <a href="{html.escape(href)}" class="diplofeed-chart">Chart it</a>.'
        )
    return out


def settings(store_path: str | Path) -> dict[str, Any]:
    """Datasette's keyword arguments for the store: :func:`metadata` and the static
    folder its CSS is served from."""
    return {
        "metadata": metadata(store_path),
        "static_mounts": [("diplofeed-static", str(_STATIC))],
    }


def serve(store_path: str | Path, *, host: str, port: int) -> None:
    """Serve the store with Datasette until interrupted: read only, with :func:`metadata`.

    The store is opened first, as every command does (a missing or foreign file is
    refused, an older store migrated). Datasette then reads it through ``mode=ro``
    connections (not ``immutable``: a crawl may write it meanwhile, and new rows show).

    Raises:
        MissingExtra: Datasette is not installed.
        StorageError: no store at ``store_path``, or not a diplofeed store.
    """
    try:
        import uvicorn
        from datasette.app import Datasette
    except ImportError as exc:
        raise MissingExtra(INSTALL_HINT) from exc
    path = str(store_path)
    with Store.for_reading(path):
        pass
    if not writable(path) and not Path(f"{path}-shm").exists():
        # SQLite cannot make a WAL index where it may not write (a read-only mount,
        # another user's folder), and no writer has the store open: read it as it is
        app = Datasette(immutables=[path], **settings(path)).app()
    else:
        app = Datasette([path], **settings(path)).app()
    uvicorn.run(app, host=host, port=port, log_level="info", lifespan="on")
