"""The crawler's errors: the registry, extraction and the replay copies (docs/cli.md)."""

from __future__ import annotations

from storage.errors import DiplofeedError

__all__ = ["ExtractionError", "ReplayError", "SourceConfigError"]


class SourceConfigError(DiplofeedError):
    """The source registry (crawler/sources.toml) is malformed or names an unknown source."""


class ExtractionError(DiplofeedError):
    """A page, feed or API answer could not be turned into articles."""


class ReplayError(DiplofeedError):
    """The replay archive is malformed or the replay server could not start."""
