"""The project's exception families (see docs/cli.md for how the CLI reports them)."""

from __future__ import annotations


class DiplofeedError(Exception):
    """Base class of every error diplofeed raises on purpose."""


class SourceConfigError(DiplofeedError):
    """The source registry (crawler/sources.toml) is malformed or names an unknown source."""


class ExtractionError(DiplofeedError):
    """A page, feed or API answer could not be turned into articles."""


class StorageError(DiplofeedError):
    """The SQLite store could not be opened, migrated or written."""


class ReplayError(DiplofeedError):
    """The replay archive is malformed or the replay server could not start."""
