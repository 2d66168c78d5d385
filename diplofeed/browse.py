"""The store in Datasette: metadata describing every table and column, canned queries,
and the server behind ``diplofeed browse`` (docs/querying.md, "Datasette").

Datasette is an optional extra (``pip install 'diplofeed[browse]'``); only :func:`serve`
needs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from diplofeed.errors import DiplofeedError
from storage import Store
from storage.catalog import CANNED_QUERIES, TABLES
from storage.store import writable

__all__ = ["CANNED_QUERIES", "INSTALL_HINT", "MissingExtra", "metadata", "serve"]

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
}


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
            + "."
            + (" " + doc.notes if doc.notes else ""),
            "columns": dict(doc.columns),
            **_TABLE_SETTINGS.get(name, {}),
        }
        for name, doc in TABLES.items()
    }
    return {
        "title": "diplofeed",
        "description": "Central Asian diplomacy from foreign ministries and news agencies: "
        "the diplofeed store. Tables and columns: docs/schema.md; example queries: "
        "docs/querying.md.",
        "databases": {
            Path(store_path).stem: {
                "description": "One row per article page (articles), grouped into stories; "
                "the sources, their crawls and their health. Times are ISO 8601 UTC text "
                "with a Z; countries and topics are JSON lists (json_each).",
                "tables": tables,
                "queries": {name: dict(query) for name, query in CANNED_QUERIES.items()},
            }
        },
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
        app = Datasette(immutables=[path], metadata=metadata(path)).app()
    else:
        app = Datasette([path], metadata=metadata(path)).app()
    uvicorn.run(app, host=host, port=port, log_level="info", lifespan="on")
