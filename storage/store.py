"""The SQLite store: writing articles, and :class:`Store`, the base and parts put
together (storage/base.py says what each part relies on; schema in docs/schema.md).

Every write goes through :class:`Store`, inside :meth:`Store.write`, so a crash or a kill
leaves either the whole article or nothing, and several writing processes interleave
without losing a write (storage/writing.py).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from . import relevance
from .base import StoreOutdated, _connect_readonly, _store_error, on_readonly_mount, writable
from .errors import StorageError
from .normalize import (
    body_fingerprint,
    canonical_url,
    clean_image_url,
    clean_text,
    clean_url,
    plain_text,
    web_url,
)
from .reads import ArticleFilter, Reads
from .runs import Runs
from .stories import Stories, text_features
from .times import day_precision, format_utc, local_day, parse_utc, utcnow
from .translit import search_forms

__all__ = [
    "ArticleFilter",
    "Preparer",
    "Store",
    "StoreOutdated",
    "article_row",
    "format_utc",
    "on_readonly_mount",
    "parse_utc",
    "writable",
]

# A claimed date this far ahead of the crawl clock is not trusted (a zone read wrongly
# puts a date at most 6 hours ahead here; a CMS default or a typo puts it years ahead).
FUTURE_TOLERANCE = timedelta(minutes=15)
# Nor one this much older than when the article was first seen (1970 epochs, 1900 CMS
# defaults): archives legitimately hold pages a few years old.
FAR_PAST = timedelta(days=5 * 366)


def article_row(article: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The ``articles`` row of an article as given: fields checked and cleaned, the
    date judged against ``now``, the URL made canonical, the text fingerprinted. Pure.

    Raises:
        StorageError: a required field is missing, or the date has no time zone.
    """
    _check_fields(article)
    claimed, date_flag = _judge_date(article, now)
    published_from = article.get("published_from") or "page"
    if date_flag is None and claimed is not None:
        published_text, claimed = claimed, None
    else:
        # Not trusted, or none found: the first-seen time, stored once and marked as
        # such; the date the page claimed is kept beside it.
        published_text, published_from = format_utc(now), "first_seen"
    body = clean_text(article.get("body"))
    title = clean_text(article.get("title")).replace("\n", " ")
    content = f"{title}\n{body}".encode()
    canonical = canonical_url(str(article["url"]))
    return {
        "source": str(article["source"]),
        "url": clean_url(str(article["url"])),
        "canonical_url": canonical,
        "title": title,
        "body": body,
        "body_html": article.get("body_html") or "",
        "summary": plain_text(article.get("summary")),
        "language": article.get("language"),
        "published": published_text,
        "published_from": published_from,
        "date_flag": date_flag,
        "claimed_published": claimed,
        "author": clean_text(article.get("author")) or None,
        "image": clean_image_url(article.get("image")),
        "body_hash": body_fingerprint(body),
        "content_hash": hashlib.sha256(content).hexdigest(),
        "search_forms": search_forms(title, body),
        "first_seen": format_utc(now),
        "aliases": _aliases(article.get("aliases"), canonical),
    }


def _forms(row: Mapping[str, Any]) -> str:
    """The row's ``search_forms``: as :func:`article_row` made it, or made now for a
    row prepared without it."""
    forms = row.get("search_forms")
    if isinstance(forms, str):
        return forms
    return search_forms(str(row["title"]), str(row.get("body") or ""))


def _check_fields(article: Mapping[str, Any]) -> None:
    for key in ("source", "url", "title"):
        # checked after cleaning: a title of "\u200b" or "\x00" is no title
        if not isinstance(article.get(key), str) or not clean_text(article[key]):
            raise StorageError(f"article without {key}: {article.get('url')!r}")
    for key in ("body", "body_html", "summary", "language", "author", "image"):
        if article.get(key) is not None and not isinstance(article[key], str):
            raise StorageError(f"article field {key} is not text: {article.get('url')!r}")
    if web_url(article["url"]) is None:
        raise StorageError(f"article URL is not an absolute http(s) URL: {article['url']!r}")


