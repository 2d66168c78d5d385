"""Reading the store: filters, feed queries, full-text search, source listings.

Every statement binds its values as parameters; clauses are fixed fragments.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from .base import StoreBase
from .fts import fts_query
from .times import format_utc
from .vocabulary import KIND_RANK

# the name storage/stories.py imports it by
_KIND_RANK = KIND_RANK

# A stored page as a crawl needs it: first stored, ETag, Last-Modified, last seen.
KnownPage = tuple[str, str | None, str | None, str | None]


__all__ = ["ArticleFilter", "Reads"]


# bm25 weight of a match in the title against one in the body (Reads.search).
TITLE_WEIGHT = 4.0
# ... and of a match only in another script's spelling (articles.search_forms): the
# exact form ranks first (Reads.search also puts articles matching as typed first).
CROSS_SCRIPT_WEIGHT = 0.25

_KIND_ORDER = (
    "CASE s.kind "
    + " ".join(f"WHEN '{kind}' THEN {rank}" for kind, rank in KIND_RANK.items())
    + " ELSE 9 END"
)


@dataclass(slots=True)
class ArticleFilter:
    """What to read from the store; every field narrows, empty fields do not."""

    sources: list[str] = field(default_factory=list)
    # states that are parties (the classifier's countries), ISO 3166 alpha-2 or EU
    countries: list[str] = field(default_factory=list)
    # pairs of states that are both parties (KZ and CN): any of the pairs
    pairs: list[tuple[str, str]] = field(default_factory=list)
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


# The full-text condition: as a list, built once, for a scan of many articles; per
# article, for the few of a handful of stories (a list of 50,000 matches of a common word,
# joined with a story's articles, took 0.6 s).
_FTS_MATCHES = "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
_FTS_MATCHES_ONE = "EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? AND rowid = a.id)"


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
            # the column is a JSON list of strings (["KZ", "CN"]): its quoted value is in
            # the text exactly when the value is in the list; 10x cheaper than json_each
            # on a feed scanning thousands of articles
            where.append("(" + " OR ".join(f"instr(a.{column}, ?) > 0" for _ in values) + ")")
            params.extend(json.dumps(str(v)) for v in values)
    if spec.pairs:
        # both states of a pair are parties of the article (any of the pairs)
        both = "(instr(a.countries, ?) > 0 AND instr(a.countries, ?) > 0)"
        where.append("(" + " OR ".join(both for _ in spec.pairs) + ")")
        params.extend(json.dumps(code.upper()) for pair in spec.pairs for code in pair)
    if not spec.include_irrelevant:
        where.append("a.relevant = 1")
    if spec.since:
        where.append("a.published >= ?")
        params.append(format_utc(spec.since))
    if spec.until:
        where.append("a.published <= ?")
        params.append(format_utc(spec.until))
    if spec.query:
        where.append(_FTS_MATCHES)
        params.append(fts_query(spec.query))
    return where, params


class Reads(StoreBase):
    """The read side of :class:`storage.Store`: every method only reads (a store opened
    ``readonly`` has all of them)."""

    def source_ids(self) -> list[str]:
        """Every source the store knows (registered or seen through an import)."""
        return [r[0] for r in self.db.execute("SELECT id FROM sources ORDER BY id")]

    def sources(self, history: int = 10) -> list[dict[str, Any]]:
        """Return every source with its article count, its latest crawl's figures and
        health, when it was last crawled, when it last gave a new article, and the
        status of its last ``history`` crawls (newest first, in ``history``).

        The status and its reason are the latest crawl's, decided again at every crawl
        (``crawl_source_stats``); ``status_since`` is when the source took that status
        (``source_health``).
        """
        rows = self.db.query(
            """
            SELECT s.*,
                   (SELECT count(*) FROM articles a WHERE a.source = s.id) AS article_count,
                   (SELECT max(published) FROM articles a WHERE a.source = s.id)
                        AS newest_published,
                   (SELECT max(first_seen) FROM articles a WHERE a.source = s.id)
                        AS last_new_article,
                   st.run_id AS last_run, st.finished AS last_crawled, st.pages AS last_pages,
                   st.new AS last_new, st.updated AS last_updated, st.failed AS last_failed,
                   st.status_reason AS last_reason,
                   (SELECT max(finished) FROM crawl_source_stats n
                    WHERE n.source = s.id AND n.new > 0) AS last_new_found,
                   coalesce(st.status, h.status) AS status,
                   coalesce(st.status_reason, h.reason) AS status_reason,
                   h.since AS status_since
            FROM sources s
            LEFT JOIN crawl_source_stats st ON st.source = s.id AND st.run_id = (
                SELECT max(run_id) FROM crawl_source_stats WHERE source = s.id)
            LEFT JOIN source_health h ON h.id = (
                SELECT max(id) FROM source_health WHERE source = s.id)
            ORDER BY s.registered DESC, s.country, s.id
            """
        )
        out = []
        for row in rows:
            row["languages"] = json.loads(row["languages"] or "[]")
            row["history"] = self.crawl_history(row["id"], history)
            out.append(row)
        return out

    def crawl_history(
        self, source: str, limit: int = 10, *, up_to_run: int | None = None
    ) -> list[dict[str, Any]]:
        """A source's last ``limit`` crawls (up to run ``up_to_run``, when given), newest
        first: run, when it finished, its status and reason, pages, articles and new
        articles."""
        return list(
            self.db.query(
                """
                SELECT run_id, finished, status, status_reason, pages, articles, new, failed
                FROM crawl_source_stats WHERE source = ? AND run_id <= ?
                ORDER BY run_id DESC LIMIT ?
                """,
                [source, up_to_run if up_to_run is not None else 2**62, limit],
            )
        )

    def health_events(self, limit: int = 100) -> list[dict[str, Any]]:
        """Changes of source status, newest first, with the source's name.

        Each change also carries the source's state at that crawl, which later crawls do
        not change (the health feed's entries keep their bytes): ``last_crawled`` (when
        that crawl ended), ``last_new_article`` (the last crawl up to it that found a new
        article) and ``history`` (its last ten crawls up to it, newest first).
        """
        events = list(
            self.db.query(
                """
                SELECT h.*, s.name AS source_name, s.country FROM source_health h
                JOIN sources s ON s.id = h.source ORDER BY h.id DESC LIMIT ?
                """,
                [limit],
            )
        )
        for event in events:
            if event.get("run_id") is None:
                continue
            history = self.crawl_history(event["source"], up_to_run=int(event["run_id"]))
            found = self.db.execute(
                "SELECT max(finished) FROM crawl_source_stats "
                "WHERE source = ? AND run_id <= ? AND new > 0",
                [event["source"], event["run_id"]],
            ).fetchone()
            event["history"] = history
            event["last_crawled"] = history[0]["finished"] if history else None
            event["last_new_article"] = found[0] if found else None
        return events

    def change_marker(self) -> tuple[Any, ...]:
        """A value that changes when an article is added, edited or removed, or a source
        changes status: what the feeds show (``diplofeed schedule --build-feeds`` rebuilds
        them only after a crawl that changed it)."""
        row = self.db.execute(
            """
            SELECT (SELECT count(*) FROM articles), (SELECT max(id) FROM articles),
                   (SELECT max(rowid) FROM article_versions), (SELECT max(id) FROM source_health)
            """
        ).fetchone()
        return tuple(row)

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

    def check(self) -> list[str]:
        """The store's own check (``PRAGMA quick_check``, then the full-text index's
        integrity check): an empty list when whole, else the problems found, one line
        each. The index's check needs a connection that may write (it writes nothing):
        where the store cannot be written it says it was not run."""
        try:
            problems = [
                str(r[0]) for r in self.db.execute("PRAGMA quick_check").fetchall() if r[0] != "ok"
            ]
        except sqlite3.DatabaseError as exc:  # too damaged to walk
            return [f"quick_check: {exc}"]
        if problems:
            return problems
        path = getattr(self, "path", ":memory:")
        try:
            if path == ":memory:":
                conn = self.db.conn
            else:
                conn = sqlite3.connect(path, timeout=10)
            try:
                conn.execute(
                    "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"
                )
            finally:
                if conn is not self.db.conn:
                    conn.close()
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc).lower() or "unable to open" in str(exc).lower():
                return ["full-text index: not checked (the store cannot be written here)"]
            return [f"full-text index: {exc}"]
        except sqlite3.DatabaseError as exc:
            return [f"full-text index: {exc}"]
        return []

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
        limit = max(0, int(spec.limit))
        if spec.one_per_story:
            return self._one_per_story(spec, where, params, columns, limit)
        sql = f"SELECT {columns} {joins} ORDER BY a.published DESC, a.id DESC LIMIT ?"
        return self._rows(sql, [*params, limit])

    def _rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        cursor = self.db.conn.execute(sql, params)
        keys = [column[0] for column in cursor.description]
        return [dict(zip(keys, row, strict=True)) for row in cursor]

    def _one_per_story(
        self, spec: ArticleFilter, where: list[str], params: list[Any], columns: str, limit: int
    ) -> list[dict[str, Any]]:
        """Each story once: its best article among those that match (the preferred
        language, then the ministry's own post, then the earliest), so a country feed
        keeps a story whose original came from another country; newest picks first.

        Ranking every matching story takes a second on 100,000 articles, so only the
        stories of the newest ``window`` matching articles are ranked, and the window
        grows until it provably holds the answer: when its oldest article is older than
        the last pick kept, every story left out has all its matching articles older
        still, and its pick too.
        """
        language_rank = (
            "CASE a.language "
            + " ".join("WHEN ? THEN ?" for _ in spec.prefer_languages)
            + " ELSE 99 END, "
            if spec.prefer_languages
            else ""
        )
        ranks = [v for i, lang in enumerate(spec.prefer_languages) for v in (lang, i)]
        base = "FROM articles a JOIN sources s ON s.id = a.source JOIN stories st ON st.id = a.story_id"
        window = max(100, limit * 2)
        while True:
            if window > 20_000:  # the IN list would pass SQLite's limit: rank them all
                return self._rows(
                    f"WITH matching AS (SELECT {columns}, ROW_NUMBER() OVER ("  # noqa: S608
                    f"PARTITION BY a.story_id ORDER BY {language_rank}{_KIND_ORDER}, "
                    f"a.published, a.id) AS pick {base}"
                    + (" WHERE " + " AND ".join(where) if where else "")
                    + ") SELECT * FROM matching WHERE pick = 1 "
                    "ORDER BY published DESC, id DESC LIMIT ?",
                    [*ranks, *params, limit],
                )
            newest = self._rows(
                f"SELECT a.story_id, a.published {base}"
                + (" WHERE " + " AND ".join(where) if where else "")
                + " ORDER BY a.published DESC, a.id DESC LIMIT ?",
                [*params, window],
            )
            stories = list(dict.fromkeys(r["story_id"] for r in newest))
            if not stories:
                return []
            in_window = f"a.story_id IN ({', '.join('?' for _ in stories)})"
            per_story = [_FTS_MATCHES_ONE if w == _FTS_MATCHES else w for w in where]
            # by story: without statistics SQLite would walk every relevant article
            by_story = base.replace("FROM articles a", "FROM articles a INDEXED BY articles_story")
            # the picks' ids first (no bodies through the sorts), then their rows
            picked = self._rows(
                f"WITH matching AS (SELECT a.id, a.published, ROW_NUMBER() OVER ("  # noqa: S608
                f"PARTITION BY a.story_id ORDER BY {language_rank}{_KIND_ORDER}, a.published, "
                f"a.id) AS pick {by_story} WHERE {' AND '.join([*per_story, in_window])}) "
                "SELECT id, published FROM matching WHERE pick = 1 "
                "ORDER BY published DESC, id DESC LIMIT ?",
                [*ranks, *params, *stories, limit],
            )
            ids = [r["id"] for r in picked]
            found = {
                r["id"]: r
                for r in self._rows(
                    f"SELECT {columns} {base} WHERE a.id IN ({', '.join('?' for _ in ids)})",
                    ids,
                )
            }
            picks = [found[i] for i in ids]
            exhausted = len(newest) < window
            if exhausted or (
                len(picks) == limit and newest[-1]["published"] < picks[-1]["published"]
            ):
                return picks
            window *= 4

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        spec: ArticleFilter | None = None,
        marks: tuple[str, str] = ("[", "]"),
    ) -> list[dict[str, Any]]:
        """Full-text search over titles and bodies, best match first, with snippets.

        Every word must match, in any of its forms (:func:`storage.fts.fts_query`). The
        rank is bm25 with a match in the title weighing :data:`TITLE_WEIGHT` times one in
        the body, so an article about a thing comes before one that mentions it.

        Args:
            query: the user's words; FTS5 syntax in them is searched as text.
            limit: at most this many rows.
            spec: narrows it like a feed (sources, countries, topics, event types,
                languages, dates, relevance); its ``query`` and ``limit`` are not used.
                Without one, every article is searched, relevant or not.
            marks: what to put before and after each matched word of the snippet.

        Returns:
            Rows with ``id``, ``source``, ``source_name``, ``url``, ``title``,
            ``language``, ``published``, ``story_id``, ``relevant``, ``countries`` and
            ``topics`` (JSON text), ``event_type``, ``score`` (bm25, higher is better) and
            ``snippet`` (a passage of the body with the matched words marked).
        """
        match = fts_query(query)
        if not match:
            return []
        narrow = spec or ArticleFilter(include_irrelevant=True)
        where, params = _filter_sql(replace(narrow, query=None))
        # Rank first, then make snippets for the rows kept only: SQLite computes every
        # selected column before sorting, and a snippet for each of 100,000 matches
        # takes seconds. CROSS JOIN keeps `hits` the outer loop, so each snippet's
        # index lookup is by rowid.
        filters = "".join(f" AND {clause}" for clause in where)  # fixed fragments
        # articles with the words as typed (title or body, this script) come first, then
        # those found through another script's spelling only
        exact = "{title body} : (" + fts_query(query, cross_script=False) + ")"
        sql = (
            "WITH hits AS (SELECT a.id, round(-bm25(articles_fts, ?, 1.0, ?), 3) AS score, "  # noqa: S608
            "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) AS exact, "
            "a.published FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            f"JOIN sources s ON s.id = a.source WHERE articles_fts MATCH ?{filters} "
            "ORDER BY exact DESC, score DESC, a.published DESC, a.id DESC LIMIT ?) "
            "SELECT a.id, a.source, s.name AS source_name, a.url, a.title, a.language, "
            "a.published, a.story_id, a.relevant, a.countries, a.topics, a.event_type, "
            "hits.score, snippet(articles_fts, 1, ?, ?, '…', 16) AS snippet "
            "FROM hits CROSS JOIN articles_fts ON articles_fts.rowid = hits.id "
            "JOIN articles a ON a.id = hits.id JOIN sources s ON s.id = a.source "
            "WHERE articles_fts MATCH ? "
            "ORDER BY hits.exact DESC, hits.score DESC, hits.published DESC, hits.id DESC"
        )
        limit = max(0, int(limit))
        return list(
            self.db.query(
                sql,
                [
                    TITLE_WEIGHT,
                    CROSS_SCRIPT_WEIGHT,
                    exact,
                    match,
                    *params,
                    limit,
                    *marks,
                    match,
                ],
            )
        )

    def first_seen(self, canonical_urls: Iterable[str]) -> dict[str, KnownPage]:
        """For each of these pages (by canonical URL, or an alias) that is stored: when
        it was first stored, the ETag and Last-Modified it was last served with (or
        None), and when a crawl last saw it."""
        urls = list(dict.fromkeys(canonical_urls))
        found: dict[str, KnownPage] = {}
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for url, first, etag, modified, seen in self.db.execute(
                f"SELECT a.canonical_url, a.first_seen, v.etag, v.last_modified, a.last_seen "  # noqa: S608
                f"FROM articles a LEFT JOIN http_validators v ON v.canonical_url = a.canonical_url "
                f"WHERE a.canonical_url IN ({marks})",
                chunk,
            ):
                found[url] = (first, etag, modified, seen)
            # addresses that redirected to a stored article: known as the article, but
            # without its validators (they belong to the article's own address)
            for url, first, seen in self.db.execute(
                f"SELECT al.canonical_url, a.first_seen, a.last_seen "  # noqa: S608
                f"FROM article_aliases al JOIN articles a ON a.id = al.article_id "
                f"WHERE al.canonical_url IN ({marks})",
                chunk,
            ):
                found.setdefault(url, (first, None, None, seen))
        return found

    def last_article_id(self) -> int:
        """The id of the newest stored article (0 for an empty store)."""
        row = self.db.execute("SELECT max(id) FROM articles").fetchone()
        return int(row[0] or 0)

    def known_pages(self) -> Iterator[tuple[str, str, str | None, str | None, str]]:
        """Every stored page and alias: (canonical URL, *what :meth:`first_seen` gives)
        (the scale-out writer mirrors them to Redis)."""
        yield from self.db.execute(
            "SELECT a.canonical_url, a.first_seen, v.etag, v.last_modified, a.last_seen "
            "FROM articles a LEFT JOIN http_validators v ON v.canonical_url = a.canonical_url "
            "UNION ALL "
            "SELECT al.canonical_url, a.first_seen, NULL, NULL, a.last_seen "
            "FROM article_aliases al JOIN articles a ON a.id = al.article_id "
            "WHERE al.canonical_url NOT IN (SELECT canonical_url FROM articles)"
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
