"""Static feed files: ``all``, one per country, one per source and the named feeds of
feeds.toml, in RSS, Atom and JSON Feed, with an OPML list and an index page.

Files are replaced atomically and only when their bytes change, so a web server's own
ETag and Last-Modified stay valid between builds (docs/feeds.md).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from storage.times import utcnow
from storage.vocabulary import STATE_NAMES, STATES

from .build import FeedSpec, build_feed
from .changes import build_changes_feed
from .config import ConfigError, FeedsConfig, load_config
from .health import build_health_feed
from .publish import feed_rows, feed_scope, index_html, opml, vocabulary
from .query import BadQuery, Vocabulary, parse_query
from .sanitize import safe_url

if TYPE_CHECKING:
    from storage import Store

__all__ = ["StaticBuild", "build_static_feeds", "write_if_changed"]


@dataclass(slots=True)
class StaticBuild:
    written: list[Path]
    unchanged: list[Path]

    @property
    def files(self) -> list[Path]:
        return sorted(self.written + self.unchanged)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` by atomic rename, unless it already holds those bytes."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


@dataclass(slots=True)
class _Plan:
    name: str
    title: str
    description: str
    params: dict[str, list[str]]
    home_url: str | None = None
    language: str | None = None


def _plans(store: Store, config: FeedsConfig) -> list[_Plan]:
    """The feeds of a static build: ``all``, one per Central Asian state, one per source,
    and the named feeds of the configuration (which win over a built-in of one name)."""
    plans = [
        _Plan(
            "all",
            "diplofeed: Central Asian diplomacy",
            "Every source, one item per story",
            {"unique": ["story"]},
        )
    ]
    # one feed per state, of the posts in which it is a party, whoever published them
    for country in STATES:
        name = STATE_NAMES[country]
        plans.append(
            _Plan(
                f"country-{country.lower()}",
                f"diplofeed: {name}",
                f"The diplomacy of {name}, from every source, one item per story",
                {"country": [country], "unique": ["story"]},
            )
        )
    for src in store.sources():
        if src["registered"]:
            languages = src["languages"]
            plans.append(
                _Plan(
                    f"source-{src['id']}",
                    f"diplofeed: {src['name']}",
                    f"Every article from {src['name']}",
                    {"source": [src["id"]]},
                    # the feed's site link; a homepage that is not a web URL gets the index
                    safe_url(src["homepage"]),
                    languages[0] if len(languages) == 1 else None,
                )
            )
    by_name = {plan.name: plan for plan in plans}
    for feed in config.feeds.values():
        by_name[feed.name] = _Plan(feed.name, feed.title, feed.title, feed.params)
    return list(by_name.values())


def build_static_feeds(
    store: Store,
    out_dir: str | Path,
    *,
    base_url: str = "http://127.0.0.1:8080/",
    limit: int = 100,
    prefer_languages: list[str] | None = None,
    config: FeedsConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> StaticBuild:
    """Write every feed in RSS, Atom and JSON Feed (``all``, ``country-<cc>``,
    ``source-<id>`` and the named feeds of feeds.toml), ``feeds.opml`` listing them,
    ``index.html``, ``health.atom`` (changes of source status) and ``changes.atom``
    (edited articles).

    ``all``, the country feeds and named feeds with ``unique = "story"`` show one item per
    story (its GUID is the story's, so a press release reprinted by five agencies is one
    item); source feeds show each of the source's articles (GUID: the article's). Files are
    replaced atomically, and only when their bytes changed.

    ``progress(done, total)`` is called after each feed (its three formats) is written.

    Raises:
        ConfigError: a named feed's parameters are not valid (unknown country, ...).
    """
    out = Path(out_dir)
    base = base_url if base_url.endswith("/") else base_url + "/"
    config = config or load_config()
    info = store.info()
    words = vocabulary(store, config.sources())
    result = StaticBuild([], [])

    def write(path: Path, data: bytes) -> None:
        (result.written if write_if_changed(path, data) else result.unchanged).append(path)

    write(
        out / "health.atom",
        build_health_feed(
            store.health_events(), info, self_url=f"{base}health.atom", home_url=base
        ),
    )
    write(
        out / "changes.atom",
        build_changes_feed(store.changes(), info, self_url=f"{base}changes.atom", home_url=base),
    )
    plans = _plans(store, config)
    for done, plan in enumerate(plans, start=1):
        for fmt, data in _plan_feeds(store, plan, words, limit, prefer_languages, config, base):
            write(out / f"{plan.name}.{fmt}", data)
        if progress is not None:
            progress(done, len(plans))
    feeds = [(plan.name, plan.title) for plan in plans]
    # The reader's import: every feed. Each feed's items have GUIDs of its own, so a
    # reader that keys items by GUID across feeds (newsboat) shows each feed whole.
    write(out / "feeds.opml", opml([(f"{base}{n}.rss", t) for n, t in feeds], base))
    page = index_html(feeds, store, opml_url="feeds.opml", health_url="health.atom")
    write(out / "index.html", page.encode())
    return result


def _plan_feeds(
    store: Store,
    plan: _Plan,
    words: Vocabulary,
    limit: int,
    prefer_languages: list[str] | None,
    config: FeedsConfig,
    base: str,
) -> list[tuple[str, bytes]]:
    """One feed of a static build in each format.

    Raises:
        ConfigError: the feed's parameters are not valid.
    """
    try:
        own = parse_query(plan.params, words, now=utcnow())
        query = parse_query({"limit": [str(limit)], **plan.params}, words, now=utcnow())
    except BadQuery as exc:
        raise ConfigError(f"feed {plan.name} ({config.path}): {exc}") from exc
    if query.spec.one_per_story and not query.spec.prefer_languages:
        query.spec.prefer_languages = list(prefer_languages or [])
    rows = feed_rows(store, query)
    out = []
    for fmt in ("rss", "atom", "json"):
        spec = FeedSpec(
            plan.name,
            plan.title,
            plan.description,
            f"{base}{plan.name}.{fmt}",
            plan.home_url or base,
            store.info(),
            one_per_story=query.spec.one_per_story,
            language=plan.language,
            ttl_minutes=config.ttl_minutes,
            scope=feed_scope(plan.name, query, own),
        )
        out.append((fmt, build_feed(spec, rows, fmt)))
    return out
