"""Running crawls from Python (what ``diplofeed crawl`` and ``diplofeed demo`` call).

Crawls run in the real Scrapy engine via ``AsyncCrawlerProcess``; the Twisted reactor
can start once per process, so one process runs one crawl (tests start a subprocess).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from crawler.errors import SourceConfigError
from crawler.registry import Source, load_registry
from storage import Store, format_utc
from storage.errors import StorageError, StoreUnavailable
from storage.lock import crawl_lock
from storage.vocabulary import yielded_nothing

__all__ = [
    "CrawlObserver",
    "CrawlResult",
    "WorkerResult",
    "crawl_settings",
    "run_crawl",
    "run_worker",
]

logger = logging.getLogger(__name__)
# The log repeats no warning or error: this many distinct ones are remembered.
_ONCE_MEMORY = 10_000


class CrawlObserver(Protocol):
    """What a crawl tells as it goes (the command line's progress display and its line
    per source). Called in the crawl's thread, from the Scrapy engine's signals."""

    def page(self, source: str) -> None:
        """A page of ``source`` was fetched (any status)."""

    def article(self, source: str) -> None:
        """An article of ``source`` was read and handed to the store."""

    def failure(self, source: str) -> None:
        """A page of ``source`` failed (HTTP error, network, parse)."""

    def finished(self, source: str, stats: dict[str, Any] | None) -> None:
        """``source`` finished: its figures and health as stored (None: not stored)."""


class _Once(logging.Filter):
    """Lets each distinct log line through once (23 spiders warning the same thing are
    one warning); bounded, then everything goes through."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, int, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, record.getMessage())
        if key in self.seen:
            return False
        if len(self.seen) < _ONCE_MEMORY:
            self.seen.add(key)
        return True


@dataclass(slots=True)
class CrawlResult:
    run_id: int
    sources: list[str]
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)

    # articles the crawl's own counters say it could not store (the store's figures may
    # be missing: they could not be written either)
    unstored_here: int = 0

    @property
    def unstored(self) -> int:
        """Articles fetched but not stored: the store could not be written."""
        recorded = sum(int(s.get("unstored") or 0) for s in self.stats.values() if s)
        return max(recorded, self.unstored_here)

    @property
    def failed_sources(self) -> list[str]:
        """Sources that recorded no figures (the spider died) or found no article, new or
        already stored."""
        return [s for s in self.sources if yielded_nothing(self.stats.get(s))]


def crawl_settings(
    db_path: str | Path,
    *,
    run_id: int | None = None,
    replay_url: str | None = None,
    registry: str | Path | None = None,
    log_level: str = "WARNING",
    log_file: str | Path | None = None,
    as_of: datetime | None = None,
    redis_url: str | None = None,
) -> Any:
    """Scrapy settings for a diplofeed crawl (the project's settings plus these)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("DIPLOFEED_DB", str(db_path), priority="cmdline")
    settings.set("DIPLOFEED_RUN_ID", run_id, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    if registry:
        settings.set("DIPLOFEED_REGISTRY", str(registry), priority="cmdline")
    if as_of:
        settings.set("DIPLOFEED_AS_OF", format_utc(as_of), priority="cmdline")
    if log_file:
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
    # a worker only when asked (`--redis`), whatever the settings say
    settings.set("DIPLOFEED_REDIS_URL", redis_url or None, priority="cmdline")
    if replay_url:
        handler = "crawler.replay.handler.ReplayDownloadHandler"
        settings.set("DIPLOFEED_REPLAY_URL", replay_url, priority="cmdline")
        settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="cmdline")
        # Politeness protects real servers; the replay server is ours and local.
        settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    return settings


def _process(
    settings: Any, sources: list[str], watch: Callable[[Any, str], None] | None = None
) -> Any:
    """A crawler process (the real Scrapy engine) with one spider per source; ``watch``
    is called with each source's crawler before it starts (to connect signals)."""
    from scrapy.crawler import AsyncCrawlerProcess

    process = AsyncCrawlerProcess(settings)
    if settings.get("LOG_LEVEL") != "DEBUG":
        for handler in logging.root.handlers:
            handler.addFilter(_Once())
    for source_id in sources:
        crawler = process.create_crawler(source_id)
        if watch is not None:
            watch(crawler, source_id)
        process.crawl(crawler)
    return process


def _watcher(
    observer: CrawlObserver, db_path: str | Path, run_id: int
) -> Callable[[Any, str], None]:
    """Connect a source's crawler to ``observer``: pages, articles and failures as they
    happen, and the source's stored figures once its spider has closed (Scrapy closes
    the item pipeline, which records them, before it sends ``spider_closed``)."""
    from scrapy import signals

    from .extract.model import Article
    from .items import FetchFailure

    def watch(crawler: Any, source: str) -> None:
        def page(**_: Any) -> None:
            observer.page(source)

        def item(item: Any, **_: Any) -> None:
            if isinstance(item, Article):
                observer.article(source)
            elif isinstance(item, FetchFailure) and item.kind != "robots":
                observer.failure(source)

        def closed(**_: Any) -> None:
            observer.finished(source, _source_stats(db_path, run_id, source))

        # weak references by default: these closures live as long as the crawler
        crawler.signals.connect(page, signal=signals.response_received, weak=False)
        crawler.signals.connect(item, signal=signals.item_scraped, weak=False)
        crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)

    return watch


