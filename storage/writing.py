"""Write transactions shared by every writer of one store (docs/deploy.md, "Several
writers").

Any number of processes may write one store at once (a crawl, an import, a retag, the
scale-out writer): they interleave, one transaction at a time. Each transaction takes
SQLite's write lock up front (``BEGIN IMMEDIATE``): a transaction that read first and
then tried to write could find the store changed under it and fail at once, whatever
the busy timeout (SQLite cannot upgrade a stale read to a write). A writer that finds
the lock taken waits (SQLite's busy handler, then retries with backoff and jitter) for
at most ``timeout`` seconds; after that the write fails as :class:`StoreUnavailable`,
which the caller counts and reports, never as "ok".

Failures of the store itself (full disk, read-only file, corruption, the lock held too
long) become :class:`StoreUnavailable` with one readable line; every other error is the
caller's to handle.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import StoreUnavailable

__all__ = [
    "DEFAULT_WRITE_TIMEOUT",
    "begin_immediate",
    "unavailable",
    "write_timeout",
    "write_transaction",
]

# Seconds a writer waits for the write lock before giving up. A crawl writes one article
# per transaction, an import or a retag 500: each holds the lock well under a second, so
# 60 s means the other writer is stuck, not busy.
DEFAULT_WRITE_TIMEOUT = 60.0
# SQLite's own busy handler waits up to this long per attempt; the loop below retries.
BUSY_SLICE_MS = 2000

_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")


def write_timeout() -> float:
    """The write bound: ``$DIPLOFEED_WRITE_TIMEOUT`` seconds, else 60."""
    raw = os.environ.get("DIPLOFEED_WRITE_TIMEOUT", "")
    try:
        value = float(raw) if raw.strip() else DEFAULT_WRITE_TIMEOUT
    except ValueError:
        value = DEFAULT_WRITE_TIMEOUT
    return value if value > 0 else DEFAULT_WRITE_TIMEOUT


def _errorname(exc: BaseException) -> str:
    name = getattr(exc, "sqlite_errorname", None)
    if isinstance(name, str):
        return name
    text = str(exc).lower()  # errors raised before SQLite gave a code
    if "locked" in text or "busy" in text:
        return "SQLITE_BUSY"
    return ""


def unavailable(
    exc: BaseException, path: str | None, *, waited: float | None = None
) -> StoreUnavailable | None:
    """The one-line :class:`StoreUnavailable` for a failure of the store itself, or None
    when ``exc`` is something else (a constraint, a bug: the caller's to handle).
    ``path`` is the store's file, None when the caller does not know it."""
    if isinstance(exc, StoreUnavailable):
        return exc
    store = f"the store {path}" if path else "the store"
    if isinstance(exc, OSError):
        return _os_unavailable(exc, store)
    if not isinstance(exc, sqlite3.Error) or isinstance(exc, sqlite3.IntegrityError):
        return None
    name = _errorname(exc)
    if path and name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) and _disk_full(path):
        name = "SQLITE_FULL"  # SQLite could not grow its WAL index: the same cause
    elif path and name.startswith("SQLITE_CANTOPEN") and _read_only_place(path):
        name = "SQLITE_READONLY"  # no journal or WAL index can be made beside it
    if name.startswith("SQLITE_FULL"):
        message = f"the disk holding {store} is full; nothing more was written"
    elif name.startswith(("SQLITE_READONLY", "SQLITE_PERM")):
        message = f"{store} is read-only here (file, folder or mount); not written"
    elif name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        message = (
            f"{store} is damaged ({exc}); check it with `diplofeed sources --check`, "
            "see docs/reliability.md for recovery"
        )
    elif name.startswith(_BUSY):
        held = f" for over {waited:.0f} s" if waited is not None else ""
        message = f"another writer kept {store} locked{held}; this write was not made"
    elif name.startswith("SQLITE_IOERR"):
        message = f"a disk error while using {store} ({exc})"
    elif name.startswith("SQLITE_CANTOPEN"):
        message = f"cannot open {store} (missing folder or no permission)"
    else:
        return None
    return StoreUnavailable(message)


def _read_only_place(path: str) -> bool:
    folder = os.path.dirname(os.path.abspath(path))
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(folder, os.W_OK)


def _disk_full(path: str) -> bool:
    try:
        stats = os.statvfs(os.path.dirname(os.path.abspath(path)))
    except OSError:
        return False
    return stats.f_bavail == 0


def _os_unavailable(exc: OSError, store: str) -> StoreUnavailable:
    import errno

    if exc.errno == errno.ENOSPC:
        return StoreUnavailable(f"the disk holding {store} is full")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StoreUnavailable(f"{store} is read-only here ({exc.strerror})")
    return StoreUnavailable(f"cannot use {store}: {exc.strerror or exc}")


def begin_immediate(conn: sqlite3.Connection, path: str, timeout: float) -> None:
    """Start a write transaction holding the write lock, waiting up to ``timeout``
    seconds for another writer to let go of it.

    Raises:
        StoreUnavailable: the lock stayed taken, or the store cannot be written.
    """
    started = time.monotonic()
    delay = 0.02
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            waited = time.monotonic() - started
            if not _errorname(exc).startswith(_BUSY) or waited >= timeout:
                raise (unavailable(exc, path, waited=waited) or exc) from exc
            # another writer holds it beyond SQLite's own wait: back off, with jitter so
            # two waiters do not retry in step
            time.sleep(min(delay, max(0.0, timeout - waited)) * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 1.0)


@contextmanager
def write_transaction(conn: sqlite3.Connection, path: str, timeout: float) -> Iterator[None]:
    """One write transaction (a savepoint when one is already open): committed when the
    block ends, rolled back when it raises. Store failures come out as
    :class:`StoreUnavailable`."""
    if conn.in_transaction:
        name = f"w{random.getrandbits(48):x}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if conn.in_transaction:  # an error may already have ended the transaction
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    begin_immediate(conn, path, timeout)
    try:
        yield
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the first error is the one to report
        converted = unavailable(exc, path)
        if converted is None and isinstance(exc, sqlite3.IntegrityError):
            converted = _damaged(conn, exc, path)
        if converted is not None and converted is not exc:
            raise converted from exc
        raise


def _damaged(conn: sqlite3.Connection, exc: sqlite3.Error, path: str) -> StoreUnavailable | None:
    """A constraint that fails on a damaged store (a row that cannot be read back) is the
    store's fault: SQLite's own check says which, on this rare path."""
    try:
        verdict = conn.execute("PRAGMA quick_check(1)").fetchone()
    except sqlite3.DatabaseError as error:
        verdict = (str(error),)
    if verdict and verdict[0] == "ok":
        return None  # the store is whole: the constraint is a real one
    return StoreUnavailable(
        f"the store {path} is damaged ({exc}; {verdict[0] if verdict else '?'}); check it "
        "with `diplofeed sources --check`, see docs/reliability.md for recovery"
    )