def _judge_date(article: Mapping[str, Any], now: datetime) -> tuple[str | None, str | None]:
    """The date the page claims (UTC text) and what is wrong with it: ``future``,
    ``too_old``, ``missing`` or None (trusted)."""
    published = article.get("published")
    if isinstance(published, str) and published.strip():
        try:
            published = datetime.fromisoformat(published.strip())
        except ValueError as exc:
            raise StorageError(f"unreadable date {published!r}") from exc
    if not isinstance(published, datetime):
        return None, "missing"
    if published.tzinfo is None:
        raise StorageError(f"date without time zone for {article['url']}: {published}")
    date_flag = None
    if published > now + FUTURE_TOLERANCE:
        date_flag = "future"
    elif published < now - FAR_PAST:
        date_flag = "too_old"
    return format_utc(published), date_flag


def _aliases(values: Any, own: str) -> list[str]:
    """Canonical forms of the addresses that redirected to an article (not its own)."""
    if not isinstance(values, list | tuple):
        return []
    found = []
    for value in values:
        if web_url(value) is not None:  # an unreadable address is no alias
            alias = canonical_url(value)
            if alias != own and alias not in found:
                found.append(alias)
    return found


def tags_for(
    row: Mapping[str, Any], source_country: str | None, source_kind: str | None = None
) -> dict[str, Any]:
    """The classifier's verdict on an article, as column values."""
    tags = relevance.classify(
        row["title"],
        row["body"],
        row.get("language"),
        source_country=source_country,
        source_kind=source_kind,
    )
    return {
        "relevant": int(tags.relevant),
        "relevance": round(tags.score, 4),
        "countries": json.dumps(list(tags.countries)),
        "topics": json.dumps(list(tags.topics)),
        "event_type": tags.event_type,
    }


