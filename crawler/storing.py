"""Writing one crawled item into the store: the one path shared by the local pipeline
(crawler/pipelines.py) and the scale-out writer (crawler/scaleout/writer.py), so a local
crawl and a scale-out round store the same rows (docs/scale-out.md).

An item arrives as its kind (:data:`ITEM_KINDS`) and its fields: the pipeline gives a
spider's item as a dict, the writer the item a worker sent through Redis (dates as
ISO 8601 text, which the store reads as it reads a datetime).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage import Store, canonical_url, format_utc
from storage.errors import StorageError, StoreUnavailable
from storage.normalize import web_url
from storage.times import utcnow

from .items import Article, FetchFailure, NotModified

__all__ = ["ITEM_KINDS", "Stored", "store_item"]

# The items a spider yields that the store records, by the name events carry.
ITEM_KINDS: dict[type, str] = {
    Article: "article",
    FetchFailure: "failure",
    NotModified: "not_modified",
}


@dataclass(slots=True, frozen=True)
class Stored:
    """What writing one item did.

    ``outcome``: for an article ``new``, ``updated``, ``unchanged``, or ``failed`` (the
    store refused it: ``error`` says why, and the refusal is recorded as a failure of the
    run); ``not_modified`` or ``not_stored`` (a 304 for a page the store does not hold);
    ``failure`` (a failed fetch recorded). ``urls``: the canonical addresses the store now
    knows from this item (an article's own and its aliases), for scale-out's mirror.
    """

    outcome: str
    urls: tuple[str, ...] = ()
    error: StorageError | None = None


def store_item(
    store: Store,
    kind: str,
    item: Mapping[str, Any],
    *,
    run_id: int | None,
    now: datetime | None = None,
) -> Stored:
    """Write one item of ``kind`` (``article``, ``not_modified`` or ``failure``).

    Args:
        item: the item's fields (:func:`crawler.items.item_fields`, locally or as a
            worker sent them).
        run_id: the crawl run a failure is recorded under.
        now: when the item was seen (the crawl's clock: ``--as-of``); default now.

    Raises:
        StoreUnavailable: the store cannot be written now (nothing was written).
        KeyError, ValueError: ``item`` lacks a field its kind needs, or ``kind`` is
            unknown (an event not made by a worker).
    """
    if kind == "article":
        return _store_article(store, item, run_id, now)
    if kind == "not_modified":
        url = str(item["url"])
        if store.seen_unchanged(url, now=now):
            return Stored("not_modified", (canonical_url(url),))
        return Stored("not_stored")
    if kind == "failure":
        store.record_failure(
            run_id, item["source"], item["url"], item["kind"], item["message"], item["status"]
        )
        return Stored("failure")
    raise ValueError(f"unknown item kind {kind!r}")


def _store_article(
    store: Store, item: Mapping[str, Any], run_id: int | None, now: datetime | None
) -> Stored:
    try:
        outcome = store.save_article(item, now=now)
    except StoreUnavailable:
        raise
    except StorageError as exc:
        store.record_failure(run_id, item["source"], item["url"], "store", str(exc))
        return Stored("failed", error=exc)
    url = canonical_url(item["url"])
    etag, modified = item.get("http_etag"), item.get("http_last_modified")
    if etag or modified:
        store.remember_validators(url, etag, modified, format_utc(now or utcnow()))
    # (an alias no browser opens is not stored: the store leaves it out)
    aliases = [
        canonical_url(a)
        for a in item.get("aliases") or ()
        if isinstance(a, str) and web_url(a) is not None
    ]
    return Stored(outcome, (url, *aliases))
