"""What spiders yield besides articles: a failed fetch or parse, recorded as data; and an
item's fields as data (:func:`item_fields`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .extract.model import Article

__all__ = ["Article", "FetchFailure", "NotModified", "item_fields"]


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


def item_fields(item: Article | FetchFailure | NotModified) -> dict[str, Any]:
    """An item's fields as JSON-ready data (dates as ISO 8601 text, tuples as lists): what
    the store is given for it, locally or through a scale-out worker's queue, and what
    ``diplofeed extract`` prints."""
    data = dataclasses.asdict(item)
    for name, value in data.items():
        if isinstance(value, datetime):
            data[name] = value.isoformat()
        elif isinstance(value, tuple):
            data[name] = list(value)
    return data
