"""``diplofeed writer``: the one process that writes the store in scale-out mode
(docs/scale-out.md).

Scale-out workers (``diplofeed crawl --redis URL``, crawler/scaleout/worker.py) send what they
find to a Redis list. The writer takes each event, writes it through :class:`Store` as
the store pipeline would, and records a crawl run per round, with each source's figures
summed over the round's workers and its health decided once, when the round ends.

Events are moved to a processing list before they are written and dropped from it after:
a writer killed in between finds them there at its next start and writes them then
(writing an article twice stores it once; its outcome may be counted twice in the
round's figures). An event that cannot be written is logged and kept in a dead-letter
list; the writer goes on. A round's end is written once: an ended round leaves a marker
for a week, and events a counted-out worker sends it afterwards are written (articles
are stored) without touching its recorded figures.
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

from crawler.registry import load_registry
from crawler.scaleout.keys import (
    DEAD,
    ENDED,
    EVENTS,
    KNOWN,
    KNOWN_STORE,
    PROCESSING,
    RUNS,
    WRITER,
    run_key,
)
from crawler.scaleout.worker import as_text, connect, reap
from crawler.storing import store_item
from storage import CRAWL_FIGURES, Store, parse_utc
from storage.errors import EXIT_LOCKED, DiplofeedError, StoreUnavailable
from storage.lock import crawl_lock
from storage.vocabulary import yielded_nothing

if TYPE_CHECKING:
    import redis

__all__ = ["RunWritten", "WriterBusy", "run_writer"]

logger = logging.getLogger(__name__)

# The writer's Redis lock lives this long unless renewed (every loop, at least each second).
LOCK_SECONDS = 30


class WriterBusy(DiplofeedError):
    """Another writer is draining this Redis."""

    exit_code = EXIT_LOCKED


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

    def keep_lock() -> None:
        if client.eval(_RENEW, 1, WRITER, me, LOCK_SECONDS) != 1:
            raise WriterBusy(
                f"the writer lock on {redis_url} was lost (stalled > {LOCK_SECONDS} s)"
            )

    writer: _Writer | None = None
    try:
        with crawl_lock(db_path), Store(db_path) as store:
            store.sync_sources((s.as_row() for s in load_registry().values()), complete=True)
            writer = _Writer(store, client, keep_lock)
            writer.mirror_known()
            # events taken by a writer that died before writing them: first
            while client.lmove(PROCESSING, EVENTS, "RIGHT", "LEFT") is not None:
                pass
            while not (stop is not None and stop.is_set()):
                keep_lock()
                raw = client.blmove(EVENTS, PROCESSING, 1, "LEFT", "RIGHT")
                if raw is None:
                    # a round whose workers all died is ended here too
                    if reap(client) is None and drain and not client.llen(EVENTS):
                        break
                    continue
                data = raw.encode() if isinstance(raw, str) else bytes(raw)
                run = writer.handle(data)
                client.lrem(PROCESSING, 1, raw)  # type: ignore[arg-type]
                if run is not None:
                    written.append(run)
                    if on_run is not None:
                        on_run(run)
            writer.close_mirror()
    finally:
        if as_text(client.get(WRITER)) == me:
            client.delete(WRITER)
    return written


# Renew the writer's lock only if this writer still holds it. KEYS[1] WRITER; ARGV: me, s.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) and 1
end
return 0
"""


