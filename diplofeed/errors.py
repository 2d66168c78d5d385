"""The project's exception families, each carrying the exit code the command line gives
it (docs/cli.md, "Exit status"), as Datasette's errors carry their HTTP status."""

from __future__ import annotations

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_ERROR",
    "EXIT_LOCKED",
    "EXIT_OUTPUT",
    "EXIT_SOURCES_FAILED",
    "EXIT_STORE",
    "DiplofeedError",
    "ExtractionError",
    "OutputError",
    "ReplayError",
    "SourceConfigError",
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


class SourceConfigError(DiplofeedError):
    """The source registry (crawler/sources.toml) is malformed or names an unknown source."""


class ExtractionError(DiplofeedError):
    """A page, feed or API answer could not be turned into articles."""


class StorageError(DiplofeedError):
    """The SQLite store could not be opened, migrated or written, or refused an article."""


class StoreUnavailable(StorageError):
    """The store itself cannot be used: the disk is full, the file or its folder is
    read-only, the file is corrupted, or another writer kept the write lock past the
    write bound. Unlike a refused article, this is never the input's fault."""

    exit_code = EXIT_STORE


class OutputError(DiplofeedError):
    """An output cannot be written or opened: an unwritable or full ``--out`` folder,
    or a port already in use."""

    exit_code = EXIT_OUTPUT


class ReplayError(DiplofeedError):
    """The replay archive is malformed or the replay server could not start."""
