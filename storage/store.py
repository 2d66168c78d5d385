"""The SQLite store: the only module that runs SQL (schema in docs/schema.md).

Every write goes through :class:`Store`, inside ``db.atomic()``, so a crash or a kill
leaves either the whole article or nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

import sqlite_utils

from diplofeed import relevance
from diplofeed.errors import StorageError

from .health import Health, classify
from .normalize import body_fingerprint, canonical_url, clean_text, clean_url
from .schema import migrations

__all__ = ["ArticleFilter", "Store", "format_utc", "parse_utc"]

# Source kinds, in the order the "original" of a story is chosen: a ministry's own post
# beats an agency's copy of it.
_KIND_RANK = {"mfa": 0, "intl": 1, "telegram": 2, "agency": 3, "outlet": 4, "external": 5}
_KIND_ORDER = (
    "CASE s.kind "
    + " ".join(f"WHEN '{kind}' THEN {rank}" for kind, rank in _KIND_RANK.items())
    + " ELSE 9 END"
)
_FTS_WORD = re.compile(r"[\w'ʻʼ’]+")
# A claimed date this far ahead of the crawl clock is not trusted (a zone read wrongly
# puts a date at most 6 hours ahead here; a CMS default or a typo puts it years ahead).
FUTURE_TOLERANCE = timedelta(minutes=15)
# Nor one this much older than when the article was first seen (1970 epochs, 1900 CMS
# defaults): archives legitimately hold pages a few years old.
FAR_PAST = timedelta(days=5 * 366)


def format_utc(moment: datetime) -> str:
    """Return ``moment`` as the store's timestamp text: ISO 8601 in UTC, ``...Z``.

    Raises:
        ValueError: if ``moment`` is naive (its zone would be a guess).
    """
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: the store keeps aware times only")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    """Parse a timestamp written by :func:`format_utc` back to an aware datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def _refuse_foreign(conn: sqlite3.Connection, path: str) -> None:
    """Raise unless the database is empty or already a diplofeed store: a mistyped
    ``--db`` must not turn someone's other database into a store."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and "store_info" not in tables:
        conn.close()
        shown = ", ".join(sorted(tables)[:5])
        raise StorageError(
            f"{path} is a SQLite database but not a diplofeed store (tables: {shown})"
        )


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


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


class Store:
    """A diplofeed SQLite store at ``path``, migrated to the current schema on open.

    Args:
        path: the database file. ``":memory:"`` for tests.
        create: create the store when the file does not exist; with False a missing
            file is an error (commands that only read, like ``search``).

    Raises:
        StorageError: the file is missing (``create=False``), is not a SQLite database,
            is a SQLite database of something else (it is never altered), or cannot be
            migrated.
    """

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = str(path)
        if self.path != ":memory:" and not create and not Path(self.path).exists():
            raise StorageError(f"no store at {self.path} (crawl, import or run the demo first)")
        try:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            _refuse_foreign(conn, self.path)
            self.db = sqlite_utils.Database(conn)
            # WAL: readers (the feed server, sqlite3) never see "database is locked" while
            # a crawl writes; NORMAL sync is safe under WAL and ~2x faster (FIELD-NOTES).
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=30000")
            migrations.apply(self.db)
            self._ensure_store_info()
            self.tag_untagged()
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot open store {self.path}: {exc}") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- store identity ---------------------------------------------------------------

    def _ensure_store_info(self) -> None:
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO store_info(key, value) VALUES ('store_key', ?)",
                [secrets.token_hex(4)],
            )
            self.db.execute(
                "INSERT OR IGNORE INTO store_info(key, value) VALUES ('created', ?)",
                [format_utc(_utcnow())],
            )

    def info(self) -> dict[str, str]:
        """Return the store's identity: ``store_key`` and ``created`` (used in GUIDs)."""
        return {r["key"]: r["value"] for r in self.db.query("SELECT key, value FROM store_info")}

    # -- sources ----------------------------------------------------------------------

    def sync_sources(self, sources: Iterable[Mapping[str, Any]], *, complete: bool = False) -> None:
        """Write the registry's sources into the ``sources`` table (insert or update).

        With ``complete`` (the whole registry is given), sources no longer in it are
        marked ``registered = 0``: their articles stay, their feeds are not built.
        """
        with self.db.atomic():
            if complete:
                self.db.execute("UPDATE sources SET registered = 0")
            for src in sources:
                self.db.execute(
                    """
                    INSERT INTO sources (id, name, country, kind, languages, timezone,
                                         strategy, homepage, registered)
                    VALUES (:id, :name, :country, :kind, :languages, :timezone,
                            :strategy, :homepage, 1)
                    ON CONFLICT(id) DO UPDATE SET
                        name = excluded.name, country = excluded.country,
                        kind = excluded.kind, languages = excluded.languages,
                        timezone = excluded.timezone, strategy = excluded.strategy,
                        homepage = excluded.homepage, registered = 1
                    """,
                    {
                        "id": src["id"],
                        "name": src["name"],
                        "country": src.get("country"),
                        "kind": src["kind"],
                        "languages": json.dumps(list(src.get("languages", []))),
                        "timezone": src.get("timezone"),
                        "strategy": src.get("strategy"),
                        "homepage": src.get("homepage"),
                    },
                )

    def _ensure_source(self, source_id: str) -> tuple[str, str | None]:
        """Return the kind and country of ``source_id``, recording an unknown source as
        ``external``."""
        rows = list(self.db.query("SELECT kind, country FROM sources WHERE id = ?", [source_id]))
        if rows:
            return str(rows[0]["kind"]), rows[0]["country"]
        self.db.execute(
            "INSERT INTO sources (id, name, kind, registered) VALUES (?, ?, 'external', 0)",
            [source_id, source_id],
        )
        return "external", None

    @staticmethod
    def _tags(row: Mapping[str, Any], source_country: str | None) -> dict[str, Any]:
        """The classifier's verdict on an article, as column values."""
        tags = relevance.classify(
            row["title"], row["body"], row.get("language"), source_country=source_country
        )
        return {
            "relevant": int(tags.relevant),
            "relevance": round(tags.score, 4),
            "countries": json.dumps(list(tags.countries)),
            "topics": json.dumps(list(tags.topics)),
            "event_type": tags.event_type,
        }

    def tag_untagged(self, *, everything: bool = False) -> int:
        """Classify stored articles that have no verdict yet (or all of them, after the
        classifier's data changed); return how many were tagged."""
        condition = "" if everything else "WHERE a.relevant IS NULL"
        rows = list(
            self.db.query(
                "SELECT a.id, a.title, a.body, a.language, s.country FROM articles a "  # noqa: S608
                f"JOIN sources s ON s.id = a.source {condition}"
            )
        )
        with self.db.atomic():
            for row in rows:
                tags = self._tags(row, row["country"])
                self.db.execute(
                    "UPDATE articles SET relevant = :relevant, relevance = :relevance, "
                    "countries = :countries, topics = :topics, event_type = :event_type "
                    "WHERE id = :id",
                    {**tags, "id": row["id"]},
                )
        return len(rows)

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

    # -- crawl runs -------------------------------------------------------------------

    def start_run(
        self, sources: Iterable[str], *, replay: bool = False, as_of: datetime | None = None
    ) -> int:
        """Record the start of a crawl and return its run id.

        ``as_of`` is the time the crawl runs as of (the replay copies' recording time);
        the wall clock by default.
        """
        started = _utcnow()
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO crawl_runs (started, replay, sources, as_of) VALUES (?, ?, ?, ?)",
                [
                    format_utc(started),
                    int(replay),
                    json.dumps(sorted(sources)),
                    format_utc(as_of or started),
                ],
            )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, status: str) -> None:
        with self.db.atomic():
            self.db.execute(
                "UPDATE crawl_runs SET finished = ?, status = ? WHERE id = ?",
                [format_utc(_utcnow()), status, run_id],
            )

    def record_source_stats(self, run_id: int, source: str, stats: Mapping[str, int]) -> Health:
        """Store one source's figures for a run and decide its health.

        A change of status (or a source's first status) is also recorded in
        ``source_health``, which the health feed publishes.

        Returns:
            The source's status and the reason for it.
        """
        self._ensure_source(source)
        run = next(
            iter(self.db.query("SELECT as_of, started FROM crawl_runs WHERE id = ?", [run_id])),
            {"as_of": None, "started": None},
        )
        as_of = parse_utc(run["as_of"] or run["started"] or format_utc(_utcnow()))
        recent = [
            parse_utc(r["published"])
            for r in self.db.query(
                "SELECT published FROM articles WHERE source = ? AND date_flag IS NULL "
                "ORDER BY published DESC LIMIT 30",
                [source],
            )
        ]
        failures = list(
            self.db.query(
                "SELECT kind, status, message FROM crawl_failures WHERE run_id = ? AND source = ?",
                [run_id, source],
            )
        )
        health = classify(stats, failures, recent, as_of)
        names = (
            "pages",
            "articles",
            "new",
            "updated",
            "unchanged",
            "failed",
            "undated",
            "complete",
            "empty_body",
            "selector_misses",
        )
        with self.db.atomic():
            self.db.execute(
                """
                INSERT OR REPLACE INTO crawl_source_stats
                    (run_id, source, pages, articles, new, updated, unchanged, failed, undated,
                     complete, empty_body, selector_misses, newest_published, finished,
                     status, status_reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    run_id,
                    source,
                    *(int(stats.get(n, 0)) for n in names),
                    format_utc(max(recent)) if recent else None,
                    format_utc(_utcnow()),
                    health.status,
                    health.reason,
                ],
            )
            last = list(
                self.db.query(
                    "SELECT status FROM source_health WHERE source = ? ORDER BY id DESC LIMIT 1",
                    [source],
                )
            )
            if not last or last[0]["status"] != health.status:
                self.db.execute(
                    "INSERT INTO source_health (source, status, reason, since, run_id) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [source, health.status, health.reason, format_utc(as_of), run_id],
                )
        return health

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

    def record_failure(
        self,
        run_id: int | None,
        source: str,
        url: str,
        kind: str,
        message: str,
        status: int | None = None,
    ) -> None:
        """Record one failed fetch or parse, as data users can query (``crawl_failures``)."""
        with self.db.atomic():
            self.db.execute(
                """
                INSERT INTO crawl_failures (run_id, source, url, kind, status, message, at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    run_id,
                    source,
                    url,
                    kind,
                    status,
                    clean_text(message)[:2000],
                    format_utc(_utcnow()),
                ],
            )

    def failures(self, run_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query("SELECT * FROM crawl_failures WHERE run_id = ? ORDER BY id", [run_id])
        )

    # -- articles ---------------------------------------------------------------------

    def save_article(self, article: Mapping[str, Any], *, now: datetime | None = None) -> str:
        """Insert or update one article and place it in a story.

        The article is keyed by :func:`canonical_url` of its ``url``. A new article joins
        the story of an existing article with the same body fingerprint, else starts
        one. A known article whose title or body changed is updated in place (same id,
        same story, same ``published``); its previous text goes to ``article_versions``.

        Args:
            article: ``source``, ``url``, ``title`` (required); ``body``, ``body_html``,
                ``summary``, ``language``, ``published`` (aware datetime or ISO 8601 text
                with offset), ``published_from``, ``author``, ``image`` (optional).
            now: the time to record as first/last seen (tests pass a fixed one).

        Returns:
            ``"new"``, ``"updated"`` or ``"unchanged"``.

        Raises:
            StorageError: a required field is missing or the date has no time zone.
        """
        now = now or _utcnow()
        row = self._article_row(article, now)
        with self.db.atomic():
            kind, country = self._ensure_source(row["source"])
            row.update(self._tags(row, country))
            existing = list(
                self.db.query(
                    "SELECT id, title, body, content_hash, story_id FROM articles "
                    "WHERE canonical_url = ?",
                    [row["canonical_url"]],
                )
            )
            if existing:
                return self._update_article(existing[0], row, now)
            story_id = self._story_for(row, kind)
            cursor = self.db.execute(
                """
                INSERT INTO articles (source, url, canonical_url, title, body, body_html,
                    summary, language, published, published_from, date_flag,
                    claimed_published, author, image, body_hash, content_hash, story_id,
                    first_seen, last_seen, relevant, relevance, countries, topics, event_type)
                VALUES (:source, :url, :canonical_url, :title, :body, :body_html, :summary,
                    :language, :published, :published_from, :date_flag, :claimed_published,
                    :author, :image, :body_hash, :content_hash, :story_id, :first_seen,
                    :first_seen, :relevant, :relevance, :countries, :topics, :event_type)
                """,
                {**row, "story_id": story_id},
            )
            self._refresh_story(story_id, new_article=int(cursor.lastrowid or 0))
        return "new"

    def _article_row(self, article: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        for key in ("source", "url", "title"):
            # checked after cleaning: a title of "\u200b" or "\x00" is no title
            if not isinstance(article.get(key), str) or not clean_text(article[key]):
                raise StorageError(f"article without {key}: {article.get('url')!r}")
        for key in ("body", "body_html", "summary", "language", "author", "image"):
            if article.get(key) is not None and not isinstance(article[key], str):
                raise StorageError(f"article field {key} is not text: {article.get('url')!r}")
        if not urlsplit(str(article["url"])).hostname:
            raise StorageError(f"article URL has no host: {article['url']!r}")
        published = article.get("published")
        published_from = article.get("published_from") or "page"
        if isinstance(published, str) and published.strip():
            try:
                published = datetime.fromisoformat(published.strip())
            except ValueError as exc:
                raise StorageError(f"unreadable date {published!r}") from exc
        date_flag = claimed = None
        if isinstance(published, datetime):
            if published.tzinfo is None:
                raise StorageError(f"date without time zone for {article['url']}: {published}")
            if published > now + FUTURE_TOLERANCE:
                date_flag = "future"
            elif published < now - FAR_PAST:
                date_flag = "too_old"
            claimed = format_utc(published)
        else:
            date_flag = "missing"
        if date_flag is None and claimed is not None:
            published_text, claimed = claimed, None
        else:
            # Not trusted, or none found: the first-seen time, stored once and marked as
            # such; the date the page claimed is kept beside it.
            published_text, published_from = format_utc(now), "first_seen"
        body = clean_text(article.get("body"))
        title = clean_text(article.get("title")).replace("\n", " ")
        content = f"{title}\n{body}".encode()
        return {
            "source": str(article["source"]),
            "url": clean_url(str(article["url"])),
            "canonical_url": canonical_url(str(article["url"])),
            "title": title,
            "body": body,
            "body_html": article.get("body_html") or "",
            "summary": clean_text(article.get("summary")),
            "language": article.get("language"),
            "published": published_text,
            "published_from": published_from,
            "date_flag": date_flag,
            "claimed_published": claimed,
            "author": clean_text(article.get("author")) or None,
            "image": article.get("image") or None,
            "body_hash": body_fingerprint(body),
            "content_hash": hashlib.sha256(content).hexdigest(),
            "first_seen": format_utc(now),
        }

    def _update_article(self, old: dict[str, Any], row: dict[str, Any], now: datetime) -> str:
        stamp = format_utc(now)
        if old["content_hash"] == row["content_hash"]:
            self.db.execute("UPDATE articles SET last_seen = ? WHERE id = ?", [stamp, old["id"]])
            return "unchanged"
        self.db.execute(
            "INSERT INTO article_versions (article_id, title, body, content_hash, seen_until) "
            "VALUES (?, ?, ?, ?, ?)",
            [old["id"], old["title"], old["body"], old["content_hash"], stamp],
        )
        # published, first_seen, story and id stay: a date is stored once, a GUID never moves.
        self.db.execute(
            """
            UPDATE articles SET title = :title, body = :body, body_html = :body_html,
                summary = :summary, author = :author, image = :image, body_hash = :body_hash,
                content_hash = :content_hash, last_seen = :stamp, updated = :stamp,
                relevant = :relevant, relevance = :relevance, countries = :countries,
                topics = :topics, event_type = :event_type
            WHERE id = :id
            """,
            {**row, "stamp": stamp, "id": old["id"]},
        )
        return "updated"

    def _story_for(self, row: dict[str, Any], kind: str) -> int:
        if row["body_hash"]:
            same = list(
                self.db.query(
                    "SELECT story_id FROM articles WHERE body_hash = ? ORDER BY id LIMIT 1",
                    [row["body_hash"]],
                )
            )
            if same:
                return int(same[0]["story_id"])
        cursor = self.db.execute(
            "INSERT INTO stories (created, first_published) VALUES (?, ?)",
            [row["first_seen"], row["published"]],
        )
        return int(cursor.lastrowid or 0)

    def _refresh_story(self, story_id: int, new_article: int) -> None:
        members = list(
            self.db.query(
                """
                SELECT a.id, a.published, s.kind FROM articles a
                JOIN sources s ON s.id = a.source WHERE a.story_id = ?
                """,
                [story_id],
            )
        )
        best = min(members, key=lambda m: (_KIND_RANK.get(m["kind"], 9), m["published"], m["id"]))
        self.db.execute(
            """
            UPDATE stories SET representative_id = ?, article_count = ?,
                first_published = ? WHERE id = ?
            """,
            [best["id"], len(members), min(m["published"] for m in members), story_id],
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
            sql = (
                f"WITH matching AS (SELECT {columns}, ROW_NUMBER() OVER ("  # noqa: S608
                f"PARTITION BY a.story_id ORDER BY {_KIND_ORDER}, a.published, a.id) AS pick "
                f"{joins}) SELECT * FROM matching WHERE pick = 1 "
                "ORDER BY published DESC, id DESC LIMIT ?"
            )
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
