"""diplofeed's SQLite store: schema, migrations and every SQL statement (docs/schema.md)."""

from __future__ import annotations

from .fts import fts_query
from .normalize import body_fingerprint, canonical_url, clean_text, clean_url
from .reads import ArticleFilter
from .store import Preparer, Store, article_row
from .times import format_utc, parse_utc
from .vocabulary import CRAWL_FIGURES

__all__ = [
    "CRAWL_FIGURES",
    "ArticleFilter",
    "Preparer",
    "Store",
    "article_row",
    "body_fingerprint",
    "canonical_url",
    "clean_text",
    "clean_url",
    "format_utc",
    "fts_query",
    "parse_utc",
]
