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
from storage.catalog import TABLES

__all__ = ["CANNED_QUERIES", "INSTALL_HINT", "MissingExtra", "metadata", "serve"]

INSTALL_HINT = "Datasette is not installed: pip install 'diplofeed[browse]'"

# Named queries on the database page. Parameters become form fields; Datasette passes ""
# for one left empty, which the optional ones read as "no limit".
CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "latest_by_country": {
        "title": "Latest relevant posts by country",
        "description": "The newest Central Asian diplomacy posts in which a state is a "
        "party: country is an ISO 3166 alpha-2 code (KZ, KG, TJ, TM, UZ, CN, RU...) or EU. "
        "Copies of one story each have a row; story_articles says how many there are.",
        "sql": """
SELECT a.published, a.source, s.name AS source_name, a.title, a.url, a.language,
       a.event_type, a.countries, a.story_id, st.article_count AS story_articles
FROM articles a
JOIN sources s ON s.id = a.source
JOIN stories st ON st.id = a.story_id
WHERE a.relevant = 1
  AND EXISTS (SELECT 1 FROM json_each(a.countries) WHERE value = upper(trim(:country)))
ORDER BY a.published DESC, a.id DESC
LIMIT 200
""".strip(),
    },
    "stories_with_most_sources": {
        "title": "Stories with the most sources",
        "description": "Stories carried by more than one source, the most widely carried "
        "first. since: a date (2026-11-01) to count only stories first published on or "
        "after it; empty for all time.",
        "sql": """
SELECT st.id AS story_id, count(DISTINCT a.source) AS sources,
       group_concat(DISTINCT a.source) AS source_ids, st.article_count AS articles,
       st.first_published, r.title, r.url
FROM stories st
JOIN articles a ON a.story_id = st.id
JOIN articles r ON r.id = st.representative_id
WHERE trim(:since) = '' OR st.first_published >= trim(:since)
GROUP BY st.id
HAVING count(DISTINCT a.source) > 1
ORDER BY sources DESC, st.first_published DESC
LIMIT 200
""".strip(),
    },
    "posts_by_event_type": {
        "title": "Posts by event type",
        "description": "The newest relevant posts of one kind of event: visit, meeting, "
        "phone_call, consultations, statement, agreement, appointment, congratulation, "
        "conference.",
        "sql": """
SELECT a.published, a.source, a.title, a.url, a.language, a.countries, a.topics,
       a.story_id
FROM articles a
WHERE a.relevant = 1 AND a.event_type = lower(trim(:event_type))
ORDER BY a.published DESC, a.id DESC
LIMIT 200
""".strip(),
    },
    "source_health": {
        "title": "Source health",
        "description": "Each registered source's status after its latest crawl (ok, "
        "degraded, stale, broken, blocked; unknown: never crawled), since when, the "
        "latest crawl's figures and its articles: the worst first.",
        "sql": """
SELECT s.id AS source, s.name, s.country, s.kind, coalesce(h.status, 'unknown') AS status,
       h.reason, h.since, st.finished AS last_crawled, st.pages, st.new, st.failed,
       (SELECT count(*) FROM articles a WHERE a.source = s.id) AS articles,
       (SELECT max(published) FROM articles a WHERE a.source = s.id) AS newest_published
FROM sources s
LEFT JOIN source_health h
  ON h.id = (SELECT max(id) FROM source_health WHERE source = s.id)
LEFT JOIN crawl_source_stats st ON st.source = s.id
  AND st.run_id = (SELECT max(run_id) FROM crawl_source_stats WHERE source = s.id)
WHERE s.registered = 1
ORDER BY CASE coalesce(h.status, 'unknown') WHEN 'broken' THEN 0 WHEN 'blocked' THEN 1
  WHEN 'stale' THEN 2 WHEN 'degraded' THEN 3 WHEN 'unknown' THEN 4 ELSE 5 END,
  s.country, s.id
""".strip(),
    },
}

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
    with Store(path, create=False):
        pass
    app = Datasette([path], metadata=metadata(path)).app()
    uvicorn.run(app, host=host, port=port, log_level="info", lifespan="on")
