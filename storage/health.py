"""Source health: one status per source per crawl, from its figures and its history.

Pure functions (figures in, status out); the store records the result of every crawl
(``crawl_source_stats``) and every change of status (``source_health``), which the
health feed publishes (docs/sources.md, "Health").

Each status word has one small rule, ``Facts -> Health | None``; :data:`RULES` tries them
from the worst word to the best and the first that answers decides. A new signal is a
new rule (or a line in one), not a new branch in a long function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["RULES", "STATUSES", "Facts", "Health", "classify", "selector_drift"]

# From the worst to the best; a source gets the first that applies.
STATUSES = ("blocked", "unreachable", "broken", "stale", "degraded", "ok")
_BLOCKING_HTTP = {401, 403, 407, 429, 451}
_BLOCKING_WORDS = ("captcha", "are you a robot", "access denied")
_TLS_WORDS = ("ssl", "tls", "certificate", "handshake")
# Failures of the way to the host, not of the host's answer: DNS, connect, timeout, TLS.
_UNREACHABLE_KINDS = {"network", "timeout"}
_UNREACHABLE_WORDS = (
    "dns",
    "refused",
    "unreachable",
    "no route",
    "timed out",
    "timeout",
    "reset by peer",
    "connection lost",
)
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


@dataclass(frozen=True, slots=True)
class Facts:
    """What one crawl of one source showed, read once for every rule."""

    stats: Mapping[str, int]
    failures: Sequence[Mapping[str, object]]
    recent_published: Sequence[datetime]
    as_of: datetime

    def figure(self, name: str) -> int:
        return int(self.stats.get(name, 0) or 0)

    @property
    def articles(self) -> int:
        return self.figure("articles")

    @property
    def known(self) -> int:
        """Articles listed that the store already had (or that answered 304)."""
        return self.figure("known") + self.figure("not_modified")

    @property
    def read_nothing(self) -> bool:
        return self.articles == 0 and self.known == 0

    @property
    def blocking(self) -> list[Mapping[str, object]]:
        """Failures that say the site refuses us: 401/403/407/429/451, a captcha page."""
        return [
            f
            for f in self.failures
            if f.get("status") in _BLOCKING_HTTP or any(w in _message(f) for w in _BLOCKING_WORDS)
        ]

    @property
    def unreachable(self) -> list[Mapping[str, object]]:
        """Failures on the way to the host: DNS, connection refused or reset, timeout, TLS."""
        return [
            f
            for f in self.failures
            if not f.get("status")
            and (
                f.get("kind") == "timeout"
                or any(w in _message(f) for w in _TLS_WORDS)
                or (
                    f.get("kind") in _UNREACHABLE_KINDS
                    and any(w in _message(f) for w in _UNREACHABLE_WORDS)
                )
            )
        ]


def _message(failure: Mapping[str, object]) -> str:
    return str(failure.get("message", "")).lower()


def _first(failures: Sequence[Mapping[str, object]]) -> str:
    first = failures[0]
    if first.get("status"):
        return f"HTTP {first['status']}"
    return str(first.get("message", "")).strip()[:80]


def blocked(facts: Facts) -> Health | None:
    """403/429/captcha answers, and nothing read."""
    refused = facts.blocking
    if not refused or facts.articles:
        return None
    return Health("blocked", f"{len(refused)} request(s) refused ({_first(refused)}), nothing read")


def unreachable(facts: Facts) -> Health | None:
    """The host could not be reached (DNS, connect, timeout, TLS), and no page came back."""
    failed = facts.unreachable
    if not failed or not facts.read_nothing or facts.figure("pages"):
        return None
    return Health("unreachable", f"host not reached: {len(failed)} failure(s) ({_first(failed)})")


def broken(facts: Facts) -> Health | None:
    """Pages fetched but no article found, or every body empty (selectors that miss
    while the generic path still reads the pages are ``degraded``, issue #18)."""
    articles, pages = facts.articles, facts.figure("pages")
    if facts.read_nothing and pages == 0:
        failed = facts.failures
        detail = f": {_first(failed)}" if failed else ""
        return Health(
            "broken", f"no page could be fetched ({facts.figure('failed')} failure(s){detail})"
        )
    if facts.read_nothing:
        return Health(
            "broken", f"{pages} page(s) fetched but no article found: the layout changed?"
        )
    if articles and facts.figure("empty_body") >= articles:
        return Health("broken", f"every one of {articles} article(s) has an empty body")
    return None


def stale(facts: Facts) -> Health | None:
    """Nothing new for much longer than the source's usual gap between posts (articles
    lost to the store matter more than silence: those make it degraded)."""
    if facts.figure("unstored"):
        return None
    return _stale(facts.recent_published, facts.as_of)


def degraded(facts: Facts) -> Health | None:
    """Some pages failed, articles could not be stored, selectors missed, or under 80%
    of articles have title, date and body."""
    articles = facts.articles
    if not articles:
        return None
    unstored, failed = facts.figure("unstored"), facts.figure("failed")
    misses = facts.figure("selector_misses")
    coverage = int(facts.stats.get("complete", articles)) / articles
    parts = []
    if unstored:
        parts.append(f"{unstored} article(s) could not be stored (see the crawl's errors)")
    if failed:
        parts.append(f"{failed} page(s) failed")
    if coverage < MIN_COVERAGE:
        parts.append(f"only {coverage:.0%} of articles have title, date and body")
    if misses:
        parts.append(selector_drift(facts.stats))
    return Health("degraded", "; ".join(parts)) if parts else None


def ok(facts: Facts) -> Health:
    if facts.articles == 0:
        return Health("ok", f"nothing new; {facts.known} known article(s) listed")
    return Health("ok", f"{facts.articles} article(s), {facts.figure('new')} new")


# Tried in this order; ``ok`` answers when none does.
RULES: tuple[Callable[[Facts], Health | None], ...] = (
    blocked,
    unreachable,
    broken,
    stale,
    degraded,
)


def classify(
    stats: Mapping[str, int],
    failures: Sequence[Mapping[str, object]],
    recent_published: Sequence[datetime],
    as_of: datetime,
) -> Health:
    """Decide a source's status after one crawl.

    Args:
        stats: the run's figures (pages, articles, new, failed, complete, empty_body,
            selector_misses, known, not_modified, unstored).
        failures: the run's failures of this source (``kind``, ``status``, ``message``).
        recent_published: publication times of the source's latest stored articles.
        as_of: the time the crawl ran as of.

    Returns:
        ``blocked`` (403/429/captcha and nothing read), ``unreachable`` (DNS, connect,
        timeout or TLS failures and no page fetched), ``broken`` (pages fetched but no
        article found, or every body empty), ``stale`` (nothing new for much longer than
        the source's usual gap between posts), ``degraded`` (some pages failed, articles
        could not be stored, under 80% of articles have title, date and body, or the
        registry's selectors missed: the layout changed and the generic path read the
        pages), else ``ok``; with a one-line reason.
    """
    facts = Facts(stats, failures, recent_published, as_of)
    for rule in RULES:
        health = rule(facts)
        if health is not None:
            return health
    return ok(facts)


def _typical_gap(published: Sequence[datetime]) -> timedelta | None:
    """The mean gap between recent posts (a median would be minutes for a ministry that
    publishes three releases after one meeting, then nothing for days)."""
    if len(published) < 4:
        return None
    span = max(published) - min(published)
    return span / (len(published) - 1) if span else None


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
