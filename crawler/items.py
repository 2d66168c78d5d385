"""What spiders yield besides articles: a failed fetch or parse, recorded as data."""

from __future__ import annotations

from dataclasses import dataclass

from .extract.model import Article

__all__ = ["Article", "FetchFailure", "NotModified"]


@dataclass(slots=True)
class FetchFailure:
    """One page that could not be fetched or read (kind: ``http``, ``network``,
    ``timeout``, ``parse``, ``no_date``...)."""

    source: str
    url: str
    kind: str
    message: str
    status: int | None = None


@dataclass(slots=True)
class NotModified:
    """A stored article's page asked for conditionally answered 304: seen, unchanged."""

    source: str
    url: str
