"""The base of :class:`storage.Store`: one SQLite connection, opened and migrated, and the
write transaction every write goes through (docs/schema.md).

The store is this base and three parts, each a class over it with its own contract:
:class:`storage.reads.Reads` (reading: filters, feeds, search, listings),
:class:`storage.runs.Runs` (recording crawls), :class:`storage.stories.Stories` (placing
articles in stories), and :class:`storage.Store` itself (writing articles and sources).
What a part may rely on is what this class provides:

* ``db``: the ``sqlite_utils.Database`` of the store (read only when ``readonly``);
* ``path``, ``write_timeout`` and ``immutable``;
* :meth:`write`: one write transaction holding the store's write lock; nested calls are
  savepoints; nothing else writes;
* :meth:`_select`: rows as dicts, straight from the connection;
* :meth:`_ensure_source`: the kind and country of a source (recorded as ``external``
  when unknown), and its time zone in ``_zones``.

Opening a store migrates it and does nothing else: what a migration adds for rows stored
before it is filled in within the migration's transaction (:meth:`StoreBase._backfill`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import sqlite_utils

from .errors import StorageError
from .schema import migrations, story_parties_recount
from .times import format_utc, utcnow
from .vocabulary import EXTERNAL_KIND
from .writing import BUSY_SLICE_MS, unavailable, write_transaction
from .writing import write_timeout as default_write_timeout

__all__ = ["StoreBase", "StoreOutdated", "on_readonly_mount", "writable"]


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


class StoreOutdated(StorageError):
    """The store needs migrating, and this connection only reads."""


def writable(path: str | Path) -> bool:
    """Whether this process can write the store at ``path`` (its file and its folder,
    where SQLite keeps the journal) and the file system is not mounted read-only."""
    where = Path(path)
    folder = where.parent if str(where.parent) else Path(".")
    if on_readonly_mount(where):
        return False
    return os.access(folder, os.W_OK) and (not where.exists() or os.access(where, os.W_OK))


def _store_error(exc: sqlite3.Error, path: str) -> StorageError:
    """A one-line error for a store that cannot be opened or used."""
    return unavailable(exc, path) or StorageError(f"cannot open store {path}: {exc}")


def _connect_readonly(path: Path) -> tuple[sqlite3.Connection, bool]:
    """A read-only connection. A store in WAL mode that no writer has open has no WAL
    index (``-shm``) beside it, and SQLite cannot create one where this process may not
    write (a read-only mount, another user's folder, a full disk): there the store is
    opened ``immutable``, which is true while no writer has it open (a writer would
    have made the index, and the first try would have worked)."""
    uri = path.as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_SLICE_MS / 1000, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn, False
    except sqlite3.OperationalError as exc:
        conn.close()
        wal = Path(f"{path}-wal")
        if Path(f"{path}-shm").exists() or (wal.exists() and wal.stat().st_size):
            # a writer has it open, or left commits in its WAL: immutable would read a
            # store without them
            raise
        first = exc
    try:
        conn = sqlite3.connect(path.as_uri() + "?mode=ro&immutable=1", uri=True,
                               check_same_thread=False)  # fmt: skip
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        raise first from None
    return conn, True


def on_readonly_mount(path: Path) -> bool:
    """Whether the file system holding ``path`` is mounted read-only."""
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


class StoreBase:
    """A diplofeed SQLite store at ``path``, migrated to the current schema on open.

    Args:
        path: the database file. ``":memory:"`` for tests.
        create: create the store when the file does not exist; with False a missing
            file is an error (commands that only read, like ``search``).
        readonly: open for reading only (the feed server): nothing is migrated or
            written, and a store that needs migrating is an error.
        write_timeout: seconds a write waits for another writer's lock (default
            ``DIPLOFEED_WRITE_TIMEOUT``).

    Raises:
        StorageError: the file is missing (``create=False``), is not a SQLite database,
            is a SQLite database of something else (it is never altered), or cannot be
            migrated.
    """

    db: sqlite_utils.Database

    if TYPE_CHECKING:

        def _forget_bands(self) -> None:
            """Drop what the near-duplicate index holds in memory (storage/stories.py)."""

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = True,
        readonly: bool = False,
        write_timeout: float | None = None,
    ) -> None:
        self.path = str(path)
        # read as it was: no writer had it open, and none could be seen here (storage
        # opened read only where no WAL index can be made)
        self.immutable = False
        self.write_timeout = write_timeout if write_timeout is not None else default_write_timeout()
        self._source_cache: dict[str, tuple[str, str | None]] = {}
        self._zones: dict[str, str | None] = {}
        self._voices: dict[str, str | None] = {}  # sources.principal, read with the kind
        self._deferring = False  # inside batch(): indexes caught up at its end
        if self.path != ":memory:" and (readonly or not create) and not Path(self.path).exists():
            raise StorageError(f"no store at {self.path} (crawl, import or run the demo first)")
        if readonly:
            self._open_readonly()
            return
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_SLICE_MS / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from exc
        try:
            _refuse_foreign(conn, self.path)
            self.db = sqlite_utils.Database(conn)
            # WAL: readers (the feed server, sqlite3) never see "database is locked" while
            # a crawl writes; NORMAL sync is safe under WAL and ~2x faster (FIELD-NOTES).
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            busy_ms = int(min(BUSY_SLICE_MS, self.write_timeout * 1000))
            self.db.execute(f"PRAGMA busy_timeout={busy_ms}")
            self._migrate()
        except StorageError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise _store_error(exc, self.path) from exc

    def _open_readonly(self) -> None:
        """For readers (the feed server, ``search``, ``feeds build``): no migration, no
        write, and an error when the store is older than this code (a writing command
        migrates it). Works on a store the user cannot write, and on a read-only mount
        (opened ``immutable``: nothing can change it there)."""
        resolved = Path(self.path).resolve()
        try:
            conn, self.immutable = _connect_readonly(resolved)
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from exc
        try:
            _refuse_foreign(conn, self.path)
            self.db = sqlite_utils.Database(conn)
            self.db.execute(f"PRAGMA busy_timeout={BUSY_SLICE_MS * 15}")
            pending = migrations.pending(self.db)
        except StorageError:
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise _store_error(exc, self.path) from exc
        if pending:
            conn.close()
            raise StoreOutdated(
                f"the store {self.path} predates this diplofeed: run a crawl or an import "
                "once to migrate it"
            )

    @classmethod
    def for_reading(cls, path: str | Path) -> Self:
        """Open an existing store for a command that only reads (``search``, ``feeds
        build``, ``sources``, ``browse``): read only, so it works on a store the user
        cannot write and on a read-only mount. A store older than this code is
        migrated first when it can be written, as every command used to.

        Raises:
            StorageError: no store at ``path``, not a store, or too old to read here.
        """
        try:
            return cls(path, readonly=True)
        except StoreOutdated:
            if not writable(path):
                raise
        cls(path, create=False).close()
        return cls(path, readonly=True)

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction, holding the store's write lock from its start
        (storage/writing.py): nested calls are savepoints. Waits up to
        ``write_timeout`` seconds for another writer.

        Raises:
            StoreUnavailable: the lock stayed taken, the disk is full, the store is
                read-only or damaged (nothing of the block was written).
        """
        outermost = not self.db.conn.in_transaction
        try:
            with write_transaction(self.db.conn, self.path, self.write_timeout):
                yield
        except BaseException:
            if outermost:
                # rows of the rolled-back transaction may be in the in-memory index
                self._forget_bands()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- opening: migrating and nothing else ------------------------------------------

    def _migrate(self) -> None:
        """Apply the pending migrations and what each must fill in for rows stored
        before it (:meth:`_backfill`), then make sure the store has its identity."""
        if migrations.pending(self.db):
            # under the write lock: two processes opening a new store do not both
            # migrate it; all pending migrations and their backfills are one transaction
            with self.write():
                pending = [m.name for m in migrations.pending(self.db)]
                migrations.apply(self.db)
                self._backfill(pending)
        self._ensure_store_info()

    def _backfill(self, applied: list[str]) -> None:
        """Fill in what the migrations just ``applied`` added for rows stored before
        them (their columns are computed in Python, not SQL). Nothing by default: the
        store adds its own (:class:`storage.Store`)."""

    def _ensure_store_info(self) -> None:
        known = self.db.execute(
            "SELECT count(*) FROM store_info WHERE key IN ('store_key', 'created')"
        ).fetchone()[0]
        if known == 2:
            return  # opening a store writes nothing when there is nothing to write
        with self.write():
            self.db.execute(
                "INSERT OR IGNORE INTO store_info(key, value) VALUES ('store_key', ?)",
                [secrets.token_hex(4)],
            )
            self.db.execute(
                "INSERT OR IGNORE INTO store_info(key, value) VALUES ('created', ?)",
                [format_utc(utcnow())],
            )

    def info(self) -> dict[str, str]:
        """Return the store's identity: ``store_key`` and ``created`` (used in GUIDs)."""
        return {r["key"]: r["value"] for r in self.db.query("SELECT key, value FROM store_info")}

    def _select(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """Rows as dicts, straight from the connection: sqlite-utils' ``query`` wraps
        every statement in a savepoint, three statements where one will do on the path
        every article takes."""
        cursor = self.db.conn.execute(sql, params)
        keys = [column[0] for column in cursor.description]
        return [dict(zip(keys, row, strict=True)) for row in cursor]

    def _ensure_source(self, source_id: str) -> tuple[str, str | None]:
        """Return the kind and country of ``source_id``, recording an unknown source as
        ``external``."""
        if source_id in self._source_cache:
            return self._source_cache[source_id]
        rows = list(
            self.db.query(
                "SELECT kind, country, timezone, principal FROM sources WHERE id = ?", [source_id]
            )
        )
        if not rows:
            # not cached: a savepoint rolled back later could take this row away again
            self.db.execute(
                "INSERT INTO sources (id, name, kind, registered) VALUES (?, ?, ?, 0)",
                [source_id, source_id, EXTERNAL_KIND],
            )
            return EXTERNAL_KIND, None
        found: tuple[str, str | None] = (str(rows[0]["kind"]), rows[0]["country"])
        self._source_cache[source_id] = found
        self._zones[source_id] = rows[0]["timezone"]
        self._voices[source_id] = rows[0]["principal"]
        return found

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction around many writes (``with store.batch(): ...``): each article
        stays all-or-nothing (a savepoint), the commit is paid once.

        The full-text index of the batch's new articles and the ``story_parties`` of the
        stories it touched are brought up to date once, at its end, before the commit
        (migration m019): nobody else sees the store before then. Within the batch, this
        connection's searches do not find its new articles yet.
        """
        with self.write():
            if self._deferring:  # within another batch: part of it
                yield
                return
            last = self.db.conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
            self.db.conn.execute("INSERT INTO index_deferral (last_article) VALUES (?)", [last])
            self._deferring = True
            try:
                yield
                self._catch_up(last)
            finally:
                self._deferring = False

    def _catch_up(self, last: int) -> None:
        """What the triggers left to the batch's end (m019): index the articles added
        after ``last`` as they are now, count the parties of the stories it touched."""
        conn = self.db.conn
        conn.execute("DELETE FROM index_deferral")
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, body, search_forms) "
            "SELECT id, title, body, search_forms FROM articles WHERE id > ? ORDER BY id",
            [last],
        )
        stories = [{"story": r[0]} for r in conn.execute("SELECT story_id FROM stories_recount")]
        for statement in story_parties_recount(":story"):
            conn.executemany(statement, stories)
        conn.execute("DELETE FROM stories_recount")