def _source_stats(db_path: str | Path, run_id: int, source: str) -> dict[str, Any] | None:
    try:
        with Store.for_reading(db_path) as store:
            rows = [r for r in store.run_stats(run_id) if r["source"] == source]
    except StorageError as exc:
        logger.error("%s: its figures could not be read back: %s", source, exc)
        return None
    return rows[0] if rows else None


def _select(registry: dict[str, Source], wanted: list[str] | None) -> list[str]:
    if not wanted:
        return list(registry)
    unknown = [s for s in wanted if s not in registry]
    if unknown:
        raise SourceConfigError(
            f"unknown source(s): {', '.join(unknown)} (known: {', '.join(registry)})"
        )
    return list(dict.fromkeys(wanted))


def run_crawl(
    db_path: str | Path,
    sources: list[str] | None = None,
    *,
    replay_url: str | None = None,
    registry: str | Path | None = None,
    log_level: str = "WARNING",
    log_file: str | Path | None = None,
    as_of: datetime | None = None,
    observer: CrawlObserver | None = None,
    settings: dict[str, Any] | None = None,
) -> CrawlResult:
    """Crawl ``sources`` (default: all) into the store at ``db_path``.

    Args:
        db_path: the SQLite store (created if missing).
        sources: registry ids; None for every source.
        replay_url: a running replay server to fetch from instead of the network.
        registry: another registry file than the bundled one.
        as_of: run as of this time (relative dates, first-seen times, health); now
            by default.
        observer: told of each page, article and failure as they happen, and of each
            source's figures as soon as that source finishes.
        settings: further Scrapy settings (``diplofeed replay record`` adds its
            recorder).

    Returns:
        The run id and each source's figures.

    Raises:
        SourceConfigError: an unknown source id or a broken registry.
        CrawlLocked: another crawl is writing to this store (nothing is done).
    """
    entries = load_registry(registry)
    chosen = _select(entries, sources)
    with crawl_lock(db_path):
        return _crawl(
            db_path,
            entries,
            chosen,
            replay_url,
            registry,
            log_level,
            log_file,
            as_of,
            observer,
            settings,
        )


def _crawl(
    db_path: str | Path,
    entries: dict[str, Source],
    chosen: list[str],
    replay_url: str | None,
    registry: str | Path | None,
    log_level: str,
    log_file: str | Path | None,
    as_of: datetime | None,
    observer: CrawlObserver | None,
    extra: dict[str, Any] | None = None,
) -> CrawlResult:
    with Store(db_path) as store:
        store.sync_sources((s.as_row() for s in entries.values()), complete=True)
        run_id = store.start_run(chosen, replay=bool(replay_url), as_of=as_of)
    settings = crawl_settings(
        db_path,
        run_id=run_id,
        replay_url=replay_url,
        registry=registry,
        log_level=log_level,
        log_file=log_file,
        as_of=as_of,
    )
    for key, value in (extra or {}).items():
        settings.set(key, value, priority="cmdline")
    watch = _watcher(observer, db_path, run_id) if observer is not None else None
    process = _process(settings, chosen, watch)
    status = "finished"
    try:
        process.start()
    except BaseException:
        status = "interrupted"
        raise
    finally:
        # counted in this process, whether or not the figures could be stored
        unstored = sum(
            int(crawler.stats.get_value("diplofeed/unstored", 0) or 0)
            for crawler in process.crawlers
            if crawler.stats is not None
        )
        try:
            with Store(db_path) as store:
                stats = {row["source"]: row for row in store.run_stats(run_id)}
                result = CrawlResult(run_id, chosen, stats, unstored_here=unstored)
                if status == "finished" and result.failed_sources:
                    status = "partial"
                store.finish_run(run_id, status)
        except StoreUnavailable:
            if status != "finished":
                raise  # the interruption is the news
            result = CrawlResult(run_id, chosen, {}, unstored_here=unstored)
            if not unstored:
                raise
    return result


@dataclass(slots=True)
class WorkerResult:
    """What one scale-out worker did: its round and its own share of each source's
    figures (the writer records the round's sums and health)."""

    round_id: str | None
    sources: list[str]
    stats: dict[str, dict[str, int]] = field(default_factory=dict)


def run_worker(
    redis_url: str,
    sources: list[str] | None = None,
    *,
    replay_url: str | None = None,
    registry: str | Path | None = None,
    log_level: str = "WARNING",
    log_file: str | Path | None = None,
    as_of: datetime | None = None,
) -> WorkerResult:
    """Crawl ``sources`` (default: all) as one worker of a scale-out crawl: join the
    round open in Redis at ``redis_url`` (or start one), share its queue with the other
    workers, and send what is found to ``diplofeed writer`` (docs/scale-out.md). The
    store is not opened.

    Raises:
        SourceConfigError: an unknown source id or a broken registry.
        RedisUnavailable: Redis does not answer at ``redis_url``.
    """
    from crawler.scaleout.worker import Worker, connect

    chosen = _select(load_registry(registry), sources)
    connect(redis_url).close()  # a clear error now rather than a failed crawl
    settings = crawl_settings(
        ":worker:",  # never opened: StorePipeline is off in worker mode
        replay_url=replay_url,
        registry=registry,
        log_level=log_level,
        log_file=log_file,
        as_of=as_of,
        redis_url=redis_url,
    )
    process = _process(settings, chosen)
    worker = Worker.of(settings)
    try:
        process.start()
    finally:
        result = WorkerResult(worker.last_round, chosen, dict(worker.figures))
        Worker.forget()
    return result
