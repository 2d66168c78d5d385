"""Reading the store: filters, feed queries, full-text search, source listings.

Every statement binds its values as parameters; clauses are fixed fragments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .times import format_utc

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["ArticleFilter", "Reads", "fts_query"]

# Source kinds, in the order the "original" of a story is chosen: a ministry's own post
# beats an agency's copy of it.
_KIND_RANK = {"mfa": 0, "intl": 1, "telegram": 2, "agency": 3, "outlet": 4, "external": 5}


_KIND_ORDER = (
    "CASE s.kind "
    + " ".join(f"WHEN '{kind}' THEN {rank}" for kind, rank in _KIND_RANK.items())
    + " ELSE 9 END"
)


_FTS_WORD = re.compile(r"[\w'ʻʼ’]+")


@dataclass(slots=True)
class ArticleFilter:
    """What to read from the store; every field narrows, empty fields do not."""

    sources: list[str] = field(default_factory=list)
    # states that are parties (the classifier's countries), ISO 3166 alpha-2 or EU
    countries: list[str] = field(default_factory=list)
    # the publishers' countries (sources.country)
    source_countries: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    # articles judged not Central Asian diplomacy are left out unless asked for
    include_irrelevant: bool = False
    # with one_per_story: which language's version to show, in order ("en", then "ru");
    # a story with none of them still shows, in its best other version
    prefer_languages: list[str] = field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None
    query: str | None = None
    limit: int = 50
    one_per_story: bool = False


def fts_query(text: str) -> str:
    """Turn a user's words into a safe FTS5 query: every word must match, as a prefix.

    Quoting each word means FTS5 operators in user input (``AND``, ``*``, ``"``, ``:``)
    are searched for as text, never interpreted. A prefix match lets ``Казахстан`` find
    ``Казахстана`` and ``Казахстаном``.
    """
    words = [w.strip("'ʻʼ’") for w in _FTS_WORD.findall(text)]
    terms = []
    for word in words:
        if not word:
            continue
        quoted = '"' + word.replace('"', '""') + '"'
        terms.append(quoted + "*" if len(word) >= 4 else quoted)
    return " ".join(terms)


def _filter_sql(spec: ArticleFilter) -> tuple[list[str], list[Any]]:
    """WHERE clauses and their parameters for ``spec`` over ``articles a JOIN sources s``.

    Clauses are fixed fragments; every value is a bound parameter.
    """
    where: list[str] = []
    params: list[Any] = []

    def any_of(column: str, values: list[str]) -> None:
        if values:
            where.append(f"{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)

    any_of("a.source", spec.sources)
    any_of("s.country", [c.upper() for c in spec.source_countries])
    any_of("a.language", spec.languages)
    any_of("a.event_type", spec.event_types)
    for column, values in (
        ("countries", [c.upper() for c in spec.countries]),
        ("topics", spec.topics),
    ):
        if values:
            marks = ", ".join("?" for _ in values)
            where.append(f"EXISTS (SELECT 1 FROM json_each(a.{column}) WHERE value IN ({marks}))")  # noqa: S608
            params.extend(values)
    if not spec.include_irrelevant:
        where.append("a.relevant = 1")
    if spec.since:
        where.append("a.published >= ?")
        params.append(format_utc(spec.since))
    if spec.until:
        where.append("a.published <= ?")
        params.append(format_utc(spec.until))
    if spec.query:
        where.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(fts_query(spec.query))
    return where, params


class Reads:
    """The read side of :class:`storage.Store` (which provides ``db``)."""

    db: sqlite_utils.Database

    def sources(self) -> list[dict[str, Any]]:
        """Return every source with its article count and its latest crawl's figures."""
        rows = self.db.query(
            """
            SELECT s.*,
                   (SELECT count(*) FROM articles a WHERE a.source = s.id) AS article_count,
                   (SELECT max(published) FROM articles a WHERE a.source = s.id)
                        AS newest_published,
                   st.run_id AS last_run, st.finished AS last_crawled, st.pages AS last_pages,
                   st.new AS last_new, st.updated AS last_updated, st.failed AS last_failed,
                   (SELECT status FROM source_health h WHERE h.source = s.id
                    ORDER BY h.id DESC LIMIT 1) AS status,
                   (SELECT reason FROM source_health h WHERE h.source = s.id
                    ORDER BY h.id DESC LIMIT 1) AS status_reason
            FROM sources s
            LEFT JOIN crawl_source_stats st ON st.source = s.id AND st.run_id = (
                SELECT max(run_id) FROM crawl_source_stats WHERE source = s.id)
            ORDER BY s.registered DESC, s.country, s.id
            """
        )
        out = []
        for row in rows:
            row["languages"] = json.loads(row["languages"] or "[]")
            out.append(row)
        return out

    def health_events(self, limit: int = 100) -> list[dict[str, Any]]:
        """Changes of source status, newest first, with the source's name."""
        return list(
            self.db.query(
                """
                SELECT h.*, s.name AS source_name, s.country FROM source_health h
                JOIN sources s ON s.id = h.source ORDER BY h.id DESC LIMIT ?
                """,
                [limit],
            )
        )

    def run_stats(self, run_id: int) -> list[dict[str, Any]]:
        """Return the per-source figures of one run, by source id."""
        return list(
            self.db.query(
                "SELECT * FROM crawl_source_stats WHERE run_id = ? ORDER BY source", [run_id]
            )
        )

    def failures(self, run_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query("SELECT * FROM crawl_failures WHERE run_id = ? ORDER BY id", [run_id])
        )

    def article(self, article_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM articles WHERE id = ?", [article_id]))
        return rows[0] if rows else None

    def versions(self, article_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT * FROM article_versions WHERE article_id = ? ORDER BY id", [article_id]
            )
        )

    def counts(self) -> dict[str, int]:
        """Return row counts of the main tables (for summaries and tests)."""
        tables = ("articles", "stories", "sources", "crawl_runs", "crawl_failures")
        return {t: self.db[t].count for t in tables}

    def query_articles(self, spec: ArticleFilter) -> list[dict[str, Any]]:
        """Return articles matching ``spec``, newest first, joined with their source.

        With ``one_per_story`` only each story's representative is returned. Values are
        always bound as parameters; the SQL text is built from fixed fragments only.
        """
        if spec.query and not fts_query(spec.query):
            return []
        where, params = _filter_sql(spec)
        # fixed fragments only; every value is a bound parameter
        columns = (
            "a.*, s.name AS source_name, s.country AS country, s.kind AS source_kind, "
            "s.homepage AS source_homepage, st.article_count AS story_size"
        )
        joins = (
            "FROM articles a JOIN sources s ON s.id = a.source JOIN stories st ON st.id = a.story_id"
            + (" WHERE " + " AND ".join(where) if where else "")
        )
        if spec.one_per_story:
            # Each story once: its best article among those that match (the ministry's own
            # post first, then the earliest), so a country feed keeps a story whose
            # original came from another country.
            language_rank = (
                "CASE a.language "
                + " ".join("WHEN ? THEN ?" for _ in spec.prefer_languages)
                + " ELSE 99 END, "
                if spec.prefer_languages
                else ""
            )
            ranks = [v for i, lang in enumerate(spec.prefer_languages) for v in (lang, i)]
            sql = (
                f"WITH matching AS (SELECT {columns}, ROW_NUMBER() OVER ("  # noqa: S608
                f"PARTITION BY a.story_id ORDER BY {language_rank}{_KIND_ORDER}, a.published, "
                f"a.id) AS pick {joins}) SELECT * FROM matching WHERE pick = 1 "
                "ORDER BY published DESC, id DESC LIMIT ?"
            )
            params[:0] = ranks
        else:
            sql = f"SELECT {columns} {joins} ORDER BY a.published DESC, a.id DESC LIMIT ?"
        params.append(max(0, int(spec.limit)))
        return list(self.db.query(sql, params))

    def search(
        self, query: str, *, limit: int = 20, spec: ArticleFilter | None = None
    ) -> list[dict[str, Any]]:
        """Full-text search over titles and bodies, best match first (bm25), with snippets.

        ``spec`` narrows it like a feed (countries, topics, event types, sources, dates);
        without one, every article is searched, relevant or not.
        """
        match = fts_query(query)
        if not match:
            return []
        where, params = _filter_sql(spec or ArticleFilter(include_irrelevant=True))
        return list(
            self.db.query(
                "SELECT a.id, a.source, a.url, a.title, a.language, a.published, a.story_id, "
                "a.relevant, a.countries, a.topics, a.event_type, "
                "snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet "
                "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
                "JOIN sources s ON s.id = a.source WHERE articles_fts MATCH ?"
                + "".join(f" AND {clause}" for clause in where)
                + " ORDER BY bm25(articles_fts), a.published DESC LIMIT ?",
                [match, *params, max(0, int(limit))],
            )
        )

    def story_sources(self, story_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        """Return, for each story id, its articles' source, url, language and date."""
        ids = sorted(set(story_ids))
        out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.db.query(
                f"SELECT a.story_id, a.id, a.source, s.name AS source_name, a.url, a.language, "  # noqa: S608 - placeholders only
                f"a.published FROM articles a JOIN sources s ON s.id = a.source "
                f"WHERE a.story_id IN ({', '.join('?' for _ in chunk)}) ORDER BY a.published",
                chunk,
            )
            for row in rows:
                out[row["story_id"]].append(row)
        return out

    def changes(self, limit: int = 100) -> list[dict[str, Any]]:
        """Edits of stored articles, newest first: the old and the current text."""
        return list(
            self.db.query(
                """
                SELECT v.id AS version_id, v.article_id, v.title AS old_title,
                       v.body AS old_body, v.seen_until, a.title, a.body, a.url, a.source,
                       s.name AS source_name
                FROM article_versions v JOIN articles a ON a.id = v.article_id
                JOIN sources s ON s.id = a.source
                ORDER BY v.id DESC LIMIT ?
                """,
                [limit],
            )
        )
