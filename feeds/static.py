"""Static feed files: ``all``, one per country and one per source, RSS and Atom.

Files are replaced atomically and only when their bytes change, so a web server's own
ETag and Last-Modified stay valid between builds (docs/feeds.md).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .build import FeedSpec, build_feed

# The states whose diplomacy diplofeed follows: one feed each, of the posts in which the
# state is a party (the classifier's countries), whoever published them.
CENTRAL_ASIA = ("KZ", "KG", "TJ", "TM", "UZ")
COUNTRY_NAMES = {
    "KZ": "Kazakhstan",
    "KG": "Kyrgyzstan",
    "TJ": "Tajikistan",
    "TM": "Turkmenistan",
    "UZ": "Uzbekistan",
}
from .changes import build_changes_feed
from .health import build_health_feed

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


def build_static_feeds(
    store: Store,
    out_dir: str | Path,
    *,
    base_url: str = "http://127.0.0.1:8080/",
    limit: int = 100,
    prefer_languages: list[str] | None = None,
) -> StaticBuild:
    """Write ``all.{rss,atom}``, ``country-<cc>.{rss,atom}``, ``source-<id>.{rss,atom}``
    and ``health.atom`` (changes of source status).

    ``all`` and the country feeds show one item per story (its GUID is the story's, so a
    press release reprinted by five agencies is one item); source feeds show each of
    the source's articles (GUID: the article's).
    """
    from storage import ArticleFilter  # local: storage imports nothing from feeds

    out = Path(out_dir)
    base = base_url if base_url.endswith("/") else base_url + "/"
    info = store.info()
    sources = store.sources()
    plans: list[tuple[FeedSpec, ArticleFilter]] = [
        (
            FeedSpec(
                "all",
                "diplofeed: Central Asian diplomacy",
                "Every source, one item per story",
                f"{base}all.rss",
                base,
                info,
                one_per_story=True,
            ),
            ArticleFilter(limit=limit, one_per_story=True, prefer_languages=prefer_languages or []),
        )
    ]
    for country in CENTRAL_ASIA:
        plans.append(
            (
                FeedSpec(
                    f"country-{country.lower()}",
                    f"diplofeed: {COUNTRY_NAMES[country]}",
                    f"The diplomacy of {COUNTRY_NAMES[country]}, from every source, one item per story",
                    f"{base}country-{country.lower()}.rss",
                    base,
                    info,
                    one_per_story=True,
                ),
                ArticleFilter(
                    countries=[country],
                    limit=limit,
                    one_per_story=True,
                    prefer_languages=prefer_languages or [],
                ),
            )
        )
    for src in sources:
        if not src["registered"]:
            continue
        languages = src["languages"]
        plans.append(
            (
                FeedSpec(
                    f"source-{src['id']}",
                    f"diplofeed: {src['name']}",
                    f"Every article from {src['name']}",
                    f"{base}source-{src['id']}.rss",
                    src["homepage"] or base,
                    info,
                    language=languages[0] if len(languages) == 1 else None,
                ),
                ArticleFilter(sources=[src["id"]], limit=limit),
            )
        )
    result = StaticBuild([], [])
    health = out / "health.atom"
    changed = write_if_changed(
        health,
        build_health_feed(
            store.health_events(), info, self_url=f"{base}health.atom", home_url=base
        ),
    )
    (result.written if changed else result.unchanged).append(health)
    changes = out / "changes.atom"
    changed = write_if_changed(
        changes,
        build_changes_feed(store.changes(), info, self_url=f"{base}changes.atom", home_url=base),
    )
    (result.written if changed else result.unchanged).append(changes)
    for spec, query in plans:
        rows = store.query_articles(query)
        if spec.one_per_story:
            versions = store.story_sources(r["story_id"] for r in rows)
            rows = [{**r, "story_articles": versions[r["story_id"]]} for r in rows]
        for fmt, ext in (("rss", "rss"), ("atom", "atom")):
            spec.self_url = f"{base}{spec.name}.{ext}"
            path = out / f"{spec.name}.{ext}"
            changed = write_if_changed(path, build_feed(spec, rows, fmt))
            (result.written if changed else result.unchanged).append(path)
    return result
