"""One crawl at a time per store: an advisory lock on ``<store>.lock`` (docs/deploy.md).

Held with ``flock`` for the whole crawl, so it goes when the process goes, however it
ends (a kill included): no stale lock file to clean up after a crash.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import EXIT_LOCKED, DiplofeedError
from .writing import unavailable

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, no lock
    fcntl = None  # type: ignore[assignment]

__all__ = ["CrawlLocked", "crawl_lock"]


class CrawlLocked(DiplofeedError):
    """Another crawl is writing to this store."""

    exit_code = EXIT_LOCKED


def _unavailable(exc: OSError, db_path: str) -> DiplofeedError:
    error = unavailable(exc, db_path)
    assert error is not None  # an OSError always maps
    return error


@contextmanager
def crawl_lock(db_path: str | Path) -> Iterator[Path]:
    """Hold the store's crawl lock, or fail at once.

    Raises:
        CrawlLocked: another process holds it (its PID is in the message).
    """
    path = Path(f"{db_path}.lock")
    if str(db_path) == ":memory:" or fcntl is None:
        yield path
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:  # a read-only folder, a full disk (no inode left)
        raise _unavailable(exc, str(db_path)) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise CrawlLocked(
                f"another crawl (process {holder}) is writing to {db_path}; "
                f"this one does nothing (lock: {path})"
            ) from None
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError as exc:  # the disk is full: the store could not be written either
            raise _unavailable(exc, str(db_path)) from exc
        yield path
    finally:
        os.close(fd)  # closing releases the lock