class Preparer:
    """The costly, pure part of :meth:`Store.save_article`, for another process: the
    row, its classification and its text features (``diplofeed import`` runs these in
    worker processes while the store's own process writes).

    It reads the store (read only) for the sources' countries and to skip the work for
    articles already stored unchanged; the store decides everything again on write.
    """

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)
        self._conn: sqlite3.Connection | None = None
        self._countries: dict[str, str | None] = {}
        self._kinds: dict[str, str | None] = {}
        if str(path) != ":memory:" and Path(path).exists():
            try:
                self._conn, _ = _connect_readonly(Path(path).resolve())
                self._countries = dict(self._conn.execute("SELECT id, country FROM sources"))
                self._kinds = dict(self._conn.execute("SELECT id, kind FROM sources"))
            except sqlite3.Error as exc:
                raise _store_error(exc, self._path) from exc

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    @staticmethod
    def warm() -> None:
        """Build what every process would build on its first article (the classifier,
        the MinHash permutations, the name stop list): called before starting worker
        processes, they inherit it instead of building it again."""
        tags_for({"title": "Warm", "body": "warm", "language": "en"}, None)
        text_features(
            {"source": "x", "published": "2026-01-01T00:00:00+00:00", "title": "A", "body": "b"}
        )

    def prepare(self, article: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """The row :meth:`Store.save_prepared` takes.

        Raises:
            StorageError: as :func:`article_row`.
        """
        row = article_row(article, now)
        try:
            stored = (
                self._conn is not None
                and self._conn.execute(
                    "SELECT 1 FROM articles WHERE canonical_url = ? AND content_hash = ?",
                    [row["canonical_url"], row["content_hash"]],
                ).fetchone()
            )
        except sqlite3.Error as exc:
            raise _store_error(exc, self._path) from exc
        if stored:
            return row  # stored unchanged: the store only notes it was seen again
        row.update(
            tags_for(row, self._countries.get(row["source"]), self._kinds.get(row["source"]))
        )
        row["_prepared"] = text_features(row)
        return row


class Store(Reads, Runs, Stories):
    """A diplofeed SQLite store at ``path``, migrated to the current schema on open
    (:class:`storage.base.StoreBase`: the arguments, errors and the parts' contract).

    Its own part: writing articles (:meth:`save_article`, :meth:`save_prepared`,
    :meth:`seen_unchanged`), the registry's sources (:meth:`sync_sources`) and the
    classifier's verdicts (:meth:`tag_untagged`).
    """

    def _backfill(self, applied: list[str]) -> None:
        """Articles stored before the classifier (``m003_relevance``) are classified,
        and those stored before near-duplicate search (``m004_near_duplicates``) are
        signed; every later article is both as it is saved."""
        if "m003_relevance" in applied:
            self.tag_untagged()
        if "m004_near_duplicates" in applied:
            self.index_unsigned()

    # -- sources ----------------------------------------------------------------------

    def sync_sources(self, sources: Iterable[Mapping[str, Any]], *, complete: bool = False) -> None:
        """Write the registry's sources into the ``sources`` table (insert or update).

        With ``complete`` (the whole registry is given), sources no longer in it are
        marked ``registered = 0``: their articles stay, their feeds are not built.
        """
        self._source_cache.clear()
        self._voices.clear()
        with self.write():
            if complete:
                self.db.execute("UPDATE sources SET registered = 0")
            for src in sources:
                self.db.execute(
                    """
                    INSERT INTO sources (id, name, country, kind, languages, timezone,
                                         strategy, homepage, principal, registered)
                    VALUES (:id, :name, :country, :kind, :languages, :timezone,
                            :strategy, :homepage, :principal, 1)
                    ON CONFLICT(id) DO UPDATE SET
                        name = excluded.name, country = excluded.country,
                        kind = excluded.kind, languages = excluded.languages,
                        timezone = excluded.timezone, strategy = excluded.strategy,
                        homepage = excluded.homepage, principal = excluded.principal,
                        registered = 1
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
                        "principal": src.get("principal") or None,
                    },
                )

    def _date_precision(self, row: dict[str, Any]) -> None:
        """Set ``published_precision`` and ``published_day``: a page's date at local
        midnight where the source is was given to the day (storage/times.py)."""
        zone = self._zones.get(row["source"])
        moment = parse_utc(row["published"])
        day = day_precision(moment, zone) if row["published_from"] != "first_seen" else None
        if day is not None:
            row["published"] = format_utc(day)
        row["published_precision"] = "day" if day else "minute"
        row["published_day"] = local_day(moment, zone)

    def tag_untagged(
        self,
        *,
        everything: bool = False,
        chunk: int = 500,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Classify stored articles that have no verdict yet (or all of them, after the
        classifier's data changed); return how many were tagged.

        Committed ``chunk`` articles at a time, so another writer (a crawl, an import)
        waits for the write lock a fraction of a second, not the whole retag; after each
        chunk ``progress(done, total)`` is called.
        """
        condition = "" if everything else "WHERE a.relevant IS NULL"
        ids = [
            r[0]
            for r in self.db.execute(
                f"SELECT a.id FROM articles a {condition} ORDER BY a.id"  # noqa: S608
            ).fetchall()
        ]
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            rows = self._select(
                "SELECT a.id, a.title, a.body, a.language, s.country, s.kind FROM articles a "  # noqa: S608
                "JOIN sources s ON s.id = a.source "
                f"WHERE a.id IN ({', '.join('?' for _ in part)})",
                part,
            )
            tagged = [
                {**tags_for(row, row["country"], row["kind"]), "id": row["id"]} for row in rows
            ]
            with self.write():
                self.db.conn.executemany(
                    "UPDATE articles SET relevant = :relevant, relevance = :relevance, "
                    "countries = :countries, topics = :topics, event_type = :event_type, "
                    "tagged_event_type = :event_type WHERE id = :id",
                    tagged,
                )
                stories = {
                    r[0]
                    for r in self.db.execute(
                        f"SELECT DISTINCT story_id FROM articles WHERE id IN "  # noqa: S608
                        f"({', '.join('?' for _ in part)})",
                        part,
                    ).fetchall()
                }
                for story in sorted(stories):
                    self._refresh_story(story)
            if progress is not None:
                progress(start + len(part), len(ids))
        return len(ids)

    # -- crawl runs -------------------------------------------------------------------

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
        now = now or utcnow()
        return self.save_prepared(article_row(article, now), now=now)

    def save_prepared(self, row: dict[str, Any], *, now: datetime | None = None) -> str:
        """:meth:`save_article` for a row made by :func:`article_row` or
        :meth:`Preparer.prepare` (maybe in another process)."""
        now = now or utcnow()
        try:
            return self._save_row(row, now)
        except BaseException:
            self._forget_bands()  # it may have seen a row now rolled back
            raise

    def _save_row(self, row: dict[str, Any], now: datetime) -> str:
        with self.write():
            kind, country = self._ensure_source(row["source"])
            existing = self._select(
                "SELECT id, title, body, content_hash, story_id FROM articles "
                "WHERE canonical_url = ?",
                [row["canonical_url"]],
            )
            if existing:
                self._remember_aliases(existing[0]["id"], row.get("aliases"))
            if existing and existing[0]["content_hash"] == row["content_hash"]:
                self.db.execute(  # seen again, unchanged: no need to classify it again
                    "UPDATE articles SET last_seen = ? WHERE id = ?",
                    [format_utc(now), existing[0]["id"]],
                )
                return "unchanged"
            if "relevant" not in row:  # else classified beforehand (Preparer)
                row.update(tags_for(row, country, kind))
            if existing:
                return self._update_article(existing[0], row, now)
            self._date_precision(row)
            story_id, reason, features = self._story_for(row)
            row["story_reason"] = reason
            cursor = self.db.execute(
                """
                INSERT INTO articles (source, url, canonical_url, title, body, body_html,
                    summary, language, published, published_from, date_flag,
                    claimed_published, author, image, body_hash, content_hash, story_id,
                    first_seen, last_seen, relevant, relevance, countries, topics, event_type,
                    tagged_event_type, story_reason, published_precision, published_day,
                    search_forms)
                VALUES (:source, :url, :canonical_url, :title, :body, :body_html, :summary,
                    :language, :published, :published_from, :date_flag, :claimed_published,
                    :author, :image, :body_hash, :content_hash, :story_id, :first_seen,
                    :first_seen, :relevant, :relevance, :countries, :topics, :event_type,
                    :event_type, :story_reason, :published_precision, :published_day,
                    :search_forms)
                """,
                {**row, "story_id": story_id, "search_forms": _forms(row)},
            )
            article_id = int(cursor.lastrowid or 0)
            # an address that redirected elsewhere before is now an article of its own
            self.db.execute(
                "DELETE FROM article_aliases WHERE canonical_url = ?", [row["canonical_url"]]
            )
            self._remember_aliases(article_id, row.get("aliases"))
            self._index_article(article_id, features)
            if reason == "first":  # its only article: first_published is already its date
                self.db.execute(
                    "UPDATE stories SET representative_id = ?, article_count = 1, "
                    "event_type = ? WHERE id = ?",
                    [article_id, row.get("event_type"), story_id],
                )
            if reason != "first" or self._pending_links:  # links, or signs of one event
                self._regroup(article_id, row["first_seen"])
        return "new"

    def seen_unchanged(self, url: str, *, now: datetime | None = None) -> bool:
        """A stored article's page answered 304 Not Modified: record that a crawl saw it
        (``last_seen``), so it is not asked again before the revisit interval. ``url``
        is its address or an alias. Returns whether the article is stored."""
        url = canonical_url(url)
        with self.write():
            cursor = self.db.execute(
                "UPDATE articles SET last_seen = ? WHERE canonical_url = ? OR id = "
                "(SELECT article_id FROM article_aliases WHERE canonical_url = ?)",
                [format_utc(now or utcnow()), url, url],
            )
        return bool(cursor.rowcount)

    def _remember_aliases(self, article_id: int, aliases: list[str] | None) -> None:
        """Record addresses that redirected to the article (``article_aliases``); an
        address that is itself a stored article's is left to that article."""
        for alias in aliases or ():
            self.db.execute(
                "INSERT INTO article_aliases (canonical_url, article_id) "
                "SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM articles WHERE canonical_url = ?) "
                "ON CONFLICT(canonical_url) DO UPDATE SET article_id = excluded.article_id",
                [alias, article_id, alias],
            )

    def _update_article(self, old: dict[str, Any], row: dict[str, Any], now: datetime) -> str:
        stamp = format_utc(now)
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
                topics = :topics, event_type = :event_type, tagged_event_type = :event_type,
                search_forms = :search_forms
            WHERE id = :id
            """,
            {**row, "stamp": stamp, "id": old["id"], "search_forms": _forms(row)},
        )
        self._reindex(int(old["id"]), row)
        self._refresh_story(int(old["story_id"]))
        return "updated"
