"""Source health: one status per source per crawl, from its figures and its history.

Pure functions (figures in, status out); the store records the result and every change
of status (``source_health``), which the health feed publishes (docs/sources.md, "Health").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["STATUSES", "Health", "classify", "selector_drift"]

# From the worst to the best; a source gets the first that applies.
STATUSES = ("blocked", "broken", "stale", "degraded", "ok")
_BLOCKING_HTTP = {401, 403, 407, 429, 451}
_TLS_WORDS = ("ssl", "tls", "certificate", "handshake")
# "Much longer than usual": this many typical gaps between posts, and never under MIN_STALE
# (ministries post in bursts and rest at weekends and holidays).
STALE_GAPS = 5
MIN_STALE = timedelta(days=4)
MAX_STALE = timedelta(days=30)
MIN_COVERAGE = 0.8


@dataclass(frozen=True, slots=True)
class Health:
    status: str
    reason: str


def _typical_gap(published: Sequence[datetime]) -> timedelta | None:
    """The mean gap between recent posts (a median would be minutes for a ministry that
    publishes three releases after one meeting, then nothing for days)."""
    if len(published) < 4:
        return None
    span = max(published) - min(published)
    return span / (len(published) - 1) if span else None


def classify(
    stats: Mapping[str, int],
    failures: Sequence[Mapping[str, object]],
    recent_published: Sequence[datetime],
    as_of: datetime,
) -> Health:
    """Decide a source's status after one crawl.

    Args:
        stats: the run's figures (pages, articles, new, failed, complete, empty_body,
            selector_misses).
        failures: the run's failures of this source (``kind``, ``status``, ``message``).
        recent_published: publication times of the source's latest stored articles.
        as_of: the time the crawl ran as of.

    Returns:
        ``blocked`` (403/429/TLS errors and nothing read), ``broken`` (nothing extracted,
        or every body empty), ``stale`` (nothing new for much longer than the source's usual gap
        between posts), ``degraded`` (some pages failed, articles could not be stored,
        under 80% of articles have title, date and body, or the registry's selectors
        missed: the layout changed and the generic path read the pages), else ``ok``; with a
        one-line reason.
    """
    articles = int(stats.get("articles", 0))
    pages = int(stats.get("pages", 0))
    failed = int(stats.get("failed", 0))
    blocking = [
        f
        for f in failures
        if f.get("status") in _BLOCKING_HTTP
        or any(w in str(f.get("message", "")).lower() for w in _TLS_WORDS)
    ]
    if blocking and articles == 0:
        first = blocking[0]
        code = (
            f"HTTP {first['status']}" if first.get("status") else str(first.get("message", ""))[:80]
        )
        return Health("blocked", f"{len(blocking)} request(s) refused ({code}), nothing read")
    known = int(stats.get("known", 0)) + int(stats.get("not_modified", 0))
    if articles == 0 and known:
        # the listing works and holds only articles stored before: nothing new, unless
        # nothing has been new for too long
        stale = _stale(recent_published, as_of)
        return stale or Health("ok", f"nothing new; {known} known article(s) listed")
    if articles == 0:
        if pages == 0:
            return Health("broken", f"no page could be fetched ({failed} failure(s))")
        return Health(
            "broken", f"{pages} page(s) fetched but no article found: the layout changed?"
        )
    misses = int(stats.get("selector_misses", 0))
    if int(stats.get("empty_body", 0)) >= articles:
        return Health("broken", f"every one of {articles} article(s) has an empty body")
    unstored = int(stats.get("unstored", 0))
    stale = _stale(recent_published, as_of)
    if stale and not unstored:  # articles lost to the store matter more than silence
        return stale
    coverage = int(stats.get("complete", articles)) / articles
    if failed or coverage < MIN_COVERAGE or misses or unstored:
        parts = []
        if unstored:
            parts.append(f"{unstored} article(s) could not be stored (see the crawl's errors)")
        if failed:
            parts.append(f"{failed} page(s) failed")
        if coverage < MIN_COVERAGE:
            parts.append(f"only {coverage:.0%} of articles have title, date and body")
        if misses:
            parts.append(selector_drift(stats))
        return Health("degraded", "; ".join(parts))
    return Health("ok", f"{articles} article(s), {int(stats.get('new', 0))} new")


def _stale(recent_published: Sequence[datetime], as_of: datetime) -> Health | None:
    """``stale`` when the newest post is much older than the source's usual gap."""
    newest = max(recent_published) if recent_published else None
    gap = _typical_gap(recent_published)
    if newest is None:
        return None
    allowed = min(MAX_STALE, max(MIN_STALE, STALE_GAPS * gap)) if gap else MAX_STALE
    silent = as_of - newest
    if silent > allowed:
        return Health("stale", f"nothing new for {silent.days} day(s); usually every {_human(gap)}")
    return None


def _human(gap: timedelta | None) -> str:
    if gap is None:
        return "?"
    hours = gap.total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"


def selector_drift(stats: Mapping[str, int]) -> str:
    """The reason a source whose selectors miss is ``degraded`` (issue #18): articles
    keep coming from the generic path, but the site's layout changed.

    "selectors missed on 9 of 10 pages (date, body); generic extraction used"
    """
    misses = int(stats.get("selector_misses", 0))
    pages = max(int(stats.get("selector_pages", 0)), misses, int(stats.get("articles", 0)))
    fields = [
        name for name in ("title", "date", "body") if int(stats.get(f"{name}_selector_misses", 0))
    ]
    which = f" ({', '.join(fields)})" if fields else ""
    return f"selectors missed on {misses} of {pages} pages{which}; generic extraction used"
