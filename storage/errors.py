"""The base of every error diplofeed raises on purpose, and the store's own (docs/cli.md,
"Exit status"). Each error class carries the exit code the command line gives it, as
Datasette's errors carry their HTTP status; the other packages' errors are beside them
(crawler/errors.py, feeds/errors.py)."""

from __future__ import annotations

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_ERROR",
    "EXIT_LOCKED",
    "EXIT_OUTPUT",
    "EXIT_SOURCES_FAILED",
    "EXIT_STORE",
    "DiplofeedError",
    "StorageError",
    "StoreUnavailable",
]

EXIT_ERROR = 1
EXIT_SOURCES_FAILED = 3
EXIT_BAD_INPUT = 4
EXIT_LOCKED = 5
EXIT_STORE = 6
EXIT_OUTPUT = 7


class DiplofeedError(Exception):
    """Base class of every error diplofeed raises on purpose."""

    exit_code = EXIT_ERROR


class StorageError(DiplofeedError):
    """The SQLite store could not be opened, migrated or written, or refused an article."""


class StoreUnavailable(StorageError):
    """The store itself cannot be used: the disk is full, the file or its folder is
    read-only, the file is corrupted, or another writer kept the write lock past the
    write bound (``DIPLOFEED_WRITE_TIMEOUT``, 60 s). Unlike a refused article, this is never the input's fault."""

    exit_code = EXIT_STORE
