"""Scoring what a reader sees on whole labelled streams (tests/stories/, docs/dedup.md).

A stream is a set of articles, each labelled with the real-world event it reports and
whether it is Central Asian diplomacy. The articles go through a fresh store end to end,
in a given order; the scores are those of the feeds as shown:

* relevance precision and recall of the diplomacy feeds;
* B-cubed precision and recall of the stories against the labelled events, over the
  articles labelled diplomacy (each article: the share of its story that is its event,
  and the share of its event that is in its story);
* extra items per event in ``all``: for each labelled event, the stories it shows as
  beyond the first, summed and divided by the number of events.

The labels were written by helpers who never saw the rules (tests/stories/README.md);
``gates.json`` pins each file's digest and the floors.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.registry import load_registry
from storage import Store

FOLDER = Path(__file__).with_name("stories")
GATES = FOLDER / "gates.json"
# the time the streams are imported as of: after every labelled article
AS_OF = datetime(2026, 12, 1, tzinfo=UTC)


def load_stream(name: str) -> list[dict[str, Any]]:
    """A labelled stream (``dev_stream``, ``holdout_stream``): articles with labels."""
    path = FOLDER / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def load_labels(name: str) -> dict[str, dict[str, Any]]:
    """Labels keyed by URL, for articles that come from elsewhere (the demo's crawl)."""
    return {row["url"]: row for row in load_stream(name)}


def digest(name: str) -> str:
    return hashlib.sha256((FOLDER / f"{name}.jsonl").read_bytes()).hexdigest()


def gates() -> dict[str, Any]:
    return json.loads(GATES.read_text(encoding="utf-8"))


def bcubed(gold: Mapping[str, Any], predicted: Mapping[str, Any]) -> tuple[float, float]:
    """B-cubed precision and recall of ``predicted`` clusters against ``gold`` ones
    (both map an item to its cluster)."""
    if not gold:
        return 1.0, 1.0
    gold_sets: dict[Any, set[str]] = defaultdict(set)
    predicted_sets: dict[Any, set[str]] = defaultdict(set)
    for item, cluster in gold.items():
        gold_sets[cluster].add(item)
        predicted_sets[predicted[item]].add(item)
    precision = recall = 0.0
    for item in gold:
        mine, theirs = gold_sets[gold[item]], predicted_sets[predicted[item]]
        both = len(mine & theirs)
        precision += both / len(theirs)
        recall += both / len(mine)
    return precision / len(gold), recall / len(gold)


@dataclass(slots=True)
class StreamScores:
    articles: int
    relevance_precision: float
    relevance_recall: float
    story_precision: float
    story_recall: float
    events: int
    items: int
    extra_items_per_event: float
    errors: list[str]

    def line(self, name: str) -> str:
        return (
            f"{name}: {self.articles} articles; relevance precision "
            f"{self.relevance_precision:.3f} recall {self.relevance_recall:.3f}; stories "
            f"B-cubed precision {self.story_precision:.3f} recall {self.story_recall:.3f}; "
            f"{self.events} events shown as {self.items} items in all "
            f"({self.extra_items_per_event:.1%} extra)"
        )


def score(
    labels: Mapping[str, Mapping[str, Any]], rows: Iterable[Mapping[str, Any]]
) -> StreamScores:
    """Score stored ``rows`` (``url``, ``story_id``, ``relevant``, ``title``) against the
    labels by URL."""
    rows = [r for r in rows if r["url"] in labels]
    tp = fp = fn = 0
    errors = []
    for row in rows:
        gold, shown = bool(labels[row["url"]]["relevant"]), bool(row["relevant"])
        tp += gold and shown
        fp += shown and not gold
        fn += gold and not shown
        if gold != shown:
            errors.append(f"{'FP' if shown else 'FN'} {row['title'][:80]}")
    diplomacy = [r for r in rows if labels[r["url"]]["relevant"]]
    gold = {r["url"]: labels[r["url"]]["event"] for r in diplomacy}
    predicted = {r["url"]: r["story_id"] for r in diplomacy}
    precision, recall = bcubed(gold, predicted)
    shown_by_event: dict[str, set[int]] = defaultdict(set)
    for row in diplomacy:
        if row["relevant"]:
            shown_by_event[labels[row["url"]]["event"]].add(int(row["story_id"]))
    events = len(set(gold.values()))
    items = sum(len(s) for s in shown_by_event.values())
    extra = sum(len(s) - 1 for s in shown_by_event.values() if s)
    return StreamScores(
        articles=len(rows),
        relevance_precision=tp / (tp + fp) if tp + fp else 1.0,
        relevance_recall=tp / (tp + fn) if tp + fn else 1.0,
        story_precision=precision,
        story_recall=recall,
        events=events,
        items=items,
        extra_items_per_event=extra / events if events else 0.0,
        errors=errors,
    )


def import_stream(
    store: Store, articles: Iterable[Mapping[str, Any]], *, seed: int | None = None
) -> None:
    """Save ``articles`` into ``store`` (the registry's sources first), shuffled by
    ``seed`` when given."""
    store.sync_sources((s.as_row() for s in load_registry().values()), complete=True)
    order = list(articles)
    if seed is not None:
        random.Random(seed).shuffle(order)
    for article in order:
        store.save_article(
            {
                key: article.get(key)
                for key in ("source", "url", "title", "body", "language", "published", "author")
            },
            now=AS_OF,
        )


def stored(store: Store) -> list[dict[str, Any]]:
    return list(store.db.query("SELECT url, story_id, relevant, title FROM articles"))


def score_stream(name: str, *, seed: int | None = None) -> StreamScores:
    """A labelled stream through a fresh store, scored."""
    articles = load_stream(name)
    with Store(":memory:") as store:
        import_stream(store, articles, seed=seed)
        rows = stored(store)
    return score({a["url"]: a for a in articles}, rows)