class _Writer:
    def __init__(self, store: Store, client: redis.Redis, keep_lock: Callable[[], None]) -> None:
        self.store = store
        self.client = client
        self.keep_lock = keep_lock

    def _mark(self) -> str:
        """What ``KNOWN_STORE`` holds when the mirror matches the store: its key and its
        newest article (a store restored from a backup, or written while no writer ran,
        does not match, and the mirror is rebuilt)."""
        return f"{self.store.info().get('store_key', '')}:{self.store.last_article_id()}"

    def mirror_known(self) -> None:
        """Fill ``KNOWN`` from the store unless it mirrors this store as it is now."""
        if as_text(self.client.get(KNOWN_STORE)) != self._mark():
            self.client.delete(KNOWN)
            batch: dict[str, str] = {}
            count = 0
            for url, *page in self.store.known_pages():
                batch[url] = json.dumps(page)
                if len(batch) >= 1000:
                    self.client.hset(KNOWN, mapping=batch)  # type: ignore[arg-type]
                    count, batch = count + len(batch), {}
                    self.keep_lock()
            if batch:
                self.client.hset(KNOWN, mapping=batch)  # type: ignore[arg-type]
                count += len(batch)
            logger.info("mirrored %d stored pages to Redis for the workers", count)
        # while this writer runs, the mirror is its to keep; a writer killed leaves this
        # mark, and the next one rebuilds the mirror
        self.client.set(KNOWN_STORE, "writing")

    def close_mirror(self) -> None:
        self.client.set(KNOWN_STORE, self._mark())

    def handle(self, raw: bytes) -> RunWritten | None:
        """Write one event; one that cannot be written goes to ``DEAD``, logged, and the
        writer goes on (a bad event must not stop every later one)."""
        try:
            event = json.loads(raw)
            kind, round_id = event["event"], event["round"]
            if not isinstance(round_id, str) or not isinstance(event, dict):
                raise TypeError("round is not text")
            return self._handle(kind, event)
        except StoreUnavailable:
            # the store's fault, not the event's: it stays in PROCESSING, and the next
            # writer's start puts it back in the queue
            raise
        except Exception as exc:
            logger.exception("event not written, kept in %s: %.300r", DEAD, raw)
            self.client.rpush(
                DEAD, json.dumps({"error": repr(exc), "event": raw.decode(errors="replace")})
            )
            return None

    def _handle(self, kind: str, event: dict[str, Any]) -> RunWritten | None:
        if kind == "end":
            return self.end(event)
        ended = self._ended(event["round"])
        run_id = ended if ended is not None else self.run_id(event)
        if kind != "join":
            self.item(run_id, kind, event, count=ended is None)
        return None

    def _ended(self, round_id: str) -> int | None:
        """The run of a round that already ended (a worker counted out sends late)."""
        value = self.client.get(ENDED + round_id)
        return int(value) if value is not None else None

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

    def _count(self, event: dict[str, Any], source: str, figure: str) -> None:
        self.client.hincrby(run_key(event["round"], "figures"), f"{source}:{figure}", 1)

    def item(self, run_id: int, kind: str, event: dict[str, Any], *, count: bool = True) -> None:
        """Write one item a worker found, as the local pipeline does (one function,
        crawler/storing.py), and add an article's outcome to the round's figures."""
        item = event["item"]
        seen = parse_utc(event["seen"]) if event.get("seen") else None
        stored = store_item(self.store, kind, item, run_id=run_id, now=seen)
        if stored.error is not None:
            logger.warning(
                "%s: not stored %s: %s", item.get("source"), item.get("url"), stored.error
            )
        if kind == "article" and count:  # not into the figures of a round already recorded
            self._count(event, item["source"], stored.outcome)
        self._mirror(list(stored.urls))

    def _mirror(self, urls: list[str]) -> None:
        """Copy what the store now knows of these pages (or aliases) to ``KNOWN``."""
        if not urls:
            return
        known = self.store.first_seen(urls)
        if known:
            self.client.hset(KNOWN, mapping={u: json.dumps(list(v)) for u, v in known.items()})

    def end(self, event: dict[str, Any]) -> RunWritten | None:
        """The round's last worker left (or all died): record each source's figures and
        health, and finish the run."""
        round_id = event["round"]
        if self._ended(round_id) is not None:
            return None  # written already (a writer killed before dropping the event)
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
        failed = [s for s in sources if yielded_nothing(stats.get(s))]
        status = event.get("status") or "finished"
        if status == "finished" and failed:
            status = "partial"
        self.store.finish_run(run_id, status, sources)
        self.client.set(ENDED + round_id, run_id, ex=7 * 86400)
        self.client.delete(run_key(round_id, "figures"), run_key(round_id, "sources"))
        self.client.hdel(RUNS, round_id)
        logger.info("round %s written as run %d (%s)", round_id, run_id, status)
        return RunWritten(run_id, round_id, status, stats, failed)
