"""Crawl runs: their start and end, each source's figures and health, their failures."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime

from .base import StoreBase
from .health import Health, classify
from .normalize import clean_text
from .times import format_utc, parse_utc, utcnow
from .vocabulary import CRAWL_FIGURES

__all__ = ["CRAWL_FIGURES", "Runs"]


class Runs(StoreBase):
    """Recording crawls: runs, each source's figures and health, failures, HTTP
    validators and robots.txt files (part of :class:`storage.Store`)."""

    def start_run(
        self, sources: Iterable[str], *, replay: bool = False, as_of: datetime | None = None
    ) -> int:
        """Record the start of a crawl and return its run id.

        ``as_of`` is the time the crawl runs as of (the replay copies' recording time);
        the wall clock by default.
        """
        started = utcnow()
        with self.write():
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

    def finish_run(self, run_id: int, status: str, sources: Iterable[str] | None = None) -> None:
        """Record the end of a crawl; ``sources``, when given, replaces the list of
        sources it crawled (a scale-out round learns them as its workers join)."""
        with self.write():
            self.db.execute(
                "UPDATE crawl_runs SET finished = ?, status = ? WHERE id = ?",
                [format_utc(utcnow()), status, run_id],
            )
            if sources is not None:
                self.db.execute(
                    "UPDATE crawl_runs SET sources = ? WHERE id = ?",
                    [json.dumps(sorted(sources)), run_id],
                )

    def remember_validators(
        self, canonical_url: str, etag: str | None, last_modified: str | None, seen: str
    ) -> None:
        """The ETag and Last-Modified an article page was served with (for conditional
        requests when it is fetched again); nothing when the server gave neither."""
        if not etag and not last_modified:
            return
        with self.write():
            self.db.execute(
                "INSERT INTO http_validators (canonical_url, etag, last_modified, seen) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(canonical_url) DO UPDATE SET "
                "etag = excluded.etag, last_modified = excluded.last_modified, seen = excluded.seen",
                [canonical_url, etag, last_modified, seen],
            )

    def robots_txt(self, host: str) -> tuple[int, bytes, str] | None:
        """A host's robots.txt as last fetched (``scheme://host``): status, body, when."""
        rows = self.db.execute(
            "SELECT status, body, fetched FROM robots_txt WHERE host = ?", [host]
        ).fetchall()
        return (int(rows[0][0]), bytes(rows[0][1]), str(rows[0][2])) if rows else None

    def remember_robots_txt(self, host: str, status: int, body: bytes, fetched: str) -> None:
        with self.write():
            self.db.execute(
                "INSERT INTO robots_txt (host, status, body, fetched) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(host) DO UPDATE SET status = excluded.status, "
                "body = excluded.body, fetched = excluded.fetched",
                [host, status, body, fetched],
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
        as_of = parse_utc(run["as_of"] or run["started"] or format_utc(utcnow()))
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
        with self.write():
            self.db.execute(
                "INSERT OR REPLACE INTO crawl_source_stats (run_id, source, "  # noqa: S608
                f"{', '.join(CRAWL_FIGURES)}, newest_published, finished, status, "
                f"status_reason) VALUES ({', '.join('?' for _ in range(len(CRAWL_FIGURES) + 6))})",
                [
                    run_id,
                    source,
                    *(int(stats.get(n, 0)) for n in CRAWL_FIGURES),
                    format_utc(max(recent)) if recent else None,
                    format_utc(utcnow()),
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
        with self.write():
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
                    format_utc(utcnow()),
                ],
            )
