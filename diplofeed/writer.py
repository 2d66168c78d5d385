"""``diplofeed writer``: the one process that writes the store in scale-out mode
(docs/scale-out.md).

Scale-out workers (``diplofeed crawl --redis URL``, crawler/distributed.py) send what they
find to a Redis list. The writer takes each event, writes it through :class:`Store` as
the store pipeline would, and records a crawl run per round, with each source's figures
summed over the round's workers and its health decided once, when the round ends.

Events are moved to a processing list before they are written and dropped from it after:
a writer killed in between finds them there at its next start and writes them then
(writing an article twice stores it once).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.distributed import (
    EVENTS,
    KNOWN,
    KNOWN_STORE,
    PROCESSING,
    RUNS,
    WRITER,
    as_text,
    connect,
    decode_article,
    reap,
    run_key,
)
from crawler.registry import load_registry
from diplofeed.errors import DiplofeedError, StorageError
from storage import CRAWL_FIGURES, Store, canonical_url, parse_utc
from storage.lock import crawl_lock

if TYPE_CHECKING:
    import redis

__all__ = ["RunWritten", "WriterBusy", "run_writer"]

logger = logging.getLogger(__name__)

# The writer's Redis lock lives this long unless renewed (every loop, at least each second).
LOCK_SECONDS = 30


class WriterBusy(DiplofeedError):
    """Another writer is draining this Redis."""


@dataclass(slots=True)
class RunWritten:
    """A round recorded in the store as a crawl run."""

    run_id: int
    round_id: str
    status: str
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed_sources: list[str] = field(default_factory=list)


def run_writer(
    db_path: str | Path,
    redis_url: str,
    *,
    drain: bool = False,
    stop: threading.Event | None = None,
    on_run: Callable[[RunWritten], None] | None = None,
) -> list[RunWritten]:
    """Write what the workers send into the store at ``db_path``.

    Args:
        drain: return once no event is waiting and no round is open (for cron and
            tests); otherwise run until ``stop`` is set (SIGTERM in the CLI).
        on_run: called with each round written (the CLI prints its summary).

    Returns:
        The rounds recorded as runs.

    Raises:
        RedisUnavailable: Redis does not answer at ``redis_url``.
        WriterBusy: another writer holds the Redis lock.
        CrawlLocked: a crawl (or another writer) holds the store's lock.
    """
    client = connect(redis_url)
    me = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
    if not client.set(WRITER, me, nx=True, ex=LOCK_SECONDS):
        holder = client.get(WRITER)
        raise WriterBusy(f"another writer ({as_text(holder) or '?'}) is writing from {redis_url}")
    written: list[RunWritten] = []
    try:
        with crawl_lock(db_path), Store(db_path) as store:
            store.sync_sources((s.as_row() for s in load_registry().values()), complete=True)
            writer = _Writer(store, client)
            writer.mirror_known()
            # events taken by a writer that died before writing them: first
            while client.lmove(PROCESSING, EVENTS, "RIGHT", "LEFT") is not None:
                pass
            while not (stop is not None and stop.is_set()):
                client.set(WRITER, me, xx=True, ex=LOCK_SECONDS)
                raw = client.blmove(EVENTS, PROCESSING, 1, "LEFT", "RIGHT")
                if raw is None:
                    if drain and reap(client) is None and not client.llen(EVENTS):
                        break
                    continue
                run = writer.handle(bytes(raw) if not isinstance(raw, str) else raw.encode())
                client.lrem(PROCESSING, 1, raw)  # type: ignore[arg-type]
                if run is not None:
                    written.append(run)
                    if on_run is not None:
                        on_run(run)
    finally:
        if client.get(WRITER) == me.encode():
            client.delete(WRITER)
    return written


class _Writer:
    def __init__(self, store: Store, client: redis.Redis) -> None:
        self.store = store
        self.client = client

    def mirror_known(self) -> None:
        """Fill ``KNOWN`` from the store unless it already mirrors this store."""
        store_key = self.store.info().get("store_key", "")
        if as_text(self.client.get(KNOWN_STORE)) == store_key:
            return
        self.client.delete(KNOWN)
        batch: dict[str, str] = {}
        count = 0
        for url, *page in self.store.known_pages():
            batch[url] = json.dumps(page)
            if len(batch) >= 1000:
                self.client.hset(KNOWN, mapping=batch)  # type: ignore[arg-type]
                count, batch = count + len(batch), {}
        if batch:
            self.client.hset(KNOWN, mapping=batch)  # type: ignore[arg-type]
            count += len(batch)
        self.client.set(KNOWN_STORE, store_key)
        logger.info("mirrored %d stored pages to Redis for the workers", count)

    def run_id(self, event: dict[str, Any]) -> int:
        """The crawl run of the event's round, started with the round's first event."""
        round_id = event["round"]
        stored = self.client.hget(RUNS, round_id)
        if stored is not None:
            return int(stored)
        as_of = event.get("as_of")
        run_id = self.store.start_run(
            [], replay=bool(event.get("replay")), as_of=parse_utc(as_of) if as_of else None
        )
        self.client.hset(RUNS, round_id, run_id)
        return run_id

    def handle(self, raw: bytes) -> RunWritten | None:
        try:
            event = json.loads(raw)
            kind, round_id = event["event"], event["round"]
            if not isinstance(round_id, str):
                raise TypeError("round is not text")
        except (ValueError, KeyError, TypeError) as exc:
            logger.error("unreadable event dropped (%s): %.200r", exc, raw)
            return None
        if kind == "end":
            return self.end(event)
        run_id = self.run_id(event)
        if kind == "article":
            self.article(run_id, event)
        elif kind == "not_modified":
            item = event["item"]
            seen = parse_utc(event["seen"]) if event.get("seen") else None
            if self.store.seen_unchanged(item["url"], now=seen):
                self._mirror([canonical_url(item["url"])])
        elif kind == "failure":
            item = event["item"]
            self.store.record_failure(
                run_id, item["source"], item["url"], item["kind"], item["message"], item["status"]
            )
        return None

    def _count(self, event: dict[str, Any], source: str, figure: str) -> None:
        self.client.hincrby(run_key(event["round"], "figures"), f"{source}:{figure}", 1)

    def article(self, run_id: int, event: dict[str, Any]) -> None:
        item = event["item"]
        seen = parse_utc(event["seen"]) if event.get("seen") else None
        try:
            outcome = self.store.save_article(decode_article(item), now=seen)
        except StorageError as exc:
            logger.warning("%s: not stored %s: %s", item.get("source"), item.get("url"), exc)
            self.store.record_failure(run_id, item["source"], item["url"], "store", str(exc))
            self._count(event, item["source"], "failed")
            return
        self._count(event, item["source"], outcome)
        url = canonical_url(item["url"])
        if item.get("http_etag") or item.get("http_last_modified"):
            self.store.remember_validators(
                url, item.get("http_etag"), item.get("http_last_modified"), event.get("seen") or ""
            )
        aliases = [canonical_url(a) for a in item.get("aliases") or () if isinstance(a, str)]
        self._mirror([url, *aliases])

    def _mirror(self, urls: list[str]) -> None:
        """Copy what the store now knows of these pages (or aliases) to ``KNOWN``."""
        known = self.store.first_seen(urls)
        if known:
            self.client.hset(KNOWN, mapping={u: json.dumps(list(v)) for u, v in known.items()})

    def end(self, event: dict[str, Any]) -> RunWritten:
        """The round's last worker left (or all died): record each source's figures and
        health, and finish the run."""
        round_id = event["round"]
        run_id = self.run_id(event)
        raw_figures = self.client.hgetall(run_key(round_id, "figures"))
        sources = sorted(as_text(v) for v in self.client.smembers(run_key(round_id, "sources")))
        figures: dict[str, dict[str, int]] = {}
        for name, value in raw_figures.items():
            source, _, figure = as_text(name).rpartition(":")
            if figure in CRAWL_FIGURES:
                figures.setdefault(source, {})[figure] = int(value)
        for source in sorted(figures):
            self.store.record_source_stats(run_id, source, figures[source])
        stats = {row["source"]: row for row in self.store.run_stats(run_id)}
        failed = [
            s
            for s in sources
            if s not in stats
            or not (stats[s]["articles"] or stats[s]["known"] or stats[s]["not_modified"])
        ]
        status = event.get("status") or "finished"
        if status == "finished" and failed:
            status = "partial"
        self.store.finish_run(run_id, status, sources)
        self.client.delete(run_key(round_id, "figures"), run_key(round_id, "sources"))
        self.client.hdel(RUNS, round_id)
        logger.info("round %s written as run %d (%s)", round_id, run_id, status)
        return RunWritten(run_id, round_id, status, stats, failed)
