"""Every key diplofeed keeps in Redis in scale-out mode (docs/scale-out.md lists them),
named once: the Python helpers and the Lua scripts (crawler/scaleout/worker.py) are built
from these names."""

from __future__ import annotations

__all__ = [
    "DEAD",
    "ENDED",
    "EVENTS",
    "KNOWN",
    "KNOWN_STORE",
    "PROCESSING",
    "ROUND",
    "ROUND_PREFIX",
    "RUNS",
    "WORKER_PREFIX",
    "WRITER",
    "robots_key",
    "round_key",
    "run_key",
    "worker_key",
]

ROUND = "diplofeed:round"  # the id of the open round
EVENTS = "diplofeed:events"  # what workers send the writer, oldest first (JSON)
PROCESSING = "diplofeed:events:processing"  # taken by the writer, not yet written
DEAD = "diplofeed:events:dead"  # events the writer could not write (kept for a look)
KNOWN = "diplofeed:known"  # canonical URL -> [first_seen, etag, last_modified]
KNOWN_STORE = "diplofeed:known:store"  # the store_key of the store KNOWN mirrors
RUNS = "diplofeed:runs"  # round id -> the store's crawl_runs id (set by the writer)
ENDED = "diplofeed:ended:"  # + round id -> its crawl_runs id, for a week after it ended
WRITER = "diplofeed:writer"  # held by the one writer


# Prefixes of the keys of one round's state and of one worker's heartbeat.
ROUND_PREFIX = ROUND + ":"
WORKER_PREFIX = "diplofeed:worker:"
ROBOTS_PREFIX = "diplofeed:robots:"


def round_key(round_id: str, *parts: str) -> str:
    """A key of one round's crawl state (queue, duplicate filter, robots.txt, workers):
    deleted when the round ends."""
    return ROUND_PREFIX + ":".join([round_id, *parts])


def run_key(round_id: str, part: str) -> str:
    """A key of what a round reports to the writer (figures, sources): deleted by the
    writer once it has recorded the run."""
    return f"diplofeed:run:{round_id}:{part}"


def worker_key(worker_id: str) -> str:
    """A worker's heartbeat: it expires when the worker stops beating."""
    return WORKER_PREFIX + worker_id


def robots_key(host: str) -> str:
    """A host's robots.txt, kept a day (crawler/robots.py)."""
    return ROBOTS_PREFIX + host
